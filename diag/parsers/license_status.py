"""``show license status``: classic Smart Licensing and Smart Licensing Using Policy."""

from __future__ import annotations

from diag.facts import Fact
from diag.parsers.base import FactMap, Rows, TextFSMParser
from diag.parsers.clock import ZONE_FIELDS

COMMAND = "show license status"


def _same_block(section, first: int, last: int) -> bool:
    """True when no block header (a line at column 0) lies between two lines."""
    inside = False
    for no, text in section.lines:
        if no == first:
            inside = True
            continue
        if no >= last:
            break
        if inside and text.strip() and not text[0].isspace():
            return False
    return inside


def _attach_failure_reasons(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    """Give each ``Failure reason:`` line to the attempt line just above it.

    The agent prints the reason indented under the attempt that failed
    (initial registration, last renewal, last communication); the reason
    belongs to whichever of those lines is the closest one before it in the
    same block. A reason with no attempt line above it in its own block (a
    fragment, or a layout not seen before) is given to no one rather than to
    an attempt of another block.
    """
    owners: list[tuple[int, Fact, str]] = []
    for fact in facts:
        for field in ("initial_result", "last_renewal_result", "last_comm_result"):
            if field in fact.lines:
                owners.append((fact.lines[field], fact, field))
    owners.sort(key=lambda o: o[0])
    for values, lines in rows:
        reasons = values.get("FAILURE_REASON") or []
        where = lines.get("FAILURE_REASON") or []
        for reason, no in zip(reasons, where):
            before = [o for o in owners if o[0] < no]
            if not before or not _same_block(section, before[-1][0], no):
                continue
            _, fact, field = before[-1]
            key = {"initial_result": "initial_failure_reason",
                   "last_renewal_result": "renewal_failure_reason",
                   "last_comm_result": "comm_failure_reason"}[field]
            fact.fields[key] = reason.strip()
            fact.lines[key] = no
            fact.fields.setdefault("failure_reason", reason.strip())
            fact.lines.setdefault("failure_reason", no)
    return facts


_REASONS = {"failure_reason": ("text", "the first failure reason printed in this block")}

PARSER = TextFSMParser(
    COMMAND,
    "cisco_nxos_show_license_status.textfsm",
    [
        FactMap("license.smart", "Smart Licensing on or off (classic agent header line)", {
            "enabled": ("SMART_LICENSING", "bool", "True for 'Smart Licensing is ENABLED'"),
        }),
        FactMap("license.registration", "The Registration block of the classic Smart Agent", {
            "status": ("REG_STATUS", "upper", "REGISTERED, UNREGISTERED, REGISTRATION EXPIRED, ..."),
            "smart_account": ("SMART_ACCOUNT", "text", "Smart Account name"),
            "virtual_account": ("VIRTUAL_ACCOUNT", "text", "Virtual Account name"),
            "export_control": ("EXPORT_CONTROL", "upper", "ALLOWED / NOT ALLOWED"),
            "initial_result": ("INITIAL_REG_RESULT", "upper", "SUCCEEDED / FAILED"),
            "initial_date": ("INITIAL_REG_DATE", "date", "when the initial registration ran"),
            "last_renewal_result": ("LAST_RENEWAL_RESULT", "upper", "SUCCEEDED / FAILED / NONE"),
            "last_renewal_date": ("LAST_RENEWAL_DATE", "date", "when the last renewal ran"),
            "next_renewal": ("NEXT_RENEWAL", "date", "next ID certificate renewal attempt"),
            "next_attempt": ("NEXT_REG_ATTEMPT", "date", "next registration retry after a failure"),
            "expires": ("REG_EXPIRES", "date", "when the ID certificate (registration) expires"),
        }, extra=_REASONS | {
            "initial_failure_reason": ("text", "failure reason printed under Initial Registration"),
            "renewal_failure_reason": ("text", "failure reason printed under Last Renewal Attempt"),
        }),
        FactMap("license.authorization", "The License Authorization block", {
            "status": ("AUTH_STATUS", "upper",
                       "AUTHORIZED, EVAL MODE, EVAL EXPIRED, OUT OF COMPLIANCE, AUTHORIZATION EXPIRED, "
                       "NO LICENSES IN USE, NOT APPLICABLE"),
            "date": ("AUTH_DATE", "date", "the date after 'on' in the status line"),
            "eval_remaining": ("EVAL_REMAINING", "duration", "evaluation period left"),
            "last_comm_result": ("LAST_COMM_RESULT", "upper", "SUCCEEDED / FAILED / NONE"),
            "last_comm_date": ("LAST_COMM_DATE", "date", "when the last communication attempt ran"),
            "next_comm": ("NEXT_COMM", "date", "next communication attempt"),
            "deadline": ("COMM_DEADLINE", "date", "communication deadline (authorization expires after it)"),
        }, extra=_REASONS | {
            "comm_failure_reason": ("text", "failure reason printed under Last Communication Attempt"),
        }),
        FactMap("license.conversion", "Smart License Conversion block", {
            "automatic": ("CONVERSION_AUTO", "bool", "Automatic Conversion Enabled"),
            "status": ("CONVERSION_STATUS", "text", "conversion status text"),
        }),
        FactMap("license.utility", "Utility (usage billing) block", {
            "status": ("UTILITY_STATUS", "upper", "ENABLED / DISABLED"),
        }),
        FactMap("license.slp", "Smart Licensing Using Policy block (10.2(1)F and later)", {
            "enabled": ("SLP_STATUS", "bool", "True for 'Status: ENABLED'"),
        }),
        FactMap("license.transport", "Transport block of the Smart Agent", {
            "type": ("TRANSPORT_TYPE", "text", "Smart, cslu, Callhome, Transport Off, Off"),
            "url": ("TRANSPORT_URL", "url", "smart transport URL"),
            "cslu": ("CSLU_ADDRESS", "url", "CSLU address"),
            "proxy": ("PROXY_ADDRESS", "text", "HTTP proxy host"),
            "proxy_port": ("PROXY_PORT", "int", "HTTP proxy port"),
            "vrf": ("TRANSPORT_VRF", "text", "VRF used by the transport"),
        }),
        FactMap("license.policy", "Policy block (SLP)", {
            "in_use": ("POLICY_IN_USE", "text", "which policy is in use"),
            "name": ("POLICY_NAME", "text", "policy name"),
            "ack_required": ("ACK_REQUIRED", "text", "whether reports must be acknowledged"),
        }),
        FactMap("license.usage_reporting", "Usage Reporting block (SLP)", {
            "last_ack": ("LAST_ACK", "date", "last ACK received"),
            "last_ack_text": ("LAST_ACK", "raw", "last ACK received as printed (<none> when never)"),
            "next_ack_deadline": ("NEXT_ACK_DEADLINE", "date", "next ACK deadline"),
            "push_interval": ("PUSH_INTERVAL", "text", "reporting push interval"),
            "next_ack_check": ("NEXT_ACK_PUSH_CHECK", "date", "next ACK push check"),
            "next_push": ("NEXT_REPORT_PUSH", "date", "next report push"),
            "last_push": ("LAST_REPORT_PUSH", "date", "last report push"),
            "last_file_write": ("LAST_REPORT_WRITE", "date", "last report file write"),
        }),
        FactMap("license.trust_code", "Trust Code Installed line(s) (SLP)", {
            "installed": ("TRUST_CODE", "raw", "install date(s) as printed, or <none>"),
        }),
        FactMap("license.misc", "Miscellaneous block", {
            "custom_id": ("CUSTOM_ID", "text", "custom id"),
        }),
        FactMap("clock", "A clock reading printed by the switch (the capture's own 'now')", {
            "now": ("CLOCK", "date", "the time the output was taken"),
        }, extra=ZONE_FIELDS),
    ],
    post=_attach_failure_reasons,
)
