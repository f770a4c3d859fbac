"""Captures reshaped as pastes reshape them read as the clean capture.

Every rule's ``.hit.txt`` and ``.ok.txt`` and every sample goes through diag clean, then

* with the indentation of its configuration sections lost (every line of a
  running-config at column 0: forum posts, web pages), and partly lost;
* with every line longer than 80 columns hard-wrapped, as a terminal does (cut at
  exactly 80, mid-token) and as a mail client does (at the last space before its limit).

The reshaped capture must give the same findings (rule, line) with evidence on the
lines of the clean one: a wrapped line's pieces all stand for their original line.
Then scenario tests: the shapes of the issue, with what must and must not fire.
"""

from __future__ import annotations

import functools
import gzip
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RULES, SAMPLES, SYSTEM_NOW, mail, terminal
from diag.api import Options, analyze
from diag.capture import read_lines
from diag.split import split_lines

EXAMPLES = int(os.environ.get("DIAG_FUZZ_EXAMPLES", "0"))
FILES = sorted(RULES.rglob("*.hit.txt")) + sorted(RULES.rglob("*.ok.txt")) + sorted(
    p for p in SAMPLES.iterdir() if p.is_file() and not p.name.startswith("."))


def _ids(paths):
    return [str(p.relative_to(p.parent.parent)) for p in paths]


@functools.lru_cache(maxsize=None)
def text_of(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8")


def run(tmp: Path, name: str, lines: list[str]):
    path = tmp / name.removesuffix(".gz")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return analyze([str(path)], Options(system_now=SYSTEM_NOW), rules=RULEBOOK()), path


@functools.lru_cache(maxsize=1)
def RULEBOOK():  # noqa: N802 - one rule book for the module (the fixture is per test)
    from diag.rulebook import load_rules

    return load_rules()


def findings(report, mapping: dict[int, int]) -> set:
    """(rule, line, evidence lines) of each finding, lines mapped back to the clean capture."""
    return {(f.rule_id, f.device, mapping[f.line], frozenset(mapping[e.line] for e in f.evidence))
            for f in report.findings}


@functools.lru_cache(maxsize=None)
def clean(path: Path, tmp: Path) -> frozenset:
    lines = text_of(path).splitlines()
    report, _ = run(tmp, "clean-" + path.name, lines)
    return frozenset(findings(report, {n: n for n in range(1, len(lines) + 2)}))


@pytest.fixture(scope="module")
def tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("reshaped")


def config_lines(path: Path, lines: list[str]) -> set[int]:
    """The numbers of the lines of the running-config sections of a capture (1-based)."""
    name = "x.txt"
    result = split_lines(((no, text.rstrip()) for no, text in enumerate(lines, 1)), name)
    return {no for s in result.sections if s.spec.name == "show running-config" for no, _ in s.lines}


def _check_evidence_text(report, path: Path):
    text = dict(read_lines(str(path)))
    for f in report.findings:
        for ev in f.evidence:
            assert ev.text == text[ev.line].strip(), f"{f.rule_id}: evidence text differs from line {ev.line}"


def _cases() -> list:
    """(shape, file) for every file the shape changes (a file with no long line has
    nothing to wrap, one with no indented configuration line nothing to flatten)."""
    out = []
    for path in FILES:
        lines = text_of(path).splitlines()
        config = config_lines(path, lines)
        if any(lines[no - 1][:1].isspace() for no in config):
            out.append(pytest.param("flattened", path, id=f"flattened-{_ids([path])[0]}"))
        if any(len(text) > 80 for text in lines):
            out.append(pytest.param("terminal", path, id=f"terminal-{_ids([path])[0]}"))
        if mail(lines)[0] != lines:
            out.append(pytest.param("mail", path, id=f"mail-{_ids([path])[0]}"))
    return out


@pytest.mark.parametrize("shape,path", _cases())
def test_a_reshaped_capture_reads_as_the_clean_one(path: Path, shape: str, tmp: Path):
    lines = text_of(path).splitlines()
    if shape == "flattened":
        config = config_lines(path, lines)
        new = [text.lstrip() if no in config else text for no, text in enumerate(lines, 1)]
        mapping = {n: n for n in range(1, len(lines) + 2)}
    elif shape == "terminal":
        new, mapping = terminal(lines)
    else:
        new, mapping = mail(lines)
    assert new != lines
    report, written = run(tmp, f"{shape}-{path.name}", new)
    assert findings(report, mapping) == clean(path, tmp)
    _check_evidence_text(report, written)


@settings(max_examples=EXAMPLES or 80, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(FILES), data=st.data())
def test_partly_flattened_and_partly_wrapped_captures_read_as_the_clean_one(path, data, tmp):
    lines = text_of(path).splitlines()
    config = sorted(config_lines(path, lines))
    # a paste that lost the indentation of some configuration lines only ...
    flat = set(data.draw(st.lists(st.sampled_from(config), unique=True) if config else st.just([])))
    lines2 = [text.lstrip() if no in flat and _decidable(lines, no, flat) else text for no, text in enumerate(lines, 1)]
    # ... and whose long lines a mail client wrapped (some of them) at its own limit
    limit = data.draw(st.integers(72, 78))
    long = [no for no, text in enumerate(lines2, 1) if len(text) > 80]
    chosen = set(data.draw(st.lists(st.sampled_from(long), unique=True) if long else st.just([])))
    new, mapping = mail(lines2, limit, chosen.__contains__)
    report, written = run(tmp, "mixed-" + path.name, new)
    assert findings(report, mapping) == clean(path, tmp)
    _check_evidence_text(report, written)


_SHARED = re.compile(r"^\s*(?:no\s+)?(?:ip(?:v6)?\s+(?:name-server|domain-|route|pim|igmp|mroute|multicast|mld)|"
                     r"logging event|snmp trap)")


def _decidable(lines: list[str], no: int, flat: set[int]) -> bool:
    """Whether grammar can place line ``no`` once unindented. A line valid both in its
    block and at the top level ('ip name-server' under 'vrf context') may read as a
    global line when its block keeps its other children indented: tests/test_layout.py
    pins when; here such lines keep their indentation."""
    return not _SHARED.match(lines[no - 1])


# -- scenarios --------------------------------------------------------------------------

FOUR_FALSE_ERRORS = {"callhome-disabled", "callhome-email-contact-missing", "callhome-tac-profile-not-http",
                     "callhome-url-missing"}

FLAT_CALLHOME = """\
lyo-bl-03# show running-config callhome

!Command: show running-config callhome
!Running configuration last done at: Mon Nov  6 08:14:52 2023
!Time: Tue Nov  7 15:41:09 2023

version 9.3(9) Bios:version 05.45
callhome
email-contact noc-licensing@example.org
phone-contact +33-4-7200-1188
streetaddress 40 quai Rambaud, 69002 Lyon
destination-profile CiscoTAC-1 transport-method http
destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/DDCEService
transport http use-vrf management
enable

lyo-bl-03#
"""

PLAIN = "http://tools.cisco.com/its/service/oddce/services/DDCEService"


def check(tmp: Path, name: str, text: str):
    report, path = run(tmp, name, text.splitlines())
    _check_evidence_text(report, path)
    return report


def test_flattened_callhome_with_a_plain_http_url(tmp):
    report = check(tmp, "flat-callhome.txt", FLAT_CALLHOME)
    ids = {f.rule_id for f in report.findings}
    assert not ids & FOUR_FALSE_ERRORS
    [plain] = [f for f in report.findings if f.rule_id == "callhome-url-plain-http"]
    assert plain.line == 13 and [e.line for e in plain.evidence] == [13]
    assert PLAIN in plain.fix


def _wrapped_url(how: str) -> str:
    lines = FLAT_CALLHOME.splitlines()
    lines[8:15] = ["  " + line for line in lines[8:15]]  # a clean block this time
    url_line = lines[12]
    if how == "terminal":
        lines[12:13] = [url_line[:80], url_line[80:]]
    else:
        at = url_line.rfind(" ", 0, 76)
        lines[12:13] = [url_line[:at], url_line[at + 1:]]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("how", ["terminal", "mail"])
def test_a_wrapped_url_is_read_whole(tmp, how):
    text = _wrapped_url(how)
    report = check(tmp, f"wrapped-{how}.txt", text)
    ids = [f.rule_id for f in report.findings]
    assert "callhome-disabled" not in ids and "unparsed-output" not in ids and "callhome-url-unrecognized" not in ids
    [plain] = [f for f in report.findings if f.rule_id == "callhome-url-plain-http"]
    # the evidence quotes both pieces, each on its own line; the fix carries the whole URL
    assert [e.line for e in plain.evidence] == [13, 14] and (plain.line, plain.end_line) == (13, 14)
    assert f"http {PLAIN}" in plain.fix and PLAIN.replace("http://", "https://") in plain.fix


def test_a_url_cut_with_no_rest_is_never_put_in_a_fix(tmp):
    lines = _wrapped_url("terminal").splitlines()
    del lines[13]  # the rest of the URL is not in the capture
    report = check(tmp, "cut.txt", "\n".join(lines) + "\n")
    ids = {f.rule_id for f in report.findings}
    assert "callhome-url-unrecognized" not in ids  # its path is not known: not judged
    [plain] = [f for f in report.findings if f.rule_id == "callhome-url-plain-http"]  # http:// is shown whole
    cut = lines[12].split()[-1]
    assert cut not in plain.fix and "line 13" in plain.fix
    assert all(cut not in step for step in plain.verify)
    assert "line 13 looks cut" in plain.message


def test_a_piece_that_cannot_be_joined_stays_in_its_block_and_is_reported(tmp):
    lines = _wrapped_url("terminal").splitlines()
    # a terminal of 77 columns, and a rest that could be a word of its own: no join
    whole = lines[12] + lines[13]
    lines[12:14] = [whole[:77], "vices " + "(cut by the ticket tool)"]
    report = check(tmp, "unjoined.txt", "\n".join(lines) + "\n")
    ids = [f.rule_id for f in report.findings]
    assert "callhome-disabled" not in ids  # 'enable' below the piece is still the block's
    [unread] = [f for f in report.findings if f.rule_id == "unparsed-output"]
    assert unread.line == 14


FILTERED = """\
zrh-leaf-02# show running-config | include name-server|domain-lookup|http
no ip domain-lookup
ip name-server 10.80.0.53 use-vrf management
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/DDCEService
  transport http use-vrf management
ip http source-interface mgmt0 vrf management
zrh-leaf-02#
"""


@pytest.mark.parametrize("flat", [False, True])
def test_orphans_of_a_filtered_configuration_give_their_facts_and_no_absence(tmp, flat):
    text = "\n".join(line.strip() if flat else line for line in FILTERED.splitlines()) + "\n"
    report = check(tmp, f"filtered-{flat}.txt", text)
    ids = {f.rule_id for f in report.findings}
    [plain] = [f for f in report.findings if f.rule_id == "callhome-url-plain-http"]
    assert plain.line == 5
    # the invented parent of the orphans says nothing about lines the filter hid
    assert not ids & FOUR_FALSE_ERRORS and "callhome-proxy-incomplete" not in ids


STATUS = """\
bru-leaf-05# show license status
Smart Licensing is ENABLED

Registration:
  Status: REGISTERED
  Smart Account: Example Holding Belgium
  Virtual Account: Brussels-DC
  Export-Controlled Functionality: Allowed
  Initial Registration: SUCCEEDED on Feb 02 10:11:40 2023 UTC
  Last Renewal Attempt: SUCCEEDED on Aug 02 10:12:01 2023 UTC
  Next Renewal Attempt: Jan 29 10:12:01 2024 UTC
  Registration Expires: Feb 01 10:06:37 2024 UTC

License Authorization:
  Status: AUTHORIZED on Oct 20 09:30:12 2023 UTC
  Last Communication Attempt: FAILED on Nov 14 06:40:12 2023 UTC
    Failure reason: Fail to send out Call Home HTTP message. Couldn't resolve host name tools.cisco.com
  Next Communication Attempt: Nov 14 07:40:12 2023 UTC
  Communication Deadline: Jan 18 09:24:51 2024 UTC

bru-leaf-05# show clock
06:45:10.331 UTC Tue Nov 14 2023
bru-leaf-05#
"""


@pytest.mark.parametrize("how", ["terminal", "mail"])
def test_a_wrapped_failure_reason_is_read_whole(tmp, how):
    lines = STATUS.splitlines()
    clean_report = check(tmp, "status-clean.txt", STATUS)
    new, mapping = terminal(lines) if how == "terminal" else mail(lines)
    assert len(new) == len(lines) + 1
    report = check(tmp, f"status-{how}.txt", "\n".join(new) + "\n")
    assert findings(report, mapping) == findings(clean_report, {n: n for n in range(1, len(lines) + 2)})
    reasons = [f for f in report.findings if "Couldn't resolve host name tools.cisco.com" in f.message]
    assert reasons, [f.message for f in report.findings]


@pytest.mark.parametrize("how", ["terminal", "mail"])
def test_a_wrapped_suppression_comment_still_suppresses(tmp, how):
    lines = FLAT_CALLHOME.splitlines()
    lines[8:15] = ["  " + line for line in lines[8:15]]
    comment = ("  ! diag: ignore callhome-url-plain-http -- lab switch: plain HTTP to the on-prem "
               "satellite is accepted until change CHG-5521 closes")
    lines.insert(12, comment)  # right above the destination line
    new, _ = terminal(lines) if how == "terminal" else mail(lines)
    assert len(new) > len(lines) + 1  # the comment is two lines now, the URL too
    report = check(tmp, f"suppressed-{how}.txt", "\n".join(new) + "\n")
    ids = {f.rule_id for f in report.findings}
    assert "callhome-url-plain-http" not in ids and "suppression-without-reason" not in ids
    assert "unparsed-output" not in ids and "callhome-disabled" not in ids
    [gone] = [s for s in report.suppressed if s.finding.rule_id == "callhome-url-plain-http"]
    assert gone.by.reason.endswith("until change CHG-5521 closes") and gone.by.line == 13
