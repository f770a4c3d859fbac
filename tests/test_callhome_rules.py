"""Call Home rules beyond their hit/ok pair: branches, fragments, filters, one finding per problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RULES, SYSTEM_NOW
from diag.api import Options, analyze
from diag.conditions import FILTERS

CALLHOME = RULES / "callhome"
KNOWN = RULES / "known-issues"


def _report(tmp_path: Path, text: str, rulebook, name: str = "cap.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return analyze([str(path)], Options(system_now=SYSTEM_NOW), rules=rulebook)


def _fired(report, rule_id: str) -> list:
    return [f for f in report.findings if f.rule_id == rule_id]


def _not_evaluated(report, rule_id: str) -> list:
    return [n for n in report.outcome.not_evaluated if n.rule_id == rule_id]


@pytest.mark.parametrize("url, expected", [
    ("http://tools.cisco.com/its/service/oddce/services/DDCEServi",
     "https://tools.cisco.com/its/service/oddce/services/DDCEService"),
    ("https://72.163.4.38/its/service/oddce/services/DDCEService",
     "https://tools.cisco.com/its/service/oddce/services/DDCEService"),
    ("https://smartreceiver.cisco.com/licservice/license",
     "https://tools.cisco.com/its/service/oddce/services/DDCEService"),
    ("https://ssm.example.com/Transportgateway/services/DeviceReq",
     "https://ssm.example.com/Transportgateway/services/DeviceRequestHandler"),
    ("https://10.1.2.3/Transportgateway/services/DeviceRequestHandler",
     "https://<ssm-onprem-fqdn>/Transportgateway/services/DeviceRequestHandler"),
])
def test_licensing_url_filter(url, expected):
    assert FILTERS["licensing_url"](url, None) == expected


def test_vrf_clause_filter():
    assert FILTERS["vrf_clause"]("management", None) == " vrf management"


def test_callhome_disabled_reports_one_finding_for_config_and_show_callhome(rulebook):
    report = analyze([str(CALLHOME / "callhome-disabled.hit.txt")], Options(system_now=SYSTEM_NOW),
                     rules=rulebook)
    fired = _fired(report, "callhome-disabled")
    assert len(fired) == 1 and fired[0].evidence[0].text == "callhome"


def test_callhome_disabled_without_block_needs_license_smart_enable(tmp_path, rulebook):
    whole = (CALLHOME / "callhome-vrf-missing.ok.txt").read_text()
    no_block = whole[:whole.index("callhome\n  email")]
    fired = _fired(_report(tmp_path, no_block, rulebook), "callhome-disabled")
    assert len(fired) == 1 and fired[0].evidence[0].text == "license smart enable"
    traditional = no_block.replace("license smart enable\n", "")
    report = _report(tmp_path, traditional, rulebook, "trad.txt")
    assert not _fired(report, "callhome-disabled") and not _not_evaluated(report, "callhome-disabled")


FRAGMENT = """sw9# show running-config | include destination-profile
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http https://smartreceiver.cisco.com/licservice/license
  destination-profile CiscoTAC-1 index 2 http https://10.1.2.3/Transportgateway/services/DeviceRequestHan
"""


def test_url_rules_fire_on_fragments_and_absence_rules_wait(tmp_path, rulebook):
    report = _report(tmp_path, FRAGMENT, rulebook)
    assert _fired(report, "callhome-url-ip-literal") and _fired(report, "callhome-url-unrecognized")
    # smartreceiver is its own rule, which needs the release
    assert all("smartreceiver" not in f.message for f in _fired(report, "callhome-url-unrecognized"))
    assert _not_evaluated(report, "callhome-url-smartreceiver-on-classic")
    for rule_id in ("callhome-url-missing", "callhome-tac-profile-not-http", "callhome-disabled",
                    "callhome-email-contact-missing", "callhome-proxy-incomplete"):
        assert not _fired(report, rule_id) and _not_evaluated(report, rule_id), rule_id


def _dmz(old: str, new: str, drop_vrf: bool = False) -> str:
    text = (KNOWN / "http-source-interface-vrf-mismatch.hit.txt").read_text()
    assert old in text
    text = text.replace(old, new)
    return text.replace("  transport http use-vrf management\n", "") if drop_vrf else text


@pytest.mark.parametrize("line, drop_vrf, fires, fix", [
    # the line for Call Home's own VRF wins over the global one
    ("ip http source-interface Vlan27\nip http source-interface mgmt0 vrf management\n", False, False, None),
    ("ip http source-interface Vlan27 vrf management\n", False, True,
     "ip http source-interface mgmt0 vrf management"),
    ("ip http source-interface Vlan27 vrf default\n", False, False, None),
    # no use-vrf: Call Home's VRF is not stated (the default VRF is a guess), so no interface
    # is moved on it; callhome-vrf-missing reports the missing line (tests/test_advice.py)
    ("ip http source-interface mgmt0\n", True, False, None),
    ("ip http source-interface Vlan27\n", True, False, None),
])
def test_http_source_interface_branches(tmp_path, rulebook, line, drop_vrf, fires, fix):
    report = _report(tmp_path, _dmz("ip http source-interface Vlan27\n", line, drop_vrf), rulebook)
    fired = _fired(report, "http-source-interface-vrf-mismatch")
    assert bool(fired) == fires
    assert not _not_evaluated(report, "http-source-interface-vrf-mismatch")
    if fix:
        assert fix in fired[0].fix


@pytest.mark.parametrize("spelled, fires", [
    ("Vlan27", True), ("Vlan 27", True), ("vlan27", True), ("Vlan 27 vrf management", True),
    ("mgmt0", False), ("mgmt 0", False), ("mgmt0 vrf management", False),
])
def test_http_source_interface_spelled_as_a_template_writes_it(tmp_path, rulebook, spelled, fires):
    """A configuration rendered from a template may write the interface with a space
    ('Vlan 27', as NX-OS accepts it typed); the switch prints 'Vlan27'. Either is read, never
    dropped without a word."""
    report = _report(tmp_path, _dmz("ip http source-interface Vlan27\n", f"ip http source-interface {spelled}\n"),
                     rulebook)
    assert bool(_fired(report, "http-source-interface-vrf-mismatch")) == fires
    assert not _not_evaluated(report, "http-source-interface-vrf-mismatch")


def test_http_source_interface_needs_whole_config(tmp_path, rulebook):
    partial = ("leaf01# show running-config | include \"ip http\"\nip http source-interface Vlan27\n"
               + (CALLHOME / "callhome-url-unrecognized.ok.txt").read_text())
    report = _report(tmp_path, partial, rulebook)
    assert _not_evaluated(report, "http-source-interface-vrf-mismatch")


def test_vrf_missing_from_name_servers_alone(tmp_path, rulebook):
    text = (CALLHOME / "callhome-vrf-missing.hit.txt").read_text()
    text = text.replace("ip http source-interface mgmt0 vrf management\n", "")
    fired = _fired(_report(tmp_path, text, rulebook), "callhome-vrf-missing")
    assert fired and "use-vrf management" in fired[0].fix
    global_dns = text.replace("ip domain-lookup\n", "ip domain-lookup\nip name-server 10.60.8.53\n")
    assert not _fired(_report(tmp_path, global_dns, rulebook, "g.txt"), "callhome-vrf-missing")


def test_proxy_enabled_without_server(tmp_path, rulebook):
    text = (CALLHOME / "callhome-proxy-incomplete.ok.txt").read_text()
    text = text.replace("  transport http proxy server proxy-sg.example.bank port 8080\n", "")
    fired = _fired(_report(tmp_path, text, rulebook), "callhome-proxy-incomplete")
    # the line that shows the problem: the enable line (the hit capture: the server line)
    enable = text.splitlines().index("  transport http proxy enable") + 1
    assert [(f.line, f.end_line) for f in fired] == [(enable, enable)]
    assert enable in [e.line for e in fired[0].evidence]


@pytest.mark.parametrize("server, status, problem", [
    ("proxy-sg.example.bank", "Disabled", "http proxy server:proxy-sg.example.bank"),
    ("Not Configured", "Enabled", "http proxy server:Not Configured"),
])
def test_proxy_incomplete_in_show_callhome_transport_points_at_the_proxy_lines(tmp_path, rulebook, server,
                                                                                status, problem):
    text = ("fin-core-a# show callhome transport\nhttp vrf:management\nfrom email addr:\n"
            f"http proxy server:{server}\nhttp proxy server port:8080\nhttp proxy status:{status}\nfin-core-a# \n")
    fired = _fired(_report(tmp_path, text, rulebook), "callhome-proxy-incomplete")
    assert [f.line for f in fired] == [text.splitlines().index(problem) + 1]
