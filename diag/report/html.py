"""``--format html``: one self-contained, offline HTML case report.

The page loads nothing: its one style sheet and one small script are inline and allowed
by their sha256 hash in a Content-Security-Policy ``<meta>`` tag (``default-src 'none'``,
see diag.report.htmlassets); pictures are inline SVG drawn here. Every value that comes
from a capture or a rule is escaped (``html.escape``, attributes always double-quoted), so
a host name or failure reason holding ``<script>`` or ``onerror=`` stays text; the CSP
would stop it even if it did not.

Per device (a ``<details>`` section, open when the run holds few devices): a summary
card (platform, release, licensing mode, registration and authorization states, the
clock it was judged at and where that clock was read), the diagnosis (root causes with
the symptoms they explain, the fix to do first, the candidate causes), the licensing
timeline (inline SVG, below), each finding with its evidence lines and their numbers,
the fix and verify blocks (a copy button added by the script; without it the text is
still plain selectable text), the rules not evaluated and the collect-next checklist.

A run of several devices opens with a fleet view: a table (device, platform, release,
mode, worst finding, root cause, nearest deadline, days left) that the script makes
sortable and that reads in device order without it, each row linking to its device, and
a chart of the deadlines of the next 365 days (by week, from each device's own clock).

**The timeline's scale.** Licensing dates sit minutes from the capture (the last and
next attempts) and years from it (a registration a year old, an SLP ACK deadline a year
ahead). A linear axis would pile the first into one pixel; a broken axis hides how far
the pieces are. The axis is symmetric-logarithmic around the time the device is judged
at: a date ``d`` days away sits at ``sign(d) * log(1 + |d| * 24)`` (linear within the
first hour, then each tenfold of distance taking the same width), with ticks at 1 hour,
1 day, 1 week, 30 days, 3 months, 1 and 2 and 5 years either side, so order and the
"how far from now" reading both hold, and every mark's label gives its exact date.
Labels that would collide (several events on one day) are stacked in rows by
``place_labels``: no two labels overlap and no leader line crosses a label.
"""

from __future__ import annotations

import datetime as dt
import math
from html import escape as _escape

from diag.model import SEVERITY_RANK, Report, shown_path
from diag.report import plural, tally
from diag.report.htmlassets import CSP, SCRIPT, STYLE

OPEN_DEVICES = 5  # device sections start open when the run holds at most this many devices
# Above this many devices a device's section is its summary (card, diagnosis with every finding's title and
# line, fix first, timeline, what to collect): the findings' full text for every device of a fleet of 2,000
# would be 25 MB. The section names the command that writes the full report of that device.
FULL_DEVICES = 200
SEV_ORDER = {"error": 0, "warning": 1, "info": 2}
MODE_NAMES = {"classic": "classic Smart Licensing", "slp": "Smart Licensing Using Policy",
              "traditional": "traditional licensing", "unknown": "licensing mode unknown"}
NOW_SOURCES = {"capture": "the capture's own clock", "option": "--now", "system": "this machine's clock"}
STATUS_WORDS = {"failed": "failed", "passed": "passed", "within_30_days": "within 30 days", "later": "later"}
CANDIDATE_WORDS = {"confirmed": "confirmed", "suspected": "suspected", "ruled_out": "ruled out",
                   "unchecked": "unchecked"}
_CTRL = str.maketrans({c: "\ufffd" for c in [*range(0, 9), 11, 12, *range(14, 32), 127]})


def esc(value: object) -> str:
    """Text (or an attribute value: every attribute is double-quoted) that renders as written:
    ``& < > " '`` escaped, control characters (which HTML may not hold) shown as U+FFFD."""
    text = str(value)
    if not text.isprintable():
        text = text.translate(_CTRL)
    return _escape(text, quote=True)


# -- dates ---------------------------------------------------------------------------

def _utc(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.timezone.utc) if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def day_time(when: dt.datetime) -> str:
    return _utc(when).strftime("%Y-%m-%d %H:%M")


def relative(days: float) -> str:
    """``in 21 d``, ``3 d ago``, ``in 40 min``: how far a date is from the device's time."""
    size = abs(days)
    if size < 1 / 24:
        n, unit = round(size * 1440), "min"
    elif size < 1:
        n, unit = round(size * 24), "h"
    else:
        n, unit = int(size), "d"
    if n == 0:
        return "now"
    return f"in {n} {unit}" if days > 0 else f"{n} {unit} ago"


# -- the timeline --------------------------------------------------------------------

TAU_DAYS = 1 / 24  # the scale is linear within an hour of now, logarithmic beyond
TICKS = ((1 / 24, "1h"), (1, "1d"), (7, "1w"), (30, "30d"), (91, "3mo"), (365, "1y"), (730, "2y"),
         (1826, "5y"), (3652, "10y"), (9131, "25y"))
WIDTH = 960
CHAR_W = 6.9  # a character of the labels' 11 px monospace font (0.6 em) and a margin of error
LABEL_PAD = 4  # from a leader line to its label's text
LABEL_GAP = 8  # between two labels of one row
ROW_H = 30
AXIS_Y = 36


def scale(days: float) -> float:
    """The symmetric-log position of a date ``days`` from now (see the module's docstring)."""
    return math.copysign(math.log1p(abs(days) / TAU_DAYS), days)


def place_labels(xs: list[float], widths: list[float], pad: float = LABEL_PAD,
                 gap: float = LABEL_GAP) -> list[int]:
    """The row of each label, for labels drawn left-aligned just right of their anchor
    (``[x + pad, x + pad + width]``) with a vertical leader from the axis down to their row.

    Labels are placed from the rightmost anchor to the leftmost, each in the first row
    (nearest the axis) where it overlaps no label of that row and no leader of a label
    further down passes through it. A label placed later has its anchor at or left of
    every placed one, so its own leader, at its left edge, crosses no placed label: no two
    labels overlap and no leader crosses a label. A new row always fits, so it ends."""
    n = len(xs)
    rows = [0] * n
    placed: list[int] = []
    for i in sorted(range(n), key=lambda k: (-xs[k], k)):
        left, right = xs[i] + pad - gap / 2, xs[i] + pad + widths[i] + gap / 2
        row = 0
        while True:
            clash = False
            for j in placed:
                if rows[j] == row:
                    if xs[j] + pad < right and left < xs[j] + pad + widths[j]:
                        clash = True
                        break
                elif rows[j] > row and left <= xs[j] <= right:  # j's leader passes through this label
                    clash = True
                    break
                elif rows[j] < row and xs[j] + pad <= xs[i] <= xs[j] + pad + widths[j]:  # this leader through j
                    clash = True
                    break
            if not clash:
                break
            row += 1
        rows[i] = row
        placed.append(i)
    return rows


class Mark:
    __slots__ = ("days", "when", "kind", "role", "status", "title", "line1", "line2")

    def __init__(self, days, when, kind, role, status, title, line1, line2):
        self.days, self.when, self.kind, self.role, self.status = days, when, kind, role, status
        self.title, self.line1, self.line2 = title, line1, line2


def _marks(dev) -> list[Mark]:
    now = dev.now
    single = dev.inputs[0] if len(dev.inputs) == 1 else None
    out: list[Mark] = []
    for e in dev.events:
        days = e.days(now)
        status = e.status(now)
        words = [f"{e.label}: {day_time(e.date)} UTC", relative(days)]
        if e.failed:
            words.append("FAILED" + (f" ({e.reason})" if e.reason else ""))
        elif e.deadline and status != "later":
            words.append(STATUS_WORDS[status])
        if e.computed:
            words.append("computed")
        words.append(f"line {e.line}" if e.path == single else f"{shown_path(e.path)}:{e.line}")
        line1 = e.label + (" FAILED" if e.failed else "")
        out.append(Mark(days, e.date, e.kind, e.role, status, ", ".join(words), line1,
                        f"{day_time(e.date)} · {relative(days)}"))
    for s in getattr(dev, "snapshots", None) or []:
        if s.current or s.when is None:
            continue
        days = (_utc(s.when) - now).total_seconds() / 86400
        state = ", ".join(s.state) or "no licensing state"
        out.append(Mark(days, s.when, "snapshot", "snapshot", "passed",
                        f"Earlier capture: {day_time(s.when)} UTC, {relative(days)}, {state} ({s.where})",
                        "Earlier capture", f"{day_time(s.when)} · {relative(days)}"))
    out.sort(key=lambda m: m.days)
    return out


def timeline_svg(dev, idx: int) -> str:
    """The licensing timeline of a device as inline SVG ('' when it has no dated event)."""
    if dev.now is None:
        return ""
    marks = _marks(dev)
    if not marks:
        return ""
    lo = min(min(m.days for m in marks), -1.0)
    hi = max(max(m.days for m in marks), 30.0)
    u_lo, u_hi = scale(lo) * 1.03, scale(hi) * 1.03
    span = u_hi - u_lo
    widths = [max(len(m.line1), len(m.line2)) * CHAR_W for m in marks]
    left = 22
    # the plot ends where the widest label of a mark near the end still fits
    room = WIDTH - 28 - left
    for m, w in zip(marks, widths):
        f = (scale(m.days) - u_lo) / span
        if f > 0:
            room = min(room, (WIDTH - 6 - LABEL_PAD - w - left) / f)
    room = max(room, 200.0)

    def x_of(days: float) -> float:
        return round(left + (scale(days) - u_lo) / span * room)

    xs = [x_of(m.days) for m in marks]
    rows = place_labels(xs, widths)
    height = AXIS_Y + 22 + (max(rows) + 1) * ROW_H
    x_now = x_of(0)
    x_soon = x_of(30)
    name = esc(dev.name)
    out = [f'<svg class="tl" id="tl-{idx}" role="group" aria-label="Licensing timeline of {name}: '
           f'{len(marks)} dated events" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">',
           f'<rect class="soonband" x="{x_now}" y="{AXIS_Y - 6}" width="{round(x_soon - x_now, 1)}" height="12">'
           '<title>The next 30 days</title></rect>',
           f'<path class="axis" d="M{left},{AXIS_Y}H{round(left + room)}"/>']
    # ticks either side of now, kept apart
    ticks = [(0.0, "now")]
    for days, text in TICKS:
        if -days >= lo * 1.03:
            ticks.append((-days, "-" + text))
        if days <= hi * 1.03:
            ticks.append((days, "+" + text))
    ticks.sort()
    x_zero = x_of(0)
    kept: list[tuple[float, str, float]] = []
    for days, text in ticks:  # 'now' has its own mark; a tick too close to it or to the last one is left out
        x = x_of(days)
        if text != "now" and abs(x - x_zero) >= 30 and (not kept or x - kept[-1][2] >= 30):
            kept.append((days, text, x))
    out.append('<g class="tick" aria-hidden="true" text-anchor="middle">')
    for days, text, x in kept:
        out.append(f'<path d="M{x},{AXIS_Y - 4}v8"/><text x="{x}" y="{AXIS_Y - 10}">{text}</text>')
    out.append("</g>")
    judged = f"{day_time(dev.now)} UTC ({NOW_SOURCES.get(dev.now_source, dev.now_source)})"
    out.append(f'<g class="now" role="img"><title>Now: {esc(judged)}</title>'
               f'<line class="nowline" x1="{x_now}" y1="{AXIS_Y - 20}" x2="{x_now}" y2="{AXIS_Y + 8}"/>'
               f'<text class="nowtext" x="{x_now}" y="{AXIS_Y - 23}" text-anchor="middle">now</text></g>')
    for m, x, row in zip(marks, xs, rows):
        y = AXIS_Y + 16 + row * ROW_H
        title = esc(m.title)
        role = "snapshot" if m.role == "snapshot" else m.role
        cls = f"mk k-{role} s-{m.status}"
        if m.status == "failed":
            shape = f'<path class="m" d="M-5,{AXIS_Y - 5}l10,10m0,-10l-10,10"/>'
        elif role == "deadline":
            shape = f'<path class="m" d="M0,{AXIS_Y - 6}l6,6l-6,6l-6,-6z"/>'
        elif role == "snapshot":
            shape = f'<rect class="m" x="-4" y="{AXIS_Y - 4}" width="8" height="8"/>'
        else:
            shape = f'<circle class="m" cy="{AXIS_Y}" r="4.5"/>'
        # the mark's <title> is its accessible name (role img): its date, how far, its status, its line;
        # drawn at x = 0 of a group moved to the date's place
        stamp = _utc(m.when).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append(f'<g class="{cls}" role="img" transform="translate({x})" data-date="{stamp}">'
                   f'<title>{title}</title><path class="lead" d="M0,{AXIS_Y + 6}V{y + 18}"/>{shape}'
                   f'<text class="lbl" x="{LABEL_PAD}" y="{y + 9}">{esc(m.line1)}'
                   f'<tspan x="{LABEL_PAD}" dy="13">{esc(m.line2)}</tspan></text></g>')
    out.append("</svg>")
    return "".join(out)


TIMELINE_LEGEND = ('<p class="legend">● happened, ○ scheduled, ◆ deadline, ✕ failed attempt, ■ earlier capture; '
                   'red: passed deadline or failed, amber: deadline within 30 days (shaded band). The axis is '
                   'logarithmic in the distance from now (minutes near it, years at the ends); each label gives '
                   'the exact date (UTC).</p>')


def events_table(dev) -> str:
    if not dev.events or dev.now is None:
        return ""
    rows = []
    for e in dev.events:
        status = e.status(dev.now)
        extra = f" ({esc(e.reason)})" if e.reason else ""
        rows.append(f'<tr><td class="mono">{day_time(e.date)}</td><td>{relative(e.days(dev.now))}</td>'
                    f'<td>{esc(e.label)}</td><td class="st-{status}">{STATUS_WORDS[status]}{extra}</td>'
                    f'<td class="mono">{esc(shown_path(e.path))}:{e.line}</td></tr>')
    return ('<details class="evt"><summary>The dates as a table</summary><div class="scroll"><table>'
            '<thead><tr><th>Date (UTC)</th><th>From now</th><th>Event</th><th>Status</th><th>Line</th></tr>'
            f'</thead><tbody>{"".join(rows)}</tbody></table></div></details>')


# -- the fleet -----------------------------------------------------------------------

def nearest_deadline(dev):
    """The first deadline of a device (a passed one first: it is the most urgent)."""
    if dev.now is None:
        return None
    return next((e for e in dev.events if e.deadline), None)


def fleet_chart(devices) -> str:
    """Deadlines of the next 365 days across the fleet, by week from each device's own clock,
    with those already passed in a bar of their own."""
    bins: list[list] = [[] for _ in range(54)]  # 0: passed; 1..53: weeks 0..52
    for dev in devices:
        if dev.now is None:
            continue
        for e in dev.events:
            if not e.deadline:
                continue
            days = e.days(dev.now)
            if days > 365:
                continue
            bins[0 if days <= 0 else 1 + min(int(days // 7), 52)].append((dev.name, e.label))
    total = sum(len(b) for b in bins)
    top = max((len(b) for b in bins), default=0)
    if not total:
        return '<p class="muted">No licensing deadline in the next 365 days.</p>'
    W, H, left, base = WIDTH, 190, 44, 150
    step = (W - left - 10) / 54
    out = [f'<svg class="fc" role="group" aria-label="Licensing deadlines of the next 365 days across the fleet: '
           f'{total} deadlines, {len(bins[0])} already passed" viewBox="0 0 {W} {H}" width="{W}" height="{H}">',
           f'<line class="axis" x1="{left}" y1="{base}" x2="{W - 8}" y2="{base}"/>']
    for n in (top, top // 2):
        if n:
            y = round(base - n / top * 130, 1)
            out.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{n}</text>')
    for k, items in enumerate(bins):
        if not items:
            continue
        h = max(1.5, len(items) / top * 130)
        x = round(left + k * step + 1, 1)
        if k == 0:
            what, cls = "already passed", "passed"
        else:
            a = (k - 1) * 7
            what, cls = f"in {a} to {min(a + 6, 365)} days", "soon" if a < 30 else ""
        kinds: dict[str, int] = {}
        for _, label in items:
            kinds[label] = kinds.get(label, 0) + 1
        names = list(dict.fromkeys(name for name, _ in items))
        who = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        title = esc(f"{plural(len(items), 'deadline')} {what}: "
                    + ", ".join(f"{n} {label.lower()}" for label, n in sorted(kinds.items())) + f" ({who})")
        out.append(f'<g role="img" aria-label="{title}"><title>{title}</title><rect class="bar {cls}" x="{x}" '
                   f'y="{round(base - h, 1)}" width="{round(step - 2, 1)}" height="{round(h, 1)}"/></g>')
    out.append(f'<text x="{round(left + step / 2, 1)}" y="{base + 30}" text-anchor="middle">passed</text>')
    for days in (0, 30, 90, 180, 270, 365):
        x = round(left + (1 + days / 7) * step, 1)
        out.append(f'<line class="axis" x1="{x}" y1="{base}" x2="{x}" y2="{base + 4}"/>'
                   f'<text x="{x}" y="{base + 16}" text-anchor="middle">{days} d</text>')
    out.append(f'<text x="{W // 2}" y="{base + 34}" text-anchor="middle">days from each device\'s clock, '
               'by week</text></svg>')
    return "".join(out)


def fleet_view(report: Report, rows: list[tuple]) -> str:
    out = ['<section id="fleet"><h2>Fleet</h2>',
           '<p class="legend">Click a column heading to sort (without the script the table stays in device '
           'order). Days left count from each device\'s own clock; a negative number is a deadline already '
           'passed.</p><div class="scroll"><table class="fleet-table sortable"><thead><tr><th>Device</th>'
           '<th>Platform</th><th class="opt">Release</th><th class="opt">Mode</th><th>Worst finding</th>'
           '<th>Root cause</th><th>Nearest deadline</th><th data-type="num">Days left</th></tr></thead><tbody>']
    for i, dev, findings, g in rows:
        worst = min(findings, key=lambda f: (SEV_ORDER[f.severity], f.rule_id), default=None)
        if worst is None:
            worst_cell = '<td data-k="9">none</td>'
        else:
            worst_cell = (f'<td data-k="{SEV_ORDER[worst.severity]} {esc(worst.rule_id)}"><span class="sev '
                          f'sev-{worst.severity}">{worst.severity.upper()}</span> {esc(worst.rule_id)}</td>')
        cause = g.causes[0].finding.rule_id if g is not None and g.causes else ""
        near = nearest_deadline(dev)
        if near is None:
            dl, days = "<td></td>", '<td data-k="1e9"></td>'
        else:
            d = near.days(dev.now)
            st = near.status(dev.now)
            dl = f'<td class="st-{st}">{esc(near.label)} {day_time(near.date)}</td>'
            days = f'<td data-k="{d:.2f}" class="st-{st}">{math.floor(d)}</td>'
        out.append(f'<tr data-i="{i}"><td><a href="#dev-{i}">{esc(dev.name)}</a></td><td>{esc(dev.platform or "")}'
                   f'</td><td class="opt">{esc(dev.release or "")}</td><td class="opt">{esc(dev.mode)}</td>'
                   f'{worst_cell}<td>{esc(cause)}</td>{dl}{days}</tr>')
    out.append("</tbody></table></div>")
    out.append("<h3>Deadlines of the next 365 days</h3>")
    out.append('<div class="scroll">' + fleet_chart([r[1] for r in rows]) + "</div></section>")
    return "\n".join(out)


# -- a device ------------------------------------------------------------------------

# the dated rows of the card: a large fleet's sections leave them to the timeline
DATED_ROWS = {"Last communication attempt", "Last renewal attempt", "Next renewal attempt", "Registration expires",
              "Next communication attempt", "Communication deadline", "Last ACK received", "Next ACK deadline",
              "Next report push", "Last report push"}


def _card(dev, report: Report, full: bool = True) -> str:
    from diag.report.markdown import clock_used, licensing_rows

    rows: list[tuple[str, object]] = [
        ("Platform", dev.platform), ("Release", f"NX-OS {dev.release}" if dev.release else None),
        ("Licensing mode", MODE_NAMES.get(dev.mode, dev.mode)),
    ]
    rows += [r for r in licensing_rows(dev) if full or r[0] not in DATED_ROWS]
    rows.append(("Judged at", clock_used(dev, report)))
    if dev.snapshots:
        rows.append(("History", "; ".join(
            f"{s.when.strftime('%b %d %Y') if s.when else 'no clock'}: {', '.join(s.state)}"
            f"{' (judged)' if s.current else ''}" for s in dev.snapshots)))
    if dev.superseded:
        rows.append(("Read as history", "; ".join(f"{s.command} ({shown_path(s.path)}:{s.line}, shown again at "
                                                  f"{shown_path(s.by_path)}:{s.by_line})" for s in dev.superseded)))
    if full:  # else the section's command names them
        rows.append(("Inputs", ", ".join(map(shown_path, dev.inputs))))
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows if v not in (None, ""))
    return f'<div class="card"><dl class="kv">{body}</dl></div>'


def _at(single: str | None, path: str, line: int) -> str:
    if not path:
        return ""
    return f"line {line}" if path == single else f"{esc(shown_path(path))}:{line}"


def _diagnosis(g, dev, findings, idx: int, full: bool = True) -> str:
    from diag.diagnosis import fix_summary

    single = dev.inputs[0] if len(dev.inputs) == 1 else None
    out = [f'<h3>Diagnosis</h3><p><strong>{esc(g.headline())}</strong></p>']
    if findings:
        ids = {id(f): n for n, f in enumerate(findings)}
        out.append('<ul class="tree">')
        depth_open = 0
        for depth, f, role, also in g.lines():
            while depth_open > depth:
                out.append("</ul></li>")
                depth_open -= 1
            tag = {"cause": '<span class="tag">root cause</span> ', "symptom": "", "finding": ""}[role]
            sus = '<span class="tag">suspected</span> ' if f.suspected else ""
            more = f' <span class="muted">also explains {esc(", ".join(also))}</span>' if also else ""
            item = (f'<li><span class="sev sev-{f.severity}">{f.severity.upper()}</span> {tag}{sus}'
                    + (f'<a href="#f-{idx}-{ids.get(id(f), 0)}"><code>{esc(f.rule_id)}</code></a>' if full
                       else f"<code>{esc(f.rule_id)}</code>") + f' {esc(f.title)} '
                    f'<span class="muted">{_at(single, f.path, f.line)}</span>{more}')
            if role == "cause":
                out.append(item + "<ul>")
                depth_open += 1
                # symptoms follow at depth 1; close when the next depth-0 line comes
            else:
                out.append(item + "</li>")
        while depth_open:
            out.append("</ul></li>")
            depth_open -= 1
        out.append("</ul>")
    if g.fix_first:
        what = fix_summary(g.fix_first)
        out.append(f'<p>Fix first (<code>{esc(g.fix_first["rule_id"])}</code>):</p><div class="block">'
                   f'<pre class="cp" data-what="the fix to do first">{esc(what)}</pre></div>')
    if g.open_symptoms and not full:
        counts = {w: sum(1 for c in g.differential if c.status == w) for w in CANDIDATE_WORDS}
        out.append(f"<p>Candidate causes of {esc(', '.join(g.open_symptoms))}: "
                   + ", ".join(f"{n} {CANDIDATE_WORDS[w]}" for w, n in counts.items() if n) + "</p>")
    elif g.open_symptoms:
        out.append(f"<p>Candidate causes of {esc(', '.join(g.open_symptoms))}:</p><ul>")
        unchecked: dict[str, list[str]] = {}
        for c in g.differential:
            where = _at(single, c.evidence[-1].path, c.evidence[-1].line) if c.evidence else ""
            if c.status == "unchecked":
                unchecked.setdefault(c.command or "?", []).append(c.rule_id)
                continue
            note = f": {esc(c.note)}" if c.status == "ruled_out" and c.note else ""
            conf = f", confirm with <code>{esc(c.command)}</code>" if c.status == "suspected" and c.command else ""
            out.append(f"<li><strong>{CANDIDATE_WORDS[c.status]}</strong> <code>{esc(c.rule_id)}</code>{note}"
                       + (f' <span class="muted">({where})</span>' if where else "") + f"{conf}</li>")
        for command, ids_ in unchecked.items():
            out.append(f"<li><strong>unchecked</strong> (run <code>{esc(command)}</code>): "
                       + ", ".join(f"<code>{esc(r)}</code>" for r in ids_) + "</li>")
        out.append("</ul>")
    return "".join(out)


def _finding(f, single: str | None, anchor: str) -> str:
    sure = "suspected, confidence low" if f.suspected else f"confidence {f.confidence}"
    out = [f'<div class="finding {f.severity}" id="{anchor}"><h4><span class="sev sev-{f.severity}">'
           f'{f.severity.upper()}</span> <code>{esc(f.rule_id)}</code> {esc(f.title)} '
           f'<span class="muted">[{sure}]</span></h4><p>{esc(f.message)}</p>']
    if f.evidence:
        lines = "\n".join(f'<span class="ln">{_at(single, e.path, e.line)}:</span>  {esc(e.text)}'
                          for e in f.evidence)
        out.append(f'<pre class="ev">{lines}</pre>')
    if f.suspected:
        out.append(f"<p>Confirm with {', '.join(f'<code>{esc(c)}</code>' for c in f.confirm_with)}: confirmed by "
                   f"{esc(f.confirmed_by)}; ruled out by {esc(f.ruled_out_by)}.</p>")
    if f.fix.strip():
        out.append(f'<p>Fix:</p><div class="block"><pre class="cp" data-what="the fix of {esc(f.rule_id)}">'
                   f"{esc(f.fix)}</pre></div>")
    verify = list(f.verify_expect) or [(c, None) for c in f.verify]
    if verify:
        commands = "\n".join(c for c, _ in verify)
        out.append(f'<p>Verify:</p><div class="block"><pre class="cp" data-what="the verify commands of '
                   f'{esc(f.rule_id)}">{esc(commands)}</pre></div>')
        expects = [(c, e) for c, e in verify if e]
        if expects:
            out.append("<ul>" + "".join(f"<li><code>{esc(c)}</code>: expect {esc(e)}</li>" for c, e in expects)
                       + "</ul>")
    if f.references:
        out.append(f'<p class="muted">References: {esc("; ".join(f.references))}</p>')
    out.append("</div>")
    return "".join(out)


def device_section(report: Report, idx: int, dev, findings, g, not_evaluated, collect, opened: bool,
                   full: bool = True) -> str:
    status = g.status if g is not None else ("findings" if findings else "healthy")
    counts = ", ".join(plural(sum(1 for f in findings if f.severity == s), s) for s in SEV_ORDER)
    head = " · ".join(p for p in (dev.platform, f"NX-OS {dev.release}" if dev.release else None,
                                  MODE_NAMES.get(dev.mode, dev.mode)) if p)
    out = [f'<details class="device" id="dev-{idx}"{" open" if opened else ""}><summary>{esc(dev.name)} '
           f'<span class="muted">{esc(head)} · {status} · {counts}</span></summary>',
           _card(dev, report, full)]
    svg = timeline_svg(dev, idx)
    if svg:
        out.append(f'<h3>Licensing timeline</h3><div class="scroll">{svg}</div>{TIMELINE_LEGEND if full else ""}')
        if opened:  # a fleet's sections leave it out: the marks' titles and the fleet table say it
            out.append(events_table(dev))
    if g is not None:
        out.append(_diagnosis(g, dev, findings, idx, full))
    single = dev.inputs[0] if len(dev.inputs) == 1 else None
    if not full:
        import shlex

        inputs = " ".join(shlex.quote(p) for p in dev.inputs)
        if findings or not_evaluated:
            out.append(f"<p class=\"muted\">{plural(len(not_evaluated), 'rule')} not evaluated. Evidence, fix and "
                       f"verify of each finding: <code>diag check -f html {esc(inputs)}</code></p>")
        if collect:
            out.append("<p>Collect next: " + ", ".join(f"<code>{esc(c.command)}</code>" for c in collect) + "</p>")
        out.append("</details>")
        return "\n".join(out)
    if findings:
        out.append(f"<h3>Findings ({len(findings)})</h3>")
        for n, f in sorted(enumerate(findings), key=lambda nf: (SEV_ORDER[nf[1].severity], nf[1].path,
                                                                 nf[1].line, nf[1].rule_id)):
            out.append(_finding(f, single, f"f-{idx}-{n}"))
    else:
        out.append("<p>No problems found in what was captured.</p>")
    if not_evaluated:
        out.append(f"<h3>Not evaluated ({len(not_evaluated)})</h3><p class=\"muted\">What was captured does not "
                   "settle these rules; they never fail a run.</p><ul>")
        needs: dict[tuple, list[str]] = {}
        for n in not_evaluated:
            needs.setdefault((n.needs, n.reason), []).append(n.rule_id)
        for (what, reason), ids_ in needs.items():
            out.append(f"<li>{esc(', '.join(ids_))}: need {esc(' or '.join(what))}"
                       + (f" ({esc(reason)})" if reason else "") + "</li>")
        out.append("</ul>")
    if collect:
        out.append('<h3>Collect next</h3><ul class="checklist">')
        for k, c in enumerate(collect):
            confirms = (f"; confirms or rules out suspected {esc(', '.join(c.confirms))}" if c.confirms else "")
            out.append(f'<li><label><input type="checkbox"> <code>{esc(c.command)}</code></label> '
                       f'<span class="muted">settles {esc(", ".join(c.settles))}{confirms}</span></li>')
        out.append("</ul>")
    out.append("</details>")
    return "\n".join(out)


# -- the page ------------------------------------------------------------------------

def _head(title: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="referrer" content="no-referrer">\n'
            f"<title>{esc(title)}</title>\n<style>{STYLE}</style></head>\n<body><main>\n")


def chunks(report: Report, **_):
    devices = list(report.devices)
    names = [d.name for d in devices]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    yield _head(f"diag: {shown or 'no device'}")
    by_name: dict[str, list] = {}
    for f in report.findings:
        by_name.setdefault(f.device, []).append(f)
    diagnoses = report.diagnoses if len(report.diagnoses) == len(devices) else [None] * len(devices)
    not_eval: dict[str, list] = {}
    for n in report.outcome.not_evaluated:
        not_eval.setdefault(n.key, []).append(n)
    collect: dict[str, list] = {}
    for c in report.outcome.collect_next:
        collect.setdefault(c.key, []).append(c)
    skipped = sum(report.skipped_sections().values())
    used = sum(i.sections for i in report.inputs)
    yield (f"<h1>NX-OS Smart Licensing and Call Home: {esc(shown or 'no device')}</h1>\n"
           f'<p><strong>{esc(tally(report))}</strong> · {plural(len(devices), "device")} · '
           f'{plural(len(report.outcome.not_evaluated), "rule")} not evaluated · {used} command outputs read, '
           f'{skipped} skipped</p>\n<p class="muted">Judged at {day_time(report.now)} UTC '
           f'({esc(NOW_SOURCES.get(report.now_source, report.now_source))}: {esc(report.now_detail)}). '
           f"Written by diag {esc(report.version)}.</p>\n")
    seen: set[str] = set()
    rows = []
    for i, (dev, g) in enumerate(zip(devices, diagnoses)):
        # two devices of one name (a file and a host name) share the name's findings: shown once
        findings = by_name.get(dev.name, []) if dev.name not in seen else []
        seen.add(dev.name)
        rows.append((i, dev, findings, g))
    if len(devices) > 1:
        yield fleet_view(report, rows) + "\n"
    opened, full = len(devices) <= OPEN_DEVICES, len(devices) <= FULL_DEVICES
    if not full:
        yield (f"<h2>Devices</h2><p class=\"muted\">A run of {len(devices)} devices: each section below holds the "
               "device's state, diagnosis and timeline; the command it names writes that device's full report.</p>"
               f"{TIMELINE_LEGEND}\n")
    for i, dev, findings, g in rows:
        yield device_section(report, i, dev, findings, g, not_eval.get(dev.key, []), collect.get(dev.key, []),
                             opened, full) + "\n"
    notes = []
    for path, problem in report.unread:
        notes.append(f"could not read {shown_path(path)}: {problem}")
    for path, reason in report.skipped_files:
        notes.append(f"skipped {shown_path(path)}: {reason}")
    for info in report.inputs:
        if info.note:
            notes.append(f"{shown_path(info.path)}: {info.note}")
        if not info.sections and not info.unread:  # (an output not read is named in the note)
            notes.append(f"{shown_path(info.path)}: nothing recognised in its {info.lines} line(s)")
    if report.suppressed:
        notes.append(f"{plural(len(report.suppressed), 'finding')} suppressed by inline comments")
    if report.baselined:
        notes.append(f"{plural(len(report.baselined), 'finding')} already in the baseline, not shown")
    if notes:
        yield "<h2>Not read</h2><ul>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>\n"
    yield (f'<footer>diag {esc(report.version)} · an offline report: it loads nothing and sends nothing.'
           f"</footer>\n</main><script>{SCRIPT}</script></body></html>\n")
