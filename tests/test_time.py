"""Time per device, and snapshots over time (issue 14, item 3).

* A device is judged at its own clock: ``--now``, else its own capture clock, else a
  clock another switch printed in the same file, else this machine's; never a clock of
  another file. ``--now now`` is this machine's clock.
* Captures of one switch more than a day apart are snapshots: the newest is judged, the
  older ones are its history and give no finding.
* An output shown again later in a capture (a change typed in the session) is the current
  state; the earlier one is history.
* Smart Licensing Using Policy without a clock: the capture time is the newest of all its
  event dates, not only the last ACK.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLES, SYSTEM_NOW
from diag.api import Options, analyze
from diag.cli import cli
from diag.model import NOW_SYSTEM
from diag.report import render

UTC = dt.timezone.utc


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return str(path)


def clock(host: str, when: dt.datetime) -> str:
    return f"{host}# show clock\n{when.strftime('%H:%M:%S.000 UTC %a %b %d %Y')}\n"


UNREGISTERED = """\
{host}# show license status
Smart Licensing is ENABLED

Registration:
  Status: UNREGISTERED
  Export-Controlled Functionality: Not Allowed

License Authorization:
  Status: EVAL MODE
  Evaluation Period Remaining: 61 days, 3 hours, 2 minutes, 30 seconds

"""


def registered(host: str, when: dt.datetime) -> str:
    """A healthy registered status taken at ``when``: every date well around it."""
    def d(days: float) -> str:
        return (when + dt.timedelta(days=days)).strftime("%b %d %H:%M:%S %Y UTC")

    return (f"{host}# show license status\nSmart Licensing is ENABLED\n\nRegistration:\n  Status: REGISTERED\n"
            f"  Smart Account: Acme\n  Virtual Account: DC\n  Export-Controlled Functionality: Allowed\n"
            f"  Initial Registration: SUCCEEDED on {d(-4)}\n  Last Renewal Attempt: None\n"
            f"  Next Renewal Attempt: {d(176)}\n  Registration Expires: {d(361)}\n\n"
            f"License Authorization:\n  Status: AUTHORIZED on {d(-3)}\n"
            f"  Last Communication Attempt: SUCCEEDED on {d(-3)}\n  Next Communication Attempt: {d(27)}\n"
            f"  Communication Deadline: {d(87)}\n\n")


MARCH = dt.datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
DECEMBER = dt.datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
OLD_STATE = {"registration-unregistered", "evaluation-mode"}


def ids(report, device: str | None = None) -> set[str]:
    return {f.rule_id for f in report.findings if device is None or f.device == device}


# -- snapshots -------------------------------------------------------------------------

@pytest.mark.parametrize("order", [0, 1])
def test_two_captures_months_apart_the_newest_is_judged_the_older_is_history(tmp_path, rulebook, order):
    march = write(tmp_path, "leaf01-march.txt", clock("leaf01", MARCH) + UNREGISTERED.format(host="leaf01"))
    december = write(tmp_path, "leaf01-december.txt", clock("leaf01", DECEMBER) + registered("leaf01", DECEMBER))
    paths = [march, december] if order == 0 else [december, march]
    report = analyze(paths, Options(system_now=SYSTEM_NOW), rules=rulebook)
    [dev] = report.devices
    assert dev.now == DECEMBER and dev.now_source == "capture" and "leaf01-december.txt:2" in dev.now_detail
    # no finding of March's state: it is history
    assert not ids(report) & OLD_STATE
    assert [(s.when, s.state, s.current) for s in dev.snapshots] == [
        (MARCH, ("UNREGISTERED", "EVAL MODE"), False), (DECEMBER, ("REGISTERED", "AUTHORIZED"), True)]
    assert dev.snapshots[0].inputs == (march,) and dev.snapshots[1].inputs == (december,)
    text = render(report, "text")
    assert "history: Mar 03 2026: UNREGISTERED, EVAL MODE; Dec 01 2026: REGISTERED, AUTHORIZED (judged)" in text
    data = json.loads(render(report, "json"))
    [jdev] = data["devices"]
    assert [s["state"] for s in jdev["snapshots"]] == [["UNREGISTERED", "EVAL MODE"], ["REGISTERED", "AUTHORIZED"]]
    assert [s["current"] for s in jdev["snapshots"]] == [False, True]
    assert jdev["snapshots"][0]["lines"] == [{"path": march, "line": 1, "end_line": 13}]
    assert jdev["now_detail"] == dev.now_detail and jdev["superseded"] == []
    assert "History" in render(report, "markdown")


def test_the_older_capture_alone_still_reports_its_state(tmp_path, rulebook):
    # the control: March's state is a finding when March is all there is
    march = write(tmp_path, "leaf01-march.txt", clock("leaf01", MARCH) + UNREGISTERED.format(host="leaf01"))
    report = analyze([march], Options(system_now=SYSTEM_NOW), rules=rulebook)
    assert OLD_STATE <= ids(report) and report.devices[0].snapshots == []


def test_one_session_log_on_different_days_is_two_snapshots(tmp_path, rulebook):
    # the status before the first clock belongs to that clock's snapshot
    path = write(tmp_path, "leaf01-session.log", UNREGISTERED.format(host="leaf01") + clock("leaf01", MARCH)
                 + clock("leaf01", DECEMBER) + registered("leaf01", DECEMBER) + "leaf01# \n")
    report = analyze([path], Options(system_now=SYSTEM_NOW), rules=rulebook)
    [dev] = report.devices
    assert dev.now == DECEMBER and not ids(report) & OLD_STATE
    assert [(s.when, s.state) for s in dev.snapshots] == [
        (MARCH, ("UNREGISTERED", "EVAL MODE")), (DECEMBER, ("REGISTERED", "AUTHORIZED"))]
    assert dev.snapshots[0].lines == ((path, 1, 13),)


def test_a_file_without_a_clock_joins_the_newest_snapshot_and_the_report_says_so(tmp_path, rulebook):
    march = write(tmp_path, "a-march.txt", clock("leaf01", MARCH) + UNREGISTERED.format(host="leaf01"))
    december = write(tmp_path, "b-december.txt", clock("leaf01", DECEMBER) + registered("leaf01", DECEMBER))
    config = write(tmp_path, "c-callhome.txt", """
        leaf01# show running-config callhome
        callhome
          email-contact sch-smart-licensing@cisco.com
          destination-profile CiscoTAC-1 transport-method http
          destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/DDCEService
          transport http use-vrf management
          enable
        leaf01#
        """)
    report = analyze([march, december, config], Options(system_now=SYSTEM_NOW), rules=rulebook)
    [dev] = report.devices
    assert dev.now == DECEMBER and not ids(report) & OLD_STATE
    assert "callhome-url-plain-http" in ids(report)  # the configuration is read with the current state
    assert dev.snapshots[-1].undated == (config,) and dev.snapshots[-1].current
    assert dev.snapshots[-1].inputs == (december, config)
    assert f"no clock in {config}: read with the newest capture" in " ".join(render(report, "text").split())


def test_a_file_without_a_clock_is_the_oldest_part_of_its_snapshot(tmp_path, rulebook):
    # an undated paste of the old state next to a dated capture of the new one: the dated
    # output is the current state (no snapshots: there is one clock)
    paste = write(tmp_path, "a-paste.txt", UNREGISTERED.format(host="leaf01"))
    december = write(tmp_path, "b-december.txt", clock("leaf01", DECEMBER) + registered("leaf01", DECEMBER))
    for paths in ([paste, december], [december, paste]):
        report = analyze(paths, Options(system_now=SYSTEM_NOW), rules=rulebook)
        [dev] = report.devices
        assert dev.now == DECEMBER and not ids(report) & OLD_STATE and dev.snapshots == []
        assert [(s.path, s.line, s.by_path) for s in dev.superseded] == [(paste, 1, december)]


def test_a_show_tech_is_one_snapshot(rulebook):
    report = analyze([str(SAMPLES / "showtech-leaf07-dc2.txt.gz")], Options(system_now=SYSTEM_NOW), rules=rulebook)
    assert all(d.snapshots == [] for d in report.devices)


_fuzz = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@_fuzz
@given(gap=st.one_of(st.integers(1, 48 * 60), st.sampled_from([24 * 60 - 1, 24 * 60, 24 * 60 + 1, 200 * 24 * 60])),
       healthy_newer=st.booleans(), newer_first=st.booleans())
def test_two_captures_of_one_switch_judge_the_newest_whatever_the_gap_and_order(
        tmp_path_factory, rulebook, gap, healthy_newer, newer_first):
    """Two dated captures of a switch, one healthy and one not, ``gap`` minutes apart, in
    either order: the findings are those of the newer capture alone (more than a day apart:
    the older is history; within a day: its outputs are superseded by the newer ones)."""
    folder = tmp_path_factory.mktemp("gap")
    newer_at = DECEMBER
    older_at = DECEMBER - dt.timedelta(minutes=gap)

    def capture(at: dt.datetime, healthy: bool) -> str:
        return clock("leaf01", at) + (registered("leaf01", at) if healthy else UNREGISTERED.format(host="leaf01"))

    newer = write(folder, "newer.txt", capture(newer_at, healthy_newer))
    older = write(folder, "older.txt", capture(older_at, not healthy_newer))
    report = analyze([newer, older] if newer_first else [older, newer], Options(system_now=SYSTEM_NOW),
                     rules=rulebook)
    alone = analyze([newer], Options(system_now=SYSTEM_NOW), rules=rulebook)
    [dev] = report.devices
    assert dev.now == newer_at
    assert sorted((f.rule_id, f.path, f.line) for f in report.findings) == sorted(
        (f.rule_id, f.path, f.line) for f in alone.findings)
    assert bool(dev.snapshots) == (gap > 24 * 60)
    if dev.snapshots:
        assert [s.when for s in dev.snapshots] == [older_at, newer_at]
    else:
        assert [(s.path, s.by_path) for s in dev.superseded] == [(older, newer)]


# -- a change typed in the session -------------------------------------------------------

PLAIN = "http://tools.cisco.com/its/service/oddce/services/DDCEService"
SECURE = "https://tools.cisco.com/its/service/oddce/services/DDCEService"


def callhome(url: str, when: str) -> str:
    return (f"leaf01# show running-config callhome\n\n!Command: show running-config callhome\n!Time: {when}\n\n"
            f"version 9.3(5) Bios:version 05.45\ncallhome\n  email-contact sch-smart-licensing@cisco.com\n"
            f"  destination-profile CiscoTAC-1 transport-method http\n"
            f"  destination-profile CiscoTAC-1 index 1 http {url}\n  transport http use-vrf management\n"
            f"  enable\n\n")


FAILED = """\
leaf01# show license status
Smart Licensing is ENABLED

Registration:
  Status: REGISTERED
  Smart Account: Acme
  Virtual Account: DC
  Export-Controlled Functionality: Allowed
  Initial Registration: SUCCEEDED on Feb 27 10:01:12 2026 UTC
  Last Renewal Attempt: None
  Next Renewal Attempt: Aug 26 10:01:12 2026 UTC
  Registration Expires: Feb 27 09:55:40 2027 UTC

License Authorization:
  Status: AUTHORIZED on Mar 01 10:01:20 2026 UTC
  Last Communication Attempt: FAILED on Mar 16 09:01:20 2026 UTC
    Failure reason: Failed to parse SCH server response data
  Next Communication Attempt: Mar 16 11:01:20 2026 UTC
  Communication Deadline: May 30 09:55:47 2026 UTC

"""
RENEWED = FAILED.replace("AUTHORIZED on Mar 01 10:01:20 2026", "AUTHORIZED on Mar 16 10:06:20 2026").replace(
    "FAILED on Mar 16 09:01:20 2026 UTC\n    Failure reason: Failed to parse SCH server response data\n",
    "SUCCEEDED on Mar 16 10:06:20 2026 UTC\n").replace("Next Communication Attempt: Mar 16 11:01:20 2026",
                                                       "Next Communication Attempt: Apr 15 10:06:20 2026").replace(
    "Communication Deadline: May 30 09:55:47 2026", "Communication Deadline: Jun 14 10:06:20 2026")
FIX = f"""\
leaf01# configure terminal
Enter configuration commands, one per line. End with CNTL/Z.
leaf01(config)# callhome
leaf01(config-callhome)# no destination-profile CiscoTAC-1 index 1 http {PLAIN}
leaf01(config-callhome)# destination-profile CiscoTAC-1 http {SECURE}
leaf01(config-callhome)# end
"""
SESSION_CLOCK = dt.datetime(2026, 3, 16, 10, 0, tzinfo=UTC)


def test_a_url_fixed_during_the_session_and_a_renewal_after_it_are_no_finding(tmp_path, rulebook):
    path = write(tmp_path, "fix.txt", clock("leaf01", SESSION_CLOCK) + callhome(PLAIN, "Mon Mar 16 10:00:01 2026")
                 + FAILED + FIX + callhome(SECURE, "Mon Mar 16 10:05:01 2026")
                 + "leaf01# license smart renew auth\n" + RENEWED + "leaf01# \n")
    report = analyze([path], Options(system_now=SYSTEM_NOW), rules=rulebook)
    assert not ids(report) & {"callhome-url-plain-http", "communication-failed"}
    [dev] = report.devices
    assert [(s.command, s.line, s.by_line) for s in dev.superseded] == [
        ("show running-config callhome", 3, 42), ("show license status", 16, 56)]
    assert f"read as history: show running-config callhome ({path}:3), shown again at {path}:42" in " ".join(
        render(report, "text").split())
    assert json.loads(render(report, "json"))["devices"][0]["superseded"][0] == {
        "command": "show running-config callhome", "path": path, "line": 3,
        "superseded_by": {"path": path, "line": 42}}
    # the same outputs without the second ones: both findings (the fix is what changed it)
    before = write(tmp_path, "before.txt", clock("leaf01", SESSION_CLOCK)
                   + callhome(PLAIN, "Mon Mar 16 10:00:01 2026") + FAILED + "leaf01# \n")
    assert {"callhome-url-plain-http", "communication-failed"} <= ids(
        analyze([before], Options(system_now=SYSTEM_NOW), rules=rulebook))


def test_a_url_broken_during_the_session_is_reported_at_the_later_output(tmp_path, rulebook):
    path = write(tmp_path, "broke.txt", clock("leaf01", SESSION_CLOCK) + callhome(SECURE, "Mon Mar 16 10:00:01 2026")
                 + callhome(PLAIN, "Mon Mar 16 10:05:01 2026") + "leaf01# \n")
    report = analyze([path], Options(system_now=SYSTEM_NOW), rules=rulebook)
    [finding] = [f for f in report.findings if f.rule_id == "callhome-url-plain-http"]
    assert finding.line == 25  # the URL line of the second output


def test_the_callhome_part_after_a_whole_configuration_supersedes_only_callhome(tmp_path, rulebook):
    whole = (f"leaf01# show running-config\n\n!Command: show running-config\n!Time: Mon Mar 16 10:00:01 2026\n\n"
             f"version 9.3(5) Bios:version 05.45\nhostname leaf01\nvrf context management\n"
             f"  ip route 0.0.0.0/0 10.0.0.1\ncallhome\n  email-contact sch-smart-licensing@cisco.com\n"
             f"  destination-profile CiscoTAC-1 transport-method http\n"
             f"  destination-profile CiscoTAC-1 index 1 http {PLAIN}\n  transport http use-vrf management\n"
             f"  enable\n\nline console\nline vty\n\n")
    path = write(tmp_path, "whole.txt", whole + FIX + callhome(SECURE, "Mon Mar 16 10:05:01 2026") + "leaf01# \n")
    report = analyze([path], Options(system_now=SYSTEM_NOW), rules=rulebook)
    found = ids(report)
    assert "callhome-url-plain-http" not in found
    assert "ntp-missing" in found  # the rest of the whole configuration is still the current state


def test_a_repeated_paste_keeps_its_first_copy(tmp_path, rulebook):
    text = clock("leaf01", SESSION_CLOCK) + callhome(PLAIN, "Mon Mar 16 10:00:01 2026")
    path = write(tmp_path, "twice.txt", text + text + "leaf01# \n")
    report = analyze([path], Options(system_now=SYSTEM_NOW), rules=rulebook)
    [finding] = [f for f in report.findings if f.rule_id == "callhome-url-plain-http"]
    assert finding.line == 12 and report.devices[0].superseded == []


# -- a device's clock ----------------------------------------------------------------------

NEAR_DEADLINE = """\
leaf02# show license status
Smart Licensing is ENABLED

Registration:
  Status: REGISTERED
  Initial Registration: SUCCEEDED on Feb 27 10:01:12 2030 UTC
  Next Renewal Attempt: Feb 20 10:01:12 2031 UTC
  Registration Expires: Aug 27 09:55:40 2031 UTC

License Authorization:
  Status: AUTHORIZED on Nov 01 10:01:20 2030 UTC
  Last Communication Attempt: FAILED on Jan 14 10:01:20 2031 UTC
    Failure reason: Failed to send Http message
  Next Communication Attempt: Jan 16 10:01:20 2031 UTC
  Communication Deadline: Feb 01 09:55:47 2031 UTC

"""
OLD_CLOCK = dt.datetime(2021, 3, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("order", [0, 1])
def test_a_device_without_a_clock_is_never_judged_at_another_files_clock(tmp_path, rulebook, order):
    # leaf01's 2021 clock once judged leaf02 too: its deadline was 'in 2140 days'
    other = write(tmp_path, "leaf01.txt", clock("leaf01", OLD_CLOCK) + registered("leaf01", OLD_CLOCK))
    mine = write(tmp_path, "leaf02.txt", NEAR_DEADLINE)
    paths = [other, mine] if order == 0 else [mine, other]
    report = analyze(paths, Options(system_now=SYSTEM_NOW), rules=rulebook)
    devs = {d.name: d for d in report.devices}
    assert devs["leaf01"].now == OLD_CLOCK
    leaf02 = devs["leaf02"]
    assert (leaf02.now, leaf02.now_source) == (SYSTEM_NOW, "system")
    assert "this machine's clock" in leaf02.now_detail
    assert "communication-deadline-near" in ids(report, "leaf02")
    text = render(report, "text")
    assert "judged at Jan 15 2031 12:00 UTC (system: this machine's clock" in text
    assert "this machine's clock" in render(report, "markdown")
    # --now judges both at the time given, and says so
    at = dt.datetime(2031, 1, 20, tzinfo=UTC)
    report = analyze(paths, Options(system_now=SYSTEM_NOW, now=at), rules=rulebook)
    assert {(d.now, d.now_source, d.now_detail) for d in report.devices} == {(at, "option", "--now")}


def test_a_device_without_a_clock_takes_a_clock_of_its_own_session_log(tmp_path, rulebook):
    session = write(tmp_path, "session.log", clock("sw1", OLD_CLOCK) + registered("sw1", OLD_CLOCK)
                    + "sw1# ssh sw2\n" + NEAR_DEADLINE.replace("leaf02", "sw2") + "sw2# \n")
    far = dt.datetime(2030, 6, 1, tzinfo=UTC)
    elsewhere = write(tmp_path, "leaf09.txt", clock("leaf09", far) + registered("leaf09", far))
    report = analyze([session, elsewhere], Options(system_now=SYSTEM_NOW), rules=rulebook)
    sw2 = next(d for d in report.devices if d.name == "sw2")
    assert (sw2.now, sw2.now_source) == (OLD_CLOCK, "capture")
    assert sw2.now_detail == f"no clock of its own: show clock of sw1 in the same file ({session}:2)"
    assert f"(capture: {sw2.now_detail})" in " ".join(render(report, "text").split())


def test_the_clock_of_a_session_is_the_last_one_before_the_devices_outputs(tmp_path, rulebook):
    later = dt.datetime(2021, 3, 5, 9, 0, tzinfo=UTC)
    session = write(tmp_path, "session.log", clock("sw1", OLD_CLOCK) + "sw1# ssh sw2\n"
                    + NEAR_DEADLINE.replace("leaf02", "sw2") + "sw2# exit\n" + clock("sw1", later) + "sw1# \n")
    report = analyze([session], Options(system_now=SYSTEM_NOW), rules=rulebook)
    sw2 = next(d for d in report.devices if d.name == "sw2")
    assert sw2.now == OLD_CLOCK


# -- --now now ----------------------------------------------------------------------------

def test_now_now_judges_at_this_machines_clock(tmp_path, rulebook):
    path = write(tmp_path, "leaf01.txt", clock("leaf01", OLD_CLOCK) + registered("leaf01", OLD_CLOCK))
    report = analyze([path], Options(system_now=SYSTEM_NOW, now=NOW_SYSTEM), rules=rulebook)
    assert (report.now, report.now_source) == (SYSTEM_NOW, "option")
    assert report.now_detail == "--now now: this machine's clock"
    [dev] = report.devices
    assert (dev.now, dev.now_source) == (SYSTEM_NOW, "option")
    # judged a decade after its capture, its deadlines are passed; at its own clock, they are far
    assert {"registration-expiry-near", "communication-deadline-near"} <= ids(report)
    assert not ids(analyze([path], Options(system_now=SYSTEM_NOW), rules=rulebook))


def test_now_now_on_the_command_line(tmp_path):
    path = write(tmp_path, "leaf01.txt", clock("leaf01", OLD_CLOCK) + registered("leaf01", OLD_CLOCK))
    before = dt.datetime.now(UTC).replace(microsecond=0)
    result = CliRunner().invoke(cli, ["check", "--no-config", "-f", "json", "--now", "now", path])
    after = dt.datetime.now(UTC)
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert data["now_source"] == "option" and "this machine's clock" in data["now_detail"]
    assert before <= dt.datetime.fromisoformat(data["now"]) <= after
    result = CliRunner().invoke(cli, ["check", "--no-config", "--now", "tomorrow", path])
    assert result.exit_code == 2 and "nor 'now'" in result.output


# -- Smart Licensing Using Policy: the capture time from every event date -------------------------

SLP = """\
leaf21# show license status

Smart Licensing Using Policy:
  Status: ENABLED

Transport:
  Type: Smart
  URL: https://smartreceiver.cisco.com/licservice/license

Policy:
  Policy in use: Installed On {policy}
  Reporting ACK required: yes (CISCO default)

Usage Reporting:
  Last ACK received: Feb 27 08:02:19 2024 UTC
  Next ACK deadline: Feb 26 08:02:19 2025 UTC
  Reporting push interval: 30  days
  Next ACK push check: <none>
  Next report push: Mar 28 07:58:41 2024 UTC
  Last report push: Feb 27 07:58:41 2024 UTC
  Last report file write: <none>

Trust Code Installed:
  Active: PID:N9K-C93180YC-FX3,SN:FDO27110ABC
    INSTALLED on {trust}

"""


@pytest.mark.parametrize("policy, trust, expected, line", [
    ("Mar 01 10:00:00 2024 UTC", "Mar 05 03:10:52 2024 UTC", dt.datetime(2024, 3, 5, 3, 10, 52, tzinfo=UTC), 25),
    ("Mar 09 10:00:00 2024 UTC", "Jan 26 03:10:52 2024 UTC", dt.datetime(2024, 3, 9, 10, 0, tzinfo=UTC), 11),
    ("Jan 09 10:00:00 2024 UTC", "Jan 26 03:10:52 2024 UTC", dt.datetime(2024, 2, 27, 8, 2, 19, tzinfo=UTC), 15),
])
def test_slp_capture_time_is_the_newest_of_its_event_dates(tmp_path, rulebook, policy, trust, expected, line):
    path = write(tmp_path, "slp.txt", SLP.format(policy=policy, trust=trust))
    report = analyze([path], Options(system_now=SYSTEM_NOW), rules=rulebook)
    [dev] = report.devices
    assert (dev.now, dev.now_source) == (expected, "capture")
    assert f"{path}:{line})" in dev.now_detail and (report.now, report.now_source) == (expected, "capture")


def test_a_switch_clock_years_off_is_not_split_from_its_outputs_by_the_loggers_stamps(tmp_path, rulebook):
    # the terminal logger's stamps (2026) are another machine's clock: only the switch's own
    # clock (2019, never synchronised) places its outputs, so there is one snapshot
    lines = (clock("leaf01", dt.datetime(2019, 1, 1, 0, 5, tzinfo=UTC)) + UNREGISTERED.format(host="leaf01")
             + "leaf01# \n").splitlines()
    path = write(tmp_path, "stamped.log", "".join(f"[2026-03-07 03:05:{i:02d}] {line}\n"
                                                 for i, line in enumerate(lines)))
    report = analyze([path], Options(system_now=SYSTEM_NOW), rules=rulebook)
    [dev] = report.devices
    assert dev.snapshots == [] and dev.now == dt.datetime(2019, 1, 1, 0, 5, tzinfo=UTC)
    assert OLD_STATE <= ids(report)


CALLHOME_PLAIN = """\
leaf01# show running-config callhome
callhome
  email-contact sch-smart-licensing@cisco.com
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/DDCEService
  transport http use-vrf management
  enable
leaf01#
"""


@_fuzz
@given(order=st.permutations(["march", "december", "undated"]), days=st.integers(2, 400),
       undated=st.booleans())
def test_snapshots_do_not_depend_on_the_order_of_files(tmp_path_factory, rulebook, order, days, undated):
    """March (unregistered), December (registered, ``days`` later) and a configuration without
    a clock, given in any order: December is judged with the configuration, March is history."""
    folder = tmp_path_factory.mktemp("order")
    december_at = MARCH + dt.timedelta(days=days)
    texts = {"march": clock("leaf01", MARCH) + UNREGISTERED.format(host="leaf01"),
             "december": clock("leaf01", december_at) + registered("leaf01", december_at),
             "undated": CALLHOME_PLAIN}
    paths = {name: write(folder, f"{name}.txt", texts[name]) for name in order if undated or name != "undated"}
    report = analyze(list(paths.values()), Options(system_now=SYSTEM_NOW), rules=rulebook)
    [dev] = report.devices
    assert dev.now == december_at and not ids(report) & OLD_STATE
    assert ("callhome-url-plain-http" in ids(report)) == undated
    assert [(s.when, s.current) for s in dev.snapshots] == [(MARCH, False), (december_at, True)]
    assert dev.snapshots[-1].undated == ((paths["undated"],) if undated else ())
    backwards = analyze(list(paths.values())[::-1], Options(system_now=SYSTEM_NOW), rules=rulebook)
    assert [f.to_json() for f in backwards.findings] == [f.to_json() for f in report.findings]
    def shape(snaps):  # the files of a snapshot are listed in the order they were given
        return [(s.when, s.where, s.state, s.current, sorted(s.inputs), sorted(s.lines), s.undated) for s in snaps]

    assert shape(backwards.devices[0].snapshots) == shape(dev.snapshots)


def test_show_license_all_after_a_renewal_supersedes_the_earlier_status(tmp_path, rulebook):
    # 'show license all' holds the whole 'show license status': shown after the renewal, it
    # is the current state; and the other way round, 'show license status' after 'show
    # license all' takes over the blocks it shows (the license usage of 'all' stays)
    status, everything = "leaf01# show license status\n", ("leaf01# show license all\n\nSmart Licensing Status\n"
                                                           "======================\n\n")
    renewed_all, failed_all = RENEWED.replace(status, everything), FAILED.replace(status, everything)
    for first, then in ((FAILED, renewed_all), (failed_all, RENEWED)):
        path = write(tmp_path, "renew.txt", clock("leaf01", SESSION_CLOCK) + first
                     + "leaf01# license smart renew auth\n" + then + "leaf01# \n")
        report = analyze([path], Options(system_now=SYSTEM_NOW), rules=rulebook)
        assert "communication-failed" not in ids(report)
        assert [s.line for s in report.devices[0].superseded] == [3]


@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_time_and_history_are_the_same_whatever_is_kept_batched_or_spread(tmp_path, monkeypatch, fmt):
    from diag import api

    write(tmp_path, "a-march.txt", clock("leaf01", MARCH) + UNREGISTERED.format(host="leaf01"))
    write(tmp_path, "b-december.txt", clock("leaf01", DECEMBER) + registered("leaf01", DECEMBER))
    write(tmp_path, "c-callhome.txt", CALLHOME_PLAIN)
    write(tmp_path, "d-session.log", clock("sw1", OLD_CLOCK) + registered("sw1", OLD_CLOCK) + "sw1# ssh sw2\n"
          + NEAR_DEADLINE.replace("leaf02", "sw2") + "sw2# \n")
    write(tmp_path, "e-fix.txt", clock("leaf05", SESSION_CLOCK).replace("leaf01", "leaf05")
          + (callhome(PLAIN, "Mon Mar 16 10:00:01 2026") + FAILED + FIX + callhome(SECURE, "Mon Mar 16 10:05:01 2026")
             + RENEWED).replace("leaf01", "leaf05") + "leaf05# \n")
    write(tmp_path, "f-alone.txt", NEAR_DEADLINE)
    usual = render(analyze([str(tmp_path)], Options(system_now=SYSTEM_NOW)), fmt)
    assert "history:" in usual or "History" in usual or '"snapshots"' in usual
    monkeypatch.setattr(api, "KEEP_BYTES", 0)
    monkeypatch.setattr(api, "BATCH_FILES", 1)
    assert render(analyze([str(tmp_path)], Options(system_now=SYSTEM_NOW)), fmt) == usual
    assert render(analyze([str(tmp_path)], Options(system_now=SYSTEM_NOW, jobs=2)), fmt) == usual
