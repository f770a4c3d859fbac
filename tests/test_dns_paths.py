"""The DNS rules judge the name the switch itself must resolve for licensing.

Through an enabled HTTP proxy the proxy resolves the licensing server's name: the switch
needs DNS only for a proxy given by name. Under Smart Licensing Using Policy a transport in
use without a 'license smart url' line sends to a default URL that only show license status
prints: until it is captured the DNS rules are not evaluated, never passed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SYSTEM_NOW
from diag.api import Options, analyze

DNS_RULES = ("dns-lookup-disabled", "dns-server-missing")


def run(tmp_path: Path, text: str):
    path = tmp_path / "cap.txt"
    path.write_text(text)
    report = analyze([str(path)], Options(system_now=SYSTEM_NOW))
    fired = {f.rule_id: f for f in report.findings if f.rule_id in DNS_RULES}
    opened = {n.rule_id: n for n in report.outcome.not_evaluated if n.rule_id in DNS_RULES}
    return fired, opened


# --- Call Home through an HTTP proxy (classic Smart Licensing) --------------------------

CALLHOME = """sw9# show running-config

!Command: show running-config
!Time: Mon Nov 14 08:20:02 2022

version 9.3(9) Bios:version 05.45
hostname sw9
{dns}
license smart enable
vrf context management
  ip route 0.0.0.0/0 10.0.0.1
interface mgmt0
  vrf member management
  ip address 10.0.0.9/24
line console
line vty
callhome
  email-contact noc@example.org
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http https://tools.cisco.com/its/service/oddce/services/DDCEService
{proxy}
  transport http use-vrf management
  enable

sw9#
"""

BY_ADDRESS = "  transport http proxy server 10.0.0.80 port 3128\n  transport http proxy enable"
BY_ADDRESS_V6 = "  transport http proxy server 2001:db8::80 port 3128\n  transport http proxy enable"
BY_NAME = "  transport http proxy server proxy.example.org port 3128\n  transport http proxy enable"
NO_LOOKUP = "no ip domain-lookup"


@pytest.mark.parametrize("proxy", [BY_ADDRESS, BY_ADDRESS_V6])
@pytest.mark.parametrize("dns", [NO_LOOKUP, "ip domain-lookup", "ip name-server 10.0.0.53"])
def test_an_enabled_proxy_given_as_an_address_needs_no_dns_on_the_switch(tmp_path, proxy, dns):
    fired, opened = run(tmp_path, CALLHOME.format(dns=dns, proxy=proxy))
    assert fired == {} and opened == {}


@pytest.mark.parametrize("dns, expected", [
    (NO_LOOKUP, set(DNS_RULES)),
    ("ip domain-lookup", {"dns-server-missing"}),
    ("ip name-server 10.0.0.53", {"dns-server-missing"}),          # the default VRF's only
    ("ip name-server 10.0.0.53 use-vrf management", set()),
    ("no ip domain-lookup\nip host proxy.example.org 10.0.0.80", set()),       # a static entry
    ("ip name-server 10.0.0.53 use-vrf management\nip host proxy.example.org 10.0.0.80", set()),
])
def test_an_enabled_proxy_given_by_name_must_itself_resolve(tmp_path, dns, expected):
    fired, opened = run(tmp_path, CALLHOME.format(dns=dns, proxy=BY_NAME))
    assert set(fired) == expected and opened == {}
    for finding in fired.values():
        # the name that must resolve is the proxy's, not the licensing server's
        assert "proxy.example.org" in finding.message
        assert "proxy" in finding.message.split("proxy.example.org", 1)[1][:60]


@pytest.mark.parametrize("proxy", [
    "",                                                                # no proxy
    "  transport http proxy server 10.0.0.80 port 3128",               # not enabled
    "  transport http proxy server proxy.example.org port 3128",       # not enabled
    "  transport http proxy enable",                                   # enabled, no server
])
def test_without_an_enabled_proxy_the_switch_resolves_the_licensing_server(tmp_path, proxy):
    fired, opened = run(tmp_path, CALLHOME.format(dns=NO_LOOKUP, proxy=proxy))
    assert set(fired) == set(DNS_RULES) and opened == {}
    assert all("tools.cisco.com" in f.message for f in fired.values())


SHOW_OUTPUTS = """sw9# show clock
08:20:02.000 UTC Mon Nov 14 2022
sw9# show callhome transport
http vrf:management
from email addr:sw9@example.org
http proxy server:{proxy}
http proxy server port:3128
http proxy status:{state}
sw9# show callhome destination-profile profile CiscoTAC-1

CiscoTAC-1 destination profile information
maximum message size:5000000
message format:XML
message-level:0
transport-method:http
email addresses configured:

url addresses configured:
https://tools.cisco.com/its/service/oddce/services/DDCEService
alert groups configured:
Cisco-TAC
sw9# show hosts
DNS lookup disabled
Vrf Name: default Default domain is example.org
Name/address lookup uses domain service
Name servers are 255.255.255.255


Host            Address
sw9#
"""


@pytest.mark.parametrize("proxy, state, fires", [
    ("10.0.0.80", "Enabled", False),
    ("proxy.example.org", "Enabled", True),
    ("10.0.0.80", "Disabled", True),
])
def test_show_outputs_alone_follow_the_proxy_of_show_callhome_transport(tmp_path, proxy, state, fires):
    fired, opened = run(tmp_path, SHOW_OUTPUTS.format(proxy=proxy, state=state))
    assert ("dns-lookup-disabled" in fired) is fires and "dns-lookup-disabled" not in opened


# --- Smart Licensing Using Policy ------------------------------------------------------

SLP = """leaf10# show running-config

!Command: show running-config
!Time: Tue Oct 10 14:03:10 2023

version {release} Bios:version 05.45
hostname leaf10
no ip domain-lookup
{license}
ntp server 10.40.1.123 use-vrf management
vrf context management
  ip route 0.0.0.0/0 10.40.0.1
interface mgmt0
  vrf member management
line console
line vty

leaf10#
"""

STATUS = """leaf10# show license status

Smart Licensing Using Policy:
  Status: ENABLED

Data Privacy:
  Sending Hostname: yes
    Callhome hostname privacy: DISABLED
    Smart Licensing hostname privacy: DISABLED
  Version privacy: DISABLED

Transport:
  Type: Smart
  URL: https://smartreceiver.cisco.com/licservice/license
  Proxy:
{proxy}
  VRF: management

leaf10#
"""
NO_STATUS_PROXY = "    Not Configured"

URL = "license smart url smart https://smartreceiver.cisco.com/licservice/license"
RELEASES = ["10.2(5)", "10.4(3)"]


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("license", [
    "license smart transport smart\nlicense smart vrf management",
    "license smart transport smart",
    "license smart vrf management",
    "license smart transport cslu\nlicense smart vrf management",
])
def test_an_slp_transport_without_a_url_line_asks_for_show_license_status(tmp_path, release, license):
    fired, opened = run(tmp_path, SLP.format(release=release, license=license))
    assert fired == {}
    assert set(opened) == set(DNS_RULES)
    assert all("show license status" in n.needs for n in opened.values())


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("license", [
    "license smart transport smart\nlicense smart vrf management",
    "license smart transport smart",
    "license smart vrf management",
])
def test_show_license_status_gives_the_url_the_configuration_leaves_out(tmp_path, release, license):
    text = SLP.format(release=release, license=license) + STATUS.format(proxy=NO_STATUS_PROXY)
    fired, opened = run(tmp_path, text)
    assert set(fired) == set(DNS_RULES) and opened == {}
    assert all("smartreceiver.cisco.com" in f.message and "management" in f.message for f in fired.values())


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("license", [
    "license smart transport off",
    "license smart transport callhome",
    "license smart transport off\nlicense smart vrf management",
    "",
])
def test_no_slp_transport_in_use_is_not_asked_for(tmp_path, release, license):
    fired, opened = run(tmp_path, SLP.format(release=release, license=license))
    assert fired == {} and opened == {}


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("license, status, fires", [
    (f"license smart transport smart\n{URL}\nlicense smart vrf management\nlicense smart proxy address 10.0.0.80\n"
     "license smart proxy port 3128", None, False),
    (f"license smart transport smart\n{URL}\nlicense smart vrf management\nlicense smart proxy address proxy.example.org\n"
     "license smart proxy port 3128", None, True),
    (f"license smart transport smart\n{URL}\nlicense smart vrf management\nlicense smart proxy port 3128", None, True),
    ("license smart transport smart\nlicense smart vrf management",
     "    Address: 10.0.0.80\n    Port: 3128", False),
    ("license smart transport smart\nlicense smart vrf management",
     "    Address: proxy.example.org\n    Port: 3128", True),
])
def test_an_slp_proxy_is_treated_like_call_homes(tmp_path, release, license, status, fires):
    text = SLP.format(release=release, license=license)
    if status is not None:
        text += STATUS.format(proxy=status)
    fired, opened = run(tmp_path, text)
    assert opened == {}
    assert ("dns-lookup-disabled" in fired) is fires
    if fires and "proxy.example.org" in text:
        assert "proxy.example.org" in fired["dns-lookup-disabled"].message
