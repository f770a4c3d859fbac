"""Engine behaviour: one finding per problem, collect-next ordering and exact commands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import SYSTEM_NOW
from diag.api import Options, analyze, devices

STATUS_EVAL = """  Status: UNREGISTERED
  Export-Controlled Functionality: Not Allowed

License Authorization:
  Status: EVAL MODE
  Evaluation Period Remaining: 40 days, 2 hours, 0 minutes, 0 seconds
"""

BOTH = f"""lab-n9k-3# show clock
09:00:00.000 UTC Mon May 15 2023
lab-n9k-3# show license status
Smart Licensing is ENABLED

Registration:
{STATUS_EVAL}
lab-n9k-3# show license all

Smart Licensing Status
======================

Smart Licensing is ENABLED

Registration:
{STATUS_EVAL}
lab-n9k-3#
"""


def check(tmp_path: Path, text: str, name: str = "cap.txt", **options):
    path = tmp_path / name
    path.write_text(text)
    return analyze([str(path)], Options(system_now=SYSTEM_NOW, **options))


def test_same_output_captured_twice_gives_one_finding(tmp_path: Path):
    report = check(tmp_path, BOTH)
    evals = [f for f in report.findings if f.rule_id == "evaluation-mode"]
    assert len(evals) == 1 and evals[0].line == 11  # the first capture is the one quoted


def test_show_license_all_alone_satisfies_status_rules(tmp_path: Path):
    text = BOTH.split("lab-n9k-3# show license status")[0] + "lab-n9k-3# show license all" + \
        BOTH.split("lab-n9k-3# show license all")[1]
    report = check(tmp_path, text)
    assert "evaluation-mode" in [f.rule_id for f in report.findings]
    assert "evaluation-mode" not in [n.rule_id for n in report.outcome.not_evaluated]


def test_collect_next_orders_by_rules_settled_then_severity(tmp_path: Path):
    report = check(tmp_path, "lab-n9k-3# show clock\n09:00:00.000 UTC Mon May 15 2023\n")
    collect = [c for c in report.outcome.collect_next if c.device == "lab-n9k-3"]
    assert collect, "a clock alone settles nothing: something must be asked for"
    counts = [len(c.settles) for c in collect]
    assert counts == sorted(counts, reverse=True)
    assert collect[0].command == "show license status"


CORE9 = """core9# show clock
09:00:00.000 UTC Mon May 15 2023
core9# show running-config callhome

!Command: show running-config callhome
!Time: Mon May 15 09:00:10 2023

version 9.3(8) Bios:version 05.45
callhome
  email-contact noc@example.org
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http https://ssm.example.org/Transportgateway/services/DeviceRequestHandler
  transport http use-vrf oob
  enable

core9# show system internal mts buffers summary
node  sapno  recv_q  pers_q  npers_q  log_q
sup   1397   44      0       0        0
core9# show license status
Smart Licensing is ENABLED

Registration:
  Status: REGISTERED
  Initial Registration: SUCCEEDED on Mar 03 09:12:40 2023 UTC
  Next Renewal Attempt: Aug 30 09:12:40 2023 UTC
  Registration Expires: Mar 02 09:07:11 2024 UTC

License Authorization:
  Status: AUTHORIZED on Mar 03 09:12:44 2023 UTC
  Last Communication Attempt: FAILED on May 15 08:12:44 2023 UTC
    Failure reason: Failed to establish IPC connection with call-home
  Next Communication Attempt: May 15 09:12:44 2023 UTC
  Communication Deadline: Jun 01 09:07:15 2023 UTC
"""


def test_collect_next_commands_use_this_devices_vrf_host_and_sap(tmp_path: Path):
    report = check(tmp_path, CORE9)
    commands = [c.command for c in report.outcome.collect_next if c.device == "core9"]
    assert "show system internal mts sup sap 1397 description" in commands
    # DNS evidence for the MTS rule: a lookup in the VRF Call Home uses, to the host it uses
    probes = [c for c in commands if c.startswith(("ping", "telnet"))]
    for c in probes:
        assert "ssm.example.org" in c and "vrf oob" in c


def test_a_failing_switch_without_probe_or_mts_output_is_asked_for_them(tmp_path: Path):
    # the same switch, captured without the MTS summary and without any ping or telnet
    text = CORE9.replace("""core9# show system internal mts buffers summary
node  sapno  recv_q  pers_q  npers_q  log_q
sup   1397   44      0       0        0
""", "")
    report = check(tmp_path, text)
    collect = {c.command: c.settles for c in report.outcome.collect_next if c.device == "core9"}
    # the reachability rules are not evaluated (never a silent pass) and ask for a probe
    # to this device's licensing host in its Call Home VRF
    assert set(collect["ping ssm.example.org vrf oob"]) == {"cisco-unreachable", "dns-resolution-failed"}
    # the SAP number is not known yet: ask for the summary that gives it, not a placeholder
    assert "callhome-mts-stuck-dns-cscvv67469" in collect["show system internal mts buffers summary"]
    assert not any("<sapno>" in c for c in collect)


def test_fixes_probe_this_devices_licensing_host_in_its_vrf(tmp_path: Path):
    report = check(tmp_path, CORE9)
    failed = [f for f in report.findings if f.rule_id == "communication-failed"]
    assert failed and "ping ssm.example.org vrf oob" in failed[0].fix
    # without Call Home configuration: Cisco's host, and the VRF left for the engineer to fill
    alone = check(tmp_path, CORE9.split("core9# show running-config callhome")[0] +
                  "core9# show license status" + CORE9.split("core9# show license status")[1], "alone.txt")
    failed = [f for f in alone.findings if f.rule_id == "communication-failed"]
    assert failed and "ping tools.cisco.com vrf <VRF>" in failed[0].fix


def test_a_healthy_switch_is_not_asked_for_a_probe(tmp_path: Path):
    text = CORE9.replace("""  Last Communication Attempt: FAILED on May 15 08:12:44 2023 UTC
    Failure reason: Failed to establish IPC connection with call-home
""", "  Last Communication Attempt: SUCCEEDED on May 15 08:12:44 2023 UTC\n")
    report = check(tmp_path, text)
    assert not [c for c in report.outcome.collect_next if c.command.startswith(("ping", "telnet"))]
    assert "cisco-unreachable" not in {n.rule_id for n in report.outcome.not_evaluated}


def test_a_passed_deadline_raises_the_warning_to_an_error(tmp_path: Path):
    def status(clock: str):
        return f"""lab-n9k-4# show clock
{clock}
lab-n9k-4# show license status
Smart Licensing is ENABLED

License Authorization:
  Status: AUTHORIZED on Mar 03 09:12:44 2023 UTC
  Last Communication Attempt: SUCCEEDED on Mar 03 09:12:44 2023 UTC
  Next Communication Attempt: Apr 02 09:12:44 2023 UTC
  Communication Deadline: Jun 01 09:07:15 2023 UTC
"""
    near = [f for f in check(tmp_path, status("09:00:00.000 UTC Mon May 15 2023")).findings
            if f.rule_id == "communication-deadline-near"]
    passed = [f for f in check(tmp_path, status("09:00:00.000 UTC Sat Jun 03 2023"), "b.txt").findings
              if f.rule_id == "communication-deadline-near"]
    assert [f.severity for f in near] == ["warning"]
    assert [f.severity for f in passed] == ["error"] and "already passed" in passed[0].message


def test_an_old_log_failure_after_which_communication_succeeded_is_history(tmp_path: Path):
    status = """lab-n9k-9# show license status
Smart Licensing is ENABLED

Registration:
  Status: REGISTERED
  Initial Registration: SUCCEEDED on Jan 10 09:00:00 2023 UTC
  Next Renewal Attempt: Jul 09 09:00:00 2023 UTC
  Registration Expires: Jan 09 09:00:00 2024 UTC

License Authorization:
  Status: AUTHORIZED on Oct 02 08:00:00 2023 UTC
  Last Communication Attempt: {result} on Oct 02 08:00:00 2023 UTC
  Next Communication Attempt: Nov 01 08:00:00 2023 UTC
  Communication Deadline: Dec 31 08:00:00 2023 UTC
"""
    log = """lab-n9k-9# show clock
08:30:00.000 UTC Mon Oct 02 2023
lab-n9k-9# show logging logfile | include SMART_LIC
2023 Jul 14 03:12:44 lab-n9k-9 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: Communications failure with the Cisco Smart Software Manager (CSSM) : Unable to resolve server hostname/domain name
"""
    ok = check(tmp_path, log + status.format(result="SUCCEEDED"), "ok.txt")
    assert "smart-comm-failed-log" not in [f.rule_id for f in ok.findings]
    # the same log with the last attempt failing: the failure is current
    hit = check(tmp_path, log + status.format(result="FAILED"), "hit.txt")
    assert "smart-comm-failed-log" in [f.rule_id for f in hit.findings]


N7K_CONFIG = """core-n7k# show running-config

!Command: show running-config
!Time: Tue Oct 10 14:03:10 2023

version 8.4(2c)
hostname core-n7k
license smart enable
callhome
  email-contact noc@example.org
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/DDCEService
  transport http use-vrf management
  enable
core-n7k#
"""


def test_a_nexus_7000_seen_through_its_configuration_runs_classic_smart_licensing(tmp_path: Path):
    report = check(tmp_path, N7K_CONFIG, "n7k.txt")
    assert [d.mode for d in report.devices] == ["classic"]
    assert "callhome-url-plain-http" in [f.rule_id for f in report.findings]


def test_an_slp_switch_does_not_send_licensing_through_a_leftover_callhome_block(tmp_path: Path):
    text = """leaf-slp# show version
Cisco Nexus Operating System (NX-OS) Software
  NXOS: version 10.3(4a) [Maintenance Release]
  cisco Nexus9000 C93180YC-FX Chassis
leaf-slp# show running-config

!Command: show running-config
!Time: Tue Oct 10 14:03:10 2023

version 10.3(4a) Bios:version 05.47
hostname leaf-slp
ip domain-lookup
ip name-server 10.1.1.53 use-vrf management
license smart transport smart
license smart url smart https://smartreceiver.cisco.com/licservice/license
license smart vrf management
callhome
  email-contact noc@example.org
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http https://tools.cisco.com/its/service/oddce/services/DDCEService
interface mgmt0
  vrf member management
leaf-slp#
"""
    report = check(tmp_path, text, "slp.txt")
    assert [d.mode for d in report.devices] == ["slp"]
    paths = [f for d in devices([str(tmp_path / "slp.txt")]) for f in d.store.get("licensing.path")]
    assert [p.get("service") for p in paths] == ["the Smart Licensing transport"]
    assert "dns-server-missing" not in [f.rule_id for f in report.findings]
    # the same switch with Call Home as its SLP transport: Call Home is the path again
    check(tmp_path, text.replace("license smart transport smart", "license smart transport callhome"),
                     "slp-ch.txt")
    services = {p.get("service") for d in devices([str(tmp_path / "slp-ch.txt")]) for p in d.store.get("licensing.path")}
    assert "Call Home" in services


def test_an_slp_switch_is_asked_to_probe_its_own_server():
    from conftest import SAMPLES

    report = analyze([str(SAMPLES / "slp-10.2-reporting-broken.txt")], Options(system_now=SYSTEM_NOW))
    probes = [c.command for c in report.outcome.collect_next if c.command.startswith("ping")]
    assert probes == ["ping 10.44.3.20 vrf management"]


def test_a_filtered_fragment_gives_way_to_the_whole_block(tmp_path: Path):
    # '| include' hides the 'enable' line; '| section callhome' shows the whole block
    text = """edge-3# show clock
14:02:11.000 UTC Thu Jun 13 2024
edge-3# show running-config | include callhome|destination-profile
callhome
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http https://tools.cisco.com/its/service/oddce/services/DDCEService
edge-3# show running-config | section callhome
callhome
  email-contact noc@example.org
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http https://tools.cisco.com/its/service/oddce/services/DDCEService
  transport http use-vrf management
  enable
edge-3#
"""
    report = check(tmp_path, text, "fragments.txt")
    ids = [f.rule_id for f in report.findings]
    assert "callhome-disabled" not in ids and "callhome-email-contact-missing" not in ids, ids
    blocks = devices([str(tmp_path / "fragments.txt")])[0].store.get("callhome.block")
    assert [b.line for b in blocks] == [8]
    # the fragment alone proves nothing about what it hides
    alone = check(tmp_path, text.split("edge-3# show running-config | section")[0], "fragment.txt")
    assert "callhome-disabled" not in [f.rule_id for f in alone.findings]


OTHER_VRF_DNS = """leaf7# show clock
13:26:44.902 UTC Tue Mar 12 2024
leaf7# show running-config

!Command: show running-config
!Time: Tue Mar 12 13:26:48 2024

version 9.3(12) Bios:version 05.53
hostname leaf7
ip domain-lookup
ip name-server 10.9.9.9
vrf context management
  ip route 0.0.0.0/0 10.1.1.1
callhome
  email-contact it-ops@fabrik.example
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http https://tools.cisco.com/its/service/oddce/services/DDCEService
  transport http use-vrf management
  enable
interface mgmt0
  vrf member management
line console
line vty
leaf7#
"""


def test_dns_server_missing_quotes_the_name_server_of_another_vrf(tmp_path):
    # the only name server serves the default VRF, Call Home sends through management: the
    # evidence shows that server's line, not only where the VRF comes from
    report = check(tmp_path, OTHER_VRF_DNS, "other-vrf.txt")
    [finding] = [f for f in report.findings if f.rule_id == "dns-server-missing"]
    assert 11 in [e.line for e in finding.evidence]
    assert "ip name-server 10.9.9.9" in [e.text for e in finding.evidence]
    # with no name server at all it still fires, on the lines it had
    bare = check(tmp_path, OTHER_VRF_DNS.replace("ip name-server 10.9.9.9\n", ""), "no-dns.txt")
    assert [f.rule_id for f in bare.findings].count("dns-server-missing") == 1


PING_NO_REPLY = """dc1-leaf-101# ping tools.cisco.com vrf management
PING tools.cisco.com (72.163.4.38): 56 data bytes
Request 0 timed out
Request 1 timed out

--- tools.cisco.com ping statistics ---
2 packets transmitted, 0 packets received, 100.00% packet loss
"""
TELNET_TIMEOUT = """dc1-leaf-101# telnet tools.cisco.com 443 vrf management
Trying 72.163.4.38...
telnet: Unable to connect to remote host: Connection timed out
"""


def test_a_ping_without_reply_does_not_outweigh_a_recent_successful_exchange(tmp_path):
    from conftest import SAMPLES

    healthy = (SAMPLES / "healthy-registered-9.3.txt").read_text().replace("dc1-leaf-101# exit\n", "")
    # the status says the last exchange succeeded on Jun 22 2022: ICMP is filtered, HTTPS works
    recent = check(tmp_path, healthy + PING_NO_REPLY, "recent.txt", now=dt.datetime(2022, 6, 24, tzinfo=dt.timezone.utc))
    assert "cisco-unreachable" not in [f.rule_id for f in recent.findings]
    # decided, not left open asking for a telnet
    assert "cisco-unreachable" not in [n.rule_id for n in recent.outcome.not_evaluated]
    # a month later that success proves nothing about today's path
    later = check(tmp_path, healthy + PING_NO_REPLY, "later.txt", now=dt.datetime(2022, 7, 25, tzinfo=dt.timezone.utc))
    assert "cisco-unreachable" in [f.rule_id for f in later.findings]
    # a TCP connect to 443 that timed out decides on its own
    tcp = check(tmp_path, healthy + PING_NO_REPLY + TELNET_TIMEOUT, "tcp.txt",
                now=dt.datetime(2022, 6, 24, tzinfo=dt.timezone.utc))
    assert "cisco-unreachable" in [f.rule_id for f in tcp.findings]



NO_CANDIDATE = """leaf9# show clock
10:15:02.117 UTC Tue May 16 2023
leaf9# show running-config

!Command: show running-config
!Time: Tue May 16 10:15:05 2023

version 9.3(9) Bios:version 05.47
hostname leaf9
ip http source-interface Vlan27
callhome
  email-contact noc@example.org
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http https://tools.cisco.com/its/service/oddce/services/DDCEService
  transport http use-vrf OOB
  enable
interface Vlan27
  ip address 10.27.0.9/24
line console
line vty
leaf9#
"""


def test_source_interface_in_the_wrong_vrf_fires_without_an_interface_to_suggest(tmp_path):
    # Call Home sends through VRF OOB, which no interface of this configuration is a member
    # of; the source interface is in the default VRF: still the TechNote's known issue 1
    report = check(tmp_path, NO_CANDIDATE, "no-candidate.txt")
    [finding] = [f for f in report.findings if f.rule_id == "http-source-interface-vrf-mismatch"]
    assert finding.line == 10
    assert "through VRF OOB" in finding.message and "?" not in finding.message
    assert "ip http source-interface <interface>" in finding.fix and "interface of VRF OOB" in finding.fix
    # no use-vrf, and the only interface is a member of another VRF: Call Home's VRF is not
    # stated (the default VRF is an unconfirmed guess), so no interface is moved on it;
    # callhome-vrf-missing names the VRF the source interface is in
    default = NO_CANDIDATE.replace("  transport http use-vrf OOB\n", "").replace(
        "  ip address 10.27.0.9/24\n", "  vrf member OOB\n  ip address 10.27.0.9/24\n").replace(
        "\ninterface Vlan27\n", "\nvrf context OOB\ninterface Vlan27\n")
    report = check(tmp_path, default, "no-candidate-default.txt")
    assert not [f for f in report.findings if f.rule_id == "http-source-interface-vrf-mismatch"]
    [finding] = [f for f in report.findings if f.rule_id == "callhome-vrf-missing"]
    assert "transport http use-vrf OOB" in finding.fix


def _mts_sample(*rows: str) -> str:
    return ("leaf01# show system internal mts buffers summary\nnode    sapno   recv_q  pers_q  npers_q log_q\n"
            + "".join(f"{row}\n" for row in rows))


def test_mts_samples_of_one_switch_give_one_cscvv67469_finding_with_each_as_evidence(tmp_path: Path):
    """The summary run three times (as the rule's docs ask, to see the queue grow) is one
    problem of one switch: one finding, every sample's queue line in its evidence."""
    from conftest import RULES

    hit = (RULES / "known-issues" / "callhome-mts-stuck-dns-cscvv67469.hit.txt").read_text()
    text = (hit.rstrip("\n").removesuffix("leaf01#").rstrip("\n") + "\n"
            + _mts_sample("sup     284     0       0       3       0", "sup     1397    57      0       0       0")
            + _mts_sample("sup     1397    63      0       0       0") + "leaf01#\n")
    report = check(tmp_path, text, select=("callhome-mts-stuck-dns-cscvv67469",))
    found = [f for f in report.findings if f.rule_id == "callhome-mts-stuck-dns-cscvv67469"]
    assert len(found) == 1
    f = found[0]
    lines = text.splitlines()
    queue = [no for no, line in enumerate(lines, 1) if line.startswith("sup     1397")]
    assert len(queue) == 3 and f.line == queue[0]  # the first sample is the finding's line
    assert {e.line for e in f.evidence} >= set(queue)
    assert [e.text for e in f.evidence if e.line in queue] == [lines[n - 1].strip() for n in queue]
    assert f"It holds 3 times on leaf01: at lines {queue[0]}, {queue[1]} and {queue[2]}" in f.message
    # one sample: the message as the rule writes it
    one = check(tmp_path, hit, name="one.txt", select=("callhome-mts-stuck-dns-cscvv67469",))
    assert [f.message.count("It holds") for f in one.findings] == [0]


def test_a_grouped_rule_still_gives_one_finding_per_device(tmp_path: Path):
    """'group: device' merges the matches of one switch, never those of two."""
    from conftest import RULES

    hit = (RULES / "known-issues" / "callhome-mts-stuck-dns-cscvv67469.hit.txt").read_text()
    other = hit.replace("leaf01", "leaf02")
    (tmp_path / "a.txt").write_text(hit)
    (tmp_path / "b.txt").write_text(other)
    report = analyze([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")],
                     Options(system_now=SYSTEM_NOW, select=("callhome-mts-stuck-dns-cscvv67469",)))
    assert sorted(f.device for f in report.findings) == ["leaf01", "leaf02"]
