"""The licensing timeline: every dated licensing event of a device, with its provenance.

``events_of(device)`` is a pure function from a built device (its facts) to the sorted
list of its dated licensing events: registration, authorization, the last and next
renewal and communication attempts (failed ones marked, with the failure reason when the
output prints one), the communication deadline, the registration (ID certificate)
expiry, the evaluation end, and for Smart Licensing Using Policy the last ACK, the next
ACK deadline, the last and next report push, the trust code and policy installs.

An ``Event`` is a small frozen value: what happened or is due (``kind``, a stable
snake-case id; ``KINDS`` describes each), when (an aware UTC datetime), and where the
output says so (path, line, line text), like a fact. It holds no reference to the
device's sections or facts, so a run keeps the events of a judged device in its
``DeviceSummary`` (``events``) once the device is let go, and the reports (``-f json``,
``diag deadlines``, an HTML timeline, a fleet chart) draw from them without parsing
anything again. Whether an event has passed or falls within a window depends on the
time the device is judged at, so it is asked of the event (``status(now)``), not
stored in it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from diag.types import to_datetime, to_json

if TYPE_CHECKING:
    from diag.devices import Device
    from diag.facts import Fact

# roles: an event that happened ("past"), one the agent has scheduled ("next"), and a
# deadline: a date something stops at (authorization, registration, evaluation, SLP reporting)
PAST, NEXT, DEADLINE = "past", "next", "deadline"
# statuses, relative to the time the device is judged at
FAILED, PASSED, SOON, LATER = "failed", "passed", "within_30_days", "later"
SOON_DAYS = 30


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of licensing event: its role, its label and what it means."""

    role: str
    label: str
    doc: str


# The event kinds, in the order events of one date are listed. Ids are part of the JSON,
# CSV and iCalendar outputs: add kinds, never rename one.
KINDS: dict[str, Kind] = {
    "registration": Kind(PAST, "Initial registration", "Registration: 'Initial Registration: SUCCEEDED|FAILED on'"),
    "authorization": Kind(PAST, "Authorization status", "License Authorization: the date of 'Status: <state> on'"),
    "last_renewal_attempt": Kind(PAST, "Last renewal attempt", "Registration: 'Last Renewal Attempt:'"),
    "last_communication_attempt": Kind(PAST, "Last communication attempt",
                                       "License Authorization: 'Last Communication Attempt:'"),
    "next_registration_attempt": Kind(NEXT, "Next registration attempt",
                                      "Registration: 'Next Registration Attempt:' (after a failed registration)"),
    "next_renewal_attempt": Kind(NEXT, "Next renewal attempt", "Registration: 'Next Renewal Attempt:'"),
    "next_communication_attempt": Kind(NEXT, "Next communication attempt",
                                       "License Authorization: 'Next Communication Attempt:'"),
    "communication_deadline": Kind(DEADLINE, "Communication deadline",
                                   "License Authorization: 'Communication Deadline:' (authorization expires after it)"),
    "registration_expires": Kind(DEADLINE, "Registration expires",
                                 "Registration: 'Registration Expires:' (the ID certificate's expiry)"),
    "evaluation_end": Kind(DEADLINE, "Evaluation period ends",
                           "'Evaluation Period Remaining:' added to the time the output was captured (computed), "
                           "or the date of 'Status: EVAL EXPIRED on'"),
    "last_ack_received": Kind(PAST, "Last ACK received", "Usage Reporting: 'Last ACK received:' (SLP)"),
    "next_ack_deadline": Kind(DEADLINE, "Next ACK deadline", "Usage Reporting: 'Next ACK deadline:' (SLP)"),
    "last_report_push": Kind(PAST, "Last report push", "Usage Reporting: 'Last report push:' (SLP)"),
    "next_report_push": Kind(NEXT, "Next report push", "Usage Reporting: 'Next report push:' (SLP)"),
    "trust_code_installed": Kind(PAST, "Trust code installed", "'Trust Code Installed:' (SLP)"),
    "policy_installed": Kind(PAST, "Policy installed", "Policy: 'Policy in use: Installed On <date>' (SLP)"),
}
_ORDER = {kind: n for n, kind in enumerate(KINDS)}


@dataclass(frozen=True, slots=True)
class Event:
    """One dated licensing event of a device, with the line that shows it."""

    kind: str
    date: dt.datetime  # aware, UTC
    device: str
    path: str
    line: int
    text: str  # the line as the capture holds it
    failed: bool = False  # an attempt the output says FAILED
    reason: str | None = None  # the failure reason printed under it
    note: str | None = None  # what else the line says: the result or state; how a computed date was made
    computed: bool = False  # not printed as a date: computed (the evaluation end from the time remaining)

    @property
    def role(self) -> str:
        return KINDS[self.kind].role

    @property
    def deadline(self) -> bool:
        return KINDS[self.kind].role == DEADLINE

    @property
    def label(self) -> str:
        return KINDS[self.kind].label

    def days(self, now: dt.datetime) -> float:
        """Days from ``now`` to the event (negative: before ``now``)."""
        return (self.date - now).total_seconds() / 86400

    def status(self, now: dt.datetime, soon: dt.timedelta = dt.timedelta(days=SOON_DAYS)) -> str:
        """``failed`` for a failed attempt; else ``passed``, ``within_30_days`` (of ``now``)
        or ``later``."""
        if self.failed:
            return FAILED
        if self.date <= now:
            return PASSED
        return SOON if self.date - now <= soon else LATER

    def due_within(self, now: dt.datetime, window: dt.timedelta) -> bool:
        """A deadline at or before ``now + window``: one already passed counts too."""
        return self.deadline and self.date <= now + window

    def sort_key(self) -> tuple:
        return (self.date, _ORDER[self.kind], self.path, self.line)

    def to_json(self, now: dt.datetime | None = None) -> dict:
        out = {"kind": self.kind, "label": self.label, "date": to_json(self.date), "role": self.role,
               "deadline": self.deadline}
        if now is not None:
            out["status"] = self.status(now)
            out["days"] = round(self.days(now), 2)
        out["failed"] = self.failed
        if self.reason is not None:
            out["reason"] = self.reason
        if self.note is not None:
            out["note"] = self.note
        if self.computed:
            out["computed"] = True
        out.update({"path": self.path, "line": self.line, "text": self.text})
        return out


# fact kind -> (field with the date, event kind, field with the result, field with the reason)
_DATED = (
    ("license.registration", "initial_date", "registration", "initial_result", "initial_failure_reason"),
    ("license.registration", "last_renewal_date", "last_renewal_attempt", "last_renewal_result",
     "renewal_failure_reason"),
    ("license.registration", "next_renewal", "next_renewal_attempt", None, None),
    ("license.registration", "next_attempt", "next_registration_attempt", None, None),
    ("license.registration", "expires", "registration_expires", None, None),
    ("license.authorization", "last_comm_date", "last_communication_attempt", "last_comm_result",
     "comm_failure_reason"),
    ("license.authorization", "next_comm", "next_communication_attempt", None, None),
    ("license.authorization", "deadline", "communication_deadline", None, None),
    ("license.usage_reporting", "last_ack", "last_ack_received", None, None),
    ("license.usage_reporting", "next_ack_deadline", "next_ack_deadline", None, None),
    ("license.usage_reporting", "last_push", "last_report_push", None, None),
    ("license.usage_reporting", "next_push", "next_report_push", None, None),
    # show license summary: the same dates, fewer of them (no attempt dates)
    ("license.summary", "next_renewal", "next_renewal_attempt", None, None),
    ("license.summary", "registration_expires", "registration_expires", None, None),
    ("license.summary", "next_comm", "next_communication_attempt", None, None),
    ("license.summary", "deadline", "communication_deadline", None, None),
)
_STATUS_DATES = (("license.authorization", "status", "date"),
                 ("license.summary", "authorization_status", "authorization_date"))
_EVAL = (("license.authorization", "status"), ("license.summary", "authorization_status"))
_POLICY_INSTALLED = re.compile(r"(?i)\binstalled\s+on\s+(\S.*)$")


def events_of(dev: Device, clock: tuple[dt.datetime, str] | None = None) -> list[Event]:
    """Every dated licensing event of a built device, sorted by date (then kind, path,
    line). ``clock`` is the device's own clock reading (``devices.capture_clock``), the
    time an 'Evaluation Period Remaining' counts from; without it, the device's own clock
    is looked up, and failing that the time it is judged at (``dev.now``) is used. The
    same (kind, date) read twice (``show license status`` and ``show license all``) is
    one event, at its first line."""
    store = dev.store
    out: list[Event] = []
    seen: set[tuple[str, dt.datetime]] = set()

    def add(kind: str, date, fact: Fact, line: int, **extra) -> None:
        if not isinstance(date, dt.datetime) or (kind, date) in seen:
            return
        seen.add((kind, date))
        out.append(Event(kind, date.astimezone(dt.timezone.utc), dev.name, fact.path, line,
                         fact.text_at(line), **extra))

    for fact_kind, name, kind, result_name, reason_name in _DATED:
        for fact in store.get(fact_kind):
            date = fact.get(name)
            if date is None:
                continue
            extra: dict = {}
            if result_name is not None:
                result = fact.get(result_name)
                if result is not None:
                    extra["note"] = str(result)
                if result == "FAILED":
                    extra["failed"] = True
                    reason = fact.get(reason_name)
                    if reason is not None:
                        extra["reason"] = str(reason)
            add(kind, date, fact, fact.line_of(name), **extra)
    for fact_kind, status_name, date_name in _STATUS_DATES:
        for fact in store.get(fact_kind):
            date, status = fact.get(date_name), str(fact.get(status_name) or "")
            if date is None:
                continue
            kind = "evaluation_end" if status.startswith("EVAL EXPIRED") else "authorization"
            add(kind, date, fact, fact.line_of(date_name), note=status or None)
    for fact_kind, status_name in _EVAL:
        for fact in store.get(fact_kind):
            remaining = fact.get("eval_remaining")
            if not isinstance(remaining, dt.timedelta):
                continue
            start, where = _reference(dev, clock)
            if start is None:
                continue
            line = fact.line_of("eval_remaining")
            note = (f"computed: the evaluation period remaining ({fact.text_at(line).split(':', 1)[-1].strip()}) "
                    f"added to {where}")
            # to the second, as the agent prints its dates (the clock's milliseconds are noise here)
            add("evaluation_end", (start + remaining).replace(microsecond=0), fact, line, note=note, computed=True)
    for fact in store.get("license.trust_code"):
        _trust_codes(fact, add)
    for fact in store.get("license.policy"):
        m = _POLICY_INSTALLED.search(str(fact.get("in_use") or ""))
        if m:
            add("policy_installed", to_datetime(m.group(1)), fact, fact.line_of("in_use"))
    out.sort(key=Event.sort_key)
    return out


def _reference(dev: Device, clock) -> tuple[dt.datetime | None, str]:
    """The time an 'Evaluation Period Remaining' was read at: the device's own clock,
    else the time it is judged at."""
    if clock is None:
        from diag.devices import capture_clock

        clock = capture_clock(dev)
    if clock is not None:
        return clock[0], f"the capture's clock, {clock[1]}"
    if dev.now is not None:
        return dev.now, f"the time the device is judged at ({dev.now_source}: the capture shows no clock)"
    return None, ""


def _trust_codes(fact: Fact, add) -> None:
    """One event per trust code install date ('Active:' and 'Standby:' each print one),
    each at its own line."""
    values = fact.get("installed")
    values = values if isinstance(values, list) else [values]
    first = fact.line_of("installed")
    lines = [no for no, _ in fact.section.lines if no >= first]
    at = 0
    for raw in values:
        date = to_datetime(str(raw)) if raw is not None else None
        if date is None:
            continue
        line = first
        for i in range(at, len(lines)):
            if str(raw) in fact.section.text(lines[i]):
                line, at = lines[i], i + 1
                break
        add("trust_code_installed", date, fact, line)


def deadlines(events: Iterable[Event]) -> list[Event]:
    return [e for e in events if e.deadline]
