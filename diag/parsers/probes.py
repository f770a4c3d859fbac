"""``ping`` and ``telnet`` run from the switch: name resolution and reachability.

The host, VRF and port are arguments of the command, not part of its output:
they come from the prompt line (``section.params``) and point at it. When the
output was pasted without its command line, the host is the name the output
echoes and the VRF is unknown (absent), never guessed.
"""

from __future__ import annotations

from diag.facts import Fact
from diag.parsers.base import FactMap, Rows, TextFSMParser

TELNET_PORT = 23


def _with_params(section, facts: list[Fact], kind: str) -> list[Fact]:
    params = section.params
    if not facts:
        facts = [Fact(kind, {}, {}, section, section.start)]
    typed = section.origin != "content"  # the command line is known
    for fact in facts:
        for key in ("host", "vrf", "port"):
            if key in params:
                fact.fields[key] = params[key]
                fact.lines[key] = section.start
        if typed:
            fact.fields.setdefault("vrf", "default")
            fact.lines.setdefault("vrf", section.start)
    return facts


def _set_result(fact: Fact, result: str, where: str | None) -> None:
    fact.fields["result"] = result
    fact.lines["result"] = fact.lines.get(where, fact.line) if where else fact.line


def _ping(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    facts = _with_params(section, facts, "probe.ping")
    for fact in facts:
        if "host" not in fact.fields and fact.get("target"):
            fact.fields["host"] = fact.get("target")
            fact.lines["host"] = fact.line_of("target")
        received = fact.get("received")
        if fact.get("unresolved"):
            _set_result(fact, "unresolved", "unresolved")
        elif received is not None:
            _set_result(fact, "ok" if received else "no-reply", "received")
        elif fact.get("replies"):
            _set_result(fact, "ok", "replies")
        elif fact.get("timeouts"):
            _set_result(fact, "no-reply", "timeouts")
        elif fact.get("error"):
            _set_result(fact, "error", "error")
        else:
            _set_result(fact, "unknown", None)
    return facts


def _telnet(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    facts = _with_params(section, facts, "probe.telnet")
    for fact in facts:
        if section.origin != "content" and "port" not in fact.fields:
            fact.fields["port"] = TELNET_PORT  # telnet's own default when none is typed
            fact.lines["port"] = section.start
        failure = (fact.get("failure") or "").lower()
        if fact.get("unresolved"):
            _set_result(fact, "unresolved", "unresolved")
        elif fact.get("connected"):
            _set_result(fact, "connected", "connected")
        elif "refused" in failure:
            _set_result(fact, "refused", "failure")
        elif "timed out" in failure or "timeout" in failure:
            _set_result(fact, "timeout", "failure")
        elif failure:
            _set_result(fact, "failed", "failure")
        elif fact.get("error"):
            _set_result(fact, "error", "error")
        else:
            _set_result(fact, "unknown", None)
    return facts


_PROBE_EXTRA = {
    "host": ("text", "the host the command named (the echoed name when the command line is unknown)"),
    "vrf": ("text", "the VRF the command used ('default' when it named none; absent when the command line "
                    "is unknown)"),
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
            "error": ("ERROR", "text", "another error the switch printed for the command ('% ...')"),
            "replies": ("REPLIES", "int", "icmp_seq of each reply"),
            "timeouts": ("TIMEOUTS", "int", "sequence of each timed-out request"),
            "send_errors": ("SEND_ERRORS", "text", "why a request could not be sent, e.g. 'No route to host'"),
        }, extra=_PROBE_EXTRA | {
            "result": ("text", "ok (at least one reply) / no-reply / unresolved / error / unknown"),
        })],
        post=_ping,
    ),
    "telnet": TextFSMParser(
        "telnet", "cisco_nxos_telnet.textfsm",
        [FactMap("probe.telnet", "A telnet (TCP connect) run from the switch", {
            "tried": ("TRIED", "text", "addresses tried"),
            "connected": ("CONNECTED", "text", "name in 'Connected to ...'"),
            "failure": ("FAILURE", "text", "why the connection failed"),
            "unresolved": ("UNRESOLVED", "text", "the error printed when the name did not resolve"),
            "error": ("ERROR", "text", "another error the switch printed for the command ('% ...')"),
            "closed": ("CLOSED", "text", "who closed the connection"),
        }, extra=_PROBE_EXTRA | {
            "port": ("int", "TCP port (23, telnet's default, when the command named none)"),
            "result": ("text", "connected / refused / timeout / failed / unresolved / error / unknown"),
        })],
        post=_telnet,
    ),
}
