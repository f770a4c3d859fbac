"""``show license all``: everything ``show license status`` shows, and more; and
``show license tech-support``, which holds the same blocks and more again.

The output is the Smart Licensing Status blocks (read with the ``show license
status`` template and fact maps: the same ``license.*`` facts, so that a rule
needing ``show license status`` is satisfied by it; the command spec declares
``also_covers``), then License Usage blocks (the ``license.usage`` facts of
``show license usage``), then Product Information (UDI) and Agent Version
(``license.product``).

``show license tech-support`` is a header line, the same blocks, then blocks only the
tech-support prints (the Smart Agent's jobs, statistics, certificates, settings): its
parser reads the shared blocks with the same parts, so their facts are the same, and
accepts the blocks after them (its own template).
"""

from __future__ import annotations

from diag.parsers import license_status, license_usage
from diag.parsers.base import FactMap, TextFSMParser
from diag.parsers.composite import CompositeParser, Part

COMMAND = "show license all"
TEMPLATE = "cisco_nxos_show_license_all.textfsm"


def _udi(section, facts, rows):
    for fact in facts:
        udi = fact.get("udi") or ""
        for key, name in (("PID", "pid"), ("SN", "serial")):
            for item in udi.split(","):
                k, _, v = item.partition(":")
                if k.strip().upper() == key and v.strip():
                    fact.fields[name] = v.strip()
                    fact.lines[name] = fact.line_of("udi")
    return facts


STATUS = Part(TextFSMParser(COMMAND, license_status.PARSER.template, license_status.PARSER.maps,
                            post=license_status.PARSER.post))
PARTS = [
    STATUS,
    # the License Usage part: license blocks only ('License Authorization:' is in the status part)
    Part(TextFSMParser(COMMAND, license_usage.TEMPLATE, [license_usage.TABLE_MAP, license_usage.BLOCK_MAP],
                       post=license_usage.PARSER.post),
         start=r"^License Usage:?\s*$"),
    Part(TextFSMParser(COMMAND, TEMPLATE, [FactMap("license.product", "Product Information and Agent Version "
                                                   "of show license all", {
        "udi": ("UDI", "raw", "the UDI as printed, PID:<pid>,SN:<serial>"),
        "agent_version": ("AGENT_VERSION", "text", "Smart Agent for Licensing version"),
        "reservation": ("RESERVATION", "bool", "License reservation: ENABLED / DISABLED"),
    }, extra={
        "pid": ("text", "product id from the UDI, e.g. N9K-C93180YC-EX"),
        "serial": ("text", "serial number from the UDI"),
    })], post=_udi), start=r"^(?:Product Information|Agent Version|Reservation Info|License Authorizations)\s*$"),
]
PARSER = CompositeParser(COMMAND, TEMPLATE, PARTS)

TECH_SUPPORT = "show license tech-support"
TECH_SUPPORT_TEMPLATE = "cisco_nxos_show_license_tech-support.textfsm"
_TECH_ONLY = TextFSMParser(TECH_SUPPORT, TECH_SUPPORT_TEMPLATE, [])
TECH_SUPPORT_PARSER = CompositeParser(TECH_SUPPORT, TECH_SUPPORT_TEMPLATE, [
    Part(_TECH_ONLY),  # its header line
    Part(STATUS.parser, start=r"^Smart Licensing (?:Status\s*$|is (?:ENABLED|DISABLED)\b|Using Policy:\s*$)"),
    *PARTS[1:],
    Part(_TECH_ONLY, start=r"^(?:Upcoming Scheduled Jobs|Communication Statistics|License Certificates|HA Info|"
                          r"Other Info|Platform Provided Mapping Table)\s*:?\s*$"),
])
PARSERS = {"show_license_all": PARSER, "show_license_tech_support": TECH_SUPPORT_PARSER}
