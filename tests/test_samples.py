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
        "findings": [{"rule_id": f.rule_id, "severity": f.severity, "device": f.device, "line": f.line,
                      **({"status": f.status} if f.suspected else {})}
                     for f in report.findings],
        "not_evaluated": sorted({n.rule_id for n in report.outcome.not_evaluated}),
        # the diagnosis of each device: its status, root causes (with the symptoms each
        # explains), the findings standing on their own, the fix to do first, and the
        # differential's candidates by status
        "diagnoses": [_diagnosis(g) for g in report.diagnoses],
    }


def _diagnosis(g) -> dict:
    out = {"device": g.device, "status": g.status,
           "causes": {c.finding.rule_id: [s.rule_id for s in c.symptoms] for c in g.causes},
           "standalone": [f.rule_id for f in g.standalone],
           "fix_first": g.fix_first and [g.fix_first["rule_id"], g.fix_first["action"]]}
    if g.open_symptoms:
        by_status: dict[str, list[str]] = {}
        for c in g.differential:
            by_status.setdefault(c.status, []).append(c.rule_id)
        out["differential"] = {"symptoms": list(g.open_symptoms), **by_status}
    return out


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
    rules = ROOT / "rules"
    return sorted(SAMPLES.glob("*.txt")) + sorted(SAMPLES.glob("*.log")) + sorted(rules.rglob("*.hit.txt"))


@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_the_report_is_the_same_whatever_is_kept_batched_or_spread(fmt, monkeypatch, tmp_path):
    # step 1 keeps what fits in KEEP_BYTES and step 2 reads the rest again; files are judged
    # in batches, in this process or in workers: none of it may change a report. The
    # captures include devices spread over several files, a session visiting two switches
    # and devices without a clock of their own (judged at the run's, in a second round).
    from diag import api
    from diag.report import render

    for i, text in enumerate(["leaf-a# show version\n Device name: leaf-a\nleaf-a# show clock\n"
                              "10:00:00.000 UTC Mon Mar 06 2023\n",
                              "leaf-a# show license status\nSmart Licensing is ENABLED\n"]):
        (tmp_path / f"part{i}.txt").write_text(text)
    paths = [str(p) for p in _captures()] + [str(tmp_path)]
    usual = render(analyze(paths, Options(system_now=SYSTEM_NOW)), fmt)
    monkeypatch.setattr(api, "KEEP_BYTES", 0)
    monkeypatch.setattr(api, "BATCH_FILES", 1)
    assert render(analyze(paths, Options(system_now=SYSTEM_NOW)), fmt) == usual
    assert render(analyze(paths, Options(system_now=SYSTEM_NOW, jobs=2)), fmt) == usual


def _die(task):
    import os

    os._exit(9)


def test_a_worker_that_dies_stops_the_run(monkeypatch, tmp_path):
    # a --jobs worker killed (out of memory, a signal): the run fails loudly, never hangs
    # and never reports the devices it did not judge as clean
    from concurrent.futures.process import BrokenProcessPool

    from diag import api

    for i, path in enumerate(_captures()[:12]):
        (tmp_path / f"c{i}.txt").write_bytes(path.read_bytes())
    monkeypatch.setattr(api, "_judge_in_worker", _die)
    with pytest.raises(BrokenProcessPool):
        analyze([str(tmp_path)], Options(system_now=SYSTEM_NOW, jobs=2))


def test_a_capture_of_one_switch_is_parsed_once(monkeypatch, tmp_path):
    # a paste without a clock (most are) belongs to the run's only device: judged at once,
    # never left waiting for other devices' clocks and parsed again
    import diag.parsers

    calls = []
    real = diag.parsers.parse_section
    monkeypatch.setattr(diag.parsers, "parse_section", lambda section: calls.append(section) or real(section))
    paste = tmp_path / "paste.txt"
    paste.write_text("leaf01# show license status\nSmart Licensing is ENABLED\n\nRegistration:\n"
                     "  Status: UNREGISTERED\n\nLicense Authorization:\n  Status: EVAL MODE\n"
                     "  Evaluation Period Remaining: 61 days, 3 hours, 2 minutes, 30 seconds\n")
    report = analyze([str(paste)], Options(system_now=SYSTEM_NOW))
    assert len(report.devices) == 1 and report.now_source == "system"
    assert len(calls) == len({id(s) for s in calls}) == sum(i.sections for i in report.inputs)
