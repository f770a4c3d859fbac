"""``show callhome``: whether Call Home is enabled, and its contact information."""

from __future__ import annotations

from diag.parsers.base import FactMap, TextFSMParser

PARSER = TextFSMParser(
    "show callhome",
    "cisco_nxos_show_callhome.textfsm",
    [FactMap("callhome.status", "show callhome: state and contact information", {
        "enabled": ("STATE", "bool", "True for 'callhome enabled'"),
        "contact": ("CONTACT", "text", "contact person name (sysContact)"),
        "email": ("EMAIL", "text", "contact e-mail"),
        "phone": ("PHONE", "text", "contact phone number"),
        "street": ("STREET", "text", "street address"),
        "site_id": ("SITE_ID", "text", "site id"),
        "customer_id": ("CUSTOMER_ID", "text", "customer id"),
        "contract_id": ("CONTRACT_ID", "text", "contract id"),
        "priority": ("PRIORITY", "int", "switch priority"),
    })],
)
