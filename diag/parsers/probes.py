"""``ping`` and ``telnet`` run from the switch: name resolution and reachability."""

from __future__ import annotations

from diag.facts import Fact
from diag.parsers.base import FactMap, Rows, TextFSMParser, unparsed_facts


def _with_params(section, facts: list[Fact], kind: str) -> list[Fact]:
    params = section.params
    if not facts:
        facts = [Fact(kind, {}, {}, section, section.start)]
    for fact in facts:
        for key in ("host", "vrf", "port"):
            if key in params:
                fact.fields[key] = params[key]
                fact.lines[key] = section.start
        fact.fields.setdefault("vrf", "default")
        fact.lines.setdefault("vrf", section.start)
    return facts


def _ping(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    facts = _with_params(section, facts, "probe.ping")
    for fact in facts:
        if fact.get("unresolved"):
            result, where = "unresolved", "unresolved"
        elif fact.get("received") is not None:
            result = "ok" if fact.get("received") else "no-reply"
            where = "received"
        elif fact.get("timeouts") and not fact.get("replies"):
            result, where = "no-reply", "timeouts"
        elif fact.get("replies"):
            result, where = "ok", "replies"
        else:
            result, where = "unknown", None
        fact.fields["result"] = result
        fact.lines["result"] = fact.lines.get(where, fact.line) if where else fact.line
    return facts


def _telnet(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    facts = _with_params(section, facts, "probe.telnet")
    for fact in facts:
        failure = (fact.get("failure") or "").lower()
        if fact.get("unresolved"):
            result, where = "unresolved", "unresolved"
        elif fact.get("connected"):
            result, where = "connected", "connected"
        elif "refused" in failure:
            result, where = "refused", "failure"
        elif "timed out" in failure or "timeout" in failure:
            result, where = "timeout", "failure"
        elif failure:
            result, where = "failed", "failure"
        else:
            result, where = "unknown", None
        fact.fields["result"] = result
        fact.lines["result"] = fact.lines.get(where, fact.line) if where else fact.line
    return facts


_PROBE_EXTRA = {
    "host": ("text", "the host the command named"),
    "vrf": ("text", "the VRF the command used ('default' when none)"),
    "result": ("text", "ok / no-reply / unresolved / unknown (ping); connected / refused / timeout / "
                       "failed / unresolved / unknown (telnet)"),
}

PARSERS = {
    "ping": TextFSMParser(
        "ping", "cisco_nxos_ping.textfsm",
        [FactMap("probe.ping", "A ping run from the switch", {
            "target": ("TARGET", "text", "name echoed in the PING line"),
            "target_ip": ("TARGET_IP", "text", "address the name resolved to"),
            "sent": ("SENT", "int", "packets transmitted"),
            "received": ("RECEIVED", "int", "packets received"),
            "loss": ("LOSS", "text", "packet loss percentage"),
            "unresolved": ("UNRESOLVED", "text", "the error printed when the name did not resolve"),
            "replies": ("REPLIES", "int", "icmp_seq of each reply"),
            "timeouts": ("TIMEOUTS", "int", "sequence of each timed-out request"),
        }, extra=_PROBE_EXTRA)],
        post=_ping,
    ),
    "telnet": TextFSMParser(
        "telnet", "cisco_nxos_telnet.textfsm",
        [FactMap("probe.telnet", "A telnet (TCP connect) run from the switch", {
            "tried": ("TRIED", "text", "addresses tried"),
            "connected": ("CONNECTED", "text", "name in 'Connected to ...'"),
            "failure": ("FAILURE", "text", "why the connection failed"),
            "unresolved": ("UNRESOLVED", "text", "the error printed when the name did not resolve"),
            "closed": ("CLOSED", "text", "who closed the connection"),
        }, extra=_PROBE_EXTRA | {"port": ("int", "TCP port")})],
        post=_telnet,
    ),
}
