"""Derived facts: a derivation concludes a fact, rules use it, findings carry its evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import SYSTEM_NOW
from diag.api import Options, analyze
from diag.errors import RuleError
from diag.rulebook import load_rules

DERIVATION = {
    "id": "test-callhome-over-http",
    "derives": "test.plain_http_destination",
    "doc": "A CiscoTAC-1 destination that does not use TLS",
    "fields": {
        "url": {"type": "url", "doc": "the URL", "from": "dest.url"},
        "why": {"type": "text", "doc": "why", "value": "{dest.url} is plain http"},
    },
    "requires": ["show running-config callhome"],
    "when": {"fact": "callhome.destination", "as": "dest", "where": {"scheme": {"equals": "http"}}},
}
RULE = {
    "id": "test-uses-derived",
    "title": "Uses a derived fact",
    "area": "callhome",
    "severity": "warning",
    "confidence": "high",
    "requires": ["show running-config callhome"],
    "when": {"all": [{"fact": "callhome.block", "as": "ch"},
                     {"fact": "test.plain_http_destination", "as": "plain"}]},
    "at": "plain",
    "message": "Derived: {plain.why}",
    "fix": "use https: {plain.url|https}",
    "verify": [{"command": "show running-config callhome", "expect": "a line with {plain.url|https}"}],
    "references": ["test"],
    "docs": {"what": "Fires on a derived fact.", "why": "Tests chaining."},
}
ABSENCE = {
    **{k: v for k, v in RULE.items() if k != "at"}, "id": "test-absence-of-derived", "message": "no plain http destination at all",
    "fix": "nothing to fix", "verify": ["show running-config callhome"],
    "when": {"all": [{"fact": "callhome.block", "as": "ch"},
                     {"not": {"fact": "test.plain_http_destination"}}]},
}

CAPTURE = """leaf9# show running-config callhome

!Command: show running-config callhome
!Time: Tue May 16 10:15:02 2023

version 9.3(5) Bios:version 07.68
callhome
  email-contact noc@example.net
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/DDCEService
  transport http use-vrf management
  enable
"""


def write_rules(tmp_path: Path, *docs: dict) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    for doc in docs:
        (folder / f"{doc['id']}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return folder


def test_a_rule_fires_on_a_derived_fact_with_the_underlying_evidence(tmp_path: Path):
    rules = load_rules([write_rules(tmp_path, DERIVATION, RULE, ABSENCE)], builtin=False)
    capture = tmp_path / "cap.txt"
    capture.write_text(CAPTURE)
    report = analyze([str(capture)], Options(system_now=SYSTEM_NOW), rules=rules)
    finding = next(f for f in report.findings if f.rule_id == "test-uses-derived")
    assert finding.message == ("Derived: http://tools.cisco.com/its/service/oddce/services/DDCEService "
                               "is plain http")
    assert finding.line == 10  # the derived fact's line is the destination line it came from
    assert [e.line for e in finding.evidence] == [7, 10]  # the block and the destination behind the derived fact
    assert finding.verify_expect == (("show running-config callhome",
                                      "a line with https://tools.cisco.com/its/service/oddce/services/DDCEService"),)
    assert "test-absence-of-derived" not in [f.rule_id for f in report.findings]


def test_at_a_field_points_the_derived_fact_and_the_finding_at_that_line(tmp_path: Path):
    """'at: binding.field': the line of that field (the line to change), for a derived
    fact and for a finding; a field the fact has no line for falls to the next entry, and
    when none has one, to the fact's own line (the block's header)."""
    capture = tmp_path / "cap.txt"
    capture.write_text(CAPTURE)
    own = {**RULE, "id": "test-own", "at": "ch.enabled", "when": {"fact": "callhome.block", "as": "ch"},
           "message": "Call Home block of {ch.email}", "fix": "callhome", "verify": ["show running-config callhome"]}
    for at, line in ((["ch.proxy_server", "ch.vrf"], 11), ("ch.proxy_server", 7), (["ch.vrf", "ch"], 11),
                     ("ch", 7), ("dest.url", 10)):
        via_block = {**DERIVATION, "at": at,
                     "when": {"all": [{"fact": "callhome.block", "as": "ch"}, DERIVATION["when"]]}}
        rules = load_rules([write_rules(tmp_path, via_block, RULE, own)], builtin=False)
        report = analyze([str(capture)], Options(system_now=SYSTEM_NOW), rules=rules)
        derived = [f for f in report.findings if f.rule_id == "test-uses-derived"]
        assert [(f.line, f.end_line) for f in derived] == [(line, line)], at
        # what it was concluded from, and the line it points at
        assert [e.line for e in derived[0].evidence] == sorted({7, 10, line})
        assert [f.line for f in report.findings if f.rule_id == "test-own"] == [12]  # the 'enable' line


def test_absence_of_a_derived_fact_is_proven_once_the_derivation_decided(tmp_path: Path):
    rules = load_rules([write_rules(tmp_path, DERIVATION, RULE, ABSENCE)], builtin=False)
    capture = tmp_path / "cap.txt"
    capture.write_text(CAPTURE.replace("http http://", "http https://"))
    report = analyze([str(capture)], Options(system_now=SYSTEM_NOW), rules=rules)
    assert [f.rule_id for f in report.findings] == ["test-absence-of-derived"]


def test_an_undecided_derivation_asks_for_its_own_commands(tmp_path: Path):
    rules = load_rules([write_rules(tmp_path, DERIVATION, ABSENCE | {"requires": []})], builtin=False)
    capture = tmp_path / "cap.txt"
    capture.write_text("leaf9# show clock\n10:15:02.117 UTC Tue May 16 2023\n")
    report = analyze([str(capture)], Options(system_now=SYSTEM_NOW), rules=rules)
    assert not report.findings
    # the absence rule has no callhome block either, so it is simply false here;
    # a rule whose only question is the derived fact is undecided:
    only = {**ABSENCE, "id": "test-only-derived", "requires": [],
            "when": {"not": {"fact": "test.plain_http_destination"}}}
    rules = load_rules([write_rules(tmp_path, DERIVATION, only)], builtin=False)
    report = analyze([str(capture)], Options(system_now=SYSTEM_NOW), rules=rules)
    ne = [n for n in report.outcome.not_evaluated if n.rule_id == "test-only-derived"]
    assert ne and ne[0].needs == ("show running-config callhome",)
    assert report.outcome.collect_next[0].command == "show running-config callhome"


def test_derivation_cycle_is_refused(tmp_path: Path):
    a = {**DERIVATION, "id": "test-a", "derives": "test.a", "fields": {"x": {"type": "text", "doc": "x", "value": "x"}},
         "when": {"fact": "test.b"}}
    b = {**DERIVATION, "id": "test-b", "derives": "test.b", "fields": {"x": {"type": "text", "doc": "x", "value": "x"}},
         "when": {"fact": "test.a"}}
    with pytest.raises(RuleError, match="cycle"):
        load_rules([write_rules(tmp_path, a, b)], builtin=False)


def test_derivation_cannot_take_over_a_parsed_kind(tmp_path: Path):
    bad = {**DERIVATION, "derives": "callhome.destination"}
    with pytest.raises(RuleError, match="a parser produces"):
        load_rules([write_rules(tmp_path, bad)], builtin=False)


def test_derivation_field_from_must_name_a_binding(tmp_path: Path):
    bad = {**DERIVATION, "fields": {"url": {"type": "url", "doc": "the url", "from": "nope.url"}}}
    with pytest.raises(RuleError, match="not a field of a binding"):
        load_rules([write_rules(tmp_path, bad)], builtin=False)


def test_several_derivations_of_one_kind_all_run_and_decide_together(tmp_path: Path):
    """Every derivation of a kind runs (none is dropped by the ordering); the kind is
    decided only once all of them are, so one undecided derivation keeps its absence
    unknown even when another one decided or added facts."""
    https = {**DERIVATION, "id": "test-callhome-over-https",
             "when": {"fact": "callhome.destination", "as": "dest", "where": {"scheme": {"equals": "https"}}}}
    rules = load_rules([write_rules(tmp_path, DERIVATION, https, RULE, ABSENCE)], builtin=False)
    assert sorted(d.id for d in rules.derivations) == ["test-callhome-over-http", "test-callhome-over-https"]
    capture = tmp_path / "cap.txt"
    capture.write_text(CAPTURE.replace("http http://", "http https://"))
    report = analyze([str(capture)], Options(system_now=SYSTEM_NOW), rules=rules)
    assert [f.rule_id for f in report.findings] == ["test-uses-derived"]  # the second derivation ran

    # a third derivation of the kind that needs a command not captured: the kind stays undecided
    hosts = {**DERIVATION, "id": "test-callhome-over-hosts", "requires": ["show hosts"],
             "when": {"fact": "dns.host", "as": "dest"},
             "fields": {"url": {"type": "url", "doc": "the url", "value": "{dest.name}"},
                        "why": {"type": "text", "doc": "why", "value": "static"}}}
    second = tmp_path / "second"
    second.mkdir()
    rules = load_rules([write_rules(second, DERIVATION, hosts, ABSENCE)], builtin=False)
    report = analyze([str(capture)], Options(system_now=SYSTEM_NOW), rules=rules)
    assert not report.findings
    ne = [n for n in report.outcome.not_evaluated if n.rule_id == "test-absence-of-derived"]
    assert ne and ne[0].needs == ("show hosts",)
