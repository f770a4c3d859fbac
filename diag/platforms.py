"""Other platforms' output: the lines that show a capture is not Cisco NX-OS.

diag reads Cisco NX-OS. IOS XE, IOS XR, the ASA and FXOS run the same Smart Agent, so
their ``show license status`` or ``show license summary`` look like NX-OS's, but their
configuration and commands differ and no NX-OS fix applies to them. A *marker* is a kind
of line that only another platform prints: its ``show version`` banner, its spelling of a
command (``show call-home``, the ``call-home`` block), the header IOS prints above each
output, a product ID only its hardware has. Smart Agent text alone is never a marker
(NX-OS prints the same), so an output without one is read as NX-OS, as before.

The splitter notes the best marker of each switch (``split.Mark``); a device that shows
one and no NX-OS line (``is_nxos_line``) is judged by no NX-OS rule
(``devices.settle``); the rule ``capture-not-nxos`` says so, at the marker's line. A run
in which no device is left to judge as NX-OS is refused (``refusal``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Marker:
    """A kind of line only ``platform`` prints. ``rank`` says how well it names the
    platform: 2 for the platform's own show version banner, 1 for other lines (an IOS XR
    node name; an output a family shares: IOS, IOS XE and the ASA all have ``show call-home``,
    named after its most common member here), 0 for a command typed at a prompt (the
    switch's answer is better evidence)."""

    platform: str
    what: str
    pattern: str
    rank: int = 1


MARKERS: tuple[Marker, ...] = (
    Marker("IOS XE", "the first line of an IOS XE show version", r"Cisco IOS XE Software\b", 2),
    Marker("IOS", "the first line of an IOS show version", r"Cisco IOS Software\b", 2),
    Marker("IOS XR", "the first line of an IOS XR show version", r"Cisco IOS XR Software\b", 2),
    Marker("IOS XR", "an IOS XR node name (RP/0/RP0/CPU0:), as its prompts and log lines start",
           r"(?:RP|LC)/\d+/(?:RP|RSP|LC)?\d+/CPU\d+:"),
    Marker("ASA", "the first line of an ASA show version",
           r"Cisco Adaptive Security Appliance Software Version\b", 2),
    Marker("FXOS", "the first line of an FXOS show version", r"Cisco Firepower Extensible Operating System\b", 2),
    Marker("IOS XE", "the CPU load line IOS and IOS XE print above each output",
           r"Load for five secs: \d+%/\d+%"),
    Marker("IOS XE", "the heading of show call-home (NX-OS has show callhome)", r"Current call home settings:"),
    Marker("IOS XE", "the heading of show call-home smart-licensing",
           r"Current smart-licensing transport settings:"),
    Marker("IOS XE", "a line of show call-home profile (NX-OS has show callhome destination-profile)",
           r"\s+(?:Profile mode: (?:Full|Anonymous) Reporting|Reporting Data: Smart (?:Call Home|Licensing))\b"),
    Marker("IOS XE", "the call-home configuration block (NX-OS spells it callhome)", r"call-home\s*$"),
    Marker("IOS XE", "the heading of an IOS running-config",
           r"(?:Building configuration\.\.\.\s*$|Current configuration : \d+ bytes)"),
    Marker("IOS XE", "the product ID of a Catalyst, ISR or ASR 1000",
           r"\s*(?:UDI|Active|Standby|Member)\s*:\s*PID:(?:C9[2-6]\d\d|C9800|C8[235]\d\d|C8000V|CSR1000V|"
           r"C1000V|ISR\d|ASR1\d|C11\d\d|WS-C)"),
    Marker("IOS XE", "a Catalyst license name (network- or dna-advantage, -essentials)",
           r"\s*(?:License:\s*)?(?:network|dna)-(?:advantage|essentials)\b"),
    Marker("IOS XE", "a Catalyst entitlement tag (show license summary or usage)",
           r"\s*(?:C9[2-6]\d\d[^(]{0,60})?\(C9[2-6]\d\d[A-Z]{0,3}-(?:\d\d|NW|DNA)\b"),
    Marker("IOS XE", "a log line in the IOS format (month first, milliseconds, no host name)",
           r"(?:\d{6}: )?\*?[A-Z][a-z]{2} +\d{1,2}(?: \d{4})? \d\d:\d\d:\d\d\.\d{3}(?: [A-Za-z]{2,5})?: %[A-Z]"),
)
# A command typed at a prompt that NX-OS does not have: a marker once the switch answered it
# with output (NX-OS answers "% Invalid command", which is no marker).
TYPED = Marker("IOS XE", "a command NX-OS does not have (show call-home; NX-OS has show callhome)",
               r"(?i:sh(?:o|ow)?\s+call-home\b|sh(?:o|ow)?\s+lic\w*\s+tech\s+support\b)", 0)

# Prompts in the style of IOS and IOS XE: the command typed right after '#' (NX-OS prints a
# space after its prompt: 'leaf01# show ...'), or a user-mode prompt ('host>', a mode NX-OS does
# not have). A person writing an NX-OS example by hand may type them so too, so they are hints,
# never verdicts: rank -1, below every marker, and a device that shows one is still judged as
# NX-OS (rule capture-platform-unsure, low confidence).
UNSPACED = Marker("IOS XE", "a prompt with the command right after '#' (IOS and IOS XE print 'router#show ...'; "
                  "NX-OS prints a space: 'switch# show ...')", "", -1)
USER_MODE = Marker("IOS XE", "a user-mode prompt ('>'), which IOS and IOS XE have and NX-OS does not", "", -1)


@functools.cache
def _marker() -> re.Pattern:
    """Every marker in one alternation, compiled for the first line that may be one (most
    captures have none: ``_START`` turns their lines away)."""
    return re.compile("|".join(f"(?P<m{i}>{m.pattern})" for i, m in enumerate(MARKERS)))


def typed_command(cmd: str) -> bool:
    """Whether a command typed at a prompt is one NX-OS does not have (``TYPED``)."""
    return _typed().match(cmd) is not None


@functools.cache
def _typed() -> re.Pattern:
    return re.compile(TYPED.pattern)


# Cheap tests every marker passes (tests/test_platforms.py holds each marker to them), so that
# the lines of a long output cost a C scan or a short match each, not the markers' alternation:
# text every marker holds (for runs of lines joined), and how every marker starts (for one line).
NEEDLES = ("Cisco ", "CPU", "Load for", "Current ", "Profile mode", "Reporting Data", "call-home", "Building",
           "PID:", "-advantage", "-essentials", "(C9", ": %")
_START = re.compile(r"[ \t]*(?:Cisco |Current |Load for|Profile mode|Reporting Data|call-home|Building|RP/|LC/|UDI"
                    r"|Active|Standby|Member|network-|dna-|License:|\(C9|C9\d|\d{6}: |\*?[A-Z][a-z]{2} +\d)")


# The long outputs: past their first HEAD_LINES lines, only these markers can show in them (the
# call-home block of a configuration, a log line in the IOS or IOS XR format); the banners and
# headers other platforms print come first, and their licensing outputs are short.
HEAD_LINES = 8
BULK = {"show running-config": ("call-home",), "show logging": (": %", "CPU")}


def may_mark(text: str, needles: tuple[str, ...] = NEEDLES) -> bool:
    """False when ``text`` (lines joined) holds no marker for sure."""
    for needle in needles:
        if needle in text:
            return True
    return False


@functools.cache
def _nxos() -> re.Pattern:
    """Lines only NX-OS prints: a device that shows one is judged as NX-OS whatever else its
    capture holds (a paste of two switches' outputs without prompts)."""
    return re.compile(
        r"\s*(?:Cisco Nexus Operating System \(NX-OS\) Software|Cisco NX-OS Software|(?:NXOS|kickstart):\s+version\s"
        r"|cisco Nexus\s?\d|(?:UDI|Active|Standby|Member)\s*:\s*PID:(?:N\dK-|N77-|DS-C9))"
        r"|!Command: show (?:running|startup)-config|callhome\s*$|callhome (?:enabled|disabled)\s*$|feature \S"
        # NX-OS's log lines, the year first: '2023 Mar  3 09:12:44 leaf01 %LICMGR-3-...'
        r"|\d{4} [A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)?\s.{0,80}%[A-Z$]"
    )


def marker_of(text: str) -> Marker | None:
    """The marker ``text`` is a line of, if any."""
    if _START.match(text) is None:
        return None
    m = _marker().match(text)
    return MARKERS[int((m.lastgroup or "m0")[1:])] if m else None


def is_nxos_line(text: str) -> bool:
    return _nxos().match(text) is not None


def better(new: Marker, old: Marker) -> bool:
    """Whether ``new`` names a switch's platform better than ``old``, seen before it: an
    output over a typed command, a show version banner over a family's marker, IOS XE's
    banner over the IOS line that follows it in the same output."""
    if new.rank != old.rank:
        return new.rank > old.rank
    return old.platform == "IOS" and new.platform == "IOS XE"


def describe(platform: str, what: str, line: int, text: str, path: str | None = None) -> str:
    """``Cisco IOS XE output (line 3, "..." : the heading of show call-home)``."""
    from diag.model import shown_path

    where = f"{shown_path(path)}:{line}" if path else f"line {line}"
    shown = text.strip()
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return f'Cisco {platform} output ({where}: "{shown}", {what})'


def refusal(found: list[tuple[str, str]]) -> str:
    """The one line a run of other platforms' captures is refused with: ``found`` holds,
    per input, its path and ``describe`` of its marker."""
    paths = ", ".join(p for p, _ in found[:3]) + (" ..." if len(found) > 3 else "")
    verb = "looks" if len(found) == 1 else "look"
    return (f"{paths}: {verb} like {found[0][1]}{' and more' if len(found) > 1 else ''}, not Cisco NX-OS; "
            "diag reads Cisco NX-OS captures")
