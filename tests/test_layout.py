"""The layout a paste lost: flattened configuration blocks and hard-wrapped lines.

Configurations are generated in the order NX-OS prints them (global lines, callhome,
vrf contexts, interfaces, the last global lines) with children their block really
takes; each is read clean, then reshaped as pastes reshape them: every line at column 0
(forum posts, web pages), some children at column 0 (a paste partly re-indented), long
lines hard-wrapped by a terminal at exactly 80 columns or by a mail client at a space
before its limit. The facts must be those of the clean configuration, on the original
lines. A clean configuration comes out of the layout step unchanged, and a line that
can stand on its own is never joined.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import mail, terminal
from diag.commands import BY_NAME
from diag.parsers import layout
from diag.parsers.running_config import PARSER
from diag.split import Section

EXAMPLES = int(os.environ.get("DIAG_FUZZ_EXAMPLES", "0"))
SETTINGS = settings(max_examples=EXAMPLES or 60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

URL = "https://tools.cisco.com/its/service/oddce/services/DDCEService"
LONG_URL = "http://ssm-onprem-licensing.datacenter-services.example-holding.es/Transportgateway/services/DeviceRequestHandler"

GLOBAL_HEAD = [
    "hostname leaf{n}", "feature lacp", "feature interface-vlan", "ip domain-lookup", "no ip domain-lookup",
    "ip name-server 10.50.1.{n} use-vrf management", "ip name-server 10.50.2.{n}", "ip domain-name corp{n}.example",
    "username admin password 5 $5$KLMNOP$Zq4dRmT1uVxW8yB2cE6fG0hJ3kL7nP9sQAbCdEfGhIjKlMnOpQ  role network-admin",
    "snmp-server contact noc-{n}@example.org", "clock timezone CET 1 0", "copp profile strict",
]
CALLHOME = [
    "email-contact sch-smart-licensing@cisco.com", "email-contact licensing-operations-team-{n}@infrastructure-services.example-holding.no",
    "phone-contact +47-2255-019{n}", "streetaddress Karl Johans gate 1{n}, 0154 Oslo, Norway, attention of the network operations centre",
    "contract-id 91{n}", "site-id OSL-{n}", "destination-profile CiscoTAC-1 transport-method http",
    "no destination-profile CiscoTAC-1 transport-method email",
    "destination-profile CiscoTAC-1 index {n} http " + URL, "destination-profile CiscoTAC-1 http " + LONG_URL,
    "destination-profile CiscoTAC-1 alert-group all", "transport http use-vrf management",
    "transport http proxy server proxy{n}.example.org port 8080", "transport http proxy enable",
    "periodic-inventory notification interval 7", "duplicate-message throttle", "enable",
]
GLOBAL_MID = ["ntp server 10.1.1.{n} use-vrf management", "ntp server 10.1.2.{n} prefer", "ip route 0.0.0.0/0 10.60.0.{n}",
              "vlan 1,10{n}", "license smart enable"]
VRF = ["ip name-server 10.70.0.5{n}", "ip domain-name vrf{n}.example", "ip route 0.0.0.0/0 10.70.0.{n}", "rd auto",
       "description tenant {n} routing context", "no ip domain-lookup", "address-family ipv4 unicast"]
INTERFACE = ["description uplink to spine-0{n}", "vrf member management", "vrf member tenant-{n}",
             "ip address 10.8.8.{n}/24", "no shutdown", "shutdown", "mtu 9216", "no switchport",
             "switchport mode trunk", "channel-group 1{n} mode active", "spanning-tree port type edge"]
GLOBAL_TAIL = ["line console", "line vty", "boot nxos bootflash:/nxos.9.3.10.bin",
               "ip http source-interface mgmt0 vrf management", "hardware access-list tcam region racl 512"]


def _line(pool):
    return st.tuples(st.sampled_from(pool), st.integers(1, 9)).map(lambda t: t[0].format(n=t[1]))


@st.composite
def configs(draw) -> list[tuple[str, bool]]:
    """A configuration in NX-OS order: ``(text, is a child)`` per line, children unindented."""
    out: list[tuple[str, bool]] = [(t, False) for t in draw(st.lists(_line(GLOBAL_HEAD), max_size=5))]
    if draw(st.booleans()):
        out.append(("callhome", False))
        out += [(t, True) for t in draw(st.lists(_line(CALLHOME), min_size=1, max_size=8))]
    out += [(t, False) for t in draw(st.lists(_line(GLOBAL_MID), max_size=3))]
    for name in draw(st.lists(st.sampled_from(["management", "tenant-a", "tenant-b"]), max_size=2, unique=True)):
        out.append((f"vrf context {name}", False))
        out += [(t, True) for t in draw(st.lists(_line(VRF), max_size=4))]
    for name in draw(st.lists(st.sampled_from(["mgmt0", "Ethernet1/1", "Vlan100", "loopback0"]), max_size=3,
                              unique=True)):
        out.append((f"interface {name}", False))
        out += [(t, True) for t in draw(st.lists(_line(INTERFACE), max_size=4))]
    out += [(t, False) for t in draw(st.lists(_line(GLOBAL_TAIL), max_size=3))]
    return out


def clean(config) -> list[str]:
    return [("  " + text if child else text) for text, child in config]


def section(lines: list[str]) -> Section:
    spec = BY_NAME["show running-config"]
    return Section("gen.cfg", spec, spec.name, "prompt", None, 0, list(enumerate(lines, 1)),
                   frozenset({spec.name}))


def facts(lines: list[str], mapping: dict[int, int] | None = None):
    """The facts of the configuration: kind, fields and field lines (mapped back to the
    clean configuration's lines by ``mapping``), sorted."""
    sec = section(lines)
    got = PARSER.parse(sec)
    m = mapping or {}
    out = []
    for f in got:
        if f.kind == "capture.unparsed":  # lines not read: which ones (their pieces count apart)
            out.append((f.kind, "", tuple(sorted({m.get(n, n) for n in range(f.line, f.lines["last"] + 1)}))))
            continue
        out.append((f.kind, repr(sorted(f.fields.items())), tuple(sorted((k, m.get(v, v)) for k, v in f.lines.items()))))
    return sorted(out), sec


# -- lost indentation --------------------------------------------------------------------

@SETTINGS
@given(configs())
def test_a_clean_configuration_is_left_as_it_is(config):
    lines = list(enumerate(clean(config), 1))
    flowed = layout.reflow_config(lines)
    assert flowed.lines == lines and flowed.joined == {}


@SETTINGS
@given(configs())
def test_a_flattened_configuration_reads_as_the_clean_one(config):
    want, _ = facts(clean(config))
    got, _ = facts([text for text, _ in config])
    assert got == want


def _ambiguous(config, flat: set[int]) -> set[int]:
    """The flattened lines grammar cannot place: a line valid both in its block and at the
    top level (an 'ip name-server' after a 'vrf context'), flattened while no child of its
    block before it lost its indentation and none after it keeps one. Such a run of lines
    reads as NX-OS would print global lines: at the top level (see the test below)."""
    out: set[int] = set()
    for i, (text, child) in enumerate(config):
        if i not in flat or not child:
            continue
        start = max(j for j in range(i) if not config[j][1])
        block = next((b for b in layout.blocks() if b.header.match(config[start][0])), None)
        if block is None or block.shared is None or block.only.match(text) or not block.shared.match(text):
            continue
        end = next((j for j in range(i + 1, len(config)) if not config[j][1]), len(config))
        nested_before = any(j in flat and j not in out for j in range(start + 1, i))
        shared_after = all(j in flat and block.shared.match(config[j][0]) and not block.only.match(config[j][0])
                           for j in range(i + 1, end))
        if not nested_before and shared_after:
            out.add(i)
    return out


@SETTINGS
@given(configs(), st.data())
def test_a_partly_flattened_configuration_reads_as_the_clean_one(config, data):
    children = [i for i, (_, child) in enumerate(config) if child]
    flat = set(data.draw(st.lists(st.sampled_from(children), unique=True) if children else st.just([])))
    flat -= _ambiguous(config, flat)
    want, _ = facts(clean(config))
    got, _ = facts([text if i in flat else ("  " + text if child else text)
                    for i, (text, child) in enumerate(config)])
    assert got == want


def test_a_shared_line_after_an_indented_block_stays_global():
    # NX-OS prints global name servers before the vrf contexts, but a hand-written
    # configuration may not: with the block's children indented, an unindented line
    # valid at the top level is read there (a clean configuration reads as it always did)
    got, _ = facts(["vrf context management", "  ip route 0.0.0.0/0 10.0.0.1", "ip name-server 10.9.9.9",
                    "interface mgmt0", "  vrf member management"])
    servers = [f for f in got if f[0] == "config.name_server"]
    assert servers == [("config.name_server", repr(sorted({"server": "10.9.9.9", "vrf": "default"}.items())),
                        (("server", 3), ("vrf", 3)))]


def test_flattened_lines_of_a_block_go_to_the_block_above_them():
    lines = ["callhome", "email-contact noc@example.org", "destination-profile CiscoTAC-1 http " + URL,
             "enable", "ntp server 10.1.1.1", "vrf context management", "ip name-server 10.70.0.53",
             "ip route 0.0.0.0/0 10.70.0.1", "interface mgmt0", "vrf member management",
             "ip address 10.70.0.14/24", "line vty"]
    flowed = layout.renest(list(enumerate(lines, 1)))
    nested = [no for no, text in flowed if text.startswith("  ")]
    assert nested == [2, 3, 4, 7, 8, 10, 11]


def test_text_inside_a_block_stays_inside_it_and_is_reported():
    # a piece of text that is no command, between two children of the callhome block:
    # the block goes on after it ('enable' is read) and the piece is reported unread
    got, _ = facts(["callhome", "  email-contact noc@example.org", "dce/services/DDCEService here",
                    "  transport http use-vrf management", "  enable"])
    kinds = {f[0]: f for f in got}
    assert "('enabled', True)" in kinds["callhome.block"][1]
    assert kinds["capture.unparsed"][2] == (3,)


def test_orphans_yield_what_they_show_and_no_absence():
    got, _ = facts(["destination-profile CiscoTAC-1 transport-method http",
                    "  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/DDCEService",
                    "transport http use-vrf management", "ip http source-interface mgmt0 vrf management"])
    blocks = [f for f in got if f[0] == "callhome.block"]
    # the transport VRF is there; 'enable' and the proxy lines were not shown: not False, absent
    assert blocks == [("callhome.block", repr([("vrf", "management")]), (("vrf", 3),))]
    assert [f[0] for f in got if f[0].startswith("callhome.")].count("callhome.destination") == 1


def test_orphans_beside_a_real_block_make_no_second_block():
    got, _ = facts(["callhome", "  email-contact noc@example.org", "  enable", "interface mgmt0",
                    "  transport http use-vrf management"])
    assert [f[0] for f in got].count("callhome.block") == 1


# -- hard wraps --------------------------------------------------------------------------

@SETTINGS
@given(configs(), st.sampled_from(["terminal", "mail"]), st.integers(72, 78), st.booleans())
def test_a_wrapped_configuration_reads_as_the_clean_one(config, how, limit, flat):
    lines = [text for text, _ in config] if flat else clean(config)
    want, _ = facts(lines)
    wrapped, mapping = terminal(lines) if how == "terminal" else mail(lines, limit)
    got, sec = facts(wrapped, mapping)
    assert got == want
    # each joined line lists the lines of its other pieces, which all map to its own line
    for head, rest in sec.joined.items():
        assert {mapping[n] for n in rest} == {mapping[head]}
    assert sum(len(rest) for rest in sec.joined.values()) == len(wrapped) - len(lines)


@SETTINGS
@given(configs(), st.integers(0, 30))
def test_a_line_that_can_stand_on_its_own_is_never_joined(config, at):
    # the line before any line fills the terminal exactly: lines that stand are not joined
    lines = clean(config)
    i = at % max(len(lines), 1)
    lines.insert(i, "  description " + "x" * 64)  # 80 columns, ends in a word
    flowed = layout.reflow_config(list(enumerate(lines, 1)))
    assert flowed.joined == {}


def test_both_kinds_of_wrap_of_a_url_are_joined():
    head = "  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service"
    assert len(head) == 80
    cut = layout.reflow_config([(1, "callhome"), (2, head), (3, "/oddce/services/DDCEService"), (4, "  enable")])
    assert cut.lines[1] == (2, "  " + head.strip() + "/oddce/services/DDCEService") and cut.joined == {2: (3,)}
    moved = layout.reflow_config([(1, "callhome"), (2, "  destination-profile CiscoTAC-1 index 1 http"),
                                  (3, "http://tools.cisco.com/its/service/oddce/services/DDCEService"), (4, "  enable")])
    assert moved.lines[1][1].split()[-1] == "http://tools.cisco.com/its/service/oddce/services/DDCEService"
    assert moved.joined == {2: (3,)}


URL_LINE = "  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/DDCEService"


@given(st.integers(min_value=50, max_value=len(URL_LINE) - 1))
def test_a_url_cut_at_any_width_is_joined_whole(at):
    """A URL cut mid-token at a width of 50 columns or more, whatever the width (79: a
    console that wraps one column early; 'ice' of '.../DDCEServ'; a rest that starts with
    '://'), comes back whole, and 'enable' below it stays a line of its own."""
    head, rest = URL_LINE[:at], URL_LINE[at:]
    if head.endswith(" ") or rest.startswith(" "):
        return  # a cut at the space between two words: a wrap of another kind
    flowed = layout.reflow_config([(1, "callhome"), (2, head), (3, rest), (4, "enable")])
    assert flowed.lines[1] == (2, URL_LINE) and flowed.joined == {2: (3,)}
    assert flowed.lines[2][1].strip() == "enable"


def test_a_lone_keyword_after_a_url_stays_a_line_of_its_own():
    flowed = layout.reflow_config([(1, "callhome"), (2, URL_LINE), (3, "enable")])
    assert flowed.joined == {}


def test_a_cut_after_a_space_keeps_the_space():
    line = "  streetaddress Karl Johans gate 1, 0154 Oslo, Norway, attention of the network operations centre"
    at = line.index(" operations") + 1
    assert at == 80  # the terminal cut right after a space, which the capture strips
    flowed = layout.reflow_config([(1, "callhome"), (2, line[:at].rstrip()), (3, line[at:])])
    assert flowed.lines[1] == (2, line) and flowed.joined == {2: (3,)}


def test_a_url_at_the_width_with_no_rest_is_cut():
    head = "  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service"
    flowed = layout.reflow_config([(1, "callhome"), (2, head), (3, "  transport http use-vrf management")])
    assert flowed.joined == {} and flowed.cut == {2: "http://tools.cisco.com/its/service"}
    got, sec = facts(["callhome", head, "  transport http use-vrf management", "  enable"])
    dest = next(f for f in got if f[0] == "callhome.destination")
    assert "'path'" not in dest[1] and "('scheme', 'http')" in dest[1]  # only what it shows whole
    assert "('host', 'tools.cisco.com')" in dest[1]


def test_a_url_cut_inside_its_host_keeps_no_host():
    head = ("  destination-profile CiscoTAC-1 index 12 http https://ssm-onprem-licensing.example-holding.es"
            "/Transportgateway/services/DeviceRequestHandler")[:80]
    assert "/" not in head.split("://")[1]
    got, _ = facts(["callhome", head, "  enable"])
    dest = next(f for f in got if f[0] == "callhome.destination")
    assert "'host'" not in dest[1] and "'path'" not in dest[1]


def test_a_wider_terminal_is_found_from_its_lines():
    width = 100
    lines = ["2023 Mar 13 10:01:33 leaf01 %LICMGR-2-LOG_LIC_USAGE: Feature NXOS_ADVANTAGE_XF is using a license "
             "that is not installed, the feature will be shut down after the grace period",
             "2023 Mar 13 10:01:34 leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: Communications failure with the "
             "Cisco Smart Software Manager (CSSM) : Unable to resolve server hostname/domain name"]
    wrapped, _ = terminal(lines, width)
    flowed = layout.join(list(enumerate(wrapped, 1)), lambda no, tail, at_width, head: tail[:1] == "2")
    assert [text for _, text in flowed.lines] == lines
