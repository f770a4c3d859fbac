"""``show license status`` is read by its field names, whatever the indentation.

A status output pasted from a web page or a ticket often loses its indentation. Flattening
the status sections of every rule capture, every sample and every parser golden (each
line stripped of its leading whitespace) must give the same facts, with the same lines,
and the same findings and open rules; so must flattening any part of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import PARSER_CASES, RULES, SAMPLES, SYSTEM_NOW
from diag.api import Options, analyze
from diag.capture import read_lines
from diag.parsers import parse_section
from diag.split import split_lines
from diag.types import to_json
from test_filters import fuzz

STATUS = "show license status"


def _status_lines(path: Path) -> tuple[list[tuple[int, str]], set[int]]:
    """The capture's lines, and the numbers of the lines of its status outputs."""
    lines = list(read_lines(str(path)))
    numbers = {no for s in split_lines(iter(lines), str(path)).sections if s.spec.name == STATUS for no, _ in s.lines}
    return lines, numbers


def _with_status_status_files() -> list[Path]:
    files = sorted(RULES.rglob("*.hit.txt")) + sorted(RULES.rglob("*.ok.txt")) + sorted(SAMPLES.glob("*.txt"))
    return [p for p in files if _status_lines(p)[1]]


CAPTURES = _with_status_status_files()


def _facts(lines: list[tuple[int, str]], name: str) -> list[tuple]:
    out = []
    for section in split_lines(iter(lines), name).sections:
        if section.spec.name != STATUS:
            continue
        for fact in parse_section(section):
            out.append((fact.kind, fact.line, sorted((k, repr(to_json(v))) for k, v in fact.fields.items()),
                        sorted(fact.lines.items())))
    return sorted(out)


def _report(path: Path) -> tuple:
    report = analyze([str(path)], Options(system_now=SYSTEM_NOW))
    findings = sorted((f.rule_id, f.line, f.end_line, f.message, tuple((e.line, e.text) for e in f.evidence))
                      for f in report.findings)
    return findings, sorted((n.rule_id, n.needs) for n in report.outcome.not_evaluated)


def _write(tmp_path: Path, name: str, lines: list[tuple[int, str]]) -> Path:
    out = tmp_path / name
    out.write_text("".join(text + "\n" for _, text in lines), encoding="utf-8")
    return out


def test_there_are_status_captures_to_flatten():
    assert len(CAPTURES) >= 30


@pytest.mark.parametrize("capture", CAPTURES, ids=[p.name for p in CAPTURES])
def test_flattened_status_gives_the_same_facts_and_findings(capture: Path, tmp_path: Path):
    lines, numbers = _status_lines(capture)
    flat = [(no, text.lstrip() if no in numbers else text) for no, text in lines]
    assert flat != lines or not any(text[:1].isspace() for no, text in lines if no in numbers)
    assert _facts(flat, capture.name) == _facts(lines, capture.name)
    assert _report(_write(tmp_path, capture.name, flat)) == _report(capture)


GOLDENS = sorted((PARSER_CASES / "show_license_status").glob("*.raw"))


@fuzz(60)
@given(st.sampled_from(GOLDENS), st.randoms(use_true_random=False))
def test_any_part_of_a_status_output_flattened_reads_the_same(raw: Path, rnd):
    lines, numbers = _status_lines(raw)
    flat = [(no, text.lstrip() if no in numbers and rnd.random() < 0.5 else text) for no, text in lines]
    assert _facts(flat, raw.name) == _facts(lines, raw.name)


NAMED = {"license.registration", "license.authorization", "license.conversion", "license.transport",
         "license.usage_reporting", "license.policy", "license.misc"}


@pytest.mark.parametrize("raw", GOLDENS, ids=[p.stem for p in GOLDENS])
def test_each_golden_filtered_to_its_fields_keeps_them(raw: Path):
    """``| include :`` drops the block headers' context (each field line stays, without the
    lines between): every field of the blocks whose fields are named keeps its value and
    line, and a failure reason still goes to the attempt above it."""
    from test_filters import run_filter

    lines = list(read_lines(str(raw)))
    typed: list[tuple[int, str]] = []
    for section in split_lines(iter(lines), raw.name).sections:
        if section.spec.name != STATUS or section.origin != "prompt":
            pytest.skip("a golden without a prompt")
        shown = run_filter(STATUS, [text for _, text in section.lines], ("include :",))
        typed.append((section.start, section.head.rstrip() + " | include :"))
        typed.extend(section.lines[i] for i in shown)
    typed.append((lines[-1][0] + 1, "switch#"))

    def fields(facts):
        return sorted((k, f, v, ln) for k, _, fs, lns in facts if k in NAMED for (f, v) in fs for (g, ln) in lns if g == f)

    assert fields(_facts(typed, raw.name)) == fields(_facts(lines, raw.name))
