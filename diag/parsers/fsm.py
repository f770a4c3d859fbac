"""TextFSM with line numbers.

TextFSM returns rows of strings and forgets where they came from. This
subclass feeds the lines itself and records, for each value of each row, the
line number it was captured on. Two more differences from plain TextFSM:

* a rule whose action is ``Error`` (the ``^. -> Error`` catch-all that ends
  every state of a strict template) marks the line *unparsed* instead of
  aborting the whole parse;
* a non-blank line that no rule of the current state matches is unparsed too.

Unparsed lines become ``unparsed-output`` findings, so nothing is dropped
silently. Template objects are built once per template and reset per section.

Speed: TextFSM tries a state's rules one Python call at a time. Here the rules
of a state are joined into one alternation, each rule wrapped in a group of its
own (its value groups renamed so that names do not clash): one ``match`` call
finds the first rule that matches, and ``lastindex`` (the wrapper, which closes
last) says which rule it was. The order of the alternatives is the order of the
rules, so the first match is the one TextFSM would take. A ``Continue`` rule goes
on with the alternation of the rules after it. A state whose patterns cannot be
joined (inline global flags, numbered back-references) keeps the rule-by-rule loop.
"""

from __future__ import annotations

import functools
import io
import re
import os
from typing import Iterable

import textfsm

from diag.errors import DiagError


class TrackingFSM(textfsm.TextFSM):
    join_after = 200  # lines read rule by rule before the states' rules are joined

    def __init__(self, template):
        super().__init__(template)
        # The record is kept here in plain dicts rather than in TextFSM's value objects
        # (whose option callbacks cost several Python calls per value per line); the
        # semantics of the options are TextFSM's, checked against it in tests/test_fsm.py.
        self._names = [v.name for v in self.values]
        options = {v.name: v.OptionNames() for v in self.values}
        self._by_name = {v.name: v for v in self.values}
        self._lists = {n for n, o in options.items() if "List" in o}
        self._keep = {n for n, o in options.items() if "Filldown" in o}
        self._fillup = {n: i for i, n in enumerate(self._names) if "Fillup" in options[n]}
        # List values whose pattern has groups of its own give a dict per item
        self._nested = {v.name: v.compiled_regex for v in self.values
                        if v.name in self._lists and v.compiled_regex.groups > 1}
        # what saving a record does, value by value, in the order the options were declared
        self._save = [(n, tuple(o for o in options[n] if o in ("Required", "List"))) for n in self._names]
        self._plain_save = not any(ops for _, ops in self._save)
        self._header = list(self._names)
        self._joined: dict[tuple[str, int], tuple | None] = {}
        self._first: dict[str, tuple | None] = {}  # the same, for the first rule of each state
        self._read = 0  # lines this instance has been given, over all sections
        self.Reset()

    def Reset(self):  # noqa: N802 - TextFSM naming
        if not hasattr(self, "_header"):  # called by TextFSM's constructor, before ours has run
            return
        self._cur_state = self.states["Start"]
        self._cur_state_name = "Start"
        self._result: list[list] = []
        self._cur_lines: dict[str, object] = {}
        self._ClearAllRecord()
        self._lineno = 0
        self._hit = False
        self._row_lines: list[dict[str, object]] = []
        self._unparsed: list[int] = []

    @property
    def header(self):
        header = getattr(self, "_header", None)  # TextFSM's constructor asks before ours has run
        return list(header) if header is not None else self._GetHeader()

    def _join(self, state: str, start: int):
        """The alternation of the state's rules from ``start`` on, or None if they cannot be joined."""
        key = (state, start)
        if key in self._joined:
            return self._joined[key]
        rules = self.states[state][start:]
        parts, which = [], []
        for pos, rule in enumerate(rules, start):
            pattern = rule.regex_obj.regex.pattern
            if _UNJOINABLE.search(pattern):
                self._joined[key] = None
                return None
            names = tuple(n for n in rule.regex_obj.regex.groupindex if n in self._by_name)
            renamed = _GROUP.sub(lambda m, p=pos: f"(?P<r{p}_{m.group(1)}>", pattern)
            parts.append(f"(?P<_rule{pos}>{renamed})")
            # what the run loop needs of the rule, settled once: (position, rule, its value
            # groups, whether it is an Error rule, its record operation, whether it continues)
            which.append((pos, rule, tuple((n, f"r{pos}_{n}") for n in names), rule.line_op == "Error",
                          rule.record_op or "", rule.line_op == "Continue"))
        if not parts:
            self._joined[key] = None
            return None
        try:
            joined = re.compile("|".join(parts))
        except re.error:
            self._joined[key] = None
            return None
        by_index = {joined.groupindex[f"_rule{entry[0]}"]: entry for entry in which}
        self._joined[key] = result = (joined.match, by_index)
        return result

    def _run_joined(self, lines):
        """TextFSM's ``_CheckLine`` for every line, as one loop and one match per line (the
        per-line work of a big output): values without options are assigned in place, the
        others through ``_assign``; a state whose rules cannot be joined goes rule by rule."""
        joined_of = self._joined
        join = self._join
        unparsed = self._unparsed
        special = self._lists | self._keep | set(self._fillup)
        state = self._cur_state_name
        first_of = self._first  # state -> its joined rules from the first one
        for no, text in lines:
            self._lineno = no
            hit = False
            start = 0
            while True:
                joined = first_of.get(state, False) if not start else joined_of.get((state, start), False)
                if joined is False:
                    joined = join(state, start)
                    if not start:
                        first_of[state] = joined
                if joined is None:  # this state's patterns cannot be joined
                    self._cur_state_name, self._hit = state, False
                    self._check_rules(text, start)
                    hit = hit or self._hit
                    state = self._cur_state_name
                    break
                matched = joined[0](text)
                if matched is None:
                    break
                pos, rule, groups, error, op, cont = joined[1][matched.lastindex]
                if not error:
                    hit = True
                if groups:
                    cur, cur_lines = self._cur, self._cur_lines
                    for name, alias in groups:
                        value = matched.group(alias)
                        if name in special:
                            self._assign(name, value)
                            cur_lines = self._cur_lines
                        else:
                            cur[name] = value
                            if value is not None:
                                cur_lines[name] = no
                if op:
                    self._record(op)
                if not cont:
                    if rule.new_state:
                        state = rule.new_state
                    break
                start = pos + 1  # Continue: the same line, the rules after this one
            if not hit and text.strip():
                unparsed.append(no)
            if state in ("End", "EOF"):
                break
        self._cur_state_name = state
        if state not in ("End", "EOF"):
            self._cur_state = self.states[state]

    def _check_rules(self, line, start):
        """The rule-by-rule loop, for states whose patterns could not be joined."""
        for rule in self.states[self._cur_state_name][start:]:
            matched = rule.regex_obj.regex.match(line)
            if matched is None:
                continue
            if rule.line_op != "Error":
                self._hit = True
            for name in rule.regex_obj.regex.groupindex:
                if name in self._by_name:
                    self._assign(name, matched.group(name))
            if self._Operations(rule, line):
                if rule.new_state:
                    if rule.new_state not in ("End", "EOF"):
                        self._cur_state = self.states[rule.new_state]
                    self._cur_state_name = rule.new_state
                break

    def _Operations(self, rule, line):  # noqa: N802
        self._record(rule.record_op)
        # an Error rule is recorded as unparsed by run(), never an abort
        return rule.line_op != "Continue"

    def _record(self, op):
        """A rule's record operation: Record, Clear, Clearall (or none)."""
        if op == "Record":
            self._AppendRecord()
        elif op == "Clear":
            self._ClearRecord()
        elif op == "Clearall":
            self._ClearAllRecord()

    def _assign(self, name, captured):
        self._cur[name] = captured
        if name in self._keep:
            self._filled[name] = captured
        if name in self._fillup and captured:
            column = self._fillup[name]
            for row in reversed(self._result):  # up the table to the first row that has it
                if row[column]:
                    break
                row[column] = captured
        if name in self._lists:
            pattern = self._nested.get(name)
            nested = pattern.match(captured) if pattern is not None and captured is not None else None
            items = self._items[name]
            items.append(nested.groupdict() if nested and nested.groupdict() else captured)
        if captured is None:
            return
        if name in self._lists:
            lines = self._cur_lines.setdefault(name, [])
            assert isinstance(lines, list)
            lines.append(self._lineno)
        else:
            self._cur_lines[name] = self._lineno

    def _AppendRecord(self):  # noqa: N802
        cur = self._cur
        if self._plain_save:
            record = [cur[n] for n in self._names]
        else:
            record = []
            for name, ops in self._save:
                value = cur[name]
                for op in ops:
                    if op == "List":
                        value = cur[name] = list(self._items[name])
                    elif not value:  # Required
                        self._ClearRecord()
                        return
                record.append(value)
        if all(v is None or v == [] for v in record):
            return  # an empty record is not a row (and, as in TextFSM, is not cleared)
        self._result.append(["" if v is None else v for v in record])
        self._row_lines.append(dict(self._cur_lines))
        self._ClearRecord()

    def _ClearRecord(self):  # noqa: N802
        """Every value back to empty, except Filldown ones, which keep their last capture."""
        filled = self._filled
        self._cur = {n: filled.get(n) for n in self._names} if filled else dict.fromkeys(self._names)
        for name in self._lists:
            if name not in self._keep:
                self._items[name] = []
        if self._cur_lines:
            self._cur_lines = {k: v for k, v in self._cur_lines.items() if k in self._keep}

    def _ClearAllRecord(self):  # noqa: N802
        self._cur = dict.fromkeys(self._names)
        self._filled: dict[str, object] = {}
        self._items: dict[str, list] = {n: [] for n in self._lists}
        self._cur_lines = {}

    def run(self, lines: Iterable[tuple[int, str]]):
        """Parse numbered lines; return ``(rows, unparsed_line_numbers)``.

        Each row is ``(values, lines)``: two dicts keyed by the template's value
        names, the second giving the line number (or list of line numbers for
        ``List`` values) each value was read from.
        """
        self.Reset()
        lines = lines if isinstance(lines, list) else list(lines)
        # Joining costs a regular-expression compilation per state: worth it once this
        # template has many lines to read in this process, not for a short paste.
        self._read += len(lines)
        if self._read > self.join_after:
            self._run_joined(lines)
        else:
            for no, text in lines:
                self._lineno = no
                self._hit = False
                self._check_rules(text, 0)
                if not self._hit and text.strip():
                    self._unparsed.append(no)
                if self._cur_state_name in ("End", "EOF"):
                    break
        if self._cur_state_name != "End" and "EOF" not in self.states:
            self._AppendRecord()
        header = self._header
        rows = [(dict(zip(header, row)), lines) for row, lines in zip(self._result, self._row_lines)]
        unparsed = self._unparsed
        # the instance is cached per template: keep no reference to a big output's rows
        self._result, self._row_lines, self._unparsed = [], [], []
        return rows, unparsed


_GROUP = re.compile(r"(?<!\\)\(\?P<(\w+)>")
# inline global flags must open a pattern; numbered back-references would be renumbered
_UNJOINABLE = re.compile(r"\(\?[aiLmsux]+\)|\\[1-9]|\(\?P=")


_TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "templates")


@functools.lru_cache(maxsize=None)
def template_text(name: str) -> str:
    try:
        # the installed package's own folder (importlib.resources costs more to import
        # than reading the file); a package inside a zip goes through importlib
        path = os.path.join(_TEMPLATES, name)
        if os.path.isdir(_TEMPLATES):
            with open(path, encoding="utf-8") as fh:
                return fh.read()
        from importlib import resources

        return resources.files("diag.templates").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DiagError(f"template {name}: not found in the installed package") from None


@functools.lru_cache(maxsize=None)
def load_fsm(name: str) -> TrackingFSM:
    try:
        return TrackingFSM(io.StringIO(template_text(name)))
    except textfsm.TextFSMTemplateError as exc:
        raise DiagError(f"template {name}: {exc}") from None
