"""Parser building blocks: section in, typed facts with line numbers out.

``TextFSMParser`` maps the values of a TextFSM template's rows to fact fields
declaratively (``FactMap``); ``ConfigParser`` subclasses build facts from a
TTP result tree. Both report lines they could not read as ``capture.unparsed``
facts, which the ``unparsed-output`` rule turns into findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from diag.facts import Fact, declare
from diag.parsers.fsm import load_fsm
from diag.parsers.layout import read_fsm
from diag.types import CONVERTERS, blank

# Types whose converter answers None for text it cannot read (text types keep any text):
# a captured value of these types that does not convert is reported as unread.
STRICT = frozenset({"date", "duration", "int", "release"})

UNPARSED = "capture.unparsed"
declare(
    UNPARSED,
    "A run of lines in a supported command's output that its parser could not read",
    {
        "count": ("int", "number of lines in the run"),
        "first": ("text", "the first unread line"),
        "command": ("text", "the command whose output held them"),
    },
    produced_by=("*",),
)


SUPPRESSION = "capture.suppression"
declare(
    SUPPRESSION,
    "An inline suppression comment: ! diag: ignore <rule-id> -- <reason>",
    {
        "rules": ("text", "the rule ids it names, comma separated"),
        "reason": ("text", "the reason after '--' (absent when none was given)"),
    },
    produced_by=("*",),
)


FIRST_MAX = 200  # characters of the first unread line kept in the fact


def unparsed_facts(section, numbers: list[int]) -> list[Fact]:
    """Group unparsed line numbers into contiguous runs, one fact per run."""
    facts: list[Fact] = []
    if not numbers:
        return facts
    numbers = sorted(set(numbers))
    runs: list[list[int]] = [[numbers[0]]]
    order = {no: i for i, (no, _) in enumerate(section.lines)}
    for no in numbers[1:]:
        prev = runs[-1][-1]
        # contiguous in the section (blank lines between do not split a run)
        if no in order and prev in order and all(
                not section.lines[i][1].strip() for i in range(order[prev] + 1, order[no])):
            runs[-1].append(no)
        else:
            runs.append([no])
    for run in runs:
        lines = {"first": run[0], "count": run[0], "command": run[0]}
        first = section.text(run[0]).strip()
        if len(first) > FIRST_MAX:  # quoted in a message: the evidence line holds it whole
            first = first[:FIRST_MAX] + "..."
        fact = Fact(UNPARSED, {"count": len(run), "first": first,
                               "command": section.typed}, lines, section, run[0])
        fact.lines["last"] = run[-1]
        facts.append(fact)
    return facts


@dataclass
class FactMap:
    """How one fact kind is read from a TextFSM row.

    ``fields`` maps a fact field to ``(TEMPLATE_VALUE, type, description)``.
    ``extra`` declares fields that the parser's ``post`` hook fills in, as
    ``{field: (type, description)}``. A fact is produced for a row when at
    least one field has a value (and, if ``require`` is set, that field has one).
    """

    kind: str
    doc: str
    fields: dict[str, tuple[str, str, str]]
    require: str | None = None
    extra: dict[str, tuple[str, str]] = field(default_factory=dict)


Rows = list[tuple[dict[str, Any], dict[str, Any]]]


def _strict(fm: FactMap, value_name: str, typ: str) -> bool:
    """Whether a value that its type cannot read is reported: a typed field, unless another
    field of the same fact keeps the same template value as text."""
    return typ in STRICT and not any(v == value_name and t not in STRICT for v, t, _ in fm.fields.values())


@dataclass
class TextFSMParser:
    """A TextFSM template plus the declarative mapping of its values to facts.

    ``post(section, facts, rows)`` may adjust the facts (fill defaults, link
    lines to each other, use the command's arguments) and returns them.
    """

    command: str
    template: str
    maps: list[FactMap]
    post: Callable[[Any, list[Fact], Rows], list[Fact]] | None = None
    proven_by: tuple[str, ...] = ()
    # the template accepts any line (a log): a line that gives no value may be the wrapped
    # piece of the line above (see layout.read_fsm)
    bare: bool = False
    _plans: list | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        scopes = self.proven_by or (self.command,)
        for fm in self.maps:
            fields = {f: (t, d) for f, (_, t, d) in fm.fields.items()}
            fields.update(fm.extra)
            declare(fm.kind, fm.doc, fields, proven_by=scopes, produced_by=(self.command,))

    def facts_from_rows(self, section, rows: Rows, unread: list[int] | None = None) -> list[Fact]:
        """The facts of the template's rows. A value the template captured that its type
        cannot read (a date in a form diag does not know) is left out of the fact, and
        its line is added to ``unread``: reported, never silently dropped."""
        plans = self._plans
        if plans is None:
            # (kind, require, [(field, value name, converter, strict)]) once per parser
            # (a value also kept as text by another field of the fact is not lost: not strict)
            plans = self._plans = [(fm.kind, fm.require, [(name, vname, CONVERTERS[typ], _strict(fm, vname, typ))
                                                         for name, (vname, typ, _) in fm.fields.items()])
                                   for fm in self.maps]
        facts: list[Fact] = []
        for values, lines in rows:
            for kind, require, fields_plan in plans:
                fields: dict[str, Any] = {}
                flines: dict[str, int] = {}
                for name, value_name, conv, strict in fields_plan:
                    raw = values.get(value_name)
                    if not raw:  # '' or [] or None: the template captured nothing
                        continue
                    where = lines.get(value_name)
                    if raw.__class__ is str:  # the common case, first: one value, one line
                        val = conv(raw)
                        if val is not None:
                            fields[name] = val
                            if where is not None:
                                flines[name] = where
                        elif strict and unread is not None and where is not None and not blank(raw):
                            unread.append(where)
                        continue
                    if isinstance(raw, list):
                        typed = [conv(r) for r in raw]
                        val: Any = [v for v in typed if v is not None] or None
                        line = where[0] if isinstance(where, list) and where else None
                        if strict and unread is not None and isinstance(where, list):
                            unread.extend(no for r, v, no in zip(raw, typed, where)
                                          if v is None and isinstance(r, str) and not blank(r))
                    else:
                        val = conv(raw)
                        line = where if isinstance(where, int) else None
                        if (val is None and strict and unread is not None and line is not None
                                and isinstance(raw, str) and not blank(raw)):
                            unread.append(line)
                    if val is not None:
                        fields[name] = val
                        if line is not None:
                            flines[name] = line
                if fields and (require is None or require in fields):
                    facts.append(Fact(kind, fields, flines, section))
        return facts

    def parse(self, section) -> list[Fact]:
        rows, unparsed = read_fsm(load_fsm(self.template), section.lines, section, self.bare)
        facts = self.facts_from_rows(section, rows, unparsed)
        if self.post is not None:
            facts = self.post(section, facts, rows)
        return facts + unparsed_facts(section, unparsed)
