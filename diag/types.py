"""Typed values: the one place where parser strings become dates, numbers, releases.

Each converter takes the stripped string a template captured and returns a
typed value, or ``None`` when the string is empty or a placeholder such as
``<none>``/``<empty>``/``Not Configured``. Converters never raise on content.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any, Callable
from urllib.parse import urlsplit

from diag.version import Release

UTC = dt.timezone.utc
# Years a switch can print: dates outside are not read (date arithmetic near year 1 or
# 9999 overflows, and no licence lives there).
YEARS = (1970, 2999)

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_FULL_MONTHS = {"january", "february", "march", "april", "june", "july", "august", "september",
                "sept", "october", "november", "december"}
_DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
# Zone abbreviations seen in NX-OS/IOS output; hours east of UTC.
ZONES = {
    "utc": 0, "gmt": 0, "z": 0, "wet": 0, "bst": 1, "west": 1, "cet": 1, "cest": 2, "met": 1,
    "mest": 2, "eet": 2, "eest": 3, "msk": 3, "ist": 5.5, "sgt": 8, "hkt": 8, "awst": 8,
    "cst": -6, "cdt": -5, "est": -5, "edt": -4, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "akst": -9, "akdt": -8, "hst": -10, "jst": 9, "kst": 9, "aest": 10, "aedt": 11,
    "acst": 9.5, "nzst": 12, "nzdt": 13, "brt": -3, "art": -3,
}
_TIME = re.compile(r"^\*?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$")
_DATE_TOKEN = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")  # 2024-01-20 followed by a time and a zone
_OFFSET_TOKEN = re.compile(r"^([+-])(\d{2}):?(\d{2})$")  # +0530, -08:00 after the time
_PLACEHOLDERS = {"", "<none>", "<empty>", "none", "not configured", "n/a", "-", "never"}


def blank(text: str | None) -> bool:
    """Whether a captured value is empty or a placeholder (``<none>``, ``N/A``, ``never``...)."""
    return text is None or text.strip().lower() in _PLACEHOLDERS


_EMPTY_TEXT = {"", "<none>", "<empty>", "not configured"}


def to_text(text: str | None) -> str | None:
    """Stripped text; ``<none>``, ``<empty>`` and ``Not Configured`` are ``None``."""
    text = (text or "").strip()
    return None if text.lower() in _EMPTY_TEXT else text


def to_raw(text: str | None) -> str | None:
    """Stripped text exactly as printed, placeholders included."""
    return (text or "").strip() or None


def to_upper(text: str | None) -> str | None:
    """Upper-case with single spaces: ``Not Allowed`` -> ``NOT ALLOWED``."""
    text = to_text(text)
    return " ".join(text.upper().split()) if text else None


_INT = re.compile(r"-?\d+")


def to_int(text: str | None) -> int | None:
    if blank(text):
        return None
    m = _INT.search(text or "")
    return int(m.group(0)) if m else None


def to_bool(text: str | None) -> bool | None:
    """ENABLED/DISABLED, True/False, yes/no, on/off; placeholders are ``None``."""
    if text is None:
        return None
    word = text.strip().lower()
    if word in ("enabled", "enable", "true", "yes", "on", "allowed", "installed"):
        return True
    if word in ("disabled", "disable", "false", "no", "off", "not allowed", "not installed"):
        return False
    return None


def to_datetime(text: str | None) -> dt.datetime | None:
    """See ``_to_datetime``; cached, since outputs repeat the same stamps many times."""
    return None if text is None else _to_datetime(text)


@functools.lru_cache(maxsize=8192)
def _to_datetime(text: str) -> dt.datetime | None:
    """Parse the date forms NX-OS prints, in any token order, to an aware datetime.

    ``Jun 22 16:15:41 2022 UTC`` (Smart Agent), ``Wed Jun 22 16:16:28 2022``
    (``!Time:``), ``16:16:28.123 UTC Wed Jun 22 2022`` (``show clock``),
    ``2022 Jun  2 16:15:41.123`` (syslog), ISO 8601 ``2022-06-22T16:15:41Z``,
    ``2022-06-22 16:15:41 UTC``; a zone by name or as an offset (``+0530``, ``-08:00``).
    A missing zone is read as UTC; an unknown zone abbreviation too.
    """
    if blank(text):
        return None
    iso = _iso(text or "")
    if iso is not None:
        return iso
    year = month = day = None
    hh = mm = ss = us = 0
    have_time = False
    offset = 0.0
    tokens = (text or "").replace(",", " ").split()
    zone_at = _zone_index(tokens)
    for i, tok in enumerate(tokens):
        if i == zone_at and tok.lower() not in ZONES and not _OFFSET_TOKEN.match(tok):
            continue  # a zone of the site's naming (MAR, SUN, PST8): not a month or a day
        low = tok.lower().rstrip(".")
        if month is None and _month_word(tok):
            month = _MONTHS[low[:3]]
            continue
        if low[:3] in _DAYS and low.isalpha():
            continue
        tm = _TIME.match(tok)
        if tm and not have_time:
            hh, mm = int(tm.group(1)), int(tm.group(2))
            ss = int(tm.group(3) or 0)
            frac = tm.group(4) or ""
            us = int((frac + "000000")[:6]) if frac else 0
            have_time = True
            continue
        if tok.isascii() and tok.isdigit():  # isdigit() alone accepts "¹", which int() refuses
            num = int(tok)
            if len(tok) == 4 and year is None:
                year = num
            elif day is None and 1 <= num <= 31:
                day = num
            continue
        dm = _DATE_TOKEN.match(tok)
        if dm and year is None:
            year, month, day = int(dm.group(1)), int(dm.group(2)), int(dm.group(3))
            continue
        om = _OFFSET_TOKEN.match(tok)
        if om and have_time:
            sign = -1 if om.group(1) == "-" else 1
            offset = sign * (int(om.group(2)) + int(om.group(3)) / 60)
            continue
        if low in ZONES:
            offset = ZONES[low]
    if year is None or month is None or day is None or not YEARS[0] <= year <= YEARS[1]:
        return None
    try:
        local = dt.datetime(year, month, day, hh, mm, ss, us)
    except ValueError:
        return None
    return (local - dt.timedelta(hours=offset)).replace(tzinfo=UTC)


def _month_word(tok: str) -> bool:
    low = tok.lower().rstrip(".")
    return low.isalpha() and low[:3] in _MONTHS and (len(low) == 3 or low in _FULL_MONTHS)


def _zone_index(tokens: list[str]) -> int | None:
    """Where the zone stands in show clock's form ``HH:MM:SS.mmm <zone> <day> <month> <dd>
    <yyyy>``: right after the time, unless the day and month follow the time directly."""
    for i, tok in enumerate(tokens[:-1]):
        if _TIME.match(tok):
            nxt = tokens[i + 1]
            if nxt.isdigit():
                return None  # a year or a day: no zone here
            if nxt.lower()[:3] in _DAYS and nxt.isalpha() and i + 2 < len(tokens) and _month_word(tokens[i + 2]):
                return None  # Tue May 16 ...: no zone
            if _month_word(nxt) and not any(_month_word(t) for t in tokens[i + 2:]):
                return None  # the only month of the text
            return i + 1
    return None


def zone_of(text: str | None) -> tuple[str | None, bool]:
    """The zone a date text names after its time (``MEZ`` in ``10:15:02.117 MEZ Tue May 16
    2023``) and whether ``to_datetime`` knows its offset; ``(None, True)`` for none."""
    tokens = (text or "").split()
    at = _zone_index(tokens)
    if at is None:
        return None, True
    tok = tokens[at]
    return tok, bool(_OFFSET_TOKEN.match(tok)) or tok.lower() in ZONES


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?$", re.I)


def _iso(text: str) -> dt.datetime | None:
    """``2022-06-22T16:15:41Z`` / ``2022-06-22 16:15:41+02:00``; no offset is UTC."""
    text = text.strip()
    if not _ISO.match(text):
        return None
    if text[-1:] in "zZ":
        text = text[:-1] + "+00:00"
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if not YEARS[0] <= value.year <= YEARS[1]:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


MAX_DURATION = dt.timedelta(days=36500)  # a hundred years: longer is not a timer diag can judge
_DURATION = re.compile(r"(\d+)\s*(week|day|hour|minute|min|second|sec)s?", re.I)
_UNITS = {"wee": "weeks", "day": "days", "hou": "hours", "min": "minutes", "sec": "seconds"}  # by 3 letters


def to_duration(text: str | None) -> dt.timedelta | None:
    """``89 days, 23 hours, 50 minutes, 7 seconds`` -> timedelta (also ``1 day(s)``, ``2 weeks``)."""
    if blank(text):
        return None
    total = dt.timedelta()
    found = False
    for num, unit in _DURATION.findall(text or ""):
        found = True
        if len(num) > 7:  # more than 27,000 years in any unit: not a licence timer
            return None
        total += dt.timedelta(**{_UNITS[unit[:3].lower()]: int(num)})
    if total > MAX_DURATION:
        return None
    return total if found else None


def to_release(text: str | None) -> Release | None:
    return None if blank(text) else Release.parse(text or "")


def to_url(text: str | None) -> str | None:
    return None if blank(text) else (text or "").strip()


CONVERTERS: dict[str, Callable[[str | None], Any]] = {
    "text": to_text,
    "raw": to_raw,
    "upper": to_upper,
    "int": to_int,
    "bool": to_bool,
    "date": to_datetime,
    "duration": to_duration,
    "release": to_release,
    "url": to_url,
}


def url_parts(url: str | None) -> tuple[str, str, str]:
    """``(scheme, host, path)`` of a URL; empty strings when absent."""
    if not url:
        return "", "", ""
    try:
        parts = urlsplit(url)
        return parts.scheme.lower(), (parts.hostname or ""), parts.path
    except ValueError:
        return "", "", ""


def to_json(value: Any) -> Any:
    """A JSON-ready form of a typed value."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return round(value.total_seconds() / 86400, 4)
    if isinstance(value, Release):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def format_value(value: Any) -> str:
    """A human form of a typed value, for messages."""
    if value is None:
        return "?"
    if isinstance(value, dt.datetime):
        return value.strftime("%b %d %Y %H:%M UTC")
    if isinstance(value, dt.timedelta):
        days = value.total_seconds() / 86400
        return f"{days:.0f} days" if days >= 1 else f"{value.total_seconds() / 3600:.0f} hours"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
