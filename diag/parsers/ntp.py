"""``show ntp peer-status`` and ``show ntp peers``: is the clock synchronised, and to what.

Certificates and SLP trust codes fail when the clock is off, so a rule may want to
know that no NTP server is selected for sync (no ``ntp.peer`` with
``selected: true`` in a device that captured ``show ntp peer-status``) or that a
configured server is unreachable (``reach`` 0). ``show ntp peers`` only lists the
configured servers (``ntp.configured_peer``): it says nothing about sync.
"""

from __future__ import annotations

from diag.facts import Fact
from diag.parsers.base import FactMap, Rows, TextFSMParser

_MODES = {"+": "active", "-": "passive", "=": "client"}


def _peer_status(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    for fact in facts:
        if fact.kind != "ntp.peer":
            continue
        no = fact.line_of("peer")
        mark = fact.get("mark")
        fact.fields["selected"] = mark == "*"
        fact.lines["selected"] = no
        if mark in _MODES:
            fact.fields["mode"] = _MODES[mark]
            fact.lines["mode"] = no
        reach = fact.get("reach")
        if reach is not None:
            value = int(str(reach), 8)
            fact.fields["reachable"] = value != 0
            fact.fields["reach_count"] = bin(value).count("1")
            fact.lines["reachable"] = fact.lines["reach_count"] = fact.line_of("reach")
    return facts


def _peers(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    for fact in facts:
        if str(fact.get("key_id") or "").lower() == "none":
            del fact.fields["key_id"]
            fact.lines.pop("key_id", None)
    return facts


PARSERS = {
    "show_ntp_peer_status": TextFSMParser(
        "show ntp peer-status", "cisco_nxos_show_ntp_peer-status.textfsm",
        [
            FactMap("ntp.status", "show ntp peer-status: the 'Total peers' line", {
                "total": ("TOTAL", "int", "number of peers and servers"),
            }),
            FactMap("ntp.peer", "show ntp peer-status: an NTP server or peer and its state", {
                "peer": ("PEER", "text", "the remote address (or name)"),
                "mark": ("MARK", "raw", "the mark before the address: * + - = (absent when none)"),
                "local": ("LOCAL", "text", "the local address used (0.0.0.0 when any)"),
                "stratum": ("STRATUM", "int", "stratum of the remote (16: unsynchronised)"),
                "poll": ("POLL", "int", "poll interval in seconds"),
                "reach": ("REACH", "text", "reach register as printed (octal, 377: the last 8 polls answered)"),
                "delay": ("DELAY", "text", "round-trip delay in seconds, as printed"),
                "vrf": ("VRF", "text", "the VRF used to reach it (absent on releases without the column)"),
            }, require="peer", extra={
                "selected": ("bool", "True for '*': the clock is synchronised to this one"),
                "mode": ("text", "active (+), passive (-) or client (=, a polled server); absent for * and none"),
                "reachable": ("bool", "False when reach is 0: none of the last 8 polls was answered"),
                "reach_count": ("int", "how many of the last 8 polls were answered (bits set in reach)"),
            }),
        ],
        post=_peer_status,
    ),
    "show_ntp_peers": TextFSMParser(
        "show ntp peers", "cisco_nxos_show_ntp_peers.textfsm",
        [FactMap("ntp.configured_peer", "show ntp peers: a configured NTP server or peer", {
            "peer": ("PEER", "text", "the address (or name)"),
            "role": ("ROLE", "text", "Server or Peer, as printed"),
            "prefer": ("PREFER", "bool", "True when configured with prefer"),
            "key_id": ("KEY_ID", "text", "authentication key id (absent when None)"),
            "vrf": ("VRF", "text", "the VRF (use-vrf) it is reached through, when printed"),
        }, require="peer")],
        post=_peers,
    ),
}
