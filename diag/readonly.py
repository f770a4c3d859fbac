"""What ``diag collect`` may type on a switch: the one allow-list every command passes.

``diag collect`` only ever reads. Every string it sends to a switch goes through
:func:`allowed` first (``diag.collect`` calls nothing else that writes to the channel),
and only these forms pass:

* ``show ...``: a command diag has a parser for (``diag.commands``), with no pipe, no
  redirection (``>``), no ``;`` and nothing a parser does not read;
* ``ping HOST vrf VRF count N``: N from 1 to 10;
* ``telnet HOST 443 vrf VRF``: the TCP probe, closed at once by the collector (Ctrl-]
  and ``quit``, the two inputs :data:`TELNET_CLOSE` names, sent only inside it);
* the session's own settings: ``terminal length 0``, ``terminal width 511`` and ``exit``.

HOST is a DNS name or an IPv4/IPv6 address, VRF a VRF name as NX-OS allows them (letters,
digits, ``_ - . :``, at most 32). Anything else is refused with the reason, before a byte
is sent: a control character (a newline would end the line and start another command), a
``|`` (``| write``, ``| tee``), ``;``, quotes, ``configure``, ``copy``, ``reload``, ``write``,
``license ...``, ``clear``, ``debug``... Nothing here imports anything beyond the standard
library and ``diag.commands``.
"""

from __future__ import annotations

import re

from diag.commands import resolve
from diag.errors import DiagError

SESSION = frozenset({"terminal length 0", "terminal width 511", "exit"})
# Ctrl-] then quit: how the NX-OS telnet client lets go of a connection it opened
TELNET_CLOSE = ("\x1d", "quit")
PING_COUNT = 5
TELNET_PORT = 443

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?"
HOST = rf"(?:{_LABEL}(?:\.{_LABEL})*\.?|\d{{1,3}}(?:\.\d{{1,3}}){{3}}|[0-9A-Fa-f]{{0,4}}(?::[0-9A-Fa-f]{{0,4}}){{2,7}})"
VRF = r"[A-Za-z0-9_][A-Za-z0-9_.:-]{0,31}"
_PING = re.compile(rf"ping (?P<host>{HOST}) vrf (?P<vrf>{VRF}) count (?P<count>[1-9]|10)")
_TELNET = re.compile(rf"telnet (?P<host>{HOST}) {TELNET_PORT} vrf (?P<vrf>{VRF})")
_SHOW_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/+-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class RefusedCommand(DiagError):
    """A command the allow-list refuses: diag never sends it."""


def _refuse(command: str, why: str) -> RefusedCommand:
    return RefusedCommand(f"refused to send {command!r} to the switch: {why} (diag collect only reads)")


def allowed(command: str) -> str:
    """``command`` itself when it is one of the read-only forms; else RefusedCommand."""
    if not isinstance(command, str) or not command:
        raise _refuse(str(command), "empty command")
    if _CONTROL.search(command):
        raise _refuse(command, "it holds a control character (a newline would start another command)")
    if command != command.strip() or "  " in command:
        raise _refuse(command, "stray spaces")
    if command in SESSION:
        return command
    words = command.split(" ")
    verb = words[0]
    if verb == "ping":
        if _PING.fullmatch(command):
            return command
        raise _refuse(command, "a ping must read 'ping <host> vrf <vrf> count <1-10>' with a host name or "
                               "address and a VRF name")
    if verb == "telnet":
        if _TELNET.fullmatch(command):
            return command
        raise _refuse(command, f"a telnet probe must read 'telnet <host> {TELNET_PORT} vrf <vrf>' with a host "
                               "name or address and a VRF name")
    if verb != "show":
        raise _refuse(command, f"'{verb}' is not a show command, ping or telnet probe")
    bad = next((w for w in words[1:] if not _SHOW_WORD.fullmatch(w)), None)
    if bad is not None or len(words) < 2:
        raise _refuse(command, f"the word {bad!r} is not a keyword or a plain argument (no pipe, "
                               "redirection, ';' or quote)" if bad is not None else "nothing to show")
    res = resolve(command)
    if not res.supported or res.pipes:
        raise _refuse(command, "diag reads no output of this command")
    return command


def ping(host: str, vrf: str, count: int = PING_COUNT) -> str:
    """The ping probe, checked (a templated host or VRF cannot add a command)."""
    return allowed(f"ping {host} vrf {vrf} count {count}")


def telnet(host: str, vrf: str) -> str:
    """The TCP 443 probe, checked."""
    return allowed(f"telnet {host} {TELNET_PORT} vrf {vrf}")


_PROBE = re.compile(r"(?P<verb>ping|telnet) (?P<host>\S+)(?: (?P<port>\d+))? vrf (?P<vrf>\S+)")


def from_collect_next(command: str) -> str:
    """The command to send for a collect-next entry: probes in their collect form
    (``ping HOST vrf VRF count N``, ``telnet HOST 443 vrf VRF``), checked."""
    m = _PROBE.fullmatch(command)
    if m and m.group("verb") == "ping" and m.group("port") is None:
        return ping(m.group("host"), m.group("vrf"))
    if m and m.group("verb") == "telnet" and m.group("port") == str(TELNET_PORT):
        return telnet(m.group("host"), m.group("vrf"))
    return allowed(command)
