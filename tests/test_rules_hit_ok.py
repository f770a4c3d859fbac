"""Every rule proves itself both ways: its .hit.txt fires it, its .ok.txt near miss does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RULES, SYSTEM_NOW
from diag.api import Options, analyze, devices
from diag.capture import read_lines

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
    facts, decided = _derived(devices([str(ok)], rulebook, SYSTEM_NOW), derivation.kind)
    assert not facts and decided, f"{ok.name} must decide {derivation.kind} and not derive it"
