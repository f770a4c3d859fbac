"""Parser goldens: tests/parsers/<command>/<case>.raw beside <case>.yml (facts with line numbers).

The folder name is the command with spaces as underscores. Each .raw goes through
the real pipeline (capture, split, parser). Set DIAG_UPDATE_GOLDENS=1 to write
the .yml files from the current parser, then review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import PARSER_CASES, UPDATE
from diag.capture import read_lines
from diag.commands import BY_NAME
from diag.parsers import parse_section
from diag.split import Section, split_lines
from diag.types import to_json

CASES = sorted(PARSER_CASES.glob("*/*.raw"))


def facts_of(raw: Path) -> tuple[list[dict], list[dict]]:
    command = raw.parent.name.replace("_", " ")
    result = split_lines(read_lines(str(raw)), raw.name)
    sections = result.sections
    if not sections:
        spec = BY_NAME[command]
        lines = list(read_lines(str(raw)))
        sections = [Section(raw.name, spec, command, "content", None, lines[0][0] if lines else 1, lines,
                            frozenset({command}))]
    facts = []
    for section in sections:
        for fact in parse_section(section):
            facts.append({"kind": fact.kind, "line": fact.line,
                          "fields": {k: to_json(v) for k, v in sorted(fact.fields.items())},
                          "lines": dict(sorted(fact.lines.items()))})
    out_sections = []
    for s in sections:
        out = {"command": s.command, "line": s.start, "origin": s.origin, "coverage": sorted(s.coverage)}
        if s.joined:  # hard-wrapped lines read joined: the first line -> the lines of the rest
            out["joined"] = {head: list(rest) for head, rest in sorted(s.joined.items())}
        if s.cut:  # lines whose last value looks cut at the terminal width, with no rest
            out["cut"] = dict(sorted(s.cut.items()))
        out_sections.append(out)
    return out_sections, facts


@pytest.mark.parametrize("raw", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_golden(raw: Path):
    command = raw.parent.name.replace("_", " ")
    assert command in BY_NAME, f"{raw.parent.name} is not a supported command folder"
    sections, facts = facts_of(raw)
    expected_file = raw.with_suffix(".yml")
    actual = {"command": command, "sections": sections, "facts": facts}
    if UPDATE or not expected_file.exists():
        expected_file.write_text(yaml.safe_dump(actual, sort_keys=False, allow_unicode=True, width=120))
        if not UPDATE:
            pytest.fail(f"wrote new golden {expected_file.name}: review it and commit")
    expected = yaml.safe_load(expected_file.read_text())
    assert all(s["command"] == command for s in sections), f"sections found: {sections}"
    assert actual == expected


def test_every_command_has_goldens():
    have = {p.parent.name.replace("_", " ") for p in CASES}
    missing = sorted(set(BY_NAME) - have)
    assert not missing, f"commands without parser goldens: {missing}"
