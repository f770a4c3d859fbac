"""``show license all``: everything ``show license status`` shows, and more.

The output is the Smart Licensing Status blocks (read with the ``show license
status`` template and fact maps: the same ``license.*`` facts, so that a rule
needing ``show license status`` is satisfied by it; the command spec declares
``also_covers``), then License Usage blocks (the ``license.usage`` facts of
``show license usage``), then Product Information (UDI) and Agent Version
(``license.product``).
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


PARSER = CompositeParser(COMMAND, TEMPLATE, [
    Part(TextFSMParser(COMMAND, license_status.PARSER.template, license_status.PARSER.maps,
                       post=license_status.PARSER.post)),
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
])
