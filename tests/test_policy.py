"""Project policy: site rules, configuration files, severity overrides, suppressions, baselines."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SYSTEM_NOW
from diag.api import Options, analyze
from diag.cli import cli
from diag.config import find, load
from diag.errors import DiagError
from diag.rulebook import load_rules

SITE = ROOT / "tests" / "data" / "site-rules"
HIT = ROOT / "tests" / "data" / "plain_http_session.txt"


def run(*args: str, cwd: Path | None = None):
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def test_site_rule_folder_with_its_own_hit_and_ok_captures():
    book = load_rules([SITE])
    rule = book.by_id["site-callhome-proxy-port"]
    hit = analyze([str(rule.hit_example)], Options(system_now=SYSTEM_NOW), rules=book)
    ok = analyze([str(rule.ok_example)], Options(system_now=SYSTEM_NOW), rules=book)
    fired = [f for f in hit.findings if f.rule_id == rule.id]
    assert len(fired) == 1 and fired[0].line == 12
    assert "transport http proxy server proxy.branch.example.com port 8080" in fired[0].fix
    assert rule.id not in [f.rule_id for f in ok.findings]
    assert rule.id not in [n.rule_id for n in ok.outcome.not_evaluated]
    res = run("check", "-r", str(SITE), "--select", rule.id, str(rule.hit_example))
    assert res.exit_code == 1 and rule.id in res.output


def test_rules_test_checks_a_site_folder_on_its_own_captures(tmp_path: Path):
    res = run("rules", "--test", "-r", str(SITE))
    assert res.exit_code == 0 and "ok    site-callhome-proxy-port" in res.output and "1 passed, 0 failed" in res.output
    # a copy whose hit capture no longer fires and whose near miss is missing
    broken = tmp_path / "site"
    shutil.copytree(SITE, broken)
    rule_id = "site-callhome-proxy-port"
    hit = broken / f"{rule_id}.hit.txt"
    hit.write_text(hit.read_text().replace("port 3128", "port 8080"))
    (broken / f"{rule_id}.ok.txt").unlink()
    res = run("rules", "--test", "-r", str(broken))
    assert res.exit_code == 1 and f"FAIL  {rule_id}" in res.output, res.output
    assert f"{rule_id}.hit.txt does not fire the rule" in res.output
    assert f"no {rule_id}.ok.txt beside the rule" in res.output
    res = run("rules", "--test", "-f", "json", "-r", str(broken))
    data = json.loads(res.output)
    assert [d["ok"] for d in data] == [False] and len(data[0]["problems"]) == 2
    # a capture with nothing recognised in it is that rule's failure, not the end of the run
    (broken / f"{rule_id}.ok.txt").write_text("hello\n")
    res = run("rules", "--test", "-r", str(broken))
    assert res.exit_code == 1 and f"{rule_id}.ok.txt: " in res.output and "no Smart Licensing" in res.output
    # the hit capture fires, but its findings point elsewhere than its .hit.expect.yml says
    moved = tmp_path / "moved"
    shutil.copytree(SITE, moved)
    (moved / f"{rule_id}.hit.expect.yml").write_text("findings:\n  - line: 9  # callhome\n")
    res = run("rules", "--test", "-r", str(moved))
    assert res.exit_code == 1 and f"FAIL  {rule_id}" in res.output, res.output
    assert (f"{rule_id}.hit.txt: the findings point at line(s) 12; {rule_id}.hit.expect.yml declares 9"
            in res.output)
    (moved / f"{rule_id}.hit.expect.yml").write_text("findings:\n  - {line: 12, column: 3}\n")
    res = run("rules", "--test", "-r", str(moved))
    assert res.exit_code == 1 and "findings[0]: unknown key 'column' (allowed: line, end_line, evidence_lines)" in res.output
    empty = tmp_path / "empty"
    empty.mkdir()
    res = CliRunner().invoke(cli, ["rules", "--test", "-r", str(empty)])
    assert res.exit_code == 2 and "no rule file (*.yaml) in this folder" in res.output


def test_rules_test_passes_on_every_built_in_rule():
    from diag.selftest import check_all

    results = check_all(load_rules(), system_now=SYSTEM_NOW)
    assert len(results) == len(load_rules().rules) + len(load_rules().derivations)
    assert [(r.ident, r.problems) for r in results if not r.ok] == []


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_config_found_upward_from_the_working_directory(tmp_path: Path):
    write(tmp_path / ".diag.yaml", "ignore: [callhome-url-plain-http]\nfail-on: error\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find(deep) == tmp_path / ".diag.yaml"
    res = run("check", str(HIT), cwd=deep)
    assert "callhome-url-plain-http" not in res.output and res.exit_code == 0
    res = run("check", "--no-config", str(HIT), cwd=deep)
    assert "callhome-url-plain-http" in res.output and res.exit_code == 1


@pytest.mark.parametrize("mark", [".git", ".hg", ".svn"])
@pytest.mark.parametrize("mark_is_file", [False, True])  # a git worktree's .git is a file
def test_the_search_for_a_config_stops_at_the_repository_root(tmp_path: Path, mark, mark_is_file):
    """A .diag.yaml above the repository (a home folder) is not the repository's: it must
    not turn rules off unseen. One in the root itself, or in a folder under it, is found."""
    write(tmp_path / ".diag.yaml", "ignore: [callhome-url-plain-http]\n")
    repo = tmp_path / "checkout"
    deep = repo / "configs" / "dc1"
    deep.mkdir(parents=True)
    (repo / mark).write_text("gitdir: elsewhere\n") if mark_is_file else (repo / mark).mkdir()
    assert find(deep) is None
    res = run("check", str(HIT), cwd=deep)
    assert "callhome-url-plain-http" in res.output and res.exit_code == 1
    write(repo / ".diag.yaml", "ignore: [callhome-url-plain-http]\n")
    assert find(deep) == repo / ".diag.yaml"
    write(deep / ".diag.yaml", "fail-on: error\n")
    assert find(deep) == deep / ".diag.yaml"


def test_pyproject_tool_diag_with_rules_and_severity(tmp_path: Path):
    shutil.copytree(SITE, tmp_path / "site")
    write(tmp_path / "pyproject.toml", '[project]\nname = "configs"\n\n[tool.diag]\nrules = ["site"]\n'
          'severity = {callhome-url-plain-http = "info", site-callhome-proxy-port = "error"}\n')
    res = run("check", "-f", "json", str(HIT), cwd=tmp_path)
    data = json.loads(res.output)
    assert [f["severity"] for f in data["findings"] if f["rule_id"] == "callhome-url-plain-http"] == ["info"]
    assert res.exit_code == 0  # info never fails by default
    res = run("check", "-f", "json", str(SITE / "site-callhome-proxy-port.hit.txt"), cwd=tmp_path)
    assert [f["severity"] for f in json.loads(res.output)["findings"]
            if f["rule_id"] == "site-callhome-proxy-port"] == ["error"]


@pytest.mark.parametrize("text,needle", [
    ("colour: red\n", "unknown key 'colour'"),
    ("fail-on: sometimes\n", "'fail-on' must be error, warning or info"),
    ("severity: {callhome-url-plain-http: fatal}\n", "must be error, warning or info"),
    ("ignore: [no-such-rule]\n", "unknown rule id 'no-such-rule'"),
    ("select: 42\n", "'select' must be a list of rule ids"),
    ("- a list\n", "must be a mapping"),
])
def test_bad_config_is_one_clear_error(tmp_path: Path, text: str, needle: str):
    write(tmp_path / ".diag.yaml", text)
    res = CliRunner().invoke(cli, ["check", "--config", str(tmp_path / ".diag.yaml"), str(HIT)])
    assert res.exit_code == 2
    assert needle in res.output and ".diag.yaml" in res.output


@pytest.mark.parametrize("text,first,line,key", [
    ("fail-on: warning\nignore: [callhome-url-plain-http]\nfail-on: info\n", 1, 3, "fail-on"),
    ("severity:\n  callhome-url-plain-http: info\n  callhome-url-plain-http: error\n", 2, 3,
     "callhome-url-plain-http"),
], ids=["top level", "nested"])
def test_a_duplicate_key_in_the_config_names_file_line_and_key(tmp_path: Path, text, first, line, key):
    path = write(tmp_path / ".diag.yaml", text)
    for args in (["check", "--config", str(path), str(HIT)], ["check", str(HIT)]):
        res = run(*args, cwd=tmp_path)
        assert res.exit_code == 2, res.output
        assert res.output.strip().splitlines() == [
            f"diag: error: {path}: line {line}: invalid YAML: duplicate key '{key}' (first on line {first})"]


def test_pyproject_unknown_key_names_the_table(tmp_path: Path):
    write(tmp_path / "pyproject.toml", "[tool.diag]\nfailon = 'error'\n")
    with pytest.raises(DiagError, match=r"\[tool.diag\]: unknown key 'failon'"):
        load(tmp_path / "pyproject.toml")


def test_a_broken_pyproject_with_a_tool_diag_table_is_an_error(tmp_path: Path):
    write(tmp_path / "pyproject.toml", '[tool.diag]\nignore = ["callhome-url-plain-http"]\n[project\n')
    res = run("check", str(HIT), cwd=tmp_path)
    assert res.exit_code == 2 and "pyproject.toml" in res.output and "invalid TOML" in res.output
    # a broken pyproject.toml that does not configure diag is none of diag's business
    write(tmp_path / "pyproject.toml", '[project\nname = "x"\n')
    res = run("check", str(HIT), cwd=tmp_path)
    assert res.exit_code == 1 and "callhome-url-plain-http" in res.output


CONFIG = """!Command: show running-config
!Time: Tue Oct 10 14:03:10 2023

version 9.3(8) Bios:version 05.45
hostname bldg2-core-3
ip domain-lookup
ip name-server 10.20.1.53 use-vrf management
license smart enable
ntp server 10.20.1.123 use-vrf management

interface mgmt0
  vrf member management
  ip address 10.20.0.31/24
callhome
  email-contact noc@contoso.example
  destination-profile CiscoTAC-1 transport-method http
{comment}  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/DDCEService
  transport http use-vrf management
  enable
line console
line vty
"""


@pytest.mark.parametrize("comment,suppressed", [
    ("  ! diag: ignore callhome-url-plain-http -- lab switch, proxy terminates TLS (CHG-1)\n", True),
    ("  ! diag: ignore all -- decommissioned next week\n", True),
    ("  ! diag: ignore callhome-url-ip-literal -- another rule\n", False),
    ("", False),
])
def test_inline_suppression_on_the_line_above(tmp_path: Path, comment: str, suppressed: bool):
    path = write(tmp_path / "leaf.cfg", CONFIG.format(comment=comment))
    report = analyze([str(path)], Options(system_now=SYSTEM_NOW))
    ids = [f.rule_id for f in report.findings]
    assert ("callhome-url-plain-http" not in ids) == suppressed
    assert [s.finding.rule_id for s in report.suppressed] == (["callhome-url-plain-http"] if suppressed else [])
    assert "suppression-without-reason" not in ids


def test_suppression_on_the_same_line_and_without_reason(tmp_path: Path):
    text = CONFIG.format(comment="").replace(
        "DDCEService\n", "DDCEService\n", 1)
    lines = text.splitlines()
    at = next(i for i, l in enumerate(lines) if "http http://" in l)
    lines.insert(at, "  ! diag: ignore callhome-url-plain-http")
    path = write(tmp_path / "leaf.cfg", "\n".join(lines) + "\n")
    res = run("check", "--show-suppressed", str(path))
    assert "suppression-without-reason" in res.output
    assert "Suppressed by inline comments:" in res.output and "no reason given" in res.output
    assert res.exit_code == 1  # the missing reason itself is a warning


@pytest.mark.parametrize("tail", [
    "  ! diag: ignore callhome-url-plain-http -- lab switch (CHG-7)",
    "\t!DIAG: IGNORE callhome-url-plain-http -- written in capitals",
])
def test_suppression_at_the_end_of_the_line_it_is_about(tmp_path: Path, tail: str):
    text = CONFIG.format(comment="").replace("DDCEService\n", "DDCEService" + tail + "\n", 1)
    path = write(tmp_path / "leaf.cfg", text)
    report = analyze([str(path)], Options(system_now=SYSTEM_NOW))
    ids = [f.rule_id for f in report.findings]
    # the line still reads as the URL it holds: no unread output, no "URL missing"
    assert ids == [] or set(ids).isdisjoint({"callhome-url-plain-http", "unparsed-output", "callhome-url-missing"})
    assert [s.finding.rule_id for s in report.suppressed] == ["callhome-url-plain-http"]
    assert report.suppressed[0].finding.line == text.splitlines().index(
        next(l for l in text.splitlines() if "http http://" in l)) + 1


@pytest.mark.parametrize("tail", [
    " ! diag: ignore callhome-url-plain-http -- lab switch (CHG-7)",
    " ! diag: ignore no-such-rule",                       # suppresses nothing
])
def test_the_evidence_quotes_a_line_with_its_trailing_suppression_whole(tmp_path: Path, tail: str):
    # the comment is cut from what the parsers read, not from the line the evidence quotes
    text = CONFIG.format(comment="").replace("DDCEService\n", "DDCEService" + tail + "\n", 1)
    path = write(tmp_path / "leaf.cfg", text)
    whole = next(l for l in text.splitlines() if "http http://" in l).strip()
    report = analyze([str(path)], Options(system_now=SYSTEM_NOW))
    findings = list(report.findings) + [s.finding for s in report.suppressed]
    quoted = [e.text for f in findings for e in f.evidence if "http http://" in e.text]
    assert quoted and set(quoted) == {whole}


def test_suppressions_in_capitals_on_the_line_above(tmp_path: Path):
    path = write(tmp_path / "leaf.cfg", CONFIG.format(
        comment="  ! DIAG: Ignore callhome-url-plain-http -- upper case\n"))
    report = analyze([str(path)], Options(system_now=SYSTEM_NOW))
    assert [s.finding.rule_id for s in report.suppressed] == ["callhome-url-plain-http"]


@pytest.mark.parametrize("comment", ["  ! diag: ignore ALL -- capitals\n",
                                     "  ! diag: ignore CALLHOME-URL-PLAIN-HTTP -- capitals\n"])
def test_rule_ids_of_a_suppression_are_read_in_any_case(tmp_path: Path, comment: str):
    path = write(tmp_path / "leaf.cfg", CONFIG.format(comment=comment))
    report = analyze([str(path)], Options(system_now=SYSTEM_NOW))
    assert [s.finding.rule_id for s in report.suppressed] == ["callhome-url-plain-http"]
    res = run("check", str(path))
    assert "unknown rule id" not in res.output


def test_a_suppression_naming_no_rule_is_reported(tmp_path: Path):
    path = write(tmp_path / "leaf.cfg", CONFIG.format(comment="  ! diag: ignore -- forgot the id\n"))
    res = run("check", str(path))
    assert "the suppression names no rule id" in res.output and res.exit_code == 1


def test_a_suppression_naming_an_unknown_rule_is_reported(tmp_path: Path):
    path = write(tmp_path / "leaf.cfg", CONFIG.format(
        comment="  ! diag: ignore callhome-url-plain-htp, all -- typo\n"))
    res = run("check", str(path))
    assert f"{path}:17: the suppression names an unknown rule id 'callhome-url-plain-htp'" in res.output
    assert "unknown rule id 'all'" not in res.output


def test_baseline_accepts_known_findings_but_not_new_ones(tmp_path: Path):
    before = write(tmp_path / "leaf.cfg", CONFIG.format(comment=""))
    baseline = tmp_path / "baseline.json"
    res = run("check", "--write-baseline", str(baseline), str(before))
    assert res.exit_code == 0 and baseline.is_file()
    data = json.loads(baseline.read_text())
    assert data["schema"] == "diag-baseline/1"
    assert any(e["rule_id"] == "callhome-url-plain-http" for e in data["findings"])
    # lines shift (a new first line): the known finding still matches by its evidence text
    write(before, "! edited by automation\n" + CONFIG.format(comment=""))
    res = run("check", "--baseline", str(baseline), "-f", "json", str(before))
    out = json.loads(res.output)
    assert res.exit_code == 0 and out["baselined"] >= 1
    assert "callhome-url-plain-http" not in [f["rule_id"] for f in out["findings"]]
    # a new problem is not in the baseline
    write(before, CONFIG.format(comment="").replace("  enable\n", ""))
    res = run("check", "--baseline", str(baseline), "-f", "json", str(before))
    assert res.exit_code == 1
    assert "callhome-disabled" in [f["rule_id"] for f in json.loads(res.output)["findings"]]


@pytest.mark.parametrize("content,needle", [
    (None, "baseline file not found"),
    ("not json", "invalid JSON"),
    ('{"schema": "other"}', "not a diag baseline"),
    ('{"schema": "diag-baseline/1", "findings": [{"rule_id": "x"}]}', "findings[0] needs"),
])
def test_bad_baseline_is_one_clear_error(tmp_path: Path, content, needle):
    baseline = tmp_path / "b.json"
    if content is not None:
        baseline.write_text(content)
    res = CliRunner().invoke(cli, ["check", "--baseline", str(baseline), str(HIT)])
    assert res.exit_code == 2 and needle in res.output


def test_context_completes_a_device_and_reports_only_touched_devices(tmp_path: Path):
    repo = tmp_path / "repo"
    repo.mkdir()
    write(repo / "leaf01.cfg", "!Command: show running-config\nhostname leaf01\nversion 9.3(8)\n"
          "ip http source-interface Vlan27\ninterface Vlan27\n  ip address 10.27.0.2/24\n"
          "interface mgmt0\n  vrf member management\nline console\nline vty\n")
    write(repo / "leaf01-callhome.cfg", "!Command: show running-config callhome\nhostname leaf01\n"
          "callhome\n  email-contact noc@example.com\n  destination-profile CiscoTAC-1 transport-method http\n"
          "  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/"
          "DDCEService\n  transport http use-vrf management\n  enable\n")
    write(repo / "leaf02.cfg", CONFIG.format(comment="").replace("bldg2-core-3", "leaf02"))
    write(repo / "README.txt", "Switch configurations of building 4.\n")
    report = analyze([str(repo / "leaf01.cfg")], Options(system_now=SYSTEM_NOW, context=(str(repo),)))
    assert [d.name for d in report.devices] == ["leaf01"]
    assert len(report.devices[0].inputs) == 2 and report.context_inputs == 2
    ids = {f.rule_id for f in report.findings}
    assert {"callhome-url-plain-http", "http-source-interface-vrf-mismatch"} <= ids
    # a change that touches nothing diag reads passes quietly
    quiet = analyze([str(repo / "README.txt")], Options(system_now=SYSTEM_NOW, context=(str(repo),)))
    assert quiet.devices == [] and quiet.exit_code() == 0


NAMELESS = ("callhome\n  email-contact noc@example.com\n  destination-profile CiscoTAC-1 transport-method http\n"
            "  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/"
            "DDCEService\n  enable\n")


@pytest.mark.parametrize("spelling", ["configs/leaf.cfg", "./configs/leaf.cfg", "configs//leaf.cfg",
                                      "configs/../configs/leaf.cfg", "{abs}/configs/leaf.cfg"])
def test_a_nameless_device_has_one_identity_whatever_the_path_spelling(tmp_path: Path, spelling):
    """The README's workflow: a baseline written over the folder matches the hook's runs on
    file names, and SARIF fingerprints do not change, however the path is spelled."""
    repo = tmp_path / "repo"
    (repo / "configs").mkdir(parents=True)
    write(repo / "configs" / "leaf.cfg", NAMELESS)  # no hostname: the device is its file
    res = run("check", "--no-config", "--write-baseline", ".diag-baseline.json", ".", cwd=repo)
    assert res.exit_code == 0, res.output
    path = spelling.format(abs=repo)
    res = run("check", "--no-config", "--baseline", ".diag-baseline.json", path, cwd=repo)
    assert res.exit_code == 0, res.output
    whole = json.loads(run("check", "--no-config", "-f", "sarif", ".", cwd=repo).output)
    one = json.loads(run("check", "--no-config", "-f", "sarif", path, cwd=repo).output)

    def prints(log):
        return sorted(v for r in log["runs"][0]["results"] for v in r["partialFingerprints"].values())

    assert prints(one) == prints(whole) and prints(one)
    report = json.loads(run("check", "--no-config", "-f", "json", path, cwd=repo).output)
    assert {d["device"] for d in report["devices"]} == {"configs/leaf.cfg"}


def test_the_report_names_the_configuration_it_read(tmp_path: Path):
    write(tmp_path / ".diag.yaml", "fail-on: error\n")
    res = run("check", str(HIT), cwd=tmp_path)
    assert "note: settings read from .diag.yaml" in res.output
    data = json.loads(run("check", "-f", "json", str(HIT), cwd=tmp_path).output)
    assert data["config"] == ".diag.yaml"
    data = json.loads(run("check", "-f", "json", "--no-config", str(HIT), cwd=tmp_path).output)
    assert data["config"] is None
