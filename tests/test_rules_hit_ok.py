"""Every rule proves itself both ways: its .hit.txt fires it, its .ok.txt near miss does not;
its .hit.expect.yml says where on the hit capture it points (diag/selftest.py has the format)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RULES, SYSTEM_NOW
from diag.api import Options, analyze, devices
from diag.capture import read_lines
from diag.selftest import fact_pointer_problems, pointer_problems, read_expect

ALL_FILES = sorted(RULES.rglob("*.yaml"))
DERIVATION_FILES = [p for p in ALL_FILES if "derives" in (p.read_text().split("\nwhen:")[0])]
RULE_FILES = [p for p in ALL_FILES if p not in DERIVATION_FILES]


def _ids(paths):
    return [p.stem for p in paths]


def _check_evidence(report, path: Path):
    text = dict(read_lines(str(path)))
    for f in report.findings:
        assert 1 <= f.line <= len(text), f"{f.rule_id}: line {f.line} outside {path.name}"
        assert f.line <= f.end_line <= len(text)
        for ev in f.evidence:
            assert ev.text == text[ev.line].strip(), f"{f.rule_id}: evidence text differs from line {ev.line}"


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=_ids(RULE_FILES))
def test_hit_fires(rule_file: Path, rulebook):
    hit = rule_file.with_suffix(".hit.txt")
    assert hit.is_file(), f"{rule_file.name} has no {hit.name}"
    report = analyze([str(hit)], Options(system_now=SYSTEM_NOW), rules=rulebook)
    fired = [f for f in report.findings if f.rule_id == rule_file.stem]
    assert fired, (f"{hit.name} does not fire {rule_file.stem}; findings: "
                   f"{[f.rule_id for f in report.findings]}; not evaluated: "
                   f"{[(n.rule_id, n.needs) for n in report.outcome.not_evaluated if n.rule_id == rule_file.stem]}")
    _check_evidence(report, hit)
    for f in fired:
        assert "?" not in f.fix.split() and "{" not in f.message, f"unrendered placeholder in {f.rule_id}"
    rule = rulebook.by_id[rule_file.stem]
    assert rule.hit_expect.is_file(), f"{rule_file.name} has no {rule.hit_expect.name}: declare where its findings point"
    assert pointer_problems(rule, report) == []


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=_ids(RULE_FILES))
def test_ok_does_not_fire(rule_file: Path, rulebook):
    ok = rule_file.with_suffix(".ok.txt")
    assert ok.is_file(), f"{rule_file.name} has no {ok.name}"
    report = analyze([str(ok)], Options(system_now=SYSTEM_NOW), rules=rulebook)
    assert rule_file.stem not in [f.rule_id for f in report.findings], f"{ok.name} fires {rule_file.stem}"
    not_eval = [n for n in report.outcome.not_evaluated if n.rule_id == rule_file.stem]
    assert not not_eval, f"{ok.name} must be a near miss that is evaluated, but needs {not_eval[0].needs}"
    _check_evidence(report, ok)


def _derived(found, kind: str):
    facts = [f for d in found for f in d.store.get(kind)]
    decided = all(f"derived:{kind}" in d.coverage for d in found)
    return facts, decided


@pytest.mark.parametrize("path", DERIVATION_FILES, ids=_ids(DERIVATION_FILES))
def test_derivation_hit_and_near_miss(path: Path, rulebook):
    derivation = next(d for d in rulebook.derivations if d.id == path.stem)
    hit, ok = path.with_suffix(".hit.txt"), path.with_suffix(".ok.txt")
    assert hit.is_file() and ok.is_file(), f"{path.name} needs {hit.name} and {ok.name}"
    facts, _ = _derived(devices([str(hit)], rulebook, SYSTEM_NOW), derivation.kind)
    assert facts, f"{hit.name} does not derive {derivation.kind}"
    for fact in facts:
        assert fact.support, "a derived fact keeps what it was concluded from"
    assert derivation.hit_expect.is_file(), f"{path.name} has no {derivation.hit_expect.name}: declare where its facts point"
    assert fact_pointer_problems(derivation, devices([str(hit)], rulebook, SYSTEM_NOW)) == []
    facts, decided = _derived(devices([str(ok)], rulebook, SYSTEM_NOW), derivation.kind)
    assert not facts and decided, f"{ok.name} must decide {derivation.kind} and not derive it"


@pytest.mark.parametrize("text, derived, problem", [
    ("findings: [{line: 12}]\n", False, None),
    ("findings: [{line: 12, end_line: 13, evidence_lines: [8, 12]}, {line: 20}]\n", False, None),
    ("facts: [{line: 4}]\n", True, None),
    ("findings: [{line: 12, col: 3}]\n", False, "findings[0]: unknown key 'col' (allowed: line, end_line, evidence_lines)"),
    ("findings: [{line: 12}]\nnote: x\n", False, "unknown key 'note' (a rule declares only 'findings')"),
    ("findings: [{line: 12}]\n", True, "unknown key 'findings' (a derivation declares only 'facts')"),
    ("facts: [{line: 4, evidence_lines: [4]}]\n", True, "facts[0]: unknown key 'evidence_lines' (allowed: line)"),
    ("findings: []\n", False, "'findings' must be a non-empty list of {line: N}"),
    ("findings: [{line: 0}]\n", False, "findings[0].line: must be a line number (1 or more)"),
    ("findings: [{line: true}]\n", False, "findings[0].line: must be a line number (1 or more)"),
    ("findings: [{line: 5, end_line: 4}]\n", False, "findings[0].end_line: must be a line number, not before line"),
    ("findings: [{line: 5, evidence_lines: 5}]\n", False, "findings[0].evidence_lines: must be a non-empty list"),
    ("findings: [12]\n", False, "findings[0]: must be a mapping such as {line: 12}"),
    ("findings: [{line: 1}]\nfindings: [{line: 2}]\n", False, "cannot be read"),
    ("- line: 12\n", False, "must be a mapping with the key 'findings'"),
])
def test_expect_file_format(tmp_path: Path, text: str, derived: bool, problem: str | None):
    path = tmp_path / "x.hit.expect.yml"
    path.write_text(text)
    items, problems = read_expect(path, derived)
    if problem is None:
        assert problems == [] and items
    else:
        assert items == [] and len(problems) >= 1 and problem in problems[0], problems
        assert problems[0].startswith("x.hit.expect.yml: ")


def test_a_pointer_elsewhere_fails_the_hit_test(tmp_path: Path, rulebook):
    """The meta-test says where, not only whether: a finding one line off fails it."""
    rule = rulebook.by_id["callhome-proxy-incomplete"]
    report = analyze([str(rule.hit_example)], Options(system_now=SYSTEM_NOW), rules=rulebook)
    assert pointer_problems(rule, report) == []
    wrong = tmp_path / "wrong.hit.expect.yml"
    wrong.write_text("findings: [{line: 8}]\n")  # the callhome header: the block, not the line
    assert pointer_problems(rule, report, wrong) == [
        "callhome-proxy-incomplete.hit.txt: the findings point at line(s) 15; wrong.hit.expect.yml declares 8"]
    wrong.write_text("findings: [{line: 15, end_line: 16, evidence_lines: [14]}]\n")
    problems = pointer_problems(rule, report, wrong)
    assert "the finding ends at line 15; wrong.hit.expect.yml declares 16" in problems[0]
    assert "the evidence does not quote line(s) 14" in problems[1]
