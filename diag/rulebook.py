"""Load rule files, validate them, compile their conditions.

A rule is a YAML file whose name is its id. Loading is strict and happens
before any input is read. A site rule (a folder of ``-r`` or of ``rules:`` in the
configuration) is validated whole: its size and nesting, the JSON Schema, every
regular expression (it compiles, is not too long and has none of the classic
shapes of catastrophic backtracking). Every rule, built-in or not, is then held to
what a schema cannot say while it is compiled (every fact kind and field exists in
the catalogue, every placeholder in a message names a binding, every required scope
is a command diag reads). The built-in rules skip the first part: the test suite
checks them (schema, regular expressions, their captures), so a run never imports
jsonschema for them. The first problem stops the run with ``RuleError`` naming
file, field, reason.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from diag import conditions as cond
from diag import rulecache
from diag.commands import known_scopes
from diag.errors import RuleError
from diag.facts import CATALOGUE
from diag.model import SEVERITY_RANK


def _rules_dir(package: Path) -> Path:
    """The built-in rules: ``diag/rules/`` once installed (the wheel maps the repository's
    ``rules/`` there), else ``rules/`` beside the package (a source tree, an editable install)."""
    inside = package / "rules"
    return inside if inside.is_dir() else package.parent / "rules"


RULES_DIR = _rules_dir(Path(__file__).parent)

# A rule's 'at': ((binding, field or None), ...), tried in order (see engine._anchor)
Pointer = tuple[tuple[str, "str | None"], ...]


class _Examples:
    """The captures beside a rule or derivation file: one that fires it, one near miss."""

    path: Path

    @property
    def hit_example(self) -> Path:
        return self.path.with_suffix(".hit.txt")

    @property
    def ok_example(self) -> Path:
        return self.path.with_suffix(".ok.txt")

    @property
    def hit_expect(self) -> Path:
        """Where the hit capture's findings (or derived facts) must point (diag.selftest)."""
        return self.path.with_suffix(".hit.expect.yml")


@dataclass
class Rule(_Examples):
    """A rule file, compiled: its condition, message, fix and verification, and its
    place in the diagnosis."""

    id: str
    title: str
    area: str
    severity: str
    confidence: str
    requires: list[tuple[str, ...]]
    when: cond.Node
    message: cond.Template
    fix: cond.Template
    verify: list[tuple[cond.Template, cond.Template | None]]  # (command, what its output should show)
    references: list[str]
    docs: dict[str, str]
    path: Path
    fire_on_partial: bool = False
    modes: tuple[str, ...] = ()
    # where a finding points: ((binding, field or None), ...), tried in order (engine._anchor)
    at: Pointer = ()
    group: str | None = None  # 'device': one finding per device, every match its evidence
    bindings: dict[str, str] = field(default_factory=dict)
    # (severity, [(binding, field, predicate)]): a finding whose bound facts pass them is raised
    escalate: tuple[str, list[tuple[str, str, cond.Pred]]] | None = None
    explains: tuple[str, ...] = ()  # the rule ids of the symptoms this rule, as a cause, explains
    differential: bool = False  # a finding of it opens the differential (diag.diagnosis)
    suspect: "Suspect | None" = None  # the suspected form: the signature without the confirming output
    rule_out: "RuleOut | None" = None  # evidence that rules the cause out

    def severity_for(self, b: cond.Binding, ctx: cond.Ctx) -> str:
        if self.escalate is not None:
            to, tests = self.escalate
            if all(name in b and pred.test(b[name][0].get(fld), b, ctx) for name, fld, pred in tests):
                return to
        return self.severity


@dataclass
class Suspect:
    """A rule's suspected form (``suspect:``): its signature, evaluated when the rule itself
    cannot be (what confirms it was not captured)."""

    when: cond.Node
    message: cond.Template
    fix: cond.Template
    confirms: str
    rules_out: str
    at: str | None = None
    bindings: dict[str, str] = field(default_factory=dict)
    unless: cond.Node | None = None  # holds: the signature is explained otherwise, no suspect


@dataclass
class RuleOut:
    """Evidence that rules a rule's cause out (``rule_out:``), with what to say of it."""

    when: cond.Node
    message: cond.Template
    bindings: dict[str, str] = field(default_factory=dict)


@dataclass
class FieldRule:
    """How a derivation fills one field of the fact it derives: from a bound fact's
    field (``source``) or from a text template (``value``)."""

    name: str
    type: str
    doc: str
    source: tuple[str, str] | None  # (binding, field) to copy
    value: cond.Template | None  # or a text template


@dataclass
class Derivation(_Examples):
    """Concludes a fact kind from other facts; rules use it like a parsed fact."""

    id: str
    kind: str
    doc: str
    fields: list[FieldRule]
    requires: list[tuple[str, ...]]
    when: cond.Node
    path: Path
    at: Pointer = ()  # which bound fact (or field) gives the derived fact its line
    bindings: dict[str, str] = field(default_factory=dict)


@dataclass
class RuleBook:
    """The rules and the derivations of a run."""

    rules: list[Rule]
    derivations: list[Derivation] = field(default_factory=list)

    @functools.cached_property
    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    @functools.cached_property
    def plans(self) -> dict:
        """(covered scopes, mode) -> the rules that apply and what each misses (engine._plan)."""
        return {}

    @functools.cached_property
    def scopes(self) -> frozenset[str]:
        """Every command scope a rule requires: all of a device's coverage that its plan
        depends on (the rest, derived kinds and other commands, tells rules nothing here)."""
        return frozenset(s for rule in self.rules for alts in rule.requires for s in alts)

    @functools.cached_property
    def reading(self) -> dict[int, tuple[dict[str, frozenset[str]], dict[str, list[str]]]]:
        """For each rule and derivation (by id): the fact kinds and fields its condition reads,
        and every scope it names (``requires`` and ``captured``) with the kinds it reads that
        the scope's output proves, for judging it on filtered outputs (engine.partial_scopes)."""
        from diag.commands import covers
        from diag.facts import CATALOGUE

        out = {}
        for item in [*self.rules, *self.derivations]:
            kinds, captured = cond.reads(item.when)
            scopes = frozenset(s for alts in item.requires for s in alts) | captured
            out[id(item)] = (kinds, {scope: [k for k in kinds if k in CATALOGUE
                                             and any(covers({scope}, p) for p in CATALOGUE[k].proven_by)]
                                     for scope in sorted(scopes)})
        return out

    @functools.cached_property
    def config_parts(self) -> frozenset[str]:
        """The required scopes that the whole running configuration covers."""
        from diag.commands import RUNNING_CONFIG, covers

        return frozenset(s for s in self.scopes if covers({RUNNING_CONFIG}, s))

    def select(self, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> "RuleBook":
        select, ignore = set(select), set(ignore)
        unknown = (select | ignore) - set(self.by_id)
        if unknown:
            raise RuleError("--select/--ignore", "", f"unknown rule id(s): {', '.join(sorted(unknown))}")
        rules = [r for r in self.rules if (not select or r.id in select) and r.id not in ignore]
        return RuleBook(rules, self.derivations)


@functools.lru_cache(maxsize=2)
def _validator(name: str = "rule"):
    import jsonschema
    from referencing import Registry, Resource

    import json
    from importlib import resources  # only for a site rule

    schemas = {n: json.loads(resources.files("diag.schema").joinpath(f"{n}.schema.json").read_text("utf-8"))
               for n in ("rule", "derivation")}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    return jsonschema.Draft202012Validator(schemas[name], registry=registry)


def _field_path(parts: Iterable[Any]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def _schema_error(path: Path, data: Any, schema: str = "rule") -> None:
    import jsonschema

    errors = list(_validator(schema).iter_errors(data))
    if not errors:
        return
    err = jsonschema.exceptions.best_match(errors)
    # descend into oneOf alternatives to the most specific complaint
    while err.context:
        err = jsonschema.exceptions.best_match(err.context)
    message = err.message
    if err.validator == "additionalProperties":
        names = ", ".join(re.findall(r"'([^']+)'", message.split("(")[-1])) or message
        if "equals" in err.schema.get("properties", {}):
            known = ", ".join(sorted(err.schema.get("properties", {})))
            message = f"unknown operator {names} (known: {known})"
        else:
            message = f"unknown key {names}"
    if len(message) > 300:  # the schema quotes the offending value whole
        message = message[:300] + "..."
    raise RuleError(str(path), _field_path(err.absolute_path), message)


@functools.lru_cache(maxsize=1)
def ensure_catalogue() -> None:
    """Import every parser (and the derived facts) so the fact catalogue is complete, with
    the docs of every kind and field."""
    from diag.parsers import load_all

    load_all()
    import diag.devices  # noqa: F401 - declares the derived 'device' fact kind


def ensure_kinds() -> None:
    """Every kind the parsers declare in the fact catalogue, with its fields' types and
    scopes, without importing them (diag.parsers.kinds): what rules are compiled and
    judged against. A parser's docs come with its import (``ensure_catalogue``)."""
    from diag.facts import CATALOGUE
    from diag.parsers.kinds import KINDS, declare_all

    if not CATALOGUE.keys() >= KINDS.keys():  # (a catalogue put back as it was, in a test)
        declare_all()


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(str(path), "", f"cannot read: {exc}") from None


def read_file(path: Path, checked: bool = True, text: str | None = None) -> dict:
    """The YAML mapping of a rule or derivation file (whose ``text`` may have been read),
    or ``RuleError``; ``checked``: refuse a file too deep or too large (a site rule)."""
    if text is None:
        text = _text(path)
    import yaml  # not when the rule cache has every built-in file: a small paste never pays for it

    from diag.yamlload import FastLoader

    try:
        data = yaml.load(text, Loader=FastLoader)  # noqa: S506 - a safe loader; a key given twice is an error
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())  # one line
        raise RuleError(str(path), where, f"invalid YAML: {problem}") from None
    except (ValueError, RecursionError) as exc:  # an integer of 5,000 digits; nesting the Python loader cannot follow
        raise RuleError(str(path), "", f"invalid YAML: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise RuleError(str(path), "", "a rule file must hold a mapping")
    if checked:
        _bounded(path, data)
    return data


MAX_DEPTH = 50  # the built-in rules nest 14 deep
MAX_NODES = 10_000  # and hold at most a few hundred values


def _bounded(path: Path, data: Any) -> None:
    """Refuse a file too deep or too large once its aliases are expanded (a YAML bomb).

    Validation and compilation walk the tree recursively and aliases are shared, not
    copied: nine aliases of nine aliases are 9**9 values to walk. Sizes are counted
    once per shared node, so the check itself stays linear in the file.
    """
    sizes: dict[int, int] = {}

    def size(node: Any, depth: int, where: str) -> int:
        if not isinstance(node, (dict, list)):
            return 1
        if depth > MAX_DEPTH:
            raise RuleError(str(path), where, f"nested more than {MAX_DEPTH} levels deep")
        known = sizes.get(id(node))
        if known is not None:
            return known
        items = node.items() if isinstance(node, dict) else enumerate(node)
        total = 1
        for key, value in items:
            total += 1 + size(value, depth + 1, _field_path([*([where] if where != "(top level)" else []), key]))
            if total > MAX_NODES:
                raise RuleError(str(path), where, f"more than {MAX_NODES} values once YAML aliases are expanded")
        sizes[id(node)] = total
        return total

    size(data, 0, "(top level)")


def _validate(path: Path, data: dict, schema: str, checked: bool) -> None:
    """A site rule's (``checked``) checks beyond compiling it: the JSON Schema, the regular
    expressions; then, for every file, its id against its name."""
    if checked:
        _schema_error(path, data, schema)
        for where, pattern in [*_regexes(data.get("when"), ["when"]), *_regexes(data.get("escalate"), ["escalate"]),
                               *_regexes(data.get("suspect"), ["suspect"]), *_regexes(data.get("rule_out"), ["rule_out"])]:
            try:
                cond.check_regex(pattern, where)
            except cond.CompileError as exc:
                raise RuleError(str(path), exc.where, exc.problem) from None
    if data["id"] != path.stem:
        raise RuleError(str(path), "id", f"'{data['id']}' must equal the file name '{path.stem}'")


def _regexes(node: Any, where: list) -> Iterable[tuple[str, str]]:
    """(field path, pattern) of every ``matches`` / ``not_matches`` under ``node``, in order."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("matches", "not_matches") and isinstance(value, str):
                yield _field_path([*where, key]), value
            else:
                yield from _regexes(value, [*where, key])
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _regexes(value, [*where, i])


def _requires(path: Path, data: dict) -> list[tuple[str, ...]]:
    scopes = known_scopes()
    requires: list[tuple[str, ...]] = []
    for i, item in enumerate(data["requires"]):
        alts = tuple(item["any"]) if isinstance(item, dict) else (item,)
        for alt in alts:
            if alt not in scopes:
                raise RuleError(str(path), f"requires[{i}]", f"unknown command scope '{alt}'; known: "
                                + ", ".join(sorted(scopes)))
        requires.append(alts)
    return requires


def _condition(path: Path, data: dict, prefix: str = "") -> tuple[cond.Node, dict[str, str]]:
    try:
        when, bindings = cond.compile_condition(data["when"], CATALOGUE)
    except cond.CompileError as exc:
        raise RuleError(str(path), prefix + "when" + (f".{exc.where}" if exc.where else ""), exc.problem) from None
    return when, bindings


def _suspect(path: Path, data: dict, checked: bool = True) -> tuple["Suspect | None", "RuleOut | None"]:
    """A rule's ``suspect`` and ``rule_out`` blocks, compiled (their templates name their own bindings)."""
    suspect = rule_out = None
    if "suspect" in data:
        spec = data["suspect"]
        when, bindings = _condition(path, spec, "suspect.")
        if spec.get("at") is not None and spec["at"] not in bindings:
            raise RuleError(str(path), "suspect.at",
                            f"'{spec['at']}' is not a binding of 'suspect.when' ({', '.join(bindings) or 'none'})")
        suspect = Suspect(when, _template(path, "suspect.message", spec["message"], bindings, checked),
                          _template(path, "suspect.fix", spec["fix"], bindings, checked),
                          " ".join(spec["confirms"].split()),
                          " ".join(spec["rules_out"].split()), spec.get("at"), bindings)
        if "unless" in spec:
            suspect.unless, _ = _condition(path, {"when": spec["unless"]}, "suspect.unless.")
    if "rule_out" in data:
        spec = data["rule_out"]
        when, bindings = _condition(path, spec, "rule_out.")
        rule_out = RuleOut(when, _template(path, "rule_out.message", spec["message"], bindings, checked), bindings)
    return suspect, rule_out


def _pointer(path: Path, data: dict, bindings: dict[str, str]) -> Pointer:
    """``at``: a binding (``ch``), a field of one (``ch.proxy_enabled``), or a list of them
    tried in order, as ((binding, field or None), ...)."""
    at = data.get("at")
    if at is None:
        return ()
    items = at if isinstance(at, list) else [at]
    out = []
    for i, item in enumerate(items):
        where = f"at[{i}]" if isinstance(at, list) else "at"
        if not isinstance(item, str) or not item:  # a site rule is schema-checked first; a built-in one, here
            raise RuleError(str(path), where, "must be a binding name or 'binding.field'")
        name, dot, fld = item.partition(".")
        if name not in bindings:
            raise RuleError(str(path), where, f"'{name}' is not a binding of 'when' ({', '.join(bindings) or 'none'})")
        if dot and fld not in CATALOGUE[bindings[name]].fields:
            raise RuleError(str(path), where, f"'{fld}' is not a field of {bindings[name]} (the fact bound to "
                            f"'{name}'; fields: {', '.join(CATALOGUE[bindings[name]].fields)})")
        out.append((name, fld if dot else None))
    return tuple(out)


def _template(path: Path, where: str, text: str, bindings: dict[str, str], checked: bool = True) -> cond.Template:
    try:
        return cond.Template(text, bindings, CATALOGUE, checked)
    except cond.CompileError as exc:
        raise RuleError(str(path), where, exc.problem) from None


def load_file(path: Path) -> "Rule | Derivation":
    """Load one rule (or derivation) file, validated as a site rule; every derived kind it
    uses must be declared."""
    ensure_kinds()
    data = read_file(path)
    if "derives" in data:
        declare_derived(path, data)
        return compile_derivation(path, data)
    return compile_rule(path, data)


def compile_rule(path: Path, data: dict, checked: bool = True) -> Rule:
    _validate(path, data, "rule", checked)
    requires = _requires(path, data)
    when, bindings = _condition(path, data)
    message = _template(path, "message", data["message"], bindings, checked)
    fix = _template(path, "fix", data["fix"], bindings, checked)
    verify: list[tuple[cond.Template, cond.Template | None]] = []
    for i, item in enumerate(data["verify"]):
        if isinstance(item, dict):
            verify.append((_template(path, f"verify[{i}].command", item["command"], bindings, checked),
                           _template(path, f"verify[{i}].expect", item["expect"], bindings, checked)))
        else:
            verify.append((_template(path, f"verify[{i}]", item, bindings, checked), None))
    escalate = None
    if "escalate" in data:
        tests = []
        for key, spec in data["escalate"]["if"].items():
            name, _, fld = key.partition(".")
            where = f"escalate.if.{key}"
            if name not in bindings or fld not in CATALOGUE[bindings[name]].fields:
                raise RuleError(str(path), where, f"'{key}' is not a field of a binding of 'when'")
            try:
                tests.append((name, fld, cond.compile_pred(spec, CATALOGUE[bindings[name]].fields[fld].type,
                                                           where, bindings, CATALOGUE)))
            except cond.CompileError as exc:
                raise RuleError(str(path), exc.where, exc.problem) from None
        if SEVERITY_RANK[data["escalate"]["to"]] <= SEVERITY_RANK[data["severity"]]:
            raise RuleError(str(path), "escalate.to", "must be a higher severity than the rule's own")
        escalate = (data["escalate"]["to"], tests)
    if data["confidence"] == "low" and "confirm" not in data["docs"]:
        raise RuleError(str(path), "docs.confirm", "a low-confidence rule must say what evidence would confirm it")
    explains = tuple(data.get("explains", ()))
    if data["id"] in explains:
        raise RuleError(str(path), "explains", "a rule cannot explain itself")
    suspect, rule_out = _suspect(path, data, checked)
    return Rule(
        id=data["id"], title=data["title"], area=data["area"], severity=data["severity"],
        confidence=data["confidence"], requires=requires, when=when,
        message=message, fix=fix, verify=verify,
        references=list(data["references"]), docs=dict(data["docs"]), path=path,
        fire_on_partial=bool(data.get("fire_on_partial", False)), modes=tuple(data.get("modes", ())),
        at=_pointer(path, data, bindings), group=data.get("group"), bindings=bindings, escalate=escalate,
        explains=explains, differential=bool(data.get("differential", False)), suspect=suspect, rule_out=rule_out,
    )


def declare_derived(path: Path, data: dict, loaded: set[str] | None = None, checked: bool = True) -> None:
    """Put a derivation's fact kind in the catalogue (before any condition is compiled).

    Several derivations may conclude the same kind (with the same fields); a kind
    left by an earlier load of other rule folders is replaced, not merged.
    """
    from diag.facts import declare

    _validate(path, data, "derivation", checked)
    kind = data["derives"]
    existing = CATALOGUE.get(kind)
    if existing is not None and "derived" not in existing.produced_by:
        raise RuleError(str(path), "derives", f"'{kind}' is a fact kind a parser produces; derive a new kind")
    if existing is not None and loaded is not None and kind not in loaded:
        del CATALOGUE[kind]
    if loaded is not None:
        loaded.add(kind)
    try:
        declare(kind, data["doc"], {n: (f["type"], f["doc"]) for n, f in data["fields"].items()},
                proven_by=(f"derived:{kind}",), produced_by=("derived",))
    except ValueError as exc:
        raise RuleError(str(path), "fields", str(exc)) from None


def compile_derivation(path: Path, data: dict) -> Derivation:
    requires = _requires(path, data)
    when, bindings = _condition(path, data)
    fields: list[FieldRule] = []
    for name, spec in data["fields"].items():
        where = f"fields.{name}"
        if "from" in spec:
            binding, _, fld = spec["from"].partition(".")
            if binding not in bindings or fld not in CATALOGUE[bindings[binding]].fields:
                raise RuleError(str(path), where + ".from", f"'{spec['from']}' is not a field of a binding of 'when'")
            fields.append(FieldRule(name, spec["type"], spec["doc"], (binding, fld), None))
        else:
            fields.append(FieldRule(name, spec["type"], spec["doc"], None,
                                    _template(path, where + ".value", spec["value"], bindings)))
    return Derivation(id=data["id"], kind=data["derives"], doc=data["doc"], fields=fields, requires=requires,
                      when=when, path=path, at=_pointer(path, data, bindings), bindings=bindings)


def _order(derivations: list[Derivation]) -> list[Derivation]:
    """Derivations that use other derived kinds come after them; a cycle is an error.

    All derivations of one kind are kept (several may conclude the same kind) and
    placed together, after every derivation of the kinds they use.
    """
    by_kind: dict[str, list[Derivation]] = {}
    for d in derivations:
        by_kind.setdefault(d.kind, []).append(d)
    done: list[Derivation] = []
    state: dict[str, int] = {}

    def visit(kind: str, chain: list[str]) -> None:
        if state.get(kind) == 2:
            return
        if state.get(kind) == 1:
            raise RuleError(str(by_kind[kind][0].path), "when",
                            "derivations form a cycle: " + " -> ".join(chain + [kind]))
        state[kind] = 1
        for d in by_kind[kind]:
            for used in sorted(d.when.kinds()):
                if used in by_kind and used != kind:
                    visit(used, chain + [kind])
        state[kind] = 2
        done.extend(by_kind[kind])

    for kind in sorted(by_kind):
        visit(kind, [])
    return done


def rule_files(directory: Path) -> list[Path]:
    """The rule files of a folder (recursive): ``*.yaml``, hidden files and folders left out
    (a ``.diag.yaml`` found there is a configuration). A ``.yml`` or ``.YAML`` file would
    be skipped without a word: it is refused instead, as is a folder with no rule at all;
    ``<id>.hit.expect.yml`` beside a rule is what its hit capture must point at."""
    if not directory.is_dir():
        raise RuleError(str(directory), "", "rules folder not found")
    found = []
    for p in sorted(directory.rglob("*")):
        rel = p.relative_to(directory).parts
        if any(part.startswith(".") for part in rel) or not p.is_file():
            continue
        if p.suffix == ".yaml":
            found.append(p)
        elif p.name.endswith(".hit.expect.yml"):
            continue  # where a rule's hit capture must point: read by diag rules --test, not a rule
        elif p.suffix.lower() in (".yml", ".yaml"):
            raise RuleError(str(p), "", "a rule file's name ends in '.yaml' (lower case, not '.yml')")
    if not found:
        raise RuleError(str(directory), "", "no rule file (*.yaml) in this folder")
    return found


def _builtin_files() -> list[Path]:
    """The built-in rule files, one folder per area (the tests hold the folder to that)."""
    return sorted(RULES_DIR.glob("*/*.yaml")) or rule_files(RULES_DIR)  # which says what is wrong


def _builtin_data(paths: list[Path]) -> list[dict]:
    """The data of the built-in rule files: as the rule cache kept it for a file whose text is
    the same, else from the YAML (and the cache is written anew)."""
    kept = rulecache.read(RULES_DIR)
    fresh: dict[str, list] = {}
    changed = len(kept) != len(paths)
    for path in paths:
        name = path.relative_to(RULES_DIR).as_posix()
        text = _text(path)
        entry = kept.get(name)
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == text and isinstance(entry[1], dict):
            fresh[name] = entry
        else:
            fresh[name] = [text, read_file(path, False, text)]
            changed = True
    if changed:
        rulecache.write(RULES_DIR, fresh)
    return [data for _, data in fresh.values()]


def load_rules(extra_dirs: Iterable[str | Path] = (), builtin: bool = True) -> RuleBook:
    """Load the built-in rules and those of ``extra_dirs``; raise ``RuleError`` on the first problem.

    The files of ``extra_dirs`` are validated whole (site rules); the built-in ones are
    not (the test suite does it). Derivations are declared first (their fact kinds must
    exist before any rule that uses them is compiled), then compiled in dependency
    order, then rules.
    """
    dirs = ([RULES_DIR] if builtin else []) + [Path(d) for d in extra_dirs]
    # the same folder named twice (in the config file and with -r, or through a link) is read once
    unique: dict[str, Path] = {}
    for directory in dirs:
        unique.setdefault(os.path.realpath(directory), directory)
    trusted = os.path.realpath(RULES_DIR) if builtin else None  # builtin=False: every folder is a site's
    listed = [(real != trusted, _builtin_files() if real == trusted else rule_files(directory))
              for real, directory in unique.items()]
    files: list[tuple[Path, dict, bool]] = []  # (path, data, checked: a site's)
    for checked, paths in listed:
        if checked:
            files += [(path, read_file(path), True) for path in paths]
        else:
            files += [(path, data, False) for path, data in zip(paths, _builtin_data(paths))]
    ensure_kinds()
    seen: dict[str, Path] = {}
    for path, data, _ in files:
        ident = data.get("id")
        if isinstance(ident, str):
            if ident in seen:
                raise RuleError(str(path), "id", f"duplicate rule id '{ident}' (also in {seen[ident]})")
            seen[ident] = path
    loaded: set[str] = set()
    for path, data, checked in files:
        if "derives" in data:
            declare_derived(path, data, loaded, checked)
    derivations = [compile_derivation(path, data) for path, data, _ in files if "derives" in data]
    rules = [compile_rule(path, data, checked) for path, data, checked in files if "derives" not in data]
    rules.sort(key=lambda r: r.id)
    _check_explains(rules, strict=builtin)
    return RuleBook(rules, _order(derivations))


def _check_explains(rules: list[Rule], strict: bool = True) -> None:
    """Every id a rule ``explains`` is a rule of the book (``strict``: the built-in rules are
    loaded, so an unknown id is a typo; without them a site rule may name a built-in symptom),
    and no chain of causes loops back."""
    ids = {r.id: r for r in rules}
    for rule in rules:
        for i, other in enumerate(rule.explains):
            if other not in ids and strict:
                raise RuleError(str(rule.path), f"explains[{i}]", f"unknown rule id '{other}'")
    state: dict[str, int] = {}

    def visit(rule: Rule, chain: list[str]) -> None:
        if state.get(rule.id) == 2:
            return
        if state.get(rule.id) == 1:
            raise RuleError(str(rule.path), "explains",
                            "causes form a cycle: " + " -> ".join(chain[chain.index(rule.id):] + [rule.id]))
        state[rule.id] = 1
        for other in rule.explains:
            if other in ids:
                visit(ids[other], chain + [rule.id])
        state[rule.id] = 2

    for rule in rules:
        visit(rule, [])


