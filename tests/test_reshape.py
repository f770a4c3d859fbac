"""Pastes as they arrive: indented, quoted, timestamped by a terminal logger, with CRLF line
ends. diag takes the decoration off (diag.reshape) and must read them as the clean capture:
the same findings, on the same original lines, quoting the same text."""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import io
import re
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RULES, SAMPLES, SYSTEM_NOW, corpus_files
from diag import capture
from diag.api import Options, analyze
from diag.capture import ReadStats, clean_line, iter_lines
from diag.cli import cli
from diag.errors import DiagError
from diag.reshape import sniff
from diag.split import prompt

UTC = dt.timezone.utc


# -- detection ---------------------------------------------------------------------------

SESSION = """\
leaf01# show clock
Time source is NTP
10:15:02.117 UTC Tue May 16 2023

leaf01# show running-config callhome

!Command: show running-config callhome
callhome
  email-contact noc@example.net
  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/DDCEService
  enable
leaf01# exit
"""


def _lines(text: str) -> list[str]:
    """The clean lines of ``text`` as the sniff sees them: decoration still on."""
    return [clean_line(t) for t in text.splitlines()]


def _decorate(text: str, prefix: str, blank: str | None = None) -> str:
    """Every line of ``text`` with ``prefix`` (blank lines with ``blank`` when given)."""
    out = []
    for line in text.splitlines():
        out.append((blank if blank is not None and not line.strip() else prefix) + line)
    return "\n".join(out) + "\n"


CLEAN = _lines(SESSION)


@pytest.mark.parametrize("prefix, blank, described", [
    (" ", "", "indented by 1 space"),
    ("  ", " ", "indented by 2 spaces"),
    ("    ", "", "indented by 4 spaces"),  # a Markdown code block
    ("        ", "    ", "indented by 8 spaces"),
    ("\t", "", "indented by 1 tab"),
    ("> ", ">", "quoted with '> '"),
    ("> ", "> ", "quoted with '> '"),
    (">", ">", "quoted with '>'"),
    (">> ", ">>", "quoted with '>', quoted with '> '"),
    ("> > ", "> >", "quoted with '> ', quoted with '> '"),
    ("[2026-12-07 03:05:20] ", None, "timestamped '[YYYY-MM-DD hh:mm:ss] '"),
    ("2026-12-07T03:05:20.123+0100 ", None, "timestamped 'YYYY-MM-DD hh:mm:ss '"),
    ("2026-12-07 03:05:20,123 ", None, "timestamped 'YYYY-MM-DD hh:mm:ss '"),
    ("03:05:20 ", None, "timestamped 'hh:mm:ss '"),
    ("03:05:20.123 ", None, "timestamped 'hh:mm:ss '"),
    ("[03:05:20] ", None, "timestamped '[hh:mm:ss] '"),
    ("[03:05:20.123] ", None, "timestamped '[hh:mm:ss] '"),
    ("03:05:20: ", None, "timestamped 'hh:mm:ss: '"),
    ("Dec 07 03:05:20 ", None, "timestamped 'Mon DD hh:mm:ss '"),  # moreutils ts
    ("Dec  7 03:05:20.000123 ", None, "timestamped 'Mon DD hh:mm:ss '"),  # ts "%b %e %H:%M:%.S"
    ("[Mon Dec 07 03:05:20.123 2026] ", None, "timestamped '[Day Mon DD hh:mm:ss YYYY] '"),  # Tera Term
    ("[12/07/2026 03:05:20 PM] ", None, "timestamped '[MM/DD/YYYY hh:mm:ss] '"),
    ("07.12.2026 03:05:20 | ", None, "timestamped 'DD.MM.YYYY hh:mm:ss | '"),
    ("(2026/12/07 03:05:20) ", None, "timestamped '(YYYY/MM/DD hh:mm:ss) '"),
    ("20261207_030520 - ", None, "timestamped 'YYYYMMDD_hhmmss - '"),
    ("> [2026-12-07 03:05:20] ", ">", "quoted with '> ', timestamped '[YYYY-MM-DD hh:mm:ss] '"),
    ("    > 03:05:20 ", "    >", "indented by 4 spaces, quoted with '> ', timestamped 'hh:mm:ss '"),
    ("[03:05:20]   ", None, "timestamped '[hh:mm:ss] ', indented by 2 spaces"),
])
def test_each_decoration_is_found_and_taken_off(prefix, blank, described):
    lines = _lines(_decorate(SESSION, prefix, blank))
    deco = sniff(lines)
    assert deco is not None and deco.describe() == described
    assert [deco.strip(t)[0] for t in lines] == CLEAN


def test_stamped_blank_lines_keep_nothing_of_the_stamp():
    lines = _lines(_decorate(SESSION, "[2026-12-07 03:05:20] - "))
    assert "[2026-12-07 03:05:20] -" in lines  # a blank line, once trailing blanks are gone
    deco = sniff(lines)
    assert [deco.strip(t)[0] for t in lines] == CLEAN


@pytest.mark.parametrize("text", [
    SESSION,
    # plain syslog, with the year and without: dates that are the lines' own
    "\n".join(f"2026 Dec  7 03:05:{i:02d} leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: Communications failure"
              for i in range(20)),
    "\n".join(f"Dec  7 03:05:{i:02d} leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: Communications failure"
              for i in range(20)),
    "\n".join(f"Dec 07 03:05:{i:02d} leaf01 %CALLHOME-2-EVENT: SW_CRASH" for i in range(20)),
    # a configuration whose only indented lines are children, with and without their parent
    "hostname leaf01\nfeature ntp\ncallhome\n  email-contact noc@example.net\n  enable\n",
    "  email-contact noc@example.net\n  destination-profile CiscoTAC-1 index 1 http http://x\n  enable\n",
    # a show clock pasted alone starts with a time: it is the output, not a stamp
    "10:15:02.117 UTC Tue May 16 2023\n",
    # an output whose first line is indented as the switch prints it (its signature allows it)
    "  http vrf: management\n  from email addr: noc@example.net\n  proxy server: 10.1.1.1 port 8080\n",
    # indented lines after an undecorated start
    "leaf01# show version\n  NXOS: version 9.3(8)\n  BIOS: version 05.45\n  Device name: leaf01\n",
    # quoted lines that are not a capture
    "> Hello\n> see below\n\nleaf01# show clock\n10:15:02.117 UTC Tue May 16 2023\n",
])
def test_what_is_not_a_decoration_stays(text):
    lines = _lines(text)
    assert sniff(lines) is None
    stats = ReadStats()
    assert [t for _, t in iter_lines(io.BytesIO(text.encode()), "<t>", stats)] == lines
    assert stats.decoration is None


@pytest.mark.parametrize("prefix, described", [
    ("> ", "quoted with '> '"),
    ("Dec 07 03:05:21 ", "timestamped 'Mon DD hh:mm:ss '"),
    ("[2026-12-07 03:05:21] ", "timestamped '[YYYY-MM-DD hh:mm:ss] '"),
])
def test_console_messages_alone_are_a_capture_too(prefix, described):
    # a quoted or logged run of syslog lines: the decoration goes, the messages' own dates stay
    text = "\n".join(f"2026 Dec  7 03:05:{i:02d} leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: x"
                     for i in range(5)) + "\n"
    deco = sniff(_lines(_decorate(text, prefix)))
    assert deco is not None and deco.describe() == described
    assert [deco.strip(t)[0] for t in _lines(_decorate(text, prefix))] == _lines(text)


def test_a_syslog_server_file_keeps_its_own_stamps():
    # a remote syslog server's file: its ISO dates are the messages', and what follows
    # them is no console message diag reads as such
    text = "\n".join(f"2026-12-07T03:05:{i:02d}.000+00:00 10.1.1.{i} %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: x"
                     for i in range(5)) + "\n"
    assert sniff(_lines(text)) is None


def test_a_syslog_file_keeps_its_dates_even_with_a_prompt_among_them():
    # a show logging session: the prompt is not stamped, the log lines carry their own dates
    text = "leaf01# show logging last 3\n" + "\n".join(
        f"Dec  7 03:05:{i:02d} leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: x" for i in range(3)) + "\n"
    assert sniff(_lines(text)) is None


def test_prose_before_the_capture_does_not_hide_its_decoration():
    # a ticket: a sentence, then the capture as a Markdown code block
    text = "Hello TAC,\nhere is the output you asked for:\n\n" + _decorate(SESSION, "    ", "") + "\nThanks\n"
    deco = sniff(_lines(text))
    assert deco is not None and deco.describe() == "indented by 4 spaces"
    stripped = [deco.strip(t)[0] for t in _lines(text)]
    assert stripped[:3] == ["Hello TAC,", "here is the output you asked for:", ""]
    assert stripped[3:3 + len(CLEAN)] == CLEAN


def test_a_decoration_most_lines_lack_is_not_one():
    # one indented prompt in an otherwise flush capture: not a paste decoration
    lines = _lines(" leaf01# show clock\n" + "\n".join(f"line {i}" for i in range(20)) + "\n")
    assert sniff(lines) is None


def test_a_line_lacking_the_decoration_loses_only_what_it_has():
    lines = _lines(_decorate(SESSION, "    "))
    deco = sniff(lines)
    assert deco.strip("  two spaces only")[0] == "two spaces only"
    assert deco.strip("flush")[0] == "flush"
    quoted = sniff(_lines(_decorate(SESSION, "> ")))
    assert quoted.strip("not quoted")[0] == "not quoted"
    assert quoted.strip(">  child")[0] == " child"  # the line's own indentation stays


def test_the_sniff_does_not_depend_on_how_the_input_is_read(monkeypatch):
    data = _decorate(SESSION, "[2026-12-07 03:05:20] ").encode()
    want = list(iter_lines(io.BytesIO(data), "<t>"))
    assert [t for _, t in want] == CLEAN
    for sniff_size, chunk in ((16, 7), (5, 1), (64, 33)):
        monkeypatch.setattr(capture, "SNIFF", sniff_size)
        monkeypatch.setattr(capture, "CHUNK", chunk)
        assert list(iter_lines(io.BytesIO(data), "<t>")) == want


def test_only_the_sniffed_start_decides(monkeypatch):
    # the decoration is decided from the first SAMPLE_LINES non-blank lines
    text = "\n".join(f"note {i}" for i in range(10)) + "\n" + _decorate(SESSION, " ")
    read = [t for _, t in iter_lines(io.BytesIO(text.encode()), "<t>")]
    assert read[10:] == CLEAN
    monkeypatch.setattr("diag.reshape.SAMPLE_LINES", 5)
    read = [t for _, t in iter_lines(io.BytesIO(text.encode()), "<t>")]
    assert read == _lines(text)


@pytest.mark.parametrize("encoding", ["crlf", "mixed", "cr", "utf-16"])
def test_line_ends_and_encodings_keep_the_decoration_found(encoding):
    text = _decorate(SESSION, "> [2026-12-07 03:05:20] ", ">")
    if encoding == "crlf":
        data = text.replace("\n", "\r\n").encode()
    elif encoding == "mixed":
        data = "".join(line + ("\r\n" if i % 2 else "\n")
                       for i, line in enumerate(text.splitlines())).encode()
    elif encoding == "cr":
        data = text.replace("\n", "\r").encode()
    else:
        data = codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le")
    stats = ReadStats()
    got = list(iter_lines(io.BytesIO(data), "<t>", stats))
    assert [t for _, t in got] == CLEAN
    assert [no for no, _ in got] == list(range(1, len(CLEAN) + 1))
    assert stats.decoration is not None


# -- the clock of a terminal logger ------------------------------------------------------

STATUS = """\
leaf01# show license status
Smart Licensing is ENABLED

Registration:
  Status: REGISTERED
  Smart Account: Example
  Virtual Account: DC

License Authorization:
  Status: AUTHORIZED on Jan 03 12:46:02 2026 UTC
  Last Communication Attempt: SUCCEEDED on Jan 03 12:46:02 2026 UTC
  Next Communication Attempt: Feb 02 12:46:02 2026 UTC
  Communication Deadline: Apr 01 12:40:31 2026 UTC
"""


def _stamped(text: str, times: list[str], fmt: str = "[{}] ") -> str:
    lines = text.splitlines()
    return "\n".join(fmt.format(times[min(i, len(times) - 1)]) + line for i, line in enumerate(lines)) + "\n"


def _check(tmp_path: Path, text: str, **options):
    path = tmp_path / "cap.txt"
    path.write_text(text)
    return analyze([str(path)], Options(system_now=SYSTEM_NOW, **options)), str(path)


def test_dated_stamps_give_the_capture_its_clock(tmp_path):
    # no clock printed by the switch: without the stamps it is judged at its newest event
    # (its next attempts are past on this machine's clock, 2031)
    clean, _ = _check(tmp_path, STATUS)
    assert clean.now == dt.datetime(2026, 1, 3, 12, 46, 2, tzinfo=UTC)
    assert "communication-deadline-near" not in [f.rule_id for f in clean.findings]
    times = [f"2026-03-07 03:05:{i:02d}" for i in range(len(STATUS.splitlines()))]
    times[4] = "2026-03-07 03:06:59"  # the newest is not the last
    report, path = _check(tmp_path, _stamped(STATUS, times))
    assert report.now == dt.datetime(2026, 3, 7, 3, 6, 59, tzinfo=UTC)
    assert report.now_source == "capture"
    assert f"terminal logger timestamp ({path}:5)" in report.devices[0].clock[1]
    near = [f for f in report.findings if f.rule_id == "communication-deadline-near"]
    assert near and near[0].evidence[-1].text == "Communication Deadline: Apr 01 12:40:31 2026 UTC"


def test_a_zone_in_the_stamp_is_honoured(tmp_path):
    report, _ = _check(tmp_path, _stamped(STATUS, ["2026-03-07T04:05:20+01:00"], "{} "))
    assert report.now == dt.datetime(2026, 3, 7, 3, 5, 20, tzinfo=UTC)


def test_the_switch_clock_wins_over_the_stamps(tmp_path):
    text = STATUS + "leaf01# show clock\nTime source is NTP\n10:15:02.117 UTC Tue Mar 10 2026\n"
    report, path = _check(tmp_path, _stamped(text, ["2026-03-07 03:05:20"]))
    assert report.now == dt.datetime(2026, 3, 10, 10, 15, 2, 117000, tzinfo=UTC)
    assert report.devices[0].clock[1] == f"show clock ({path}:16)"


def test_the_stamps_win_over_the_newest_log_line(tmp_path):
    # a log line is when something happened, not when the capture was taken
    text = STATUS + "leaf01# show logging last 1\n2026 Mar  1 08:00:00 leaf01 %LICMGR-6-X: y\n"
    report, _ = _check(tmp_path, _stamped(text, ["2026-03-07 03:05:20"]))
    assert report.now == dt.datetime(2026, 3, 7, 3, 5, 20, tzinfo=UTC)


def test_undated_or_unsure_stamps_give_no_clock(tmp_path):
    clean, _ = _check(tmp_path, STATUS)
    for fmt, stamp in (("{} ", "03:05:20"), ("{} ", "Mar 07 03:05:20"), ("[{}] ", "03/07/2026 03:05:20")):
        report, _ = _check(tmp_path, _stamped(STATUS, [stamp], fmt))
        assert report.now == clean.now, stamp
        assert [d.commands for d in report.devices] == [["show license status"]], stamp  # read all the same


def test_each_device_of_a_session_gets_its_own_stamps(tmp_path):
    second = STATUS.replace("leaf01#", "leaf02#")
    text = _stamped(STATUS, ["2026-03-07 03:05:20"]) + _stamped(second, ["2026-03-09 11:00:00"])
    report, _ = _check(tmp_path, text)
    clocks = {d.name: d.now for d in report.devices}
    assert clocks == {"leaf01": dt.datetime(2026, 3, 7, 3, 5, 20, tzinfo=UTC),
                      "leaf02": dt.datetime(2026, 3, 9, 11, 0, tzinfo=UTC)}


def test_stamps_before_any_prompt_make_no_device(tmp_path):
    text = "[2026-03-09 11:00:00] ssh admin@leaf01\n" + _stamped(STATUS, ["2026-03-07 03:05:20"])
    report, _ = _check(tmp_path, text)
    assert [d.name for d in report.devices] == ["leaf01"]
    assert report.now == dt.datetime(2026, 3, 7, 3, 5, 20, tzinfo=UTC)


# -- the CLI on the two shapes reported --------------------------------------------------

EDGE = """\
Hi team, the output from DC-EDGE-2 is below.

DC-EDGE-2# show version
Cisco Nexus Operating System (NX-OS) Software
TAC support: http://www.cisco.com/tac

Software
  BIOS: version 05.45
  NXOS: version 9.3(8)

Hardware
  cisco Nexus9000 C93180YC-EX chassis
  Device name: DC-EDGE-2

DC-EDGE-2# show clock
Time source is NTP
14:02:51.410 UTC Wed Nov 18 2026
DC-EDGE-2# show running-config callhome

!Command: show running-config callhome
!Time: Wed Nov 18 14:02:51 2026

version 9.3(8) Bios:version 05.45
callhome
  email-contact noc@example.net
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/DDCEService
  transport http use-vrf management
  enable
DC-EDGE-2# exit
"""
URL_LINE = EDGE.splitlines().index(
    "  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/DDCEService") + 1


@pytest.mark.parametrize("shape", ["clean", "one space", "logger"])
def test_cli_reads_an_indented_or_logged_session_like_the_clean_one(tmp_path, shape):
    import json

    text = {"clean": EDGE, "one space": _decorate(EDGE, " "),
            "logger": _stamped(EDGE, ["2026-11-18 14:02:40"])}[shape]
    path = tmp_path / "edge.txt"
    path.write_text(text)
    res = CliRunner().invoke(cli, ["check", "-f", "json", str(path)], catch_exceptions=False)
    assert res.exit_code == 1, res.output
    report = json.loads(res.output)
    plain = [f for f in report["findings"] if f["rule_id"] == "callhome-url-plain-http"]
    assert plain and plain[0]["line"] == URL_LINE
    assert plain[0]["evidence"][0] == {"path": str(path), "line": URL_LINE, "text": (
        "destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/DDCEService")}
    assert [d["device"] for d in report["devices"]] == ["DC-EDGE-2"]
    assert report["devices"][0]["release"] == "9.3(8)"


def test_cli_reads_a_logged_paste_without_prompt_instead_of_refusing_it(tmp_path):
    import json

    path = tmp_path / "status.txt"
    path.write_text(_stamped(STATUS.split("\n", 1)[1], ["2026-03-07 03:05:20"]))
    res = CliRunner().invoke(cli, ["check", "-f", "json", str(path)], catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output  # not 2, "nothing recognised"
    assert [d["commands"] for d in json.loads(res.output)["devices"]] == [["show license status"]]


# -- the property: a decorated capture reads as the clean one ----------------------------

def _captures() -> list[Path]:
    found = sorted(RULES.rglob("*.hit.txt")) + sorted(RULES.rglob("*.ok.txt"))
    return found + sorted(p for p in SAMPLES.iterdir() if p.is_file() and not p.name.startswith("."))


CAPTURES = _captures()
_CLEAN: dict[Path, tuple] = {}
_WORK = Path(tempfile.mkdtemp(prefix="diag-reshape-"))


def _text_of(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", "surrogateescape")


def _outcome(report, path: str) -> tuple:
    """What must not change: findings (rule, device, lines, evidence) and what is not evaluated.
    A device named after its file is named after the file whatever the file is called."""
    def dev(name):
        return "<file>" if name == path else name

    findings = sorted((f.rule_id, dev(f.device), f.line, f.end_line,
                       tuple((e.line, e.text) for e in f.evidence)) for f in report.findings)
    return findings, sorted({(n.rule_id, dev(n.device)) for n in report.outcome.not_evaluated})


def _clean(path: Path, rulebook):
    """The clean capture's outcome, run's clock and each device's clock (run once per capture);
    the ``DiagError`` it is refused with, its file named ``<file>``."""
    if path not in _CLEAN:
        plain = _WORK / f"clean-{len(_CLEAN)}.txt"
        plain.write_text(_text_of(path), encoding="utf-8", errors="surrogateescape")
        try:
            report = analyze([str(plain)], Options(system_now=SYSTEM_NOW), rules=rulebook)
        except DiagError as exc:
            _CLEAN[path] = DiagError(str(exc).replace(str(plain), "<file>"))
        else:
            _CLEAN[path] = (_outcome(report, str(plain)), report.now, {d.name: d.now for d in report.devices})
    if isinstance(_CLEAN[path], DiagError):
        raise _CLEAN[path]
    return _CLEAN[path]


# Timestamp forms, written from the time the line was logged (aware, UTC).
STAMPS = {
    "iso bracketed": lambda t: t.strftime("[%Y-%m-%d %H:%M:%S] "),
    "iso T ms offset": lambda t: (t + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.")
    + f"{t.microsecond // 1000:03d}+0100 ",
    "tera term": lambda t: t.strftime("[%a %b %d %H:%M:%S.") + f"{t.microsecond // 1000:03d} {t.year}] ",
    "securecrt": lambda t: t.strftime("%Y/%m/%d %H:%M:%S - "),
    "ts": lambda t: t.strftime("%b %d %H:%M:%S "),
    "hh:mm:ss": lambda t: t.strftime("%H:%M:%S "),
    "hh:mm:ss.ms bracketed": lambda t: t.strftime("[%H:%M:%S.") + f"{t.microsecond // 1000:03d}] ",
}


def _layer(kind: str, arg, blank_too: bool):
    """A function (line, time) -> decorated line."""
    if kind == "indent":
        return lambda line, t: arg + line if (line.strip() or blank_too) else line
    if kind == "quote":
        return lambda line, t: arg + line if line.strip() else (arg.rstrip() if blank_too else "")
    if kind == "web":  # copied from a web page: every leading space a no-break one
        return lambda line, t: "\u00a0" * (len(line) - len(line.lstrip(" "))) + line.lstrip(" ")
    return lambda line, t: STAMPS[arg](t) + line


def _reshape(text: str, layers: list, line_ends: str, clocks: dict, now: dt.datetime) -> bytes:
    """``text`` with every line decorated (innermost layer first), stamped with the time the
    clean capture judges the device of the line at (the run's for a line of no device)."""
    lines = text.split("\n")
    last = lines.pop() if lines and lines[-1] == "" else None
    single = next(iter(clocks.values())) if len(clocks) == 1 else None
    out, when, known = [], single or now, set()
    for line in lines:
        m = prompt(line, known)
        if m is not None and m.group("host") and single is None:
            known.add(m.group("host"))
            when = clocks.get(m.group("host")) or now
        for layer in layers:
            line = layer(line, when)
        out.append(line)
    ends = {"lf": ["\n"], "crlf": ["\r\n"], "mixed": ["\r\n", "\n", "\n"]}[line_ends]
    body = "".join(line + ends[i % len(ends)] for i, line in enumerate(out))
    if last is None and out:  # no newline at the end: keep it that way
        body = body[:-len(ends[(len(out) - 1) % len(ends)])]
    return body.encode("utf-8", "surrogateescape")


INDENTS = [" " * n for n in range(1, 9)] + ["\t", "\u00a0", "\u00a0" * 4]  # no-break: a web page's
QUOTES = ["> ", ">> ", ">", "> > "]
layer_st = st.one_of(
    st.tuples(st.just("indent"), st.sampled_from(INDENTS)),
    st.tuples(st.just("quote"), st.sampled_from(QUOTES)),
    st.tuples(st.just("stamp"), st.sampled_from(sorted(STAMPS))),
    st.tuples(st.just("web"), st.none()),
)


def _shaped(path: Path, layers: list[tuple[str, object]], blank_too: bool, line_ends: str, rulebook,
            clocks: dict, now: dt.datetime):
    data = _reshape(_text_of(path), [_layer(k, a, blank_too) for k, a in layers], line_ends, clocks, now)
    shaped = _WORK / "shaped.txt"
    shaped.write_bytes(data)
    return analyze([str(shaped)], Options(system_now=SYSTEM_NOW), rules=rulebook), str(shaped)


def _assert_same(path: Path, layers: list[tuple[str, object]], blank_too: bool, line_ends: str, rulebook):
    want, now, clocks = _clean(path, rulebook)
    report, shaped = _shaped(path, layers, blank_too, line_ends, rulebook, clocks, now)
    got = _outcome(report, shaped)
    label = f"{path.name} {layers} blank={blank_too} {line_ends}"
    assert got[0] == want[0], label
    assert got[1] == want[1], label
    assert abs(report.now - now) < dt.timedelta(seconds=1), label


# Every capture once, each with a combination of shapes taken in turn from this list.
COMBINATIONS = [
    ([("indent", " ")], True, "crlf"),
    ([("stamp", "iso bracketed"), ("quote", "> ")], False, "lf"),
    ([("stamp", "ts"), ("indent", "\t")], False, "mixed"),
    ([("quote", ">> ")], True, "crlf"),
    ([("stamp", "hh:mm:ss"), ("indent", "    ")], True, "lf"),
    ([("stamp", "iso T ms offset"), ("quote", ">")], True, "crlf"),
    ([("quote", "> "), ("indent", "        ")], True, "lf"),
    ([("stamp", "tera term")], False, "crlf"),
    ([("stamp", "hh:mm:ss.ms bracketed"), ("indent", "   ")], False, "mixed"),
    ([("stamp", "securecrt"), ("quote", "> > ")], False, "lf"),
    ([("indent", "  ")], False, "lf"),
    ([("web", None), ("indent", "\u00a0" * 2)], False, "crlf"),
]


@pytest.mark.parametrize("index", range(len(CAPTURES)), ids=[f"{p.parent.name}/{p.name}" for p in CAPTURES])
def test_every_capture_reads_the_same_decorated(index, rulebook):
    layers, blank_too, line_ends = COMBINATIONS[index % len(COMBINATIONS)]
    _assert_same(CAPTURES[index], layers, blank_too, line_ends, rulebook)


CORPUS_FILES = corpus_files("*.txt")


@pytest.mark.parametrize("index", range(len(CORPUS_FILES)), ids=[p.name for p in CORPUS_FILES])
def test_public_captures_read_the_same_decorated(index, rulebook):
    # other people's real outputs (../shared, when present), each with one combination
    path = CORPUS_FILES[index]
    layers, blank_too, line_ends = COMBINATIONS[(index * 7) % len(COMBINATIONS)]
    try:
        _clean(path, rulebook)
    except DiagError as refused:  # nothing diag reads in it: decorated, it is refused alike
        with pytest.raises(DiagError) as again:
            _shaped(path, layers, blank_too, line_ends, rulebook, {}, SYSTEM_NOW)
        assert str(again.value).replace(str(_WORK / "shaped.txt"), "<file>") == str(refused)
        return
    _assert_same(path, layers, blank_too, line_ends, rulebook)


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(CAPTURES), layers=st.lists(layer_st, min_size=1, max_size=3),
       blank_too=st.booleans(), line_ends=st.sampled_from(["lf", "crlf", "mixed"]))
def test_any_decorated_capture_reads_as_the_clean_one(path, layers, blank_too, line_ends, rulebook):
    stamps = [a for k, a in layers if k == "stamp"]
    if len(stamps) > 1:  # one logger stamps a session; two stamps in a row are one longer stamp
        layers = [layer for layer in layers if layer[0] != "stamp"] + [("stamp", stamps[0])]
    _assert_same(path, layers, blank_too, line_ends, rulebook)


@pytest.mark.parametrize("layers", [[("indent", " ")], [("quote", "> ")], [("stamp", "iso bracketed")]])
def test_the_property_can_fail(layers, rulebook, monkeypatch):
    # with the decoration left on, the same check fails: it has teeth
    monkeypatch.setattr("diag.reshape.sniff", lambda lines: None)
    with pytest.raises((AssertionError, DiagError)):
        _assert_same(SAMPLES / "known-issue-2-plain-http.txt", layers, False, "lf", rulebook)


def test_stamp_forms_of_the_property_are_all_recognised():
    when = dt.datetime(2026, 12, 7, 3, 5, 20, 123000, tzinfo=UTC)
    for name, form in STAMPS.items():
        deco = sniff(_lines(_decorate(SESSION, form(when))))
        assert deco is not None, name
        got = deco.strip(form(when) + "leaf01# show clock")
        assert got[0] == "leaf01# show clock", name
        if re.search(r"\d{4}", form(when)):
            assert got[1] is not None and abs(got[1] - when) < dt.timedelta(seconds=1), name


# -- hostile decorations -----------------------------------------------------------------

_PREFIXES = st.sampled_from([
    "", " ", "\t", "> ", ">", ">>", "[2026-12-07 03:05:20] ", "[9999-12-31 23:59:59-14:00] ",
    "[0000-00-00 99:99:99] ", "2026-02-30T25:61:61.1234567890+9999 ", "[03:05:20] ", "03:05:20: ",
    "13/13/2026 13:13:13 PM - ", "31.02.2026 00:00:00 | ", "Feb 30 03:05:20 ", "[Mon Feb 31 03:05:20.1 2999] ",
    "(", "[", "[]", "> [", "99999999_999999 ",
])
_BODIES = st.sampled_from([
    "leaf01# show clock", "10:15:02.117 UTC Tue May 16 2023", "leaf01# show license status",
    "Smart Licensing is ENABLED", "  Status: REGISTERED", "  Communication Deadline: Apr 01 12:40:31 2026 UTC",
    "callhome", "  destination-profile CiscoTAC-1 index 1 http http://x", "!Command: show running-config callhome",
    "", "`show version`", "---- show clock ----", "2026 Dec  7 03:05:20 leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: x",
    "\x1b[K--More--\r        \r  enable", "leaf01(config)# callhome",
])


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_PREFIXES, _BODIES), min_size=1, max_size=30), st.sampled_from(["\n", "\r\n", "\r"]),
       st.sampled_from([(1 << 16, 1 << 20), (16, 7)]))
def test_any_decoration_reads_without_error_and_alike_both_ways(lines, end, sizes):
    from diag.split import Splitter, split_lines

    data = "".join(p + b + end for p, b in lines).encode()
    with mock.patch.object(capture, "SNIFF", sizes[0]), mock.patch.object(capture, "CHUNK", sizes[1]):
        stats = ReadStats()
        got = list(iter_lines(io.BytesIO(data), "<t>", stats))
        assert [no for no, _ in got] == list(range(1, len(got) + 1))
        slow = split_lines(got, "<t>")
        splitter = Splitter("<t>")
        fed = ReadStats()
        capture.feed(io.BytesIO(data), "<t>", splitter, fed)
        fast = splitter.finish()
    assert [(s.command, s.start, s.lines) for s in fast.sections] == [(s.command, s.start, s.lines)
                                                                     for s in slow.sections]
    if fed.decoration is not None:
        for when, no, _ in fed.decoration.clocks.values():
            assert when.tzinfo is not None and 1 <= no <= len(got)


def test_a_redacted_copy_keeps_the_decoration_and_its_clock(tmp_path):
    # redaction writes every line back as it was, stamps included: the copy is judged alike
    text = _stamped(STATUS, ["2026-03-07 03:05:20"])
    path = tmp_path / "logged.txt"
    path.write_text(text)
    res = CliRunner().invoke(cli, ["redact", str(path)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    copy = tmp_path / "copy.txt"
    copy.write_text(res.stdout)
    lines = res.stdout.splitlines()
    assert len(lines) == len(text.splitlines())
    assert all(line.startswith("[2026-03-07 03:05:20]") for line in lines)
    original = analyze([str(path)], Options(system_now=SYSTEM_NOW))
    redacted = analyze([str(copy)], Options(system_now=SYSTEM_NOW))
    assert redacted.now == original.now == dt.datetime(2026, 3, 7, 3, 5, 20, tzinfo=UTC)
    assert [(f.rule_id, f.line) for f in redacted.findings] == [(f.rule_id, f.line) for f in original.findings]
    assert original.findings


@pytest.mark.parametrize("prefix, blank, described", [
    ("    ", "", "indented by 4 spaces"), ("> ", ">", "quoted with '> '"),
    ("[2026-12-07 03:05:20] ", None, "timestamped '[YYYY-MM-DD hh:mm:ss] '")])
def test_the_report_says_what_was_taken_off(tmp_path, prefix, blank, described):
    """The reader of a report sees that the paste was read without its decoration (JSON
    'reshaped', a note in the text report); a clean capture says nothing of the kind."""
    import json

    for name, text, expected in (("deco.txt", _decorate(SESSION, prefix, blank), described),
                                 ("clean.txt", SESSION, None)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        res = CliRunner().invoke(cli, ["check", "--no-config", "-f", "json", str(path)])
        [entry] = json.loads(res.output)["inputs"]
        assert entry.get("reshaped") == expected
        res = CliRunner().invoke(cli, ["check", "--no-config", str(path)])
        notes = [line for line in res.output.splitlines() if "read as pasted" in line]
        assert notes == ([f"note: {path}: read as pasted {expected} (removed from every line; line numbers are "
                          "the file's)"] if expected else [])


# -- a terminal logger's header and footer lines: clocks, never lines of an output ---------------

_SCRIPT_BODY = "leaf01# show license status\n" + "\n".join(STATUS.splitlines()[1:]) + "\n"


@pytest.mark.parametrize("header, footer, clock", [
    ("=~=~=~=~=~=~=~=~=~=~=~= PuTTY log 2026.12.07 03:05:20 =~=~=~=~=~=~=~=~=~=~=~=", None,
     dt.datetime(2026, 12, 7, 3, 5, 20, tzinfo=UTC)),
    ('Script started on 2026-12-07 03:05:20+01:00 [TERM="xterm-256color" TTY="/dev/pts/3" COLUMNS="132" LINES="43"]',
     'Script done on 2026-12-07 03:17:41+01:00 [COMMAND_EXIT_CODE="0"]', dt.datetime(2026, 12, 7, 2, 17, 41, tzinfo=UTC)),
    ("Script started on Mon Dec  7 03:05:20 2026", "Script done on Mon Dec  7 03:09:02 2026",
     dt.datetime(2026, 12, 7, 3, 9, 2, tzinfo=UTC)),
    ("Script started on Mon 07 Dec 2026 03:05:20 AM UTC", None, dt.datetime(2026, 12, 7, 3, 5, 20, tzinfo=UTC)),
    ("Script started on Mon 07 Dec 2026 03:05:20 AM CET", None, None),  # a zone diag does not guess
])
def test_a_logger_header_or_footer_is_the_clock_of_the_session(tmp_path, header, footer, clock):
    """PuTTY's and script's lines around a session give its date when the switch printed no
    clock, are no line of the output they follow, and lose to a clock the switch printed."""
    path = tmp_path / "session.log"
    path.write_text(header + "\n" + _SCRIPT_BODY + (footer + "\n" if footer else ""), encoding="utf-8")
    report = analyze([str(path)], Options(system_now=SYSTEM_NOW))
    assert not [f for f in report.findings if f.rule_id == "unparsed-output"]
    [dev] = report.devices
    if clock is not None:
        assert dev.now == clock
    else:  # the status's own dates place the capture, not the header
        assert dev.now.date() != dt.date(2026, 12, 7)
    with_clock = _SCRIPT_BODY + "leaf01# show clock\n10:15:02.117 UTC Tue Nov 10 2026\n"
    path.write_text(header + "\n" + with_clock + (footer + "\n" if footer else ""), encoding="utf-8")
    [dev] = analyze([str(path)], Options(system_now=SYSTEM_NOW)).devices
    assert dev.now == dt.datetime(2026, 11, 10, 10, 15, 2, 117000, tzinfo=UTC)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(sorted((RULES.rglob("*.hit.txt")))[:60]))
def test_a_script_footer_under_any_capture_changes_no_finding(tmp_path, path):
    """The footer follows whatever the session printed last (a skipped output, a config, a
    log): it is never read as a line of it."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    target = tmp_path / "footer.log"
    target.write_text(text, encoding="utf-8")
    before = {(f.rule_id, f.line) for f in analyze([str(target)], Options(system_now=SYSTEM_NOW)).findings}
    target.write_text(text + "Script done on Mon Dec  7 03:09:02 2026\n", encoding="utf-8")
    after = analyze([str(target)], Options(system_now=SYSTEM_NOW))
    assert {(f.rule_id, f.line) for f in after.findings} == before
