"""``show license status``: classic Smart Licensing and Smart Licensing Using Policy."""

from __future__ import annotations

import functools
import re

from diag.facts import Fact
from diag.parsers.base import FactMap, Rows, TextFSMParser
from diag.parsers.clock import ZONE_FIELDS

COMMAND = "show license status"


@functools.cache
def _says() -> tuple[re.Pattern, ...]:
    """What a line says about the block it stands in: a block header names it, and so do
    the fields only one block prints (the template reads them by name, whatever the
    indentation). Compiled for the first output with a failure reason."""
    return (
        re.compile(r"^\s*(Registration|License Authorization|Smart License Conversion|Utility|"
                   r"Smart Licensing [Uu]sing Policy|Account Information|Data Privacy|Transport|Policy|"
                   r"Miscellaneous|Usage Reporting|Trust Code Installed|Export Authorization Key|"
                   r"Device Telemetry Report Summary):"),
        re.compile(r"^\s*(?:Status:\s+(?i:(?:UN|DE)?REGIST|RENEWING)|Export-Controlled Functionality:|"
                   r"Initial Registration:|Last Renewal Attempt:|Next Renewal Attempt:|"
                   r"Next Registration Attempt:|Registration Expires:)"),
        re.compile(r"^\s*(?:Status:\s+(?i:AUTHORI[SZ]|EVAL\b|OUT OF COMPLIANCE|NO LICENSES|"
                   r"NOT APPLICABLE|NOT AUTHORI[SZ])|Evaluation Period Remaining:|"
                   r"Last Communication Attempt:|Next Communication Attempt:|Communication Deadline:)"),
        re.compile(r"^\s*(?:Status:\s+(?i:NOT STARTED|SUCCE|FAIL|IN PROGRESS|NOT SUPPORTED|CONVERT|"
                   r"CONVERSION)|Automatic Conversion Enabled:)"),
        re.compile(r"^\s*Smart Licensing is\s"),
    )


_OWNER = {"initial_result": "initial_failure_reason", "last_renewal_result": "renewal_failure_reason",
          "last_comm_result": "comm_failure_reason"}


def _block_of(text: str) -> str | None:
    """The block a line shows it belongs to, or None when it does not say (a 'Failure
    reason:' line, a field several blocks print, a blank line)."""
    header, registration, authorization, conversion, other = _says()
    m = header.match(text)
    if m:
        return m.group(1)
    if registration.match(text):
        return "Registration"
    if authorization.match(text):
        return "License Authorization"
    if conversion.match(text):
        return "Smart License Conversion"
    if other.match(text):
        return "(header)"
    return None


def _attach_failure_reasons(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    """Give each ``Failure reason:`` line to the attempt it explains.

    The agent prints the reason indented under the attempt that failed (initial
    registration, last renewal, last communication). A line belongs to the block of the
    nearest line above it that says which block it is in (its header, or a field only
    that block prints): this holds with the indentation lost and in a filtered output
    that lost the headers. The reason goes to the closest attempt line above it in the
    same block; with none shown (``| include Status|Failure``), to its block alone (in
    the License Authorization block, the last communication's: it prints no other
    attempt). A reason with no block above it is given to no one.
    """
    reasons: dict[int, str] = {}
    for values, lines in rows:
        for reason, no in zip(values.get("FAILURE_REASON") or [], lines.get("FAILURE_REASON") or []):
            reasons[no] = reason.strip()
    if not reasons:
        return facts
    by_kind = {f.kind: f for f in facts}
    attempts: dict[int, tuple[Fact, str]] = {}
    for fact in facts:
        for field in _OWNER:
            if field in fact.lines:
                attempts[fact.lines[field]] = (fact, field)
    block: str | None = None
    attempt: tuple[Fact, str] | None = None
    for no, text in section.lines:
        said = _block_of(text)
        if said is not None and said != block:
            block, attempt = said, None
        if no in attempts:
            attempt = attempts[no]
        reason = reasons.get(no)
        if reason is None:
            continue
        if attempt is not None:
            fact, key = attempt[0], _OWNER[attempt[1]]
        elif block == "License Authorization" and "license.authorization" in by_kind:
            fact, key = by_kind["license.authorization"], "comm_failure_reason"
        elif block == "Registration" and "license.registration" in by_kind:
            fact, key = by_kind["license.registration"], None
        else:
            continue
        if key is not None:
            fact.fields.setdefault(key, reason)
            fact.lines.setdefault(key, no)
        fact.fields.setdefault("failure_reason", reason)
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
