"""``show clock``: the switch's own time, the best 'now' for judging deadlines."""

from __future__ import annotations

from diag.parsers.base import FactMap, TextFSMParser
from diag.types import zone_of


def _zone(section, facts, rows):
    """The zone the reading names, and whether its offset is known (an unknown one, a
    name the site chose in 'clock timezone', is read as UTC until the configuration
    says what it is: see devices.capture_clock)."""
    raw = {lines.get("TIME"): values.get("TIME") for values, lines in rows}  # line -> the reading as printed
    for fact in facts:
        zone, known = zone_of(raw.get(fact.line_of("now")))
        if zone is not None:
            fact.fields["zone"], fact.fields["zone_known"] = zone, known
            fact.lines["zone"] = fact.lines["zone_known"] = fact.line_of("now")
    return facts


# every parser that makes 'clock' facts declares these (only show clock fills them)
ZONE_FIELDS = {
    "zone": ("text", "the zone the reading names (UTC, CET, or a name set by 'clock timezone')"),
    "zone_known": ("bool", "whether diag knows that zone's offset (an unknown one is read as UTC "
                           "unless the configuration's 'clock timezone' names it)"),
}

PARSER = TextFSMParser(
    "show clock",
    "cisco_nxos_show_clock.textfsm",
    [FactMap("clock", "A clock reading printed by the switch (the capture's own 'now')", {
        "now": ("TIME", "date", "the time the output was taken"),
    }, extra=ZONE_FIELDS)],
    post=_zone,
)
