"""Load rule files, validate them, compile their conditions.

A rule is a YAML file whose name is its id. Loading is strict and happens
before any input is read: the JSON Schema first, then what a schema cannot
say (every fact kind and field exists in the catalogue, every regular
expression compiles and cannot backtrack catastrophically, every placeholder
in a message names a binding, every required scope is a command diag reads).
The first problem stops the run with ``RuleError`` naming file, field, reason.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import yaml

from diag import conditions as cond
from diag.commands import known_scopes
from diag.errors import RuleError
from diag.facts import CATALOGUE

RULES_DIR = Path(__file__).parent / "rules"
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


@dataclass
class Rule:
    id: str
    title: str
    area: str
    severity: str
    confidence: str
    requires: list[tuple[str, ...]]
    when: cond.Node
    message: cond.Template
    fix: cond.Template
    verify: list[str]
    references: list[str]
    docs: dict[str, str]
    path: Path
    fire_on_partial: bool = False
    modes: tuple[str, ...] = ()
    at: str | None = None
    bindings: dict[str, str] = field(default_factory=dict)

    @property
    def hit_example(self) -> Path:
        return self.path.with_suffix(".hit.txt")

    @property
    def ok_example(self) -> Path:
        return self.path.with_suffix(".ok.txt")

    def collect_scopes(self) -> list[str]:
        return [alts[0] for alts in self.requires]


@dataclass
class RuleBook:
    rules: list[Rule]

    @functools.cached_property
    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def select(self, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> "RuleBook":
        select, ignore = set(select), set(ignore)
        unknown = (select | ignore) - set(self.by_id)
        if unknown:
            raise RuleError("--select/--ignore", "", f"unknown rule id(s): {', '.join(sorted(unknown))}")
        rules = [r for r in self.rules if (not select or r.id in select) and r.id not in ignore]
        return RuleBook(rules)


@functools.lru_cache(maxsize=1)
def _validator():
    import jsonschema

    schema = json.loads(resources.files("diag.schema").joinpath("rule.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _field_path(parts: Iterable[Any]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def _schema_error(path: Path, data: Any) -> None:
    import jsonschema

    errors = list(_validator().iter_errors(data))
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
    raise RuleError(str(path), _field_path(err.absolute_path), message)


@functools.lru_cache(maxsize=1)
def ensure_catalogue() -> None:
    """Import every parser (and the derived facts) so the fact catalogue is complete."""
    from diag.parsers import load_all

    load_all()
    import diag.devices  # noqa: F401 - declares the derived 'device' fact kind


def load_file(path: Path) -> Rule:
    ensure_catalogue()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(str(path), "", f"cannot read: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise RuleError(str(path), where, f"invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise RuleError(str(path), "", "a rule file must hold a mapping")
    _schema_error(path, data)
    if data["id"] != path.stem:
        raise RuleError(str(path), "id", f"'{data['id']}' must equal the file name '{path.stem}'")

    scopes = known_scopes()
    requires: list[tuple[str, ...]] = []
    for i, item in enumerate(data["requires"]):
        alts = tuple(item["any"]) if isinstance(item, dict) else (item,)
        for alt in alts:
            if alt not in scopes:
                raise RuleError(str(path), f"requires[{i}]", f"unknown command scope '{alt}'; known: "
                                + ", ".join(sorted(scopes)))
        requires.append(alts)

    try:
        when, bindings = cond.compile_condition(data["when"], CATALOGUE)
    except cond.CompileError as exc:
        raise RuleError(str(path), "when" + (f".{exc.where}" if exc.where else ""), exc.problem) from None
    at = data.get("at")
    if at is not None and at not in bindings:
        raise RuleError(str(path), "at", f"'{at}' is not a binding of 'when' ({', '.join(bindings) or 'none'})")
    templates = {}
    for key in ("message", "fix"):
        try:
            templates[key] = cond.Template(data[key], bindings, CATALOGUE)
        except cond.CompileError as exc:
            raise RuleError(str(path), key, exc.problem) from None
    if data["confidence"] == "low" and "confirm" not in data["docs"]:
        raise RuleError(str(path), "docs.confirm", "a low-confidence rule must say what evidence would confirm it")
    return Rule(
        id=data["id"], title=data["title"], area=data["area"], severity=data["severity"],
        confidence=data["confidence"], requires=requires, when=when,
        message=templates["message"], fix=templates["fix"], verify=list(data["verify"]),
        references=list(data["references"]), docs=dict(data["docs"]), path=path,
        fire_on_partial=bool(data.get("fire_on_partial", False)), modes=tuple(data.get("modes", ())),
        at=at, bindings=bindings,
    )


def rule_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise RuleError(str(directory), "", "rules folder not found")
    return sorted(p for p in directory.rglob("*.yaml") if p.is_file())


def load_rules(extra_dirs: Iterable[str | Path] = (), builtin: bool = True) -> RuleBook:
    """Load the built-in rules and those of ``extra_dirs``; raise ``RuleError`` on the first problem."""
    ensure_catalogue()
    dirs = ([RULES_DIR] if builtin else []) + [Path(d) for d in extra_dirs]
    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    for directory in dirs:
        for path in rule_files(directory):
            rule = load_file(path)
            if rule.id in seen:
                raise RuleError(str(path), "id", f"duplicate rule id '{rule.id}' (also in {seen[rule.id]})")
            seen[rule.id] = path
            rules.append(rule)
    rules.sort(key=lambda r: r.id)
    return RuleBook(rules)


@functools.lru_cache(maxsize=4)
def cached_rules(extra: tuple[str, ...] = ()) -> RuleBook:
    return load_rules(extra)

