"""``show hosts``: the switch's DNS resolver, as evidence for DNS rules.

``dns.lookup`` says whether lookups are on; ``dns.domain`` gives the default
domain per VRF; ``dns.name_servers`` is one fact per 'Name servers are' line (or
per VRF table row) and ``dns.name_server`` one per server, so that "no name
server usable in the Call Home VRF" is the absence of a ``dns.name_server``
fact with that VRF in a device that captured ``show hosts``. NX-OS prints
``Name servers are 255.255.255.255`` when none is configured: that line gives a
``dns.name_servers`` fact with ``configured: false`` (to point a finding at) and
no ``dns.name_server`` fact. ``dns.host`` is a static entry (``ip host``).
"""

from __future__ import annotations

import re

from diag.facts import Fact
from diag.parsers.base import FactMap, Rows, TextFSMParser

COMMAND = "show hosts"
NONE_CONFIGURED = "255.255.255.255"
_SERVER_TOKEN = re.compile(r"(?i)^name")

_SERVER_FIELDS = {
    "vrf": ("text", "the VRF the servers belong to: the VRF named by the domain line above the "
                    "'Name servers are' line ('default' when none names one), or the Vrf column of the "
                    "per-VRF table"),
    "use_vrf": ("text", "the Use-vrf column of the per-VRF table: the VRF the servers are reached "
                        "through (absent for the 'Name servers are' line)"),
}


_SEPARATORS = re.compile(r"[\s,]+")


def _split(text) -> list[str]:
    return [t for t in _SEPARATORS.split(str(text or "")) if t]


def _post(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    out: list[Fact] = []
    vrf = "default"
    lookup = next((f for f in facts if f.kind == "dns.lookup"), None)
    by_line = sorted(facts, key=lambda f: f.line)
    for fact in by_line:
        if fact.kind == "dns.domain":
            if fact.get("vrf"):
                vrf = str(fact.get("vrf"))
            else:
                fact.fields["vrf"] = "default"
                fact.lines["vrf"] = fact.line_of("domain")
        elif fact.kind == "dns.name_servers":
            _servers(section, fact, vrf, None, out)
            continue
        elif fact.kind == "dns.host":
            fact.fields["addresses"] = _split(fact.get("addresses"))
        out.append(fact)
    # the service line and the per-VRF table are records of their own
    for values, lines in rows:
        if values.get("SERVICE") and lookup is not None:
            lookup.fields["service"] = values["SERVICE"].strip()
            lookup.lines["service"] = lines["SERVICE"]
        if values.get("T_TOKEN"):
            token, no = values["T_TOKEN"], lines["T_TOKEN"]
            row = {"vrf": values["T_VRF"], "use_vrf": values["T_USE_VRF"]}
            if _SERVER_TOKEN.match(token):
                fact = Fact("dns.name_servers", {"servers_text": values["T_CONFIG"].strip()},
                            {"servers_text": no}, section)
                _servers(section, fact, row["vrf"], row["use_vrf"], out)
            else:
                for domain in _split(values["T_CONFIG"]):
                    out.append(Fact("dns.domain", {"domain": domain, **row, "token": token},
                                    {"domain": no, "vrf": no, "use_vrf": no, "token": no}, section))
    return sorted(out, key=lambda f: f.line)


def _servers(section, fact: Fact, vrf: str, use_vrf: str | None, out: list[Fact]) -> None:
    no = fact.line_of("servers_text")
    servers = [s for s in _split(fact.get("servers_text")) if s != NONE_CONFIGURED]
    fact.fields["vrf"] = vrf
    fact.lines["vrf"] = no
    if use_vrf:
        fact.fields["use_vrf"] = use_vrf
        fact.lines["use_vrf"] = no
    fact.fields["configured"] = bool(servers)
    fact.lines["configured"] = no
    if servers:
        fact.fields["servers"] = servers
        fact.lines["servers"] = no
    out.append(fact)
    for server in servers:
        fields = {"server": server, "vrf": vrf, **({"use_vrf": use_vrf} if use_vrf else {})}
        out.append(Fact("dns.name_server", fields, {k: no for k in fields}, section))


PARSER = TextFSMParser(
    COMMAND,
    "cisco_nxos_show_hosts.textfsm",
    [
        FactMap("dns.lookup", "show hosts: whether the switch resolves names (DNS lookup enabled/disabled)", {
            "enabled": ("LOOKUP", "bool", "True for 'DNS lookup enabled'; the line is global (all VRFs)"),
        }, require="enabled", extra={
            "service": ("text", "what 'Name/address lookup uses' (domain service), when printed"),
        }),
        FactMap("dns.domain", "show hosts: a default domain (or a domain-list entry) of a VRF", {
            "vrf": ("DOMAIN_VRF", "text", "the VRF ('default' when the line names none)"),
            "domain": ("DOMAIN", "text", "the domain name, e.g. example.com"),
        }, require="domain", extra={
            "use_vrf": ("text", "the Use-vrf column of the per-VRF table, for a table row"),
            "token": ("text", "the Token column of the per-VRF table (domain, domain list, ...), for a table row"),
        }),
        FactMap("dns.name_servers", "show hosts: the name servers of a VRF, as one line lists them", {
            "servers_text": ("SERVERS", "raw", "the servers as printed ('255.255.255.255' when none)"),
        }, require="servers_text", extra=_SERVER_FIELDS | {
            "servers": ("text", "the configured servers, in order (absent when none is configured)"),
            "configured": ("bool", "False when NX-OS prints 255.255.255.255: no name server configured"),
        }),
        FactMap("dns.name_server", "show hosts: one configured name server (never 255.255.255.255)", {}, extra={
            "server": ("text", "server address"),
            **_SERVER_FIELDS,
        }),
        FactMap("dns.host", "show hosts: a static host entry (ip host)", {
            "name": ("HOST", "text", "host name"),
            "addresses": ("HOST_ADDRESSES", "text", "its address(es), in order"),
            "vrf": ("HOST_VRF", "text", "the VRF column, when the release prints one (absent otherwise)"),
        }, require="name"),
    ],
    post=_post,
)
