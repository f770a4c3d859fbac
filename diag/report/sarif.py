"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run. ``tool.driver.rules`` describes each rule that has a result (its docs,
the fix template, area and confidence); each result points at the finding's
primary line, quotes that line as the region's snippet, lists the other
evidence lines as related locations and carries the fix and the verify
commands in its property bag (a SARIF ``fix`` describes an edit of the
analysed file, which a switch command is not). ``partialFingerprints`` hash
rule, device and evidence text, not line numbers, so an alert survives lines
moving in the capture. Paths are URIs relative to the working directory
(``%SRCROOT%``); input read from standard input has the location ``stdin``.
Nothing in the log depends on the time it was written: the same input gives
the same log.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import quote

from diag.model import Report, shown_path
from diag.policy import baseline_key
from diag.report import Items, backticks, json_chunks
from diag.types import to_json

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/example/diag"  # [project.urls] Homepage of pyproject.toml
SRCROOT = "%SRCROOT%"
FINGERPRINT = "diagFinding/v1"

LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def camel_case(rule_id: str) -> str:
    """``callhome-url-plain-http`` -> ``CallhomeUrlPlainHttp`` (the SARIF rule ``name``)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", rule_id) if part)


def source_root() -> str:
    """What relative paths start from: the repository a GitHub Actions job checked out
    (``GITHUB_WORKSPACE``) when diag runs inside it, so that a run from a subfolder still
    names files as GitHub does; otherwise the working directory."""
    cwd = os.path.abspath(os.getcwd())
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        workspace = os.path.abspath(workspace)
        try:
            if os.path.commonpath([workspace, cwd]) == workspace:
                return workspace
        except ValueError:  # another drive (Windows)
            pass
    return cwd


def relative_path(path: str, cwd: str | None = None) -> str | None:
    """``path`` relative to ``cwd`` (default: ``source_root()``) with forward slashes; None for
    stdin, "" or a path outside it."""
    if not path or path == "-":
        return None
    cwd = os.path.abspath(cwd or source_root())
    full = os.path.abspath(path)
    try:
        rel = os.path.relpath(full, cwd)
    except ValueError:  # another drive (Windows)
        return None
    if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return None
    return rel.replace(os.sep, "/")


def artifact_location(path: str, cwd: str | None = None) -> dict:
    """A schema-valid ``artifactLocation`` for an input path (``-`` is standard input)."""
    if not path or path == "-":
        return {"uri": "stdin", "description": {"text": "<stdin>: standard input (no file)"}}
    rel = relative_path(path, cwd)
    if rel is not None:
        return {"uri": quote(os.fsencode(rel), safe="/"), "uriBaseId": SRCROOT}  # bytes: any file name
    return {"uri": Path(os.path.abspath(path)).as_uri()}


def fingerprint(f) -> str:
    """Stable across commits: rule, device and evidence text; no line numbers."""
    rule_id, device, texts = baseline_key(f)
    data = "\x1f".join((rule_id, device) + texts)
    return hashlib.sha256(data.encode("utf-8", "surrogateescape")).hexdigest()[:32]  # a device named by its file


def _physical(path: str, line: int, end_line: int, texts: list[str], cwd: str | None) -> dict:
    physical: dict = {"artifactLocation": artifact_location(path, cwd)}
    if line and line >= 1:
        physical["region"] = {"startLine": line, "endLine": max(end_line or line, line)}
        if texts:
            physical["region"]["snippet"] = {"text": "\n".join(texts)}
    return physical


def _primary_path(f, devices: dict) -> str:
    if f.path:
        return f.path
    dev = devices.get(f.device)
    return dev.inputs[0] if dev is not None and dev.inputs else "-"


def _help(rule) -> tuple[str, str]:
    docs = rule.docs
    fix = rule.fix.text.rstrip("\n")
    text = [docs.get("what", "").strip(), "", "Why it matters: " + docs.get("why", "").strip()]
    md = [docs.get("what", "").strip(), "", "**Why it matters.** " + docs.get("why", "").strip()]
    if docs.get("confirm"):
        text += ["", "What would confirm it: " + docs["confirm"].strip()]
        md += ["", "**What would confirm it.** " + docs["confirm"].strip()]
    text += ["", "Fix (template; each result carries the commands for its own switch in properties.fix):", fix]
    fence = "`" * max(3, backticks(fix) + 1)
    md += ["", "**Fix** (template; each result carries the commands for its own switch):", "",
           f"{fence}text", fix, fence]
    if rule.references:
        text += ["", "References:"] + [f"- {r}" for r in rule.references]
        md += ["", "**References**", ""] + [f"- {r}" for r in rule.references]
    return "\n".join(text).strip() + "\n", "\n".join(md).strip() + "\n"


def _descriptor(rule) -> dict:
    text, markdown = _help(rule)
    return {
        "id": rule.id,
        "name": camel_case(rule.id),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.docs.get("what", rule.title).strip()},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "tags": sorted({"licensing", rule.area}),
            "precision": rule.confidence,  # high, medium or low: the rule schema allows no other
            "confidence": rule.confidence,
            "area": rule.area,
            "references": list(rule.references),
        },
    }


def _result(f, rule_index: int, devices: dict, cwd: str | None, occurrence: dict) -> dict:
    path = _primary_path(f, devices)
    own = [e.text for e in f.evidence if e.path == f.path and f.line <= e.line <= max(f.end_line, f.line)]
    related = [e for e in f.evidence if not (e.path == f.path and f.line <= e.line <= max(f.end_line, f.line))]
    fp = fingerprint(f)
    occurrence[fp] = occurrence.get(fp, 0) + 1
    result: dict = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": {"text": f"{f.message} (device: {f.device})"},
        "locations": [{"physicalLocation": _physical(path, f.line, f.end_line, own, cwd)}],
    }
    if related:
        result["relatedLocations"] = [
            {"id": i, "physicalLocation": _physical(e.path or path, e.line, e.line, [e.text], cwd),
             "message": {"text": "evidence"}}
            for i, e in enumerate(related, 1)
        ]
    result["partialFingerprints"] = {FINGERPRINT: f"{fp}:{occurrence[fp]}"}
    result["properties"] = {
        "device": f.device,
        "title": f.title,
        "severity": f.severity,
        "confidence": f.confidence,
        "fix": f.fix,
        "verify": [{"command": c, "expect": e} for c, e in f.verify_expect] or [{"command": c} for c in f.verify],
        "references": list(f.references),
        "status": f.status,
    }
    if f.suspected:
        result["properties"].update(confirmWith=list(f.confirm_with), confirmedBy=f.confirmed_by,
                                    ruledOutBy=f.ruled_out_by)
    return result


def _notification(level: str, ident: str, text: str, path: str, cwd: str | None) -> dict:
    return {
        "level": level,
        "descriptor": {"id": ident},
        "message": {"text": text},
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(path, cwd)}}],
    }


def _device(dev) -> dict:
    return {
        "name": dev.name, "platform": dev.platform, "release": str(dev.release) if dev.release else None,
        "licensingMode": dev.mode, "now": to_json(dev.now), "nowSource": dev.now_source,
        "nowDetail": dev.now_detail, "inputs": list(dev.inputs),
        "snapshots": [s.to_json() for s in dev.snapshots], "superseded": [s.to_json() for s in dev.superseded],
    }


def as_dict(report: Report, cwd: str | None = None, show_suppressed: bool = False) -> dict:
    """The SARIF log, its long lists as ``Items``, to write as they come."""
    devices = {d.name: d for d in report.devices}
    findings = list(report.findings)
    suppressed = list(report.suppressed) if show_suppressed else []
    everything = sorted(findings + [s.finding for s in suppressed], key=lambda f: f.sort_key())
    by_id = report.rules.by_id
    rule_ids = sorted({f.rule_id for f in everything})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    rules = [_descriptor(by_id[rule_id]) for rule_id in rule_ids]  # every finding comes from the run's rules

    why_suppressed = {id(s.finding): s for s in suppressed}

    def results():
        occurrence: dict[str, int] = {}
        for f in everything:
            result = _result(f, index[f.rule_id], devices, cwd, occurrence)
            s = why_suppressed.get(id(f))
            if s is not None:
                result["suppressions"] = [{
                    "kind": "inSource", "status": "accepted",
                    "justification": s.by.reason or "no reason given",
                    "location": {"physicalLocation": _physical(s.by.path, s.by.line, s.by.line, [], cwd)},
                }]
            yield result

    notifications = []
    for path, problem in report.unread:
        notifications.append(_notification("error", "unread-input", f"could not read {shown_path(path)}: {problem}", path, cwd))
    for path, reason in report.skipped_files:
        notifications.append(_notification("note", "skipped-file", f"skipped {shown_path(path)}: {reason}", path, cwd))
    for info in report.inputs:
        if info.note:
            notifications.append(_notification("warning", "input-note", f"{shown_path(info.path)}: {info.note}", info.path, cwd))
    invocation: dict = {"executionSuccessful": not report.unread}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    invocation["properties"] = {"now": to_json(report.now), "nowSource": report.now_source,
                                "nowDetail": report.now_detail}

    root = Path(os.path.abspath(cwd or source_root())).as_uri().rstrip("/") + "/"
    run = {
        "tool": {
            "driver": {
                "name": "diag",
                "version": report.version,
                "semanticVersion": report.version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"uri": root, "description": {"text": "where relative paths start: the GitHub Actions workspace, or the directory diag ran in"}}},
        "results": Items(results()),
        "properties": {
            "devices": Items(_device(d) for d in report.devices),
            "summary": report.summary(),
            "notEvaluated": Items(n.to_json() for n in report.outcome.not_evaluated),
            "collectNext": Items(c.to_json() for c in report.outcome.collect_next),
            "sectionsSkipped": sum(report.skipped_sections().values()),
            "suppressed": len(report.suppressed),
            "baselined": len(report.baselined),
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": Items([run])}


def chunks(report: Report, pretty: bool = True, **kw):
    """Indented for a person, compact for a program (as ``-f json``); the content is the same."""
    data = as_dict(report, cwd=kw.get("cwd"), show_suppressed=bool(kw.get("show_suppressed")))
    yield from json_chunks(data, pretty)
    yield "\n"
