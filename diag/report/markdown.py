"""``--format markdown``: a case note to paste into a TAC case, a ticket or a pull request.

It holds, in order: a title and one summary line; a summary of at most ten lines
per device (its diagnosis: root causes, the fix to do first, the nearest deadline);
one line per finding, symptoms nested under their cause; a table of the devices; per
device the candidate causes when a failure symptom is there, a table of its licensing state (mode, registration and authorization
for classic Smart Licensing, transport and ACKs for Smart Licensing Using
Policy) with every key date against the clock the device was judged at, then
its findings by severity, each collapsible (``<details>``) with the evidence lines (path:line) quoted in a
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


def licensing_rows(dev) -> list[tuple[str, object]]:
    """The licensing state of a device as (label, value) rows, unescaped (the HTML report's card)."""
    if dev.mode == "slp":
        return _slp_rows(dev)
    if dev.mode == "classic" or "license.registration" in dev.licensing or "license.summary" in dev.licensing:
        return _classic_rows(dev)
    return []


def device_rows(dev, report: Report) -> list[list[str]]:
    rows: list[tuple[str, object]] = [
        ("Device", dev.name),
        ("Platform", dev.platform),
        ("Release", f"NX-OS {dev.release}" if dev.release else None),
        ("Licensing mode", MODE_NAMES.get(dev.mode, dev.mode)),
    ]
    rows += licensing_rows(dev)
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
    out.append(("Suspected · " if f.suspected else "") + f"Confidence: **{f.confidence}** · device: {escape(f.device)}"
               + (f" · at {code(f'{shown_path(f.path)}:{f.line}')}" if f.path else ""))
    out += ["", escape(f.message), ""]
    if f.suspected:
        out += [f"Confirm with {', '.join(code(c) for c in f.confirm_with)}: confirmed by {escape(f.confirmed_by)}; "
                f"ruled out by {escape(f.ruled_out_by)}.", ""]
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


# -- the diagnosis ------------------------------------------------------------------

SUMMARY_LINES = 10  # at most, per device
CANDIDATE_WORDS = {"confirmed": "confirmed", "suspected": "suspected", "ruled_out": "ruled out",
                   "unchecked": "unchecked"}


def deadline(dev) -> str | None:
    """The licensing deadline that matters most for a device: the nearest of its dates
    that end something (communication deadline, registration expiry, next ACK deadline)."""
    if dev is None:
        return None
    found = []
    for label, kind, name, other in (("Communication deadline", "license.authorization", "deadline", None),
                                     ("Registration expires", "license.registration", "expires",
                                      "registration_expires"),
                                     ("Next ACK deadline", "license.usage_reporting", "next_ack_deadline", None)):
        when = dev.state(kind, name) or (dev.state("license.summary", other or name) if kind != "license.usage_reporting"
                                         else None)
        if isinstance(when, dt.datetime):
            found.append((_utc(when), label, when))
    if not found:
        return None
    _, label, when = min(found, key=lambda x: x[0])
    return f"{label}: {dated(when, dev.now)}"


def summary_lines(dev, g, findings) -> list[str]:
    """At most ``SUMMARY_LINES`` lines for a device: who it is, its diagnosis (causes), the
    fix to do first and its nearest deadline."""
    from diag.diagnosis import fix_summary

    head = [p for p in (dev.platform if dev else None, f"NX-OS {dev.release}" if dev and dev.release else None,
                        MODE_NAMES.get(dev.mode, dev.mode) if dev else None) if p]
    name = dev.name if dev else (g.device if g else "?")
    out = [f"**{escape(name)}**" + (f" ({escape(', '.join(head))})" if head else "")
           + (f": {escape(g.headline())}" if g else "")]
    if g is not None:
        for c in g.causes[:3]:
            f = c.finding
            sure = "suspected" if f.suspected else f"confirmed, {f.confidence} confidence"
            explained = ", ".join(code(s) for s in dict.fromkeys(x.rule_id for x in c.symptoms))
            out.append(f"- Cause: {code(f.rule_id)} {escape(f.title)} ({sure})"
                       + (f"; explains {explained}" if explained else ""))
        if len(g.causes) > 3:
            out.append(f"- and {len(g.causes) - 3} more possible cause(s) below")
        if g.fix_first:
            out.append(f"- Fix first ({code(g.fix_first['rule_id'])}): {code(fix_summary(g.fix_first))}")
        if not g.causes and g.open_symptoms:
            unchecked = sum(1 for c in g.differential if c.status == "unchecked")
            out.append(f"- No root cause found: {len(g.differential)} candidate cause(s), {unchecked} unchecked "
                       "(see Candidate causes below)")
    when = deadline(dev)
    if when:
        out.append(f"- {escape(when)}")
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ORDER}
    out.append("- Findings: " + ", ".join(plural(n, s) for s, n in counts.items()))
    return out[:SUMMARY_LINES]


def finding_list(g, findings) -> list[str]:
    """One line per finding, as the diagnosis orders them (symptoms under their cause)."""
    rows = g.lines() if g is not None else [(0, f, "finding", ()) for f in findings]
    out = []
    for depth, f, role, also in rows:
        where = f" at {code(f'{shown_path(f.path)}:{f.line}')}" if f.path else ""
        tags = [t for t in ("root cause" if role == "cause" else "", "suspected" if f.suspected else "") if t]
        out.append("  " * depth + f"- **{f.severity.upper()}** {code(f.rule_id)}{where}: {escape(f.title)}"
                   + (f" ({', '.join(tags)})" if tags else "")
                   + (f"; also explains {', '.join(code(a) for a in also)}" if also else ""))
    return out


def differential_lines(g) -> list[str]:
    out = [f"Candidate causes of {', '.join(code(s) for s in g.open_symptoms)}:", ""]
    for c in g.differential:
        where = ", ".join(code(f"{e.path}:{e.line}") for e in c.evidence[:2])
        text = f"- {CANDIDATE_WORDS[c.status]}: {code(c.rule_id)}"
        if c.status == "unchecked":
            text += f", run {code(c.command or '?')}"
        elif c.status == "ruled_out":
            text += f", {escape(c.note)}" + (f" ({where})" if where else "")
        elif c.status == "suspected":
            text += (f" ({where})" if where else "") + (f", confirm with {code(c.command)}" if c.command else "")
        elif where:
            text += f" ({where})"
        out.append(text)
    out.append("")
    return out


def _html(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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

    diagnoses = {g.device: g for g in reversed(report.diagnoses)}  # the first of a name
    first = {d.name: d for d in reversed(devices)}
    out += ["## Summary", ""]
    for name, findings in by_device.items():
        out += summary_lines(first.get(name), diagnoses.get(name), findings)
        out.append("")
    if any(by_device.values()):
        out += ["## Findings", ""]
        for name, findings in by_device.items():
            if findings:
                if len(by_device) > 1:
                    out += [f"{escape(name)}:", ""]
                out += finding_list(diagnoses.get(name), findings)
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
        g = diagnoses.get(name)
        if g is not None and g.open_symptoms:
            out += differential_lines(g)
        for severity in ORDER:
            group = [f for f in findings if f.severity == severity]
            if not group:
                continue
            out += [f"### {HEADINGS[severity]} ({len(group)})", ""]
            for f in group:
                mark = " (suspected)" if f.suspected else ""
                out += [f"<details><summary>{f.severity.upper()} <code>{_html(f.rule_id)}</code>: "
                        f"{_html(f.title)}{mark}</summary>", ""]
                out += finding_lines(f)
                out += ["</details>", ""]

    out += ["## Collect next", ""]
    if report.outcome.collect_next:
        out += ["Most useful first: each command settles rules that could not be evaluated.", ""]
        for c in report.outcome.collect_next:
            shown = c.settles[:6]
            settles = ", ".join(code(r) for r in shown) + (f" and {len(c.settles) - 6} more" if len(c.settles) > 6
                                                            else "")
            confirms = (f"; confirms or rules out suspected {', '.join(code(r) for r in c.confirms)}"
                        if c.confirms else "")
            out.append(f"- [ ] {code(c.command)} ({escape(c.device)}): settles {settles}{confirms}")
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
