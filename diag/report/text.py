"""``--format text``: for a person at a terminal or pasting into a ticket.

Grouped by device, then severity. Each finding shows the rule id, what is
wrong, the evidence line with its path and number, the fix and how to confirm
it. The report ends with a checklist of what to collect next.
"""

from __future__ import annotations

import textwrap

from diag.model import Report, shown_path
from diag.report import lines, plural, tally
from diag.types import format_value

WIDTH = 100

ORDER = {"error": 0, "warning": 1, "info": 2}
MODE_NAMES = {"classic": "classic Smart Licensing", "slp": "Smart Licensing Using Policy",
              "traditional": "traditional licensing", "unknown": "licensing mode unknown"}


def _device_header(dev, report: Report | None = None) -> str:
    parts = [dev.platform] if dev.platform else []
    parts += [f"NX-OS {dev.release}" if dev.release else "release unknown", MODE_NAMES.get(dev.mode, dev.mode)]
    if dev.now is not None:
        judged = f"judged at {format_value(dev.now)}"
        detail = getattr(dev, "now_detail", "")
        if report is not None and detail and (dev.now, dev.now_source, detail) != (
                report.now, report.now_source, report.now_detail):
            judged += f" ({dev.now_source}: {detail})"  # not the clock the report's header names
        parts.append(judged)
    return f"{dev.name}  ({', '.join(parts)})  [{', '.join(map(shown_path, dev.inputs))}]"


def history_lines(dev) -> list[str]:
    """The device's snapshots (captures at other times) and the outputs read as history."""
    out = []
    snaps = getattr(dev, "snapshots", None) or []
    if snaps:
        said = "; ".join(f"{_day(s.when)}: {', '.join(s.state)}{' (judged)' if s.current else ''}" for s in snaps)
        out.extend(textwrap.wrap(f"history: {said}", WIDTH, initial_indent="  ", subsequent_indent="    ",
                                 break_long_words=False, break_on_hyphens=False))
        undated = [p for s in snaps for p in s.undated]
        if undated:
            out.extend(textwrap.wrap(f"no clock in {', '.join(undated)}: read with the newest capture", WIDTH,
                                     initial_indent="  ", subsequent_indent="    ", break_long_words=False))
    for sup in getattr(dev, "superseded", None) or []:
        out.extend(textwrap.wrap(f"read as history: {sup.command} ({sup.path}:{sup.line}), shown again at "
                                 f"{sup.by_path}:{sup.by_line}", WIDTH, initial_indent="  ",
                                 subsequent_indent="    ", break_long_words=False, break_on_hyphens=False))
    return out


def _day(when) -> str:
    return when.strftime("%b %d %Y") if when is not None else "no clock"


def _block(text: str, indent: str) -> list[str]:
    return [f"{indent}{line}" if line.strip() else indent.rstrip() for line in text.splitlines()]


def chunks(report: Report, **kw):
    out: list[str] = []
    devices = {d.name: d for d in report.devices}
    by_device: dict[str, list] = {name: [] for name in devices}
    for f in report.findings:
        by_device.setdefault(f.device, []).append(f)
    now_line = f"now: {format_value(report.now)} ({report.now_source}: {report.now_detail})"
    out.append(f"diag {report.version} · {plural(len(devices), 'device')} · {now_line}")
    for name, findings in by_device.items():
        yield lines(out)
        dev = devices.get(name)
        out.append("")
        out.append(_device_header(dev, report) if dev else name)
        if dev:
            out.extend(history_lines(dev))
        if not findings:
            out.append("  no problems found in what was captured")
        for f in sorted(findings, key=lambda f: (ORDER[f.severity], f.path, f.line, f.rule_id)):
            out.append("")
            out.append(f"  {f.severity.upper():<7} {f.rule_id}  {f.title}  [confidence: {f.confidence}]")
            out.extend(textwrap.wrap(f.message, WIDTH, initial_indent="    ", subsequent_indent="    ",
                                     break_long_words=False, break_on_hyphens=False))
            for ev in f.evidence:
                out.append(f"    {shown_path(ev.path)}:{ev.line}:  {ev.text}")
            out.append("    fix:")
            out.extend(_block(f.fix, "      "))
            if f.verify_expect:
                out.append("    verify:")
                for command, expect in f.verify_expect:
                    out.append(f"      {command}")
                    if expect:
                        out.extend(textwrap.wrap(f"expect: {expect}", WIDTH - 8, initial_indent="        ",
                                                 subsequent_indent="          ", break_long_words=False,
                                                 break_on_hyphens=False))
    if report.outcome.collect_next and report.context_mode:
        # a configuration repository cannot run show commands: one line, not a checklist
        open_rules = len({(n.device, n.rule_id) for n in report.outcome.not_evaluated})
        out.append("")
        out.append(f"{open_rules} rule(s) need the switches' runtime output (show license status, ...): "
                   "run diag check on a session capture to settle them.")
    elif report.outcome.collect_next:
        out.append("")
        out.append("Collect next (most useful first):")
        for c in report.outcome.collect_next:
            settles = ", ".join(c.settles[:6]) + (f" (+{len(c.settles) - 6} more)" if len(c.settles) > 6 else "")
            out.append(f"  [ ] {c.device}: {c.command}")
            out.append(f"        settles {settles}")
    reasons = dict.fromkeys(n.reason for n in report.outcome.not_evaluated if n.reason)
    for reason in reasons:  # what keeps rules open that a capture of more commands would not settle
        out.extend(textwrap.wrap(f"note: {reason}", WIDTH, subsequent_indent="  ", break_long_words=False,
                                 break_on_hyphens=False))
    if report.unread or report.skipped_files:
        out.append("")
        for path, problem in report.unread:
            out.append(f"could not read {shown_path(path)}: {problem}")
        for path, reason in report.skipped_files:
            out.append(f"skipped {shown_path(path)}: {reason}")
    for info in report.inputs:
        if info.note:
            out.append(f"note: {shown_path(info.path)}: {info.note}")
        if info.reshaped:
            out.append(f"note: {shown_path(info.path)}: read as pasted {info.reshaped} (removed from every line; "
                       "line numbers are the file's)")
        if not info.sections:
            out.append(f"note: {shown_path(info.path)}: nothing recognised in its {info.lines} line(s) (no Smart Licensing "
                       "or Call Home output)")
    if report.suppressed and kw.get("show_suppressed"):
        out.append("")
        out.append("Suppressed by inline comments:")
        for s in report.suppressed:
            f = s.finding
            reason = s.by.reason or "no reason given"
            out.append(f"  {f.rule_id} at {shown_path(f.path)}:{f.line} ({f.device}) by {shown_path(s.by.path)}:{s.by.line}: {reason}")
    skipped = sum(report.skipped_sections().values())
    used = sum(i.sections for i in report.inputs)
    out.append("")
    out.append(
        f"Summary: {tally(report)} · {plural(len(report.outcome.not_evaluated), 'rule')} not evaluated"
        f" · {used} command outputs read, {skipped} skipped"
        + (f" · {len(report.suppressed)} suppressed" if report.suppressed else "")
        + (f" · {len(report.baselined)} in the baseline" if report.baselined else "")
    )
    yield lines(out)
