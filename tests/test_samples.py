"""Scenario goldens: every file in samples/ gives the findings recorded in tests/samples_expected/.

Set DIAG_UPDATE_GOLDENS=1 to rewrite the expected files from the current code,
then review the diff line by line: these are the product's promises.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES, SYSTEM_NOW, UPDATE
from diag.api import Options, analyze

EXPECTED = ROOT / "tests" / "samples_expected"
FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and not p.name.startswith("."))


def summarise(report) -> dict:
    return {
        "now": report.now.isoformat(),
        "now_source": report.now_source,
        "devices": [{"device": d.name, "platform": d.platform, "release": str(d.release) if d.release else None,
                     "licensing_mode": d.mode} for d in report.devices],
        "findings": [{"rule_id": f.rule_id, "severity": f.severity, "device": f.device, "line": f.line}
                     for f in report.findings],
        "not_evaluated": sorted({n.rule_id for n in report.outcome.not_evaluated}),
    }


@pytest.mark.parametrize("sample", FILES, ids=[p.name for p in FILES])
def test_sample(sample: Path, rulebook):
    report = analyze([str(sample)], Options(system_now=SYSTEM_NOW), rules=rulebook)
    actual = summarise(report)
    expected_file = EXPECTED / (sample.name + ".json")
    if UPDATE:
        EXPECTED.mkdir(exist_ok=True)
        expected_file.write_text(json.dumps(actual, indent=2) + "\n")
    assert expected_file.is_file(), f"no expected findings for {sample.name}; run with DIAG_UPDATE_GOLDENS=1"
    assert actual == json.loads(expected_file.read_text())


def test_every_expected_file_has_its_sample():
    if not EXPECTED.is_dir():
        pytest.skip("no expected files yet")
    names = {p.name for p in FILES}
    for expected in EXPECTED.glob("*.json"):
        assert expected.name[:-5] in names, f"{expected.name} has no sample"


def test_healthy_sample_has_no_error_or_warning(rulebook):
    report = analyze([str(SAMPLES / "healthy-registered-9.3.txt")], Options(system_now=SYSTEM_NOW), rules=rulebook)
    assert [f.rule_id for f in report.findings if f.severity in ("error", "warning")] == []
    assert report.now_source == "capture"


def test_whole_samples_folder_runs(rulebook):
    report = analyze([str(SAMPLES)], Options(system_now=SYSTEM_NOW), rules=rulebook)
    assert len(report.devices) == len({d.name for d in report.devices}) >= 8
    assert not report.unread
    assert report.exit_code() == 1


def _captures() -> list[Path]:
    rules = ROOT / "diag" / "rules"
    return sorted(SAMPLES.glob("*.txt")) + sorted(SAMPLES.glob("*.log")) + sorted(rules.rglob("*.hit.txt"))


@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "markdown"])
def test_compacted_sections_change_no_report(fmt, monkeypatch):
    # diag check keeps only the lines facts point at once a section is parsed; a report in
    # every format must be what it is with whole sections
    from diag.report import render
    from diag.split import Section

    paths = [str(p) for p in _captures()]
    compacted = render(analyze(paths, Options(system_now=SYSTEM_NOW)), fmt)
    monkeypatch.setattr(Section, "compact", lambda self, facts: None)
    whole = render(analyze(paths, Options(system_now=SYSTEM_NOW)), fmt)
    assert compacted == whole
