"""``show license host-id``: the host id traditional license files are bound to."""

from __future__ import annotations

from diag.facts import Fact
from diag.parsers.base import FactMap, Rows, TextFSMParser


def _post(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    for fact in facts:
        kind, sep, value = str(fact.get("host_id")).partition("=")
        if sep and value:
            fact.fields["type"], fact.fields["serial"] = kind, value
            fact.lines["type"] = fact.lines["serial"] = fact.line_of("host_id")
    return facts


PARSER = TextFSMParser(
    "show license host-id",
    "cisco_nxos_show_license_host-id.textfsm",
    [FactMap("license.host_id", "show license host-id: the license host id of the switch", {
        "host_id": ("HOST_ID", "text", "the host id as printed, e.g. VDH=FDO21120U8A"),
    }, extra={
        "type": ("text", "the host id type before '=' (VDH: the chassis serial number)"),
        "serial": ("text", "the value after '=' (the chassis serial number for VDH)"),
    })],
    post=_post,
)
