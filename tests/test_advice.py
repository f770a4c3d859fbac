"""Advice that is right (issue 14 item 4): the fix a finding shows must work, must not rest
on a guess the knowledge file marks unconfirmed, and must not contradict another finding
on the same device. Each test is a family of captures, not one example."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RULES, SYSTEM_NOW
from diag.api import Options, analyze

KNOWN_URL = "https://tools.cisco.com/its/service/oddce/services/DDCEService"


def _report(tmp_path: Path, text: str, rulebook, name: str = "cap.txt", now: str | None = None):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    opts = Options(system_now=SYSTEM_NOW) if now is None else Options(system_now=SYSTEM_NOW, now=now)
    return analyze([str(path)], opts, rules=rulebook)


def _fired(report, rule_id: str) -> list:
    return [f for f in report.findings if f.rule_id == rule_id]


def _callhome(url: str, vrf: str | None = "management") -> str:
    lines = ["sw1# show running-config callhome", "", "!Command: show running-config callhome",
             "!Time: Tue Mar 14 10:02:37 2023", "", "version 9.3(8) Bios:version 05.47",
             "callhome", "  email-contact sch-smart-licensing@cisco.com",
             "  destination-profile CiscoTAC-1 transport-method http",
             f"  destination-profile CiscoTAC-1 index 1 http {url}"]
    if vrf:
        lines.append(f"  transport http use-vrf {vrf}")
    lines += ["  enable", "sw1#", ""]
    return "\n".join(lines)


# -- 1. a plain-HTTP fix writes the full known URL ------------------------------------

@pytest.mark.parametrize("url, written, note", [
    ("http://tools.cisco.com/its/service/oddce/services/DDCEService", KNOWN_URL, False),
    ("http://tools.cisco.com/its/service/oddce/services/DDCEServi", KNOWN_URL, True),   # the TechNote's
    ("http://tools.cisco.com/its/service/oddce/services/", KNOWN_URL, True),
    ("http://tools.cisco.com", KNOWN_URL, True),
    ("HTTP://tools.cisco.com/its/service/oddce/services/DDCEService", KNOWN_URL, False),
    ("http://ssm01.corp.example/Transportgateway/services/DeviceRequestHandler",
     "https://ssm01.corp.example/Transportgateway/services/DeviceRequestHandler", False),
    ("http://ssm01.corp.example/Transportgateway/services/DeviceReq",
     "https://ssm01.corp.example/Transportgateway/services/DeviceRequestHandler", True),
])
def test_plain_http_fix_writes_the_full_known_url(tmp_path, rulebook, url, written, note):
    report = _report(tmp_path, _callhome(url), rulebook)
    fired = _fired(report, "callhome-url-plain-http")
    assert len(fired) == 1
    fix_lines = [ln.strip() for ln in fired[0].fix.splitlines()]
    assert f"destination-profile CiscoTAC-1 http {written}" in fix_lines
    assert f"no destination-profile CiscoTAC-1 index 1 http {url}" in fix_lines
    # a path that differs from the known one is said, not silently rewritten
    assert ("is not the known one" in fired[0].message) is note
    if note:
        path = "/" + url.split("//", 1)[1].partition("/")[2]
        assert f"'{path}'" in fired[0].message


@pytest.mark.parametrize("rule_id, url", [
    ("callhome-url-ip-literal", "https://72.163.4.38/its/service/oddce/services/DDCEService"),
    ("callhome-url-unrecognized", "https://tools.cisco.com/its/service/oddce/services/DDCEServi"),
    ("callhome-url-smartreceiver-on-classic", "https://smartreceiver.cisco.com/licservice/license"),
])
def test_every_url_fix_writes_the_full_known_url(tmp_path, rulebook, rule_id, url):
    report = _report(tmp_path, _callhome(url), rulebook)
    fired = _fired(report, rule_id)
    assert len(fired) == 1
    assert f"destination-profile CiscoTAC-1 http {KNOWN_URL}" in [ln.strip() for ln in fired[0].fix.splitlines()]


# -- 6. a passed deadline is an error in every rule that has one ----------------------

def _swap(path: Path, old: str, new: str) -> str:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    return text.replace(old, new)


@pytest.mark.parametrize("remaining, severity", [
    ("9 days, 17 hours, 5 minutes, 48 seconds", "warning"),
    ("1 days, 0 hours, 0 minutes, 1 seconds", "warning"),
    ("0 days, 23 hours, 5 minutes, 48 seconds", "error"),
    ("0 days, 0 hours, 0 minutes, 0 seconds", "error"),
])
def test_evaluation_with_no_day_left_is_an_error(tmp_path, rulebook, remaining, severity):
    text = _swap(RULES / "classic" / "evaluation-mode.hit.txt",
                 "9 days, 17 hours, 5 minutes, 48 seconds", remaining)
    fired = _fired(_report(tmp_path, text, rulebook), "evaluation-mode")
    assert [f.severity for f in fired] == [severity]


@pytest.mark.parametrize("deadline, severity", [
    ("Apr 01 12:40:03 2024 CEST", None),        # the hit file's own: whatever it is, kept
    ("Jan 01 12:40:03 2020 UTC", "error"),      # long passed
])
def test_passed_slp_ack_deadline_is_an_error(tmp_path, rulebook, deadline, severity):
    text = _swap(RULES / "slp" / "slp-ack-overdue.hit.txt", "Apr 01 12:40:03 2024 CEST", deadline)
    fired = _fired(_report(tmp_path, text, rulebook), "slp-ack-overdue")
    assert fired
    if severity:
        assert {f.severity for f in fired} == {severity}
        assert "already passed" in fired[0].message


@pytest.mark.parametrize("rule_id, folder, field", [
    ("communication-deadline-near", "classic", "Communication Deadline:"),
    ("registration-expiry-near", "classic", "Registration Expires:"),
    ("slp-ack-overdue", "slp", "Next ACK deadline:"),
])
def test_every_deadline_rule_escalates_once_passed(tmp_path, rulebook, rule_id, folder, field):
    hit = RULES / folder / f"{rule_id}.hit.txt"
    lines = hit.read_text().splitlines(keepends=True)
    out = []
    for ln in lines:
        if ln.strip().startswith(field):
            ln = ln[:ln.index(field) + len(field)] + " Jan 01 00:00:01 2020 UTC\n"
        out.append(ln)
    fired = _fired(_report(tmp_path, "".join(out), rulebook), rule_id)
    assert fired and {f.severity for f in fired} == {"error"}


# -- 3. cisco-unreachable: a proxy, and a success within the renewal cycle -------------

_PING_ONLY = """zrh-lf-02# ping tools.cisco.com vrf management
PING tools.cisco.com (72.163.4.38): 56 data bytes
Request 0 timed out
Request 1 timed out

--- tools.cisco.com ping statistics ---
2 packets transmitted, 0 packets received, 100.00% packet loss
"""
_TELNET_FAILED = """zrh-lf-02# telnet tools.cisco.com 443 vrf management
Trying 72.163.4.38...
telnet: Unable to connect to remote host: Connection timed out
"""


def _unreachable_capture(proxy_lines: str, probes: str, status: str = "") -> str:
    return ("zrh-lf-02# show clock\nTime source is NTP\n15:52:30.481 UTC Thu Nov 09 2023\n"
            "zrh-lf-02# show running-config callhome\n\n!Command: show running-config callhome\n"
            "!Time: Thu Nov  9 15:52:34 2023\n\nversion 9.3(9) Bios:version 05.47\ncallhome\n"
            "  email-contact netz-ops@bank.example\n"
            "  destination-profile CiscoTAC-1 transport-method http\n"
            "  destination-profile CiscoTAC-1 index 1 http " + KNOWN_URL + "\n"
            "  transport http use-vrf management\n" + proxy_lines + "  enable\n\n"
            + status + probes + "zrh-lf-02#\n")


_PROXY = "  transport http proxy server proxy.bank.example port 8080\n  transport http proxy enable\n"


@pytest.mark.parametrize("proxy, probes, fires", [
    ("", _PING_ONLY, True),
    ("", _TELNET_FAILED, True),
    (_PROXY, _PING_ONLY, False),
    (_PROXY, _TELNET_FAILED, False),                 # no direct connection through a proxy either
    (_PROXY, _PING_ONLY + _TELNET_FAILED, False),
    ("  transport http proxy server proxy.bank.example port 8080\n", _PING_ONLY, True),   # not enabled
])
def test_cisco_unreachable_ignores_probes_through_an_enabled_proxy(tmp_path, rulebook, proxy, probes, fires):
    report = _report(tmp_path, _unreachable_capture(proxy, probes), rulebook)
    assert bool(_fired(report, "cisco-unreachable")) is fires


def _status(last_comm: str) -> str:
    return ("zrh-lf-02# show license status\n\nSmart Licensing is ENABLED\n\nRegistration:\n"
            "  Status: REGISTERED\n  Smart Account: Bank\n  Virtual Account: DC\n"
            "  Export-Controlled Functionality: Allowed\n"
            "  Initial Registration: SUCCEEDED on Jun 22 16:15:41 2023 UTC\n\n"
            "License Authorization:\n  Status: AUTHORIZED on " + last_comm + "\n"
            "  Last Communication Attempt: SUCCEEDED on " + last_comm + "\n"
            "  Next Communication Attempt: Dec 09 15:00:00 2023 UTC\n"
            "  Communication Deadline: Feb 07 15:00:00 2024 UTC\n\n")


@pytest.mark.parametrize("last_comm, fires", [
    ("Nov 08 15:00:00 2023 UTC", False),     # yesterday
    ("Oct 25 15:00:00 2023 UTC", False),     # 15 days ago: within the 30-day renewal cycle
    ("Oct 12 15:00:00 2023 UTC", False),     # 28 days ago
    ("Sep 20 15:00:00 2023 UTC", True),      # 50 days ago: older than a renewal cycle
])
def test_cisco_unreachable_accounts_for_a_success_within_the_renewal_cycle(tmp_path, rulebook, last_comm, fires):
    report = _report(tmp_path, _unreachable_capture("", _PING_ONLY, _status(last_comm)), rulebook)
    assert bool(_fired(report, "cisco-unreachable")) is fires


# -- 5. license manager messages that announce a shutdown or an expiry ----------------

_LOG_HEAD = "core-b2# show clock\nTime source is NTP\n08:41:55.102 UTC Tue Mar 05 2024\ncore-b2# show logging logfile\n"


@pytest.mark.parametrize("line, fires, passed", [
    ("%LICMGR-2-LOG_LIC_NO_LIC: No license(s) present for feature LAN_ENTERPRISE_SERVICES_PKG. "
     "Application(s) shut down in 119 days.", True, False),
    ("%LICMGR-2-LOG_LICAPP_NO_LIC: Application bgp running without LAN_ENTERPRISE_SERVICES_PKG license, "
     "shutdown in 119 days", True, False),
    ("%LICMGR-2-LOG_LIC_NO_LIC: No license(s) present for feature LAN_ENTERPRISE_SERVICES_PKG. "
     "Application(s) shut down in 5 days.", True, True),          # 5 days after Feb 5: passed
    ("%LICMGR-2-LOG_LICAPP_EXPIRY_WARNING: Application pim evaluation license "
     "LAN_ENTERPRISE_SERVICES_PKG expiry in 60 days.", True, False),
    ("%LICMGR-1-LOG_LIC_LICENSE_EXPIRED: Evaluation license LAN_ENTERPRISE_SERVICES_PKG expired.", True, None),
    ("%LICMGR-2-LOG_LIC_USAGE: Feature NXOS_ADVANTAGE_XF is using a license that is not installed. "
     "The feature will be shut down after the grace period.", True, None),
    # near misses: the license manager saying nothing about a shutdown, the Smart Agent's events
    ("%LICMGR-6-LOG_LIC_LICENSE_INSTALLED: License file core-b2.lic installed successfully.", False, None),
    ("%LICMGR-3-LOG_SMART_LIC_COMM_RESTORED: Communications with the Cisco Smart Software Manager "
     "(CSSM) restored", False, None),
    ("%ETHPORT-5-IF_DOWN_ADMIN_DOWN: Interface Ethernet1/1 is down (Administratively down) shutdown", False, None),
])
def test_licmgr_shutdown_and_expiry_messages_give_findings(tmp_path, rulebook, line, fires, passed):
    text = _LOG_HEAD + f"2024 Feb  5 11:20:31 core-b2 {line}\ncore-b2#\n"
    fired = _fired(_report(tmp_path, text, rulebook), "license-shutdown-announced")
    assert bool(fired) is fires
    if fires:
        assert fired[0].severity == "error" and fired[0].line == 5
        if passed is True:
            assert "already passed" in fired[0].message
        elif passed is False:
            assert "(in " in fired[0].message


def test_licmgr_console_messages_in_a_session_log_give_findings(tmp_path, rulebook):
    text = ("switch(config)# feature bgp\n"
            "LAN_ENTERPRISE_SERVICES_PKG license not installed. bgp feature will be shutdown\n"
            "after grace period of approximately 120 day(s)\n"
            "switch(config)# 2024 Jun 22 22:28:45 switch %LICMGR-2-LOG_LIC_NO_LIC: No license(s) present "
            "for feature LAN_ENTERPRISE_SERVICES_PKG. Application(s) shut down in 119 days.\n"
            "switch(config)# end\nswitch# show clock\nTime source is NTP\n22:30:01.000 UTC Sat Jun 22 2024\nswitch#\n")
    fired = _fired(_report(tmp_path, text, rulebook), "license-shutdown-announced")
    assert len(fired) == 1 and fired[0].line == 4


# -- 4. each licensing state gets its own wording ---------------------------------------

_UNREG = (RULES / "classic" / "registration-unregistered.hit.txt").read_text()
_EVAL_LINES = "  Status: EVAL MODE\n  Evaluation Period Remaining: 61 days, 3 hours, 44 minutes, 12 seconds\n"


@pytest.mark.parametrize("auth_lines, says, never", [
    (_EVAL_LINES, "evaluation period (90 days of use", "no evaluation period"),
    ("  Status: NO LICENSES IN USE\n", "no evaluation period is being spent", "run on the one-time evaluation"),
    ("  Status: EVAL EXPIRED on Sep 01 10:00:00 2022 UTC\n", "already used up", "run on the one-time evaluation"),
    ("", "no Smart Account.", "evaluation"),                 # no License Authorization status line
])
def test_unregistered_message_follows_the_authorization_state(tmp_path, rulebook, auth_lines, says, never):
    text = _UNREG.replace(_EVAL_LINES, auth_lines)
    if not auth_lines:
        text = text.replace("License Authorization:\n", "")
    fired = _fired(_report(tmp_path, text, rulebook), "registration-unregistered")
    assert len(fired) == 1
    assert says in fired[0].message and never not in fired[0].message


# -- 2. a missing use-vrf is callhome-vrf-missing's; nothing concludes on the guess ------

_KI1 = (Path(__file__).parent.parent / "samples" / "known-issue-1-source-interface.txt").read_text()
_USE_VRF = "  transport http use-vrf management\n"
VRF_DEPENDENT = ("http-source-interface-vrf-mismatch", "dns-server-missing", "dns-lookup-disabled",
                 "dns-resolution-failed", "cisco-unreachable", "callhome-mts-stuck-dns-cscvv67469")


def _without_use_vrf(text: str) -> str:
    assert _USE_VRF in text
    return text.replace(_USE_VRF, "")


@pytest.mark.parametrize("source, names", [
    ("ip http source-interface mgmt0", "ip name-server 10.27.0.53 use-vrf management"),
    ("ip http source-interface mgmt0 vrf management", "ip name-server 10.27.0.53 use-vrf management"),
    ("ip http source-interface Vlan27", "ip name-server 10.27.0.53 use-vrf management"),
    ("ip http source-interface mgmt0", "vrf context management\n  ip name-server 10.27.0.53"),
])
def test_missing_use_vrf_is_reported_once_and_nothing_asserts_the_default_vrf(tmp_path, rulebook, source, names):
    text = _without_use_vrf(_KI1).replace("ip http source-interface Vlan27", source)
    text = text.replace("ip domain-lookup\n", f"ip domain-lookup\n{names}\n", 1) if "ip domain-lookup\n" in text \
        else text.replace("\ninterface mgmt0\n", f"\n{names}\ninterface mgmt0\n", 1)
    report = _report(tmp_path, text, rulebook)
    missing = _fired(report, "callhome-vrf-missing")
    assert len(missing) == 1 and "transport http use-vrf management" in missing[0].fix
    for f in report.findings:
        if f.rule_id in VRF_DEPENDENT:
            assert f.confidence == "low", f"{f.rule_id} concludes on an unstated VRF at {f.confidence} confidence"
        # no fix moves the source interface, or anything else, into the guessed default VRF
        moves = [ln for ln in f.fix.splitlines() if ln.strip().lstrip("!").strip().startswith("ip http source-interface")]
        assert not moves, f"{f.rule_id} moves an interface: {moves}"
        assert "use-vrf default" not in f.fix and "vrf default" not in f.fix, f"{f.rule_id}: {f.fix}"


def test_no_name_server_anywhere_is_still_reported_without_use_vrf(tmp_path, rulebook):
    """What holds in every VRF needs no VRF: no name server at all is still an error."""
    hit = (RULES / "network" / "dns-server-missing.hit.txt").read_text()
    assert "use-vrf" not in hit
    assert _fired(_report(tmp_path, hit, rulebook), "dns-server-missing")


@pytest.mark.parametrize("probe", [
    "ping tools.cisco.com\nPING tools.cisco.com (72.163.4.38): 56 data bytes\nRequest 0 timed out\n"
    "Request 1 timed out\n\n--- tools.cisco.com ping statistics ---\n2 packets transmitted, 0 packets "
    "received, 100.00% packet loss\n",
    "telnet tools.cisco.com 443\nTrying 72.163.4.38...\ntelnet: Unable to connect to remote host: "
    "Connection timed out\n",
])
def test_a_probe_in_the_guessed_vrf_proves_nothing(tmp_path, rulebook, probe):
    text = _unreachable_capture("", "zrh-lf-02# " + probe).replace(_USE_VRF, "")
    report = _report(tmp_path, text, rulebook)
    assert not _fired(report, "cisco-unreachable")
    # with the VRF stated, the same probe in that VRF decides
    stated = _unreachable_capture("", "zrh-lf-02# " + probe.replace(" 443\n", " 443 vrf default\n").replace(
        "ping tools.cisco.com\n", "ping tools.cisco.com vrf default\n")).replace(_USE_VRF, "  transport http use-vrf default\n")
    assert _fired(_report(tmp_path, stated, rulebook, "stated.txt"), "cisco-unreachable")


# -- 7. CSLU and on-prem SLP transports derive the licensing path ------------------------

_SLP = (Path(__file__).parent.parent / "samples" / "slp-10.2-reporting-broken.txt").read_text()
_TLS_LOG = ("%LICMGR-3-LOG_SMART_LIC_COMM_FAILED: Communications failure with the Cisco Smart License "
            "Utility (CSLU) : Cannot establish secure connection because server TLS cert cannot be validated")


def _slp_status(transport: str) -> str:
    text = _SLP.replace("Transport:\n  Type: Transport Off\n", "Transport:\n" + transport)
    old = ("%LICMGR-3-LOG_SMART_LIC_TRUST_CODE_INSTALL_FAILED: Fail to install trust code: the time "
           "difference between the device and CSSM is more than one hour")
    assert old in text and transport in text
    return text.replace(old, _TLS_LOG)


@pytest.mark.parametrize("transport, host, vrf", [
    ("  Type: cslu\n  Cslu address: https://cslu-01.corp.example:8182/cslu/v1/pi\n  VRF: management\n",
     "cslu-01.corp.example", "management"),
    ("  Type: cslu\n  Cslu address: https://ssm-onprem.corp.example/cslu/v1/pi/CORP-1\n  VRF: oob\n",
     "ssm-onprem.corp.example", "oob"),
    ("  Type: Smart\n  URL: https://smartreceiver.cisco.com/licservice/license\n  VRF: management\n",
     "smartreceiver.cisco.com", "management"),
])
def test_slp_transport_in_show_license_status_gives_the_licensing_path(tmp_path, rulebook, transport, host, vrf):
    report = _report(tmp_path, _slp_status(transport), rulebook)
    [tls] = _fired(report, "tls-certificate-untrusted")
    assert f"to {host} in VRF {vrf}" in tls.message
    assert not any(n.rule_id == "tls-certificate-untrusted" for n in report.outcome.not_evaluated)
    assert all("show running-config callhome" not in c.command for c in report.outcome.collect_next)


_TLS_HIT = (RULES / "network" / "tls-certificate-untrusted.hit.txt").read_text()


@pytest.mark.parametrize("lines, host, vrf_stated", [
    ("license smart transport cslu\nlicense smart url cslu https://cslu-01.rete.example:8182/cslu/v1/pi\n"
     "license smart vrf management\n", "cslu-01.rete.example", True),
    ("license smart transport cslu\nlicense smart url cslu https://ssm.rete.example/cslu/v1/pi/RETE-7\n"
     "license smart vrf management\n", "ssm.rete.example", True),
    # no 'license smart vrf': the server is known, the VRF is not stated (and said so)
    ("license smart transport cslu\nlicense smart url cslu https://cslu-01.rete.example:8182/cslu/v1/pi\n",
     "cslu-01.rete.example", False),
    ("license smart transport smart\nlicense smart url smart https://smartreceiver.cisco.com/licservice/license\n",
     "smartreceiver.cisco.com", False),
])
def test_slp_configuration_gives_the_licensing_path(tmp_path, rulebook, lines, host, vrf_stated):
    old = ("license smart transport smart\nlicense smart url smart "
           "https://smartreceiver.cisco.com/licservice/license\nlicense smart vrf management\n")
    assert old in _TLS_HIT
    report = _report(tmp_path, _TLS_HIT.replace(old, lines), rulebook)
    [tls] = _fired(report, "tls-certificate-untrusted")
    assert f"to {host} in VRF" in tls.message
    assert ("VRF is not stated" in tls.message) is (not vrf_stated)
    if not vrf_stated:
        assert "vrf default" not in tls.fix and "VRF default" not in tls.fix


@pytest.mark.parametrize("transport", [
    "  Type: cslu\n  Cslu address: https://cslu-01.corp.example:8182/cslu/v1/pi\n",
    "  Type: Smart\n  URL: https://smartreceiver.cisco.com/licservice/license\n",
])
def test_slp_transport_without_a_vrf_line_gives_the_server_not_a_vrf(tmp_path, rulebook, transport):
    report = _report(tmp_path, _slp_status(transport), rulebook)
    [tls] = _fired(report, "tls-certificate-untrusted")
    assert "VRF is not stated" in tls.message
    assert "vrf default" not in tls.fix.lower()


# -- 8. advice never contradicts another finding on the same device -----------------------

_N3K = (Path(__file__).parent.parent / "samples" / "unsupported-nexus-3064.txt").read_text()
_SMART_DISABLED = "acc-n3k-04# show license status\n\nSmart Licensing is DISABLED\n\n"
_CALLHOME_BLOCK = ("acc-n3k-04# show running-config callhome\n\n!Command: show running-config callhome\n"
                   "!Time: Tue Mar 14 10:02:37 2023\n\nversion {release} Bios:version 05.47\ncallhome\n"
                   "  email-contact ops@example.org\n  destination-profile CiscoTAC-1 transport-method http\n"
                   "  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/"
                   "services/DDCEService\n  transport http use-vrf management\n\n")


@pytest.mark.parametrize("chassis", ["Nexus 3064", "Nexus 3016", "Nexus3000 C3064PQ-10GX"])
@pytest.mark.parametrize("release", ["7.0(3)I7(9)", "9.3(8)", None])
@pytest.mark.parametrize("extra", [_SMART_DISABLED, _CALLHOME_BLOCK, _SMART_DISABLED + _CALLHOME_BLOCK])
def test_no_smart_licensing_advice_for_a_switch_without_smart_licensing(tmp_path, rulebook, chassis, release, extra):
    text = _N3K.replace("Nexus 3064 Chassis", f"{chassis} Chassis")
    if release:
        text = text.replace("7.0(3)I7(9)", release)
    else:
        text = "".join(ln for ln in text.splitlines(keepends=True) if "7.0(3)I7(9)" not in ln)
    text += extra.format(release=release or "9.3(8)").replace("version 9.3(8) Bios:version 05.47\n", "" if not release else
                                                               "version 9.3(8) Bios:version 05.47\n")
    report = _report(tmp_path, text, rulebook)
    assert _fired(report, "platform-unsupported")
    for f in report.findings:
        assert "license smart" not in f.fix.replace("'license smart' commands", ""), f"{f.rule_id}: {f.fix}"
        assert f.rule_id in ("platform-unsupported", "unparsed-output"), f.rule_id


@pytest.mark.parametrize("hit, rule_id, never", [
    # a plain 'register idtoken' beside a finding that says it cannot work
    ("already-registered", "registration-unregistered", None),
    ("idtoken-rejected", "registration-unregistered", None),
    # 'renew id' beside a finding that says the registration has expired
    ("registration-expired", "renewal-failed", None),
])
def test_registration_advice_does_not_contradict(tmp_path, rulebook, hit, rule_id, never):
    report = analyze([str(RULES / "classic" / f"{hit}.hit.txt")], Options(system_now=SYSTEM_NOW), rules=rulebook)
    assert _fired(report, hit)
    assert not _fired(report, rule_id)


@pytest.mark.parametrize("hit", ["already-registered", "idtoken-rejected"])
def test_evaluation_fix_points_at_the_failed_registration(rulebook, hit):
    report = analyze([str(RULES / "classic" / f"{hit}.hit.txt")], Options(system_now=SYSTEM_NOW), rules=rulebook)
    for f in _fired(report, "evaluation-mode"):
        assert "'force'" in f.fix and "new token" in f.fix


def test_renewal_advice_on_an_expired_registration_says_register_again(rulebook):
    report = analyze([str(RULES / "classic" / "registration-expired.hit.txt")], Options(system_now=SYSTEM_NOW),
                     rules=rulebook)
    for rule_id in ("authorization-expired", "communication-failed"):
        for f in _fired(report, rule_id):
            assert "renew auth" not in f.fix or "license smart register idtoken <TOKEN> force" in f.fix, rule_id


def test_no_renew_id_once_the_registration_date_has_passed(tmp_path, rulebook):
    hit = RULES / "classic" / "registration-expiry-near.hit.txt"
    lines = []
    for ln in hit.read_text().splitlines(keepends=True):
        if ln.strip().startswith("Registration Expires:"):
            ln = ln[:ln.index("Registration Expires:")] + "Registration Expires: Jan 01 00:00:01 2020 UTC\n"
        lines.append(ln)
    report = _report(tmp_path, "".join(lines), rulebook)
    [near] = _fired(report, "registration-expiry-near")
    assert near.severity == "error" and "force" in near.fix
    assert not _fired(report, "renewal-failed")
    # while the date is ahead, renewing the ID certificate is the right advice
    report = analyze([str(hit)], Options(system_now=SYSTEM_NOW), rules=rulebook)
    assert "license smart renew id" in _fired(report, "renewal-failed")[0].fix


_UNRESOLVED = ("zrh-lf-02# ping tools.cisco.com vrf management\n"
               "% Invalid host/interface tools.cisco.com\n")


@pytest.mark.parametrize("proxy, fires", [("", True), (_PROXY, False)])
def test_a_failed_lookup_through_an_enabled_proxy_is_no_dns_failure(tmp_path, rulebook, proxy, fires):
    report = _report(tmp_path, _unreachable_capture(proxy, _UNRESOLVED), rulebook)
    assert bool(_fired(report, "dns-resolution-failed")) is fires


@pytest.mark.parametrize("hit", ["registration-expired", "authorization-expired"])
def test_authorization_advice_never_claims_a_registration_that_has_expired(rulebook, hit):
    """Beside REGISTRATION EXPIRED, 'it stays registered' and a bare 'renew auth' would
    contradict registration-expired: the message hedges, the fix says to register again."""
    report = analyze([str(RULES / "classic" / f"{hit}.hit.txt")], Options(system_now=SYSTEM_NOW), rules=rulebook)
    [auth] = _fired(report, "authorization-expired")
    assert "unless its registration has expired too" in auth.message
    for f in [auth, *_fired(report, "communication-failed")]:
        assert "license smart register idtoken <TOKEN> force" in f.fix


def test_a_passed_communication_deadline_is_said_to_have_passed(rulebook):
    from conftest import SAMPLES
    report = analyze([str(SAMPLES / "two-switches-session.log")], Options(system_now=SYSTEM_NOW), rules=rulebook)
    [failed] = [f for f in _fired(report, "communication-failed") if f.device == "spine-b"]
    assert "the authorization has expired" in failed.message and "the authorization expires" not in failed.message


_USAGE = ("lyon-core-2# show license usage\nFeature                      Ins  Lic   Status Expiry Date Comments\n"
          "                                 Count\n" + "-" * 80 + "\n{rows}" + "-" * 80 + "\nlyon-core-2#\n")


@pytest.mark.parametrize("row, fires", [
    ("LAN_ENTERPRISE_SERVICES_PKG   No    -   In use             Grace 97D 14H\n", True),
    ("ENTERPRISE_PKG                No    -   In use             Grace 0D 3H\n", True),
    ("TRANSPORT_SERVICES_PKG        No    -   Unused             Grace 12D 0H\n", False),   # not in use
    ("LAN_ENTERPRISE_SERVICES_PKG   Yes   -   In use Never       -\n", False),               # licensed
])
def test_a_feature_on_its_grace_period_is_a_finding(tmp_path, rulebook, row, fires):
    report = _report(tmp_path, _USAGE.format(rows=row), rulebook)
    fired = _fired(report, "license-grace-period")
    assert bool(fired) is fires
    if fires:
        assert fired[0].severity == "error" and fired[0].line == 5
