"""``show logging`` and syslog lines found anywhere in a capture."""

from __future__ import annotations

import datetime as dt
import re

from diag.facts import Fact
from diag.parsers.base import FactMap, Rows, TextFSMParser

_INNER = re.compile(r"%(?P<fac>[A-Z][A-Z0-9_]*)-(?P<sev>\d)-(?P<mn>[A-Z0-9_]+)")
_NX_EVENT = re.compile(r"^LOG_SMART_LIC_(.+)$")
# 'Application(s) shut down in 119 days.', 'shutdown in 119 days', 'expiry in 5 days': the
# countdown a license manager message announces, counted from the message's own time
_COUNTDOWN = re.compile(r"(?i)\b(?:shut ?down|expir\w*|grace period)\b[^.;]{0,40}?\bin\s+(\d{1,5})\s+days?\b")


def _event(facility: str, mnemonic: str) -> str:
    """The Smart Licensing event name shared by both facility spellings.

    NX-OS logs ``%LICMGR-3-LOG_SMART_LIC_COMM_FAILED``, IOS XE
    ``%SMART_LIC-3-COMM_FAILED``: both are the event ``COMM_FAILED``.
    """
    if facility == "SMART_LIC":
        return mnemonic
    m = _NX_EVENT.match(mnemonic)
    return m.group(1) if m else mnemonic


def _post(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    for fact in facts:
        facility, mnemonic = fact.get("facility") or "", fact.get("mnemonic") or ""
        inner = _INNER.search(fact.get("message") or "")
        if facility in ("USER", "SYSLOG") and inner:  # FXOS wraps the real message
            facility, mnemonic = inner.group("fac"), inner.group("mn")
            fact.fields["inner_facility"] = facility
            fact.lines["inner_facility"] = fact.line_of("message")
        fact.fields["event"] = _event(facility, mnemonic)
        fact.lines["event"] = fact.line_of("mnemonic")
        countdown = _COUNTDOWN.search(fact.get("message") or "")
        if countdown:
            fact.fields["countdown_days"] = int(countdown.group(1))
            fact.lines["countdown_days"] = fact.line_of("message")
            if fact.get("time") is not None:
                fact.fields["countdown_end"] = fact.get("time") + dt.timedelta(days=int(countdown.group(1)))
                fact.lines["countdown_end"] = fact.line_of("message")
    _count_events(facts)
    return facts


def _count_events(facts: list[Fact]) -> None:
    """How often each event occurs in this output, and which occurrence is the newest.

    The newest is the one with the latest timestamp when every occurrence has one,
    else the last one printed (logs list the oldest first).
    """
    by_event: dict[str, list[Fact]] = {}
    for fact in facts:
        by_event.setdefault(fact.fields["event"], []).append(fact)
    for same in by_event.values():
        times = [f.get("time") for f in same]
        newest = max(same, key=lambda f: (f.get("time"), f.line)) if all(times) else same[-1]
        for fact in same:
            fact.fields["event_count"] = len(same)
            fact.fields["event_newest"] = fact is newest
            fact.lines["event_count"] = fact.lines["event_newest"] = fact.line_of("event")


PARSER = TextFSMParser(
    "show logging",
    "cisco_nxos_show_logging.textfsm",
    [FactMap("log.event", "A syslog message line", {
        "time": ("TIMESTAMP", "date", "timestamp; read as UTC when the line names no zone, absent when it "
                                      "names no year (IOS-style '*Mar  3 09:12:44.123')"),
        "stamp": ("TIMESTAMP", "raw", "the timestamp exactly as printed"),
        "host": ("HOST", "text", "host name printed in the line, if any"),
        "facility": ("FACILITY", "text", "LICMGR, CALLHOME, SMART_LIC, ..."),
        "severity": ("SEVERITY", "int", "syslog severity 0-7"),
        "mnemonic": ("MNEMONIC", "text", "LOG_SMART_LIC_COMM_FAILED, COMM_FAILED, ..."),
        "message": ("MESSAGE", "text", "message text"),
    }, require="mnemonic", extra={
        "event": ("text", "event name without the facility prefix (COMM_FAILED for both spellings)"),
        "inner_facility": ("text", "facility of a message wrapped in %USER-2-SYSTEM_MSG"),
        "event_count": ("int", "how many messages of the same event this output holds"),
        "event_newest": ("bool", "True for the newest message of its event in this output (latest "
                                 "timestamp, else the last one printed)"),
        "countdown_days": ("int", "the days a message announces until a shutdown or expiry ('shut down "
                                  "in 119 days')"),
        "countdown_end": ("date", "when that countdown ends: the message's time plus those days (absent "
                                  "when the line has no dated timestamp)"),
    })],
    post=_post,
    bare=True,  # any line is log text: a wrapped message's piece is joined back to it
)
