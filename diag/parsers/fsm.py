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
"""

from __future__ import annotations

import functools
import io
from importlib import resources
from typing import Iterable

import textfsm

from diag.errors import DiagError


class TrackingFSM(textfsm.TextFSM):
    def __init__(self, template):
        super().__init__(template)
        # per-line hot path: direct regex matchers, value objects by name, option names once
        self._by_name = {v.name: v for v in self.values}
        self._lists = {v.name for v in self.values if "List" in v.OptionNames()}
        self._keep = {v.name for v in self.values if "Filldown" in v.OptionNames()}
        self._matchers = {
            name: [(rule.regex_obj.regex.match, rule, tuple(rule.regex_obj.regex.groupindex)) for rule in state]
            for name, state in self.states.items()
        }

    def Reset(self):  # noqa: N802 - TextFSM naming
        self._cur_lines: dict[str, object] = {}
        super().Reset()
        self._lineno = 0
        self._hit = False
        self._cur_lines = {}
        self._row_lines: list[dict[str, object]] = []
        self._unparsed: list[int] = []

    def _CheckLine(self, line):  # noqa: N802
        """TextFSM's own loop over the current state's rules, minus its indirections."""
        for match, rule, groups in self._matchers[self._cur_state_name]:
            matched = match(line)
            if matched is None:
                continue
            if rule.line_op != "Error":
                self._hit = True
            for value in groups:
                self._AssignVar(matched, value)
            if self._Operations(rule, line):
                if rule.new_state:
                    if rule.new_state not in ("End", "EOF"):
                        self._cur_state = self.states[rule.new_state]
                    self._cur_state_name = rule.new_state
                break

    def _Operations(self, rule, line):  # noqa: N802
        if rule.line_op == "Error":
            return True  # recorded as unparsed by run(); never abort
        return super()._Operations(rule, line)

    def _AssignVar(self, matched, value):  # noqa: N802
        target = self._by_name.get(value)
        if target is None:
            return
        captured = matched.group(value)
        target.AssignVar(captured)
        if captured is None:
            return
        if value in self._lists:
            lines = self._cur_lines.setdefault(value, [])
            assert isinstance(lines, list)
            lines.append(self._lineno)
        else:
            self._cur_lines[value] = self._lineno

    def _AppendRecord(self):  # noqa: N802
        before = len(self._result)
        snapshot = dict(self._cur_lines)  # the base class clears the record before returning
        super()._AppendRecord()
        if len(self._result) > before:
            self._row_lines.append(snapshot)

    def _ClearRecord(self):  # noqa: N802
        super()._ClearRecord()
        if self._cur_lines:
            self._cur_lines = {k: v for k, v in self._cur_lines.items() if k in self._keep}

    def _ClearAllRecord(self):  # noqa: N802
        super()._ClearAllRecord()
        self._cur_lines.clear()

    def run(self, lines: Iterable[tuple[int, str]]):
        """Parse numbered lines; return ``(rows, unparsed_line_numbers)``.

        Each row is ``(values, lines)``: two dicts keyed by the template's value
        names, the second giving the line number (or list of line numbers for
        ``List`` values) each value was read from.
        """
        self.Reset()
        for no, text in lines:
            self._lineno = no
            self._hit = False
            self._CheckLine(text)
            if not self._hit and text.strip():
                self._unparsed.append(no)
            if self._cur_state_name in ("End", "EOF"):
                break
        if self._cur_state_name != "End" and "EOF" not in self.states:
            self._AppendRecord()
        header = self.header
        rows = [(dict(zip(header, row)), lines) for row, lines in zip(self._result, self._row_lines)]
        unparsed = self._unparsed
        # the instance is cached per template: keep no reference to a big output's rows
        self._result, self._row_lines, self._unparsed = [], [], []
        return rows, unparsed


@functools.lru_cache(maxsize=None)
def template_text(name: str) -> str:
    try:
        return resources.files("diag.templates").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DiagError(f"template {name}: not found in the installed package") from None


@functools.lru_cache(maxsize=None)
def load_fsm(name: str) -> TrackingFSM:
    try:
        return TrackingFSM(io.StringIO(template_text(name)))
    except textfsm.TextFSMTemplateError as exc:
        raise DiagError(f"template {name}: {exc}") from None
