"""The condition language: operators, typing, joins, three-valued absence, templates."""

from __future__ import annotations

import datetime as dt

import pytest

from diag.commands import BY_NAME
from diag.conditions import UNKNOWN, CompileError, Ctx, Template, compile_condition
from diag.facts import CATALOGUE, Fact, FactStore
from diag.rulebook import ensure_catalogue
from diag.split import Section
from diag.version import Release

NOW = dt.datetime(2023, 5, 16, 10, 0, tzinfo=dt.timezone.utc)
ensure_catalogue()


def section(command: str = "show running-config") -> Section:
    lines = [(n, f"line {n}") for n in range(1, 40)]
    return Section("cap.txt", BY_NAME[command], command, "prompt", "leaf01", 1, lines, frozenset({command}))


def store(*facts: Fact) -> FactStore:
    s = FactStore()
    s.extend(facts)
    return s


def fact(kind: str, line: int, **fields) -> Fact:
    return Fact(kind, fields, {k: line for k in fields}, section(), line)


def run(spec: dict, facts: FactStore, coverage=("show running-config",), now=NOW):
    node, bindings = compile_condition(spec, CATALOGUE)
    ctx = Ctx(facts, frozenset(coverage), now, CATALOGUE)
    return node.match({}, ctx), ctx


DEST_HTTP = fact("callhome.destination", 7, profile="CiscoTAC-1", index=1, url="http://tools.cisco.com/x",
                 scheme="http", host="tools.cisco.com", host_is_ip=False)
DEST_HTTPS = fact("callhome.destination", 8, profile="CiscoTAC-1", index=2, url="https://10.0.0.1/x",
                  scheme="https", host="10.0.0.1", host_is_ip=True)


@pytest.mark.parametrize("where,expected_lines", [
    ({"scheme": {"equals": "http"}}, [7]),
    ({"scheme": {"not_equals": "http"}}, [8]),
    ({"scheme": {"in": ["http", "ftp"]}}, [7]),
    ({"scheme": {"not_in": ["http"]}}, [8]),
    ({"url": {"matches": "^https://"}}, [8]),
    ({"url": {"not_matches": "^https://"}}, [7]),
    ({"host_is_ip": {"equals": True}}, [8]),
    ({"index": {"ge": 2}}, [8]),
    ({"index": {"lt": 2}}, [7]),
    ({"path": {"exists": False}}, [7, 8]),
    ({"path": {"exists": True}}, []),
    ({"path": {"equals": "/x"}}, []),  # a missing field fails every predicate but exists: false
    ({"scheme": {"any": [{"equals": "ftp"}, {"equals": "https"}]}}, [8]),
    ({"scheme": {"not": {"equals": "https"}}}, [7]),
])
def test_operators(where, expected_lines):
    result, _ = run({"fact": "callhome.destination", "where": where}, store(DEST_HTTP, DEST_HTTPS))
    assert [b["destination"][0].line for b in result] == expected_lines


def test_dates_relative_to_now():
    auth = fact("license.authorization", 12, deadline=NOW + dt.timedelta(days=20))
    soon = {"fact": "license.authorization", "where": {"deadline": {"lt": "now+30d", "ge": "now"}}}
    assert run(soon, store(auth))[0]
    assert not run(soon, store(auth), now=NOW - dt.timedelta(days=15))[0]
    assert not run(soon, store(auth), now=NOW + dt.timedelta(days=21))[0]  # passed: ge now fails


def test_releases_compare_as_releases_not_strings():
    dev = fact("device", 3, release=Release.parse("9.3(10)"))
    assert run({"fact": "device", "where": {"release": {"ge": "9.3(3)"}}}, store(dev))[0]
    assert not run({"fact": "device", "where": {"release": {"lt": "9.3(4)"}}}, store(dev))[0]


def test_join_with_ref():
    src = fact("config.http_source", 20, interface="Vlan27", key="vlan27")
    vlan = fact("config.interface", 30, name="Vlan27", key="vlan27", vrf="default")
    mgmt = fact("config.interface", 33, name="mgmt0", key="mgmt0", vrf="management")
    block = fact("callhome.block", 5, vrf="management", enabled=True)
    spec = {"all": [
        {"fact": "callhome.block", "as": "ch"},
        {"fact": "config.http_source", "as": "src"},
        {"fact": "config.interface", "as": "intf",
         "where": {"key": {"equals": {"ref": "src.key"}}, "vrf": {"not_equals": {"ref": "ch.vrf"}}}},
    ]}
    result, _ = run(spec, store(block, src, vlan, mgmt))
    assert len(result) == 1 and result[0]["intf"][0] is vlan
    assert list(result[0]) == ["ch", "src", "intf"]
    assert result[0]["intf"][1] == ("key", "vrf")  # fields used become evidence lines


def test_not_is_unknown_without_the_scope_that_proves_absence():
    spec = {"not": {"fact": "config.license_smart_enable"}}
    result, _ = run(spec, store(), coverage=("show license status",))
    assert result == [{UNKNOWN: frozenset({"show running-config"})}]
    result, _ = run(spec, store(), coverage=("show running-config",))
    assert result == [{}]
    # a partial config does not prove a global line absent
    result, _ = run(spec, store(), coverage=("show running-config callhome",))
    assert result and UNKNOWN in result[0]


def test_not_is_false_on_positive_evidence_even_without_scope():
    spec = {"not": {"fact": "callhome.destination"}}
    result, _ = run(spec, store(DEST_HTTP), coverage=())
    assert result == []


def test_kleene_and_false_beats_unknown():
    """all: [not A (unknown), B (false)] is false, not 'not evaluated'."""
    spec = {"all": [{"not": {"fact": "config.license_smart_enable"}},
                    {"fact": "callhome.destination", "where": {"scheme": {"equals": "ftp"}}}]}
    result, _ = run(spec, store(DEST_HTTP), coverage=("show license status",))
    assert result == []


def test_kleene_and_true_keeps_unknown():
    spec = {"all": [{"not": {"fact": "config.license_smart_enable"}},
                    {"fact": "callhome.destination", "where": {"scheme": {"equals": "http"}}}]}
    result, _ = run(spec, store(DEST_HTTP), coverage=("show license status",))
    assert len(result) == 1 and result[0][UNKNOWN] == {"show running-config"}


def test_not_of_unknown_is_unknown():
    spec = {"not": {"not": {"fact": "config.license_smart_enable"}}}
    result, _ = run(spec, store(), coverage=("show license status",))
    assert result and UNKNOWN in result[0]


def test_any_unions_bindings():
    spec = {"any": [{"fact": "callhome.destination", "where": {"scheme": {"equals": "http"}}},
                    {"fact": "callhome.destination", "where": {"host_is_ip": {"equals": True}}}]}
    result, _ = run(spec, store(DEST_HTTP, DEST_HTTPS))
    assert sorted(b["destination"][0].line for b in result) == [7, 8]


def test_list_values_match_any_element():
    trust = fact("license.trust_code", 40, installed=["<none>", "Dec 03 08:23:45 2021 UTC"])
    assert run({"fact": "license.trust_code", "where": {"installed": {"matches": "2021"}}}, store(trust))[0]
    assert not run({"fact": "license.trust_code", "where": {"installed": {"not_matches": "2021"}}}, store(trust))[0]


def test_template_renders_values_and_filters():
    _, bindings = compile_condition({"fact": "callhome.destination", "as": "dest"}, CATALOGUE)
    tpl = Template("{dest.url|https} {dest.url|host} {dest.index|index_clause}on {device_name} {{literal}}",
                   bindings, CATALOGUE)
    ctx = Ctx(store(), frozenset(), NOW, CATALOGUE)
    text = tpl.render({"dest": (DEST_HTTP, ())}, ctx, "leaf01")
    assert text == "https://tools.cisco.com/x tools.cisco.com index 1 on leaf01 {literal}"


def test_days_left_filter():
    _, bindings = compile_condition({"fact": "license.authorization", "as": "auth"}, CATALOGUE)
    tpl = Template("{auth.deadline|days_left} days, {auth.deadline|date}", bindings, CATALOGUE)
    auth = fact("license.authorization", 12, deadline=NOW + dt.timedelta(days=20, hours=1))
    assert tpl.render({"auth": (auth, ())}, Ctx(store(), frozenset(), NOW, CATALOGUE), "x") == \
        "20 days, 2023-06-05 11:00 UTC"


def test_binding_names_do_not_leak_out_of_not():
    with pytest.raises(CompileError, match="not bound earlier"):
        compile_condition({"all": [
            {"not": {"fact": "callhome.block", "as": "ch"}},
            {"fact": "config.interface", "where": {"vrf": {"equals": {"ref": "ch.vrf"}}}},
        ]}, CATALOGUE)


def test_captured_is_two_valued():
    spec = {"all": [{"captured": "show running-config"}, {"not": {"fact": "config.license_smart_enable"}}]}
    assert run(spec, store(), coverage=("show license status",))[0] == []
    assert run(spec, store(), coverage=("show running-config",))[0] == [{}]
    with pytest.raises(CompileError, match="unknown command scope"):
        compile_condition({"captured": "show nothing"}, CATALOGUE)


def test_missing_unknown_makes_a_positive_fact_three_valued():
    spec = {"fact": "mts.queue", "missing": "unknown", "where": {"recv_q": {"gt": 0}}}
    result, _ = run(spec, store(), coverage=("show license status",))
    assert result == [{UNKNOWN: frozenset({"show system internal mts buffers summary"})}]
    result, _ = run(spec, store(), coverage=("show system internal mts buffers summary",))
    assert result == []
    plain = {"fact": "mts.queue", "where": {"recv_q": {"gt": 0}}}
    assert run(plain, store(), coverage=())[0] == []


def test_a_join_stops_growing_at_the_binding_limit(monkeypatch):
    from diag import conditions

    many = [fact("config.interface", 10 + i, name=f"Ethernet1/{i}", key=f"ethernet1/{i}", vrf="default")
            for i in range(20)]
    spec = {"all": [{"fact": "config.interface", "as": "a"}, {"fact": "config.interface", "as": "b"}]}
    results, _ = run(spec, store(*many))
    assert len(results) == 400
    monkeypatch.setattr(conditions, "MAX_BINDINGS", 50)
    results, _ = run(spec, store(*many))
    assert len(results) == 50
    assert results[0]["a"][0].line == 10 and results[0]["b"][0].line == 10  # the first ones, in order


@pytest.mark.parametrize("value", ["now+9999999999d", "now+999999999d", "now-36501d", "9999-12-31T00:00:00"])
def test_dates_too_far_from_now_are_refused_at_load(value):
    with pytest.raises(CompileError, match="more than 36500 days|between the years"):
        compile_condition({"fact": "license.registration", "where": {"expires": {"lt": value}}}, CATALOGUE)


def test_a_relative_date_with_leading_zeros_is_its_number():
    late = fact("license.registration", 5, expires=NOW + dt.timedelta(days=31))
    soon = fact("license.registration", 6, expires=NOW + dt.timedelta(days=29))
    results, _ = run({"fact": "license.registration", "where": {"expires": {"lt": "now+00000000000030d"}}},
                     store(late, soon))
    assert [r["registration"][0].line for r in results] == [6]


# -- joins over many facts: an index for equality with a bound value, one answer for a
# negated pattern that names no binding -------------------------------------------------

def _shape(results):
    return sorted(tuple(sorted((k, v[0].line) for k, v in r.items() if k != UNKNOWN)) + ((UNKNOWN in r),)
                  for r in results)


def test_an_equality_join_over_many_facts_finds_what_a_scan_finds(monkeypatch):
    import diag.conditions as conditions

    facts = []
    for i in range(200):
        facts.append(fact("config.interface", 100 + i, name=f"Vlan{i}", key=f"vlan{i % 70}",
                          vrf="management" if i % 3 else "default"))
        facts.append(fact("config.http_source", 400 + i, interface=f"Vlan{i}", key=f"vlan{i % 90}",
                          vrf=None if i % 4 else "management"))
    facts.append(fact("config.http_source", 700, interface="Lo0", key="loopback0"))  # joins nothing
    spec = {"all": [{"fact": "config.http_source", "as": "src"},
                    {"fact": "config.interface", "as": "intf",
                     "where": {"key": {"equals": {"ref": "src.key"}}, "vrf": {"not_equals": "default"}}}]}
    looked_up = store(*facts)
    indexed, _ = run(spec, looked_up)
    assert ("config.interface", "key") in looked_up._indexes  # the join used the index
    monkeypatch.setattr(conditions, "INDEX_MIN", 10**9)
    scanned, _ = run(spec, store(*facts))
    assert _shape(indexed) == _shape(scanned) and len(scanned) > 200


def test_a_negated_pattern_without_references_is_decided_once_per_device(monkeypatch):
    from diag.conditions import FactNode

    blocks = [fact("callhome.block", 10 + i, enabled=True) for i in range(300)]
    dests = [fact("callhome.destination", 400 + i, profile=f"P{i}", url="https://x/y") for i in range(300)]
    spec = {"all": [{"fact": "callhome.block", "as": "ch"},
                    {"not": {"fact": "callhome.destination", "where": {"profile": {"equals": "CiscoTAC-1"}}}}]}
    calls = []
    original = FactNode.match
    monkeypatch.setattr(FactNode, "match", lambda self, b, ctx: calls.append(self.kind) or original(self, b, ctx))
    results, ctx = run(spec, store(*blocks, *dests))
    assert len(results) == 300 and calls.count("callhome.destination") == 1
    # the same answers as asking each time; and without the scope that proves the absence,
    # every binding is undecided, as before
    calls.clear()
    unproven, _ = run(spec, store(*blocks), coverage=("show running-config callhome x",))
    assert all(UNKNOWN in r for r in unproven) or not unproven
    present, _ = run(spec, store(*blocks, fact("callhome.destination", 900, profile="CiscoTAC-1")))
    assert present == []


def test_a_negation_that_is_false_stays_false_under_an_undecided_binding():
    # the first item is undecided (show hosts would decide it); the second negates a fact
    # that exists, and a capture that was taken: not(true) is false whatever is unknown, so
    # the whole condition is false, not undecided
    undecided = {"any": [{"not": {"fact": "dns.name_servers"}}]}
    for negated in ({"not": {"fact": "callhome.block"}}, {"not": {"captured": "show running-config"}}):
        spec = {"all": [undecided, negated]}
        results, _ = run(spec, store(fact("callhome.block", 3, enabled=True)))
        assert results == [], negated
    # and a negation that holds leaves the binding undecided, as before
    results, _ = run({"all": [undecided, {"not": {"fact": "callhome.destination"}}]},
                     store(fact("callhome.block", 3, enabled=True)))
    assert len(results) == 1 and UNKNOWN in results[0]
