"""Rule conditions as data: compile once, evaluate against a device's facts.

A condition is a tree of ``all`` / ``any`` / ``not`` nodes whose leaves name a
fact kind with predicates on its fields::

    all:
      - fact: config.http_source          # binds 'src'
        as: src
      - fact: config.interface
        where:
          key: {equals: {ref: src.key}}   # join on a field of an earlier binding
          vrf: {not_equals: {ref: callhome.vrf}}

Evaluation yields *bindings*: one dictionary per way the condition holds,
mapping each ``as`` name to the fact it matched and the fields the predicates
looked at (which become the finding's evidence lines). A ``not`` whose facts
the device's captures cannot prove absent is *unknown*, not true: the rule is
then not evaluated instead of firing on missing data.

There is no ``eval`` and no code in rules: predicates are a fixed set of
operators, typed by the catalogue (dates relative to *now*, NX-OS releases,
numbers, text and regular expressions).
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from diag.commands import covers
from diag.types import format_value, url_parts
from diag.version import Release

MAX_MATCH_LEN = 4096  # regular expressions never see more than this of a value
MAX_BINDINGS = 2_000  # ways a rule's facts may join on one device before the rest are dropped

Bound = tuple[Any, tuple[str, ...]]  # (fact, fields used)
Binding = dict[str, Any]  # name -> Bound, plus UNKNOWN -> frozenset of deciding scopes
UNKNOWN = "?unknown"


def bound(b: Binding) -> list[tuple[str, Bound]]:
    """The named facts of a binding, without its UNKNOWN marker."""
    return [(k, v) for k, v in b.items() if k != UNKNOWN]


class CompileError(Exception):
    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}" if where else problem)
        self.where = where
        self.problem = problem


@dataclass
class Ctx:
    """What conditions are evaluated against: a device's facts, what its captures cover,
    the time it is judged at and the fact catalogue."""

    store: Any  # FactStore
    coverage: frozenset[str] | set[str]
    now: dt.datetime
    catalogue: dict
    derived_needs: dict[str, frozenset[str]] = field(default_factory=dict)
    memo: dict = field(default_factory=dict)  # answers that hold for every binding (NotNode)
    # kind -> the filtered sections (by id) whose facts of that kind the rule may use: set
    # when the rule is judged on filtered outputs that show what it reads (engine.partial_scopes);
    # facts of other filtered outputs, which may lack what their filter hid, are left out
    sources: dict[str, frozenset[int]] | None = None
    sections: list | None = None  # the device's outputs (what covers what: unread_doubt)

    def usable(self, kind: str, facts: list) -> list:
        allowed = self.sources.get(kind) if self.sources else None
        if allowed is None:
            return facts
        return [f for f in facts if not f.section.filtered or id(f.section) in allowed]

    def unread_doubt(self, kind: str, spec) -> bool:
        """Whether the absence of ``kind`` rests only on outputs with lines diag could not
        read (a URL line garbled or cut short in a callhome block): such an output proves
        no absence of what it produces, as the line it could not read may be the one."""
        unread = self.store.get("capture.unparsed")
        # an output cut short (split.Section.stops) proves no absence either: what it lacks
        # may be in the part that is not there
        cut = self.memo.get("cut")
        if cut is None:
            cut = self.memo["cut"] = tuple(s for s in self.sections or () if getattr(s, "stops", ""))
        if not unread and not cut:
            return False
        key = ("unread", kind)
        if key in self.memo:
            return self.memo[key]
        doubtful = {id(f.section): f.section for f in unread if f.section.command in spec.produced_by}
        doubtful.update((id(sec), sec) for sec in cut if sec.command in spec.produced_by)
        answer = False
        if doubtful:
            sections = self.sections if self.sections is not None else [
                f.section for facts in self.store.by_kind.values() for f in facts]
            others: set[str] = set()
            for sec in sections:
                if id(sec) not in doubtful:
                    others |= sec.coverage
            only_doubtful = set().union(*(sec.coverage for sec in doubtful.values())) - others
            rest = set(self.coverage) - only_doubtful
            answer = not any(covers(rest, scope) for scope in spec.proven_by)
        self.memo[key] = answer
        return answer

    def needs_for(self, kind: str) -> frozenset[str]:
        """The commands that would decide whether facts of ``kind`` exist."""
        spec = self.catalogue[kind]
        scope = spec.proven_by[0] if spec.proven_by else kind
        if scope.startswith("derived:"):
            return self.derived_needs.get(kind, frozenset({scope}))
        return frozenset({scope})


# -- regular expressions -------------------------------------------------------
#
# Python's re backtracks: a pattern that can match the same text in many ways takes time
# exponential in the length of the value. Values are cut to MAX_MATCH_LEN, which keeps a
# single repetition cheap. A site rule's patterns are checked at load for the classic
# shapes of exponential backtracking and for their length; this is a guard against a
# slip, not a sandbox: site rules are the site's own code (the built-in ones are checked
# by the test suite, which also runs every one of them on adversarial values).

MAX_PATTERN = 4096  # characters of a rule's regular expression
# A quantified group that itself ends in a quantifier, e.g. (a+)+ or (\w*)*
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}]\)[+*{]")
# A repeated group of two identical alternatives, e.g. (a|a)* or (?:ab|ab)+
_OVERLAP_ALT = re.compile(r"\((?:\?:)?([^()|]+)\|\1\)[+*{]")


class LazyRegex:
    """A rule's regular expression, compiled when a predicate first runs it (most of the
    rules a small paste loads never do)."""

    __slots__ = ("pattern", "_compiled")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._compiled: re.Pattern | None = None

    def search(self, text: str):
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled.search(text)


def check_regex(pattern: str, where: str) -> None:
    """Refuse a site rule's regular expression that does not compile, is too long, or has
    a shape that backtracks catastrophically; ``CompileError`` says which."""
    if len(pattern) > MAX_PATTERN:
        raise CompileError(where, f"regular expression of {len(pattern)} characters; at most {MAX_PATTERN}")
    if _NESTED_QUANTIFIER.search(pattern):
        raise CompileError(where, f"regular expression '{pattern}' can backtrack catastrophically "
                                  "(a quantified group inside a quantifier); rewrite it without nesting")
    if _OVERLAP_ALT.search(pattern):
        raise CompileError(where, f"regular expression '{pattern}' can backtrack catastrophically "
                                  "(a repeated group whose alternatives are the same); keep one of them")
    try:
        re.compile(pattern)
    except (re.error, OverflowError, RecursionError) as exc:
        raise CompileError(where, f"invalid regular expression '{pattern}': {exc}") from None


# -- operands ------------------------------------------------------------------

MAX_RELATIVE = dt.timedelta(days=36500)  # now+30d, now-12h ...: a hundred years at most
_RELATIVE = re.compile(r"^now\s*(?:(?P<sign>[+-])\s*(?P<num>\d+)\s*(?P<unit>[dhm]))?$")


@dataclass(frozen=True)
class Ref:
    """An operand that names a field of a fact bound earlier (``binding.field``)."""

    name: str
    field: str


@dataclass(frozen=True)
class RelativeDate:
    """An operand relative to the time a device is judged at (``now-30d``)."""

    delta: dt.timedelta

    def at(self, now: dt.datetime) -> dt.datetime:
        return now + self.delta


def _typed_operand(value: Any, ftype: str, where: str, bindings: dict[str, str], catalogue: dict) -> Any:
    if isinstance(value, dict):
        name, _, fld = value["ref"].partition(".")
        if name not in bindings:
            raise CompileError(where, f"ref '{value['ref']}' names '{name}', which is not bound earlier "
                                      f"(bound: {', '.join(bindings) or 'none'})")
        kind = bindings[name]
        if fld not in catalogue[kind].fields:
            raise CompileError(where, f"ref '{value['ref']}': fact '{kind}' has no field '{fld}'")
        return Ref(name, fld)
    if ftype == "date":
        if isinstance(value, str):
            m = _RELATIVE.match(value.strip())
            if m:
                if not m.group("sign"):
                    return RelativeDate(dt.timedelta())
                unit = {"d": "days", "h": "hours", "m": "minutes"}[m.group("unit")]
                digits = m.group("num").lstrip("0") or "0"
                if len(digits) > 7 or dt.timedelta(**{unit: int(digits)}) > MAX_RELATIVE:
                    raise CompileError(where, f"'{value}' is more than {MAX_RELATIVE.days} days from now: "
                                              "no licence timer is that long")
                delta = dt.timedelta(**{unit: int(digits)})
                return RelativeDate(delta if m.group("sign") == "+" else -delta)
            try:
                parsed = dt.datetime.fromisoformat(value)
            except ValueError:
                parsed = None
            if parsed is not None:
                from diag.types import YEARS

                if not YEARS[0] <= parsed.year <= YEARS[1]:
                    raise CompileError(where, f"'{value}': give a date between the years {YEARS[0]} and {YEARS[1]}")
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
        raise CompileError(where, f"'{value}' is not a date: use now, now+30d, now-12h or an ISO date")
    if ftype == "release":
        rel = Release.parse(str(value))
        if rel is None:
            raise CompileError(where, f"'{value}' is not an NX-OS release (e.g. 9.3(3), 10.2(1)F)")
        return rel
    if ftype in ("int", "duration"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise CompileError(where, f"'{value}' is not a number (field type {ftype})")
        return value
    if ftype == "bool":
        if not isinstance(value, bool):
            raise CompileError(where, f"'{value}' is not true/false")
        return value
    if isinstance(value, (dict, list)):
        raise CompileError(where, f"'{value}' is not a scalar")
    return value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)


def _resolve(operand: Any, b: Binding, ctx: Ctx) -> Any:
    if isinstance(operand, Ref):
        bound = b.get(operand.name)
        return None if bound is None else bound[0].get(operand.field)
    if isinstance(operand, RelativeDate):
        return operand.at(ctx.now)
    return operand


def _comparable(value: Any) -> Any:
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return value


# -- predicates ------------------------------------------------------------------

NEGATIVE = ("not_equals", "not_in", "not_matches")


class Pred:
    """A field predicate. ``ops`` is the data; ``test`` runs small specialised functions
    built from it on first use."""

    __slots__ = ("ops", "refs", "_fns")

    def __init__(self, ops: list[tuple[str, Any]]):
        self.ops = ops
        self.refs = _refs(ops)
        self._fns: tuple | None = None

    def functions(self) -> tuple:
        """One ``(value, binding, ctx) -> bool`` function per operator: all must hold."""
        fns = self._fns
        if fns is None:
            fns = self._fns = tuple(_build(op, arg) for op, arg in self.ops)
        return fns

    def test(self, value: Any, b: Binding, ctx: Ctx) -> bool:
        fns = self._fns
        if fns is None:
            fns = self.functions()
        for fn in fns:
            if not fn(value, b, ctx):
                return False
        return True


def _dynamic(arg: Any) -> bool:
    return isinstance(arg, (Ref, RelativeDate))


def _build(op: str, arg: Any):
    """A function ``(value, binding, ctx) -> bool`` for one operator, with its operand baked in."""
    if op == "exists":
        return lambda v, b, c: (v is not None and v != []) == arg
    if op == "any":
        return lambda v, b, c: any(p.test(v, b, c) for p in arg)
    if op == "all":
        return lambda v, b, c: all(p.test(v, b, c) for p in arg)
    if op == "not":
        return lambda v, b, c: not arg.test(v, b, c)
    one = _build_one(op, arg)
    combine = all if op in NEGATIVE else any

    def test(v, b, c):
        if v is None:
            return False
        if type(v) is list:
            return combine(one(x, b, c) for x in v)
        return one(v, b, c)

    return test


def _build_one(op: str, arg: Any):
    if op == "matches":
        return lambda v, b, c: arg.search(str(v)[:MAX_MATCH_LEN]) is not None
    if op == "not_matches":
        return lambda v, b, c: arg.search(str(v)[:MAX_MATCH_LEN]) is None
    if op in ("in", "not_in"):
        positive = op == "in"
        if not any(_dynamic(a) for a in arg):
            options = list(arg)
            return (lambda v, b, c: v in options) if positive else (lambda v, b, c: v not in options)
        return lambda v, b, c: (v in [_resolve(a, b, c) for a in arg]) == positive
    if not _dynamic(arg):
        if op == "equals":
            return lambda v, b, c: v == arg
        if op == "not_equals":
            return lambda v, b, c: v != arg
    return lambda v, b, c: _test_one(op, arg, v, b, c)


def _refs(ops: list[tuple[str, Any]]) -> frozenset[str]:
    """The binding names a predicate's operands refer to."""
    names: set[str] = set()
    for _, arg in ops:
        for item in (arg if isinstance(arg, list) else [arg]):
            if isinstance(item, Ref):
                names.add(item.name)
            elif isinstance(item, Pred):
                names |= item.refs
    return frozenset(names)


def _test_one(op: str, arg: Any, value: Any, b: Binding, ctx: Ctx) -> bool:
    if op in ("matches", "not_matches"):
        found = arg.search(str(value)[:MAX_MATCH_LEN]) is not None
        return found if op == "matches" else not found
    if op in ("in", "not_in"):
        options = [_resolve(a, b, ctx) for a in arg]
        return (value in options) if op == "in" else (value not in options)
    other = _resolve(arg, b, ctx)
    if other is None:
        return False
    if op == "equals":
        return value == other
    if op == "not_equals":
        return value != other
    left, right = _comparable(value), _comparable(other)
    try:
        if op == "lt":
            return left < right
        if op == "le":
            return left <= right
        if op == "gt":
            return left > right
        if op == "ge":
            return left >= right
    except TypeError:
        return False
    return False


def compile_pred(spec: dict, ftype: str, where: str, bindings: dict[str, str], catalogue: dict) -> Pred:
    ops: list[tuple[str, Any]] = []
    for op, arg in spec.items():
        w = f"{where}.{op}"
        if op in ("matches", "not_matches"):
            ops.append((op, LazyRegex(arg)))
        elif op in ("in", "not_in"):
            ops.append((op, [_typed_operand(a, ftype, f"{w}[{i}]", bindings, catalogue) for i, a in enumerate(arg)]))
        elif op == "exists":
            ops.append((op, bool(arg)))
        elif op in ("any", "all"):
            ops.append((op, [compile_pred(p, ftype, f"{w}[{i}]", bindings, catalogue) for i, p in enumerate(arg)]))
        elif op == "not":
            ops.append((op, compile_pred(arg, ftype, w, bindings, catalogue)))
        elif op in ("lt", "le", "gt", "ge") and ftype in ("text", "raw", "upper", "url", "bool"):
            raise CompileError(w, f"'{op}' compares numbers, dates or releases; this field is {ftype}")
        else:
            ops.append((op, _typed_operand(arg, ftype, w, bindings, catalogue)))
    return Pred(ops)


# -- condition nodes ---------------------------------------------------------------


class Node:
    def match(self, b: Binding, ctx: Ctx) -> list[Binding]:
        raise NotImplementedError

    def kinds(self) -> set[str]:
        raise NotImplementedError

    def touches(self) -> tuple[str, ...]:
        """The binding names this node's answer can depend on or change: the names its
        predicates refer to and the names it binds (sorted). Its answer for a binding is
        that binding plus what it adds, whatever the binding's other names hold."""
        names = getattr(self, "_touches", None)
        if names is None:
            names = self._touches = tuple(sorted(self._touched()))
        return names

    def _touched(self) -> set[str]:
        raise NotImplementedError


INDEX_MIN = 64  # facts of one kind in a device above which equality joins use an index
ASK_ONCE_MIN = 16  # bindings of an 'all' above which a child is asked once per distinct question (_Answers)


class FactNode(Node):
    """Holds once per matching fact. With ``missing: unknown``, no match in a device
    whose captures do not cover the kind is *unknown* (ask for the command) rather
    than false (the evidence is not there)."""

    def __init__(self, kind: str, alias: str, preds: list[tuple[str, Pred]], unknown_if_missing: bool = False):
        self.kind = kind
        self.alias = alias
        self.preds = preds
        self.fields = tuple(f for f, _ in preds)
        self.unknown_if_missing = unknown_if_missing
        self.refs = frozenset().union(*(p.refs for _, p in preds)) if preds else frozenset()
        self._tests: tuple | None = None  # (field, test function) of every predicate, built on first use
        self._join: tuple | None = None  # (field, Ref) of an equality join, found with _tests

    def match(self, b: Binding, ctx: Ctx) -> list[Binding]:
        if UNKNOWN in b and any(name not in b for name in self.refs):
            # it joins on a binding that is itself undecided: so is this
            return [b]
        out = []
        tests = self._tests
        if tests is None:
            tests = self._tests = tuple((f, fn) for f, p in self.preds for fn in p.functions())
            self._join = next(((f, arg) for f, p in self.preds for op, arg in p.ops
                               if op == "equals" and isinstance(arg, Ref)), None)
        facts = ctx.store.get(self.kind)
        if ctx.sources:
            facts = ctx.usable(self.kind, facts)
        if self._join is not None and len(facts) > INDEX_MIN:
            # many facts, joined on equality with a bound value: look them up, then test
            # them as usual (the index only leaves out facts the equality would refuse)
            name, ref = self._join
            bound = b.get(ref.name)
            target = None if bound is None else bound[0].get(ref.field)
            if target is None:
                facts = []
            else:
                try:
                    facts = ctx.store.index(self.kind, name).get(target, [])
                    if ctx.sources:
                        facts = ctx.usable(self.kind, facts)
                except TypeError:  # an unhashable value (a list): scan them all
                    pass
        for fact in facts:
            fields = fact.fields
            for f, fn in tests:
                if not fn(fields.get(f), b, ctx):
                    break
            else:
                nb = dict(b)
                nb[self.alias] = (fact, self.fields)
                out.append(nb)
        if not out and self.unknown_if_missing:
            spec = ctx.catalogue[self.kind]
            if not any(covers(ctx.coverage, scope) for scope in spec.proven_by) or ctx.unread_doubt(self.kind, spec):
                nb = dict(b)
                nb[UNKNOWN] = frozenset(b.get(UNKNOWN, frozenset()) | ctx.needs_for(self.kind))
                out.append(nb)
        return out

    def kinds(self) -> set[str]:
        return {self.kind}

    def _touched(self) -> set[str]:
        return set(self.refs) | {self.alias}


class AllNode(Node):
    def __init__(self, children: list[Node]):
        self.children = children

    def match(self, b: Binding, ctx: Ctx) -> list[Binding]:
        current = [b]
        for child in self.children:
            joined: list[Binding] = []
            answers = _Answers(child) if len(current) > ASK_ONCE_MIN else None
            for cb in current:
                joined.extend(child.match(cb, ctx) if answers is None else answers.match(cb, ctx))
                if len(joined) > MAX_BINDINGS:
                    # a join over many distinct copies of the same outputs: keep the first
                    # ones (in capture order), so that time and memory stay bounded; one
                    # problem gives one finding anyway
                    del joined[MAX_BINDINGS:]
                    break
            current = joined
            if not current:
                break
        return current

    def kinds(self) -> set[str]:
        return set().union(*(c.kinds() for c in self.children))

    def _touched(self) -> set[str]:
        return set().union(*(c.touches() for c in self.children))


class _Answers:
    """A child of an ``all`` asked about many bindings that differ only in names it neither
    reads nor binds (a gate such as 'any COMM_FAILED message', then a scan of the log for
    each of thousands of them): asked once per distinct value of the names it touches
    (and of the binding's UNKNOWN marker); every other binding gets the same answer,
    added to its own names in the same order. The answers are those a fresh evaluation
    gives, so the join is linear in the bindings instead of bindings times facts."""

    __slots__ = ("child", "names", "seen")

    def __init__(self, child: Node):
        self.child = child
        self.names = child.touches()
        self.seen: dict[tuple, list[dict]] = {}

    def match(self, b: Binding, ctx: Ctx) -> list[Binding]:
        key = (b.get(UNKNOWN), tuple(b.get(name) for name in self.names))
        added = self.seen.get(key)
        if added is None:
            found = self.child.match(b, ctx)
            self.seen[key] = [{k: v for k, v in r.items() if k not in b or b[k] is not v} for r in found]
            return found
        return [{**b, **more} for more in added]


class AnyNode(Node):
    def __init__(self, children: list[Node]):
        self.children = children

    def match(self, b: Binding, ctx: Ctx) -> list[Binding]:
        out: list[Binding] = []
        seen: set[tuple] = set()
        for child in self.children:
            for nb in child.match(b, ctx):
                key = (UNKNOWN in nb, tuple((k, id(v[0])) for k, v in bound(nb)))
                if key not in seen:
                    seen.add(key)
                    out.append(nb)
        return out

    def kinds(self) -> set[str]:
        return set().union(*(c.kinds() for c in self.children))

    def _touched(self) -> set[str]:
        return set().union(*(c.touches() for c in self.children))


class NotNode(Node):
    """Three-valued: true only when the captures prove the absence.

    Without the scope that proves it, the answer is *unknown*: the binding is
    kept with the deciding scopes under ``UNKNOWN``, so that a later ``all``
    item that is false still makes the whole condition false, while one that
    is true leaves it unknown (Kleene logic). The engine reports unknown
    results as "not evaluated", never as findings.
    """

    def __init__(self, child: Node):
        self.child = child

    def match(self, b: Binding, ctx: Ctx) -> list[Binding]:
        free = getattr(self, "_free", None)
        if free is None:
            # a negated fact pattern that names no binding: its answer is the same for every
            # binding of the device (asked once per block of thousands, it was quadratic)
            free = self._free = isinstance(self.child, FactNode) and not self.child.refs
        if free and UNKNOWN not in b:
            key = id(self)
            if key in ctx.memo:
                unknown = ctx.memo[key]
            else:
                unknown = ctx.memo[key] = self._decide(b, ctx)
        else:
            unknown = self._decide(b, ctx)
        if unknown is None:
            return []
        if unknown:
            nb = dict(b)
            nb[UNKNOWN] = frozenset(b.get(UNKNOWN, frozenset()) | unknown)
            return [nb]
        return [b]

    def _decide(self, b: Binding, ctx: Ctx) -> frozenset[str] | None:
        """None when the thing exists (the negation is false); else what would decide it
        (empty: the absence is proven)."""
        if UNKNOWN in b and (isinstance(self.child, CapturedNode) or (
                isinstance(self.child, FactNode) and all(n in b for n in self.child.refs))):
            # a binding undecided elsewhere: a fact pattern that holds still holds (Kleene:
            # not(true) is false whatever else is unknown), so ask it without that doubt
            b = {k: v for k, v in b.items() if k != UNKNOWN}
        results = self.child.match(b, ctx)
        if any(UNKNOWN not in r for r in results):
            return None  # the thing exists: the negation is false, whatever else is missing
        unknown: set[str] = set()
        for r in results:
            unknown |= r[UNKNOWN]
        for kind in self.child.kinds():
            spec = ctx.catalogue[kind]
            if not any(covers(ctx.coverage, scope) for scope in spec.proven_by) or ctx.unread_doubt(kind, spec):
                unknown |= ctx.needs_for(kind)
        return frozenset(unknown)

    def kinds(self) -> set[str]:
        return self.child.kinds()

    def _touched(self) -> set[str]:
        return set(self.child.touches())  # its own bindings are dropped; the child's refs are read


class CapturedNode(Node):
    """Whether the device's captures cover a scope: true or false, never unknown."""

    def __init__(self, scope: str):
        self.scope = scope

    def match(self, b: Binding, ctx: Ctx) -> list[Binding]:
        return [b] if covers(ctx.coverage, self.scope) else []

    def kinds(self) -> set[str]:
        return set()

    def _touched(self) -> set[str]:
        return set()


def reads(node: Node) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """What a condition looks at: each fact kind with the fields its predicates test (their
    own, and those of other bindings they refer to), and the scopes ``captured`` names."""
    fields: dict[str, set[str]] = {}
    kinds: dict[str, str] = {}  # binding -> kind
    refs: list[tuple[str, str]] = []
    scopes: set[str] = set()

    def preds(pred: Pred) -> None:
        for _, arg in pred.ops:
            for item in (arg if isinstance(arg, list) else [arg]):
                if isinstance(item, Ref):
                    refs.append((item.name, item.field))
                elif isinstance(item, Pred):
                    preds(item)

    def walk(n: Node) -> None:
        if isinstance(n, FactNode):
            kinds.setdefault(n.alias, n.kind)
            fields.setdefault(n.kind, set()).update(n.fields)
            for _, pred in n.preds:
                preds(pred)
        elif isinstance(n, (AllNode, AnyNode)):
            for child in n.children:
                walk(child)
        elif isinstance(n, NotNode):
            walk(n.child)
        elif isinstance(n, CapturedNode):
            scopes.add(n.scope)

    walk(node)
    for name, fld in refs:
        if name in kinds:
            fields.setdefault(kinds[name], set()).add(fld)
    return {k: frozenset(v) for k, v in fields.items()}, frozenset(scopes)


def compile_condition(spec: dict, catalogue: dict) -> tuple[Node, dict[str, str]]:
    """Compile a ``when`` tree; return the root and the bindings it makes (name -> kind)."""
    bindings: dict[str, str] = {}
    node = _compile(spec, "", bindings, catalogue)
    return node, bindings


def _compile(spec: dict, where: str, bindings: dict[str, str], catalogue: dict) -> Node:
    """``where`` is the path of this node with a trailing dot ('' at the top)."""
    if "all" in spec:
        return AllNode([_compile(c, f"{where}all[{i}].", bindings, catalogue) for i, c in enumerate(spec["all"])])
    if "any" in spec:
        return AnyNode([_compile(c, f"{where}any[{i}].", bindings, catalogue) for i, c in enumerate(spec["any"])])
    if "not" in spec:
        return NotNode(_compile(spec["not"], f"{where}not.", dict(bindings), catalogue))
    if "captured" in spec:
        from diag.commands import known_scopes

        if spec["captured"] not in known_scopes():
            raise CompileError(f"{where}captured", f"unknown command scope '{spec['captured']}'")
        return CapturedNode(spec["captured"])
    kind = spec["fact"]
    w = f"{where}fact"
    if kind not in catalogue:
        raise CompileError(w, f"unknown fact kind '{kind}'; see 'diag parse' or the fact catalogue")
    kspec = catalogue[kind]
    alias = spec.get("as") or kind.rsplit(".", 1)[-1]
    preds = []
    for fname, pspec in (spec.get("where") or {}).items():
        if fname not in kspec.fields:
            raise CompileError(f"{where}where.{fname}", f"fact '{kind}' has no field '{fname}' "
                                                       f"(fields: {', '.join(kspec.fields)})")
        preds.append((fname, compile_pred(pspec, kspec.fields[fname].type, f"{where}where.{fname}",
                                          bindings, catalogue)))
    if alias in bindings and bindings[alias] != kind:
        raise CompileError(f"{where}as", f"binding '{alias}' is already used for '{bindings[alias]}'")
    bindings[alias] = kind
    return FactNode(kind, alias, preds, spec.get("missing") == "unknown")


# -- message templates ---------------------------------------------------------------

SPECIALS = {"device_name", "now", "licensing_host", "licensing_vrf"}


def _licensing_path(ctx, field: str, default: str) -> str:
    """The host or VRF licensing messages use on this device (the derived ``licensing.path``,
    whatever the rule bound), or ``default`` when the capture does not say."""
    for fact in ctx.store.get("licensing.path"):
        if field == "vrf" and fact.get("vrf_basis") == "assumed":
            continue  # a VRF nothing states is a guess: the fix names no VRF on it
        value = fact.get(field)
        if value:
            return str(value)
    return default
_PLACE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_PART = re.compile(r"^(?P<name>[a-z_][a-z0-9_]*)(?:\.(?P<field>[a-z][a-z0-9_]*))?(?P<filters>(?:\|[a-z_]+)*)$")


def _days(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 86400)


FILTERS = {
    "https": lambda v, ctx: re.sub(r"^http://", "https://", str(v), flags=re.I),
    "host": lambda v, ctx: url_parts(str(v))[1],
    "path": lambda v, ctx: url_parts(str(v))[2],
    "days_left": lambda v, ctx: str(_days(v - ctx.now)) if isinstance(v, dt.datetime) else "?",
    "days_ago": lambda v, ctx: str(_days(ctx.now - v)) if isinstance(v, dt.datetime) else "?",
    "days": lambda v, ctx: str(_days(v)) if isinstance(v, dt.timedelta) else str(v),
    "date": lambda v, ctx: v.strftime("%Y-%m-%d %H:%M UTC") if isinstance(v, dt.datetime) else str(v),
    "upper": lambda v, ctx: str(v).upper(),
    "lower": lambda v, ctx: str(v).lower(),
    "index_clause": lambda v, ctx: f"index {v} " if v not in (None, "") else "",
    "reason_clause": lambda v, ctx: f' with failure reason "{v}"' if v not in (None, "") else "",
    "vrf_clause": lambda v, ctx: f" vrf {v}" if v not in (None, "") else "",
    "use_vrf_clause": lambda v, ctx: f" use-vrf {v}" if v not in (None, "") else "",
    "or_default": lambda v, ctx: str(v),  # a VRF; 'default' when it is not named (MISSING)
    "or_interface": lambda v, ctx: str(v),  # an interface to suggest; '<interface>' when none
    "or_unstated": lambda v, ctx: str(v),  # a VRF; '<VRF>' when nothing states it (MISSING)
    "vrf_basis": lambda v, ctx: "stated",  # a VRF a line or output names; 'assumed' when none does
    "stated_vrf_clause": lambda v, ctx: f", VRF {v}",  # else a sentence: the VRF is not stated
    "licensing_url": lambda v, ctx: _licensing_url(str(v)),
    "url_path_note": lambda v, ctx: _url_path_note(str(v)),
    "due": lambda v, ctx: _due(v, ctx) if isinstance(v, dt.datetime) else "?",
    "auth_state_clause": lambda v, ctx: _auth_state_clause(str(v)),
    "deadline_clause": lambda v, ctx: _deadline_clause(v, ctx) if isinstance(v, dt.datetime) else "",
    "countdown_clause": lambda v, ctx: (f": that is {v.strftime('%Y-%m-%d %H:%M UTC')} ({_due(v, ctx)})"
                                        if isinstance(v, dt.datetime) else ""),
}
# what a filter renders when the value is missing (any other placeholder renders '?'): a
# *_clause filter an optional phrase, so nothing; an or_* filter what stands in for it
MISSING = {**{f: "" for f in FILTERS if f.endswith("_clause")}, "or_default": "default",
           "or_interface": "<interface>", "vrf_basis": "assumed", "or_unstated": "<VRF>",
           "stated_vrf_clause": ", and no VRF line: the VRF is not stated, and the default VRF is only a guess"}


CLOUD_PATH = "/its/service/oddce/services/DDCEService"
CLOUD_URL = "https://tools.cisco.com" + CLOUD_PATH
ONPREM_PATH = "/Transportgateway/services/DeviceRequestHandler"


def _licensing_url(url: str) -> str:
    """The Call Home URL Smart Licensing expects for the server ``url`` names.

    Cisco's cloud (a cisco.com host, or the cloud path on any host) gets the
    published cloud URL; anything else is SSM On-Prem: https, the same host and
    the on-prem path. An IP literal there is replaced by a placeholder, since
    the name must be the one in the server's certificate.
    """
    _, host, path = url_parts(url)
    low = host.lower()
    if low == "cisco.com" or low.endswith(".cisco.com") or path.lower().startswith("/its/"):
        return CLOUD_URL
    try:
        ipaddress.ip_address(host)
        host = "<ssm-onprem-fqdn>"
    except ValueError:
        pass
    return f"https://{host or '<ssm-onprem-fqdn>'}{ONPREM_PATH}"


# What each License Authorization status means for an unregistered switch (knowledge file
# section 4): only EVAL MODE is the evaluation period counting down.
_AUTH_STATES = {
    "EVAL MODE": ", and its licenses run on the one-time evaluation period (90 days of use, not"
                 " calendar days, never reset; License Authorization Status: EVAL MODE)",
    "EVAL EXPIRED": ", and its evaluation period is already used up (License Authorization Status:"
                    " EVAL EXPIRED): it never comes back, only a registration ends this state",
    "NO LICENSES IN USE": ", and it uses no license at the moment (License Authorization Status: NO"
                          " LICENSES IN USE): nothing needs an authorization, and no evaluation"
                          " period is being spent",
}


def _auth_state_clause(status: str) -> str:
    """The consequence of being unregistered, as the License Authorization status says it."""
    key = re.sub(r"\s+on\s+.*$", "", status.strip().upper())
    if key in _AUTH_STATES:
        return _AUTH_STATES[key]
    return f" (License Authorization Status: {status.strip()})" if status.strip() else ""


def _deadline_clause(when: dt.datetime, ctx) -> str:
    """The Communication Deadline said the right way round: ahead, the authorization will
    expire there; behind, it has expired."""
    stamp = when.strftime("%Y-%m-%d %H:%M UTC")
    if when >= ctx.now:
        return f"; at the Communication Deadline ({stamp}, {_due(when, ctx)}) the authorization expires"
    days = _days(ctx.now - when)
    ago = f"{days} day{'s' if days != 1 else ''} ago" if days else "today"
    return f"; the Communication Deadline ({stamp}) passed {ago}: the authorization has expired"


def _url_path_note(url: str) -> str:
    """A sentence for a Call Home URL whose path is not one Smart Licensing uses (a
    truncated 'DDCEServi', say): the fix writes the full known URL, not this path; ''
    for a known path."""
    _, _, path = url_parts(url)
    if path in (CLOUD_PATH, ONPREM_PATH):
        return ""
    return (f" Its path '{path or '/'}' is not the known one either: the fix writes the full"
            f" URL {_licensing_url(url)}, not this path over HTTPS (callhome-url-unrecognized).")


def _due(when: dt.datetime, ctx) -> str:
    """'in 12 days' for a date ahead of now, 'already passed, 3 days ago' for one behind it."""
    if when >= ctx.now:
        days = _days(when - ctx.now)
        return f"in {days} day{'s' if days != 1 else ''}" if days else "in less than a day"
    days = _days(ctx.now - when)
    return f"already passed, {days} day{'s' if days != 1 else ''} ago" if days else "already passed, today"


class Template:
    """A message or fix with ``{binding.field|filter}`` placeholders, checked at load
    (``checked``: a site rule's; a built-in rule's, which the tests check, is read the
    first time it is rendered)."""

    def __init__(self, text: str, bindings: dict[str, str], catalogue: dict, checked: bool = True):
        self.text = text
        self._bindings, self._catalogue = bindings, catalogue
        if checked:
            self.parts  # noqa: B018 - read now: a placeholder that names nothing is a load error

    @functools.cached_property
    def parts(self) -> list[Any]:
        """The text between placeholders, and each placeholder as (name, field, filters)."""
        parts: list[Any] = []
        text, bindings, catalogue = self.text, self._bindings, self._catalogue
        pos = 0
        for m in _PLACE.finditer(text):
            parts.append(text[pos:m.start()])
            pos = m.end()
            token = m.group(0)
            if token in ("{{", "}}"):
                parts.append(token[0])
                continue
            inner = (m.group(1) or "").strip()
            pm = _PART.match(inner)
            if not pm:
                raise CompileError("", f"bad placeholder '{{{inner}}}': use {{name.field}} or {{name.field|filter}}")
            name, fld, filters = pm.group("name"), pm.group("field"), pm.group("filters")
            if name in SPECIALS:
                if fld:
                    raise CompileError("", f"placeholder '{{{inner}}}': {name} has no fields")
            elif name not in bindings:
                raise CompileError("", f"placeholder '{{{inner}}}' names '{name}', which 'when' does not bind "
                                       f"(bound: {', '.join(sorted(bindings)) or 'none'})")
            elif not fld:
                raise CompileError("", f"placeholder '{{{inner}}}' needs a field: {{{name}.<field>}}")
            elif fld not in catalogue[bindings[name]].fields:
                raise CompileError("", f"placeholder '{{{inner}}}': fact '{bindings[name]}' has no field '{fld}'")
            names = [f for f in filters.split("|") if f]
            for f in names:
                if f not in FILTERS:
                    raise CompileError("", f"placeholder '{{{inner}}}': unknown filter '{f}' "
                                           f"(known: {', '.join(sorted(FILTERS))})")
            parts.append((name, fld, tuple(names)))
        parts.append(text[pos:])
        return parts

    def render(self, b: Binding, ctx: Ctx, device_name: str, guard: bool = False) -> str:
        """The text with its placeholders filled. A value that looks cut short in the
        capture (a hard wrap whose rest is not there: ``Section.cut``) is quoted with a note;
        with ``guard`` (a fix, a command to run) it is not printed at all, the text says
        where to take it whole."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            name, fld, filters = part
            if name == "device_name":
                value: Any = device_name
            elif name == "now":
                value = ctx.now
            elif name == "licensing_host":
                value = _licensing_path(ctx, "host", "tools.cisco.com")
            elif name == "licensing_vrf":
                value = _licensing_path(ctx, "vrf", "<VRF>")
            else:
                bound = b.get(name)
                value = bound[0].get(fld) if bound is not None else None
            if value is None:
                out.append(next((MISSING[f] for f in filters if f in MISSING), "?"))
                continue
            cut = _cut_line(bound[0], fld, value) if name not in SPECIALS and bound is not None else None
            if cut is not None and guard:
                out.append(f"<the whole {fld}: line {cut} of the capture looks cut, take it from the switch>")
                continue
            for f in filters:
                value = FILTERS[f](value, ctx)
            out.append(format_value(value) if not isinstance(value, str) else value)
            if cut is not None:
                out.append(f" (line {cut} looks cut here)")
        return "".join(out)


    def placeholders(self) -> str:
        """The text with each placeholder shown as what stands there, in angle brackets
        (``{dest.url|https}``: ``<url>``, ``{now|date}``: ``<now>``), for a rule shown without
        a capture to fill it (``diag explain`` of a rule with no example that fires it). An
        optional phrase (a ``*_clause`` filter) is left out."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            name, fld, filters = part
            if any(f.endswith("_clause") for f in filters):
                continue
            out.append(f"<{PLACEHOLDER_NAMES.get(name, fld or name).replace('_', ' ')}>")
        return "".join(out)


# what a placeholder of a special value reads as without a capture (Template.placeholders)
PLACEHOLDER_NAMES = {"device_name": "switch", "now": "now", "licensing_host": "licensing server",
                     "licensing_vrf": "VRF"}


def _cut_line(fact, fld: str, value: Any) -> int | None:
    """The line of a fact's value when that value ends a line cut at the terminal width with
    no rest in the capture (``Section.cut``, filled by diag.parsers.layout); else None."""
    cut = getattr(fact.section, "cut", None)
    if not cut or not isinstance(value, str) or not value:
        return None
    line = fact.line_of(fld)
    token = cut.get(line)
    return line if token and token.endswith(value) else None
