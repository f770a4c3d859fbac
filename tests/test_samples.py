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
    rules = ROOT / "rules"
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


def test_a_batch_reads_what_each_file_reads_alone(tmp_path):
    # read_batch parses the sections of many inputs together, command by command: each
    # input must get exactly the facts it gets when read on its own, errors included
    from diag.api import read_batch, read_input
    from diag.errors import InputError

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    paths = [str(p) for p in _captures()[:12]] + [str(empty), str(tmp_path / "missing.txt")]
    paths += [str(p) for p in _captures()[12:30]]

    def shape(outcome):
        if isinstance(outcome, InputError):
            return ("error", outcome.path, outcome.problem)
        info, parsed = outcome
        return (info.to_json(), [(sec.spec.name, sec.start, [(f.kind, f.fields, f.lines, f.line) for f in facts])
                                 for sec, facts in parsed])

    alone = []
    for path in paths:
        try:
            alone.append(shape(read_input(path)))
        except InputError as exc:
            alone.append(shape(exc))
    assert [shape(o) for o in read_batch(paths)] == alone
    assert sum(1 for o in alone if o[0] == "error") == 2


def test_batches_keep_order_and_give_big_files_a_batch_of_their_own(tmp_path, monkeypatch):
    from diag import parallel

    monkeypatch.setattr(parallel, "BATCH_FILES", 3)
    monkeypatch.setattr(parallel, "BATCH_BYTES", 100)
    sizes = [10, 10, 10, 10, 500, 10, 60, 60]
    paths = []
    for i, n in enumerate(sizes):
        p = tmp_path / f"f{i}.txt"
        p.write_bytes(b"x" * n)
        paths.append(str(p))
    got = parallel.batches(paths + ["-"])
    assert [len(b) for b in got] == [3, 1, 1, 2, 2]  # 10 10 10 | 10 | 500 | 10 60 | 60 -
    assert [p for b in got for p in b] == paths + ["-"]
