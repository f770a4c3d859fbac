"""Later captures must not hide earlier evidence.

* An output shown again later but cut short (quit at the pager, stopped where its layout
  says more follows, the input ending inside its callhome block after the command was run
  again) takes over nothing: what it leaves out proves nothing, so the earlier, whole output
  is still judged.
* Two whole configurations of one switch in files without any clock ('!Time:', show clock),
  which say different things, have no order: their union is neither's state. Each file is
  judged on its own, as a device named after the switch and the file.
* A fact a newer capture in another file states again points at that file, not at the
  older one the report reads as history.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from conftest import SYSTEM_NOW
from diag.api import Options, analyze
from diag.report import render


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text)
    return str(path)


def ids(report) -> set[str]:
    return {f.rule_id for f in report.findings}


def run(paths: list[str], rulebook):
    return analyze(paths, Options(system_now=SYSTEM_NOW), rules=rulebook)


# -- a cut-off repeat of show license status ---------------------------------------------

CLOCK = "sw7# show clock\n08:13:00.000 UTC Mon Nov 14 2022\n"
STATUS = """\
sw7# show license status

Smart Licensing is ENABLED

Registration:
  Status: REGISTERED
  Smart Account: Northwind Traders
  Virtual Account: DC1-Fabric
  Export-Controlled Functionality: Allowed
  Initial Registration: SUCCEEDED on Jan 22 16:15:41 2022 UTC
  Last Renewal Attempt: None
  Next Renewal Attempt: Jul 19 16:15:41 2022 UTC
  Registration Expires: Jan 22 16:13:53 2023 UTC

License Authorization:
  Status: AUTHORIZATION EXPIRED on Nov 01 10:00:00 2022 UTC
  Last Communication Attempt: FAILED on Nov 14 08:00:00 2022 UTC
    Failure reason: Fail to send out Call Home HTTP message
  Next Communication Attempt: Nov 14 09:00:00 2022 UTC
  Communication Deadline: Nov 01 10:00:00 2022 UTC

"""
RENEW = "sw7# license smart renew auth\n"
STATUS_LINES = STATUS.splitlines(keepends=True)
# where the second copy stops: inside the Registration block, right after it, after the
# heading of the next block, inside the License Authorization block (before the failure)
STATUS_CUTS = {
    "mid-registration": 9,
    "after-registration": 14,
    "authorization-heading": 15,
    "in-authorization": 18,
}
STATUS_PROBLEMS = {"authorization-expired", "communication-failed"}


def _status_cut(at: int) -> str:
    return "".join(STATUS_LINES[:at])


# How the second copy ends: at the pager (quit, then a prompt; or the capture stops at the
# prompt; a terminal's escapes around it), or without any pager where the layout says more
# must follow (the input ends there, or the next prompt follows)
ENDINGS = {
    "pager-quit": lambda body: body + " --More--\nsw7# \n",
    "pager-eof": lambda body: body + " --More--\n",
    "pager-ansi": lambda body: body + " --More-- \x1b[7m\x1b[27m\nsw7# show clock\n08:20:00.000 UTC Mon Nov 14 2022\n",
    "eof": lambda body: body,
    "next-prompt": lambda body: body + "sw7# show clock\n08:20:00.000 UTC Mon Nov 14 2022\nsw7# \n",
}


def _cases(cuts: dict, endings: dict):
    out = []
    for cut, at in cuts.items():
        for ending, make in endings.items():
            out.append(pytest.param(at, make, id=f"{cut}-{ending}"))
    return out


# a status cut in the authorization block without a pager is not known to be cut (its
# layout is complete there): those cases are the pager ones only
_LAYOUT = {k: v for k, v in STATUS_CUTS.items() if k != "in-authorization"}


@pytest.mark.parametrize("at,make", _cases(STATUS_CUTS, {k: v for k, v in ENDINGS.items() if k.startswith("pager")})
                         + _cases(_LAYOUT, {k: v for k, v in ENDINGS.items() if not k.startswith("pager")}))
def test_a_cut_repeat_of_the_status_keeps_the_earlier_problems(tmp_path, rulebook, at, make):
    path = write(tmp_path, "session.txt", CLOCK + STATUS + RENEW + make(_status_cut(at)))
    report = run([path], rulebook)
    assert STATUS_PROBLEMS <= ids(report)
    [dev] = report.devices
    assert dev.superseded == []  # the cut copy took nothing over
    found = {f.rule_id: f for f in report.findings}
    assert all(found[r].line in (18, 19) for r in STATUS_PROBLEMS)  # the earlier, whole output's lines


def test_a_whole_repeat_of_the_status_still_takes_over(tmp_path, rulebook):
    """The common case: the fix confirmed by running the command again."""
    renewed = STATUS.replace("AUTHORIZATION EXPIRED on Nov 01 10:00:00 2022", "AUTHORIZED on Nov 14 08:12:00 2022") \
        .replace("FAILED on Nov 14 08:00:00 2022 UTC\n    Failure reason: Fail to send out Call Home HTTP message\n",
                 "SUCCEEDED on Nov 14 08:12:00 2022 UTC\n") \
        .replace("Communication Deadline: Nov 01 10:00:00 2022", "Communication Deadline: Feb 12 08:12:00 2023") \
        .replace("Next Communication Attempt: Nov 14 09:00:00 2022", "Next Communication Attempt: Dec 14 08:12:00 2022")
    for ending in ("sw7# \n", "", "\n"):
        path = write(tmp_path, "session.txt", CLOCK + STATUS + RENEW + renewed + ending)
        report = run([path], rulebook)
        assert not STATUS_PROBLEMS & ids(report), ending
        assert [s.line for s in report.devices[0].superseded] == [3]


def test_a_pager_prompt_the_output_goes_on_after_is_no_cut(tmp_path, rulebook):
    """A terminal that did not erase the pager prompt: the rest of the output follows it."""
    paged = STATUS.replace("License Authorization:\n", " --More--\nLicense Authorization:\n")
    renewed = paged.replace("Status: AUTHORIZATION EXPIRED on", "Status: AUTHORIZED on")
    path = write(tmp_path, "session.txt", CLOCK + STATUS + RENEW + renewed + "sw7# \n")
    report = run([path], rulebook)
    assert "authorization-expired" not in ids(report)
    assert [s.line for s in report.devices[0].superseded] == [3]


# -- a cut-off repeat of show running-config callhome ------------------------------------------

CALLHOME = """\
sw7# show running-config callhome

!Command: show running-config callhome
!Time: Mon Nov 14 {time} 2022

version 9.3(6) Bios:version 07.69
callhome
  email-contact sch-smart-licensing@cisco.com
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http https://tools.cisco.com/its/service/oddce/services/DDCEService
  transport http use-vrf management
  enable

"""
CALLHOME_LINES = CALLHOME.format(time="08:20:02").splitlines(keepends=True)
CALLHOME_CUTS = {"after-callhome": 7, "after-contact": 8, "after-method": 9, "after-url": 10, "after-vrf": 11}
CALLHOME_PROBLEMS = {"callhome-disabled", "callhome-url-missing", "callhome-email-contact-missing",
                     "callhome-tac-profile-not-http", "callhome-vrf-missing"}


@pytest.mark.parametrize("at,make", _cases(CALLHOME_CUTS, {k: ENDINGS[k] for k in ("pager-quit", "pager-eof",
                                                                                    "pager-ansi", "eof")}))
def test_a_cut_repeat_of_the_callhome_part_is_no_disabled_call_home(tmp_path, rulebook, at, make):
    first = CLOCK + CALLHOME.format(time="08:13:02")
    path = write(tmp_path, "session.txt", first + make("".join(CALLHOME_LINES[:at])))
    report = run([path], rulebook)
    assert not CALLHOME_PROBLEMS & ids(report)
    assert report.devices[0].superseded == []


@pytest.mark.parametrize("at", list(CALLHOME_CUTS.values()), ids=list(CALLHOME_CUTS))
def test_a_callhome_part_quit_at_the_pager_proves_nothing_missing(tmp_path, rulebook, at):
    """Alone, a callhome part quit at the pager: the rules about what it lacks are not
    evaluated, and the reason says it looks cut short."""
    path = write(tmp_path, "one.txt", CLOCK + "".join(CALLHOME_LINES[:at]) + " --More--\nsw7# \n")
    report = run([path], rulebook)
    assert not CALLHOME_PROBLEMS & ids(report)
    reasons = {n.rule_id: n.reason for n in report.outcome.not_evaluated}
    assert "cut short" in reasons["callhome-disabled"] and "pager" in reasons["callhome-disabled"]


def test_a_whole_repeat_of_the_callhome_part_still_takes_over(tmp_path, rulebook):
    broken = CALLHOME.format(time="08:20:02").replace("  enable\n", "")
    path = write(tmp_path, "session.txt", CLOCK + CALLHOME.format(time="08:13:02") + broken + "sw7# \n")
    report = run([path], rulebook)
    assert "callhome-disabled" in ids(report)
    assert [s.line for s in report.devices[0].superseded] == [3]


# -- two backups of one switch without clocks -----------------------------------------------

def config(name_server: bool, ntp: bool = False, time: str | None = None) -> str:
    lines = ["!Command: show running-config"]
    if time:
        lines.append(f"!Time: Tue Oct 10 {time} 2023")
    lines += ["", "version 9.3(8)", "hostname sw20"]
    if name_server:
        lines.append("ip name-server 10.40.1.53 use-vrf management")
    if ntp:
        lines.append("ntp server 10.40.1.1 use-vrf management")
    lines += ["license smart enable", "callhome", "  email-contact sch-smart-licensing@cisco.com",
              "  destination-profile CiscoTAC-1 transport-method http",
              "  destination-profile CiscoTAC-1 index 1 http https://tools.cisco.com/its/service/oddce/services/"
              "DDCEService", "  transport http use-vrf management", "  enable", "line console", "line vty", ""]
    return "\n".join(lines)


@pytest.mark.parametrize("names", [("sw20.cfg", "sw20-old.cfg"), ("sw20-old.cfg", "sw20.cfg"),
                                   ("a.cfg", "b.cfg"), ("b.cfg", "a.cfg")])
@pytest.mark.parametrize("given", ["folder", "files", "files-reversed"])
def test_two_clockless_backups_that_differ_are_judged_each_on_its_own(tmp_path, rulebook, names, given):
    without = write(tmp_path, names[0], config(name_server=False))
    with_it = write(tmp_path, names[1], config(name_server=True))
    paths = {"folder": [str(tmp_path)], "files": [without, with_it], "files-reversed": [with_it, without]}[given]
    report = run(paths, rulebook)
    dns = [f for f in report.findings if f.rule_id == "dns-server-missing"]
    assert [f.path for f in dns] == [without]  # the file without a name server, and only it
    assert len(report.devices) == 2
    assert all("sw20 (" in d.name for d in report.devices)
    assert sorted(d.inputs for d in report.devices) == sorted([[without], [with_it]])
    assert {f.path for f in report.findings if f.rule_id == "ntp-missing"} == {without, with_it}


def test_three_clockless_backups_one_of_them_without_a_name_server(tmp_path, rulebook):
    write(tmp_path, "sw20.cfg", config(name_server=True))
    bad = write(tmp_path, "sw20.cfg.1", config(name_server=False))
    write(tmp_path, "sw20.cfg.2", config(name_server=True, ntp=True))
    report = run([str(tmp_path)], rulebook)
    assert [f.path for f in report.findings if f.rule_id == "dns-server-missing"] == [bad]
    assert len(report.devices) == 3


def test_identical_clockless_backups_stay_one_device(tmp_path, rulebook):
    write(tmp_path, "sw20.cfg", config(name_server=False))
    write(tmp_path, "sw20.cfg.bak", config(name_server=False))
    report = run([str(tmp_path)], rulebook)
    assert [d.name for d in report.devices] == ["sw20"]
    assert "dns-server-missing" in ids(report)


def test_a_dated_backup_and_a_clockless_one_stay_one_device(tmp_path, rulebook):
    """With a clock on one side, the order is known (a file without one is the older)."""
    write(tmp_path, "sw20-old.cfg", config(name_server=True))
    new = write(tmp_path, "sw20.cfg", config(name_server=False, time="14:03:10"))
    report = run([str(tmp_path)], rulebook)
    assert [d.name for d in report.devices] == ["sw20"]
    assert [f.path for f in report.findings if f.rule_id == "dns-server-missing"] == [new]


# -- findings point at the newest capture ------------------------------------------------------

@pytest.mark.parametrize("given", ["folder", "files", "files-reversed"])
@pytest.mark.parametrize("names", [("sw20-old.cfg", "sw20.cfg"), ("sw20.cfg", "sw20-old.cfg")])
def test_findings_point_at_the_newer_backup(tmp_path, rulebook, given, names):
    old = write(tmp_path, names[0], config(name_server=True, time="14:00:10"))
    new = write(tmp_path, names[1], config(name_server=False, time="14:03:10"))
    paths = {"folder": [str(tmp_path)], "files": [old, new], "files-reversed": [new, old]}[given]
    report = run(paths, rulebook)
    assert {"dns-server-missing", "ntp-missing"} <= ids(report)
    assert {f.path for f in report.findings} == {new}
    assert all(e.path == new for f in report.findings for e in f.evidence)
    github = render(report, "github")
    assert f"file={names[0]}" not in github.replace(str(tmp_path) + "/", "")


@pytest.mark.parametrize("newer_first", [False, True])
def test_a_fact_restated_by_a_newer_file_points_there(tmp_path, rulebook, newer_first):
    plain = "http://tools.cisco.com/its/service/oddce/services/DDCEService"
    old = write(tmp_path, "a.cfg", config(name_server=True, time="14:00:10").replace("https://", "http://"))
    new = write(tmp_path, "b.cfg", config(name_server=True, ntp=True, time="14:03:10").replace("https://", "http://"))
    report = run([new, old] if newer_first else [old, new], rulebook)
    [finding] = [f for f in report.findings if f.rule_id == "callhome-url-plain-http"]
    assert finding.path == new and plain in finding.evidence[0].text
    assert "ntp-missing" not in ids(report)


def test_a_paste_repeated_in_one_file_still_points_at_its_first_copy(tmp_path, rulebook):
    text = config(name_server=False, time="14:00:10")
    path = write(tmp_path, "twice.cfg", text + text)
    report = run([path], rulebook)
    [finding] = [f for f in report.findings if f.rule_id == "dns-server-missing"]
    assert finding.path == path and finding.line < text.count("\n")


def test_backups_judged_apart_are_the_same_whatever_is_kept_batched_or_spread(tmp_path, monkeypatch):
    from diag import api

    write(tmp_path, "sw20.cfg", config(name_server=False))
    write(tmp_path, "sw20-old.cfg", config(name_server=True))
    write(tmp_path, "sw21.cfg", config(name_server=True).replace("sw20", "sw21"))
    usual = render(analyze([str(tmp_path)], Options(system_now=SYSTEM_NOW)), "json")
    assert usual.count('"device": "sw20 (') >= 2
    monkeypatch.setattr(api, "KEEP_BYTES", 0)
    monkeypatch.setattr(api, "BATCH_FILES", 1)
    assert render(analyze([str(tmp_path)], Options(system_now=SYSTEM_NOW)), "json") == usual
    assert render(analyze([str(tmp_path)], Options(system_now=SYSTEM_NOW, jobs=2)), "json") == usual
