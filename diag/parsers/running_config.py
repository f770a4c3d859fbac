"""``show running-config`` (whole, one section, or a fragment), read with TTP.

Only the lines Smart Licensing and Call Home depend on are handed to TTP: the
callhome block, interfaces (for their VRF), ``vrf context`` blocks (for their
name servers) and a handful of global lines. On a 10,000-line configuration
that is a few dozen lines, so the cost stays small however large the file.
Every line inside the ``callhome`` block must be understood; one that is not
is reported as unparsed output.
"""

from __future__ import annotations

import ipaddress
import re

from diag.commands import RUNNING_CONFIG
from diag.facts import Fact, declare
from diag.parsers import layout, ttpconf
from diag.parsers.clock import ZONE_FIELDS
from diag.parsers.base import unparsed_facts
from diag.types import to_datetime, to_release

COMMAND = RUNNING_CONFIG
TEMPLATE = "cisco_nxos_show_running-config.ttp"
WHOLE = (RUNNING_CONFIG,)
CALLHOME = (RUNNING_CONFIG + " callhome",)
INTERFACE = (RUNNING_CONFIG + " interface",)


def _declare(kind: str, doc: str, fields: dict, proven_by=WHOLE) -> None:
    declare(kind, doc, fields, proven_by=proven_by, produced_by=(COMMAND,))


_declare("config.version", "The 'version' line at the top of a running-config", {
    "release": ("release", "NX-OS release"),
})
_declare("config.hostname", "hostname / switchname line", {"name": ("text", "the device name")})
_declare("callhome.block", "The callhome configuration block (one per configuration)", {
    "enabled": ("bool", "True when the block has 'enable'"),
    "email": ("text", "email-contact"),
    "phone": ("text", "phone-contact"),
    "street": ("text", "streetaddress"),
    "contract_id": ("text", "contract-id"),
    "customer_id": ("text", "customer-id"),
    "site_id": ("text", "site-id"),
    "vrf": ("text", "transport http use-vrf (absent when not configured)"),
    "proxy_server": ("text", "transport http proxy server"),
    "proxy_port": ("int", "transport http proxy server ... port"),
    "proxy_enabled": ("bool", "True when 'transport http proxy enable' is configured"),
    "unread": ("bool", "True when lines of the block could not be read: what it lacks may be among "
                       "them ('enabled' is then only True or absent)"),
}, proven_by=CALLHOME)
# Kinds that show callhome destination-profile gives too (parsers/callhome_profiles.py)
DESTINATION = ("callhome.destination", "An HTTP destination URL of a destination profile (the "
               "configuration's 'destination-profile <name> [index <n>] http <url>', or a URL "
               "listed by show callhome destination-profile)", {
                   "profile": ("text", "destination profile name, e.g. CiscoTAC-1"),
                   "index": ("int", "the index NX-OS gives the URL (absent in the un-indexed form, and "
                                    "when show callhome destination-profile prints none)"),
                   "url": ("url", "the URL as configured"),
                   "scheme": ("text", "http or https"),
                   "host": ("text", "the host part of the URL"),
                   "path": ("text", "the path part of the URL"),
                   "host_is_ip": ("bool", "True when the host is an IPv4/IPv6 literal"),
               })
METHOD = ("callhome.method", "destination-profile <name> transport-method <method> (or the "
          "transport-method show callhome destination-profile prints, one fact per method)", {
              "profile": ("text", "destination profile name"),
              "method": ("text", "http or email"),
              "negated": ("bool", "True for a 'no destination-profile ... transport-method' line"),
          })
_declare(*DESTINATION, proven_by=CALLHOME)
_declare(*METHOD, proven_by=CALLHOME)
_declare("config.interface", "An interface and the VRF it is a member of", {
    "name": ("text", "interface name as configured"),
    "key": ("text", "normalised interface name for comparisons"),
    "vrf": ("text", "vrf member; 'default' when none is configured (mgmt0: 'management')"),
}, proven_by=WHOLE + INTERFACE)
_declare("config.http_source", "ip http source-interface <intf> [vrf <vrf>]", {
    "interface": ("text", "interface name as configured"),
    "key": ("text", "normalised interface name"),
    "vrf": ("text", "the VRF the line applies to, when it names one"),
})
_declare("config.name_server", "A DNS server, global or under a vrf context", {
    "server": ("text", "server address"),
    "vrf": ("text", "VRF the server is used in ('default' for a global line without use-vrf)"),
})
_declare("config.domain_lookup", "ip domain-lookup / no ip domain-lookup, global or under a vrf context", {
    "enabled": ("bool", "False for 'no ip domain-lookup'"),
    "vrf": ("text", "the vrf context the line is under; absent for the global line (all VRFs)"),
})
_declare("config.ip_host", "ip host <name> <address>: a static name", {
    "name": ("text", "host name"),
    "addresses": ("text", "address(es)"),
})
_declare("config.ntp_server", "ntp server <addr> [prefer] [use-vrf <vrf>]", {
    "server": ("text", "server"),
    "vrf": ("text", "use-vrf, when given"),
    "prefer": ("bool", "prefer keyword present"),
})
_declare("config.license_smart_enable", "license smart enable", {
    "enabled": ("bool", "always True: the line is present"),
})
_declare("config.license_smart", "Other 'license smart <setting> <value>' lines (SLP transport, url, vrf, proxy)", {
    "setting": ("text", "transport, url, vrf, proxy, ..."),
    "value": ("text", "the rest of the line"),
    "url": ("url", "the URL of a 'license smart url smart|cslu <url>' line"),
    "proxy": ("text", "the proxy host of a 'license smart proxy address <host>' line"),
})
_declare("config.vrf_context", "vrf context <name>", {"name": ("text", "VRF name")})
_declare("clock", "A clock reading printed by the switch (the capture's own 'now')", {
    "now": ("date", "the time the output was taken"), **ZONE_FIELDS,
}, proven_by=())
_declare("config.clock_zone", "clock timezone <name> <hours> <minutes> / clock summer-time <name> ...", {
    "zone": ("text", "the zone name the switch prints in show clock"),
    "offset_minutes": ("int", "minutes east of UTC while this zone name is in force"),
    "summer": ("bool", "a summer-time zone (its offset is the standard one plus the summer shift)"),
})

_KEEP_TOP = re.compile(
    r"^(?:!Time:|!Command:|version |hostname |switchname |callhome\s*$|interface |ip http |"
    r"ip name-server |ip domain-|no ip domain-lookup|ip host |vrf context |ntp server |license smart|"
    r"clock (?:timezone|summer-time) )"
)
_KEEP_CHILD = {
    "callhome": None,  # every line
    "interface": re.compile(r"^\s+vrf member "),
    "vrf": re.compile(r"^\s+(?:ip name-server |ip domain-|no ip domain-lookup)"),
}

_IF_PREFIX = [
    ("ethernet", "ethernet"), ("eth", "ethernet"), ("et", "ethernet"),
    ("port-channel", "port-channel"), ("po", "port-channel"),
    ("loopback", "loopback"), ("lo", "loopback"),
    ("vlan", "vlan"), ("mgmt", "mgmt"), ("tunnel", "tunnel"),
]


_IF_WORD = re.compile(r"^([a-z\-]+)(.*)$")


def interface_key(name: str) -> str:
    """``Eth1/1`` -> ``ethernet1/1``, ``Vlan27`` -> ``vlan27``, ``lo0`` -> ``loopback0``."""
    low = name.strip().lower().replace(" ", "")
    m = _IF_WORD.match(low)
    if not m:
        return low
    word, rest = m.groups()
    for prefix, full in _IF_PREFIX:
        if word == prefix or (len(word) >= 2 and full.startswith(word) and prefix == full):
            return full + rest
    return low


# Line number of the parent invented for orphans: lines that only exist inside the
# callhome block, shown without it (a filtered '| include http'). No real line has it.
FRAGMENT_PARENT = 0


def _relevant(lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Lines worth giving to TTP, and the callhome block's own lines (``lines``: as
    ``layout.reflow_config`` gives them back, wraps joined and blocks nested).

    Callhome-only child lines with no callhome block above them are given to TTP under
    an invented ``callhome`` parent (line 0), so their evidence (a destination URL, the
    transport VRF) is read as if the block were there.
    """
    keep: list[tuple[int, str]] = []
    callhome: list[tuple[int, str]] = []
    orphans: list[tuple[int, str]] = []
    block: str | None = None
    for no, text in lines:
        if not text.strip():
            continue
        if not text[0].isspace():
            block = None
            if _KEEP_TOP.match(text):
                keep.append((no, text))
                word = text.split()[0]
                if word in ("callhome", "interface"):
                    block = word
                elif text.startswith("vrf context "):
                    block = "vrf"
            continue
        if block != "callhome" and layout.callhome_only().match(text.strip()):
            orphans.append((no, text))
            continue
        if block is None:
            continue
        pattern = _KEEP_CHILD[block]
        if pattern is None:
            keep.append((no, text))
            callhome.append((no, text))
        elif pattern.match(text):
            keep.append((no, text))
    if orphans:
        keep.append((FRAGMENT_PARENT, "callhome"))
        keep.extend(orphans)
        callhome.extend(orphans)
    return keep, callhome


def read_lines(section) -> int:
    """How many lines of the section the parser reads (gives the template): each becomes a
    record, then a fact. The splitter checks it against ``limits.MAX_CONFIG_LINES``."""
    return len(_relevant(layout.reflow_config(section.lines, bool(getattr(section, "filtered", False))).lines)[0])


def _fact(kind: str, node: ttpconf.Node, section, fields: dict, names: dict[str, str] | None = None) -> Fact:
    """A fact whose field lines come from the TTP node (``names`` maps field -> TTP var)."""
    lines: dict[str, int] = {}
    for field, value in fields.items():
        if value is None:
            continue  # no value, no line: a line number must point at evidence
        var = (names or {}).get(field, field)
        line = node.line(var)
        if line is not None:
            lines[field] = line
    return Fact(kind, {k: v for k, v in fields.items() if v is not None}, lines, section,
                node.first_line())


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


class RunningConfigParser:
    command = COMMAND

    def parse(self, section) -> list[Fact]:
        flowed = layout.reflow_config(section.lines, bool(getattr(section, "filtered", False)))
        section.joined.update(flowed.joined)
        section.cut.update(flowed.cut)
        keep, callhome_lines = _relevant(flowed.lines)
        if not keep:
            return []
        real_block = any(no != FRAGMENT_PARENT and text.strip() == "callhome" for no, text in keep)
        root = ttpconf.run(TEMPLATE, keep)
        facts: list[Fact] = []
        used: set[int] = set(root.all_lines())

        for node in root.child("header"):
            now = to_datetime(node.get("time"))
            if now is not None:
                facts.append(_fact("clock", node, section, {"now": now}, {"now": "time"}))
        for node in root.child("version") + root.child("version_short"):
            rel = to_release(node.get("release"))
            if rel is not None:
                facts.append(_fact("config.version", node, section, {"release": rel}))
        for node in root.child("hostname") + root.child("switchname"):
            facts.append(_fact("config.hostname", node, section, {"name": node.get("name")}))
        doubt = any(no not in used and no != FRAGMENT_PARENT and not text.strip().startswith("!")
                    for no, text in callhome_lines)
        for node in root.child("callhome"):
            facts.extend(self._callhome(node, section, real_block, doubt))
        for node in root.child("interfaces"):
            name = node.get("name") or ""
            key = interface_key(name)
            vrf = node.get("vrf") or ("management" if key.startswith("mgmt") else "default")
            fact = _fact("config.interface", node, section, {"name": name, "key": key, "vrf": vrf})
            if "vrf" not in fact.lines:
                fact.lines["vrf"] = fact.lines.get("name", fact.line)
            facts.append(fact)
        for node in root.child("http_source"):
            name = node.get("interface") or ""
            facts.append(_fact("config.http_source", node, section,
                               {"interface": name, "key": interface_key(name), "vrf": node.get("vrf")},
                               {"key": "interface"}))
        for node in root.child("name_servers"):
            for server in str(node.get("servers") or "").split():
                facts.append(_fact("config.name_server", node, section,
                                   {"server": server, "vrf": node.get("vrf") or "default"},
                                   {"server": "servers", "vrf": "servers"}))
        for node in root.child("domain_lookup"):
            enabled = not bool(node.get("disabled"))
            var = "disabled" if node.get("disabled") else "enabled"
            facts.append(_fact("config.domain_lookup", node, section, {"enabled": enabled}, {"enabled": var}))
        for node in root.child("ip_hosts"):
            facts.append(_fact("config.ip_host", node, section,
                               {"name": node.get("name"), "addresses": node.get("addresses")}))
        for node in root.child("vrf_contexts"):
            vrf = node.get("name")
            facts.append(_fact("config.vrf_context", node, section, {"name": vrf}))
            for child in node.child("name_servers"):
                for server in str(child.get("servers") or "").split():
                    facts.append(_fact("config.name_server", child, section, {"server": server, "vrf": vrf},
                                       {"server": "servers", "vrf": "servers"}))
            if node.get("lookup_disabled"):
                facts.append(_fact("config.domain_lookup", node, section, {"enabled": False, "vrf": vrf},
                                   {"enabled": "lookup_disabled", "vrf": "lookup_disabled"}))
        for node in root.child("ntp_servers"):
            opts = str(node.get("options") or "").split()
            vrf = opts[opts.index("use-vrf") + 1] if "use-vrf" in opts[:-1] else None
            facts.append(_fact("config.ntp_server", node, section,
                               {"server": node.get("server"), "vrf": vrf, "prefer": "prefer" in opts},
                               {"vrf": "server", "prefer": "server"}))
        facts.extend(self._clock_zones(root, section))
        for node in root.child("license_smart_enable"):
            facts.append(_fact("config.license_smart_enable", node, section, {"enabled": True}))
        for node in root.child("license_smart"):
            value = str(node.get("value") or "").strip()
            words = value.split()
            urls = [w for w in words if "://" in w]
            proxy = words[1] if node.get("setting") == "proxy" and len(words) > 1 and words[0] == "address" else None
            facts.append(_fact("config.license_smart", node, section,
                               {"setting": node.get("setting"), "value": value,
                                "url": urls[-1] if urls else None, "proxy": proxy},
                               {"url": "value", "proxy": "value"}))

        used.discard(FRAGMENT_PARENT)
        unread = [n for no, text in callhome_lines if no not in used and not text.strip().startswith("!")
                  for n in flowed.numbers(no)]
        return facts + unparsed_facts(section, unread)

    def _clock_zones(self, root: ttpconf.Node, section) -> list[Fact]:
        """'clock timezone MEZ 1 0' and 'clock summer-time MESZ ... 60': what the zone names
        show clock prints stand for (a summer zone: the standard offset plus its shift)."""
        out: list[Fact] = []
        standard = 0
        for node in root.child("clock_timezone"):
            text_h, text_m = str(node.get("hours") or ""), str(node.get("minutes") or "0")
            digits = text_h.lstrip("+-")
            if not (digits.isascii() and digits.isdigit() and text_m.isascii() and text_m.isdigit()):
                continue
            hours, minutes = int(digits), int(text_m)
            if hours > 23 or minutes > 59:  # not an offset NX-OS accepts
                continue
            standard = (hours * 60 + minutes) * (-1 if text_h.startswith("-") else 1)
            out.append(_fact("config.clock_zone", node, section,
                             {"zone": node.get("zone"), "offset_minutes": standard, "summer": False},
                             {"offset_minutes": "hours", "summer": "zone"}))
        for node in root.child("clock_summer_time"):
            words = str(node.get("rest") or "").split()
            last = words[-1] if words else ""
            if len(words) < 9:
                shift = 60  # no shift given: an hour
            elif last.isascii() and last.isdigit() and 1 <= int(last) <= 1440:  # what NX-OS takes
                shift = int(last)
            else:
                continue
            out.append(_fact("config.clock_zone", node, section,
                             {"zone": node.get("zone"), "offset_minutes": standard + shift, "summer": True},
                             {"offset_minutes": "rest", "summer": "zone"}))
        return out

    def _callhome(self, node: ttpconf.Node, section, real_block: bool, doubt: bool = False) -> list[Fact]:
        fields = {k: node.get(k) for k in (
            "email", "phone", "street", "contract_id", "customer_id", "site_id", "vrf", "proxy_server")}
        fields["proxy_port"] = int(node.get("proxy_port")) if node.get("proxy_port") else None
        out: list[Fact] = []
        if node.first_line() != FRAGMENT_PARENT:
            if doubt:  # a line diag could not read may be 'enable': only what was read is known
                fields["unread"] = True
                fields["enabled"] = True if node.get("enabled") else None
                fields["proxy_enabled"] = True if node.get("proxy_enabled") else None
            else:
                fields["enabled"] = bool(node.get("enabled"))
                fields["proxy_enabled"] = bool(node.get("proxy_enabled"))
            block = _fact("callhome.block", node, section, fields)
            block.lines.setdefault("enabled", block.line)
            block.lines.setdefault("proxy_enabled", block.line)
            out.append(block)
        elif not real_block and any(v is not None for v in fields.values()):
            # Lines of a block whose 'callhome' line is not shown (a filtered output): what
            # they say, and nothing about what they do not show. 'enabled' and
            # 'proxy_enabled' are only there when their line is (never False for a line
            # that may have been filtered out).
            fields["enabled"] = True if node.get("enabled") else None
            fields["proxy_enabled"] = True if node.get("proxy_enabled") else None
            block = _fact("callhome.block", node, section, fields)
            block.line = min(block.lines.values())
            out.append(block)
        for dest in node.child("destinations"):
            url = dest.get("url") or ""
            # a URL cut at the terminal width with no piece after it: only what it shows whole
            scheme, host, path = layout.url_fields(url, layout.cut_value(section, dest.line("url"), url))
            out.append(_fact("callhome.destination", dest, section, {
                "profile": dest.get("profile"),
                "index": int(dest.get("index")) if dest.get("index") else None,
                "url": url, "scheme": scheme, "host": host, "path": path,
                "host_is_ip": _is_ip(host) if host is not None else None,
            }, {"scheme": "url", "host": "url", "path": "url", "host_is_ip": "url"}))
        for meth in node.child("methods"):
            out.append(_fact("callhome.method", meth, section, {
                "profile": meth.get("profile"), "method": meth.get("method"),
                "negated": bool(meth.get("negated")),
            }, {"negated": "method"}))
        return out


PARSER = RunningConfigParser()
