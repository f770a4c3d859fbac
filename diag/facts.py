"""Facts: typed values that remember the file and line they came from.

A fact has a *kind* (``callhome.destination``), typed *fields* and, for each
field, the line it was read from. Parsers declare the kinds they produce in the
catalogue below (``declare``); rules may only name catalogued kinds and fields,
which the rule loader checks (against ``diag.parsers.kinds``, the table of what the
parsers declare, so that a run imports only the parsers it needs).

``proven_by`` lists the scopes in which the absence of a kind is conclusive:
no ``callhome.email`` fact in a device whose captures cover
``show running-config callhome`` proves there is no ``email-contact``; the
same absence in a device that only showed ``show license status`` proves
nothing, and a rule that relies on it is not evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from diag.types import to_json

if TYPE_CHECKING:
    from diag.split import Section


@dataclass(frozen=True)
class FieldSpec:
    """A field of a fact kind: its name, type and what it holds."""

    name: str
    type: str
    doc: str = ""


@dataclass(frozen=True)
class KindSpec:
    """A fact kind of the catalogue: its fields, the scopes whose captures prove it absent
    (``proven_by``) and the commands that give it (``produced_by``)."""

    kind: str
    doc: str
    fields: dict[str, FieldSpec]
    proven_by: tuple[str, ...]
    produced_by: tuple[str, ...]


CATALOGUE: dict[str, KindSpec] = {}


def declare(kind: str, doc: str, fields: dict[str, tuple[str, str]], *,
            proven_by: Iterable[str] = (), produced_by: Iterable[str] = ()) -> KindSpec:
    """Register a fact kind. ``fields`` maps a name to ``(type, description)``."""
    spec = KindSpec(
        kind, doc,
        {name: FieldSpec(name, typ, d) for name, (typ, d) in fields.items()},
        tuple(proven_by), tuple(produced_by),
    )
    old = CATALOGUE.get(kind)
    if old is not None:
        if {n: f.type for n, f in old.fields.items()} != {n: f.type for n, f in spec.fields.items()}:
            raise ValueError(f"fact kind {kind!r} declared twice with different fields")
        if not old.doc:  # declared by the table of diag.parsers.kinds: the parser gives the docs
            old = KindSpec(kind, spec.doc, {n: spec.fields[n] for n in old.fields}, old.proven_by, old.produced_by)
        spec = KindSpec(kind, old.doc, old.fields,
                        tuple(dict.fromkeys(old.proven_by + spec.proven_by)),
                        tuple(dict.fromkeys(old.produced_by + spec.produced_by)))
    CATALOGUE[kind] = spec
    return spec


class Fact:
    """One typed record with provenance. Treated as immutable once built."""

    __slots__ = ("kind", "fields", "lines", "section", "line", "support")
    # While a parser reads a section: the budget of its input (diag.limits), told of each
    # fact made, which refuses the input past limits.MAX_FACTS (see parsers.parse_section).
    budget = None

    def __init__(self, kind: str, fields: dict[str, Any], lines: dict[str, int],
                 section: "Section", line: int | None = None, support: tuple = ()):
        if Fact.budget is not None:
            Fact.budget.fact()
        self.kind = kind
        # for a derived fact: the (fact, fields) it was concluded from, whose lines are its evidence
        self.support = support
        self.fields = fields
        self.lines = lines
        self.section = section
        if line is None:
            line = min(lines.values()) if lines else section.start
        self.line = line

    @property
    def path(self) -> str:
        return self.section.path

    def get(self, name: str) -> Any:
        return self.fields.get(name)

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)

    def text_at(self, line: int) -> str:
        """The text of a line, as the file has it (with a trailing suppression comment)."""
        whole = getattr(self.section, "whole", None)
        return (whole and whole.get(line)) or self.section.text(line)

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "path": self.path,
            "line": self.line,
            "command": self.section.command,
            "fields": {k: to_json(v) for k, v in self.fields.items()},
            "lines": dict(self.lines),
        }

    def __repr__(self) -> str:
        return f"Fact({self.kind}, {self.fields!r}, {self.path}:{self.line})"


@dataclass
class FactStore:
    """The facts of one device, by kind."""

    by_kind: dict[str, list[Fact]] = field(default_factory=dict)
    # (kind, field) -> (how many facts of the kind it covers, value -> facts): see index()
    _indexes: dict = field(default_factory=dict, repr=False, compare=False)

    def index(self, kind: str, name: str) -> dict[Any, list[Fact]]:
        """The facts of ``kind`` by the value of field ``name`` (each item of a list value),
        in store order; rebuilt when facts of the kind were added since. For joins over
        many facts (a rule matching each of thousands of blocks against the others)."""
        facts = self.by_kind.get(kind, [])
        have = self._indexes.get((kind, name))
        if have is not None and have[0] == len(facts):
            return have[1]
        out: dict[Any, list[Fact]] = {}
        for fact in facts:
            value = fact.fields.get(name)
            for item in (dict.fromkeys(value) if isinstance(value, list) else (value,)):
                if item is not None:
                    out.setdefault(item, []).append(fact)
        self._indexes[(kind, name)] = (len(facts), out)
        return out

    def add(self, fact: Fact) -> None:
        self.by_kind.setdefault(fact.kind, []).append(fact)

    def extend(self, facts: Iterable[Fact]) -> None:
        for fact in facts:
            self.add(fact)

    def get(self, kind: str) -> list[Fact]:
        return self.by_kind.get(kind, [])

    def first(self, kind: str) -> Fact | None:
        facts = self.by_kind.get(kind)
        return facts[0] if facts else None

    def all(self) -> list[Fact]:
        out = [f for facts in self.by_kind.values() for f in facts]
        out.sort(key=lambda f: (f.path, f.line, f.kind))
        return out
