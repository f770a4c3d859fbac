"""Whole configurations without a header: ``whole-config`` in .diag.yaml / [tool.diag],
``--whole-config`` and ``--whole-config-default`` (what the pre-commit hook passes)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from diag.cli import cli
from diag.config import glob_patterns, load, matches_glob
from diag.errors import DiagError
from test_filtered_scenarios import HEADERLESS, HTTPS

RULE = "http-source-interface-vrf-mismatch"
BAD = HEADERLESS.format(source="Vlan27", url=HTTPS)


def run(cwd: Path, *args: str):
    old = os.getcwd()
    try:
        os.chdir(cwd)
        res = CliRunner().invoke(cli, ["check", "-f", "json", "--now", "2031-01-15T12:00:00Z", *args],
                                 catch_exceptions=False)
    finally:
        os.chdir(old)
    data = json.loads(res.output) if res.output.startswith("{") else None
    return res, data


def fired(data) -> set[str]:
    return {f["rule_id"] for f in data["findings"]}


def opened(data, rule_id: str):
    return next((n for n in data["not_evaluated"] if n["rule_id"] == rule_id), None)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    (tmp_path / "configs" / "dc2").mkdir(parents=True)
    (tmp_path / "configs" / "dc2" / "leaf07.cfg").write_text(BAD, encoding="utf-8")
    return tmp_path


def test_globs_match_within_folders_and_across_them():
    pats = glob_patterns(["configs/**/*.cfg", "*.conf", "sw[0-9]?.txt"], "/repo", "x")
    assert matches_glob("/repo/configs/a.cfg", pats) and matches_glob("/repo/configs/x/y/a.cfg", pats)
    assert not matches_glob("/repo/a.cfg", pats) and not matches_glob("/repo/configs/a.cfg.bak", pats)
    assert matches_glob("/repo/b.conf", pats) and not matches_glob("/repo/x/b.conf", pats)
    assert matches_glob("/repo/sw1a.txt", pats) and not matches_glob("/repo/swxa.txt", pats)
    assert not matches_glob("-", pats) and not matches_glob("/repo/configs/a.cfg", ())
    assert matches_glob("/repo/deep/er/file", glob_patterns(["**"], "/repo", "x"))
    assert not matches_glob("/elsewhere/file", glob_patterns(["**"], "/repo", "x"))


def test_the_config_key_is_relative_to_its_file(repo: Path):
    (repo / ".diag.yaml").write_text('whole-config: ["configs/**/*.cfg"]\n')
    sub = repo / "configs"
    res, data = run(sub, "dc2/leaf07.cfg")  # run from below the file: the globs stay the file's
    assert res.exit_code == 1 and RULE in fired(data)
    finding = next(f for f in data["findings"] if f["rule_id"] == RULE)
    assert finding["path"] == "dc2/leaf07.cfg" and finding["line"] == 5


def test_pyproject_tool_diag_key(repo: Path):
    (repo / "pyproject.toml").write_text('[tool.diag]\nwhole-config = "configs/dc2/*.cfg"\n')
    _, data = run(repo, "configs")
    assert RULE in fired(data)


def test_without_a_declaration_the_rule_is_open_and_says_why(repo: Path):
    res, data = run(repo, "configs")
    assert res.exit_code == 0 and RULE not in fired(data)
    reason = opened(data, RULE)["reason"]
    assert "configs/dc2/leaf07.cfg" in reason and "whole-config" in reason and "--whole-config" in reason
    res = CliRunner().invoke(cli, ["check", "--now", "2031-01-15T12:00:00Z", str(repo / "configs")])
    text = " ".join(res.output.split())  # a long temporary path puts the note's path on the next line
    assert "note: " in text and "whole-config" in text


def test_the_flag_wins_over_the_file_and_the_file_over_the_default(repo: Path):
    (repo / ".diag.yaml").write_text("whole-config: []\n")  # this project declares none
    _, data = run(repo, "--whole-config-default", "**", "configs")
    assert RULE not in fired(data) and opened(data, RULE) is not None
    _, data = run(repo, "--whole-config", "configs/**", "configs")
    assert RULE in fired(data)
    (repo / ".diag.yaml").unlink()
    _, data = run(repo, "--whole-config-default", "**", "configs")
    assert RULE in fired(data)
    _, data = run(repo, "--whole-config", "other/*.cfg", "--whole-config-default", "**", "configs")
    assert RULE not in fired(data)


def test_context_runs_and_workers_see_the_declaration(repo: Path):
    (repo / "configs" / "dc2" / "leaf07-callhome.cfg").write_text(
        "hostname leaf07\ncallhome\n  transport http use-vrf management\n", encoding="utf-8")
    _, data = run(repo, "--context", ".", "--whole-config-default", "**", "configs/dc2/leaf07-callhome.cfg")
    assert RULE in fired(data)
    one, data1 = run(repo, "-j", "1", "--whole-config", "**", "configs")
    two, data2 = run(repo, "-j", "2", "--whole-config", "**", "configs")
    assert data1["findings"] == data2["findings"] and RULE in fired(data2)


@pytest.mark.parametrize("text,needle", [
    ("whole-config: 3\n", "'whole-config' must be a list of file patterns"),
    ('whole-config: [""]\n', "'whole-config' must be a list of file patterns"),
    ("whole-config: [{a: 1}]\n", "'whole-config' must be a list of file patterns"),
    ('whole-config: ["configs/[!]x"]\n', "is not a valid file pattern"),
])
def test_a_bad_whole_config_is_one_clear_error(tmp_path: Path, text: str, needle: str):
    (tmp_path / ".diag.yaml").write_text(text)
    with pytest.raises(DiagError, match="whole-config"):
        load(tmp_path / ".diag.yaml")
    (tmp_path / "x.cfg").write_text(BAD)
    res = CliRunner().invoke(cli, ["check", "--config", str(tmp_path / ".diag.yaml"), str(tmp_path / "x.cfg")])
    assert res.exit_code == 2 and needle in res.output and ".diag.yaml" in res.output


def test_a_bad_flag_value_is_a_usage_error(tmp_path: Path):
    (tmp_path / "x.cfg").write_text(BAD)
    res = CliRunner().invoke(cli, ["check", "--whole-config", " ", str(tmp_path / "x.cfg")])
    assert res.exit_code == 2 and "whole-config" in res.output


@pytest.mark.parametrize("how", ["flag", "config"])
def test_diag_parse_reads_a_declared_file_as_check_does(tmp_path: Path, how):
    """diag parse shows what check judges: a headerless file declared whole covers the whole
    running-config, from --whole-config or the project's whole-config; undeclared, it does not."""
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "leaf07.cfg").write_text(BAD, encoding="utf-8")
    args = ["--whole-config", "configs/*.cfg"] if how == "flag" else []
    if how == "config":
        (tmp_path / ".diag.yaml").write_text('whole-config: ["configs/*.cfg"]\n', encoding="utf-8")

    def coverage(*extra):
        old = os.getcwd()
        try:
            os.chdir(tmp_path)
            res = CliRunner().invoke(cli, ["parse", *extra, "configs/leaf07.cfg"], catch_exceptions=False)
        finally:
            os.chdir(old)
        assert res.exit_code == 0, res.output
        return json.loads(res.output)["devices"][0]["coverage"]

    assert "show running-config" in coverage(*args)
    assert "show running-config" not in coverage("--no-config")


@pytest.mark.parametrize("given", ["configs/leaf07.cfg", "configs", "."])
@pytest.mark.parametrize("how", ["flag", "config"])
def test_whole_config_holds_for_the_redacted_copies_check_reads(tmp_path: Path, given, how):
    """--redact analyses redacted copies under other names: the declaration names the inputs,
    so it must still hold for their copies (the finding was lost: a false all-clear)."""
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "leaf07.cfg").write_text(BAD, encoding="utf-8")
    args = ["--whole-config", "configs/*.cfg"] if how == "flag" else []
    if how == "config":
        (tmp_path / ".diag.yaml").write_text('whole-config: ["configs/*.cfg"]\n', encoding="utf-8")
    plain, data = run(tmp_path, *args, given)
    assert RULE in fired(data), plain.output
    redacted, _ = run(tmp_path, "--redact", *args, given)
    data = json.loads(redacted.stdout)
    assert RULE in fired(data), redacted.output
    assert "leaf07" not in redacted.stdout
