"""TTP with line numbers: every value read from a configuration remembers its line.

Hand-written configurations pin how values are filed (indentation, set() flags, a
variable written on two template lines, child groups); every running-config in the
samples, the parser goldens, the rule captures and the public corpus, and generated
configurations (blocks in any order, children under any parent, filtered fragments,
repeated and unknown lines), must give values whose line holds them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PARSER_CASES, SAMPLES
from diag.capture import ReadStats, read_into
from diag.parsers import ttpconf
from diag.parsers.layout import reflow_config
from diag.parsers.running_config import TEMPLATE, _relevant
from diag.split import Splitter

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus" / "public"
EXAMPLES = int(os.environ.get("DIAG_FUZZ_EXAMPLES", "0"))


def parse(*lines: str) -> ttpconf.Node:
    return ttpconf.run(TEMPLATE, list(enumerate(lines, 1)))


def test_each_value_remembers_its_line():
    root = parse("hostname leaf1", "callhome", "  email-contact noc@example.org",
                 "  transport http use-vrf management", "  enable")
    [host] = root.child("hostname")
    assert (host.get("name"), host.line("name")) == ("leaf1", 1)
    [block] = root.child("callhome")
    assert (block.get("email"), block.line("email")) == ("noc@example.org", 3)
    assert (block.get("vrf"), block.line("vrf")) == ("management", 4)
    assert (block.get("enabled"), block.line("enabled")) == (True, 5)
    assert block.first_line() == 2
    assert sorted(root.all_lines()) == [1, 1, 2, 3, 3, 4, 4, 5, 5]  # each value's line and its template line's


def test_indentation_is_significant():
    root = parse("ip name-server 10.0.0.1", "vrf context management", "  ip name-server 10.0.0.2",
                 "  ip domain-name example.org")
    assert [(n.get("servers"), n.line("servers")) for n in root.child("name_servers")] == [("10.0.0.1", 1)]
    [vrf] = root.child("vrf_contexts")
    assert [(n.get("servers"), n.line("servers")) for n in vrf.child("name_servers")] == [("10.0.0.2", 3)]
    assert root.child("domain_names") == []  # the indented line belongs to its vrf context
    assert (vrf.get("domain"), vrf.line("domain")) == ("example.org", 4)


def test_set_flags_are_the_matched_lines_own():
    [block] = parse("callhome", "  no duplicate-message throttle", "  transport http proxy enable").child("callhome")
    assert (block.get("throttle"), block.line("throttle")) == (False, 2)
    assert (block.get("proxy_enabled"), block.line("proxy_enabled")) == (True, 3)
    assert not block.has("enabled")  # no 'enable' line
    [block] = parse("callhome", "  duplicate-message throttle").child("callhome")
    assert block.get("throttle") is True
    lookups = parse("no ip domain-lookup", "ip domain-lookup").child("domain_lookup")
    assert [(n.get("disabled"), n.get("enabled"), n.first_line()) for n in lookups] == [(True, None, 1), (None, True, 2)]


def test_a_variable_on_two_template_lines_keeps_its_own_line():
    # proxy_server is written with and without a port: within a run of lines the first
    # value is kept, with its own line; the port is the other line's
    [block] = parse("callhome", "  transport http proxy server proxy1.example",
                    "  transport http proxy server 10.9.9.9 port 8080").child("callhome")
    assert (block.get("proxy_server"), block.line("proxy_server")) == ("proxy1.example", 2)
    assert (block.get("proxy_port"), block.line("proxy_port")) == ("8080", 3)
    # a line of the block after a child group's line starts a new run: its value replaces
    [block] = parse("callhome", "  transport http proxy server proxy1.example",
                    "  destination-profile CiscoTAC-1 transport-method http",
                    "  transport http proxy server 10.9.9.9 port 8080").child("callhome")
    assert (block.get("proxy_server"), block.line("proxy_server")) == ("10.9.9.9", 4)
    [block] = parse("callhome", "  transport http proxy server 10.9.9.9 port 8080",
                    "  destination-profile CiscoTAC-1 transport-method http",
                    "  transport http proxy server proxy1.example",
                    "  transport http proxy server proxy2.example").child("callhome")
    assert (block.get("proxy_server"), block.line("proxy_server")) == ("proxy1.example", 4)
    assert (block.get("proxy_port"), block.line("proxy_port")) == ("8080", 2)


def test_child_groups_one_or_several():
    [block] = parse("callhome", "  destination-profile CiscoTAC-1 transport-method http").child("callhome")
    assert [(m.get("profile"), m.get("method"), m.first_line()) for m in block.child("methods")] == [
        ("CiscoTAC-1", "http", 2)]
    [block] = parse("callhome", "  destination-profile A transport-method http",
                    "  destination-profile A index 1 http http://10.0.0.1/x",
                    "  no destination-profile B transport-method email").child("callhome")
    assert [(m.get("profile"), m.get("negated"), m.line("method")) for m in block.child("methods")] == [
        ("A", None, 2), ("B", True, 4)]
    assert [(d.get("url"), d.get("index"), d.line("url")) for d in block.child("destinations")] == [
        ("http://10.0.0.1/x", "1", 3)]
    assert block.child("profile_lines") == []


def test_nothing_matched_is_an_empty_root():
    root = parse("feature nxapi", "  description uplink")
    assert root.children == {} and root.values == {} and list(root.all_lines()) == []
    assert ttpconf.run(TEMPLATE, []).children == {}


def held_values(lines: list[tuple[int, str]], node: ttpconf.Node) -> list[str]:
    """What is wrong with the lines of ``node`` and its children: each line a value points
    at must be a line given, and a text value must be on it."""
    text = dict(lines)
    wrong = []
    for var, no in node.lines.items():
        if no not in text:
            wrong.append(f"{var}: line {no} was not given")
            continue
        value = node.values.get(var)
        if isinstance(value, str) and " ".join(value.split()) not in " ".join(text[no].split()):
            wrong.append(f"{var}={value!r} is not on line {no}: {text[no]!r}")
    for name in node.children:
        for child in node.child(name):
            wrong += held_values(lines, child)
    return wrong


def _configs():
    files = [p for folder in (SAMPLES, PARSER_CASES, ROOT / "rules", ROOT / "tests" / "data", SHARED)
             if folder.is_dir() for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in
             (".txt", ".log", ".raw", ".cfg", ".conf", "")]
    for path in files:
        splitter = Splitter(str(path))
        try:
            read_into(str(path), splitter, ReadStats())
        except Exception:  # not a capture (binary, empty): nothing to read
            continue
        for sec in splitter.finish().sections:
            if sec.spec.name == "show running-config":
                keep, _ = _relevant(reflow_config(sec.lines).lines)
                if keep:
                    yield f"{path.relative_to(ROOT.parent)}:{sec.start}", keep


CONFIGS = list(_configs())


def test_real_configurations_are_many():
    assert len(CONFIGS) >= 50  # samples, goldens and rule captures (and the public corpus when present)


@pytest.mark.parametrize("where,lines", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_values_are_on_their_lines_in_real_configurations(where, lines):
    root = ttpconf.run(TEMPLATE, lines)
    assert list(root.all_lines()), "a real configuration gives values"
    assert held_values(lines, root) == []


TOP = [
    "callhome", "callhome", "interface mgmt0", "interface Ethernet1/{n}", "interface Vlan{n}",
    "vrf context management", "vrf context VRF{n}", "ip name-server 10.0.0.{n} 10.0.1.{n}",
    "ip name-server 10.0.0.{n} use-vrf management", "ip domain-lookup", "no ip domain-lookup",
    "ip domain-name example.org", "ip domain-name example.org use-vrf management",
    "ip host tools.cisco.com 72.163.4.{n}", "hostname leaf{n}", "switchname sw{n}",
    "version 9.3({n}) Bios:version 07.{n}", "version 10.2({n})", "!Time: Thu Mar  9 14:27:1{n} 2023",
    "ntp server 10.1.1.{n} use-vrf management prefer", "ntp server 10.1.1.{n}", "license smart enable",
    "license smart url https://10.2.2.{n}/Transportgateway/services/DeviceRequestHandler",
    "license smart transport callhome", "ip http source-interface mgmt0 vrf management",
    "ip http source-interface Vlan{n}", "feature nxapi", "snmp-server contact ops",
    "clock timezone MEZ {n} 0", "clock timezone NST -{n} 30", "clock summer-time MESZ 5 Sun Mar 02:00 5 Sun Oct 03:00 60",
    "clock protocol ntp vdc {n}",
]
CHILD = [
    "email-contact ops{n}@example.org", "phone-contact +1415555014{n}", "streetaddress 1 Main St, Suite {n}",
    "contract-id 9{n}", "customer-id C{n}", "site-id S{n}", "switch-priority {n}",
    "transport http use-vrf management", "transport http use-vrf default",
    "transport http proxy server 10.9.9.{n} port 8080", "transport http proxy server proxy{n}.example",
    "transport http proxy enable", "transport email smtp-server 10.3.3.{n} port 25 use-vrf management",
    "transport email from sw{n}@example.org", "transport email reply-to noc@example.org",
    "periodic-inventory notification interval 7", "duplicate-message throttle", "no duplicate-message throttle",
    "distribute", "enable",
    "destination-profile CiscoTAC-1 transport-method http",
    "no destination-profile CiscoTAC-1 transport-method email",
    "destination-profile CiscoTAC-1 index {n} http https://tools.cisco.com/its/service/oddce/services/DDCEService",
    "destination-profile P{n} http http://10.5.5.{n}/x",
    "destination-profile full_txt email-addr a{n}@example.org",
    "destination-profile P{n} index 1 email-addr b{n}@example.org",
    "destination-profile CiscoTAC-1 alert-group all", "no destination-profile P{n} alert-group inventory",
    "destination-profile P{n} message-size 5000000", "destination-profile P{n} message-level {n}",
    "destination-profile P{n} format xml", "vrf member management", "vrf member VRF{n}",
    "ip name-server 10.7.7.{n}", "ip domain-name corp{n}.example", "no ip domain-lookup",
    "ip address 10.8.8.{n}/24", "description uplink {n}",
]


def _line(pool):
    return st.tuples(st.sampled_from(pool), st.integers(1, 3)).map(lambda t: t[0].format(n=t[1]))


@st.composite
def configs(draw):
    """A configuration: blocks in any order, each with children from any block's vocabulary."""
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        lines.append(draw(_line(TOP)))
        for child in draw(st.lists(_line(CHILD), max_size=6)):
            lines.append("  " + child)
    return lines


@settings(max_examples=EXAMPLES or 300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(configs(), st.sampled_from(["relevant", "unfiltered"]))
def test_values_are_on_their_lines_in_generated_configurations(lines, how):
    numbered = list(enumerate(lines, 1))
    given_lines = numbered if how == "unfiltered" else _relevant(reflow_config(numbered).lines)[0]
    assert held_values(given_lines, ttpconf.run(TEMPLATE, given_lines)) == []
