"""``show ip route [vrf <vrf>|all] [<prefix>]``: whether each VRF shown has a default route.

One ``route.default`` fact per route table the output shows (one per VRF; ``vrf all``
shows several):

* the table holds ``0.0.0.0/0``: present, with its next hops, interfaces and protocols;
* the lookup of ``0.0.0.0/0`` answered ``Route not found``: absent;
* the whole table of a VRF (no prefix asked, no filter) without ``0.0.0.0/0``: absent.

A lookup of another prefix or address, and a filtered output, prove no absence: they
give a fact only when the default route is on screen. An output pasted without its
command (recognised by its header) is taken for whole tables, except a table of exactly
one route: that is what a lookup prints, and it proves nothing. Other routes are read (each line
must be understood) but make no fact. The kind's absence proves nothing either (a VRF
that was not shown has no fact): rules read ``present``.
"""

from __future__ import annotations

import re

from diag.facts import Fact, declare
from diag.parsers.base import unparsed_facts
from diag.parsers.fsm import load_fsm

COMMAND = "show ip route"
TEMPLATE = "cisco_nxos_show_ip_route.textfsm"
DEFAULT = "0.0.0.0/0"
_HEADER = re.compile(r'^\s*IP\s+Route\s+Table\s+for\s+(?:VRF|Context)\s+"')
_ROUTE = re.compile(r"^\s*\d+\.\d+\.\d+\.\d+/\d+,\s")

declare("route.default", "Whether a VRF has a default route (show ip route): one fact per route table shown", {
    "vrf": ("text", "the VRF of the table ('IP Route Table for VRF \"<vrf>\"'; else the command's vrf, "
                    "else default)"),
    "present": ("bool", "True when 0.0.0.0/0 is in the table; False when the lookup of 0.0.0.0/0 said "
                        "'Route not found' or the whole table of the VRF holds no 0.0.0.0/0"),
    "next_hops": ("text", "next hops of the default route as printed ('<address>%<vrf>' when the next "
                          "hop is in another VRF), in order"),
    "interfaces": ("text", "outgoing interfaces printed with those next hops, in order"),
    "protocols": ("text", "what installed each next hop (static, bgp-65000, ospf-1, ...), in order"),
    "said": ("text", "what the output says, in a few words: '0.0.0.0/0 via 10.48.0.1 (mgmt0, static)', "
                     "'Route not found', or 'no 0.0.0.0/0 in the route table of VRF <vrf>'"),
}, proven_by=(), produced_by=(COMMAND,))


def _routes_per_table(section) -> dict[int, int]:
    """How many routes each table of the section lists, by the line of its header."""
    counts: dict[int, int] = {}
    header = None
    for no, text in section.lines:
        if _HEADER.match(text):
            header = no
            counts[header] = 0
        elif header is not None and _ROUTE.match(text):
            counts[header] += 1
    return counts


def _said(hops: list[tuple[str, str | None, str]]) -> str:
    parts = []
    for hop, interface, protocol in hops:
        how = ", ".join(x for x in (interface, protocol) if x)
        parts.append(f"{hop} ({how})" if how else hop)
    return f"{DEFAULT} via " + ", ".join(parts) if parts else DEFAULT


class RouteParser:
    command = COMMAND

    def parse(self, section) -> list[Fact]:
        rows, unparsed = load_fsm(TEMPLATE).run(section.lines)
        asked = section.params.get("prefix")
        whole = asked is None and not section.filtered  # the whole table of each VRF shown
        lookup = asked in (DEFAULT,) and not section.filtered
        command_vrf = section.params.get("vrf")
        # pasted without its command: a table of one route may be a lookup's answer
        single = ({h for h, n in _routes_per_table(section).items() if n == 1}
                  if section.origin == "content" else set())
        facts: list[Fact] = []
        table: dict | None = None  # the table being read: its VRF, header line, what it said

        def close() -> None:
            if table is None:
                return
            vrf, header, answered = table["vrf"], table["line"], table["answered"]
            if not answered and whole and header is not None and header not in single:
                facts.append(Fact("route.default", {
                    "vrf": vrf, "present": False, "said": f"no {DEFAULT} in the route table of VRF {vrf}",
                }, {"vrf": header, "present": header, "said": header}, section, header))

        def vrf_of(values: dict) -> str:
            vrf = values.get("VRF") or command_vrf
            return vrf if vrf and vrf.lower() != "all" else "default"

        route: Fact | None = None
        for values, lines in rows:
            if values.get("TABLE"):
                close()
                table = {"vrf": vrf_of(values), "line": lines.get("TABLE"), "answered": False}
                route = None
                continue
            if table is None:  # a route or answer before any header (a filtered output)
                table = {"vrf": vrf_of(values), "line": None, "answered": False}
            if values.get("NOT_FOUND"):
                table["answered"] = True
                route = None
                if lookup:
                    no = lines["NOT_FOUND"]
                    facts.append(Fact("route.default", {
                        "vrf": table["vrf"], "present": False, "said": "Route not found",
                    }, {"vrf": table["line"] or no, "present": no, "said": no}, section, no))
            elif values.get("PREFIX"):
                table["answered"] = True
                no = lines["PREFIX"]
                route = Fact("route.default", {"vrf": table["vrf"], "present": True, "said": DEFAULT},
                             {"vrf": table["line"] or no, "present": no, "said": no}, section, no)
                route.fields["hops"] = []  # (next hop, interface, protocol) while it is read
                facts.append(route)
            elif values.get("NEXT_HOP") and route is not None:
                hop = (values["NEXT_HOP"], values.get("INTERFACE") or None, values.get("PROTOCOL") or "")
                route.fields["hops"].append(hop)
                no = lines["NEXT_HOP"]
                for name in ("next_hops", "interfaces", "protocols"):
                    route.lines.setdefault(name, no)
        close()
        for fact in facts:
            hops = fact.fields.pop("hops", None)
            if not hops:
                continue
            fact.fields["next_hops"] = [h for h, _, _ in hops]
            interfaces = [i for _, i, _ in hops if i]
            if interfaces:
                fact.fields["interfaces"] = interfaces
            else:
                fact.lines.pop("interfaces", None)
            fact.fields["protocols"] = [p for _, _, p in hops if p]
            fact.fields["said"] = _said(hops)
        return facts + unparsed_facts(section, unparsed)


PARSER = RouteParser()
