"""Property-based tests: diag cannot be crashed by what it reads.

Each layer of the pipeline gets generated inputs built from realistic fragments
(prompts, show-tech headers, console syslog lines, lines of the real outputs in
``samples/`` and the parser goldens) mixed with random text, control characters
and random bytes, and must either do its job or refuse with a ``DiagError``:

* capture: any bytes give numbered clean lines, or a clean ``InputError``;
* split: every line is accounted for exactly once (in one section, counted as
  skipped or unrecognised, a boundary line, or blank);
* capture.feed (the fast path that skips unread sections in bytes) and
  capture.iter_lines give the same split, at any chunk size;
* parsers: any text as the output of any supported command gives catalogued,
  typed facts whose lines lie inside the input (or ``capture.unparsed``);
* the whole pipeline: ``analyze`` gives a report or a ``DiagError``; findings
  point inside their input and quote its lines; every reporter renders it.

Examples are bounded and derandomised so that the file runs in seconds in CI.
Set ``DIAG_FUZZ_EXAMPLES`` to run more (e.g. 2000) and ``DIAG_FUZZ_RANDOM=1`` to draw new
examples on each run, when hunting.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import PARSER_CASES, SAMPLES, SYSTEM_NOW
from diag import capture
from diag.api import Options, analyze
from diag.capture import ReadStats, clean_line, feed, iter_lines
from diag.commands import SPECS, resolve
from diag.errors import DiagError, InputError
from diag.facts import CATALOGUE, Fact
from diag.parsers import parse_section
from diag.report import FORMATS, render
from diag.split import Section, Splitter, split_lines
from diag.version import Release

EXAMPLES = int(os.environ.get("DIAG_FUZZ_EXAMPLES", "0"))
RANDOM = os.environ.get("DIAG_FUZZ_RANDOM") == "1"


def fuzz(n: int):
    """Bounded, derandomised settings: the same examples on every run, no deadline."""
    return settings(max_examples=EXAMPLES or n, deadline=None, derandomize=not RANDOM, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


# -- fragments ----------------------------------------------------------------------

def _real_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted(SAMPLES.glob("*.txt")) + sorted(SAMPLES.glob("*.log")) + sorted(PARSER_CASES.glob("*/*.raw")):
        lines.extend(path.read_text(encoding="utf-8", errors="replace").splitlines())
    return sorted({line for line in lines if line.strip()})


REAL = _real_lines()
HOSTS = ["leaf01", "DC-DMZ", "switch", "n9k-1.lab", "a", "leaf01(config)", "sw_2"]
COMMANDS = sorted({s.collect.replace("<sapno>", "42").replace("<TOKEN>", "QWxhZGRpbjpvcGVuIHNlc2FtZQ")
                   for s in SPECS} | {
    "sh lic stat", "sh run callhome", "show running-config | section callhome", "show logging | i SMART",
    "show interface brief", "show tech-support", "show ip route vrf all", "dir bootflash:", "sh ver",
    "show license status | json", "do show run", "conf t", "callhome", "show clock detail", "s", "sh l",
    "show logging logfile | include CALLHOME|SMART_LIC", "show callhome transport", "exit", "end",
})
PROMPTS = [f"{h}# {c}" for h in HOSTS for c in COMMANDS[:12]] + [f"{h}#" for h in HOSTS] + [
    "DC-DMZ(config)# do show run", "DC-DMZ(config-callhome)# destination-profile x", "leaf01(config)# exit",
    "leaf01# sh lic stat", "# show clock", "#", "leaf01#show version",
]
HEADERS = [f"`{c}`" for c in COMMANDS] + ["---- show version ----", "---- show interface ----", "```", "```text",
                                          "`show tech-support details`", "`a`", "`" + "x" * 250 + "`"]
SYSLOG = [
    "2023 Mar 16 09:41:05 leaf01 %CALLHOME-2-EVENT: SMART_LICENSING: failed to send",
    "Mar 16 09:41:05 leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: Communication with Cisco licensing cloud failed",
    "2023 Mar 16 09:41:05.123 UTC: %$ VDC-1 %$ %SMART_LIC-3-AUTH_RENEW_FAILED: Authorization renewal failed",
    "*Mar  1 00:00:01.000: %SYS-5-CONFIG_I: Configured from console",
    "% Invalid command at '^' marker.", "              ^", "% Permission denied", "%", "%%%",
]
JUNK = ["--More--", " --More-- \r          \r", "\x1b[7m--More--\x1b[m\r\x1b[K", "\x1b[1;32m", "\x1b[0m",
        "\x1b]0;title\x07", "\x9b31m", "\b", "\b \b", "\r", "\t", "\x00", "\x7f", "\x1b", "\x1b[", "\x1b[99D",
        "\x1b[2K", "\x1b[5C", "\x1b[0G", "\u00e9", "\ufeff", "\u2028", "\x85", "\u200b", "#", "%", "`", "!",
        "diag:", "! diag: ignore all -- lab", "! diag: ignore callhome-url-plain-http", "{", "}", "{{", "(", ")",
        "[", "\\", "$", "^", "*", ":", "|"]

real_line = st.sampled_from(REAL)


@st.composite
def mutated(draw, base=real_line) -> str:
    """A real line, cut, spliced with junk, repeated or left as it is."""
    line = draw(base)
    how = draw(st.integers(0, 6))
    if how == 1 and line:
        line = line[:draw(st.integers(0, len(line)))]
    elif how == 2:
        at = draw(st.integers(0, len(line)))
        line = line[:at] + draw(st.sampled_from(JUNK)) + line[at:]
    elif how == 3:
        line = line + draw(st.text(max_size=20))
    elif how == 4:
        line = "  " + line
    elif how == 5:
        line = draw(st.sampled_from(JUNK)) + line
    return line


fragment = st.one_of(
    mutated(), mutated(), mutated(),
    st.sampled_from(PROMPTS), st.sampled_from(HEADERS), st.sampled_from(SYSLOG),
    st.sampled_from(JUNK), st.just(""),
    st.text(max_size=40),
    st.text(alphabet="#%`-!:() \t\r\x1b[0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", max_size=30),
)
ending = st.sampled_from(["\n"] * 8 + ["\r\n"] * 3 + ["\r"])


@st.composite
def capture_text(draw, max_lines: int = 40) -> str:
    lines = draw(st.lists(fragment, max_size=max_lines))
    out = "".join(line.replace("\n", " ") + draw(ending) for line in lines)
    if out and draw(st.booleans()):
        out = out.rstrip("\r\n")  # no final newline: a capture cut off mid-line
    return out


@st.composite
def capture_bytes(draw) -> bytes:
    text = draw(capture_text())
    how = draw(st.integers(0, 9))
    if how == 0:
        return draw(st.binary(max_size=300))
    if how == 1:
        return text.encode("utf-16")  # with a BOM
    if how == 2:
        return text.encode(draw(st.sampled_from(["utf-16-le", "utf-16-be"])))
    if how == 3:
        return b"\xef\xbb\xbf" + text.encode()
    if how == 4:
        return text.encode("latin-1", "replace")
    if how == 5:  # random bytes spliced into text
        data = bytearray(text.encode())
        for _ in range(draw(st.integers(1, 5))):
            at = draw(st.integers(0, len(data)))
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        return bytes(data)
    return text.encode("utf-8", "surrogatepass") if draw(st.booleans()) else text.encode("utf-8", "replace")


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def _read(data: bytes) -> tuple[list[tuple[int, str]], ReadStats]:
    stats = ReadStats()
    return list(iter_lines(io.BytesIO(data), "<fuzz>", stats)), stats


# -- capture ---------------------------------------------------------------------------

@fuzz(300)
@given(capture_bytes())
def test_any_bytes_decode_to_clean_lines_or_input_error(data: bytes):
    try:
        lines, stats = _read(data)
    except InputError as exc:
        assert exc.path == "<fuzz>" and exc.problem
        return
    assert [no for no, _ in lines] == list(range(1, len(lines) + 1))
    assert stats.lines == len(lines) > 0
    for _, text in lines:
        assert isinstance(text, str)
        assert not _CONTROL.search(text), repr(text)  # no newline, CR, escape or other control left
        assert text == text.rstrip()
    if stats.encoding.startswith("utf-8") and b"\n" in data[:capture.SNIFF]:
        # one line per \n, as grep -n counts: line numbers refer to the original file
        assert len(lines) == data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


@fuzz(200)
@given(st.text(max_size=200))
def test_clean_line_never_fails_and_leaves_no_control_characters(text: str):
    out = clean_line(text.replace("\n", ""))
    assert not _CONTROL.search(out) and out == out.rstrip()


# -- split ----------------------------------------------------------------------------------

class Observed(Splitter):
    """A splitter that records, for every line, where it went."""

    def __init__(self, path: str):
        super().__init__(path)
        self.fate: dict[int, str] = {}

    def _held(self) -> int:
        held = sum(len(s.lines) for s in self.result.sections) + sum(len(s.lines) for s in self.console.values())
        return held + (len(self.current.lines) if self.current is not None else 0)

    def feed(self, no: int, text: str) -> None:
        before = (self._held(), self.result.skipped_lines, self.result.unrecognised_lines,
                  sum(self.result.skipped.values()), len(self.result.sections), self.current,
                  self.result.dropped_lines, len(self.result.unread))
        super().feed(no, text)
        after = (self._held(), self.result.skipped_lines, self.result.unrecognised_lines,
                 sum(self.result.skipped.values()), len(self.result.sections), self.current,
                 self.result.dropped_lines, len(self.result.unread))
        held, skipped, unrecognised = (a - b for a, b in zip(after[:3], before[:3]))
        dropped = after[6] - before[6]
        assert (held, skipped, unrecognised, dropped) in (
            (0, 0, 0, 0), (1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1)), (no, text)
        if dropped:
            self.fate[no] = "dropped"  # a log line no rule reads (CommandSpec.keep)
        elif held:
            self.fate[no] = "section"
        elif skipped:
            self.fate[no] = "skipped"
        elif unrecognised:
            self.fate[no] = "unrecognised"
        elif self.current is not None and self.current is not before[5] and self.current.start == no:
            self.fate[no] = "boundary"  # the prompt or header of a section diag reads
        elif after[3] > before[3]:
            self.fate[no] = "boundary"  # the prompt or header of a section diag skips
        elif after[7] > before[7]:
            self.fate[no] = "boundary"  # ... or names as not read (| json, run together: split.unread_form)
        else:
            self.fate[no] = "other"


@fuzz(300)
@given(capture_text())
@example("`show license status | json`\n")  # named as not read, not counted as skipped (found by this test)
def test_split_accounts_for_every_line_exactly_once(text: str):
    lines = list(enumerate((clean_line(t) for t in text.split("\n")), start=1))
    splitter = Observed("<fuzz>")
    for no, t in lines:
        splitter.feed(no, t)
    result = splitter.finish()
    given_text = dict(lines)
    seen: dict[int, Section] = {}
    for sec in result.sections:
        assert sec.lines == sorted(sec.lines)
        for no, t in sec.lines:
            assert no not in seen, f"line {no} in two sections"
            seen[no] = sec
            # sections keep the text as read, with its number; a line that ends in a
            # '! diag: ignore' comment keeps its text without the comment (read as it would be
            # without it; the suppression quotes the whole line)
            given = given_text[no]
            assert t == given or (given.startswith(t) and "diag:" in given[len(t):]), (no, t, given)
        assert sec.start <= (sec.lines[0][0] if sec.lines else sec.start) and sec.end >= sec.start
        if sec.head:
            assert given_text[sec.start] == sec.head
    assert set(seen) == {no for no, f in splitter.fate.items() if f == "section"}
    fates = list(splitter.fate.values())
    assert len(fates) == len(lines)
    assert fates.count("skipped") == result.skipped_lines
    assert fates.count("unrecognised") == result.unrecognised_lines
    assert fates.count("dropped") == result.dropped_lines
    assert len(seen) + result.skipped_lines + result.unrecognised_lines + result.dropped_lines \
        + fates.count("boundary") + fates.count("other") == len(lines)
    for no, fate in splitter.fate.items():
        t = given_text[no]
        if fate == "other":
            # nothing silently dropped: a blank line, a prompt or a fence, never content
            assert not t.strip() or "#" in t or t.startswith("```"), (no, t)
        elif fate == "unrecognised":
            assert t.strip()
    for sup in result.suppressions:
        assert "diag:" in given_text[sup.line]


def _shape(result) -> tuple:
    return (
        [(s.path, s.command, s.typed, s.origin, s.host, s.start, s.lines, s.coverage, s.args, s.rejected, s.head,
          s.filtered) for s in result.sections],
        [(s.line, s.rules, s.reason, s.text, s.host) for s in result.suppressions],
        dict(result.skipped), result.skipped_lines, result.unrecognised_lines, result.hosts,
    )


UNREAD = ["leaf01# show interface brief", "`show interface`", "`show tech-support details`", "---- show ip route ----",
          "leaf01# show ip route vrf all", "leaf01(config)# interface Ethernet1/1"]
SKIP_NOISE = ["#", "%", "diag:", "`", "-", "--", "----", "# not a prompt", "% 100 percent", "  #1", "-`x`",
              "`show clock`", "`show version`", "---- show version ----", "Ethernet1/1 is up", "x # y", "%%",
              "leaf01#", "leaf01# sh lic stat", "! diag: ignore all", "2023 Mar 16 09:41:05 leaf01 %CALLHOME-2-X: y"]
skip_fragment = st.one_of(fragment, st.sampled_from(UNREAD), st.sampled_from(UNREAD), st.sampled_from(SKIP_NOISE),
                          st.sampled_from(SKIP_NOISE))


@st.composite
def skip_heavy(draw) -> str:
    lines = draw(st.lists(skip_fragment, max_size=50))
    out = "".join(line.replace("\n", " ").replace("\r", " ") + draw(st.sampled_from(["\n", "\n", "\r\n"]))
                  for line in lines)
    return out.rstrip("\n") if out and draw(st.booleans()) else out


@contextmanager
def chunking(sniff: int, chunk: int):
    with mock.patch.object(capture, "SNIFF", sniff), mock.patch.object(capture, "CHUNK", chunk):
        yield


DEFAULT = (1 << 16, 1 << 20)


@fuzz(300)
@given(st.one_of(skip_heavy(), capture_text()), st.sampled_from([DEFAULT, (16, 7), (64, 33), (5, 1)]))
# clean-up changes how a line starts: the fast path must not skip it (found by this test)
@example("leaf01# callhome\nleaf01# callhome\n --More-- \r          \r\r`callhome`\n", DEFAULT)
@example("leaf01# show interface\n\x1b[K`show clock`\n10:00:00.000 UTC Mon Mar 13 2023\n", DEFAULT)
@example("leaf01# show interface\n --More-- `show version`\nNXOS: version 9.3(5)\n", DEFAULT)
@example("core-sw-1# show interface\n- more -`show version`\nNXOS: version 9.3(5)\n", DEFAULT)
# a jump host's login inside a skipped output and inside a read one ('$' lines)
@example("sw# show interface\neth1\nops@jump:~$ ssh admin@10.1.1.12\nsw# show clock\n10:00:00.000 UTC Mon Mar 13 2023\n",
         DEFAULT)
@example("sw# show clock\n10:00:00.000 UTC Mon Mar 13 2023\n[ops@jump ~]$ ssh 10.1.1.12\nsw# show clock\n", (16, 7))
@example("leaf01# show interface\nxx\r---- show clock ----\n10:00:00.000 UTC Mon Mar 13 2023\n", DEFAULT)
@example("leaf01# show interface\n\x01! di\x02ag: ignore all -- lab\n", DEFAULT)
@example("leaf01# show interface\n\x9b0m`show clock`\n", DEFAULT)
@example(b"leaf01# show interface\n\x81`show clock`\n10:00:00.000 UTC Mon Mar 13 2023\n", DEFAULT)
# plain lines of a read section are given in runs: every line that could change the
# splitter's state must still be seen on its own
@example("leaf01# show running-config\nhostname a\nbanner motd #\nleaf01# x\n#\ncallhome\n  enable\n"
         "---- show clock ----\n10:00:00.000 UTC Mon Mar 13 2023\n`show version`\nx ! diag: ignore all\n"
         "y % z\n```\nleaf01# show clock\n", DEFAULT)
@example("leaf01# show license status\nStatus: REGISTERED\n", (16, 7))
def test_fast_feed_and_iter_lines_split_alike(text: str | bytes, sizes: tuple[int, int]):
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    with chunking(*sizes):
        try:
            slow = split_lines(list(iter_lines(io.BytesIO(data), "<fuzz>")), "<fuzz>")
        except InputError as exc:
            with pytest.raises(InputError) as again:
                feed(io.BytesIO(data), "<fuzz>", Splitter("<fuzz>"))
            assert again.value.problem == exc.problem
            return
        splitter = Splitter("<fuzz>")
        stats = ReadStats()
        feed(io.BytesIO(data), "<fuzz>", splitter, stats)
        fast = splitter.finish()
    assert _shape(fast) == _shape(slow)


# -- parsers ---------------------------------------------------------------------------

def _section_for(spec, lines: list[tuple[int, str]]) -> Section:
    typed = spec.collect.replace("<sapno>", "42").replace("<TOKEN>", "QWxhZGRpbjpvcGVuIHNlc2FtZQ")
    res = resolve(typed)
    assert res.spec is spec, typed
    return Section("<fuzz>", spec, res.typed, "prompt", "leaf01", 1, lines, res.coverage, res.args,
                   dict(res.params), res.filtered, head=f"leaf01# {res.typed}")


def _raw_lines(spec) -> list[str]:
    folder = PARSER_CASES / spec.name.replace(" ", "_")
    return sorted({t for p in folder.glob("*.raw") for t in p.read_text(encoding="utf-8").splitlines()})


RAW = {spec.name: _raw_lines(spec) for spec in SPECS}
TYPES = {"text": str, "raw": str, "upper": str, "url": str, "int": int, "bool": bool,
         "date": dt.datetime, "duration": dt.timedelta, "release": Release}


def check_fact(fact: Fact, numbers: set[int]) -> None:
    assert isinstance(fact, Fact)
    spec = CATALOGUE.get(fact.kind)
    assert spec is not None, f"fact kind {fact.kind} is not catalogued"
    assert fact.line in numbers, (fact, numbers)
    for name, value in fact.fields.items():
        assert name in spec.fields, f"{fact.kind} has no field {name}"
        want = TYPES[spec.fields[name].type]
        for item in (value if isinstance(value, list) else [value]):
            assert isinstance(item, want), (fact.kind, name, value)
            if want is int:
                assert not isinstance(item, bool)
    for key, no in fact.lines.items():
        assert isinstance(no, int) and no in numbers, (fact, key, no)
    fact.text_at(fact.line)
    json.dumps(fact.to_json())


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_every_parser_reads_any_text(spec):
    own = st.sampled_from(RAW[spec.name]) if RAW[spec.name] else real_line
    line = st.one_of(mutated(own), mutated(own), mutated(own), own, fragment,
                     st.text(max_size=60).map(lambda t: t.replace("\n", " ")))

    @fuzz(60)
    @given(st.lists(line, max_size=40), st.booleans())
    def run(texts: list[str], clean: bool):
        lines = [(i, clean_line(t) if clean else t) for i, t in enumerate(texts, start=2)]
        section = _section_for(spec, lines)
        facts = parse_section(section)
        numbers = {no for no, _ in lines} | {section.start}
        for fact in facts:
            check_fact(fact, numbers)

    run()


# -- the whole pipeline ------------------------------------------------------------------

@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _check_report(report, path: str, data: bytes) -> None:
    try:
        numbered = dict(iter_lines(io.BytesIO(data), path))
    except InputError:
        numbered = {}
    for f in report.findings:
        assert f.path == path
        assert 1 <= f.line <= f.end_line <= len(numbered), (f.rule_id, f.line, f.end_line, len(numbered))
        for ev in f.evidence:
            assert ev.path == path and ev.line in numbered
            assert ev.text == numbered[ev.line].strip(), (f.rule_id, ev)
    for fmt in FORMATS:
        out = render(report, fmt)
        assert isinstance(out, str)
        if fmt in ("json", "sarif"):
            json.loads(out)


@fuzz(120)
@given(capture_bytes())
def test_analyze_any_input_gives_a_report_or_diag_error(rulebook, fuzz_dir, data: bytes):
    _report_or_refusal(rulebook, fuzz_dir / "capture.txt", data)


def _report_or_refusal(rulebook, path: Path, data: bytes) -> None:
    """``data`` analysed: a report that holds together, or a DiagError that says something."""
    path.write_bytes(data)
    try:
        report = analyze([str(path)], Options(system_now=SYSTEM_NOW), rules=rulebook)
    except DiagError as exc:
        assert str(exc)
        return
    _check_report(report, str(path), data)


RULE_EXAMPLES = sorted(p for p in (Path(__file__).parent.parent / "rules").rglob("*.txt"))


@st.composite
def damaged_example(draw) -> bytes:
    """A rule's hit or near-miss capture with lines dropped, repeated, cut or spliced with fragments."""
    lines = draw(st.sampled_from(RULE_EXAMPLES)).read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    for line in lines:
        how = draw(st.integers(0, 12))
        if how == 0:
            continue
        if how == 1:
            out.extend([line, line])
        elif how == 2:
            out.append(line[:draw(st.integers(0, len(line)))])
        elif how == 3:
            out.extend([draw(fragment), line])
        else:
            out.append(line)
    text = "\n".join(out)
    cut = draw(st.integers(0, len(text)))
    return (text[:cut] if draw(st.integers(0, 4)) == 0 else text).encode("utf-8", "surrogatepass")


@fuzz(80)
@given(damaged_example())
def test_analyze_damaged_rule_examples(rulebook, fuzz_dir, data: bytes):
    _report_or_refusal(rulebook, fuzz_dir / "example.txt", data)
