"""``show license summary``: the Smart Licensing state in short, and the licenses in use.

The lines above ``License Usage:`` are blocks of ``show license status`` (read with
its template) but fewer of them: no failure reasons on some agents, no
conversion, transport or usage-reporting blocks. They become one
``license.summary`` fact rather than the ``license.registration`` /
``license.authorization`` facts of ``show license status``, so that a rule written
for those never fires twice on a device whose capture holds both outputs, and never
concludes an absence from the shorter summary. The usage table gives one
``license.usage`` fact per row (``form: summary``).
"""

from __future__ import annotations

from diag.facts import Fact
from diag.parsers import license_status
from diag.parsers.base import FactMap, Rows, TextFSMParser
from diag.parsers.composite import CompositeParser, Part
from diag.parsers.license_usage import finish_usage, usage_map

COMMAND = "show license summary"
TEMPLATE = "cisco_nxos_show_license_summary.textfsm"

SUMMARY_MAP = FactMap("license.summary", "The Smart Licensing state as show license summary prints it", {
    "enabled": ("SMART_LICENSING", "bool", "True for 'Smart Licensing is ENABLED'"),
    "slp": ("SLP_STATUS", "bool", "True for 'Smart Licensing Using Policy: Status: ENABLED'"),
    "registration_status": ("REG_STATUS", "upper", "Registration Status: REGISTERED, UNREGISTERED, ..."),
    "smart_account": ("SMART_ACCOUNT", "text", "Smart Account name"),
    "virtual_account": ("VIRTUAL_ACCOUNT", "text", "Virtual Account name"),
    "export_control": ("EXPORT_CONTROL", "upper", "ALLOWED / NOT ALLOWED"),
    "last_renewal_result": ("LAST_RENEWAL_RESULT", "upper", "SUCCEEDED / FAILED / NONE"),
    "next_renewal": ("NEXT_RENEWAL", "date", "next ID certificate renewal attempt"),
    "registration_expires": ("REG_EXPIRES", "date", "when the registration expires"),
    "authorization_status": ("AUTH_STATUS", "upper",
                             "License Authorization Status: AUTHORIZED, EVAL MODE, OUT OF COMPLIANCE, ..."),
    "authorization_date": ("AUTH_DATE", "date", "the date after 'on' in the authorization status line"),
    "eval_remaining": ("EVAL_REMAINING", "duration", "evaluation period left"),
    "last_comm_result": ("LAST_COMM_RESULT", "upper", "SUCCEEDED / FAILED / NONE"),
    "next_comm": ("NEXT_COMM", "date", "next communication attempt"),
    "deadline": ("COMM_DEADLINE", "date", "communication deadline"),
    "failure_reasons": ("FAILURE_REASON", "text", "every 'Failure reason:' line, in order"),
})
_CLOCK = next(m for m in license_status.PARSER.maps if m.kind == "clock")


def _rows(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    for fact in facts:
        if fact.kind == "license.usage":
            fact.fields["form"] = "summary"
    return finish_usage(facts)


PARSER = CompositeParser(COMMAND, TEMPLATE, [
    Part(TextFSMParser(COMMAND, license_status.PARSER.template, [SUMMARY_MAP, _CLOCK])),
    Part(TextFSMParser(COMMAND, TEMPLATE, [usage_map({"name": "NAME", "license": "LICENSE", "count": "COUNT",
                                                      "status": "STATUS"})], post=_rows),
         start=r"^License Usage:?\s*$"),
])
