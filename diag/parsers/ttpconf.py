"""TTP with line numbers and significant indentation.

TTP reports what it matched but not where. diag feeds TTP a marked copy of
the configuration: each line starts with a marker holding its line number,
``T<n>`` for a top-level line and ``I<n>`` for an indented one:

    T14 callhome
    I15 email-contact sch-smart-licensing@cisco.com

and, when a template is loaded, every template line gets a matching marker
variable in front of it (``T`` for a template line written at column 0, ``I``
for an indented one). The marker captures the line number; it also keeps a
global ``ip name-server`` template line from matching the ``ip name-server``
line inside a ``vrf context`` block. Templates stay plain TTP, written the way
the configuration looks.

After parsing, ``Node`` wraps each result dictionary: ``node.get(var)`` is the
value, ``node.line(var)`` the line it came from, ``node.has(var)`` whether its
template line matched (for flag lines such as ``enable``).

Speed: TTP costs about a quarter of a millisecond per configuration whatever its
size, most of it building and sorting its result structures; on a fleet of
thousands of captures that is more than all of diag's rules. ``BlockTemplate``
reads the templates written in the subset of TTP these templates use (groups,
nested groups, ``_start_``, ``re``, ``DIGIT``, ``WORD``, ``set``) itself, with
TTP's regular expressions and TTP's way of filing matches into records, and
gives the same nodes; ``run`` uses it when the template is in that subset and TTP
otherwise. ``tests/test_ttpconf.py`` holds the two to the same results.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from typing import Any, Iterable, Iterator

from diag.errors import DiagError
from diag.parsers.fsm import template_text

logging.getLogger("ttp").addHandler(logging.NullHandler())
logging.getLogger("ttp").propagate = False

_VAR = re.compile(r"\{\{\s*([A-Za-z_]\w*)")
_SET = re.compile(r"\{\{\s*([A-Za-z_]\w*)[^}]*\|\s*set\(\s*['\"]?([^)'\"]*)['\"]?\s*\)")
_START = re.compile(r"\s*\{\{\s*_start_\s*\}\}")
_SPECIAL = {"_start_", "_end_", "_line_", "_exact_", "_exact_space_", "ignore", "_headers_"}


class MarkedTemplate:
    """A TTP template with line markers added, and what each marker stands for."""

    def __init__(self, name: str, text: str):
        self.name = name
        self.vars: dict[str, list[str]] = {}
        self.flags: dict[str, dict[str, Any]] = {}  # marker -> the set() values of its line
        out: list[str] = []
        for k, line in enumerate(text.splitlines()):
            stripped = line.strip()
            if not stripped or stripped.startswith("<") or "{{" not in stripped:
                out.append(line)
                continue
            marker = f"_l{k}"
            names = [v for v in _VAR.findall(stripped) if v not in _SPECIAL]
            self.vars[marker] = names
            for var, value in _SET.findall(stripped):
                self.flags.setdefault(marker, {})[var] = _literal(value)
            kind = "I" if line[:1].isspace() else "T"
            start = ""
            if _START.search(stripped):  # the marker carries _start_ so the line keeps its variables
                stripped = _START.sub("", stripped).rstrip()
                start = " | _start_"
            out.append(f'{{{{ {marker} | re("{kind}[0-9]+"){start} }}}} {stripped}')
        self.text = "\n".join(out)

    def nodes(self, result: Any) -> Any:
        """Turn TTP's result tree into ``Node`` objects with line numbers."""
        if isinstance(result, list):
            return [self.nodes(r) for r in result]
        if not isinstance(result, dict):
            return result
        values: dict[str, Any] = {}
        lines: dict[str, int] = {}
        children: dict[str, Any] = {}
        for key, val in result.items():
            if key.startswith("_l") and key in self.vars and isinstance(val, str):
                no = int(val[1:])
                for var in self.vars[key]:
                    lines.setdefault(var, no)
                    flag = self.flags.get(key, {})
                    if var in flag and var not in result:
                        # TTP leaves set() values out of its results: the value is the
                        # matched line's own (``duplicate-message throttle`` is True, its
                        # ``no`` form False)
                        values.setdefault(var, flag[var])
                lines.setdefault(key, no)
            elif isinstance(val, (dict, list)):
                children[key] = self.nodes(val)
            else:
                values[key] = val
        return Node(values, lines, children)


def _literal(text: str) -> Any:
    low = text.strip().lower()
    if low == "true":
        return True
    if low == "false":
        return False
    return text


class Node:
    """One TTP result dictionary, with the line of each value."""

    __slots__ = ("values", "lines", "children")

    def __init__(self, values: dict[str, Any], lines: dict[str, int], children: dict[str, Any]):
        self.values = values
        self.lines = lines
        self.children = children

    def get(self, var: str, default: Any = None) -> Any:
        return self.values.get(var, default)

    def has(self, var: str) -> bool:
        return var in self.values

    def line(self, var: str) -> int | None:
        return self.lines.get(var)

    def first_line(self) -> int | None:
        nums = [n for n in self.lines.values()]
        return min(nums) if nums else None

    def all_lines(self) -> Iterator[int]:
        yield from self.lines.values()
        for child in self.children.values():
            for node in child if isinstance(child, list) else [child]:
                if isinstance(node, Node):
                    yield from node.all_lines()

    def child(self, name: str) -> list["Node"]:
        """Children under ``name`` as a list, whether TTP gave one dict or a list."""
        val = self.children.get(name)
        if val is None:
            return []
        return [n for n in (val if isinstance(val, list) else [val]) if isinstance(n, Node)]


@functools.lru_cache(maxsize=None)
def load_template(name: str) -> MarkedTemplate:
    return MarkedTemplate(name, template_text(name))


@functools.lru_cache(maxsize=None)
def _parser(name: str):
    from ttp import ttp  # imported on first config section: keeps start-up fast

    tpl = load_template(name)
    try:
        return ttp(template=tpl.text, log_level="CRITICAL")
    except Exception as exc:  # TTP raises plain exceptions for bad templates
        raise DiagError(f"template {name}: {exc}") from None


def mark(lines: Iterable[tuple[int, str]]) -> str:
    """The marked copy of numbered configuration lines fed to TTP."""
    out = []
    for no, text in lines:
        body = text.strip()
        if not body:
            continue
        out.append(f"{'I' if text[:1].isspace() else 'T'}{no} {body}")
    out.append("")
    return "\n".join(out)


def run(name: str, lines: Iterable[tuple[int, str]]) -> Node:
    """Parse numbered lines with template ``name``; return the root ``Node``."""
    fast = block_template(name)
    if fast is not None:
        return fast.run(lines)
    return run_ttp(name, lines)


def run_ttp(name: str, lines: Iterable[tuple[int, str]]) -> Node:
    """``run`` through TTP itself (templates outside ``BlockTemplate``'s subset; tests)."""
    parser = _parser(name)
    parser.clear_result()
    parser.set_input(data=mark(lines))
    parser.parse(one=True)
    result = parser.result()
    tree: Any = result[0][0] if result and result[0] else {}
    if isinstance(tree, list):  # several inputs would give a list; we give one
        tree = tree[0] if tree else {}
    node = load_template(name).nodes(tree)
    return node if isinstance(node, Node) else Node({}, {}, {})


# -- BlockTemplate: the subset of TTP the configuration templates use ----------------

_TAG = re.compile(r"^\s*<(/?)(\w+)((?:\s+\w+\s*=\s*\"[^\"]*\")*)\s*(/?)>\s*$")
_ATTR = re.compile(r"(\w+)\s*=\s*\"([^\"]*)\"")
_VARTEXT = re.compile(r"\{\{([\s\S]+?)\}\}")
_RE_ARG = re.compile(r"""^re\(\s*(['"])(.*)\1\s*\)$""")
_SET_ARG = re.compile(r"""^set\(\s*(['"]?)([^'"()]*)\1\s*\)$""")
_PATTERNS = {"DIGIT": r"\d+", "WORD": r"\S+"}  # TTP's own patterns of these names


class _Unsupported(Exception):
    """The template uses TTP beyond the subset BlockTemplate reads."""


class _Group:
    __slots__ = ("name", "parent", "lines", "depth")

    def __init__(self, name: str, parent: "_Group | None"):
        self.name = name
        self.parent = parent
        self.lines: list[_Line] = []
        self.depth = 0 if parent is None else parent.depth + 1


class _Line:
    """One template line: its marker key, kind (T/I), regex, variables, flags, start or not."""

    __slots__ = ("key", "kind", "group", "match", "names", "flags", "start", "order", "word")

    def __init__(self, key, kind, group, pattern, names, flags, start, order, word):
        self.key, self.kind, self.group = key, kind, group
        self.match = re.compile(pattern).match
        self.names, self.flags, self.start, self.order = names, flags, start, order
        self.word = word  # the literal word the text must start with, if there is one


def _literal_re(text: str) -> str:
    r"""A literal chunk of a template line as TTP turns it into a regex: escaped, runs of
    spaces and tabs as ``[ \t]+``, digits as ``\d+``."""
    out = re.escape(text)
    out = re.sub(r"(\\ |\\\t)+", r"[ \\t]+", out)
    return re.sub(r"\d+", r"\\d+", out)


def _compile_line(text: str, k: int, group: _Group, order: int) -> _Line:
    kind = "I" if text[:1].isspace() else "T"
    body = text.strip()
    start = bool(_START.search(body))
    body = _START.sub("", body).rstrip()  # as MarkedTemplate: the marker carries _start_
    parts: list[str] = []
    names: list[str] = []
    flags: dict[str, Any] = {}
    pos = 0
    cut = False
    for m in _VARTEXT.finditer(body):
        if m.start() > pos:
            parts.append(_literal_re(body[pos:m.start()]))
        pos = m.end()
        name, *funcs = [x.strip() for x in m.group(1).split("|")]
        if not re.fullmatch(r"[A-Za-z]\w*", name) or name in _SPECIAL:
            raise _Unsupported(f"variable {name!r}")
        patterns: list[str] = []
        for fn in funcs:
            rx, st = _RE_ARG.match(fn), _SET_ARG.match(fn)
            if fn in _PATTERNS:
                patterns.append(_PATTERNS[fn])
            elif rx is not None:
                arg = rx.group(2)
                if arg in _PATTERNS or arg.isupper():
                    if arg not in _PATTERNS:
                        raise _Unsupported(f"pattern {arg}")
                    arg = _PATTERNS[arg]
                patterns.append(arg)
            elif st is not None:
                flags[name] = _literal(st.group(2))
            else:
                raise _Unsupported(f"function {fn!r}")
        if name in flags:
            # TTP cuts the regex where a conditional set() variable stands
            if patterns or not parts:
                raise _Unsupported("set() with a pattern, or alone on its line")
            while parts and parts[-1].endswith("[ \\t]+"):
                parts[-1] = parts[-1][: -len("[ \\t]+")]
            cut = True
            break
        names.append(name)
        parts.append(f"(?P<{name}>(?:{')|(?:'.join(patterns or [_PATTERNS['WORD']])}))")
    if not cut and pos < len(body):
        parts.append(_literal_re(body[pos:]))
    if not parts:
        raise _Unsupported("a line with no text")
    pattern = "".join(parts) + r"[\t ]*$"
    if len(set(names)) != len(names):
        raise _Unsupported("a variable twice on one line")
    # the word a matching text starts with (up to its first space or tab): lines are
    # looked up by it; a line starting with a variable, a digit or a word glued to a
    # variable is tried on every text
    first = _VARTEXT.search(body)
    lead = body[: first.start()] if first else body
    tok = _LEAD.match(lead)
    word = tok.group(0) if tok and (tok.end() < len(lead) or first is None) else None
    if word is not None and any(c.isdigit() for c in word):
        word = None
    return _Line(f"_l{k}", kind, group, pattern, tuple(names), flags, start, order, word)


class _Rec:
    """A record being filled: values, the line of each value, children by group name."""

    __slots__ = ("values", "lines", "children", "run")

    def __init__(self):
        self.values: dict[str, Any] = {}
        self.lines: dict[str, int] = {}
        self.children: dict[str, list[_Rec]] = {}
        self.run: set[str] = set()  # keys set since the record started or since its last child

    def node(self) -> Node:
        return Node(self.values, self.lines, {k: [r.node() for r in v] for k, v in self.children.items()})


class BlockTemplate:
    """A TTP template of groups (nested one level) read without TTP, as TTP files matches.

    How TTP files them, and so how this does: every top group is read on its own. A
    line matching one of the group's start lines (its first line, or a line with
    ``_start_``) opens a new record of the group; a line matching another of its lines
    adds to the group's latest record (nothing before the group's first start). Within
    a run of such lines the first value of a variable is kept; once a child group has
    started, a later line of the parent starts a new run, whose values replace the
    record's (TTP merges that run into the record). A child group's start line opens a
    record under the parent's latest record. A line matched by several lines of one
    group tree counts once: a start line first, then the template's order.
    """

    def __init__(self, text: str):
        self.top: list[_Group] = []
        by_word: dict[tuple[str, str], list[_Line]] = {}
        anywhere: list[_Line] = []
        stack: list[_Group] = []
        in_doc = False
        order = 0
        for k, raw in enumerate(text.splitlines()):
            stripped = raw.strip()
            if in_doc:
                if stripped.lower().startswith("</doc>"):
                    in_doc = False
                continue
            if not stripped or stripped.startswith("##"):
                continue
            if stripped.lower().startswith("<doc>"):
                in_doc = not stripped.lower().endswith("</doc>")
                continue
            tag = _TAG.match(raw)
            if tag is not None:
                closing, word, attrs, selfclosing = tag.groups()
                if word != "group" or selfclosing:
                    raise _Unsupported(f"<{word}>")
                if closing:
                    if not stack:
                        raise _Unsupported("unbalanced </group>")
                    stack.pop()
                    continue
                found = dict(_ATTR.findall(attrs))
                if set(found) != {"name"} or not re.fullmatch(r"\w+\*?", found["name"]):
                    raise _Unsupported(f"group attributes {attrs.strip()}")
                parent = stack[-1] if stack else None
                if parent is not None and parent.parent is not None:
                    raise _Unsupported("groups nested more than one level")
                group = _Group(found["name"].rstrip("*"), parent)
                if parent is None:
                    self.top.append(group)
                stack.append(group)
                continue
            if stripped.startswith("<") or not stack:
                raise _Unsupported("text outside a group")
            if "{{" not in stripped:
                continue  # TTP ignores a group line without a variable
            group = stack[-1]
            line = _compile_line(raw, k, group, order)
            order += 1
            if not group.lines:
                line.start = True  # a group's first line starts it
            group.lines.append(line)
            if group.parent is not None and not line.start:
                raise _Unsupported("a child group line that is not a start")
            word = line.word
            if word is None:
                anywhere.append(line)
            else:
                by_word.setdefault((line.kind, word), []).append(line)
        if stack or in_doc:
            raise _Unsupported("unclosed group or doc")
        self.by_word = by_word
        self.anywhere = anywhere

    def run(self, lines: Iterable[tuple[int, str]]) -> Node:
        top: dict[str, list[_Rec]] = {g.name: [] for g in self.top}
        latest: dict[_Group, _Rec] = {}
        by_word, anywhere = self.by_word, self.anywhere
        for no, text in lines:
            body = text.strip()
            if not body:
                continue
            kind = "I" if text[:1].isspace() else "T"
            candidates = by_word.get((kind, _LEAD.match(body).group()), ())
            if anywhere:
                candidates = sorted([*candidates, *(x for x in anywhere if x.kind == kind)], key=_order)
            if not candidates:
                continue
            chosen: dict[_Group, tuple[_Line, re.Match]] = {}  # per top group tree
            for tl in candidates:
                m = tl.match(body)
                if m is None:
                    continue
                tree = tl.group if tl.group.parent is None else tl.group.parent
                have = chosen.get(tree)
                if have is None or (tl.start and not have[0].start):
                    chosen[tree] = (tl, m)
            for tl, m in chosen.values():
                group = tl.group
                if tl.start:
                    rec = _Rec()
                    if group.parent is None:
                        top[group.name].append(rec)
                    else:
                        parent = latest.get(group.parent)
                        if parent is None:
                            continue  # TTP reads a child group only after its parent's first start
                        parent.children.setdefault(group.name, []).append(rec)
                        parent.run = set()
                    latest[group] = rec
                    _put(rec, tl, m, no)
                else:
                    rec = latest.get(group)
                    if rec is not None:
                        _put(rec, tl, m, no)
        return Node({}, {}, {name: [r.node() for r in recs] for name, recs in top.items() if recs})


_LEAD = re.compile(r"[^ \t]+")


def _order(line: _Line) -> int:
    return line.order


def _put(rec: _Rec, tl: _Line, m: re.Match, no: int) -> None:
    """File a matched line's values in ``rec`` (TTP: first value of a run wins)."""
    run = rec.run
    values, lines = rec.values, rec.lines
    for name in tl.names:
        if name in run:
            continue
        values[name] = m.group(name)
        lines[name] = no
        run.add(name)
    for name, value in tl.flags.items():
        if name in run:
            continue
        values[name] = value
        lines[name] = no
        run.add(name)
    if tl.key not in run:
        lines[tl.key] = no
        run.add(tl.key)


@functools.lru_cache(maxsize=None)
def block_template(name: str) -> BlockTemplate | None:
    """The template read by ``BlockTemplate``, or None when it needs TTP itself."""
    if os.environ.get("DIAG_TTP") == "1":  # force TTP (comparisons, a suspected difference)
        return None
    try:
        return BlockTemplate(template_text(name))
    except (_Unsupported, re.error):
        return None
