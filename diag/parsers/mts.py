"""MTS queues (``show system internal mts buffers summary``) and SAP owners."""

from __future__ import annotations

from diag.facts import Fact
from diag.parsers.base import FactMap, Rows, TextFSMParser


def _sap_from_command(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    """The SAP number is an argument of the command, not part of its output."""
    sap = section.params.get("sap")
    for fact in facts:
        if sap is not None:
            fact.fields["sap"] = sap
            fact.lines["sap"] = section.start
    return facts


PARSERS = {
    "show_mts_buffers_summary": TextFSMParser(
        "show system internal mts buffers summary",
        "cisco_nxos_show_system_internal_mts_buffers_summary.textfsm",
        [FactMap("mts.queue", "Messages queued for one MTS SAP (service access point)", {
            "node": ("NODE", "text", "sup or lc"),
            "sap": ("SAP", "int", "SAP number"),
            "recv_q": ("RECV_Q", "int", "messages waiting in the receive queue"),
            "pers_q": ("PERS_Q", "int", "persistent queue"),
            "npers_q": ("NPERS_Q", "int", "non-persistent queue"),
            "log_q": ("LOG_Q", "int", "log queue"),
        })],
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
