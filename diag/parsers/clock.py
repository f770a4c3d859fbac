"""``show clock``: the switch's own time, the best 'now' for judging deadlines."""

from __future__ import annotations

from diag.parsers.base import FactMap, TextFSMParser

PARSER = TextFSMParser(
    "show clock",
    "cisco_nxos_show_clock.textfsm",
    [FactMap("clock", "A clock reading printed by the switch (the capture's own 'now')", {
        "now": ("TIME", "date", "the time the output was taken"),
    })],
)
