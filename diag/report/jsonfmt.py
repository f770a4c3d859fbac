"""``--format json``: the diag-report/1 contract (DESIGN.md section 2), extended, never changed."""

from __future__ import annotations

from diag.model import Report
from diag.report import Items, json_chunks
from diag.types import to_json

SCHEMA = "diag-report/1"


def device_json(dev) -> dict:
    return {
        "device": dev.name,
        "inputs": list(dev.inputs),
        "platform": dev.platform,
        "release": str(dev.release) if dev.release else None,
        "licensing_mode": dev.mode,
        "commands": dev.commands,
        "now": to_json(dev.now),
        "now_source": dev.now_source,
    }


def as_dict(report: Report) -> dict:
    """The report as JSON data, its long lists as ``Items``, to write as they come."""
    return {
        "schema": SCHEMA,
        "tool": {"name": "diag", "version": report.version},
        "now": to_json(report.now),
        "now_source": report.now_source,
        "now_detail": report.now_detail,
        # each device's dated licensing events (diag.timeline), judged at the device's time
        "devices": Items({**device_json(d), "events": [e.to_json(d.now) for e in d.events]}
                         for d in report.devices),
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
