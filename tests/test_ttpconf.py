"""BlockTemplate reads the configuration template without TTP: it must give what TTP gives.

Every running-config in the samples, the parser goldens, the rule captures and the
public corpus, and generated configurations (blocks in any order, children under any
parent, filtered fragments, repeated and unknown lines), are parsed both ways; the node
trees (values, the line of every value, children) must be equal. Templates outside the
subset BlockTemplate reads fall back to TTP.
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
from diag.parsers.running_config import TEMPLATE, _relevant
from diag.split import Splitter

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus" / "public"
EXAMPLES = int(os.environ.get("DIAG_FUZZ_EXAMPLES", "0"))


def canon(node):
    """A node tree as plain, comparable data (TTP gives one child as a dict, several as a list).

    The line of a variable written on two template lines that both matched is left out:
    TTP gives the first line's value with the last line's number, BlockTemplate the
    value's own line (the difference its docstring owns up to)."""
    if isinstance(node, list):
        return [canon(n) for n in node]
    markers = ttpconf.load_template(TEMPLATE).vars
    seen: dict[str, int] = {}
    for key in node.lines:
        for var in markers.get(key, ()):
            seen[var] = seen.get(var, 0) + 1
    lines = {k: v for k, v in node.lines.items() if seen.get(k, 0) < 2}
    # and, when two lines setting the same flag both matched (``duplicate-message
    # throttle`` and its ``no`` form in one block), which one wins is not compared
    flags = {var for key in node.lines for var in markers.get(key, ())
             if seen.get(var, 0) >= 2 and any(var in f for f in ttpconf.load_template(TEMPLATE).flags.values())}
    values = {k: v for k, v in node.values.items() if k not in flags}
    return (sorted(values.items(), key=repr), sorted(lines.items()),
            {k: canon(node.child(k)) for k in sorted(node.children) if node.child(k)})


def both(lines: list[tuple[int, str]], template: str = TEMPLATE):
    return canon(ttpconf.run(template, lines)), canon(ttpconf.run_ttp(template, lines))


def test_the_configuration_template_is_read_without_ttp():
    assert ttpconf.block_template(TEMPLATE) is not None


def _configs():
    files = [p for folder in (SAMPLES, PARSER_CASES, ROOT / "rules", ROOT / "tests" / "data", SHARED)
             if folder.is_dir() for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in
             (".txt", ".log", ".raw", ".cfg", ".conf", "")]
    for path in files:
        splitter = Splitter(str(path))
        try:
            read_into(str(path), splitter, ReadStats())
        except Exception:  # not a capture (binary, empty): nothing to compare
            continue
        for sec in splitter.finish().sections:
            if sec.spec.name == "show running-config":
                keep, _ = _relevant(sec.lines, bool(sec.filtered))
                if keep:
                    yield f"{path.relative_to(ROOT.parent)}:{sec.start}", keep


CONFIGS = list(_configs())


def test_real_configurations_are_many():
    assert len(CONFIGS) >= 100  # samples, goldens, rule captures and the public corpus


@pytest.mark.parametrize("where,lines", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_same_nodes_as_ttp_on_real_configurations(where, lines):
    fast, ttp = both(lines)
    assert fast == ttp


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


@settings(max_examples=EXAMPLES or 400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(configs(), st.booleans())
def test_same_nodes_as_ttp_on_generated_configurations(lines, fragment):
    numbered = list(enumerate(lines, 1))
    keep, _ = _relevant(numbered, fragment)
    fast, ttp = both(keep)
    assert fast == ttp


@settings(max_examples=EXAMPLES or 300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_same_nodes_as_ttp_on_unfiltered_lines(lines):
    # every line given as it is: children under blocks that do not have them, lines no
    # group reads; TTP files a child line in its group's latest record wherever it stands
    fast, ttp = both(list(enumerate(lines, 1)))
    assert fast == ttp


def test_a_template_beyond_the_subset_falls_back_to_ttp(monkeypatch, tmp_path):
    # a <macro>, a function TTP has and BlockTemplate does not read, a deeper nesting
    for text in ('<macro>\ndef f(x):\n    return x\n</macro>\n<group name="a*">\nhostname {{ name }}\n</group>\n',
                 '<group name="a*">\nhostname {{ name | upper }}\n</group>\n',
                 '<group name="a*">\nx {{ a }}\n <group name="b*">\n y {{ b }}\n  <group name="c*">\n'
                 '  z {{ c }}\n  </group>\n </group>\n</group>\n'):
        with pytest.raises(ttpconf._Unsupported):
            ttpconf.BlockTemplate(text)


def test_diag_ttp_forces_ttp(monkeypatch):
    ttpconf.block_template.cache_clear()
    monkeypatch.setenv("DIAG_TTP", "1")
    try:
        assert ttpconf.block_template(TEMPLATE) is None
    finally:
        ttpconf.block_template.cache_clear()
