"""Filtered outputs (diag/filters.py): the pipes as NX-OS runs them, the shapes of the lines
that carry each fact, and what a filter proves.

The shapes are held to the parsers (each chain, read alone as a filtered output, gives its
fact and field as the whole output does), and ``shows`` is held to the switch's behaviour:
random configurations and status outputs, filtered by random pipes, give for every kind
and field ``shows`` claims the same facts as the unfiltered output.
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PARSER_CASES
from diag import filters
from diag.capture import read_lines
from diag.commands import BY_NAME, resolve
from diag.facts import CATALOGUE
from diag.filters import SHAPES, SINGLETONS, Step, apply, parse_pipe, parse_pipes, pipe_word, shows, survives
from diag.parsers import parse_section
from diag.rulebook import ensure_catalogue
from diag.split import Section, split_lines

EXAMPLES = int(os.environ.get("DIAG_FUZZ_EXAMPLES", "0"))


def fuzz(n: int):
    return settings(max_examples=EXAMPLES or n, deadline=None, derandomize=os.environ.get("DIAG_FUZZ_RANDOM") != "1",
                    database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


RC = "show running-config"
LS = "show license status"


# -- pipes ----------------------------------------------------------------------------

@pytest.mark.parametrize("word,expected", [
    ("i", "include"), ("inc", "include"), ("INCLUDE", "include"), ("ex", "exclude"), ("exclu", "exclude"),
    ("sec", "section"), ("b", "begin"), ("la", "last"), ("g", "grep"), ("eg", "egrep"), ("no-m", "no-more"),
    ("e", None), ("s", None), ("l", None), ("c", None), ("frobnicate", None),
])
def test_pipe_words_abbreviate_as_the_switch_does(word, expected):
    assert pipe_word(word) == expected


def _shown(pipe: str, lines: list[str]) -> list[str]:
    idx = apply(parse_pipes((pipe,)), lines)
    assert idx is not None
    return [lines[i] for i in idx]


CONFIG = [
    "hostname leaf01",
    "ip name-server 192.0.2.53",
    "ntp server 192.0.2.123 use-vrf management",
    "vrf context management",
    "  ip name-server 10.1.1.53",
    "  ip route 0.0.0.0/0 10.0.0.1",
    "interface mgmt0",
    "  vrf member management",
    "callhome",
    "  email-contact noc@example.net",
    "  transport http use-vrf management",
    "  enable",
]


def test_include_exclude_and_their_options():
    assert _shown("include ntp", CONFIG) == ["ntp server 192.0.2.123 use-vrf management"]
    assert _shown('i "name-server"', CONFIG) == ["ip name-server 192.0.2.53", "  ip name-server 10.1.1.53"]
    assert _shown("inc NTP", CONFIG) == []  # case-sensitive, as NX-OS
    assert _shown("egrep ignore-case NTP", CONFIG) == ["ntp server 192.0.2.123 use-vrf management"]
    assert _shown("grep -i NTP", CONFIG) == ["ntp server 192.0.2.123 use-vrf management"]
    assert len(_shown("exclude \"^  \"", CONFIG)) == 6
    assert _shown("egrep invert-match \"^  \"", CONFIG) == _shown("exclude \"^  \"", CONFIG)
    assert _shown("grep -v \"^  \"", CONFIG) == _shown("exclude \"^  \"", CONFIG)
    assert _shown("egrep next 1 ^interface", CONFIG) == ["interface mgmt0", "  vrf member management"]
    assert _shown("grep -B 1 email", CONFIG) == ["callhome", "  email-contact noc@example.net"]
    assert _shown("egrep word-exp enable", CONFIG) == ["  enable"]
    assert _shown("egrep word-exp enab", CONFIG) == []
    assert _shown("egrep line-exp callhome", CONFIG) == ["callhome"]


def test_section_begin_last():
    assert _shown("section callhome", CONFIG) == CONFIG[8:]
    assert _shown("sec vrf context", CONFIG) == CONFIG[3:6]
    assert _shown("section member", CONFIG) == ["  vrf member management"]
    assert _shown("begin interface", CONFIG) == CONFIG[6:]
    assert _shown("last 2", CONFIG) == CONFIG[-2:]
    both = apply(parse_pipes(("section callhome", "include use-vrf|enable")), CONFIG)
    assert [CONFIG[i] for i in both] == ["  transport http use-vrf management", "  enable"]


@pytest.mark.parametrize("pipe", ["include (a+)+b", "include [unclosed", "count", "egrep count ntp", "grep -c ntp",
                                  "grep -n ntp", "sort", "json", "e ntp", "include", "last x", "wc -l",
                                  "redirect bootflash:x", "include " + "x" * 2000])
def test_a_pipe_diag_cannot_follow_shows_nothing(pipe):
    step = parse_pipe(pipe)
    assert step.op == "opaque"
    assert apply((step,), CONFIG) is None
    assert shows(RC, (pipe,)) == {}


def test_no_more_and_friends_change_nothing():
    assert parse_pipes(("no-more", "vsh", "less")) == ()
    assert shows(RC, ("include ntp", "no-more")) == shows(RC, ("include ntp",))


# -- what a filter proves ------------------------------------------------------------

def test_include_proves_what_it_would_print_and_nothing_else():
    ntp = shows(RC, ("include ntp",))
    assert set(ntp) == {"config.ntp_server"} and "" in ntp["config.ntp_server"]
    # a value of one line stands for none of the others
    assert shows(RC, ("include 192.0.2",)) == {}
    assert shows(RC, ("include ntp server 192.0.2.123",)) == {}
    # 'callhome' proves the block absent, not its enable line
    block = shows(RC, ("include callhome",))["callhome.block"]
    assert "" in block and "enabled" not in block and "vrf" not in block
    full = shows(RC, ("include callhome|enable|use-vrf",))["callhome.block"]
    assert {"", "enabled", "vrf"} <= full and "email" not in full
    # a name server under a vrf context is read only with its parent
    assert "config.name_server" not in shows(RC, ("include name-server",))
    assert "vrf" in shows(RC, ("include name-server|vrf context",))["config.name_server"]
    # interfaces: their VRF needs the 'vrf member' lines
    assert "vrf" not in shows(RC, ("include ^interface",))["config.interface"]
    assert "vrf" in shows(RC, ("include ^interface|vrf member",))["config.interface"]


def test_section_begin_and_exclude_prove_what_they_keep():
    assert set(shows(RC, ("section callhome",))) == {"callhome.block", "callhome.destination", "callhome.method"}
    assert "config.ntp_server" in shows(RC, ("begin ntp",))
    everything = shows(RC, ("exclude ^!",))
    assert set(everything) == set(SHAPES[RC])
    assert set(shows(RC, ('exclude "^ *!|!Time"',))) == set(SHAPES[RC])
    # an exclude that may hide a value proves nothing: values are any text
    for pipe in ("exclude ntp", "exclude 10\\.", "exclude Harbor", "exclude !|x", "grep -v ^x?!?", "exclude [!]?"):
        assert shows(RC, (pipe,)) == {}, pipe
    assert shows(RC, ("last 500",)) == {}
    assert shows(RC, ("include ntp", "last 5")) == {}


def test_status_filters_prove_the_fields_they_show():
    shown = shows(LS, ("include Status|Attempt|Failure|Deadline",))
    auth = shown["license.authorization"]
    assert {"status", "last_comm_result", "deadline", "comm_failure_reason"} <= auth
    assert "eval_remaining" not in auth and "" not in auth  # a block may exist with no line shown
    assert "initial_result" not in shown["license.registration"]
    # 'FAILED' shows the failed attempts only: it proves nothing about the attempt
    assert "license.authorization" not in shows(LS, ("include FAILED",))


def test_resolve_gives_sections_what_they_prove():
    res = resolve("sh run | i ntp")
    assert res.filtered and res.coverage == frozenset() and "config.ntp_server" in res.shows
    assert resolve("show running-config callhome | include enable").shows == {}  # a part: not the shapes' whole
    assert resolve("show running-config").shows == {}
    assert "license.authorization" in resolve("show lic status | inc Status|Attempt|Deadline").shows
    # a '|' glued inside an abbreviated pattern pipe is an alternation
    assert resolve("show run | exclu ntp|callhome").pipes == ("exclu ntp|callhome",)


def test_a_filtered_command_at_the_end_of_the_input_proves_nothing():
    text = ["leaf01# show running-config | include ntp"]
    [sec] = split_lines(enumerate(text, 1), "x").sections
    assert sec.shows == {}
    text.append("leaf01# ")
    [sec] = split_lines(enumerate(text, 1), "x").sections
    assert "config.ntp_server" in sec.shows
    rejected = ["leaf01# show running-config | include ntp", "% Invalid command at '^' marker.", "leaf01#"]
    [sec] = split_lines(enumerate(rejected, 1), "x").sections
    assert sec.rejected and sec.shows == {}


# -- the shapes, held to the parsers ----------------------------------------------------

def _section(command: str, lines: list[str], filtered: bool, start: int = 2) -> Section:
    numbered = list(enumerate(lines, start))
    return Section("shape", BY_NAME[command], f"{command} | include x" if filtered else command, "prompt",
                   "leaf01", start - 1, numbered, frozenset() if filtered else frozenset({command}), filtered=filtered)


def _facts(command: str, lines: list[str], filtered: bool, kind: str) -> list:
    return [f for f in parse_section(_section(command, lines, filtered)) if f.kind == kind]


SHAPE_CASES = [(command, kind, field, chain) for command, table in SHAPES.items()
               for kind, fields in table.items() for field, chains in fields.items() for chain in chains]


def test_shapes_name_catalogued_kinds_and_every_field():
    ensure_catalogue()
    for command, table in SHAPES.items():
        for kind, fields in table.items():
            spec = CATALOGUE[kind]
            assert command in spec.produced_by, f"{kind} is not read from {command}"
            assert "" in fields, f"{kind}: no shape proves it absent"
            assert set(fields) - {""} == set(spec.fields), f"{kind}: shapes for {sorted(set(fields) - {''})}"


@pytest.mark.parametrize("command,kind,field,chain", SHAPE_CASES,
                         ids=[f"{k}.{f or '(fact)'}:{'|'.join(c.lines).strip()[:40]}" for _, k, f, c in SHAPE_CASES])
def test_each_shape_is_read_as_its_fact(command, kind, field, chain):
    """A chain read alone, as a filtered output, gives its fact with the field as the same
    lines do in a whole output (a field the line leaves out, such as the index of an
    un-indexed URL, is left out alike). A child line of a block the configuration has one
    of (callhome) may instead give no fact at all: the kind is then not proven by it."""
    ensure_catalogue()
    whole = _facts(command, list(chain.lines), False, kind)
    assert whole, f"{chain} gives no {kind} in a whole output"
    alone = _facts(command, list(chain.read), True, kind)
    if not alone and kind in SINGLETONS and not all(chain.needed) and field:
        return
    assert alone, f"{chain} read alone gives no {kind}"
    if field:
        assert [f.get(field) for f in alone] == [f.get(field) for f in whole]
        offset = len(chain.lines) - len(chain.read)  # the lines left out come first
        assert [f.lines.get(field) for f in alone] == [
            None if f.lines.get(field) is None else f.lines[field] - offset for f in whole]
    if field and len(chain.read) > 1 and not chain.indented:
        # read without its indentation (a paste that lost it), it reads the same: only a
        # chain marked 'indented' depends on it
        flat = _facts(command, [line.lstrip() for line in chain.read], True, kind)
        assert [f.get(field) for f in flat] == [f.get(field) for f in alone], f"{chain} needs its indentation"


# -- shows, held to the switch ----------------------------------------------------------

def logical(command: str, lines: list[str]) -> list[list[int]]:
    """The output's lines as the switch printed them: a line a terminal or a mail client
    hard-wrapped is one line with its pieces (their indexes, in order). A filter runs on
    the switch, before any wrapping: it keeps or drops a wrapped line whole."""
    section = _section(command, lines, False, 1)
    parse_section(section)
    groups, seen = [], set()
    for i in range(len(lines)):
        if i in seen:
            continue
        group = [i] + [no - 1 for no in section.joined.get(i + 1, ())]
        seen.update(group)
        groups.append(group)
    return groups


def run_filter(command: str, lines: list[str], pipes: tuple[str, ...]) -> list[int] | None:
    """The indexes of ``lines`` a filtered output holds (a wrapped line with all its pieces)."""
    groups = logical(command, lines)
    shown = apply(parse_pipes(pipes), [" ".join(lines[i].strip() if k else lines[i] for k, i in enumerate(g))
                                      for g in groups])
    return None if shown is None else sorted(i for g in shown for i in groups[g])


def _facts_by_claim(command: str, lines: list[str], shown: list[int] | None, pipes: tuple[str, ...],
                    flattened: bool = False):
    """Per kind the filtered output proves (its Section.shows, with the singleton rule of
    engine._shows): the claimed fields of each fact, from the filtered output (pasted
    without its indentation when ``flattened``) and from the whole one."""
    whole_sec = _section(command, lines, False, 1)
    kept = [lines[i].lstrip() if flattened else lines[i] for i in shown]
    typed = f"leaf01# {command} | " + " | ".join(pipes)
    numbered = [(1, typed)] + [(i + 2, text) for i, text in zip(shown, kept)] + [(len(lines) + 2, "leaf01#")]
    [part] = [s for s in split_lines(iter(numbered), "x").sections if s.spec.name == command]
    whole_facts = parse_section(whole_sec)
    part_facts = parse_section(part)
    for f in part_facts:  # back to the whole output's numbering
        f.lines = {k: v - 1 for k, v in f.lines.items()}
    out = []
    for kind, fields in part.shows.items():
        mine = [f for f in part_facts if f.kind == kind]
        if "" not in fields and not (kind in SINGLETONS and mine):
            continue
        fields = sorted(fields - {""})

        def view(facts):
            return sorted(repr([(f.get(n), f.lines.get(n)) for n in fields]) for f in facts if f.kind == kind)

        out.append((kind, view(part_facts), view(whole_facts), kept))
    return out


WORDS = ["ntp", "ntp server", "name-server", "domain-lookup", "http", "callhome", "enable", "vrf", "vrf member",
         "vrf context", "interface", "^interface", "use-vrf", "transport", "destination-profile", "ip host", "host",
         "license", "^ntp", "contact", "email", "10\\.", "mgmt0", "CiscoTAC-1", "server", "ip ", "^  ", "^[a-z]",
         "version", "hostname", "clock", "proxy", "index", "https", "member", "^ip", "Vlan", "site", "street",
         "e", "o", "cisco", "^callhome", "smart", "-id", "route"]


@st.composite
def pipes_strategy(draw):
    steps = []
    for _ in range(draw(st.integers(1, 2))):
        pattern = "|".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)))
        op = draw(st.sampled_from(["include", "i", "exclude", "section", "begin", "egrep", "grep -v",
                                   "egrep ignore-case"]))
        steps.append(f"{op} {pattern}" if " " not in pattern or op in ("include", "exclude")
                     else f'{op} "{pattern}"')
    return tuple(steps)


_HOSTS = st.sampled_from(["tools.cisco.com", "10.20.30.40", "ssm.example.net", "smartreceiver.cisco.com"])
_ADDR = st.sampled_from(["192.0.2.53", "10.1.1.1", "2001:db8::1", "198.51.100.7"])
_VRF = st.sampled_from(["management", "default", "PROD", "OOB-MGMT"])
_IF = st.sampled_from(["mgmt0", "Vlan27", "loopback0", "Ethernet1/1", "port-channel10", "Vlan110"])


@st.composite
def config_strategy(draw):
    blocks: list[list[str]] = []
    blocks.append([f"{draw(st.sampled_from(['hostname', 'switchname']))} leaf01"])
    # a switch always prints indented lines somewhere: its output is no flattened paste
    blocks.append(["vdc leaf01 id 1", "  limit-resource vlan minimum 16 maximum 4094"])
    if draw(st.booleans()):
        blocks.append([draw(st.sampled_from(["version 9.3(8) Bios:version 05.45", "version 10.2(5)"]))])
    for _ in range(draw(st.integers(0, 3))):
        blocks.append([draw(st.sampled_from([
            "feature interface-vlan", "snmp-server contact noc@example.net", "line vty", "feature nxapi",
            "ip domain-name example.net", "ip route 0.0.0.0/0 10.0.0.1", "ntp source-interface mgmt0",
            "username admin password 5 $5$x role network-admin", "boot nxos bootflash:/nxos.bin"]))])
    for _ in range(draw(st.integers(0, 2))):
        vrf = draw(st.one_of(st.none(), _VRF))
        blocks.append([f"ip name-server {draw(_ADDR)}" + (f" use-vrf {vrf}" if vrf else "")])
    if draw(st.booleans()):
        blocks.append([draw(st.sampled_from(["ip domain-lookup", "no ip domain-lookup"]))])
    for _ in range(draw(st.integers(0, 2))):
        blocks.append([f"ip host {draw(_HOSTS)} {draw(_ADDR)}"])
    if draw(st.booleans()):
        vrf = draw(st.one_of(st.none(), _VRF))
        blocks.append([f"ip http source-interface {draw(_IF)}" + (f" vrf {vrf}" if vrf else "")])
    for _ in range(draw(st.integers(0, 2))):
        opts = draw(st.sampled_from(["", " prefer", " use-vrf management", " prefer use-vrf default", " key 1"]))
        blocks.append([f"ntp server {draw(_ADDR)}{opts}"])
    if draw(st.booleans()):
        blocks.append(["license smart enable"])
    if draw(st.booleans()):
        blocks.append([draw(st.sampled_from(["license smart transport smart", "license smart vrf management",
                                             "license smart url smart https://smartreceiver.cisco.com/licservice/license"]))])
    for _ in range(draw(st.integers(0, 2))):
        children = draw(st.lists(st.sampled_from([f"  ip name-server {a}" for a in ("10.9.9.9", "10.8.8.8 10.7.7.7")]
                                                 + ["  no ip domain-lookup", "  ip route 0.0.0.0/0 10.0.0.1",
                                                    "  ip domain-name example.org"]), max_size=3, unique=True))
        blocks.append([f"vrf context {draw(_VRF)}", *children])
    for _ in range(draw(st.integers(0, 3))):
        children = draw(st.lists(st.sampled_from(["  description uplink to vrf member box", "  no shutdown",
                                                  "  ip address 10.0.0.2/24", "  switchport access vlan 40"]),
                                 max_size=2, unique=True))
        if draw(st.booleans()):
            children.insert(draw(st.integers(0, len(children))), f"  vrf member {draw(_VRF)}")
        blocks.append([f"interface {draw(_IF)}", *children])
    if draw(st.booleans()):
        children = draw(st.lists(st.sampled_from([
            "  email-contact noc@example.net", "  phone-contact +1-408-555-0100", "  site-id DC2",
            "  streetaddress 1 Main St", "  contract-id 123", "  customer-id ACME",
            "  destination-profile CiscoTAC-1 transport-method http",
            "  destination-profile CiscoTAC-1 index 1 http https://tools.cisco.com/its/service/oddce/services/DDCEService",
            "  destination-profile CiscoTAC-1 http http://10.20.30.40/Transportgateway/services/DeviceRequestHandler",
            "  destination-profile full_txt email-addr noc@example.net",
            f"  transport http use-vrf {draw(_VRF)}", "  transport http proxy server 192.0.2.10 port 8080",
            "  transport http proxy enable", "  enable"]), max_size=6, unique=True))
        blocks.append(["callhome", *children])
    if draw(st.booleans()):
        blocks.append([draw(st.sampled_from(["clock timezone CET 1 0", "clock timezone PST -8 0"]))])
    order = draw(st.permutations(range(len(blocks))))
    return [line for i in order for line in blocks[i]]


@fuzz(300)
@given(config_strategy(), pipes_strategy(), st.booleans())
def test_what_a_filter_claims_about_a_configuration_holds(lines, pipes, flattened):
    """``flattened``: the filtered output pasted where it lost its indentation."""
    ensure_catalogue()
    shown = apply(parse_pipes(pipes), lines)
    if shown is None:  # a pipe diag cannot follow ('egrep -id': an option it does not know)
        assert shows(RC, pipes) == {}
        return
    for kind, part, whole, kept in _facts_by_claim(RC, lines, shown, pipes, flattened):
        assert part == whole, f"{kind} after {pipes}{' (flattened)' if flattened else ''}: shown {kept}"


STATUS_RAWS = sorted((PARSER_CASES / "show_license_status").glob("*.raw"))
STATUS_WORDS = ["Status", "Attempt", "Failure", "Deadline", "Registration", "Communication", "Expires", "Renewal",
                "Evaluation", "Smart Licensing", "Account", "FAILED", "SUCCEEDED", "AUTHORIZED", "REGISTERED",
                "Next", "Last", "Initial", "reason", "on ", "UTC", "^  ", "Export", "Conversion", "Type", ":"]


@fuzz(200)
@given(st.sampled_from(STATUS_RAWS), st.lists(st.sampled_from(STATUS_WORDS), min_size=1, max_size=4),
       st.sampled_from(["include", "exclude", "section", "begin", "egrep"]))
def test_what_a_filter_claims_about_a_status_output_holds(raw, words, op):
    ensure_catalogue()
    first = split_lines(read_lines(str(raw)), raw.name).sections[0]  # its first output
    lines = [t for _, t in first.lines if not t.rstrip().endswith("#")]
    pipes = (f"{op} {'|'.join(words)}",)
    shown = run_filter(LS, lines, pipes)
    if shown is None:
        assert shows(LS, pipes) == {}
        return
    for kind, part, whole, kept in _facts_by_claim(LS, lines, shown, pipes):
        assert part == whole, f"{kind} after {pipes} on {raw.name}: shown {kept}"


def test_survives_is_a_lower_bound_of_what_is_shown():
    """A chain survives a pipe when the pipe prints all of it inside any output."""
    steps = parse_pipes(("begin callhome",))
    assert survives(steps, filters.Chain(("callhome", "  enable"), (True, True)))
    assert not survives(steps, filters.Chain(("interface mgmt0", "  vrf member management"), (True, True)))
    assert not survives(parse_pipes(("last 100",)), filters.Chain(("ntp server 192.0.2.1",), (True,)))
    orphan = filters.Chain(("callhome", "  transport http use-vrf management"), (False, True))
    assert survives(parse_pipes(("include use-vrf",)), orphan)
    assert not survives(parse_pipes(("include use-vrf",)), filters.Chain(orphan.lines, (True, True)))
    assert Step("same").op == "same" and filters.OPAQUE.op == "opaque"


@fuzz(300)
@given(config_strategy(), st.data())
def test_a_filter_naming_values_of_the_configuration_claims_nothing_false(lines, data):
    """Patterns built from the configuration's own words (an address, a VRF, a host name),
    as an engineer narrows an output: what they claim holds too."""
    ensure_catalogue()
    words = sorted({w for line in lines for w in line.split()})
    alts = data.draw(st.lists(st.sampled_from(words + WORDS), min_size=1, max_size=4))
    op = data.draw(st.sampled_from(["include", "exclude", "section", "begin"]))
    pipes = (f"{op} " + "|".join(re.escape(a) for a in alts),)
    shown = apply(parse_pipes(pipes), lines)
    if shown is None:
        assert shows(RC, pipes) == {}
        return
    for kind, part, whole, kept in _facts_by_claim(RC, lines, shown, pipes, data.draw(st.booleans())):
        assert part == whole, f"{kind} after {pipes}: shown {kept}"
