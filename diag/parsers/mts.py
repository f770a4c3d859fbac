"""MTS queues (``show system internal mts buffers summary`` and ``... details``) and SAP owners.

The summary prints, per node and SAP, how many messages wait in each queue. The details
print each waiting message with its age: diag counts them per node, SAP and queue into
the same ``mts.queue`` facts, with the age of the oldest message, so that a rule reads
either output the same way.
"""

from __future__ import annotations

from diag.facts import Fact
from diag.parsers.base import FactMap, Rows, TextFSMParser, unparsed_facts
from diag.parsers.fsm import load_fsm

SUMMARY = "show system internal mts buffers summary"
DETAILS = "show system internal mts buffers details"
# The queue names the details print, and the summary column each one is counted in.
QUEUES = {"recv": "recv_q", "pers": "pers_q", "npers": "npers_q", "nper": "npers_q", "log": "log_q"}

QUEUE_FIELDS = {
    "node": ("NODE", "text", "sup or lc (sup-1, lc-3 ... on a chassis)"),
    "sap": ("SAP", "int", "SAP number"),
    "recv_q": ("RECV_Q", "int", "messages waiting in the receive queue"),
    "pers_q": ("PERS_Q", "int", "persistent queue"),
    "npers_q": ("NPERS_Q", "int", "non-persistent queue"),
    "log_q": ("LOG_Q", "int", "log queue"),
}
OLDEST = {"oldest_ms": ("int", "age in milliseconds of the oldest message waiting for this SAP, from "
                               "the details (the summary prints no age); its line is that message's")}


def _sap_from_command(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    """The SAP number is an argument of the command, not part of its output."""
    sap = section.params.get("sap")
    for fact in facts:
        if sap is not None:
            fact.fields["sap"] = sap
            fact.lines["sap"] = section.start
    return facts


class DetailsParser(TextFSMParser):
    """One ``mts.queue`` fact per node and SAP: its messages counted per queue (0 for a
    queue with none: the output lists every waiting message), and the oldest one's age."""

    def parse(self, section) -> list[Fact]:
        rows, unparsed = load_fsm(self.template).run(section.lines)
        groups: dict[tuple[str, int], dict] = {}
        for values, lines in rows:
            column = QUEUES.get(values["QUEUE"].lower())
            if column is None:  # a queue diag does not know: shown as unread, never guessed
                unparsed.append(lines["QUEUE"])
                continue
            node, sap, age, no = values["NODE"], int(values["SAP"]), int(values["AGE"]), lines["QUEUE"]
            group = groups.get((node, sap))
            if group is None:
                group = groups[(node, sap)] = {"first": no, "counts": dict.fromkeys(QUEUES.values(), 0),
                                               "oldest": {}, "age": -1, "age_line": no}
            group["counts"][column] += 1
            if age > group["oldest"].get(column, (-1, 0))[0]:
                group["oldest"][column] = (age, no)
            if age > group["age"]:
                group["age"], group["age_line"] = age, no
        facts = []
        for (node, sap), group in groups.items():
            fields = {"node": node, "sap": sap, **group["counts"], "oldest_ms": group["age"]}
            lines = {"node": group["first"], "sap": group["first"], "oldest_ms": group["age_line"]}
            lines.update({column: line for column, (_, line) in group["oldest"].items()})
            facts.append(Fact("mts.queue", fields, lines, section, group["first"]))
        return facts + unparsed_facts(section, unparsed)


PARSERS = {
    "show_mts_buffers_summary": TextFSMParser(
        SUMMARY, "cisco_nxos_show_system_internal_mts_buffers_summary.textfsm",
        [FactMap("mts.queue", "Messages queued for one MTS SAP (service access point)", QUEUE_FIELDS,
                 extra=OLDEST)],
    ),
    "show_mts_buffers_details": DetailsParser(
        DETAILS, "cisco_nxos_show_system_internal_mts_buffers_details.textfsm",
        [FactMap("mts.queue", "Messages queued for one MTS SAP (service access point)",
                 {k: v for k, v in QUEUE_FIELDS.items() if k in ("node", "sap")},
                 extra={**{k: (t, d) for k, (_, t, d) in QUEUE_FIELDS.items() if k not in ("node", "sap")},
                        **OLDEST})],
    ),
    "show_mts_sap_description": TextFSMParser(
        "show system internal mts sup sap description",
        "cisco_nxos_show_system_internal_mts_sup_sap_description.textfsm",
        [FactMap("mts.sap", "The service that owns an MTS SAP number", {
            "description": ("DESCRIPTION", "text", "service name, e.g. callhome"),
        }, extra={"sap": ("int", "SAP number (from the command)")})],
        post=_sap_from_command,
    ),
}
