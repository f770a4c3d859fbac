"""TrackingFSM adds line numbers and unparsed lines to TextFSM: it must read exactly what TextFSM reads.

Every TextFSM template is run, on its parser goldens' inputs and on shuffled mixes of
their lines, by plain ``textfsm.TextFSM`` and by ``TrackingFSM``; the rows must be equal.
Small hand-written templates pin the ``Continue`` path, patterns with inline flags and
back-references, the line of each value and the lines no rule reads.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
import textfsm

from conftest import PARSER_CASES
from diag.parsers.fsm import TrackingFSM, template_text

TEMPLATES = sorted(p.name for p in (Path(__file__).parent.parent / "diag" / "templates").glob("*.textfsm"))


def _inputs(template: str) -> list[list[str]]:
    folder = PARSER_CASES / template.removeprefix("cisco_nxos_").removesuffix(".textfsm")
    texts = [p.read_text(encoding="utf-8", errors="replace").splitlines() for p in sorted(folder.glob("*.raw"))]
    pool = [line for text in texts for line in text]
    rng = random.Random(template)  # the same mixes on every run
    for _ in range(20):
        texts.append(rng.sample(pool, min(len(pool), rng.randint(1, 40))))
    return texts


class Lenient(textfsm.TextFSM):
    """Plain TextFSM, its own rule-by-rule loop, except that an Error rule skips the line
    (TextFSM would abandon the parse; TrackingFSM records the line as unparsed)."""

    def _Operations(self, rule, line):  # noqa: N802
        if rule.line_op == "Error":
            return True
        return super()._Operations(rule, line)


def _plain(template: str, lines: list[str]):
    return Lenient(io.StringIO(template_text(template))).ParseText("\n".join(lines) + "\n")


def _tracking(text: str, lines: list[str]):
    fsm = TrackingFSM(io.StringIO(text))
    rows, unparsed = fsm.run(list(enumerate(lines, 1)))
    return [list(values.values()) for values, _ in rows], unparsed, fsm


@pytest.mark.parametrize("template", TEMPLATES)
def test_same_rows_as_textfsm(template):
    rows_seen = 0
    for lines in _inputs(template):
        rows, _, _ = _tracking(template_text(template), lines)
        assert rows == _plain(template, lines), (template, lines)
        rows_seen += len(rows)
    assert rows_seen, f"{template}: the inputs gave no row to compare"


CONTINUE = """\
Value NAME (\\S+)
Value KIND (\\S+)
Value SIZE (\\d+)

Start
  ^${NAME}\\s -> Continue
  ^\\S+\\s+${KIND}\\s -> Continue
  ^\\S+\\s+\\S+\\s+${SIZE} -> Record
  ^end -> End
"""


def test_continue_reads_the_same_line_with_the_later_rules():
    lines = ["alpha file 10", "beta dir 20", "end", "gamma file 30"]
    rows, unparsed, _ = _tracking(CONTINUE, lines)
    assert rows == [["alpha", "file", "10"], ["beta", "dir", "20"]]
    assert rows == textfsm.TextFSM(io.StringIO(CONTINUE)).ParseText("\n".join(lines) + "\n")
    assert unparsed == []


FLAGS = """\
Value WORD (\\w+)
Value TWICE (\\w+)

Start
  ^(?i:name)\\s+${WORD} -> Record
  ^(\\w+)-\\1\\s+${TWICE} -> Record
  ^. -> Error
"""


def test_inline_flags_and_back_references_and_an_error_rule():
    lines = ["NAME one", "ab-ab two", "junk", "ab-cd three"]
    rows, unparsed, _ = _tracking(FLAGS, lines)
    assert rows == [["one", ""], ["", "two"]]
    assert unparsed == [3, 4]  # lines only the Error rule reads are unparsed, and the parse goes on


def test_each_value_has_its_line():
    lines = ["x", "alpha file 10", "beta dir 20"]
    fsm = TrackingFSM(io.StringIO(CONTINUE))
    rows, unparsed = fsm.run(list(enumerate(lines, 1)))
    assert [where for _, where in rows] == [{"NAME": 2, "KIND": 2, "SIZE": 2}, {"NAME": 3, "KIND": 3, "SIZE": 3}]
    assert unparsed == [1]


# Every TextFSM value option and record operation, on random line mixes, against TextFSM itself.
OPTIONS = """\
Value Filldown CHASSIS (\\S+)
Value Required SLOT (\\d+)
Value Fillup OWNER (\\w+)
Value List PORTS (\\S+)
Value Filldown,List TAGS (\\w+)
Value List PAIRS ((?P<key>\\w+)=(?P<val>\\w+))
Value Key NAME (\\w+)
Value MAYBE ((?:x+)?)

Start
  ^chassis ${CHASSIS}
  ^slot ${SLOT} name ${NAME}
  ^owner ${OWNER}
  ^port ${PORTS} -> Continue
  ^port \\S+ tag ${TAGS}
  ^pair ${PAIRS}
  ^maybe(?: ${MAYBE})?$$
  ^record -> Record
  ^clear$$ -> Clear
  ^clearall -> Clearall
  ^next -> Next.Record Other
  ^stop -> End

Other
  ^back -> Start
  ^slot ${SLOT} -> Record
  ^. -> Error
"""

LINE_POOL = ["chassis A", "chassis B", "slot 1 name one", "slot 2 name two", "owner amy", "owner bob",
             "port e1/1", "port e1/2 tag red", "port e1/3 tag blue", "pair a=b", "pair c=d", "maybe",
             "maybe xx", "record", "clear", "clearall", "next", "back", "slot 7", "stop", "junk", ""]


@pytest.mark.parametrize("seed", range(150))
def test_value_options_and_record_operations_match_textfsm(seed):
    rng = random.Random(seed)
    lines = [rng.choice(LINE_POOL) for _ in range(rng.randint(1, 30))]
    rows, _, _ = _tracking(OPTIONS, lines)
    plain = Lenient(io.StringIO(OPTIONS)).ParseText("\n".join(lines) + "\n")
    assert rows == plain, lines


def test_lines_of_list_and_filldown_values_and_unread_lines():
    lines = ["chassis A", "port e1/1", "port e1/2 tag red", "slot 1 name one", "record", "",
             "slot 2 name two", "junk", "record", "next", "bogus"]
    fsm = TrackingFSM(io.StringIO(OPTIONS))
    for _ in range(2):  # the instance is reused (cached per template): nothing of the first run remains
        rows, unparsed = fsm.run(list(enumerate(lines, 1)))
        assert [where for _, where in rows] == [
            {"CHASSIS": 1, "PORTS": [2, 3], "TAGS": [3], "SLOT": 4, "NAME": 4},
            {"CHASSIS": 1, "TAGS": [3], "SLOT": 7, "NAME": 7},  # Filldown values keep their line
        ]
        assert [values["PORTS"] for values, _ in rows] == [["e1/1", "e1/2"], []]
        # no rule of Start reads line 8; Other's Error rule reads line 11; a blank line is not unparsed
        assert unparsed == [8, 11]


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_rule_shared_by_states_is_built_once_and_the_states_are_textfsm_s(template):
    text = template_text(template)
    plain, fsm = textfsm.TextFSM(io.StringIO(text)), TrackingFSM(io.StringIO(text))
    assert fsm.state_list == plain.state_list
    for name in plain.state_list:
        assert [str(r) for r in fsm.states[name]] == [str(r) for r in plain.states[name]], name
    assert [str(v) for v in fsm.values] == [str(v) for v in plain.values]
    built = {id(r) for rules in fsm.states.values() for r in rules}
    assert len(built) == len({str(r) for rules in fsm.states.values() for r in rules})


def test_a_broken_template_is_reported_at_its_own_line():
    text = "Value A (\\S+)\n\nStart\n  ^a ${A}\n\nOther\n  ^a ${A}\n  ^b ${B}\n"
    with pytest.raises(textfsm.TextFSMTemplateError) as plain:
        textfsm.TextFSM(io.StringIO(text))
    with pytest.raises(textfsm.TextFSMTemplateError) as ours:
        TrackingFSM(io.StringIO(text))
    assert str(ours.value) == str(plain.value)
