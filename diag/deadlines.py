"""``diag deadlines``: the dated licensing events of a run's devices as a table, CSV,
iCalendar (RFC 5545) or JSON, and whether a deadline falls within a window.

Everything here reads the events the run kept per device (``DeviceSummary.events``,
made by ``diag.timeline``) and the time each device was judged at: nothing is parsed
again. Each writer is a function from a report to text pieces; the CLI writes them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from typing import Iterator

from diag import __version__
from diag.model import DeviceSummary, Report
from diag.timeline import Event

FORMATS = ("table", "csv", "ics", "json")
SCHEMA = "diag-deadlines/1"
DEFAULT_ALARM = dt.timedelta(days=7)
MAX_WINDOW_DAYS = 36500

_WINDOW = re.compile(r"^\s*(\d{1,6})\s*([dw]?)\s*$", re.I)


def parse_window(text: str) -> dt.timedelta:
    """``30d``, ``4w`` or ``30`` (days) as a time span; ``ValueError`` with the reason otherwise."""
    m = _WINDOW.match(text or "")
    if not m:
        raise ValueError(f"'{text}' is not a window: give a number of days or weeks, e.g. 30d or 4w")
    days = int(m.group(1)) * (7 if m.group(2).lower() == "w" else 1)
    if days > MAX_WINDOW_DAYS:
        raise ValueError(f"'{text}': give at most {MAX_WINDOW_DAYS} days")
    return dt.timedelta(days=days)


def due(report: Report, window: dt.timedelta) -> list[tuple[DeviceSummary, Event]]:
    """The deadlines at or before each device's time plus ``window`` (passed ones too)."""
    return [(d, e) for d in report.devices for e in d.events if d.now is not None and e.due_within(d.now, window)]


def _iso(when: dt.datetime | None) -> str:
    return when.isoformat() if when is not None else ""


def _days(event: Event, now: dt.datetime | None) -> float | None:
    return None if now is None else round(event.days(now), 2)


# -- table ---------------------------------------------------------------------------

def _ago(days: float | None) -> str:
    if days is None:
        return "?"
    whole = int(days)  # towards zero: 'today' within a day either side
    return "today" if whole == 0 else f"{whole:+d}"


def _clean(text: str) -> str:
    """A value from a capture on one line of a terminal table: control characters shown, not obeyed."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: f"\\x{ord(m.group()):02x}", text)


def table_chunks(report: Report, window: dt.timedelta | None = None) -> Iterator[str]:
    count = sum(len(d.events) for d in report.devices)
    yield (f"diag {__version__} · {len(report.devices)} device{'s' if len(report.devices) != 1 else ''} · "
           f"{count} dated licensing event{'s' if count != 1 else ''}\n")
    for dev in report.devices:
        out = ["", f"{_clean(dev.name)}  (judged at {_when(dev.now)}, {_source(dev)})"]
        if not dev.events:
            out.append("  no dated licensing event in its outputs")
        else:
            out.append(f"  {'DATE (UTC)':<16}  {'DAYS':>6}  {'KIND':<27}  {'STATUS':<14}  SOURCE")
        for e in dev.events:
            mark = " *" if window is not None and dev.now is not None and e.due_within(dev.now, window) else ""
            days = e.days(dev.now) if dev.now is not None else None
            out.append(f"  {e.date.strftime('%Y-%m-%d %H:%M'):<16}  {_ago(days):>6}  {e.kind:<27}  "
                       f"{(e.status(dev.now) if dev.now else '?'):<14}  {_clean(e.path)}:{e.line}{mark}")
            if e.reason:
                out.append(f"  {'':<16}  {'':>6}  failure reason: {_clean(e.reason)}")
            if e.computed and e.note:
                out.append(f"  {'':<16}  {'':>6}  {_clean(e.note)}")
        yield "\n".join(out) + "\n"
    if window is not None:
        hits = due(report, window)
        yield (f"\n{len(hits)} deadline{'s' if len(hits) != 1 else ''} within {window.days} days of each device's "
               f"time (passed ones included; marked *)\n")


def _when(now: dt.datetime | None) -> str:
    return now.strftime("%b %d %Y %H:%M UTC") if now is not None else "?"


def _source(dev: DeviceSummary) -> str:
    if dev.now_source == "capture" and dev.clock is not None:
        return f"capture: {_clean(dev.clock[1])}"
    return {"option": "--now", "system": "this machine's clock", "capture": "capture"}.get(dev.now_source,
                                                                                         dev.now_source)


# -- CSV -----------------------------------------------------------------------------

CSV_COLUMNS = ("device", "kind", "label", "date", "deadline", "role", "status", "days_from_now", "failed",
               "reason", "note", "computed", "path", "line", "text", "judged_at", "now_source")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str | None) -> str:
    """Text from a capture as a CSV cell a spreadsheet shows as text: one that starts like a
    formula (=, +, -, @) gets a leading apostrophe (OWASP's advice against CSV injection)."""
    text = text or ""
    return "'" + text if len(text) > 1 and text.startswith(_FORMULA) else text


def csv_chunks(report: Report, window: dt.timedelta | None = None) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for dev in report.devices:
        for e in dev.events:
            days = _days(e, dev.now)
            writer.writerow([
                _cell(dev.name), e.kind, e.label, _iso(e.date), "yes" if e.deadline else "no", e.role,
                e.status(dev.now) if dev.now else "", "" if days is None else f"{days:.2f}",
                "yes" if e.failed else "no", _cell(e.reason), _cell(e.note), "yes" if e.computed else "no",
                _cell(e.path), e.line, _cell(e.text), _iso(dev.now), dev.now_source])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    if buf.getvalue():
        yield buf.getvalue()


# -- iCalendar (RFC 5545) -----------------------------------------------------------

def _ics_text(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped;
    other control characters, which TEXT may not hold, become U+FFFD."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]", "\ufffd", text)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character,
    each piece ended by CRLF and every continuation begun with a space."""
    data = line.encode("utf-8", "replace")
    if len(data) <= 75:
        return line + "\r\n"
    pieces, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # not inside a character
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # the leading space of a continuation counts
    return "\r\n ".join(pieces) + "\r\n"


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def uid(dev: DeviceSummary, event: Event) -> str:
    """The same deadline of the same device gives the same UID in every export, so a
    calendar updates the event it already holds instead of adding another."""
    digest = hashlib.sha256(f"{dev.key}\x00{event.kind}\x00{_stamp(event.date)}".encode("utf-8", "surrogatepass"))
    return f"{digest.hexdigest()[:32]}@diag"


def _duration(span: dt.timedelta) -> str:
    days = span.days
    return f"P{days // 7}W" if days and days % 7 == 0 else f"P{days}D"


def ics_chunks(report: Report, window: dt.timedelta | None = None) -> Iterator[str]:
    alarm = window if window else DEFAULT_ALARM
    yield "".join(_fold(x) for x in (
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//diag//diag deadlines {__version__}//EN",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:diag licensing deadlines"))
    for dev in report.devices:
        failures = [f"Failed: {f.label.lower()} on {f.date.strftime('%b %d %Y %H:%M UTC')}"
                    + (f", failure reason: {f.reason}" if f.reason else "") + f" ({f.path}:{f.line})"
                    for f in dev.events if f.failed]
        for e in dev.events:
            if not e.deadline:
                continue
            summary = f"{dev.name}: {e.label}"
            about = [f"Smart Licensing: {summary}, {e.date.strftime('%b %d %Y %H:%M:%S UTC')}.",
                     f"Source: {e.path}:{e.line}", f"  {e.text.strip()}"]
            if e.note:
                about.append(f"Note: {e.note}")
            if dev.now is not None:
                about.append(f"Status when judged at {_when(dev.now)}: {e.status(dev.now).replace('_', ' ')}.")
            about.extend(failures)  # why the deadline may not be met
            lines = [
                "BEGIN:VEVENT", f"UID:{uid(dev, e)}",
                f"DTSTAMP:{_stamp(dev.now or report.now)}",
                f"DTSTART:{_stamp(e.date)}", f"DTEND:{_stamp(e.date + dt.timedelta(minutes=30))}",
                f"SUMMARY:{_ics_text(summary)}", f"DESCRIPTION:{_ics_text(chr(10).join(about))}",
                f"CATEGORIES:diag,{e.kind}", "TRANSP:TRANSPARENT",
                "BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{_ics_text(summary)}",
                f"TRIGGER:-{_duration(alarm)}", "END:VALARM", "END:VEVENT",
            ]
            yield "".join(_fold(x) for x in lines)
    yield _fold("END:VCALENDAR")


# -- JSON ----------------------------------------------------------------------------

def as_dict(report: Report, window: dt.timedelta | None = None) -> dict:
    from diag.types import to_json

    return {
        "schema": SCHEMA,
        "tool": {"name": "diag", "version": report.version},
        "now": to_json(report.now),
        "now_source": report.now_source,
        "within_days": window.days if window is not None else None,
        "due": len(due(report, window)) if window is not None else None,
        "devices": [{"device": d.name, "inputs": list(d.inputs), "now": to_json(d.now), "now_source": d.now_source,
                     "events": [e.to_json(d.now) for e in d.events]} for d in report.devices],
        "unread": [{"path": p, "problem": m} for p, m in report.unread],
    }


def json_chunks(report: Report, window: dt.timedelta | None = None, pretty: bool = True) -> Iterator[str]:
    from diag.report import json_chunks as write

    yield from write(as_dict(report, window), pretty)
    yield "\n"


WRITERS = {"table": table_chunks, "csv": csv_chunks, "ics": ics_chunks}


def chunks(report: Report, fmt: str, window: dt.timedelta | None = None, pretty: bool = True) -> Iterator[str]:
    if fmt == "json":
        return json_chunks(report, window, pretty)
    return WRITERS[fmt](report, window)
