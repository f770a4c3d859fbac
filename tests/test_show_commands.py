"""The commands TAC asks for: show callhome outputs, partial configurations, show ip route,
the MTS details. Each rule these outputs feed has captures in tests/data/commands:

    <rule-id>--<case>.hit.txt   fires the rule, on the line EXPECTED names
    <rule-id>--<case>.ok.txt    the same commands with healthy values: evaluated, silent
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, SYSTEM_NOW
from diag.api import Options, analyze, devices
from diag.capture import read_lines

DATA = ROOT / "tests" / "data" / "commands"
HITS = sorted(DATA.glob("*.hit.txt"))
OKS = sorted(DATA.glob("*.ok.txt"))

# the text of the line each hit capture's finding points at
EXPECTED = {
    "callhome-url-plain-http--profile-ciscotac1": "http://tools.cisco.com/its/service/oddce/services/DDCEService",
    "callhome-url-plain-http--pasted-all-profiles": "http://tools.cisco.com/its/service/oddce/services/DDCEService",
    "callhome-url-ip-literal--profile-ciscotac1":
        "https://10.44.3.20/Transportgateway/services/DeviceRequestHandler",
    "callhome-url-unrecognized--profile-ciscotac1": "https://tools.cisco.com/its/service/oddce/services/DDCEServi",
    "callhome-url-smartreceiver-on-classic--show-version": "https://smartreceiver.cisco.com/licservice/license",
    "callhome-url-missing--all-profiles": "CiscoTAC-1 destination profile information",
    "callhome-tac-profile-not-http--profile-ciscotac1": "transport-method:email",
    "callhome-proxy-incomplete--transport": "http proxy server:proxy.corp.example",
    "callhome-proxy-incomplete--transport-enabled-no-server": "http proxy server:",
    "callhome-disabled--show-callhome": "callhome disabled",
    "callhome-vrf-missing--show-ip-route": "callhome",
    "cisco-unreachable--route-not-found": "Route not found",
    "quovadis-root-ca-fn72115--profile-ciscotac1": "https://tools.cisco.com/its/service/oddce/services/DDCEService",
    "callhome-mts-stuck-dns-cscvv67469--show-outputs":
        "sup/1397/recv   4811930     0x601    27      0x601    1397    8204    0x2b10f3    212      0x0         0x4c01204",
}


def _rule(path: Path) -> str:
    return path.name.split("--")[0]


def _case(path: Path) -> str:
    return path.name.split(".")[0]


def _analyze(*paths: Path):
    return analyze([str(p) for p in paths], Options(system_now=SYSTEM_NOW))


def _text(path: Path) -> dict[int, str]:
    return dict(read_lines(str(path)))


def test_every_capture_has_its_pair_and_its_line():
    assert {_case(p) for p in HITS} == {_case(p) for p in OKS} == set(EXPECTED)


@pytest.mark.parametrize("hit", HITS, ids=[_case(p) for p in HITS])
def test_hit_fires_on_its_line(hit: Path):
    report = _analyze(hit)
    fired = [f for f in report.findings if f.rule_id == _rule(hit)]
    assert len(fired) == 1, f"{hit.name}: {[(f.rule_id, f.line) for f in report.findings]}"
    text = _text(hit)
    assert text[fired[0].line].strip() == EXPECTED[_case(hit)]
    for ev in fired[0].evidence:
        assert ev.text == text[ev.line].strip()
    assert "?" not in fired[0].fix.split() and "{" not in fired[0].message


@pytest.mark.parametrize("ok", OKS, ids=[_case(p) for p in OKS])
def test_near_miss_is_evaluated_and_silent(ok: Path):
    report = _analyze(ok)
    rule = _rule(ok)
    assert rule not in [f.rule_id for f in report.findings]
    assert rule not in [n.rule_id for n in report.outcome.not_evaluated], f"{ok.name} leaves {rule} open"


# -- show callhome destination-profile ------------------------------------------------

def test_plain_http_seen_in_the_profile_output_gives_the_config_fix():
    report = _analyze(DATA / "callhome-url-plain-http--profile-ciscotac1.hit.txt")
    (finding,) = [f for f in report.findings if f.rule_id == "callhome-url-plain-http"]
    # the same configuration commands as from the running-config; no index the output did not print
    assert finding.fix.splitlines()[1:] == [
        " callhome",
        "  no destination-profile CiscoTAC-1 http http://tools.cisco.com/its/service/oddce/services/DDCEService",
        "  destination-profile CiscoTAC-1 http https://tools.cisco.com/its/service/oddce/services/DDCEService",
    ]


def test_a_printed_index_reaches_the_fix(tmp_path):
    path = tmp_path / "cap.txt"
    text = (DATA / "callhome-url-plain-http--profile-ciscotac1.hit.txt").read_text()
    path.write_text(text.replace("\nhttp://tools", "\n2 http://tools"))
    (finding,) = [f for f in _analyze(path).findings if f.rule_id == "callhome-url-plain-http"]
    assert "no destination-profile CiscoTAC-1 index 2 http http://tools" in finding.fix


def test_config_and_profile_output_of_one_url_give_one_finding(tmp_path):
    config = (ROOT / "rules" / "known-issues" / "callhome-url-plain-http.hit.txt").read_text()
    show = (DATA / "callhome-url-plain-http--profile-ciscotac1.hit.txt").read_text().replace("DC-DMZ", "bdr-lf-07")
    path = tmp_path / "both.txt"
    path.write_text(config + show)
    fired = [f for f in _analyze(path).findings if f.rule_id == "callhome-url-plain-http"]
    assert len(fired) == 1


def test_a_profile_without_url_list_or_method_leaves_the_absence_rules_open(tmp_path):
    """An output that does not list the profile's URLs or method proves nothing about them."""
    path = tmp_path / "old.txt"
    path.write_text("sw1# show callhome destination-profile profile CiscoTAC-1\n"
                    "CiscoTAC-1 destination profile information\n"
                    "maximum message size:5000000\nmessage format:XML\nmessage-level:0\n"
                    "email addresses configured:\ncallhome@cisco.com\n\n"
                    "alert groups configured:\ncisco-tac\nsw1# \n")
    report = _analyze(path)
    open_rules = {n.rule_id: n.needs for n in report.outcome.not_evaluated}
    for rule in ("callhome-url-missing", "callhome-tac-profile-not-http"):
        assert rule not in [f.rule_id for f in report.findings]
        assert "show running-config callhome" in open_rules[rule]


def test_another_profile_by_name_does_not_settle_ciscotac1(tmp_path):
    path = tmp_path / "noc.txt"
    path.write_text("sw1# show callhome destination-profile profile noc\n"
                    "noc destination profile information\nmaximum message size:2500000\n"
                    "message format:full-txt\nmessage-level:0\ntransport-method:email\n"
                    "email addresses configured:\nnoc@corp.example\nurl addresses configured:\n\n"
                    "alert groups configured:\nall\nsw1# \n")
    report = _analyze(path)
    assert not report.findings
    open_rules = {n.rule_id for n in report.outcome.not_evaluated}
    assert {"callhome-url-missing", "callhome-tac-profile-not-http", "callhome-url-plain-http"} <= open_rules


def test_whole_profile_list_proves_no_ciscotac1_url_for_the_licensing_path():
    """show callhome transport and the whole profile list decide the licensing path (here: no
    URL, so no path), where one profile's output alone would not."""
    found = devices([str(ROOT / "rules" / "derived" / "licensing-path-callhome-transport.ok.txt")])
    assert all("derived:licensing.path" in d.coverage for d in found)
    assert not [f for d in found for f in d.store.get("licensing.path")]


# -- partial configurations -------------------------------------------------------------

VRF_CONFIG = """
!Command: show running-config vrf management
!Running configuration last done at: Wed May 15 17:02:44 2024
!Time: Thu May 16 10:31:02 2024

version 9.3(10) Bios:version 05.47

interface mgmt0
  vrf member management

vrf context management
  ip domain-name corp.example
  ip name-server 10.70.0.53 10.70.1.53
  ip route 0.0.0.0/0 10.70.0.1
"""


def test_running_config_of_one_vrf_is_read_and_proves_no_absence(tmp_path):
    path = tmp_path / "vrf.txt"
    path.write_text(VRF_CONFIG)
    (dev,) = devices([str(path)])
    servers = [(f.get("server"), f.get("vrf")) for f in dev.store.get("config.name_server")]
    assert servers == [("10.70.0.53", "management"), ("10.70.1.53", "management")]
    assert [(f.get("name"), f.get("vrf")) for f in dev.store.get("config.interface")] == [("mgmt0", "management")]
    assert not any(s.startswith("show running-config") for s in dev.coverage)
    report = _analyze(path)
    open_rules = {n.rule_id for n in report.outcome.not_evaluated}
    assert {"ntp-missing", "dns-server-missing", "callhome-disabled"} <= open_rules
    assert not report.findings


def test_running_config_of_one_interface_leaves_other_interfaces_of_a_fragment(tmp_path):
    """'show running-config interface mgmt0' shows one interface: the interfaces a filtered
    configuration showed are kept (it does not stand for every interface)."""
    path = tmp_path / "int.txt"
    path.write_text("sw2# show running-config | include \"interface|vrf member\"\n"
                    "interface Vlan27\ninterface Ethernet1/1\ninterface mgmt0\n  vrf member management\n"
                    "sw2# show running-config interface mgmt0\n\n"
                    "!Command: show running-config interface mgmt0\n"
                    "!Time: Thu May 16 10:31:02 2024\n\nversion 9.3(10) Bios:version 05.47\n\n"
                    "interface mgmt0\n  vrf member management\n  ip address 10.70.0.21/24\n\nsw2# \n")
    (dev,) = devices([str(path)])
    names = sorted({f.get("name") for f in dev.store.get("config.interface")})
    assert names == ["Ethernet1/1", "Vlan27", "mgmt0"]
    assert "show running-config interface" not in dev.coverage


# -- show ip route --------------------------------------------------------------------------

def test_a_default_route_in_the_default_vrf_is_no_reason_to_move_call_home():
    found = devices([str(DATA / "callhome-vrf-missing--show-ip-route.ok.txt")])
    routes = {(f.get("vrf"), f.get("present")) for d in found for f in d.store.get("route.default")}
    assert routes == {("default", True), ("management", True)}


def test_no_route_in_call_home_vrf_is_a_probe_failure_with_its_line():
    found = devices([str(DATA / "cisco-unreachable--route-not-found.hit.txt")])
    (probe,) = [f for d in found for f in d.store.get("licensing.probe_failure")]
    assert probe.get("result") == "no-route" and probe.get("vrf") == "management"
    assert probe.get("host") == "tools.cisco.com" and probe.get("said") == "Route not found"
    lines = {fact.text_at(fact.line).strip() for fact, _ in probe.support}
    assert "Route not found" in lines


def test_no_default_route_with_a_recent_success_is_not_unreachable(tmp_path):
    """Licensing that worked within the last 7 days outweighs a missing default route (a
    more specific route or a path diag cannot see)."""
    text = (DATA / "cisco-unreachable--route-not-found.hit.txt").read_text()
    text = text.replace("Last Communication Attempt: FAILED on Feb 13 06:31:02 2024 UTC\n"
                        "    Failure reason: Fail to send out Call Home HTTP message\n",
                        "Last Communication Attempt: SUCCEEDED on Feb 12 06:31:02 2024 UTC\n")
    path = tmp_path / "ok.txt"
    path.write_text(text)
    assert "cisco-unreachable" not in [f.rule_id for f in _analyze(path).findings]


def test_a_lookup_of_another_prefix_proves_nothing(tmp_path):
    path = tmp_path / "other.txt"
    text = (DATA / "cisco-unreachable--route-not-found.hit.txt").read_text()
    path.write_text(text.replace("show ip route 0.0.0.0/0 vrf management", "show ip route 72.163.4.38 vrf management"))
    (dev,) = devices([str(path)])
    assert not dev.store.get("route.default")
    assert "cisco-unreachable" not in [f.rule_id for f in _analyze(path).findings]


# -- show system internal mts buffers details -----------------------------------------------------

def test_mts_details_stand_in_for_the_summary():
    """The details of the MTS hit capture, instead of its summary, fire the rule on the same
    SAP with the message count."""
    report = _analyze(DATA / "callhome-mts-stuck-dns-cscvv67469--show-outputs.hit.txt")
    (finding,) = [f for f in report.findings if f.rule_id == "callhome-mts-stuck-dns-cscvv67469"]
    assert "SAP 1397" in finding.message and "holds 2 message(s)" in finding.message
    assert "VRF management" in finding.message


def test_the_whole_profile_list_stands_for_a_filtered_configuration(tmp_path):
    """A '| include' of the configuration shows part of the callhome block; the whole profile
    list shows every URL: its destinations are the evidence, the fragment's give way."""
    fragment = ("sw3# show running-config | include destination-profile\n"
                "  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/DDCEService\n")
    listing = (DATA / "callhome-url-missing--all-profiles.ok.txt").read_text().replace("ber-sp-01", "sw3")
    path = tmp_path / "both.txt"
    path.write_text(fragment + listing)
    (dev,) = devices([str(path)])
    assert [f.get("scheme") for f in dev.store.get("callhome.destination")] == ["https"]
    assert "callhome-url-plain-http" not in [f.rule_id for f in _analyze(path).findings]
    # without the list, the fragment is the evidence
    path.write_text(fragment)
    assert "callhome-url-plain-http" in [f.rule_id for f in _analyze(path).findings]
