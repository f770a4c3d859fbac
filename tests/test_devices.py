"""devices.py: which device each section belongs to, and what diag settles about it.

DESIGN.md section 3: a device is named by its prompt, a hostname/switchname line or
``Device name:``, else it is the file; sections of one device in several files
merge; a session log visiting two switches yields two devices. "Now" comes from the
capture's own clock when it has one.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest

from diag.api import parse_only
from diag.devices import Device, capture_clock, estimate_from_events

UTC = dt.timezone.utc


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return str(path)


def devices(*paths: str) -> list[Device]:
    _, devs, unread = parse_only(list(paths))
    assert not unread
    return devs


def by_name(devs: list[Device]) -> dict[str, Device]:
    return {d.name: d for d in devs}


def version_output(release: str, name: str = "", chassis: str = "Nexus9000 C93180YC-EX") -> str:
    return textwrap.dedent(f"""\
        Cisco Nexus Operating System (NX-OS) Software
        TAC support: http://www.cisco.com/tac
        Copyright (C) 2002-2021, Cisco and/or its affiliates.
        All rights reserved.

        Software
          BIOS: version 05.45
          NXOS: version {release}
          NXOS image file is: bootflash:///nxos.bin

        Hardware
          cisco {chassis} Chassis
          Processor Board ID FDO21120U8N

          Device name: {name}
          bootflash: 53298520 kB
        """) if name else textwrap.dedent(f"""\
        Cisco Nexus Operating System (NX-OS) Software
        TAC support: http://www.cisco.com/tac

        Software
          NXOS: version {release}

        Hardware
          cisco {chassis} Chassis
        """)


CLOCK = "09:20:05.123 UTC Fri Mar 03 2023"
CLASSIC_STATUS = """\
    Smart Licensing is ENABLED

    Registration:
      Status: REGISTERED
      Smart Account: Acme Networks
      Virtual Account: DC-Fabric
      Export-Controlled Functionality: Allowed
      Initial Registration: SUCCEEDED on Feb 27 10:01:12 2023 UTC
      Last Renewal Attempt: None
      Next Renewal Attempt: Aug 26 10:01:12 2023 UTC
      Registration Expires: Feb 27 09:55:40 2024 UTC

    License Authorization:
      Status: AUTHORIZED on Mar 01 10:01:20 2023 UTC
      Last Communication Attempt: SUCCEEDED on Mar 01 10:01:20 2023 UTC
      Next Communication Attempt: Mar 31 10:01:20 2023 UTC
      Communication Deadline: May 30 09:55:47 2023 UTC
    """
SLP_STATUS = """\
    Smart Licensing Using Policy:
      Status: ENABLED

    Transport:
      Type: Smart
      URL: https://smartreceiver.cisco.com/licservice/license
    """


# -- naming ------------------------------------------------------------------------

def test_named_by_prompt(tmp_path):
    path = write(tmp_path, "a.txt", f"leaf01# show clock\n{CLOCK}\nleaf01#\n")
    (dev,) = devices(path)
    assert dev.name == "leaf01" and dev.inputs == [path]


def test_named_by_hostname_line(tmp_path):
    path = write(tmp_path, "cfg.txt", """
        version 9.3(8) Bios:version 05.45
        hostname leaf02
        callhome
          enable
        """)
    (dev,) = devices(path)
    assert dev.name == "leaf02"


def test_named_by_switchname_line(tmp_path):
    path = write(tmp_path, "cfg.txt", """
        !Command: show running-config
        !Time: Fri Mar  3 09:20:01 2023

        version 8.4(2c) Bios:version 02.07
        switchname n7k-core1
        callhome
          enable
        """)
    (dev,) = devices(path)
    assert dev.name == "n7k-core1"


def test_named_by_device_name_in_show_version(tmp_path):
    path = write(tmp_path, "ver.txt", version_output("9.3(8)", "leaf03"))
    (dev,) = devices(path)
    assert dev.name == "leaf03"
    assert str(dev.release) == "9.3(8)"


def test_default_prompt_and_hostname_are_one_device_named_by_the_hostname(tmp_path):
    path = write(tmp_path, "s.log", """
        switch# show clock
        09:20:05.123 UTC Fri Mar 03 2023
        switch# show running-config | sec hostname
        hostname leaf01
        switch# show license status
        Smart Licensing is ENABLED
        switch#
        """)
    (dev,) = devices(path)
    assert dev.name == "leaf01"
    assert {s.command for s in dev.sections} == {"show clock", "show running-config", "show license status"}


def test_default_prompt_in_two_files_with_different_hostnames_is_two_devices(tmp_path):
    a = write(tmp_path, "a.log", f"switch# show clock\n{CLOCK}\nswitch# show run | sec hostname\n"
                                 "hostname leaf01\n")
    b = write(tmp_path, "b.log", f"switch# show clock\n{CLOCK}\nswitch# show run | sec hostname\n"
                                 "hostname leaf02\n")
    devs = by_name(devices(a, b))
    assert set(devs) == {"leaf01", "leaf02"}
    assert devs["leaf01"].inputs == [a] and devs["leaf02"].inputs == [b]


def test_bare_default_prompt_joins_the_one_device_it_stands_for(tmp_path):
    a = write(tmp_path, "a.log", "switch# show run | sec hostname\nhostname LEAF01\n")
    b = write(tmp_path, "b.log", f"switch# show clock\n{CLOCK}\n")
    (dev,) = devices(a, b)
    assert dev.name == "LEAF01" and dev.inputs == [a, b]


def test_bare_default_prompt_standing_for_several_devices_stays_apart(tmp_path):
    a = write(tmp_path, "a.log", "switch# show run | sec hostname\nhostname leaf01\n")
    b = write(tmp_path, "b.log", "switch# show run | sec hostname\nhostname leaf02\n")
    c = write(tmp_path, "c.log", f"switch# show clock\n{CLOCK}\n")
    devs = by_name(devices(a, b, c))
    assert set(devs) == {"leaf01", "leaf02", "switch"}
    assert devs["switch"].inputs == [c]


def test_session_log_visiting_two_switches_is_two_devices(tmp_path):
    path = write(tmp_path, "session.log", f"""
        leaf01# show clock
        {CLOCK}
        leaf01# show license status
        Smart Licensing is ENABLED
        leaf01# ssh admin@spine01 vrf management
        User Access Verification
        Password:
        spine01# show clock
        09:25:41.002 UTC Fri Mar 03 2023
        spine01# show license status
        Smart Licensing is DISABLED
        spine01# exit
        leaf01# show callhome
        callhome enabled
        """)
    devs = by_name(devices(path))
    assert set(devs) == {"leaf01", "spine01"}
    assert [s.start for s in devs["leaf01"].sections] == [1, 3, 13]
    assert [s.start for s in devs["spine01"].sections] == [8, 10]
    assert devs["leaf01"].inputs == devs["spine01"].inputs == [path]


def test_two_files_of_one_device_merge(tmp_path):
    a = write(tmp_path, "leaf01-status.txt", "leaf01# show license status\n" + textwrap.dedent(CLASSIC_STATUS))
    b = write(tmp_path, "leaf01-clock.txt", f"LEAF01# show clock\n{CLOCK}\n")
    (dev,) = devices(a, b)
    assert dev.name == "leaf01"
    assert dev.inputs == [a, b]
    assert {"show license status", "show clock"} <= dev.coverage


def test_prompt_in_one_file_and_hostname_in_another_merge(tmp_path):
    a = write(tmp_path, "status.txt", "leaf01# show license status\n" + textwrap.dedent(CLASSIC_STATUS))
    b = write(tmp_path, "leaf01.cfg", "version 9.3(8) Bios:version 05.45\nhostname leaf01\ncallhome\n  enable\n")
    (dev,) = devices(a, b)
    assert dev.name == "leaf01" and len(dev.inputs) == 2


def test_unnamed_file_is_a_device_named_by_its_path(tmp_path):
    a = write(tmp_path, "paste1.txt", CLASSIC_STATUS)
    b = write(tmp_path, "paste2.txt", CLASSIC_STATUS)
    devs = devices(a, b)
    assert sorted(d.name for d in devs) == sorted([a, b])
    assert all(len(d.inputs) == 1 for d in devs)


def test_unnamed_sections_join_the_only_device_of_their_file(tmp_path):
    path = write(tmp_path, "mixed.txt", textwrap.dedent(CLASSIC_STATUS) + f"\nleaf01# show clock\n{CLOCK}\n")
    (dev,) = devices(path)
    assert dev.name == "leaf01"
    assert [s.origin for s in dev.sections] == ["content", "prompt"]


# -- licensing mode --------------------------------------------------------------------

@pytest.mark.parametrize("release,chassis,mode", [
    ("9.3(8)", "Nexus9000 C93180YC-EX", "classic"),
    ("9.3(3)", "Nexus9000 C93180YC-EX", "classic"),
    ("10.1(2)", "Nexus9000 C93180YC-EX", "classic"),
    ("10.2(3)F", "Nexus9000 C93180YC-EX", "slp"),
    ("10.4(1)F", "Nexus3000 C3172PQ", "slp"),
    ("9.3(1)", "Nexus9000 C93180YC-EX", "traditional"),
    ("7.0(3)I7(8)", "Nexus9000 C93180YC-EX", "traditional"),
    ("8.4(2c)", "Nexus7000 C7009", "classic"),
    ("7.3(8)D1(1)", "Nexus7000 C7009", "traditional"),
])
def test_mode_from_release(tmp_path, release, chassis, mode):
    path = write(tmp_path, "v.txt", "leaf01# show version\n" + version_output(release, chassis=chassis))
    (dev,) = devices(path)
    assert dev.mode == mode
    (fact,) = dev.store.get("device")
    assert fact.get("licensing_mode") == mode


def test_mode_unknown_without_release_or_license_output(tmp_path):
    (dev,) = devices(write(tmp_path, "c.txt", f"leaf01# show clock\n{CLOCK}\n"))
    assert dev.mode == "unknown"


def test_mode_from_show_license_status_classic(tmp_path):
    (dev,) = devices(write(tmp_path, "s.txt", "leaf01# show license status\n" + textwrap.dedent(CLASSIC_STATUS)))
    assert dev.mode == "classic"


def test_mode_from_show_license_status_slp(tmp_path):
    (dev,) = devices(write(tmp_path, "s.txt", "leaf01# show license status\n" + textwrap.dedent(SLP_STATUS)))
    assert dev.mode == "slp"
    (fact,) = dev.store.get("device")
    assert fact.lines["licensing_mode"] == 3  # "Status: ENABLED" under Smart Licensing Using Policy


def test_license_output_settles_the_mode_over_the_release(tmp_path):
    # a 9.3 release number with SLP output: the output is what the switch does
    path = write(tmp_path, "s.txt", "leaf01# show version\n" + version_output("9.3(8)", "leaf01")
                 + "leaf01# show license status\n" + textwrap.dedent(SLP_STATUS))
    (dev,) = devices(path)
    assert dev.mode == "slp"


def test_classic_output_on_release_before_smart_licensing_is_classic(tmp_path):
    path = write(tmp_path, "s.txt", "leaf01# show version\n" + version_output("9.3(1)", "leaf01")
                 + "leaf01# show license status\n" + textwrap.dedent(CLASSIC_STATUS))
    (dev,) = devices(path)
    assert dev.mode == "classic"


# -- the capture's own clock -------------------------------------------------------------

def _log(*lines: str) -> str:
    return "leaf01# show logging logfile\n" + "\n".join(lines) + "\n"


def test_show_clock_is_the_capture_clock(tmp_path):
    (dev,) = devices(write(tmp_path, "c.txt", f"leaf01# show clock\n{CLOCK}\n"))
    now, where = capture_clock(dev)
    assert now == dt.datetime(2023, 3, 3, 9, 20, 5, 123000, tzinfo=UTC)
    assert "show clock" in where and ":2)" in where


def test_running_config_time_line_is_a_clock(tmp_path):
    (dev,) = devices(write(tmp_path, "r.txt", """
        leaf01# show running-config callhome
        !Command: show running-config callhome
        !Running configuration last done at: Fri Mar  3 09:02:40 2023
        !Time: Fri Mar  3 09:20:01 2023

        version 9.3(8) Bios:version 05.45
        callhome
          enable
        """))
    now, where = capture_clock(dev)
    assert now == dt.datetime(2023, 3, 3, 9, 20, 1, tzinfo=UTC)
    assert "show running-config" in where


def test_clock_readings_win_over_a_newer_log_line(tmp_path):
    path = write(tmp_path, "c.txt", f"leaf01# show clock\n{CLOCK}\n" + _log(
        "2023 Mar  3 09:12:44 leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: x",
        "2023 Mar 13 10:00:00 leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: y"))
    (dev,) = devices(path)
    now, where = capture_clock(dev)
    assert now == dt.datetime(2023, 3, 3, 9, 20, 5, 123000, tzinfo=UTC)
    assert "show clock" in where


def test_show_clock_wins_over_a_configuration_time_line(tmp_path):
    # '!Time:' is the switch's local time without a zone: east of UTC, read as UTC, it runs
    # hours ahead of the zoned 'show clock' (and would pass deadlines that are not passed)
    path = write(tmp_path, "c.txt", f"""
        leaf01# show clock
        {CLOCK}
        leaf01# show running-config callhome
        !Command: show running-config callhome
        !Time: Fri Mar  3 18:31:10 2023
        callhome
        """)
    (dev,) = devices(path)
    now, where = capture_clock(dev)
    assert now == dt.datetime(2023, 3, 3, 9, 20, 5, 123000, tzinfo=UTC)
    assert "show clock" in where


def test_newest_of_several_configuration_time_lines(tmp_path):
    path = write(tmp_path, "c.txt", """
        leaf01# show running-config callhome
        !Command: show running-config callhome
        !Time: Fri Mar  3 09:31:10 2023
        callhome
        leaf01# show running-config callhome
        !Command: show running-config callhome
        !Time: Fri Mar  3 09:41:10 2023
        callhome
        """)
    (dev,) = devices(path)
    now, where = capture_clock(dev)
    assert now == dt.datetime(2023, 3, 3, 9, 41, 10, tzinfo=UTC)
    assert ":7)" in where


def test_newest_log_line_when_there_is_no_clock(tmp_path):
    path = write(tmp_path, "l.txt", _log(
        "2023 Mar 13 10:00:00 leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: y",
        "2023 Mar  3 09:12:44 leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: x",
        "*Mar 20 09:12:44.123: %SMART_LIC-3-COMM_FAILED: no year: not a clock"))
    (dev,) = devices(path)
    now, where = capture_clock(dev)
    assert now == dt.datetime(2023, 3, 13, 10, 0, tzinfo=UTC)
    assert "newest log line" in where and ":2)" in where


def test_no_clock_at_all(tmp_path):
    (dev,) = devices(write(tmp_path, "s.txt", "leaf01# show license status\n" + textwrap.dedent(CLASSIC_STATUS)))
    assert capture_clock(dev) is None


def test_estimate_for_an_old_paste_without_clock(tmp_path):
    (dev,) = devices(write(tmp_path, "s.txt", "leaf01# show license status\n" + textwrap.dedent(CLASSIC_STATUS)))
    now, why = estimate_from_events(dev, dt.datetime(2031, 1, 15, 12, 0, tzinfo=UTC))
    # newest past event: the last communication attempt on Mar 01 2023 (line 16)
    assert now == dt.datetime(2023, 3, 1, 10, 1, 20, tzinfo=UTC)
    assert "show license status" in why and ":16)" in why


def test_no_estimate_while_the_next_attempt_is_still_ahead(tmp_path):
    (dev,) = devices(write(tmp_path, "s.txt", "leaf01# show license status\n" + textwrap.dedent(CLASSIC_STATUS)))
    # next communication attempt Mar 31 2023: on Mar 30 the output may well be current
    assert estimate_from_events(dev, dt.datetime(2023, 3, 30, tzinfo=UTC)) is None


def test_estimate_needs_scheduled_dates(tmp_path):
    (dev,) = devices(write(tmp_path, "c.txt", "leaf01# show callhome\ncallhome enabled\n"))
    assert estimate_from_events(dev, dt.datetime(2031, 1, 15, tzinfo=UTC)) is None


SITE_ZONE = """bn-leaf-12# show clock
Time source is NTP
14:02:11.508 MESZ Thu Aug 08 2024
bn-leaf-12# show running-config | include clock
clock timezone MEZ 1 0
clock summer-time MESZ 5 Sun Mar 02:00 5 Sun Oct 03:00 60
bn-leaf-12# show license status
Smart Licensing is ENABLED
"""


def _clock_of(tmp_path, name: str, text: str):
    """The device's capture clock (when, where) and the device, for one capture."""
    (dev,) = devices(write(tmp_path, name, text))
    return (*capture_clock(dev), dev)


def test_a_zone_named_by_the_configuration_gives_its_offset(tmp_path):
    # MESZ is no zone diag knows: 'clock summer-time MESZ ... 60' on top of 'clock timezone
    # MEZ 1 0' says it is UTC+2, so the switch's 14:02 is 12:02 UTC
    now, where, _ = _clock_of(tmp_path, "zone.txt", SITE_ZONE)
    assert now == dt.datetime(2024, 8, 8, 12, 2, 11, 508000, tzinfo=dt.timezone.utc)
    assert "MESZ = UTC+02:00 by the configuration" in where and "zone.txt:6" in where
    # without the configuration the reading is taken as UTC, and the report says so
    now, where, _ = _clock_of(tmp_path, "zone.txt", SITE_ZONE.replace("clock summer-time MESZ", "clock summer-time XSZ"))
    assert now.hour == 14 and "zone MESZ unknown to diag: read as UTC" in where


@pytest.mark.parametrize("config,expected_hour,needle", [
    ("clock timezone CST 8 0", 2, "CST = UTC+08:00"),  # China: not the US Central CST diag knows
    ("clock timezone CST -6 0", 16, "CST = UTC-06:00"),
    ("clock timezone CST 99999999 0", 16, None),  # no offset NX-OS takes: ignored, diag's CST
    ("clock timezone CST 2\u00b2 0", 16, None),  # not ASCII digits: ignored
])
def test_the_configuration_says_what_a_zone_name_means(tmp_path, config, expected_hour, needle):
    now, where, _ = _clock_of(tmp_path, "cst.txt", "sh1# show clock\n10:00:00.000 CST Wed Jun 22 2022\n"
                              f"sh1# show running-config | include clock\n{config}\n"
                              "sh1# show license status\nSmart Licensing is ENABLED\n")
    assert now.hour == expected_hour
    assert (needle in where) if needle else ("by the configuration" not in where)


def test_a_negative_offset_under_one_hour(tmp_path):
    now, where, dev = _clock_of(
        tmp_path, "ndt.txt", "sw1# show clock\n10:00:00.000 NDT Wed Jun 22 2022\nsw1# show running-config | include clock\n"
        "clock timezone NDT -0 30\nclock summer-time XX 2 Sun Mar 02:00 1 Sun Nov 02:00 99999999999\n")
    assert (now.hour, now.minute) == (10, 30) and "NDT = UTC-00:30" in where
    assert [f.get("zone") for f in dev.store.get("config.clock_zone")] == ["NDT"]  # the bad shift is left out


# -- naming from the text, before parsing ------------------------------------------------

def _names_the_parsers_read(section) -> list[str]:
    """What the parsers declare for a section: hostname/switchname facts of a running-config
    in fact order, the device name of show version (the names devices were placed by in 0.3.0)."""
    from diag.parsers import parse_section

    if section.command not in ("show running-config", "show version"):
        return []
    out = []
    for fact in parse_section(section):
        if fact.kind == "config.hostname" and fact.get("name"):
            out.append(str(fact.get("name")))
        elif fact.kind == "version" and fact.get("device_name"):
            out.append(str(fact.get("device_name")))
    return out


def _every_capture() -> list[Path]:
    from conftest import CORPUS, ROOT, SAMPLES

    found = sorted(SAMPLES.iterdir()) + sorted((ROOT / "tests").rglob("*.txt"))
    found += sorted(p for p in (ROOT / "diag").rglob("*.txt")) + sorted((ROOT / "rules").rglob("*.txt"))
    if CORPUS.is_dir():
        found += sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".log", ".cfg"))
    return [p for p in found if p.is_file()]


def _serial_the_parser_reads(section) -> str | None:
    from diag.parsers import parse_section

    if section.spec.name != "show version":
        return None
    return next((str(f.get("serial")) for f in parse_section(section) if f.kind == "version" and f.get("serial")), None)


def test_names_read_from_the_text_are_the_names_the_parsers_read():
    from diag.devices import declared_names, declared_serial
    from diag.errors import InputError
    from diag.inputs import read_sections

    checked = 0
    for path in _every_capture():
        try:
            _, sections = read_sections(str(path))
        except InputError:
            continue
        for section in sections:
            assert declared_names(section) == _names_the_parsers_read(section), f"{path}:{section.start}"
            assert declared_serial(section) == _serial_the_parser_reads(section), f"{path}:{section.start}"
            checked += section.command in ("show running-config", "show version")
    assert checked > 50


_WORDS = ["hostname", "switchname", "Hostname", "host", "hostname-x", "Device name:", "device name:", "Device  name:",
          "version", "interface", "callhome", "!"]
_GAPS = [" ", "  ", "\t", " \t", "\u00a0", "", " \u3000"]
_NAMES = ["leaf01", "a.b-c_d", "x", "s\u00e9", "n/1", "Leaf-01!", "na me", "\u4e2d\u6587", "1", "-"]


def _config_line(draw, words=_WORDS) -> str:
    from hypothesis import strategies as st

    lead = draw(st.sampled_from(["", "", " ", "  ", "\t"]))
    word = draw(st.sampled_from(words))
    gap = draw(st.sampled_from(_GAPS))
    name = draw(st.sampled_from(_NAMES))
    tail = draw(st.sampled_from(["", "", " ", "\t", " extra", "  ", " !"]))
    return lead + word + gap + name + tail


def test_names_read_from_the_text_match_the_parsers_on_reshaped_lines():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from diag.devices import declared_names, declared_serial
    from diag.split import split_lines

    @st.composite
    def capture(draw):
        config = [_config_line(draw) for _ in range(draw(st.integers(1, 6)))]
        version = [_config_line(draw, ["Device name:", "Device name:", "Device name :", "device name:",
                                       "Processor Board ID", "Processor board ID", "Processor Board  ID"])
                   for _ in range(draw(st.integers(0, 3)))]
        text = (["sw# show running-config", "!Command: show running-config", "version 9.3(5)"] + config
                + ["sw# show version", "Cisco Nexus Operating System (NX-OS) Software",
                   "  NXOS: version 9.3(5)"] + version + ["sw#"])
        return text

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(capture())
    def check(text):
        result = split_lines(list(enumerate(text, 1)), "x.txt")
        for section in result.sections:
            assert declared_names(section) == _names_the_parsers_read(section), text
            assert declared_serial(section) == _serial_the_parser_reads(section), text

    check()


# -- several configurations in one file --------------------------------------------------

def _config(host: str, extra: str = "") -> str:
    return (f"!Command: show running-config\n!Time: Tue Oct 10 14:03:10 2023\n\nversion 9.3(8)\nhostname {host}\n"
            f"{extra}callhome\n  enable\nline console\nline vty\n")


@pytest.mark.parametrize("first_prompt", [False, True])
@pytest.mark.parametrize("between", ["", "\n", "\n\n==> sw20.cfg <==\n", "\n!\n"])
def test_configurations_of_two_switches_in_one_file_are_two_devices(tmp_path, between, first_prompt):
    """Configuration files joined (cat, tail, a paste of several): each '!Command:' header
    after a configuration's own lines starts another configuration, named by its own
    hostname, whatever stands between them (found on repositories and TAC cases)."""
    first = ("sw19# show running-config\n" if first_prompt else "") + _config("sw19", "ip name-server 10.0.0.53\n")
    text = first + between + _config("sw20")
    path = tmp_path / "both.cfg"
    path.write_text(text)
    devs = by_name(devices(str(path)))
    assert set(devs) == {"sw19", "sw20"}
    lines = text.splitlines()
    sw20 = [lines[no - 1] for s in devs["sw20"].sections for no, _ in s.lines]
    assert "hostname sw20" in sw20 and "hostname sw19" not in sw20 and "ip name-server 10.0.0.53" not in sw20
    assert [f.get("server") for f in devs["sw19"].store.get("config.name_server")] == ["10.0.0.53"]
    assert not devs["sw20"].store.get("config.name_server")


def test_one_configuration_with_its_header_twice_at_the_top_stays_one(tmp_path):
    """A header repeated before any line of the configuration (a tool's and the switch's own)
    opens nothing."""
    path = write(tmp_path, "one.cfg", "!Command: show running-config\n" + _config("sw19"))
    (dev,) = devices(path)
    assert dev.name == "sw19" and len(dev.sections) == 1


# -- switches of one name told apart by their serial numbers ---------------------------------

_EXPIRED = ("Smart Licensing is ENABLED\n\nRegistration:\n  Status: UNREGISTERED\n\n"
            "License Authorization:\n  Status: EVAL EXPIRED on Feb 20 10:00:00 2024 UTC\n")
_AUTHORIZED = ("Smart Licensing is ENABLED\n\nRegistration:\n  Status: REGISTERED\n\n"
               "License Authorization:\n  Status: AUTHORIZED on Feb 22 16:15:44 2024 UTC\n")


def _visit(serial: str | None, status: str, clock: str, prompt: str = "switch") -> str:
    version = ("" if serial is None else
               f"{prompt}# show version\nCisco Nexus Operating System (NX-OS) Software\n  NXOS: version 9.3(10)\n"
               f"Hardware\n  cisco Nexus9000 C93180YC-FX Chassis\n  Processor Board ID {serial}\n")
    return (f"{version}{prompt}# show clock\n10:0{clock}:00.000 UTC Fri Mar 01 2024\n"
            f"{prompt}# show license status\n{status}\n{prompt}# exit\n")


def _states(devs) -> dict[str, set]:
    return {name: {f.get("status") for f in d.store.get("license.authorization")} for name, d in devs.items()}


@pytest.mark.parametrize("where", ["one session", "two files"])
@pytest.mark.parametrize("version_after", [False, True])
def test_two_factory_default_switches_are_told_apart_by_serial(tmp_path, where, version_after):
    """Factory-default switches are all 'switch': one session log visiting two of them, or a
    file of each, makes two devices when their show version shows two serial numbers, each
    with its own outputs (the first switch's expired evaluation is not history of the
    second's later, healthy output). A name's outputs above its show version are its too."""
    first, second = _visit("FDO11111111", _EXPIRED, "0"), _visit("FDO22222222", _AUTHORIZED, "2")
    if version_after:  # show version run last on each switch
        first, second = (re.sub(r"(?s)^(switch# show version.*?)(switch# show clock.*?)(switch# exit\n)$",
                                r"\2\1\3", part) for part in (first, second))
    if where == "one session":
        paths = [write(tmp_path, "s.log", "ops@jump:~$ ssh admin@10.1.1.11\n" + first
                       + "ops@jump:~$ ssh admin@10.1.1.12\n" + second)]
    else:
        paths = [write(tmp_path, "a.txt", first), write(tmp_path, "b.txt", second)]
    devs = by_name(devices(*paths))
    assert _states(devs) == {"switch (FDO11111111)": {"EVAL EXPIRED"}, "switch (FDO22222222)": {"AUTHORIZED"}}


def test_one_switch_captured_twice_stays_one_device(tmp_path):
    """The same serial again (a capture repeated after a fix): one device, the later output current."""
    a = write(tmp_path, "a.txt", _visit("FDO11111111", _EXPIRED, "0"))
    b = write(tmp_path, "b.txt", _visit("FDO11111111", _AUTHORIZED, "2"))
    (dev,) = devices(a, b)
    assert dev.name == "switch"


def test_a_capture_without_serial_of_a_name_with_two_is_a_device_of_its_own(tmp_path):
    """Nothing says which of the two switches a third capture without show version is."""
    a = write(tmp_path, "a.txt", _visit("FDO11111111", _EXPIRED, "0"))
    b = write(tmp_path, "b.txt", _visit("FDO22222222", _AUTHORIZED, "2"))
    c = write(tmp_path, "c.txt", _visit(None, _AUTHORIZED, "4"))
    from diag.devices import file_device_name

    devs = by_name(devices(a, b, c))
    assert set(devs) == {"switch (FDO11111111)", "switch (FDO22222222)", f"switch ({file_device_name(c)})"}
    assert _states(devs)["switch (FDO11111111)"] == {"EVAL EXPIRED"}


def test_a_login_without_serial_in_a_session_of_two_switches_is_named_by_its_place(tmp_path):
    text = ("ops@jump:~$ ssh admin@10.1.1.11\n" + _visit("FDO11111111", _EXPIRED, "0")
            + "ops@jump:~$ ssh admin@10.1.1.12\n" + _visit("FDO22222222", _AUTHORIZED, "2")
            + "ops@jump:~$ ssh admin@10.1.1.13\n" + _visit(None, _AUTHORIZED, "4"))
    from diag.devices import file_device_name

    path = write(tmp_path, "s.log", text)
    devs = by_name(devices(path))
    assert set(devs) == {"switch (FDO11111111)", "switch (FDO22222222)", "switch (10.1.1.13)"}
    # without the jump host's lines, the login is named by its place in the file
    devs = by_name(devices(write(tmp_path, "t.log", text.replace("ops@jump:~$ ssh admin@10.1.1.13\n", ""))))
    assert set(devs) == {"switch (FDO11111111)", "switch (FDO22222222)",
                         f"switch ({file_device_name(str(tmp_path / 't.log'))} login 3)"}, set(devs)


# -- switches of one name told apart by the host a session log reached them through -------------

@pytest.mark.parametrize("cmd, target", [
    ("ssh admin@10.1.1.12", "10.1.1.12"),
    ("ssh 10.1.1.12", "10.1.1.12"),
    ("ssh -p 2222 admin@10.1.1.12", "10.1.1.12"),
    ("ssh -l admin -o StrictHostKeyChecking=no leaf-b.example.net", "leaf-b.example.net"),
    ("ssh -4 -A admin@leaf-b", "leaf-b"),
    ("ssh admin@10.1.1.12 vrf management", "10.1.1.12"),
    ("telnet 10.1.1.12", None),  # read as a test of a path (parsers/probes)
    ("telnet tools.cisco.com 443 vrf management", None),
    ("ssh", None),
    ("ssh -p 22", None),
    ("show ssh server", None),
])
def test_the_host_a_login_goes_to(cmd, target):
    from diag.split import hop_target

    assert hop_target(cmd) == target


_JUMPS = ["ops@jump:~$ ", "[ops@jump ~]$ ", "jump% ", "ops@jump:~$", "C:\\Users\\ops> "]


@pytest.mark.parametrize("shell", _JUMPS)
@pytest.mark.parametrize("leave", ["switch# exit\nConnection to {ip} closed.\n", "switch# exit\n", ""])
@pytest.mark.parametrize("crlf", [False, True])
def test_one_session_reaching_two_switches_of_one_name_is_two_devices(tmp_path, shell, leave, crlf):
    """A jump host's session log that logs in to two factory-default switches (both
    'switch', no show version): one device per host it reached them through, each with its
    own outputs (the first one's expired evaluation is not history of the second's)."""
    text = ""
    for ip, status, minute in (("10.1.1.11", _EXPIRED, "0"), ("10.1.1.12", _AUTHORIZED, "2")):
        visit = _visit(None, status, minute).replace("switch# exit\n", "")
        text += f"{shell}ssh admin@{ip}\nUser Access Verification\n{visit}" + leave.format(ip=ip)
    if crlf:
        text = text.replace("\n", "\r\n")
    path = tmp_path / "jump.log"
    path.write_bytes(text.encode())
    devs = by_name(devices(str(path)))
    assert _states(devs) == {"switch (10.1.1.11)": {"EVAL EXPIRED"}, "switch (10.1.1.12)": {"AUTHORIZED"}}


def test_a_switch_reaching_another_of_its_name_from_its_prompt(tmp_path):
    text = (_visit(None, _EXPIRED, "0").replace("switch# exit\n", "")
            + "switch# ssh admin@10.1.1.12 vrf management\nPassword:\n" + _visit(None, _AUTHORIZED, "2"))
    devs = by_name(devices(write(tmp_path, "s.log", text)))
    from diag.devices import file_device_name

    assert _states(devs) == {f"switch ({file_device_name(str(tmp_path / 's.log'))} login 1)": {"EVAL EXPIRED"},
                             "switch (10.1.1.12)": {"AUTHORIZED"}}


@pytest.mark.parametrize("second", ["10.1.1.11", "10.1.1.12"])
def test_logins_to_switches_of_two_names_or_to_one_switch_twice_keep_their_plain_names(tmp_path, second):
    """Hops change nothing where names already tell switches apart, or where one host is
    reached twice (a login again after a change)."""
    name = "leaf02" if second == "10.1.1.12" else "switch"
    text = ("ops@jump:~$ ssh admin@10.1.1.11\n" + _visit(None, _EXPIRED, "0")
            + f"ops@jump:~$ ssh admin@{second}\n" + _visit(None, _AUTHORIZED, "2", prompt=name))
    devs = by_name(devices(write(tmp_path, "s.log", text)))
    assert set(devs) == ({"switch", "leaf02"} if name == "leaf02" else {"switch"})
