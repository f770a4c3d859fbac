"""``--format text``: for a person at a terminal or pasting into a ticket.

Grouped by device. Each device opens with its diagnosis (diag.diagnosis): one line per
finding, root causes first with the symptoms they explain nested under them, the fix to
do first and, when a failure symptom is there, every candidate cause with where it
stands. Then the findings by severity, each with the rule id, what is wrong, the
evidence line with its path and number, the fix and how to confirm it. The report ends
with a checklist of what to collect next (lines capped: '(+N more)'). ``brief``: one line
per finding, ``path:line: severity rule-id title``.
"""

from __future__ import annotations

import re
import textwrap

from diag.model import Report, shown_path
from diag.report import lines, plural, tally
from diag.types import format_value

WIDTH = 100
# A collect-next line ends after this many characters, its rule ids cut with '(+N more)' (they
# ran to 180 characters): wide enough for the README's example line (125); 100 once the
# README example is regenerated.
COLLECT_WIDTH = 100

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
                                     initial_indent="  ", subsequent_indent="    ", break_long_words=False,
                                     break_on_hyphens=False))  # a path is never cut at a hyphen
    for sup in getattr(dev, "superseded", None) or []:
        out.extend(textwrap.wrap(f"read as history: {sup.command} ({sup.path}:{sup.line}), shown again at "
                                 f"{sup.by_path}:{sup.by_line}", WIDTH, initial_indent="  ",
                                 subsequent_indent="    ", break_long_words=False, break_on_hyphens=False))
    return out


def _day(when) -> str:
    return when.strftime("%b %d %Y") if when is not None else "no clock"


def _block(text: str, indent: str) -> list[str]:
    return [f"{indent}{line}" if line.strip() else indent.rstrip() for line in text.splitlines()]


def capped(ids, room: int) -> str:
    """Rule ids joined with ', ' in at most ``room`` characters: those that fit, then '(+N more)'."""
    ids = list(ids)
    out: list[str] = []
    for i, rid in enumerate(ids):
        rest = len(ids) - i - 1
        tail = f" (+{rest} more)" if rest else ""
        if out and len(", ".join([*out, rid])) + len(tail) > room:
            break
        out.append(rid)
    more = len(ids) - len(out)
    return ", ".join(out) + (f" (+{more} more)" if more else "")


def _repository_lines(report: Report) -> list[str]:
    """``<file>: N rule(s) not evaluated: <why>``, one line per file of the devices reported:
    the reason diag gave (a configuration cut short, one without a header), else that the
    rules need the switches' runtime output, which a repository does not hold."""
    by_device: dict[str, list] = {}
    for n in report.outcome.not_evaluated:
        by_device.setdefault(n.key or n.device, []).append(n)
    out = []
    for dev in report.devices:
        opened = by_device.get(dev.key) or by_device.get(dev.name)
        if not opened:
            continue
        # a reason names its file and line first ('x.cfg (line 1) holds ...'): the line says
        # the file already; up to its first ';' (what to do follows)
        reasons = list(dict.fromkeys(re.sub(r"^.*? \(line (\d+)\) ", r"line \1 ", n.reason, count=1).split(";")[0]
                                     for n in opened if n.reason))
        why = reasons[0] if reasons else ("they need the switch's runtime output (show license status, ...), "
                                          "which a repository does not hold")
        where = shown_path(dev.inputs[0]) if dev.inputs else dev.name
        out.append(f"{where}: {len({n.rule_id for n in opened})} rule(s) not evaluated: {why}")
    return out


def brief_line(f) -> str:
    """``path:line: severity rule-id title``: one line per finding (``--brief``)."""
    where = f"{shown_path(f.path)}:{f.line}" if f.path else f.device
    mark = " (suspected)" if f.suspected else ""
    return f"{where}: {f.severity} {f.rule_id} {f.title}{mark}"


def _where(f) -> str:
    return f"{shown_path(f.path)}:{f.line}" if f.path else ""


CANDIDATE_WORDS = {"confirmed": "confirmed", "suspected": "suspected", "ruled_out": "ruled out",
                   "unchecked": "unchecked"}


def diagnosis_lines(g, dev=None) -> list[str]:
    """The diagnosis of a device: its headline, every finding once (root causes with their
    symptoms nested under them, then the findings that stand on their own), the fix to do
    first, and the differential when a failure symptom is there."""
    from diag.diagnosis import fix_summary

    single = dev.inputs[0] if dev is not None and len(dev.inputs) == 1 else None

    def at(path: str, line: int) -> str:
        return "" if not path else f"line {line}" if path == single else f"{path}:{line}"

    out = [f"  Diagnosis: {g.headline()}"]
    for depth, f, role, also in g.lines():
        indent = "    " + "  " * depth
        tag = {"cause": "cause", "symptom": "symptom", "finding": ""}[role]
        notes = ", ".join(x for x in (tag if role != "symptom" else "", "suspected" if f.suspected else "",
                                      f"{f.confidence} confidence" if role == "cause" else "") if x)
        out.append(f"{indent}{f.severity.upper():<7} {f.rule_id}  {at(f.path, f.line)}  {f.title}"
                   + (f"  [{notes}]" if notes else ""))
        if also:
            out.append(f"{indent}  also explains {capped(also, WIDTH - len(indent) - 16)}")
    if g.fix_first:
        out.append(f"  Fix first ({g.fix_first['rule_id']}): {fix_summary(g.fix_first)}")
    if g.open_symptoms:
        out.append(f"  Candidate causes of {capped(g.open_symptoms, WIDTH - 26)}:")
        for c in g.differential:
            head = f"    {CANDIDATE_WORDS[c.status]:<10} {c.rule_id}"
            # the line that decides it: a rule-out binds what it checks last (the URL, then the ping)
            where = at(c.evidence[-1].path, c.evidence[-1].line) if c.evidence else ""
            if c.status == "unchecked":
                out.append(f"{head}: run {c.command}")
            elif c.status == "ruled_out":
                out.append(f"{head}: {c.note}" + (f" ({where})" if where else ""))
            elif c.status == "suspected":
                out.append(f"{head} ({where}): confirm with {c.command}" if c.command else f"{head} ({where})")
            else:
                out.append(f"{head} ({where})" if where else head)
    return out


def _suspected(report: Report) -> str:
    n = sum(1 for f in report.findings if f.suspected)
    return f" ({n} suspected)" if n else ""


def brief_chunks(report: Report):
    """``--brief``: one line per finding (``path:line: severity rule-id title``), then the
    summary line: for pastes and fleets."""
    out = [brief_line(f) for f in report.findings]
    out.append(f"Summary: {tally(report)}{_suspected(report)} · {plural(len(report.outcome.not_evaluated), 'rule')} "
               "not evaluated")
    yield lines(out)


def chunks(report: Report, **kw):
    if kw.get("brief"):
        yield from brief_chunks(report)
        return
    out: list[str] = []
    devices = {d.name: d for d in report.devices}
    diagnoses = {g.device: g for g in reversed(report.diagnoses)}  # the first of a name
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
        elif name in diagnoses:
            out.extend(diagnosis_lines(diagnoses[name], dev))
        for f in sorted(findings, key=lambda f: (ORDER[f.severity], f.path, f.line, f.rule_id)):
            out.append("")
            sure = "suspected, confidence: low" if f.suspected else f"confidence: {f.confidence}"
            out.append(f"  {f.severity.upper():<7} {f.rule_id}  {f.title}  [{sure}]")
            out.extend(textwrap.wrap(f.message, WIDTH, initial_indent="    ", subsequent_indent="    ",
                                     break_long_words=False, break_on_hyphens=False))
            for ev in f.evidence:
                out.append(f"    {shown_path(ev.path)}:{ev.line}:  {ev.text}")
            if f.suspected:
                out.extend(textwrap.wrap(f"confirmed by: {f.confirmed_by}", WIDTH, initial_indent="    ",
                                         subsequent_indent="      ", break_long_words=False, break_on_hyphens=False))
                out.extend(textwrap.wrap(f"ruled out by: {f.ruled_out_by}", WIDTH, initial_indent="    ",
                                         subsequent_indent="      ", break_long_words=False, break_on_hyphens=False))
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
    if report.outcome.not_evaluated and report.context_mode:
        # a configuration repository cannot run show commands: per file, one line saying how
        # many rules were not evaluated and why, not a checklist of commands
        out.append("")
        out.extend(_repository_lines(report))
    elif report.outcome.collect_next:
        out.append("")
        out.append("Collect next (most useful first):")
        for c in report.outcome.collect_next:
            out.append(f"  [ ] {c.device}: {c.command}")
            if c.confirms:
                out.append(f"        confirms or rules out suspected {capped(c.confirms, COLLECT_WIDTH - 40)}")
            out.append(f"        settles {capped(c.settles, COLLECT_WIDTH - 16)}")
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
    if report.config_file:
        out.append(f"note: settings read from {report.config_file}")
    for info in report.inputs:
        if info.note:
            out.append(f"note: {shown_path(info.path)}: {info.note}")
        if info.reshaped:
            out.append(f"note: {shown_path(info.path)}: read as pasted {info.reshaped} (removed from every line; "
                       "line numbers are the file's)")
        if not info.sections and not info.unread:  # (an output not read is named in the note)
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
        f"Summary: {tally(report)}{_suspected(report)} · {plural(len(report.outcome.not_evaluated), 'rule')} not evaluated"
        f" · {used} command outputs read, {skipped} skipped"
        + (f" · {len(report.suppressed)} suppressed" if report.suppressed else "")
        + (f" · {len(report.baselined)} in the baseline" if report.baselined else "")
    )
    yield lines(out)
