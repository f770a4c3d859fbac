"""Scenarios of TechNote 217965's known issues (and their neighbours) on the captures engineers
really paste: filtered outputs (``| include``, ``| section``, ``| egrep``) and whole
configurations without a header. Each scenario fires where the capture shows the problem,
on its line, stays silent on the near miss, and is *not evaluated* (never passed) where
what was captured cannot settle it, asking for the command that would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SYSTEM_NOW
from diag.api import Options, analyze
from diag.config import glob_patterns

HTTPS = "https://tools.cisco.com/its/service/oddce/services/DDCEService"
PLAIN = "http://tools.cisco.com/its/service/oddce/services/DDCEService"


def run(tmp_path: Path, text: str, name: str = "capture.txt", whole: tuple[str, ...] = ()):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    options = Options(system_now=SYSTEM_NOW, whole_config=glob_patterns(list(whole), tmp_path, "test"))
    return analyze([str(path)], options), text.splitlines()


def fired(report, rule_id: str) -> list:
    return [f for f in report.findings if f.rule_id == rule_id]


def open_rule(report, rule_id: str):
    return next((n for n in report.outcome.not_evaluated if n.rule_id == rule_id), None)


def line_of(lines: list[str], needle: str) -> int:
    return next(i for i, text in enumerate(lines, 1) if needle in text)


def assert_evidence_is_the_capture(report, lines: list[str]) -> None:
    for f in report.findings:
        for ev in f.evidence:
            assert ev.text == lines[ev.line - 1].strip(), (f.rule_id, ev)


# -- known issue 1: the HTTP source interface in another VRF than Call Home's ------------

HEADERLESS = """\
hostname leaf07
feature interface-vlan
ip domain-lookup
ip name-server 10.20.0.53 use-vrf management
ip http source-interface {source}
license smart enable
ntp server 10.20.0.123 use-vrf management
vrf context management
  ip route 0.0.0.0/0 10.20.0.1
interface Vlan27
  no shutdown
  ip address 10.27.0.2/24
interface mgmt0
  vrf member management
  ip address 10.20.0.21/24
callhome
  email-contact noc@example.net
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 http {url}
  transport http use-vrf management
  enable
"""


def test_ki1_fires_on_a_headerless_configuration_declared_whole(tmp_path):
    text = HEADERLESS.format(source="Vlan27", url=HTTPS)
    report, lines = run(tmp_path, text, "configs/leaf07.cfg", whole=("configs/**/*.cfg",))
    [f] = fired(report, "http-source-interface-vrf-mismatch")
    assert f.line == line_of(lines, "ip http source-interface Vlan27")
    assert "mgmt0" in f.fix
    assert_evidence_is_the_capture(report, lines)
    assert not fired(report, "ntp-missing") and open_rule(report, "ntp-missing") is None


def test_ki1_near_miss_on_a_declared_headerless_configuration_is_evaluated(tmp_path):
    report, _ = run(tmp_path, HEADERLESS.format(source="mgmt0", url=HTTPS), "leaf07.cfg", whole=("*.cfg",))
    assert not fired(report, "http-source-interface-vrf-mismatch")
    assert open_rule(report, "http-source-interface-vrf-mismatch") is None


def test_ki1_undeclared_headerless_configuration_says_how_to_declare_it(tmp_path):
    report, _ = run(tmp_path, HEADERLESS.format(source="Vlan27", url=HTTPS), "leaf07.cfg")
    assert not fired(report, "http-source-interface-vrf-mismatch")
    ne = open_rule(report, "http-source-interface-vrf-mismatch")
    assert ne is not None and ne.needs == ("show running-config",)
    assert "whole-config" in ne.reason and "--whole-config" in ne.reason and "leaf07.cfg" in ne.reason
    assert ne.to_json()["reason"] == ne.reason
    # a glob that names other files declares nothing here
    report, _ = run(tmp_path, HEADERLESS.format(source="Vlan27", url=HTTPS), "leaf07.cfg", whole=("configs/*.cfg",))
    assert open_rule(report, "http-source-interface-vrf-mismatch") is not None


def test_a_version_line_and_the_tail_make_the_same_file_whole_without_a_declaration(tmp_path):
    text = ("version 9.3(8) Bios:version 05.45\n" + HEADERLESS.format(source="Vlan27", url=HTTPS)
            + "line console\nline vty\n")
    report, _ = run(tmp_path, text, "leaf07.cfg")
    assert fired(report, "http-source-interface-vrf-mismatch")


def test_a_version_line_without_the_tail_is_whole_only_when_declared(tmp_path):
    """A file with a 'version' line that stops before 'line console'/'line vty' (every
    running-config a switch prints has them): cut, or rendered from a template. Its absences
    prove nothing unless its owner declares it whole; the reason says how."""
    text = "version 9.3(8) Bios:version 05.45\n" + HEADERLESS.format(source="Vlan27", url=HTTPS)
    report, _ = run(tmp_path, text, "leaf07.cfg")
    assert not fired(report, "http-source-interface-vrf-mismatch")
    ne = open_rule(report, "http-source-interface-vrf-mismatch")
    assert ne is not None and "line vty" in ne.reason and "--whole-config" in ne.reason
    report, _ = run(tmp_path, text, "leaf07.cfg", whole=("*.cfg",))
    assert fired(report, "http-source-interface-vrf-mismatch")


@pytest.mark.parametrize("stop", ["callhome\n", "ntp server", "interface Vlan27\n"])
def test_a_capture_cut_short_is_never_whole_even_declared(tmp_path, stop):
    """A running-config a switch printed (its prompt and header) that stops early, where a
    pager prompt cut the capture: declared whole by a glob or not, what it lacks proves nothing."""
    whole = ("leaf07# show running-config\n\n!Command: show running-config\n!Time: Tue Mar 12 13:26:48 2024\n\n"
             "version 9.3(8) Bios:version 05.45\n" + HEADERLESS.format(source="Vlan27", url=HTTPS)
             + "line console\nline vty\nleaf07# \n")
    head = whole[:whole.index(stop)]
    for declared in ((), ("*.txt",)):
        report, _ = run(tmp_path, head + " --More--\n", "cut.txt", whole=declared)
        assert not fired(report, "ntp-missing") and not fired(report, "callhome-disabled")
        ne = open_rule(report, "ntp-missing")
        assert ne is not None and "cut short" in ne.reason, ne
    report, _ = run(tmp_path, whole, "whole.txt")
    assert fired(report, "http-source-interface-vrf-mismatch")


def test_a_declared_file_without_a_hostname_stays_a_fragment(tmp_path):
    """A saved callhome section is no whole configuration, declared or not: no NTP or DNS
    finding on it."""
    text = ("callhome\n  email-contact noc@example.net\n  destination-profile CiscoTAC-1 transport-method http\n"
            "  destination-profile CiscoTAC-1 http " + HTTPS + "\n  enable\n")
    report, _ = run(tmp_path, text, "leaf07-callhome.cfg", whole=("*.cfg",))
    assert not fired(report, "ntp-missing") and open_rule(report, "ntp-missing") is not None
    assert not report.findings


FILTERED_KI1 = """\
leaf07# show running-config | include ^interface|vrf member|ip http source|^callhome|use-vrf
ip http source-interface {source}
interface Vlan27
interface mgmt0
  vrf member management
callhome
  transport http use-vrf management
leaf07# show clock
10:02:11.120 UTC Tue Mar 14 2023
leaf07#
"""


def test_ki1_fires_on_a_filter_that_shows_what_it_reads(tmp_path):
    report, lines = run(tmp_path, FILTERED_KI1.format(source="Vlan27"))
    [f] = fired(report, "http-source-interface-vrf-mismatch")
    assert f.line == line_of(lines, "ip http source-interface Vlan27")
    assert_evidence_is_the_capture(report, lines)
    report, _ = run(tmp_path, FILTERED_KI1.format(source="mgmt0"))
    assert not fired(report, "http-source-interface-vrf-mismatch")
    assert open_rule(report, "http-source-interface-vrf-mismatch") is None


def test_ki1_is_not_evaluated_on_a_filter_that_hides_the_interface_vrfs(tmp_path):
    text = FILTERED_KI1.format(source="Vlan27").replace("|vrf member", "").replace("  vrf member management\n", "")
    report, _ = run(tmp_path, text)
    assert not fired(report, "http-source-interface-vrf-mismatch")
    ne = open_rule(report, "http-source-interface-vrf-mismatch")
    assert ne is not None and "show running-config" in ne.needs
    assert any(c.command == "show running-config" and "http-source-interface-vrf-mismatch" in c.settles
               for c in report.outcome.collect_next)


# -- known issue 2: a plain-HTTP URL ------------------------------------------------------

def test_ki2_fires_on_the_line_a_filter_shows(tmp_path):
    text = (f"leaf07# sh run | i destination-profile\n"
            f"  destination-profile CiscoTAC-1 transport-method http\n"
            f"  destination-profile CiscoTAC-1 index 1 http {PLAIN}\n"
            f"leaf07#\n")
    report, lines = run(tmp_path, text)
    [f] = fired(report, "callhome-url-plain-http")
    assert f.line == line_of(lines, PLAIN)
    assert_evidence_is_the_capture(report, lines)
    report, _ = run(tmp_path, text.replace(PLAIN, HTTPS))
    assert not fired(report, "callhome-url-plain-http")


# -- known issue 4: CSCvv67469, Call Home's MTS queue stuck while DNS does not answer --------

KI4 = """\
leaf01# show clock
09:17:32.604 UTC Thu Sep 21 2023
leaf01# show running-config | include {pattern}
{config}leaf01# show system internal mts buffers summary
node    sapno   recv_q  pers_q  npers_q log_q
sup     284     0       0       3       0
sup     1397    {queue}      0       0       0
leaf01# show system internal mts sup sap 1397 description
callhome
leaf01# ping tools.cisco.com vrf management
% Invalid host/interface tools.cisco.com
leaf01#
"""
KI4_CONFIG = f"""\
callhome
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http {HTTPS}
  transport http use-vrf management
"""


def test_ki4_fires_on_a_filtered_configuration_with_the_mts_outputs(tmp_path):
    text = KI4.format(pattern="callhome|destination-profile|use-vrf", config=KI4_CONFIG, queue=42)
    report, lines = run(tmp_path, text)
    [f] = fired(report, "callhome-mts-stuck-dns-cscvv67469")
    assert f.line == line_of(lines, "sup     1397")
    assert any(ev.line == line_of(lines, "transport http use-vrf management") for ev in f.evidence)
    assert_evidence_is_the_capture(report, lines)


def test_ki4_near_miss_an_empty_queue_is_evaluated(tmp_path):
    text = KI4.format(pattern="callhome|destination-profile|use-vrf", config=KI4_CONFIG, queue=0)
    report, _ = run(tmp_path, text)
    assert not fired(report, "callhome-mts-stuck-dns-cscvv67469")
    assert open_rule(report, "callhome-mts-stuck-dns-cscvv67469") is None


def test_ki4_is_not_evaluated_when_the_filter_hides_the_callhome_vrf(tmp_path):
    """'| include destination-profile' shows the URL but not 'transport http use-vrf': the
    VRF Call Home sends in is unknown, so is whether DNS answers there: the rule is not
    evaluated, and the stuck Call Home queue (its signature) makes it a suspected finding,
    not a confirmed one."""
    config = "".join(line + "\n" for line in KI4_CONFIG.splitlines() if "destination-profile" in line)
    report, _ = run(tmp_path, KI4.format(pattern="destination-profile", config=config, queue=42))
    assert [f.status for f in fired(report, "callhome-mts-stuck-dns-cscvv67469")] == ["suspected"]
    assert open_rule(report, "callhome-mts-stuck-dns-cscvv67469") is not None


def test_ki4_fires_on_the_lines_a_filter_shows_without_their_callhome_parent(tmp_path):
    """'| include name-server|domain-lookup|http' shows the CiscoTAC-1 URL and 'transport http
    use-vrf' without the 'callhome' line: read as the callhome block's, they settle the VRF."""
    config = (f"ip domain-lookup\n"
              f"  destination-profile CiscoTAC-1 transport-method http\n"
              f"  destination-profile CiscoTAC-1 index 1 http {HTTPS}\n"
              f"  transport http use-vrf management\n")
    report, lines = run(tmp_path, KI4.format(pattern="name-server|domain-lookup|http", config=config, queue=42))
    [f] = fired(report, "callhome-mts-stuck-dns-cscvv67469")
    assert f.line == line_of(lines, "sup     1397")


# -- show license status, filtered ----------------------------------------------------------

STATUS = """\
leaf07# show license status | include Status|Attempt|Failure|Deadline
  Status: REGISTERED
  Last Renewal Attempt: SUCCEEDED on Aug 30 09:14:02 2023 UTC
  Next Renewal Attempt: Feb 26 09:14:02 2024 UTC
  Status: AUTHORIZED on Sep 15 11:30:12 2023 UTC
  Last Communication Attempt: {result} on Oct 17 08:58:40 2023 UTC
{reason}  Next Communication Attempt: Oct 17 09:58:40 2023 UTC
  Communication Deadline: Dec 14 11:24:51 2023 UTC
  Status: Not started
leaf07# show clock
10:00:00.000 UTC Tue Oct 17 2023
leaf07#
"""


def test_a_failed_communication_in_a_filtered_status_fires_on_its_line(tmp_path):
    text = STATUS.format(result="FAILED", reason="    Failure reason: Fail to send out Call Home HTTP message.\n")
    report, lines = run(tmp_path, text)
    [f] = fired(report, "communication-failed")
    assert f.line == line_of(lines, "Last Communication Attempt: FAILED")
    assert "Fail to send out Call Home HTTP message" in f.message
    assert not fired(report, "unparsed-output")
    assert_evidence_is_the_capture(report, lines)


def test_a_succeeded_communication_in_a_filtered_status_is_evaluated(tmp_path):
    report, _ = run(tmp_path, STATUS.format(result="SUCCEEDED", reason=""))
    assert not report.findings
    assert open_rule(report, "communication-failed") is None


def test_a_filter_that_hides_the_attempt_leaves_the_rule_open(tmp_path):
    text = STATUS.format(result="SUCCEEDED", reason="").replace("Status|Attempt|Failure|Deadline", "Status|Deadline")
    text = "\n".join(line for line in text.splitlines() if "Attempt:" not in line) + "\n"
    report, _ = run(tmp_path, text)
    assert not fired(report, "communication-failed")
    ne = open_rule(report, "communication-failed")
    assert ne is not None and ne.needs == ("show license status",)


def test_only_the_failed_line_shown_still_fires(tmp_path):
    text = ("leaf07# show license status | i FAILED\n"
            "  Last Communication Attempt: FAILED on Oct 17 08:58:40 2023 UTC\n"
            "leaf07#\n")
    report, lines = run(tmp_path, text)
    [f] = fired(report, "communication-failed")
    assert f.line == 2


# -- NTP and Call Home on filters: what the filter could have shown --------------------------

def test_an_empty_include_ntp_proves_there_is_no_ntp_server(tmp_path):
    text = "leaf07# show running-config | include ntp\nleaf07# show clock\n10:00:00.000 UTC Tue Oct 17 2023\n"
    report, lines = run(tmp_path, text)
    [f] = fired(report, "ntp-missing")
    assert f.line == 1 and f.evidence[0].text == lines[0]


def test_an_include_ntp_that_shows_a_server_is_a_near_miss(tmp_path):
    text = "leaf07# sh run | inc ntp\nntp server 10.20.0.123 use-vrf management\nleaf07#\n"
    report, _ = run(tmp_path, text)
    assert not fired(report, "ntp-missing") and open_rule(report, "ntp-missing") is None


@pytest.mark.parametrize("command", [
    "show running-config | include 10.20",       # a value proves nothing about other values
    "show running-config | include ntp server 10",
    "show running-config | exclude ntp",          # nor what a filter hides
    "show running-config | last 20",
    "show running-config | include NTP",          # case-sensitive, as NX-OS
])
def test_a_filter_that_could_not_show_the_line_proves_nothing(tmp_path, command):
    report, _ = run(tmp_path, f"leaf07# {command}\nleaf07#\n")
    assert not fired(report, "ntp-missing")
    ne = open_rule(report, "ntp-missing")
    assert ne is not None and "show running-config" in ne.needs


def test_an_empty_filter_at_the_end_of_the_capture_proves_nothing(tmp_path):
    report, _ = run(tmp_path, "leaf07# show running-config | include ntp\n")
    assert not fired(report, "ntp-missing") and open_rule(report, "ntp-missing") is not None


def test_include_callhome_without_enable_proves_nothing_about_enable(tmp_path):
    text = ("leaf07# show running-config | include callhome\ncallhome\n"
            "leaf07# show running-config | include license smart\nlicense smart enable\nleaf07#\n")
    report, _ = run(tmp_path, text)
    assert not fired(report, "callhome-disabled")
    ne = open_rule(report, "callhome-disabled")
    assert ne is not None and ne.needs[0] == "show running-config callhome"
    assert any(c.command == "show running-config callhome" and "callhome-disabled" in c.settles
               for c in report.outcome.collect_next)


def test_a_filter_that_shows_enable_settles_callhome_disabled(tmp_path):
    text = ("leaf07# show running-config | egrep \"callhome|enable|destination-profile\"\n"
            "license smart enable\ncallhome\n"
            f"  destination-profile CiscoTAC-1 transport-method http\n"
            f"  destination-profile CiscoTAC-1 index 1 http {HTTPS}\n{{enable}}leaf07#\n")
    report, lines = run(tmp_path, text.format(enable=""))
    [f] = fired(report, "callhome-disabled")
    assert f.line == lines.index("callhome") + 1
    report, _ = run(tmp_path, text.format(enable="  enable\n"))
    assert not fired(report, "callhome-disabled") and open_rule(report, "callhome-disabled") is None


def test_a_section_filter_settles_what_its_section_holds(tmp_path):
    text = ("leaf07# show running-config | section callhome\ncallhome\n  email-contact noc@example.net\n"
            f"  destination-profile CiscoTAC-1 transport-method http\n"
            f"  destination-profile CiscoTAC-1 http {HTTPS}\n  transport http use-vrf management\n"
            "leaf07# show running-config | section ntp\nleaf07#\n")
    report, lines = run(tmp_path, text)
    assert fired(report, "callhome-disabled")  # no 'enable' under callhome: proven by the section
    [ntp] = fired(report, "ntp-missing")
    assert ntp.line == line_of(lines, "section ntp")


def test_a_filter_of_one_output_does_not_stand_for_another_filter(tmp_path):
    """'| include callhome' gives a callhome block without 'enable' (hidden); a second filter
    that shows every line of the block is the one the rule is judged on."""
    text = ("leaf07# show running-config | include callhome\ncallhome\n"
            "leaf07# show running-config | include callhome|enable|destination-profile\n"
            "license smart enable\ncallhome\n"
            f"  destination-profile CiscoTAC-1 http {HTTPS}\n  enable\nleaf07#\n")
    report, _ = run(tmp_path, text)
    assert not fired(report, "callhome-disabled") and open_rule(report, "callhome-disabled") is None


# -- a filtered show version: what it showed is settled ----------------------------------

NXOS_LINE = "  NXOS: version 9.3(5)"
N9K_CHASSIS = "  cisco Nexus9000 C93180YC-EX chassis"
REGISTERED = "leaf01# show license status\nSmart Licensing is ENABLED\n\nRegistration:\n  Status: REGISTERED\nleaf01#\n"
VERSION_RULES = ("release-too-old", "platform-unsupported")


def _asks_show_version(report) -> set[str]:
    """The rules collect-next asks show version for."""
    return {r for c in report.outcome.collect_next if c.command == "show version" for r in c.settles}


@pytest.mark.parametrize("typed, shown", [
    ("show version | include NXOS|cisco Nexus", [N9K_CHASSIS, NXOS_LINE]),
    ("show version | include \"NXOS|chassis\"", [NXOS_LINE, "  NXOS image file is: bootflash:///nxos.9.3.5.bin",
                                                 N9K_CHASSIS]),
    ("sh ver | i NXOS|chassis", [NXOS_LINE, N9K_CHASSIS]),
    ("sh ver | inc version|Nexus", ["  BIOS: version 05.45", NXOS_LINE, N9K_CHASSIS]),
    ("show version | grep NXOS|Nexus", [NXOS_LINE, N9K_CHASSIS]),
    ("show version | egrep \"NXOS: version|chassis\"", [NXOS_LINE, N9K_CHASSIS]),
    ("show version | egrep ignore-case nxos|chassis", [NXOS_LINE, N9K_CHASSIS]),
    ("show version | section Software|Hardware", ["Software", "  BIOS: version 05.45", NXOS_LINE, "Hardware",
                                                  N9K_CHASSIS]),
    ("show version | include system:|Chassis",  # a Nexus 7000
     ["  system:    version 8.4(2)", "  cisco Nexus7000 C7010 (10 Slot) Chassis (\"Supervisor Module-2\")"]),
])
def test_a_filtered_show_version_that_shows_release_and_chassis_settles_the_version_rules(tmp_path, typed, shown):
    """The model and release on screen settle what rests on them: collect-next does not
    ask for show version again, and the rules are evaluated (not fired: a supported release)."""
    text = f"leaf01# {typed}\n" + "".join(f"{line}\n" for line in shown) + REGISTERED
    report, _ = run(tmp_path, text)
    assert not _asks_show_version(report), typed
    for rule_id in VERSION_RULES:
        assert open_rule(report, rule_id) is None and not fired(report, rule_id), (typed, rule_id)


@pytest.mark.parametrize("typed, shown, still_open", [
    # the chassis line alone: the model is settled, the release is not
    ("sh ver | i chassis", [N9K_CHASSIS], {"release-too-old"}),
    ("show version | section Hardware", ["Hardware", N9K_CHASSIS, "  Intel(R) Xeon(R) CPU  @ 1.80GHz"],
     {"release-too-old"}),
    # the release alone: the family (a Nexus 7000 has other releases) is not
    ("sh ver | i NXOS", [NXOS_LINE, "  NXOS image file is: bootflash:///nxos.9.3.5.bin"], set(VERSION_RULES)),
    # a filter that showed neither
    ("show version | include uptime", ["Kernel uptime is 12 day(s), 3 hour(s), 4 minute(s), 5 second(s)"],
     set(VERSION_RULES)),
    # what no filter of lines can show: a count
    ("show version | count", ["42"], set(VERSION_RULES)),
])
def test_a_filtered_show_version_settles_only_what_it_showed(tmp_path, typed, shown, still_open):
    text = f"leaf01# {typed}\n" + "".join(f"{line}\n" for line in shown) + REGISTERED
    report, _ = run(tmp_path, text)
    assert _asks_show_version(report) == still_open, typed
    for rule_id in VERSION_RULES:
        assert (open_rule(report, rule_id) is not None) == (rule_id in still_open), (typed, rule_id)


@pytest.mark.parametrize("typed", ["show version | include NXOS|Nexus", "sh ver | i NXOS|chassis"])
def test_a_filtered_show_version_still_fires_on_what_it_shows(tmp_path, typed):
    old = f"leaf01# {typed}\n  NXOS: version 9.2(3)\n{N9K_CHASSIS}\n" + REGISTERED
    report, lines = run(tmp_path, old)
    assert [f.line for f in fired(report, "release-too-old")] == [line_of(lines, "NXOS: version")]
    n3064 = f"leaf01# {typed}\n  NXOS: version 9.3(5)\n  cisco Nexus 3064 chassis\n" + REGISTERED
    report, lines = run(tmp_path, n3064, name="n3064.txt")
    assert [f.line for f in fired(report, "platform-unsupported")] == [line_of(lines, "Nexus 3064")]
    assert not _asks_show_version(report)


def test_several_filters_of_show_version_each_count(tmp_path):
    """One filter showed the release, another the release and the model: the second settles
    the rule, and the release the first showed is as good as the second's."""
    text = (f"leaf01# sh ver | i NXOS\n  NXOS: version 9.2(3)\n"
            f"leaf01# show version | include NXOS|chassis\n  NXOS: version 9.2(3)\n{N9K_CHASSIS}\n" + REGISTERED)
    report, lines = run(tmp_path, text)
    assert [f.line for f in fired(report, "release-too-old")] == [line_of(lines, "NXOS: version 9.2(3)")]
    assert not _asks_show_version(report)


@pytest.mark.parametrize("width", [79, 80, 100, 132])
@pytest.mark.parametrize("kept", [0, 1, 2])
def test_a_filtered_command_cut_by_the_terminal_proves_nothing(tmp_path, width, kept):
    """A terminal cuts a long command at its width, the pattern's rest on the next line: read
    as typed, 'include ...|ntp' shows more than the real 'include ...|ntp.auth' did (that one
    never prints 'ntp server' lines). The output the filter would not print itself (the rest
    of the pattern) says the command is cut: no absence is proven. A command as long, read
    whole (a wide terminal, no rest), still proves what it shows."""
    head = "leaf07# show running-config | include x000|"
    filler = "y" * (width - len(head) - len("|ntp") - kept)  # one alternative that fills the line
    full = f"{head}{filler}|ntp.auth"
    line, rest = full[:width], full[width:]
    assert len(line) == width and rest and line.endswith("|ntp" + ".auth"[:kept])
    report, _ = run(tmp_path, f"{line}\n{rest}\nleaf07# show clock\n10:00:00.000 UTC Tue Oct 17 2023\n")
    assert not fired(report, "ntp-missing")
    assert open_rule(report, "ntp-missing") is not None
    whole = f"{head}{filler}yyy|ntp"
    assert len(whole) >= 79
    report, _ = run(tmp_path, f"{whole}\nleaf07# show clock\n10:00:00.000 UTC Tue Oct 17 2023\n")
    assert fired(report, "ntp-missing")


@pytest.mark.parametrize("width", [79, 80, 132])
@pytest.mark.parametrize("cut", [1, 2, 3])
def test_a_command_cut_by_the_terminal_is_joined_back_when_its_rest_is_the_next_line(tmp_path, width, cut):
    """'include ...|ntp server' cut at the terminal's width, the rest alone on the next line:
    the whole command is read (its filter proves what it proves) and the evidence quotes both
    lines with their numbers."""
    head = "leaf07# show running-config | include x000|"
    tail = "|ntp server"
    filler = "y" * (width - len(head) - len(tail) + cut)
    full = f"{head}{filler}{tail}"
    line, rest = full[:width], full[width:]
    assert len(rest) == cut and " " not in rest
    report, lines = run(tmp_path, f"{line}\n{rest}\nleaf07# show clock\n10:00:00.000 UTC Tue Oct 17 2023\n")
    [f] = fired(report, "ntp-missing")
    assert f.line == 1 and [(e.line, e.text) for e in f.evidence] == [(1, line), (2, rest)]
