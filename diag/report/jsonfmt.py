"""``--format json``: the diag-report/1 contract (DESIGN.md section 2), extended, never changed.

Its shape is published as a JSON Schema shipped in the package: ``diag/schema/report.schema.json``
(``SCHEMA_FILE``); the tests validate every JSON report they produce against it."""

from __future__ import annotations

from diag.model import Report
from diag.report import Items, json_chunks
from diag.types import to_json

SCHEMA = "diag-report/1"
SCHEMA_FILE = "report.schema.json"  # in diag/schema/


def schema() -> dict:
    """The JSON Schema of a report (``diag/schema/report.schema.json``)."""
    import json
    from importlib import resources

    return json.loads(resources.files("diag.schema").joinpath(SCHEMA_FILE).read_text("utf-8"))


def device_json(dev, diagnosis=None) -> dict:
    out = {
        "device": dev.name,
        "inputs": list(dev.inputs),
        "platform": dev.platform,
        "release": str(dev.release) if dev.release else None,
        "licensing_mode": dev.mode,
        "commands": dev.commands,
        "now": to_json(dev.now),
        "now_source": dev.now_source,
        "now_detail": dev.now_detail,
        "snapshots": [s.to_json() for s in dev.snapshots],
        "superseded": [s.to_json() for s in dev.superseded],
    }
    if diagnosis is not None:  # right after the device's name: a reader sees it first
        out = {"device": out.pop("device"), "diagnosis": diagnosis.to_json(), **out}
    return out


def _devices(report: Report):
    diagnoses = report.diagnoses if len(report.diagnoses) == len(report.devices) else [None] * len(report.devices)
    return ({**device_json(d, g), "events": [e.to_json(d.now) for e in d.events]}
            for d, g in zip(report.devices, diagnoses))


def as_dict(report: Report) -> dict:
    """The report as JSON data, its long lists as ``Items``, to write as they come."""
    return {
        "schema": SCHEMA,
        "tool": {"name": "diag", "version": report.version},
        "now": to_json(report.now),
        "now_source": report.now_source,
        "now_detail": report.now_detail,
        "config": report.config_file,  # the .diag.yaml / pyproject.toml read, or null
        # each device's dated licensing events (diag.timeline), judged at the device's time
        "devices": Items(_devices(report)),
        "findings": Items(f.to_json() for f in report.findings),
        "not_evaluated": Items(n.to_json() for n in report.outcome.not_evaluated),
        "collect_next": Items(c.to_json() for c in report.outcome.collect_next),
        "summary": report.summary(),
        "inputs": [i.to_json() for i in report.inputs],
        "sections_skipped": dict(sorted(report.skipped_sections().items())),
        "unread": [{"path": p, "problem": m} for p, m in report.unread],
        "skipped_files": [{"path": p, "reason": m} for p, m in report.skipped_files],
        "suppressed": [s.to_json() for s in report.suppressed],
        "baselined": len(report.baselined),
    }


def chunks(report: Report, pretty: bool = True, **_):
    """Indented for a person; compact (and several times faster to write) for a program."""
    yield from json_chunks(as_dict(report), pretty)
    yield "\n"
