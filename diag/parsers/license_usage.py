"""``show license usage``: the licenses a switch has installed and uses.

Two dialects, one fact kind (``license.usage``, one fact per license):

* the traditional table (NX-OS up to 9.3(x); N5K/N7K): installed or not, count,
  ``In use`` / ``Unused``, expiry date, grace period left in the comments;
* the Smart Agent blocks (classic Smart Licensing and Smart Licensing Using Policy):
  description, count, ``IN USE``, enforcement type, license type. Under SLP the
  output starts with ``License Authorization: Status: Not Applicable``
  (``license.usage_authorization``).

``show license summary`` and ``show license all`` reuse these maps for their
license usage parts (see ``license_summary.py`` and ``license_all.py``).
"""

from __future__ import annotations

import datetime as dt
import re

from diag.facts import Fact
from diag.parsers.base import FactMap, Rows, TextFSMParser

COMMAND = "show license usage"
TEMPLATE = "cisco_nxos_show_license_usage.textfsm"

_NOT_IN_USE = {"UNUSED", "NOT IN USE"}
_GRACE = re.compile(r"\bGrace\s+(?:(?P<d>\d+)\s*D)?\s*(?:(?P<h>\d+)\s*H)?", re.I)

# Every field of license.usage, with its type and description; each FactMap maps the
# ones its dialect prints and declares the others as filled (or not) by the post hook.
USAGE_FIELDS: dict[str, tuple[str, str]] = {
    "name": ("text", "the license as NX-OS names it: the Feature column of the table "
                     "(LAN_ENTERPRISE_SERVICES_PKG), the entitlement tag in parentheses of a Smart Agent "
                     "block '(LAN_ENTERPRISE_SERVICES_PKG):' or of a show license summary row (NXOS_ESSENTIALS)"),
    "license": ("text", "the short name printed before the tag: 'network-advantage (…):' blocks, the License "
                        "column of show license summary (may end in '...'); absent on NX-OS blocks"),
    "description": ("text", "Description line of a block"),
    "installed": ("bool", "Ins column of the table: True for Yes (a license file is installed)"),
    "count": ("int", "Lic Count / Count (absent when printed '-')"),
    "version": ("text", "Version line of a block"),
    "status": ("upper", "IN USE, UNUSED (table 'Unused'), AUTHORIZED, EVAL MODE, NOT AUTHORIZED, ..."),
    "in_use": ("bool", "True when the switch uses the license: status IN USE (table 'In use'), or an "
                       "authorization state of an entitlement the Smart Agent lists (AUTHORIZED, EVAL MODE, "
                       "...) with a count above 0; False for UNUSED / NOT IN USE or a count of 0"),
    "expiry": ("date", "Expiry Date of the table (absent when blank or 'Never')"),
    "expiry_text": ("raw", "Expiry Date as printed ('Never', a date)"),
    "comments": ("text", "Comments column of the table (absent when '-')"),
    "grace_days": ("int", "whole days of grace period left, from a 'Grace 10D 1H' comment"),
    "grace_remaining": ("duration", "grace period left, from a 'Grace 10D 1H' comment (10 days 1 hour)"),
    "export_status": ("upper", "Export status line of a block (IOS XE: NOT RESTRICTED, ...)"),
    "enforcement": ("upper", "Enforcement Type: NOT ENFORCED, ENFORCED, EXPORT RESTRICTED ..."),
    "license_type": ("text", "License Type: Generic, Perpetual, Subscription, ..."),
    "form": ("text", "table (traditional licensing) / block (Smart Agent) / summary (show license summary row)"),
}

USAGE_DOC = ("A license and its use: a row of the show license usage table, a Smart Agent license block "
             "(show license usage, show license all) or a row of the show license summary usage table")


def usage_map(values: dict[str, str], require: str = "name") -> FactMap:
    """A license.usage map reading ``values`` ({field: TEMPLATE_VALUE}) of one dialect."""
    fields = {f: (v, USAGE_FIELDS[f][0], USAGE_FIELDS[f][1]) for f, v in values.items()}
    extra = {f: spec for f, spec in USAGE_FIELDS.items() if f not in fields}
    return FactMap("license.usage", USAGE_DOC, fields, require=require, extra=extra)


TABLE_MAP = usage_map({"name": "FEATURE", "installed": "INSTALLED", "count": "LIC_COUNT",
                       "status": "TABLE_STATUS", "expiry": "EXPIRY", "expiry_text": "EXPIRY",
                       "comments": "COMMENTS"})
BLOCK_MAP = usage_map({"name": "NAME", "license": "LICENSE", "description": "DESCRIPTION", "count": "COUNT",
                       "version": "VERSION", "status": "STATUS", "export_status": "EXPORT_STATUS",
                       "enforcement": "ENFORCEMENT", "license_type": "LICENSE_TYPE"})
AUTH_MAP = FactMap("license.usage_authorization",
                   "The 'License Authorization:' status line that heads the Smart Agent form of show license "
                   "usage (NOT APPLICABLE under Smart Licensing Using Policy)", {
                       "status": ("AUTH_STATUS", "upper", "NOT APPLICABLE (SLP), AUTHORIZED, EVAL MODE, "
                                                          "OUT OF COMPLIANCE, ..."),
                       "date": ("AUTH_DATE", "date", "the date after 'on' in the status line"),
                       "eval_remaining": ("EVAL_REMAINING", "duration", "evaluation period left"),
                   }, extra={"slp": ("bool", "True when the status is 'Not Applicable': the switch runs "
                                             "Smart Licensing Using Policy")})


def finish_usage(facts: list[Fact]) -> list[Fact]:
    """Fill the derived fields of license.usage and license.usage_authorization facts."""
    for fact in facts:
        if fact.kind == "license.usage_authorization" and fact.get("status"):
            fact.fields["slp"] = fact.get("status") == "NOT APPLICABLE"
            fact.lines["slp"] = fact.line_of("status")
            continue
        if fact.kind != "license.usage":
            continue
        form = "table" if "installed" in fact.fields or "expiry_text" in fact.fields else "block"
        fact.fields.setdefault("form", form)
        if fact.get("comments") == "-":
            del fact.fields["comments"]
            fact.lines.pop("comments", None)
        m = _GRACE.search(fact.get("comments") or "")
        if m and (m.group("d") or m.group("h")):
            days, hours = int(m.group("d") or 0), int(m.group("h") or 0)
            fact.fields["grace_days"] = days
            fact.fields["grace_remaining"] = dt.timedelta(days=days, hours=hours)
            fact.lines["grace_days"] = fact.lines["grace_remaining"] = fact.line_of("comments")
        status = fact.get("status")
        if status:
            count = fact.get("count")
            if status in _NOT_IN_USE or count == 0:
                in_use = False
            elif fact.fields["form"] == "table":
                in_use = status == "IN USE"
            else:
                in_use = True
            fact.fields["in_use"] = in_use
            fact.lines["in_use"] = fact.line_of("status")
    return facts


def _post(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    return finish_usage(facts)


PARSER = TextFSMParser(COMMAND, TEMPLATE, [AUTH_MAP, TABLE_MAP, BLOCK_MAP], post=_post)
