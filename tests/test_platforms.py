"""Other platforms' output (diag.platforms): recognised from lines only they print, judged by no
NX-OS rule, reported once (capture-not-nxos) or refused when nothing NX-OS is left; NX-OS
output that looks alike (the Smart Agent's blocks) stays NX-OS."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import RULES, SAMPLES, SYSTEM_NOW
from diag.api import Options, analyze
from diag.capture import lines_from_text
from diag.cli import cli
from diag.errors import DiagError
from diag.inputs import read_sections
from diag.platforms import _START, BULK, MARKERS, NEEDLES, is_nxos_line, marker_of, may_mark
from diag.split import split_lines


def marks(text: str):
    result = split_lines(lines_from_text(textwrap.dedent(text).lstrip("\n")), "cap.txt")
    return [(m.host, m.line, m.marker.platform) for m in result.marks]


def line_of(text: str, needle: str) -> int:
    """The number of the first line of ``text`` (as ``marks`` and ``write`` read it) holding ``needle``."""
    lines = textwrap.dedent(text).lstrip("\n").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return str(path)


# Outputs written here in the shapes each platform prints.
IOSXE_VERSION = """
    dist-sw2#show version
    Cisco IOS XE Software, Version 17.09.04a
    Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.9.4a, RELEASE SOFTWARE (fc3)
    Technical Support: http://www.cisco.com/techsupport
    ROM: IOS-XE ROMMON
    dist-sw2 uptime is 41 weeks, 2 days, 3 hours, 12 minutes
    """
IOSXE_STATUS = """
    dist-sw2#show license status
    Load for five secs: 3%/0%; one minute: 2%; five minutes: 2%
    Time source is NTP, 09:14:03.552 UTC Tue Sep 10 2024

    Utility:
      Status: DISABLED

    Smart Licensing Using Policy:
      Status: ENABLED

    Transport:
      Type: Callhome

    Usage Reporting:
      Last ACK received: <none>
      Next ACK deadline: Jun 01 09:00:00 2024 UTC
      Reporting push interval: 30  days
      Next ACK push check: <none>
      Next report push: Sep 11 09:00:00 2024 UTC
      Last report push: <none>
      Last report file write: <none>
    dist-sw2#
    """
# An NX-OS 10.2 SLP status: the same blocks as IOS XE's, and a Nexus product ID.
NXOS_SLP = """
    leaf21# show license status

    Utility:
      Status: DISABLED

    Smart Licensing Using Policy:
      Status: ENABLED

    Transport:
      Type: Smart
      URL: https://smartreceiver.cisco.com/licservice/license
      Proxy:
        Not Configured
      VRF:
        management

    Usage Reporting:
      Last ACK received: <none>
      Next ACK deadline: Jun 01 09:00:00 2024 UTC
      Reporting push interval: 30  days
      Next ACK push check: <none>
      Next report push: Sep 11 09:00:00 2024 UTC
      Last report push: <none>
      Last report file write: <none>

    Trust Code Installed:
      Active: PID:N9K-C93180YC-FX3,SN:FDO27110ABC
        INSTALLED on May 02 09:00:00 2024 UTC
    leaf21# show clock
    09:14:03.552 UTC Tue Sep 10 2024
    leaf21#
    """
NXOS_VERSION = """
    leaf21# show version
    Cisco Nexus Operating System (NX-OS) Software
    TAC support: http://www.cisco.com/tac
    Copyright (C) 2002-2023, Cisco and/or its affiliates.
    All rights reserved.

    Software
      BIOS: version 05.47
      NXOS: version 10.2(6)
      NXOS image file is: bootflash:///nxos64-cs.10.2.6.M.bin

    Hardware
      cisco Nexus9000 C93180YC-FX3 Chassis
      Device name: leaf21
    """


# -- which lines show a platform ----------------------------------------------------------------

@pytest.mark.parametrize("line, platform", [
    ("Cisco IOS XE Software, Version 17.09.04a", "IOS XE"),
    ("Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8", "IOS"),
    ("Cisco IOS XR Software, Version 7.5.2", "IOS XR"),
    ("RP/0/RP0/CPU0:Sep 25 23:25:32.821 UTC: smartlicserver[186]: %LICENSE-6-X : y", "IOS XR"),
    ("Cisco Adaptive Security Appliance Software Version 9.18(3)", "ASA"),
    ("Cisco Firepower Extensible Operating System (FX-OS) Software", "FXOS"),
    ("Load for five secs: 3%/0%; one minute: 2%; five minutes: 2%", "IOS XE"),
    ("Current call home settings:", "IOS XE"),
    ("Current smart-licensing transport settings:", "IOS XE"),
    ("    Profile mode: Full Reporting", "IOS XE"),
    ("    Reporting Data: Smart Call Home, Smart Licensing", "IOS XE"),
    ("call-home", "IOS XE"),
    ("Building configuration...", "IOS XE"),
    ("Current configuration : 9734 bytes", "IOS XE"),
    ("UDI: PID:C9300-48P,SN:FOC2233X1AB", "IOS XE"),
    ("  Active: PID:C9500-32C,SN:FDO2233X1AB", "IOS XE"),
    ("    Standby:PID:C9407R,SN:FXS2119Q2U7", "IOS XE"),
    ("UDI: PID:CSR1000V,SN:9ABCDEF1234", "IOS XE"),
    ("  network-advantage       (C9300-24 Network Advan...)       2 IN USE", "IOS XE"),
    ("  License: dna-essentials", "IOS XE"),
    ("                          (C9200L-NW-E-48)                  1 EVAL MODE", "IOS XE"),
    ("  C9200L Network Essen... (C9200L-NW-E-24)                  1 AUTHORIZED", "IOS XE"),
    ("*Jul 13 07:40:51.254: %SMART_LIC-6-AGENT_ENABLED: Smart Agent for Licensing is enabled", "IOS XE"),
    ("000217: *Mar  3 09:13:02.770: %SMART_LIC-6-AGENT_ENABLED: x", "IOS XE"),
    ("Mar  3 2023 10:01:15.006 UTC: %SMART_LIC-5-COMM_RESTORED: x", "IOS XE"),
])
def test_lines_only_another_platform_prints(line: str, platform: str):
    marker = marker_of(line)
    assert marker is not None and marker.platform == platform, line
    assert not is_nxos_line(line)


# NX-OS lines, the Smart Agent's blocks every platform prints alike, and text that merely
# mentions another platform: never a marker.
NEAR_MISSES = [
    "Cisco Nexus Operating System (NX-OS) Software", "Cisco NX-OS Software", "  NXOS: version 9.3(8)",
    "  cisco Nexus9000 C93180YC-EX Chassis", "callhome", "  destination-profile CiscoTAC-1 transport-method http",
    "callhome enabled", "CiscoTAC-1 destination profile information", "Smart Licensing Using Policy:",
    "Smart Licensing is ENABLED", "  Status: REGISTERED", "Transport:", "  Type: Callhome", "Account Information:",
    "  Smart Account: Contoso As of Jun 03 09:41:22 2024 UTC", "Trust Code Installed: <none>",
    "  Active: PID:N9K-C9364C-GX,SN:FDO25140A2L", "UDI: PID:N9K-C93600CD-GX,SN:FDO25140QJW",
    "UDI: PID:N77-C7706,SN:JAF1234ABCD", "UDI: PID:DS-C9148T-K9,SN:JAF1234ABCD",
    "  NX-OS essentials licens... (NXOS_ESSENTIALS_GX)          1 IN USE",
    "(LAN_ENTERPRISE_SERVICES_PKG):", "License Usage:", "Product Information", "Smart Licensing Status",
    "2023 Mar  3 09:12:44 leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: Communications failure",
    "2021 Jan 29 06:40:54  %$ VDC-1 %$ %USER-2-SYSTEM_MSG: <<%SMART_LIC-3-COMM_FAILED>> x",
    "Nov  8 13:45:10 dc-east-spine-01 %AUTHPRIV-6-SYSTEM_MSG: pam_unix(sshd:session): session opened",
    "%SMART_LIC-3-COMM_FAILED: Communications failure with the Cisco Smart Software Manager (CSSM)",
    "  description uplink to call-home relay", "license smart transport smart", "ip http client source-interface mgmt0",
    "! migrated from Cisco IOS XE Software, Version 16.12", "Site notes: the Catalyst C9300-48P next door",
    "leaf01# show call-home", "  email-contact callhome@contoso.example",
]


@pytest.mark.parametrize("line", NEAR_MISSES)
def test_nxos_and_shared_lines_are_no_marker(line: str):
    assert marker_of(line) is None, line


def test_every_marker_has_an_example_above_and_passes_the_cheap_tests():
    """Each kind of line in diag.platforms is tested by one of the lines above, and each passes
    the tests that spare the other lines the markers' pattern (a needle, how it starts)."""
    examples = [line for line, _ in test_lines_only_another_platform_prints.pytestmark[0].args[1]]
    covered = {marker_of(line) for line in examples}
    assert set(MARKERS) <= covered, [m.what for m in set(MARKERS) - covered]
    for line in examples:
        assert may_mark(line) and _START.match(line), line
        assert may_mark("some line before\n" + line + "\nsome line after")
    for needles in BULK.values():
        assert set(needles) <= set(NEEDLES)


def test_marks_deep_in_long_outputs_read_in_runs(tmp_path):
    """Lines given to the splitter in runs (a long configuration, a log) are looked at too."""
    config = ["!Command: show running-config", "version 9.3(8)"] + [f"interface Ethernet1/{i}" for i in range(1, 400)]
    path = write(tmp_path, "big.txt", "leaf01# show running-config\n" + "\n".join(config) + "\n")
    assert read_sections(path)[0].foreign is None
    path = write(tmp_path, "big.txt", "dist-sw2#show running-config\nBuilding configuration...\n\n"
                 + "\n".join(config[2:]) + "\ncall-home\n contact-email-addr noc@contoso.example\n")
    assert read_sections(path)[0].foreign.startswith('Cisco IOS XE output (line 2: "Building configuration..."')
    path = write(tmp_path, "big.txt", "dist-sw2#show running-config\n" + "\n".join(config[2:])
                 + "\ncall-home\n contact-email-addr noc@contoso.example\n")
    assert read_sections(path)[0].foreign.startswith(f'Cisco IOS XE output (line {len(config)}: "call-home"')
    log = [f"2023 Mar  3 09:12:{i % 60:02d} leaf01 %LICMGR-6-X: licensing event {i}" for i in range(300)]
    path = write(tmp_path, "log.txt", "leaf01# show logging logfile\n" + "\n".join(log) + "\n")
    assert read_sections(path)[0].foreign is None
    path = write(tmp_path, "log.txt", "leaf01# show logging logfile\n" + "\n".join(log)
                 + "\n*Mar  3 09:13:02.770: %SMART_LIC-6-AGENT_ENABLED: Smart Agent for Licensing is enabled\n")
    assert read_sections(path)[0].foreign.startswith(f"Cisco IOS XE output (line {len(log) + 2}: ")


def test_no_capture_of_the_project_shows_another_platform():
    """The NX-OS captures of every rule, sample and parser golden are read as NX-OS; the two
    written as other platforms' output are the exceptions."""
    expected = {RULES / "tool" / "capture-not-nxos.hit.txt",
                Path(__file__).parent / "parsers" / "show_logging" / "ios_style_and_bare.raw"}
    files = [p for root in (RULES, SAMPLES, Path(__file__).parent / "parsers") for p in sorted(root.rglob("*"))
             if p.suffix in (".txt", ".raw", ".log", ".gz")]
    shown = {p for p in files if read_sections(str(p))[0].foreign is not None}
    assert shown == expected
    assert len(files) > 100


# -- the splitter notes the best line of each switch ---------------------------------------------

def test_show_version_banner_names_the_switch_better_than_the_header():
    both = IOSXE_STATUS + IOSXE_VERSION
    banner = line_of(both, "Cisco IOS XE Software")
    assert banner > 20 and marks(both) == [("dist-sw2", banner, "IOS XE")]  # not line 2 (Load for...)
    assert marks(IOSXE_STATUS) == [("dist-sw2", 2, "IOS XE")]


def test_ios_banner_then_ios_xe_banner_is_ios_xe():
    assert marks("""
        Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.9.4a
        Cisco IOS XE Software, Version 17.09.04a
        """) == [(None, 2, "IOS XE")]
    assert marks("Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8\n") == [
        (None, 1, "IOS")]


def test_one_mark_per_switch():
    text = "".join(textwrap.dedent(part) for part in (IOSXE_VERSION, NXOS_VERSION, """
        RP/0/RP0/CPU0:xr-pe1#show version
        Cisco IOS XR Software, Version 7.5.2
        """))
    # IOS XR's banner is a better line than its node name in the prompt above it
    assert marks(text) == [("dist-sw2", 2, "IOS XE"), ("xr-pe1", line_of(text, "Cisco IOS XR Software"), "IOS XR")]


def test_nxos_outputs_show_no_other_platform():
    assert marks(NXOS_SLP + NXOS_VERSION) == []


def test_a_command_only_another_platform_has_is_a_mark_once_answered():
    answered = marks("""
        dist-sw2#show call-home
        Current call home settings:
            call home feature : enable
        dist-sw2#sh call-home smart-licensing

        Smart-license messages: enabled
        """)
    assert answered == [("dist-sw2", 2, "IOS XE")]  # its answer, a better line than the command
    assert marks("dist-sw2#sh call-home smart-licensing\n\n Smart-license messages: enabled\n") == [
        ("dist-sw2", 1, "IOS XE")]
    rejected = marks("""
        leaf13# show call-home
                          ^
        % Invalid command at '^' marker.
        leaf13# show license tech support

        % Invalid command at '^' marker.
        leaf13# show call-home
        leaf13# show callhome
        callhome enabled
        leaf13# show call-home
        Smart Licensing is ENABLED
        leaf13# show call-home
        Cisco Nexus Operating System (NX-OS) Software
        """)
    assert rejected == []


# -- devices: judged by no NX-OS rule, reported once; a mixed device stays NX-OS ------------------

def test_refused_when_nothing_nxos_is_left(tmp_path):
    path = write(tmp_path, "cat9k.txt", IOSXE_STATUS + IOSXE_VERSION)
    with pytest.raises(DiagError) as exc:
        analyze([path], Options(system_now=SYSTEM_NOW))
    banner = line_of(IOSXE_STATUS + IOSXE_VERSION, "Cisco IOS XE Software")
    assert str(exc.value) == (
        f'{path}: looks like Cisco IOS XE output (line {banner}: "Cisco IOS XE Software, Version 17.09.04a", the first '
        "line of an IOS XE show version), not Cisco NX-OS; diag reads Cisco NX-OS captures")


def test_refused_when_only_another_platforms_lines_were_recognised(tmp_path):
    a = write(tmp_path, "a.txt", "Current call home settings:\n    call home feature : enable\n")
    b = write(tmp_path, "b.txt", "just a note\n")
    with pytest.raises(DiagError) as exc:
        analyze([a, b], Options(system_now=SYSTEM_NOW))
    assert str(exc.value).startswith(f'{a}: looks like Cisco IOS XE output (line 1: "Current call home settings:"')


def test_beside_a_nexus_another_platform_is_one_info_finding(tmp_path):
    cat = write(tmp_path, "cat9k.txt", IOSXE_STATUS + IOSXE_VERSION)
    nexus = write(tmp_path, "leaf21.txt", NXOS_SLP + NXOS_VERSION)
    alone = analyze([nexus], Options(system_now=SYSTEM_NOW))
    report = analyze([cat, nexus], Options(system_now=SYSTEM_NOW))
    assert [d.name for d in report.devices] == ["dist-sw2", "leaf21"]
    cat_dev, nexus_dev = report.devices
    assert cat_dev.platform == "Cisco IOS XE, not NX-OS" and cat_dev.release is None and cat_dev.mode == "unknown"
    ours = [f for f in report.findings if f.device == "dist-sw2"]
    banner = line_of(IOSXE_STATUS + IOSXE_VERSION, "Cisco IOS XE Software")
    assert [(f.rule_id, f.severity, f.confidence, f.line) for f in ours] == [
        ("capture-not-nxos", "info", "high", banner)]
    assert ours[0].evidence[0].text == "Cisco IOS XE Software, Version 17.09.04a"
    assert "no NX-OS rule judged this device" in ours[0].message
    assert not [n for n in report.outcome.not_evaluated if n.device == "dist-sw2"]
    assert not [c for c in report.outcome.collect_next if c.device == "dist-sw2"]
    # the SLP status it showed would fire slp-ack-overdue on a Nexus: the Nexus beside it is judged as alone
    assert "slp-ack-overdue" in {f.rule_id for f in alone.findings}
    assert [(f.rule_id, f.line) for f in report.findings if f.device == "leaf21"] == [
        (f.rule_id, f.line) for f in alone.findings]
    assert nexus_dev.release is not None and "not NX-OS" not in (nexus_dev.platform or "")


def test_a_device_that_also_shows_nxos_lines_is_judged_as_nxos(tmp_path):
    """Outputs of two switches pasted without prompts are one device: a line only NX-OS prints
    keeps it NX-OS (its findings are not hidden), and the finding says what was done."""
    slp = textwrap.dedent(NXOS_SLP).replace("leaf21# show clock\n09:14:03.552 UTC Tue Sep 10 2024\n", "")
    body = "\n".join(line for line in slp.splitlines() if not line.startswith("leaf21#"))
    version = "\n".join(line for line in textwrap.dedent(NXOS_VERSION).splitlines() if not line.startswith("leaf21#"))
    path = write(tmp_path, "paste.txt", "Current call home settings:\n    call home feature : enable\n\n"
                 + body + "\n" + version + "\n")
    # judged at the clock the pasted 'show clock' (left out) read: without it, the capture
    # time would be estimated from the newest event the output reports (the trust code
    # installed on May 02 2024, before the ACK deadline of Jun 01)
    now = dt.datetime(2024, 9, 10, 9, 14, tzinfo=dt.timezone.utc)
    report = analyze([path], Options(system_now=SYSTEM_NOW, now=now))
    [device] = report.devices
    assert device.release is not None and device.mode == "slp"
    ids = [f.rule_id for f in report.findings]
    assert "capture-not-nxos" in ids and "slp-ack-overdue" in ids
    finding = next(f for f in report.findings if f.rule_id == "capture-not-nxos")
    assert finding.line == 1 and "still judged as NX-OS" in finding.message


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([line for line in NEAR_MISSES if "#" not in line]
                                + ["", "Registration:", "  Status: AUTHORIZED", "leaf01# show license status"]),
                min_size=1, max_size=30))
def test_nxos_looking_text_is_never_called_another_platform(lines):
    result = split_lines(list(enumerate(lines, start=1)), "cap.txt")
    assert result.marks == []


def test_pre_commit_context_reports_instead_of_refusing(tmp_path):
    path = write(tmp_path, "cat9k.cfg", """
        Building configuration...

        Current configuration : 1234 bytes
        hostname dist-sw2
        call-home
         contact-email-addr noc@contoso.example
         profile "CiscoTAC-1"
          destination transport-method http
        end
        """)
    report = analyze([path], Options(system_now=SYSTEM_NOW, context=(str(tmp_path),)))
    assert [f.rule_id for f in report.findings] == ["capture-not-nxos"]
    assert report.findings[0].line == 1


# -- the command line: exit codes ---------------------------------------------------------------

def test_cli_exit_2_with_one_line_when_nothing_nxos_is_left(tmp_path):
    path = write(tmp_path, "xr.log", """
        RP/0/RP0/CPU0:xr-pe1#show logging | include SMART_LIC
        RP/0/RP0/CPU0:Sep 25 23:25:34.886 UTC: smartlicserver[186]: %SMART_LIC-6-AGENT_ENABLED: Smart Agent enabled
        """)
    res = CliRunner().invoke(cli, ["check", path])
    assert res.exit_code == 2
    assert res.output.count("\n") == 1 and "looks like Cisco IOS XR output (line 1:" in res.output
    assert "diag reads Cisco NX-OS captures" in res.output


def test_cli_info_finding_does_not_fail_the_run_by_itself(tmp_path):
    cat = write(tmp_path, "cat9k.txt", IOSXE_VERSION)
    nexus = write(tmp_path, "leaf21.txt", NXOS_VERSION)
    res = CliRunner().invoke(cli, ["check", "-f", "json", cat, nexus])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert [(f["rule_id"], f["device"], f["line"]) for f in report["findings"]] == [("capture-not-nxos", "dist-sw2", 2)]
    res = CliRunner().invoke(cli, ["check", "--fail-on", "info", cat, nexus])
    assert res.exit_code == 1


# -- IOS-style prompts: a hint, never a verdict (capture-platform-unsure) ------------------------

STATUS_BODY = """\
Smart Licensing is ENABLED

Registration:
  Status: UNREGISTERED
  Export-Controlled Functionality: NOT ALLOWED

License Authorization:
  Status: EVAL MODE
  Evaluation Period Remaining: 61 days, 3 hours, 12 minutes, 40 seconds
"""


def _unsure(tmp_path: Path, text: str) -> list[tuple[str, int, str]]:
    report = analyze([write(tmp_path, "cap.txt", text)], Options(system_now=SYSTEM_NOW))
    return [(f.rule_id, f.line, f.confidence) for f in report.findings if f.rule_id.startswith("capture-")]


@pytest.mark.parametrize("prompt", ["csr1#show license status", "csr1#sh lic status", "c1000v-5#show license status",
                                    "csr1>show license status", "csr1> show license status",
                                    "csr1#show license status" + " " * 100])
def test_an_ios_style_prompt_is_a_low_confidence_note_on_a_judged_device(tmp_path, prompt):
    """The command right after '#', or a user-mode '>' prompt: NX-OS prints neither, a person
    may type either. The device is still judged (its EVAL MODE finding stays), and the note
    points at the prompt."""
    report = analyze([write(tmp_path, "cap.txt", prompt + "\n" + STATUS_BODY)], Options(system_now=SYSTEM_NOW))
    ids = {f.rule_id: f for f in report.findings}
    assert "capture-not-nxos" not in ids
    note = ids["capture-platform-unsure"]
    assert (note.line, note.severity, note.confidence) == (1, "info", "low")
    assert note.evidence[0].text == prompt.strip()
    assert len(ids) > 1, "the NX-OS rules still judged the device"
    assert report.devices[0].platform is None or "not NX-OS" not in report.devices[0].platform


@pytest.mark.parametrize("prompt", ["leaf01# show license status", "leaf01(config)#show license status",
                                    "leaf01#", "leaf01# "])
def test_nxos_prompts_are_no_hint(tmp_path, prompt):
    assert _unsure(tmp_path, prompt + "\n" + STATUS_BODY) == []


def test_a_line_only_nxos_prints_silences_the_hint(tmp_path):
    """An NX-OS example typed by hand without the space: its show version or callhome block
    proves the platform, and nothing is said."""
    version = "\n".join(line.replace("leaf21# ", "leaf21#") for line in textwrap.dedent(NXOS_VERSION).splitlines())
    assert _unsure(tmp_path, version + "\nleaf21#show license status\n" + STATUS_BODY) == []
    assert _unsure(tmp_path, "n9k#show running-config callhome\ncallhome\n  email-contact a@b.example\n"
                             "  enable\n") == []


def test_a_line_only_another_platform_prints_outranks_the_hint(tmp_path):
    """The prompt came first, the IOS XE banner after it: the banner is the verdict."""
    text = "rtr#show license status\n" + STATUS_BODY + "rtr#show version\n" + textwrap.dedent(IOSXE_VERSION).lstrip("\n").split("\n", 1)[1]
    with pytest.raises(DiagError) as exc:  # nothing NX-OS is left: refused, naming the banner
        _unsure(tmp_path, text)
    assert f"(line {text.splitlines().index('Cisco IOS XE Software, Version 17.09.04a') + 1}: " in str(exc.value)
    # beside a Nexus, the one finding is the verdict, not the hint
    both = text + textwrap.dedent(NXOS_VERSION).lstrip("\n")
    found = _unsure(tmp_path, both)
    assert [(r, c) for r, _, c in found] == [("capture-not-nxos", "high")], found


@settings(max_examples=40, deadline=None)
@given(host=st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{1,20}", fullmatch=True).filter(lambda h: h[-1].isalnum()),
       command=st.sampled_from(["show license status", "sh license status", "show lic all", "show license summary"]),
       spaced=st.booleans())
def test_the_hint_follows_the_space_after_the_prompt(host, command, spaced):
    """The family: any host name, any form of the command; a space after '#' is NX-OS's."""
    text = f"{host}#{' ' if spaced else ''}{command}\n" + STATUS_BODY
    result = split_lines(lines_from_text(text), "cap.txt")
    hints = [(m.line, m.marker.rank) for m in result.marks]
    assert hints == ([] if spaced else [(1, -1)])
