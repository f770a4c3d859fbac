"""The licensing timeline (diag.timeline) and `diag deadlines`: every dated event of the
samples and rule captures at its exact line, the CSV read back with the csv module, the
iCalendar parsed back with the icalendar library, the --within exit codes at their
boundaries, hostile values that stay data, and a fleet written without parsing again."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diag import deadlines as dl
from diag.api import Options, analyze
from diag.cli import cli
from diag.timeline import KINDS, Event, events_of

from conftest import ROOT, SYSTEM_NOW

icalendar = pytest.importorskip("icalendar", reason="the test extra installs icalendar (pip install '.[test]')")

UTC = dt.timezone.utc
SAMPLES = ROOT / "samples"
RULES = ROOT / "rules"


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def report_of(*paths, now: dt.datetime | None = None):
    return analyze([str(p) for p in paths], Options(now=now, system_now=SYSTEM_NOW))


def events(path, now=None) -> list[Event]:
    report = report_of(path, now=now)
    assert len(report.devices) == 1
    return list(report.devices[0].events)


def table(evs) -> list[tuple]:
    return [(e.kind, e.date, e.line, e.text.strip(), e.failed, e.reason) for e in evs]


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


# -- the events of the project's own captures, at their lines -------------------------

def test_classic_registered_sample():
    assert table(events(SAMPLES / "healthy-registered-9.3.txt")) == [
        ("registration", utc(2022, 6, 22, 16, 15, 41), 55,
         "Initial Registration: SUCCEEDED on Jun 22 16:15:41 2022 UTC", False, None),
        ("authorization", utc(2022, 6, 22, 16, 15, 44), 61, "Status: AUTHORIZED on Jun 22 16:15:44 2022 UTC",
         False, None),
        ("last_communication_attempt", utc(2022, 6, 22, 16, 15, 44), 62,
         "Last Communication Attempt: SUCCEEDED on Jun 22 16:15:44 2022 UTC", False, None),
        ("next_communication_attempt", utc(2022, 7, 22, 16, 15, 43), 63,
         "Next Communication Attempt: Jul 22 16:15:43 2022 UTC", False, None),
        ("communication_deadline", utc(2022, 9, 20, 16, 12, 55), 64,
         "Communication Deadline: Sep 20 16:12:55 2022 UTC", False, None),
        ("next_renewal_attempt", utc(2022, 12, 19, 16, 15, 41), 57, "Next Renewal Attempt: Dec 19 16:15:41 2022 UTC",
         False, None),
        ("registration_expires", utc(2023, 6, 22, 16, 13, 53), 58, "Registration Expires: Jun 22 16:13:53 2023 UTC",
         False, None),
    ]


def test_every_event_knows_its_device_path_and_role():
    report = report_of(SAMPLES / "healthy-registered-9.3.txt")
    dev = report.devices[0]
    for e in dev.events:
        assert e.device == "dc1-leaf-101" and e.path.endswith("healthy-registered-9.3.txt")
        assert e.date.tzinfo is not None and e.date.utcoffset() == dt.timedelta(0)
    roles = {e.kind: (e.role, e.deadline) for e in dev.events}
    assert roles["communication_deadline"] == ("deadline", True)
    assert roles["registration_expires"] == ("deadline", True)
    assert roles["next_communication_attempt"] == ("next", False)
    assert roles["registration"] == ("past", False)
    now = dev.now  # the capture's show clock: Jun 22 2022 16:18
    status = {e.kind: e.status(now) for e in dev.events}
    assert status == {"registration": "passed", "authorization": "passed", "last_communication_attempt": "passed",
                      "next_communication_attempt": "within_30_days", "communication_deadline": "later",
                      "next_renewal_attempt": "later", "registration_expires": "later"}


def test_eval_mode_end_is_computed_from_the_capture_clock():
    evs = events(SAMPLES / "eval-mode-new-switch.txt")
    assert [e.kind for e in evs] == ["evaluation_end"]
    end = evs[0]
    # show clock 13:05:44.902 UTC Fri Feb 10 2023 + 61 days, 4 hours, 51 minutes, 3 seconds
    assert end.date == dt.datetime(2023, 2, 10, 13, 5, 44, tzinfo=UTC) + dt.timedelta(
        days=61, hours=4, minutes=51, seconds=3)
    assert end.computed and end.deadline and end.line == 14
    assert end.text.strip() == "Evaluation Period Remaining: 61 days, 4 hours, 51 minutes, 3 seconds"
    assert "computed" in end.note and "show clock" in end.note


def test_eval_end_stays_put_whatever_now_is_given():
    """--now judges the date; it does not move it (the time remaining was read at capture)."""
    a = events(SAMPLES / "eval-mode-new-switch.txt")[0]
    b = events(SAMPLES / "eval-mode-new-switch.txt", now=utc(2030, 1, 1))[0]
    assert a.date == b.date
    assert b.status(utc(2030, 1, 1)) == "passed"


def test_eval_expired_status_is_a_printed_evaluation_end():
    evs = events(RULES / "classic" / "evaluation-expired.hit.txt")
    assert table(evs) == [("evaluation_end", utc(2022, 12, 28, 4, 17, 55), 13,
                           "Status: EVAL EXPIRED on Dec 28 04:17:55 2022 UTC", False, None)]
    assert not evs[0].computed


def test_failed_attempts_carry_their_reasons():
    evs = {e.kind: e for e in events(SAMPLES / "known-issue-1-source-interface.txt")}
    for kind, line in (("last_renewal_attempt", 20), ("last_communication_attempt", 27)):
        e = evs[kind]
        assert e.failed and e.line == line and e.reason == "Fail to send out Call Home HTTP message."
        assert e.status(utc(2023, 10, 10, 14)) == "failed"
    assert not evs["next_renewal_attempt"].failed
    reg = events(SAMPLES / "known-issue-2-plain-http.txt")[0]
    assert (reg.kind, reg.line, reg.failed, reg.reason) == (
        "registration", 14, True, "Failed to parse SCH server response data")


def test_slp_ack_overdue_dates_read_in_their_zones():
    evs = events(RULES / "slp" / "slp-ack-overdue.hit.txt")
    assert table(evs) == [
        ("last_ack_received", utc(2024, 1, 2, 10, 40, 3), 82, "Last ACK received: Jan 02 11:40:03 2024 CET",
         False, None),
        ("next_ack_deadline", utc(2024, 4, 1, 10, 40, 3), 83, "Next ACK deadline: Apr 01 12:40:03 2024 CEST",
         False, None),
        ("last_report_push", utc(2024, 4, 8, 9, 37, 55), 87, "Last report push: Apr 08 11:37:55 2024 CEST",
         False, None),
        ("next_report_push", utc(2024, 5, 8, 9, 37, 55), 86, "Next report push: May 08 11:37:55 2024 CEST",
         False, None),
    ]
    report = report_of(RULES / "slp" / "slp-ack-overdue.hit.txt")
    deadline = next(e for e in report.devices[0].events if e.kind == "next_ack_deadline")
    assert deadline.status(report.devices[0].now) == "passed"


def test_slp_trust_code_and_policy_installs():
    evs = {e.kind: e for e in events(SAMPLES / "slp-10.3-healthy.txt")}
    assert evs["trust_code_installed"].date == utc(2024, 1, 26, 3, 10, 52)
    assert evs["trust_code_installed"].line == 92
    assert evs["trust_code_installed"].text.strip() == "INSTALLED on Jan 26 03:10:52 2024 UTC"
    assert set(evs) == {"trust_code_installed", "last_report_push", "last_ack_received", "next_report_push",
                        "next_ack_deadline"}


def test_policy_installed_and_two_trust_codes(tmp_path):
    capture = tmp_path / "n9k.txt"
    capture.write_text(
        "sw1# show license status\n\nSmart Licensing Using Policy:\n  Status: ENABLED\n\n"
        "Policy:\n  Policy in use: Installed On Nov 07 22:50:04 2023 UTC\n\n"
        "Trust Code Installed:\n  Active: PID:N9K-C93180YC-FX3,SN:FLM1\n    INSTALLED on Jan 26 03:10:52 2024 UTC\n"
        "  Standby: PID:N9K-C93180YC-FX3,SN:FLM2\n    INSTALLED on Jan 27 04:00:00 2024 UTC\n")
    evs = events(capture)
    assert table(evs) == [
        ("policy_installed", utc(2023, 11, 7, 22, 50, 4), 7, "Policy in use: Installed On Nov 07 22:50:04 2023 UTC",
         False, None),
        ("trust_code_installed", utc(2024, 1, 26, 3, 10, 52), 11, "INSTALLED on Jan 26 03:10:52 2024 UTC",
         False, None),
        ("trust_code_installed", utc(2024, 1, 27, 4), 13, "INSTALLED on Jan 27 04:00:00 2024 UTC", False, None),
    ]


def test_show_license_summary_dates_without_status(tmp_path):
    capture = tmp_path / "sum.txt"
    capture.write_text(
        "sw2# show license summary\n\nSmart Licensing is ENABLED\n\nRegistration:\n  Status: REGISTERED\n"
        "  Smart Account: A\n  Virtual Account: B\n  Export-Controlled Functionality: Allowed\n"
        "  Last Renewal Attempt: None\n  Next Renewal Attempt: Dec 19 16:15:41 2022 UTC\n"
        "  Registration Expires: Jun 22 16:13:53 2023 UTC\n\nLicense Authorization:\n"
        "  Status: AUTHORIZED on Jun 22 16:15:44 2022 UTC\n  Last Communication Attempt: SUCCEEDED\n"
        "  Next Communication Attempt: Jul 22 16:15:43 2022 UTC\n  Communication Deadline: Sep 20 16:12:55 2022 UTC\n")
    kinds = [(e.kind, e.line) for e in events(capture)]
    assert kinds == [("authorization", 15), ("next_communication_attempt", 17), ("communication_deadline", 18),
                     ("next_renewal_attempt", 11), ("registration_expires", 12)]


def test_the_same_date_read_twice_is_one_event(tmp_path):
    text = (SAMPLES / "healthy-registered-9.3.txt").read_text()
    block = text[text.index("dc1-leaf-101# show license status"):]
    block = block[:block.index("dc1-leaf-101#", 10)]
    capture = tmp_path / "twice.txt"
    capture.write_text(block + block.replace("show license status", "show license all"))
    evs = events(capture)
    assert len(evs) == 7 and len({(e.kind, e.date) for e in evs}) == 7
    assert all(e.line < block.count("\n") + 1 for e in evs)  # the first output's lines


def test_every_kind_is_documented_and_snake_case():
    for kind, spec in KINDS.items():
        assert re.fullmatch(r"[a-z]+(_[a-z0-9]+)*", kind)
        assert spec.role in ("past", "next", "deadline") and spec.label and spec.doc


def test_events_of_is_pure_on_a_device():
    from diag.api import devices

    dev = devices([str(SAMPLES / "known-issue-4-mts-dns.txt")], system_now=SYSTEM_NOW)[0]
    assert events_of(dev) == events_of(dev)
    assert [e.date for e in events_of(dev)] == sorted(e.date for e in events_of(dev))


# -- diag check -f json: an events list per device, added ------------------------------

def test_check_json_adds_events_per_device_and_keeps_the_rest():
    res = run("check", "-f", "json", str(SAMPLES / "known-issue-3-quovadis-root-ca.txt"))
    data = json.loads(res.stdout)
    dev = data["devices"][0]
    assert {"device", "inputs", "platform", "release", "licensing_mode", "commands", "now",
            "now_source"} <= set(dev)
    assert data["schema"] == "diag-report/1"
    by_kind = {e["kind"]: e for e in dev["events"]}
    comm = by_kind["last_communication_attempt"]
    assert comm["failed"] is True and comm["status"] == "failed" and comm["line"] == 48
    assert comm["reason"].startswith("Failed to send Call Home HTTP message")
    deadline = by_kind["communication_deadline"]
    assert deadline == {**deadline, "deadline": True, "role": "deadline", "status": "within_30_days",
                        "date": "2022-03-14T09:13:59+00:00", "line": 51,
                        "text": "  Communication Deadline: Mar 14 09:13:59 2022 UTC"}


# -- the CLI: formats ----------------------------------------------------------------

def test_table_lists_kind_date_days_and_source():
    res = run("deadlines", str(SAMPLES / "healthy-registered-9.3.txt"))
    assert res.exit_code == 0
    out = res.stdout
    assert "dc1-leaf-101" in out and "judged at Jun 22 2022 16:18 UTC" in out
    line = next(x for x in out.splitlines() if "communication_deadline" in x)
    assert line.split()[:3] == ["2022-09-20", "16:12", "+89"]
    assert line.rstrip().endswith("samples/healthy-registered-9.3.txt:64")


def test_csv_reads_back():
    res = run("deadlines", "-f", "csv", str(SAMPLES))
    assert res.exit_code == 0
    assert b"\r\n" in res.stdout_bytes
    rows = list(csv.DictReader(io.StringIO(res.stdout, newline="")))
    assert rows and list(rows[0]) == list(dl.CSV_COLUMNS)
    report = report_of(SAMPLES)
    assert len(rows) == sum(len(d.events) for d in report.devices)
    for row in rows:
        when = dt.datetime.fromisoformat(row["date"])
        assert when.tzinfo is not None and row["kind"] in KINDS
        assert row["deadline"] == ("yes" if KINDS[row["kind"]].role == "deadline" else "no")
        assert int(row["line"]) > 0 and row["path"].startswith(str(SAMPLES))
        float(row["days_from_now"])
    failed = [r for r in rows if r["failed"] == "yes"]
    assert failed and all(r["status"] == "failed" for r in failed)
    eval_rows = [r for r in rows if r["kind"] == "evaluation_end"]
    assert {r["computed"] for r in eval_rows} == {"yes"}


def _calendar(text: str):
    return icalendar.Calendar.from_ical(text)


def test_ics_parses_back_one_event_per_deadline_with_an_alarm():
    res = run("deadlines", "-f", "ics", str(SAMPLES))
    assert res.exit_code == 0
    raw = res.stdout_bytes
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = _calendar(raw)
    assert cal["VERSION"] == "2.0" and "PRODID" in cal
    report = report_of(SAMPLES)
    wanted = {(d.name, e.kind, e.date) for d in report.devices for e in d.events if e.deadline}
    found = set()
    uids = set()
    for ev in cal.walk("VEVENT"):
        device, _, label = str(ev["SUMMARY"]).partition(": ")
        kind = str(ev["CATEGORIES"].cats[1]) if hasattr(ev["CATEGORIES"], "cats") else None
        start = ev.decoded("DTSTART")
        found.add((device, kind, start))
        assert label == KINDS[kind].label
        uids.add(str(ev["UID"]))
        alarms = ev.walk("VALARM")
        assert len(alarms) == 1 and str(alarms[0]["ACTION"]) == "DISPLAY"
        assert alarms[0].decoded("TRIGGER") == -dt.timedelta(days=7)
        assert "Source: " in str(ev["DESCRIPTION"])
    assert found == wanted and len(uids) == len(wanted)


def test_ics_uids_are_stable_and_the_alarm_follows_within():
    a = run("deadlines", "-f", "ics", str(SAMPLES / "known-issue-1-source-interface.txt")).stdout
    b = run("deadlines", "-f", "ics", "--within", "30d", str(SAMPLES / "known-issue-1-source-interface.txt")).stdout
    uids = lambda text: [str(e["UID"]) for e in _calendar(text).walk("VEVENT")]  # noqa: E731
    assert uids(a) == uids(b) and len(uids(a)) == 2
    assert {e.decoded("TRIGGER") for e in _calendar(b).walk("VALARM")} == {-dt.timedelta(days=30)}
    # the failure behind a deadline is in its description
    desc = [str(e["DESCRIPTION"]) for e in _calendar(a).walk("VEVENT")]
    assert all("failure reason: Fail to send out Call Home HTTP message." in d for d in desc)


def test_json_format():
    res = run("deadlines", "-f", "json", "--within", "30d", str(SAMPLES / "known-issue-3-quovadis-root-ca.txt"))
    data = json.loads(res.stdout)
    assert data["schema"] == "diag-deadlines/1" and data["within_days"] == 30 and data["due"] == 1
    assert res.exit_code == 1
    assert [e["kind"] for e in data["devices"][0]["events"]][-1] == "registration_expires"


def test_stdin_and_gz_like_check():
    text = (SAMPLES / "healthy-registered-9.3.txt").read_text()
    res = run("deadlines", "-f", "csv", "-", input=text)
    assert res.exit_code == 0 and ",-,64," in res.stdout.replace('"', "")
    res = run("deadlines", str(SAMPLES / "showtech-leaf07-dc2.txt.gz"))
    assert res.exit_code == 0 and "registration_expires" in res.stdout


# -- --within: exit codes ------------------------------------------------------------

DEADLINE = utc(2022, 9, 20, 16, 12, 55)  # healthy sample: Communication Deadline (the nearest one)


@pytest.mark.parametrize("now, within, code", [
    (DEADLINE - dt.timedelta(days=30), "30d", 1),  # exactly 30 days ahead: within
    (DEADLINE - dt.timedelta(days=30, seconds=1), "30d", 0),  # one second more: not
    (DEADLINE - dt.timedelta(days=28), "4w", 1),
    (DEADLINE - dt.timedelta(days=29), "4w", 0),
    (DEADLINE + dt.timedelta(days=3), "1d", 1),  # passed: counts
    (DEADLINE - dt.timedelta(days=40), "30", 0),  # days by default
])
def test_within_boundaries(now, within, code):
    res = run("deadlines", "--now", now.isoformat(), "--within", within, str(SAMPLES / "healthy-registered-9.3.txt"))
    assert res.exit_code == code, res.output


def test_within_without_deadlines_and_without_option():
    # a next attempt within the window is no deadline
    assert run("deadlines", "--within", "30d", str(SAMPLES / "unsupported-nexus-3064.txt")).exit_code == 0
    assert run("deadlines", str(RULES / "slp" / "slp-ack-overdue.hit.txt")).exit_code == 0
    assert run("deadlines", "--within", "1d", str(RULES / "slp" / "slp-ack-overdue.hit.txt")).exit_code == 1


@pytest.mark.parametrize("bad", ["30x", "-3d", "", "d", "3.5d", "9999999d", "1000000w"])
def test_within_is_validated(bad):
    res = run("deadlines", "--within", bad, str(SAMPLES / "healthy-registered-9.3.txt"))
    assert res.exit_code == 2 and "--within" in res.output and "Traceback" not in res.output


def test_unreadable_input_exits_2_with_one_line(tmp_path):
    res = run("deadlines", str(tmp_path / "missing.txt"))
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert len([x for x in res.stderr.splitlines() if x.startswith("diag: error")]) == 1
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    res = run("deadlines", "--within", "30d", str(binary), str(SAMPLES / "healthy-registered-9.3.txt"))
    assert res.exit_code == 2 and str(binary) in res.stderr
    res = run("deadlines", "--now", "yesterday", str(SAMPLES / "healthy-registered-9.3.txt"))
    assert res.exit_code == 2 and "ISO-8601" in res.output


# -- hostile values stay data --------------------------------------------------------

HOSTILE = 'Fail, "quoted"; =cmd|\' /C calc\'!A0 \\ back\\slash; <script>'


def _hostile_capture(folder: Path, name: str = "host,ile;x.txt") -> Path:
    text = (RULES / "classic" / "communication-failed.hit.txt").read_text()
    text = re.sub(r"(Failure reason: ).*", lambda m: m.group(1) + HOSTILE, text, count=1)
    path = folder / name
    path.write_text(text)
    return path


def test_hostile_reason_in_csv(tmp_path):
    path = _hostile_capture(tmp_path)
    res = run("deadlines", "-f", "csv", str(path))
    rows = list(csv.DictReader(io.StringIO(res.stdout, newline="")))
    failed = [r for r in rows if r["failed"] == "yes"]
    assert [r["reason"] for r in failed] == [HOSTILE]
    assert all(r["path"] == str(path) for r in rows)


def test_formula_cells_are_kept_as_text(tmp_path):
    text = (RULES / "classic" / "communication-failed.hit.txt").read_text()
    text = re.sub(r"(Failure reason: ).*", lambda m: m.group(1) + '=HYPERLINK("http://x")', text, count=1)
    (tmp_path / "f.txt").write_text(text)
    rows = list(csv.DictReader(io.StringIO(run("deadlines", "-f", "csv", str(tmp_path / "f.txt")).stdout,
                                           newline="")))
    assert [r["reason"] for r in rows if r["failed"] == "yes"] == ["'=HYPERLINK(\"http://x\")"]


def test_hostile_values_in_ics(tmp_path):
    # a device named by its file: commas, semicolons, a backslash and a newline in the name
    path = _hostile_capture(tmp_path)
    text = path.read_text()
    text = re.sub(r"(?m)^\S+# ", "", text)  # no prompt: the file names the device
    text = re.sub(r"(?m)^\s*(hostname|switchname|Device name:).*\n", "", text)
    odd = tmp_path / "a,b;c\\d\ne.txt"
    odd.write_text(text)
    res = run("deadlines", "-f", "ics", str(odd))
    cal = _calendar(res.stdout_bytes)
    vevents = cal.walk("VEVENT")
    assert vevents
    for ev in vevents:
        assert str(ev["SUMMARY"]).startswith(str(odd.relative_to(Path.cwd())) if odd.is_relative_to(Path.cwd())
                                              else str(odd))
        assert HOSTILE in str(ev["DESCRIPTION"])
    assert all(len(line) <= 75 for line in res.stdout_bytes.split(b"\r\n"))


def test_table_shows_control_characters_escaped(tmp_path):
    text = (RULES / "classic" / "communication-failed.hit.txt").read_text()
    text = re.sub(r"(Failure reason: ).*", "\\1bell\x07 and esc\x1b[31m red", text, count=1)
    path = tmp_path / "esc\x1b[31mred\x07.txt"  # a file name that would colour the terminal
    path.write_text(text)
    out = run("deadlines", str(path)).stdout
    assert "\x1b" not in out and "\x07" not in out
    assert "esc\\x1b[31mred\\x07.txt:34" in out
    assert "failure reason: bell and esc red" in out  # the capture reader drops them from the lines


# -- properties ----------------------------------------------------------------------

ZONES = {"UTC": 0, "CET": 1, "CEST": 2, "EST": -5, "PDT": -7, "JST": 9, "IST": 5.5}
FORMS = ("{b} {d:02d} {H:02d}:{M:02d}:{S:02d} {Y} {Z}",  # the Smart Agent's
         "{b} {d} {H:02d}:{M:02d}:{S:02d} {Y} {Z}",  # a day without its zero
         "{a} {b} {d:02d} {H:02d}:{M:02d}:{S:02d} {Y} {Z}",  # with the weekday
         "{Y}-{m:02d}-{d:02d}T{H:02d}:{M:02d}:{S:02d}Z")  # ISO 8601, UTC


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(when=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0)),
       zone=st.sampled_from(sorted(ZONES)), form=st.sampled_from(FORMS),
       field=st.sampled_from([("Communication Deadline", "communication_deadline"),
                              ("Registration Expires", "registration_expires"),
                              ("Next ACK deadline", "next_ack_deadline")]))
def test_dates_in_each_printed_form_and_zone(tmp_path, when, zone, form, field):
    if form.endswith("Z"):
        zone = "UTC"
    text = form.format(b=when.strftime("%b"), a=when.strftime("%a"), d=when.day, m=when.month, H=when.hour,
                       M=when.minute, S=when.second, Y=when.year, Z=zone)
    label, kind = field
    block = {"Communication Deadline": "License Authorization:\n  Status: AUTHORIZED on Jun 22 16:15:44 2022 UTC\n",
             "Registration Expires": "Registration:\n  Status: REGISTERED\n",
             "Next ACK deadline": "Usage Reporting:\n"}[label]
    path = tmp_path / "p.txt"
    path.write_text(f"sw# show license status\n\nSmart Licensing is ENABLED\n\n{block}  {label}: {text}\n")
    evs = [e for e in events(path, now=utc(2020, 1, 1)) if e.kind == kind]
    expected = when.replace(tzinfo=UTC) - dt.timedelta(hours=ZONES[zone])
    assert [(e.date, e.line) for e in evs] == [(expected, 5 + block.count("\n"))]


@given(st.text(max_size=300))
def test_ics_text_round_trips_through_icalendar(text):
    line = "DESCRIPTION:" + dl._ics_text(text)
    folded = dl._fold(line)
    assert folded.endswith("\r\n")
    assert all(len(x.encode("utf-8")) <= 75 for x in folded[:-2].split("\r\n"))
    unfolded = folded[:-2].replace("\r\n ", "")
    assert unfolded == line
    expected = re.sub(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]", "\ufffd",
                      text.replace("\r\n", "\n").replace("\r", "\n"))
    cal = icalendar.Calendar.from_ical(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20240101T000000Z\r\n"
        + folded + "END:VEVENT\r\nEND:VCALENDAR\r\n")
    assert str(cal.walk("VEVENT")[0]["DESCRIPTION"]) == expected


@given(st.text(max_size=200).filter(lambda t: "\x00" not in t))
def test_csv_cells_round_trip(text):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([dl._cell(text), "x"])
    back = next(csv.reader(io.StringIO(buf.getvalue(), newline="")))
    assert back == [("'" + text) if len(text) > 1 and text.startswith(dl._FORMULA) else text, "x"]


@given(st.integers(min_value=0, max_value=5000), st.sampled_from(["d", "w", "D", "W", ""]))
def test_windows(n, unit):
    span = dl.parse_window(f"{n}{unit}")
    assert span == dt.timedelta(days=n * (7 if unit.lower() == "w" else 1))


# -- a fleet: events made once per device, the outputs written without parsing -------

def test_fleet_writes_without_parsing_again(tmp_path, monkeypatch):
    import diag.timeline as timeline
    import diag.types as types

    base = (SAMPLES / "healthy-registered-9.3.txt").read_text()
    for i in range(150):
        (tmp_path / f"leaf{i:03d}.txt").write_text(base.replace("dc1-leaf-101", f"leaf{i:03d}"))
    calls = []
    real = timeline.events_of
    monkeypatch.setattr(timeline, "events_of", lambda dev, clock=None: calls.append(dev.key) or real(dev, clock))
    report = report_of(tmp_path)
    assert len(report.devices) == 150 and len(calls) == 150  # once per device, while it is judged
    assert all(len(d.events) == 7 for d in report.devices)

    def refuse(*_):
        raise AssertionError("a date parsed again while writing")

    monkeypatch.setattr(timeline, "to_datetime", refuse)
    monkeypatch.setattr(types, "to_datetime", refuse)
    monkeypatch.setattr(timeline, "events_of", refuse)
    for fmt in dl.FORMATS:  # written from the events kept (the patches above refuse a parse)
        text = "".join(dl.chunks(report, fmt, dt.timedelta(days=30)))
        assert text
    ics = "".join(dl.chunks(report, "ics"))
    assert ics.count("BEGIN:VEVENT") == 300


def test_worker_processes_give_the_same_events():
    # a fixed time: a device without a clock is judged at this machine's, a second apart
    # between two runs
    one = run("deadlines", "-f", "json", "--now", "2026-12-07T12:00:00Z", str(SAMPLES)).stdout
    two = run("deadlines", "-f", "json", "-j", "2", "--now", "2026-12-07T12:00:00Z", str(SAMPLES)).stdout
    assert one == two and json.loads(one)["devices"]
