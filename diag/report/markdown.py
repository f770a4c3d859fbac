"""``--format markdown``: a case note to paste into a TAC case, a ticket or a pull request.

It holds, in order: a title and one summary line; a table of the devices; per
device a table of its licensing state (mode, registration and authorization
for classic Smart Licensing, transport and ACKs for Smart Licensing Using
Policy) with every key date against the clock the device was judged at, then
its findings by severity, each with the evidence lines (path:line) quoted in a
code block, the fix as a ``text`` block and the verify commands with what they
should show; the checklist of what to collect next; and what diag did not read.

Text from captures and rules is escaped so that it renders as written (``|``
in table cells, ``<none>``, ``*``...); code blocks use a fence longer than any
run of backticks inside them. The same report always gives the same note.
"""

from __future__ import annotations

import datetime as dt
import re

from diag.model import Report, shown_path
from diag.report import backticks, lines, plural, tally
from diag.types import format_value

ORDER = ("error", "warning", "info")
HEADINGS = {"error": "Errors", "warning": "Warnings", "info": "Info"}
MODE_NAMES = {"classic": "classic Smart Licensing", "slp": "Smart Licensing Using Policy (SLP)",
              "traditional": "traditional licensing (license files)", "unknown": "unknown"}
NOW_SOURCES = {"capture": "the capture's own clock", "option": "--now", "system": "this machine's clock"}

_SPECIAL = re.compile(r"([\\`*\[\]<>|~])|((?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+[.)])(?=\s|$)")


# -- escaping ------------------------------------------------------------------------

def escape(text: object) -> str:
    """Inline text that renders as written: Markdown punctuation backslash-escaped, on one line."""
    s = " ".join(str(text).split("\n")).replace("\r", " ")
    s = _SPECIAL.sub(lambda m: "\\" + m.group(0), s)
    # what would start a heading, quote, list or setext underline at the start of a line
    return _LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], s)


def cell(text: object) -> str:
    """A table cell: escaped (``|`` included), or a dash when empty."""
    return escape(text) if text is not None and text != "" else "—"


def code(text: str) -> str:
    """An inline code span that holds any text (a longer backtick fence when the text has backticks)."""
    text = " ".join(text.splitlines())
    ticks = "`" * (backticks(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.strip()) else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fenced(text: str, info: str = "text") -> list[str]:
    """A fenced code block that no line of ``text`` can close early."""
    fence = "`" * max(3, backticks(text) + 1)
    return [f"{fence}{info}", *text.splitlines(), fence]


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


# -- dates ---------------------------------------------------------------------------

def _utc(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.timezone.utc) if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def date(when: dt.datetime) -> str:
    return _utc(when).strftime("%Y-%m-%d %H:%M UTC")


def dated(when, now, event: bool = False) -> str | None:
    """A date with its distance from the device's clock, as rule messages say it: ``in 12
    days`` / ``already passed, 3 days ago`` for a deadline, ``3 days ago`` / ``today`` for a
    past ``event`` (one the clock says is still ahead: as a deadline)."""
    if not isinstance(when, dt.datetime):
        return None
    if now is None:
        return date(when)
    ahead = (_utc(when) - _utc(now)).total_seconds()
    days = int(abs(ahead) // 86400)
    if ahead > 0 or (ahead == 0 and not event):
        rel = f"in {plural(days, 'day')}" if days else "in less than a day"
    elif event:
        rel = f"{plural(days, 'day')} ago" if days else "today"
    else:
        rel = f"already passed, {plural(days, 'day')} ago" if days else "already passed, today"
    return f"{date(when)} ({rel})"


# -- the device table ----------------------------------------------------------------

def clock_used(dev, report: Report) -> str:
    """The time a device was judged at, and where that time came from."""
    if dev.now is None:
        return "—"
    when = format_value(dev.now)
    if dev.now_source == "option":
        return f"{when} (--now)"
    if dev.now_source == "system":
        return f"{when} (this machine's clock: no clock in the capture)"
    own = dev.clock
    if own is not None and own[0] == dev.now:
        return f"{when} (capture: {own[1]})"
    if dev.now_detail.startswith("no clock of its own"):
        return f"{when} ({dev.now_detail})"
    return f"{when} (capture: estimated from the newest event the licensing output reports)"


def _classic_rows(dev) -> list[tuple[str, object]]:
    now = dev.now
    reg, auth_kind = "license.registration", "license.authorization"

    def state(kind: str, name: str, summary_name: str | None = None):
        """A field of the registration or authorization block, else of show license summary."""
        return dev.state(kind, name) or dev.state("license.summary", summary_name or name)

    rows: list[tuple[str, object]] = []
    smart = dev.state("license.smart", "enabled")
    if smart is None:
        smart = dev.state("license.summary", "enabled")
    if smart is not None:
        rows.append(("Smart Licensing", "ENABLED" if smart else "DISABLED"))
    rows.append(("Registration status", state(reg, "status", "registration_status")))
    account, virtual = state(reg, "smart_account"), state(reg, "virtual_account")
    if account or virtual:
        rows.append(("Smart Account / Virtual Account", f"{account or '?'} / {virtual or '?'}"))
    auth = state(auth_kind, "status", "authorization_status")
    auth_date = state(auth_kind, "date", "authorization_date")
    if auth and isinstance(auth_date, dt.datetime):
        auth = f"{auth} on {date(auth_date)}"
    remaining = state(auth_kind, "eval_remaining")
    if auth and isinstance(remaining, dt.timedelta):
        auth = f"{auth} ({format_value(remaining)} of evaluation left)"
    rows.append(("Authorization status", auth))
    result = state(auth_kind, "last_comm_result")
    when = dev.state(auth_kind, "last_comm_date")
    if result:
        reason = dev.state(auth_kind, "comm_failure_reason")
        text = result + (f" on {dated(when, now, event=True)}" if isinstance(when, dt.datetime) else "")
        rows.append(("Last communication attempt", text + (f": {reason}" if reason else "")))
    renewal = state(reg, "last_renewal_result")
    renewal_date = dev.state(reg, "last_renewal_date")
    if renewal:
        rows.append(("Last renewal attempt", renewal + (f" on {dated(renewal_date, now, event=True)}"
                                                        if isinstance(renewal_date, dt.datetime) else "")))
    dates = (("Next renewal attempt", reg, "next_renewal", None),
             ("Registration expires", reg, "expires", "registration_expires"),
             ("Next communication attempt", auth_kind, "next_comm", None),
             ("Communication deadline", auth_kind, "deadline", None))
    rows += [(label, dated(state(kind, name, other), now)) for label, kind, name, other in dates]
    return rows


def _slp_rows(dev) -> list[tuple[str, object]]:
    now = dev.now
    rows: list[tuple[str, object]] = []
    enabled = dev.state("license.slp", "enabled")
    if enabled is not None:
        rows.append(("Smart Licensing Using Policy", "ENABLED" if enabled else "DISABLED"))
    transport = dev.state("license.transport", "type")
    url = dev.state("license.transport", "url") or dev.state("license.transport", "cslu")
    if transport and url:
        transport = f"{transport} ({url})"
    rows.append(("Transport", transport))
    last_ack = dev.state("license.usage_reporting", "last_ack")
    rows.append(("Last ACK received", dated(last_ack, now, event=True) if isinstance(last_ack, dt.datetime)
                 else dev.state("license.usage_reporting", "last_ack_text")))
    rows.append(("Next ACK deadline", dated(dev.state("license.usage_reporting", "next_ack_deadline"), now)))
    push = dev.state("license.usage_reporting", "push_interval")
    if push:
        rows.append(("Reporting push interval", push))
    for label, name in (("Next report push", "next_push"), ("Last report push", "last_push")):
        value = dev.state("license.usage_reporting", name)
        if isinstance(value, dt.datetime):
            rows.append((label, dated(value, now, event=name == "last_push")))
    trust = dev.state("license.trust_code", "installed")
    if trust:
        rows.append(("Trust code installed", ", ".join(str(t) for t in trust) if isinstance(trust, (list, tuple))
                     else trust))
    return rows


def device_rows(dev, report: Report) -> list[list[str]]:
    rows: list[tuple[str, object]] = [
        ("Device", dev.name),
        ("Platform", dev.platform),
        ("Release", f"NX-OS {dev.release}" if dev.release else None),
        ("Licensing mode", MODE_NAMES.get(dev.mode, dev.mode)),
    ]
    if dev.mode == "slp":
        rows += _slp_rows(dev)
    elif dev.mode == "classic" or "license.registration" in dev.licensing or "license.summary" in dev.licensing:
        rows += _classic_rows(dev)
    rows.append(("Clock used", clock_used(dev, report)))
    if dev.snapshots:  # captures of the switch at other times: the newest is judged
        rows.append(("History", "; ".join(
            f"{s.when.strftime('%b %d %Y') if s.when else 'no clock'}: {', '.join(s.state)}"
            f"{' (judged)' if s.current else ''}" for s in dev.snapshots)))
    if dev.superseded:
        rows.append(("Read as history", "; ".join(f"{s.command} ({shown_path(s.path)}:{s.line}, shown again at "
                                                  f"{shown_path(s.by_path)}:{s.by_line})" for s in dev.superseded)))
    rows.append(("Inputs", ", ".join(map(shown_path, dev.inputs))))
    return [[label, cell(value if value not in (None, "") else None)] for label, value in rows]


# -- findings ------------------------------------------------------------------------

def finding_lines(f) -> list[str]:
    out = [f"#### {f.severity.upper()} {code(f.rule_id)}: {escape(f.title)}", ""]
    out.append(f"Confidence: **{f.confidence}** · device: {escape(f.device)}"
               + (f" · at {code(f'{shown_path(f.path)}:{f.line}')}" if f.path else ""))
    out += ["", escape(f.message), ""]
    if f.evidence:
        out += ["Evidence:", ""]
        out += fenced("\n".join(f"{shown_path(e.path)}:{e.line}:  {e.text}" for e in f.evidence))
        out.append("")
    if f.fix.strip():
        out += ["Fix:", ""]
        out += fenced(f.fix)
        out.append("")
    verify = list(f.verify_expect) or [(c, None) for c in f.verify]
    if verify:
        out += ["Verify:", ""]
        for command, expect in verify:
            out.append(f"- {code(command)}" + (f": expect {escape(expect)}" if expect else ""))
        out.append("")
    if f.references:
        out.append("References: " + "; ".join(escape(r) for r in f.references))
        out.append("")
    return out


def chunks(report: Report, **kw):
    devices = list(report.devices)
    by_device: dict[str, list] = {d.name: [] for d in devices}
    for f in report.findings:
        by_device.setdefault(f.device, []).append(f)
    names = [d.name for d in devices]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    out = [f"# NX-OS Smart Licensing and Call Home case note: {escape(shown or 'no device')}", ""]
    skipped = sum(report.skipped_sections().values())
    used = sum(i.sections for i in report.inputs)
    out.append(
        f"Generated by diag {escape(report.version)} from {plural(len(report.inputs), 'input')} "
        f"({used} command outputs read, {skipped} skipped). Dates are judged at {format_value(report.now)} "
        f"({NOW_SOURCES.get(report.now_source, report.now_source)}: {escape(report.now_detail)}).")
    out.append("")
    out.append(f"**{tally(report)}** · {plural(len(report.outcome.not_evaluated), 'rule')} not evaluated "
               "(see Collect next)")
    out.append("")

    out += ["## Devices", ""]
    rows = []
    for dev in devices:
        own = by_device.get(dev.name, [])
        rows.append([cell(dev.name), cell(dev.platform), cell(f"NX-OS {dev.release}" if dev.release else None),
                     cell(MODE_NAMES.get(dev.mode, dev.mode)),
                     *(str(sum(1 for f in own if f.severity == s)) for s in ORDER)])
    out += table(["Device", "Platform", "Release", "Licensing mode", "Errors", "Warnings", "Info"], rows)
    out.append("")

    summaries = {d.name: d for d in reversed(devices)}  # the first of a name
    for name, findings in by_device.items():
        yield lines(out)
        dev = summaries.get(name)
        out += [f"## Device {escape(name)}", ""]
        if dev is not None:
            out += table(["Field", "Value"], device_rows(dev, report))
            out.append("")
        if not findings:
            out += ["No problems found in what was captured.", ""]
            continue
        for severity in ORDER:
            group = [f for f in findings if f.severity == severity]
            if not group:
                continue
            out += [f"### {HEADINGS[severity]} ({len(group)})", ""]
            for f in group:
                out += finding_lines(f)

    out += ["## Collect next", ""]
    if report.outcome.collect_next:
        out += ["Most useful first: each command settles rules that could not be evaluated.", ""]
        for c in report.outcome.collect_next:
            settles = ", ".join(code(r) for r in c.settles)
            out.append(f"- [ ] {code(c.command)} ({escape(c.device)}): settles {settles}")
    else:
        out.append("Nothing: every rule could be evaluated on what was captured.")
    out.append("")

    out += ["## Not read", ""]
    for path, problem in report.unread:
        out.append(f"- could not read {code(shown_path(path))}: {escape(problem)}")
    for path, reason in report.skipped_files:
        out.append(f"- skipped the file {code(shown_path(path))}: {escape(reason)}")
    for info in report.inputs:
        if info.note:
            out.append(f"- {code(shown_path(info.path))}: {escape(info.note)}")
        if info.unrecognised_lines:
            out.append(f"- {code(shown_path(info.path))}: {info.unrecognised_lines} line(s) outside any recognised command output")
    sections = report.skipped_sections()
    if sections:  # either way a line: the section never ends empty
        top = sorted(sections.items(), key=lambda kv: (-kv[1], kv[0]))
        listed = ", ".join(f"{code(command)} ×{n}" if n > 1 else code(command) for command, n in top[:10])
        more = f" and {len(top) - 10} more" if len(top) > 10 else ""
        out.append(f"- {plural(skipped, 'command output')} skipped (diag has no use for them): {listed}{more}")
    else:
        out.append("- 0 command outputs skipped")
    if report.suppressed:
        out.append(f"- {plural(len(report.suppressed), 'finding')} suppressed by inline comments")
    if report.baselined:
        out.append(f"- {plural(len(report.baselined), 'finding')} already in the baseline, not shown")
    yield lines(out)
