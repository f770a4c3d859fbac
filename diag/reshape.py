"""What a capture picks up on its way to diag, on every line, and taking it off again.

A session pasted into an e-mail comes back quoted (``> leaf01# show clock``), a ticket
or a chat indents it (a Markdown code block: four spaces or a tab; some mail clients one
space), a terminal program or ``ts`` puts a timestamp in front of every line
(``[2026-12-07 03:05:20] leaf01# show clock``). Each of these *layers* hides the prompts
and the outputs the splitter looks for at the start of a line.

The layers are decided once per file, from a sniff of its start (``sniff``): the capture
starts at the first line that is a prompt or the start of a supported output once the
layers it carries are peeled off (``_peel``), and those layers are the file's when most
non-blank lines from there on carry them too. A file whose first recognised line carries
nothing is read as it is; so is a file none of whose lines is recognised (a file of
syslog lines keeps its dates, a config whose only indented lines are children keeps its
indentation). Every line of a decorated file is then given the same treatment
(``Decoration.strip``), forgivingly: a line that lacks a layer (a blank line left
unquoted, a line the mail client did not indent) loses only what it has of it.

A timestamp that carries a date is a reading of the clock of the machine that logged the
session: the newest one per device is kept (``Decoration.clocks``) for the capture's
clock, below any clock the switch printed.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from diag.types import YEARS

SAMPLE_LINES = 300  # non-blank lines sniffed
SAMPLE_BYTES = 1 << 18  # at most this much of the start of a file is sniffed
CARRIED = 0.8  # share of non-blank sniffed lines, from the first recognised one, that carry the layers
MAX_LAYERS = 6

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MON = r"(?P<mon>(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))"
_WDAY = r"(?i:mon|tue|wed|thu|fri|sat|sun)"
_HMS = r"(?P<H>\d{1,2}):(?P<M>\d\d):(?P<S>\d\d)(?:[.,:](?P<f>\d{1,9}))?"
_AMPM = r"(?:\s?(?P<ampm>[AaPp][Mm]))?"
_ZONE = r"(?:\s?(?P<zone>Z|[+-]\d\d:?\d\d|UTC|GMT))?"

# The forms terminal loggers give their timestamps, each as its tool writes it; a form is
# matched whole, with or without brackets around it (see _bracketed). Named groups give the
# date when there is one (Y m d, or mon for a month name).
_FORMS: tuple[tuple[str, str], ...] = (
    # ISO 8601 and its look-alikes: Tera Term, MobaXterm, WindTerm, KiTTY, SecureCRT custom
    # log data, journald, 'ts "%Y-%m-%dT%H:%M:%.S%z"'
    ("YYYY-MM-DD hh:mm:ss", r"(?P<Y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)[T ]" + _HMS + _ZONE),
    ("YYYY/MM/DD hh:mm:ss", r"(?P<Y>\d{4})/(?P<m>\d\d?)/(?P<d>\d\d?)[ ,]\s?" + _HMS + _AMPM + _ZONE),
    ("YYYYMMDD_hhmmss", r"(?P<Y>\d{4})(?P<m>\d\d)(?P<d>\d\d)[_T-]?(?P<H>\d\d)(?P<M>\d\d)(?P<S>\d\d)"),
    # month and day in either order (SecureCRT %M/%D/%Y, a Windows locale's short date):
    # a clock only when the numbers settle the order
    ("MM/DD/YYYY hh:mm:ss", r"(?P<a>\d\d?)/(?P<b>\d\d?)/(?P<Y>\d{4}),?\s" + _HMS + _AMPM + _ZONE),
    ("DD.MM.YYYY hh:mm:ss", r"(?P<d>\d\d?)\.(?P<m>\d\d?)\.(?P<Y>\d{4}),?\s" + _HMS + _ZONE),
    # C's ctime with milliseconds: Tera Term before 4.97, 'date'
    ("Day Mon DD hh:mm:ss YYYY", _WDAY + r"\s" + _MON + r"\s{1,2}(?P<d>\d\d?)\s" + _HMS + r"\s(?P<Y>\d{4})"),
    # moreutils ts's default "%b %d %H:%M:%S" (no year: no clock)
    ("Mon DD hh:mm:ss", _MON + r"\s{1,2}(?P<d>\d\d?)\s" + _HMS),
    # a time alone: ts -s / -i, SecureCRT %h:%m:%s, ZOC, elapsed times
    ("hh:mm:ss", _HMS + _AMPM),
)


@functools.cache
def _bracketed() -> tuple[tuple[str, re.Pattern], ...]:
    """Each form bare, in brackets and in parentheses, compiled the first time a line is
    peeled (a capture that starts undecorated, nearly all of them, never needs them)."""
    return tuple((shown, re.compile(open_ + body + close))
                 for name, body in _FORMS
                 for shown, open_, close in ((f"[{name}]", r"\[", r"\]"), (f"({name})", r"\(", r"\)"),
                                             (name, "", "")))
# What separates a timestamp from the line it stamps, the first that follows it on the line
# the file's form is taken from; more spaces after it are the line's own indentation.
_SEPARATORS = (" - ", " | ", ": ", ":\t", " ", "\t")


def _stamp_layer(text: str) -> Layer | None:
    """The timestamp layer ``text`` starts with: its form, and the separator after it."""
    for shown, pattern in _bracketed():
        m = pattern.match(text)
        if m is None:
            continue
        sep = next((s for s in _SEPARATORS if text.startswith(s, m.end())), None)
        if sep is None:
            continue
        # a stamped blank line keeps what is left of the separator once trailing blanks go
        end = f"{re.escape(sep)}|{re.escape(sep.rstrip())}$" if sep.strip() else f"{re.escape(sep)}|$"
        return Layer("stamp", shown + sep, re.compile(f"{pattern.pattern}(?:{end})"))
    return None


@dataclass(frozen=True)
class Layer:
    """One decoration every line carries: ``indent`` (the whitespace), ``quote`` (the mark,
    ``>`` or ``> ``) or ``stamp`` (a timestamp form of ``_FORMS`` and its separator; ``stamp``
    matches both)."""

    kind: str
    text: str = ""
    stamp: re.Pattern | None = None

    def carried(self, text: str) -> bool:
        """Whether ``text`` carries the layer (a line left blank by the outer layers does)."""
        if not text.strip():
            return True
        if self.kind == "indent":
            return text.startswith(self.text)
        if self.kind == "quote":
            return text.startswith(">")
        assert self.stamp is not None
        return self.stamp.match(text) is not None

    def peel(self, text: str) -> tuple[str, re.Match | None]:
        """``text`` without what it has of this layer, and the timestamp it carried."""
        if self.kind == "indent":
            if text.startswith(self.text):
                return text[len(self.text):], None
            width = len(text) - len(text.lstrip())
            return text[min(width, len(self.text)):], None  # a line less indented than the rest
        if self.kind == "quote":
            if not text.startswith(">"):
                return text, None
            return text[2:] if self.text == "> " and text[1:2] == " " else text[1:], None
        assert self.stamp is not None
        m = self.stamp.match(text)
        if m is None:
            return text, None
        return text[m.end():], m

    def describe(self) -> str:
        if self.kind == "indent":
            tabs, spaces = self.text.count("\t"), self.text.count(" ")
            parts = ([f"{spaces} space{'s' if spaces > 1 else ''}"] if spaces else []) + (
                [f"{tabs} tab{'s' if tabs > 1 else ''}"] if tabs else [])
            return "indented by " + " and ".join(parts)
        if self.kind == "quote":
            return f"quoted with '{self.text}'"
        return f"timestamped '{self.text}'"


@dataclass
class Decoration:
    """The layers of a file, outermost first, and the clock its dated timestamps give."""

    layers: tuple[Layer, ...]
    # device (the splitter's host at that line; None before any prompt) ->
    # (newest dated timestamp, its line number, the line as read)
    clocks: dict[str | None, tuple[dt.datetime, int, str]] = field(default_factory=dict)

    def strip(self, text: str) -> tuple[str, dt.datetime | None]:
        """The line without its decoration, and the date and time its timestamp gives."""
        when = None
        for layer in self.layers:
            text, m = layer.peel(text)
            if m is not None:
                when = stamp_time(m)
        return text, when

    def note(self, host: str | None, when: dt.datetime, no: int, text: str) -> None:
        """Keep the newest dated timestamp seen for ``host``."""
        best = self.clocks.get(host)
        if best is None or when >= best[0]:
            self.clocks[host] = (when, no, text)

    def describe(self) -> str:
        return ", ".join(layer.describe() for layer in self.layers)


# The lines a terminal logger writes above a session it logs (and script below it), with the
# date and time: PuTTY's '=~=~=~... PuTTY log 2026.12.07 03:05:20 =~=~=~...', util-linux
# script's 'Script started on 2026-12-07 03:05:20+00:00 [TERM=...]' and 'Script done on ...',
# and the ctime forms BSD and older util-linux script write. A zone other than UTC, GMT or an
# offset is not guessed: no clock.
@functools.cache
def _log_headers() -> tuple[tuple[str, re.Pattern], ...]:
    """Compiled for the first line that starts as one (``LOG_HEADER_STARTS``)."""
    return (
        ("PuTTY log header", re.compile(r"=~=~=~=~=~=~=~=~=~=~=~= PuTTY log (?P<Y>\d{4})\.(?P<m>\d\d)\.(?P<d>\d\d) "
                                        + _HMS)),
        ("script log", re.compile(r"Script (?:started|done) on (?P<Y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)[T ]" + _HMS
                                  + _ZONE + r"(?:\s|$)")),
        ("script log", re.compile(r"Script (?:started|done) on " + _WDAY + r"\s" + _MON + r"\s{1,2}(?P<d>\d\d?)\s"
                                  + _HMS + r"\s(?P<Y>\d{4})\s*$")),
        ("script log", re.compile(r"Script (?:started|done) on " + _WDAY + r",?\s(?P<d>\d\d?)\s" + _MON
                                  + r"\s(?P<Y>\d{4}),?\s" + _HMS + _AMPM + r"(?:\s(?P<zone>UTC|GMT))?\s*$")),
    )


LOG_HEADER_STARTS = ("=~=~=~=~=~=~=~=~=~=~=~= PuTTY log ", "Script started on ", "Script done on ")


def log_header(text: str) -> tuple[dt.datetime, str] | None:
    """The date and time a terminal logger's header or footer line gives, and what the line
    is; None for any other line (``text`` starting with one of ``LOG_HEADER_STARTS``)."""
    for what, pattern in _log_headers():
        m = pattern.match(text)
        if m is not None:
            when = stamp_time(m)
            return (when, what) if when is not None else None
    return None


def stamp_time(m: re.Match) -> dt.datetime | None:
    """The aware date and time a timestamp says (a time without a zone is read as UTC, as
    diag reads the switch's own); None when it has no date, or one whose order is unsure."""
    g = m.groupdict()
    if g.get("Y") is None:
        return None
    try:
        year = int(g["Y"])
        if g.get("mon"):
            month = _MONTHS.index(g["mon"].lower()) + 1
            day = int(g["d"])
        elif g.get("a") is not None:
            a, b = int(g["a"]), int(g["b"])
            if a > 12 >= b or a == b:
                day, month = a, b
            elif b > 12 >= a:
                month, day = a, b
            else:
                return None  # 03/04/2026: the third of April or the fourth of March
        else:
            month, day = int(g["m"]), int(g["d"])
        hour = int(g["H"])
        ampm = (g.get("ampm") or "").lower()
        if ampm:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        if not YEARS[0] <= year <= YEARS[1]:
            return None
        micro = int(((g.get("f") or "") + "000000")[:6])
        when = dt.datetime(year, month, day, hour, int(g["M"]), int(g["S"]), micro, tzinfo=dt.timezone.utc)
    except ValueError:
        return None
    zone = g.get("zone")
    if zone and zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        when -= offset if zone[0] == "+" else -offset
    return when


def _peel(text: str) -> list[tuple[tuple[Layer, ...], str]]:
    """Every way of peeling layers off the start of ``text``, shallowest first, each with
    what is left of the line: each adds one layer (the whole leading whitespace, a quote
    mark, a timestamp) to the one before."""
    out: list[tuple[tuple[Layer, ...], str]] = []
    layers: tuple[Layer, ...] = ()
    for _ in range(MAX_LAYERS):
        if text[:1] in (" ", "\t"):
            rest = text.lstrip(" \t")
            layer = Layer("indent", text[:len(text) - len(rest)])
        elif text[:1] == ">":
            layer = Layer("quote", "> " if text[1:2] == " " else ">")
            rest = layer.peel(text)[0]
        else:
            stamp = _stamp_layer(text)
            if stamp is None:
                break
            layer = stamp
            rest = layer.peel(text)[0]
        if not rest.strip():
            break
        layers += (layer,)
        text = rest
        out.append((layers, rest))
    return out


def recognised(text: str) -> bool:
    """Whether a line starts a capture: a prompt, a show tech-support header, a console
    message, a line only a supported output starts with (where diag.split opens a section),
    or a line only another platform prints (diag.platforms: a decorated IOS XE paste is
    recognised as one when its decoration is off)."""
    from diag.split import starts_capture  # diag.split reads this module's logger headers

    return starts_capture(text)


def _carries(layers: tuple[Layer, ...], text: str) -> bool:
    for layer in layers:
        if not layer.carried(text):
            return False
        text = layer.peel(text)[0]
    return True


def sniff(lines: list[str]) -> Decoration | None:
    """The decoration of a file whose first clean lines are ``lines``; None for none."""
    sample = [t for t in lines if t.strip()][:SAMPLE_LINES]
    for i, text in enumerate(sample):
        if recognised(text):
            return None  # the capture starts undecorated
        deepest = None
        for layers, rest in _peel(text):
            if recognised(rest):
                deepest = layers
        if deepest is None:
            continue
        tail = sample[i:]
        if sum(_carries(deepest, t) for t in tail) >= CARRIED * len(tail):
            return Decoration(deepest)
        return None
    return None
