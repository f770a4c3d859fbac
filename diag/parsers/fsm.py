"""TextFSM with line numbers.

TextFSM returns rows of strings and forgets where they came from. This
subclass feeds the lines itself and records, for each value of each row, the
line number it was captured on. Two more differences from plain TextFSM:

* a rule whose action is ``Error`` (the ``^. -> Error`` catch-all that ends
  every state of a strict template) marks the line *unparsed* instead of
  aborting the whole parse;
* a non-blank line that no rule of the current state matches is unparsed too.

Unparsed lines become ``unparsed-output`` findings, so nothing is dropped
silently. Template objects are built once per template and reset per section; a rule
that several states share is built once (``_once``).
"""

from __future__ import annotations

import functools
import io
import os
from typing import Iterable

import textfsm

from diag.errors import DiagError


def _once(text: str) -> tuple[str, list[tuple[str, list[int]]]]:
    """A template with each rule line kept only in the first state that has it, and each
    state's rules, in order, as indexes into the rules kept (in the order TextFSM builds
    them). The status template repeats most of its rules in every state (a field line may
    come in any block): TextFSM then builds each of them once, not once per state."""
    lines = text.splitlines()
    end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))  # the Values end at a blank line
    out = lines[:end + 1]
    states: list[tuple[str, list[int]]] = []
    kept: dict[str, int] = {}
    rules: list[int] | None = None  # of the state being read
    for line in lines[end + 1:]:
        rule = line.strip()
        if not rule:
            rules = None  # a blank line ends a state
        elif rule.startswith("#"):
            continue
        elif rules is None:  # a state's name
            rules = []
            states.append((rule, rules))
            out += ["", line]
        else:
            if rule not in kept:
                kept[rule] = len(kept)
                out.append(line)
            rules.append(kept[rule])
    return "\n".join(out) + "\n", states


class TrackingFSM(textfsm.TextFSM):
    def __init__(self, template):
        whole = template.read()
        text, states = _once(whole)
        try:
            super().__init__(io.StringIO(text))
        except textfsm.TextFSMTemplateError:
            textfsm.TextFSM(io.StringIO(whole))  # the error, at its line of the template itself
            raise
        built = [rule for name in self.state_list for rule in self.states[name]]
        for name, rules in states:
            if name in self.states:  # TextFSM drops an End state
                self.states[name] = [built[i] for i in rules]
        # TextFSM wraps each rule's compiled pattern in an object that only makes it
        # copyable (compiled patterns are, since Python 3.7) and costs a call per rule per
        # line: rules match with the pattern itself (the fleet's TextFSM reading -15 %)
        for rule in built:
            rule.regex_obj = getattr(rule.regex_obj, "regex", rule.regex_obj)
        self._names = {v.name for v in self.values}
        self._lists = set(self.GetValuesByAttrib("List"))
        self._keep = set(self.GetValuesByAttrib("Filldown"))

    def Reset(self):  # noqa: N802 - TextFSM naming
        self._lineno = 0
        self._hit = False
        self._cur_lines: dict[str, object] = {}  # value name -> its line (a list of lines for a List)
        self._row_lines: list[dict[str, object]] = []
        self._unparsed: list[int] = []
        super().Reset()

    def _Operations(self, rule, line):  # noqa: N802
        if rule.line_op != "Error":
            self._hit = True
        try:
            return super()._Operations(rule, line)
        except textfsm.TextFSMError:  # an Error rule: run() reports the line as unparsed
            return True

    def _AssignVar(self, matched, value):  # noqa: N802
        super()._AssignVar(matched, value)
        if value not in self._names or matched.group(value) is None:
            return
        if value in self._lists:
            lines = self._cur_lines.setdefault(value, [])
            assert isinstance(lines, list)
            lines.append(self._lineno)
        else:
            self._cur_lines[value] = self._lineno

    def _AppendRecord(self):  # noqa: N802
        before = len(self._result)
        snapshot = dict(self._cur_lines)  # TextFSM clears the record before returning
        super()._AppendRecord()
        if len(self._result) > before:
            self._row_lines.append(snapshot)

    def _ClearRecord(self):  # noqa: N802
        """As TextFSM, which keeps Filldown values: their lines are kept too."""
        super()._ClearRecord()
        if self._cur_lines:
            self._cur_lines = {k: v for k, v in self._cur_lines.items() if k in self._keep}

    def _ClearAllRecord(self):  # noqa: N802
        super()._ClearAllRecord()
        self._cur_lines = {}

    def run(self, lines: Iterable[tuple[int, str]]):
        """Parse numbered lines; return ``(rows, unparsed_line_numbers)``.

        Each row is ``(values, lines)``: two dicts keyed by the template's value
        names, the second giving the line number (or list of line numbers for
        ``List`` values) each value was read from.
        """
        self.Reset()
        for no, text in lines:  # TextFSM's ParseText, a line number at a time
            self._lineno, self._hit = no, False
            self._CheckLine(text)
            if not self._hit and text.strip():
                self._unparsed.append(no)
            if self._cur_state_name in ("End", "EOF"):
                break
        rows = self.ParseText("")  # the end of the input: TextFSM's implicit last record
        header = self.header
        out = [(dict(zip(header, row)), lines) for row, lines in zip(rows, self._row_lines)]
        unparsed = self._unparsed
        # the instance is cached per template: keep no reference to a big output's rows
        self._result, self._row_lines, self._unparsed = [], [], []
        return out, unparsed


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
