"""The SARIF, GitHub annotation and Markdown reporters.

SARIF logs are validated against the official SARIF 2.1.0 JSON Schema kept in
tests/data (see its SOURCE note); annotations are checked line by line with a
pattern and the escaping GitHub requires; the Markdown case note by structure
(headings, tables, fences) and content (every finding's rule id, path:line, fix).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES, SYSTEM_NOW, validate_report
from diag.api import Options, analyze
from diag.cli import cli
from diag.report import FORMATS, render
from diag.report import github, markdown, sarif

DATA = ROOT / "tests" / "data"
HIT = DATA / "plain_http_session.txt"
SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and not p.name.startswith("."))
URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")


@pytest.fixture(autouse=True)
def _in_root(monkeypatch):
    """Reporters write paths relative to the working directory: run from the repository root."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


def report_for(rulebook, *paths, **options):
    return analyze([str(p) for p in paths], Options(system_now=SYSTEM_NOW, **options), rules=rulebook)


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def validate(log: dict) -> None:
    errors = sorted(VALIDATOR.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def all_uris(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "uri":
                yield value
            else:
                yield from all_uris(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_uris(value)


def test_cli_offers_every_format():
    res = CliRunner().invoke(cli, ["check", "--help"])
    for fmt in ("text", "json", "sarif", "github", "markdown"):
        assert fmt in FORMATS
        assert fmt in res.output


# -- SARIF -----------------------------------------------------------------------------

def test_the_schema_copy_is_the_oasis_one():
    assert SCHEMA["id"] == sarif.SCHEMA_URI
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_sarif_is_schema_valid_for_every_sample(sample, rulebook):
    report = report_for(rulebook, rel(sample))
    log = json.loads(render(report, "sarif"))
    validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == len(report.findings)
    for uri in all_uris(log):
        assert URI_CHARS.match(uri), uri


def test_sarif_whole_samples_folder_is_valid_and_complete(rulebook):
    report = report_for(rulebook, "samples")
    log = json.loads(render(report, "sarif"))
    validate(log)
    assert log["$schema"] == sarif.SCHEMA_URI
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "diag"
    assert driver["version"] == driver["semanticVersion"] == report.version
    assert driver["informationUri"].startswith("https://")

    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted({f.rule_id for f in report.findings})  # one per rule used, no more
    for descriptor in rules:
        rule = report.rules.by_id[descriptor["id"]]
        assert descriptor["name"] == sarif.camel_case(rule.id)
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", descriptor["name"])
        assert descriptor["shortDescription"]["text"] == rule.title
        assert descriptor["fullDescription"]["text"] == rule.docs["what"].strip()
        assert rule.docs["why"].strip() in descriptor["help"]["text"]
        assert rule.fix.text.strip() in descriptor["help"]["text"]
        assert rule.fix.text.strip() in descriptor["help"]["markdown"]
        assert descriptor["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning",
                                                               "info": "note"}[rule.severity]
        props = descriptor["properties"]
        assert set(props["tags"]) == {"licensing", rule.area}
        assert props["precision"] == rule.confidence
        assert props["confidence"] == rule.confidence

    assert len(run["results"]) == len(report.findings)
    for f, result in zip(report.findings, run["results"]):
        assert result["ruleId"] == f.rule_id
        assert rules[result["ruleIndex"]]["id"] == f.rule_id
        assert result["level"] == {"error": "error", "warning": "warning", "info": "note"}[f.severity]
        assert f.message in result["message"]["text"] and f.device in result["message"]["text"]
        [location] = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": f.path, "uriBaseId": "%SRCROOT%"}
        region = physical["region"]
        assert (region["startLine"], region["endLine"]) == (f.line, f.end_line)
        own = [e.text for e in f.evidence if e.path == f.path and f.line <= e.line <= f.end_line]
        if own:
            assert region["snippet"]["text"] == "\n".join(own)
        related = {(r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"])
                   for r in result.get("relatedLocations", [])}
        for e in f.evidence:
            assert (e.path, e.line) in related or (e.path == f.path and f.line <= e.line <= f.end_line)
        assert re.fullmatch(r"[0-9a-f]{32}:\d+", result["partialFingerprints"]["diagFinding/v1"])
        props = result["properties"]
        assert props["device"] == f.device and props["confidence"] == f.confidence
        assert props["fix"] == f.fix
        assert [v["command"] for v in props["verify"]] == list(f.verify)
        assert "fixes" not in result  # a SARIF fix edits the analysed file: a switch command is not one
    prints = [r["partialFingerprints"]["diagFinding/v1"] for r in run["results"]]
    assert len(set(prints)) == len(prints)

    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is True
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"
    assert run["properties"]["summary"] == report.summary()


def test_sarif_fingerprints_ignore_line_numbers(rulebook, tmp_path):
    shifted = tmp_path / "shifted.txt"
    shifted.write_text("\n\n\n" + HIT.read_text(encoding="utf-8"), encoding="utf-8")
    logs = [json.loads(render(report_for(rulebook, p), "sarif", cwd=str(tmp_path))) for p in (HIT, shifted)]
    before, after = ({r["ruleId"]: r for r in log["runs"][0]["results"]} for log in logs)
    assert before.keys() == after.keys() and before
    for rule_id in before:
        a, b = before[rule_id], after[rule_id]
        assert a["partialFingerprints"] == b["partialFingerprints"]
        assert b["locations"][0]["physicalLocation"]["region"]["startLine"] == \
            a["locations"][0]["physicalLocation"]["region"]["startLine"] + 3


def test_sarif_is_deterministic(rulebook):
    one = render(report_for(rulebook, "samples"), "sarif")
    two = render(report_for(rulebook, "samples"), "sarif")
    assert one == two


def test_sarif_stdin_gets_a_valid_location(rulebook):
    res = CliRunner().invoke(cli, ["check", "-f", "sarif", "-"], input=HIT.read_bytes(), catch_exceptions=False)
    assert res.exit_code == 1
    log = json.loads(res.output)
    validate(log)
    for result in log["runs"][0]["results"]:
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact["uri"] == "stdin" and "uriBaseId" not in artifact
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_sarif_paths_absolute_inside_and_outside_the_working_directory(rulebook, tmp_path):
    outside = tmp_path / "dir with space" / "cap.txt"
    outside.parent.mkdir()
    outside.write_bytes(HIT.read_bytes())
    report = report_for(rulebook, HIT.resolve(), outside)
    log = json.loads(render(report, "sarif", cwd=str(ROOT)))
    validate(log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    uris |= {r["physicalLocation"]["artifactLocation"]["uri"] for res in log["runs"][0]["results"]
             for r in res.get("relatedLocations", [])}
    for uri in uris:
        assert URI_CHARS.match(uri), uri
        assert "\\" not in uri
    inside = [u for u in uris if not u.startswith("file:")]
    assert all(u == "tests/data/plain_http_session.txt" for u in inside)
    for uri in uris - set(inside):  # outside the working directory: an absolute file URI
        assert urlsplit(uri).scheme == "file" and unquote(urlsplit(uri).path) == str(outside)


def test_sarif_reports_unread_inputs_as_notifications(rulebook, tmp_path):
    missing = tmp_path / "missing.txt"
    report = report_for(rulebook, HIT, missing)
    log = json.loads(render(report, "sarif"))
    validate(log)
    [invocation] = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and str(missing) in note["message"]["text"]


def test_sarif_shows_suppressed_findings_only_on_request(rulebook, tmp_path):
    text = HIT.read_text(encoding="utf-8").replace(
        "  destination-profile CiscoTAC-1 index 1 http http://",
        "  ! diag: ignore callhome-url-plain-http -- lab switch, replaced next week\n"
        "  destination-profile CiscoTAC-1 index 1 http http://")
    capture = tmp_path / "suppressed.txt"
    capture.write_text(text, encoding="utf-8")
    report = report_for(rulebook, capture)
    assert report.suppressed
    plain = json.loads(render(report, "sarif", cwd=str(tmp_path)))
    assert "callhome-url-plain-http" not in {r["ruleId"] for r in plain["runs"][0]["results"]}
    shown = json.loads(render(report, "sarif", cwd=str(tmp_path), show_suppressed=True))
    validate(shown)
    [result] = [r for r in shown["runs"][0]["results"] if r["ruleId"] == "callhome-url-plain-http"]
    [suppression] = result["suppressions"]
    assert suppression["kind"] == "inSource" and "lab switch" in suppression["justification"]


def test_camel_case():
    assert sarif.camel_case("callhome-url-plain-http") == "CallhomeUrlPlainHttp"
    assert sarif.camel_case("quovadis-root-ca-fn72115") == "QuovadisRootCaFn72115"


# -- GitHub annotations ----------------------------------------------------------------

ANNOTATION = re.compile(
    r"^::(?P<cmd>error|warning|notice) "
    r"(?:file=(?P<file>[^,:\r\n]+),line=(?P<line>\d+),endLine=(?P<end>\d+),)?"
    r"title=(?P<title>[a-z0-9][a-z0-9-]*)::(?P<data>[^\r\n]+)$")


def unescape_data(text: str) -> str:
    return text.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


def unescape_property(text: str) -> str:
    return unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def test_github_every_line_is_an_annotation_then_a_summary(rulebook):
    report = report_for(rulebook, "samples")
    lines = render(report, "github").splitlines()
    *commands, summary = lines
    assert len(commands) == len(report.findings)
    for f, line in zip(report.findings, commands):
        m = ANNOTATION.match(line)
        assert m, line
        assert m["cmd"] == {"error": "error", "warning": "warning", "info": "notice"}[f.severity]
        assert m["file"] == f.path
        assert (int(m["line"]), int(m["end"])) == (f.line, f.end_line)
        assert m["title"] == f.rule_id
        data = unescape_data(m["data"])
        assert f.message in data and f.device in data and f.fix in data
    assert not summary.startswith("::")
    counts = report.summary()
    assert f"{counts['error']} errors" in summary and f"{counts['warning']} warnings" in summary


def test_github_and_sarif_paths_start_at_the_actions_workspace(rulebook, monkeypatch):
    # a job that runs diag from a subfolder of the checked-out repository: GitHub resolves
    # annotation files and SARIF URIs from the repository root, GITHUB_WORKSPACE
    monkeypatch.setenv("GITHUB_WORKSPACE", str(ROOT))
    monkeypatch.chdir(ROOT / "tests")
    report = report_for(rulebook, Path("data") / HIT.name)
    m = ANNOTATION.match(render(report, "github").splitlines()[0])
    assert m and m["file"] == "tests/data/plain_http_session.txt"
    log = json.loads(render(report, "sarif"))
    validate(log)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "tests/data/plain_http_session.txt"
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"
    # outside a workspace (or run from elsewhere): relative to the working directory
    monkeypatch.setenv("GITHUB_WORKSPACE", str(ROOT / "samples"))
    m = ANNOTATION.match(render(report, "github").splitlines()[0])
    assert m and m["file"] == "data/plain_http_session.txt"


def test_github_stdin_has_no_file(rulebook):
    res = CliRunner().invoke(cli, ["check", "-f", "github"], input=HIT.read_bytes(), catch_exceptions=False)
    *commands, summary = res.output.splitlines()
    assert commands
    for line in commands:
        m = ANNOTATION.match(line)
        assert m and m["file"] is None and "line=" not in line.split("::")[1]


def test_github_escaping():
    assert github.escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert github.escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    line = github.command("error", {"file": "dir,x/a:b%.txt", "line": 3, "title": "x"}, "50%\nA::B, c")
    assert line == "::error file=dir%2Cx/a%3Ab%25.txt,line=3,title=x::50%25%0AA::B, c"
    props, _, data = line[len("::error "):].partition("::")
    assert unescape_property(props.split(",")[0].partition("=")[2]) == "dir,x/a:b%.txt"
    assert unescape_data(data) == "50%\nA::B, c"


def test_github_escapes_hostile_findings(rulebook, tmp_path):
    report = report_for(rulebook, HIT)
    hostile = dataclasses.replace(report.findings[0], path="odd, dir/a:b%.txt",
                                  message="line1\r\nline2 100% ::error::nope", fix="a\nb")
    report.outcome.findings = [hostile]
    out = render(report, "github", cwd=str(tmp_path))
    first, summary = out.splitlines()
    m = ANNOTATION.match(first)
    assert m, first
    assert unescape_property(m["file"]) == "odd, dir/a:b%.txt"
    assert "line1\r\nline2 100% ::error::nope" in unescape_data(m["data"])
    assert not summary.startswith("::")


# -- Markdown case note ----------------------------------------------------------------

FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")


def blocks(text: str) -> tuple[list[str], list[list[str]]]:
    """The lines outside code blocks, and each code block's lines; asserts every fence closes."""
    outside: list[str] = []
    inside: list[list[str]] = []
    fence = None
    for line in text.splitlines():
        m = FENCE.match(line)
        if fence is None:
            if m:
                fence = m.group(1)
                inside.append([])
            else:
                outside.append(line)
        elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip():
            fence = None
        else:
            inside[-1].append(line)
    assert fence is None, "a code fence is left open"
    return outside, inside


def cells(row: str) -> list[str]:
    assert row.startswith("|") and row.endswith("|"), row
    return [c.strip() for c in re.split(r"(?<!\\)\|", row[1:-1])]


def tables(lines: list[str]) -> list[list[list[str]]]:
    out, current = [], []
    for line in lines + [""]:
        if line.startswith("|"):
            current.append(cells(line))
        elif current:
            out.append(current)
            current = []
    for t in out:
        assert all(len(row) == len(t[0]) for row in t), t
        assert all(re.fullmatch(r":?-{3,}:?", c) for c in t[1]), t[1]
    return out


def test_markdown_structure_and_content(rulebook):
    report = report_for(rulebook, "samples")
    text = render(report, "markdown")
    outside, code_blocks = blocks(text)
    headings = [line for line in outside if line.startswith("#")]
    assert headings[0].startswith("# ") and sum(1 for h in headings if h.startswith("# ")) == 1
    for name in ("## Devices", "## Collect next", "## Not read"):
        assert name in headings
    for dev in report.devices:
        assert f"## Device {markdown.escape(dev.name)}" in headings

    found = tables(outside)
    overview = found[0]
    assert overview[0] == ["Device", "Platform", "Release", "Licensing mode", "Errors", "Warnings", "Info"]
    assert len(overview) == 2 + len(report.devices)
    per_device = [t for t in found[1:] if t[0] == ["Field", "Value"]]
    assert len(per_device) == len(report.devices)
    for dev, t in zip(report.devices, per_device):
        fields = {row[0]: row[1] for row in t[2:]}
        for key in ("Device", "Platform", "Release", "Licensing mode", "Clock used"):
            assert key in fields
        if dev.mode == "classic":
            for key in ("Registration status", "Authorization status", "Next renewal attempt",
                        "Registration expires", "Communication deadline"):
                assert key in fields, (dev.name, key)
        if dev.mode == "slp":
            for key in ("Transport", "Last ACK received", "Next ACK deadline"):
                assert key in fields, (dev.name, key)

    code_text = ["\n".join(b) for b in code_blocks]
    for f in report.findings:
        assert f"`{f.rule_id}`" in text
        for e in f.evidence:
            assert any(f"{e.path}:{e.line}:  {e.text}" in b for b in code_text)
        assert any(f.fix in b for b in code_text), f.rule_id
        for command in f.verify:
            assert markdown.code(command) in text
    severity_headings = [h for h in headings if h.startswith("### ")]
    assert {h.split(" (")[0] for h in severity_headings} <= {"### Errors", "### Warnings", "### Info"}
    for c in report.outcome.collect_next:
        assert f"- [ ] {markdown.code(c.command)} ({markdown.escape(c.device)}): settles" in text


def test_markdown_classic_dates_against_the_capture_clock(rulebook):
    report = report_for(rulebook, rel(SAMPLES / "healthy-registered-9.3.txt"))
    text = render(report, "markdown")
    assert "| Communication deadline | 2022-09-20 16:12 UTC (in 89 days) |" in text
    assert "| Registration expires | 2023-06-22 16:13 UTC (in 364 days) |" in text
    assert "| Clock used | Jun 22 2022 16:18 UTC (capture: show clock (samples/healthy-registered-9.3.txt:31)) |" in text
    assert "| Last communication attempt | SUCCEEDED on 2022-06-22 16:15 UTC (today) |" in text
    assert "| Registration status | REGISTERED |" in text


def test_markdown_slp_state(rulebook):
    report = report_for(rulebook, SAMPLES / "slp-10.2-reporting-broken.txt")
    text = render(report, "markdown")
    assert "| Transport | Transport Off |" in text
    assert "| Last ACK received | \\<none\\> |" in text
    assert "| Next ACK deadline | 2024-09-28 09:14 UTC (in 11 days) |" in text


def test_markdown_escapes_table_cells_and_fences(rulebook):
    report = report_for(rulebook, HIT)
    dev = report.devices[0]
    dev.platform = "N9K|C93180 *lab* <x>"
    nasty = dataclasses.replace(report.findings[0], fix="```\nstill inside\n````", message="a | b <none> *c*")
    report.outcome.findings = [nasty]
    text = render(report, "markdown")
    outside, code_blocks = blocks(text)
    tables(outside)  # every row keeps its column count
    assert "N9K\\|C93180 \\*lab\\* \\<x\\>" in text
    assert any(b == ["```", "still inside", "````"] for b in code_blocks)
    assert "a \\| b \\<none\\> \\*c\\*" in text


def test_markdown_not_read_section(rulebook, tmp_path):
    missing = tmp_path / "gone.txt"
    report = report_for(rulebook, SAMPLES / "showtech-leaf07-dc2.txt.gz", missing)
    text = render(report, "markdown")
    tail = text.split("## Not read", 1)[1]
    assert f"could not read `{missing}`" in tail
    skipped = sum(report.skipped_sections().values())
    assert skipped > 100 and f"{skipped} command outputs skipped" in tail


def test_markdown_is_deterministic(rulebook):
    assert render(report_for(rulebook, "samples"), "markdown") == render(report_for(rulebook, "samples"), "markdown")


def test_markdown_escape_helpers():
    assert markdown.escape("# not a heading") == "\\# not a heading"
    assert markdown.escape("1. not a list") == "1\\. not a list"
    assert markdown.escape("version 0.2.0") == "version 0.2.0"
    assert markdown.escape("LAN_ENTERPRISE_PKG _x_") == "LAN_ENTERPRISE_PKG \\_x\\_"
    assert markdown.code("a `b` c") == "``a `b` c``"
    assert markdown.fenced("x\n```") == ["````text", "x", "```", "````"]


# -- through the command line ----------------------------------------------------------

@pytest.mark.parametrize("fmt", ["sarif", "github", "markdown"])
def test_cli_formats_exit_codes_and_determinism(fmt):
    runner = CliRunner()
    args = ["check", "-f", fmt, "--now", "2023-05-16T10:15:02Z", str(HIT.relative_to(ROOT))]
    first = runner.invoke(cli, args, catch_exceptions=False)
    second = runner.invoke(cli, args, catch_exceptions=False)
    assert first.exit_code == 1  # the same exit code as every other format
    assert first.output == second.output
    assert "2031" not in first.output  # no trace of today's date
    if fmt == "sarif":
        validate(json.loads(first.output))


def test_every_format_renders_an_empty_report(rulebook):
    report = report_for(rulebook, SAMPLES / "healthy-registered-9.3.txt")
    report.outcome.findings = []
    for fmt in FORMATS:
        out = render(report, fmt)
        assert out.endswith("\n")
    validate(json.loads(render(report, "sarif")))
    assert render(report, "github").count("\n") == 1
    assert "No problems found" in render(report, "markdown")


def test_relative_path_helper(tmp_path):
    assert sarif.relative_path("-") is None
    assert sarif.relative_path(str(tmp_path / "a" / "b.txt"), str(tmp_path)) == "a/b.txt"
    assert sarif.relative_path(str(tmp_path.parent / "x.txt"), str(tmp_path)) is None
    assert sarif.relative_path(os.path.join("samples", "x.txt")) == "samples/x.txt"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_file_name_that_is_not_utf8_leaves_every_format_valid_utf8(tmp_path, fmt):
    # a capture saved under a Latin-1 name (b"\xe9" is not UTF-8): the name reaches the
    # report as surrogate escapes, which must not be written as the invalid bytes
    import subprocess
    import sys

    folder = os.fsencode(tmp_path)
    name = folder + b"/leaf-caf\xe9.txt"
    with open(name, "wb") as fh:
        fh.write(HIT.read_bytes())
    res = subprocess.run([sys.executable, "-m", "diag", "check", "-f", fmt, os.fsdecode(folder)],
                         capture_output=True, timeout=120, cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    text = res.stdout.decode("utf-8")  # raises on invalid UTF-8
    assert "leaf-caf\ufffd.txt" in text or "leaf-caf%EF%BF%BD.txt" in text, text[:500]
    if fmt in ("json", "sarif"):
        json.loads(text)
    if fmt == "json":
        validate_report(text)
    if fmt == "sarif":
        validate(json.loads(text))
