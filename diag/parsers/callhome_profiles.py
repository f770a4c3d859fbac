"""``show callhome destination-profile`` and ``show callhome transport``.

Neither layout is published for NX-OS, so both templates accept the key spellings
of the NX-API field names and of sibling Call Home agents, in any case, with or
without spaces around the colon (see the template headers).

``callhome.profile`` is one fact per destination profile; each of its HTTP URLs
is also a ``callhome.profile_url`` fact of its own, with its own line, shaped like
the ``callhome.destination`` facts read from the configuration (a rule can
accept either evidence). ``callhome.transport`` is the transport settings.
"""

from __future__ import annotations

import ipaddress

from diag.facts import Fact, declare
from diag.parsers.base import FactMap, Rows, TextFSMParser
from diag.types import url_parts

PROFILE_COMMAND = "show callhome destination-profile"
# How NX-OS prints the built-in profiles in the header line, and their configured names.
_BUILTIN = {"full_txt": "full-txt-destination", "short_txt": "short-txt-destination"}
_ACTIVE = {"ACTIVE", "ENABLED", "ENABLE", "TRUE", "YES", "UP"}
_INACTIVE = {"INACTIVE", "DISABLED", "DISABLE", "FALSE", "NO", "DOWN"}

declare("callhome.profile_url", "An HTTP URL listed under a destination profile (show callhome "
        "destination-profile): the same fields as callhome.destination from the configuration", {
            "profile": ("text", "the destination profile (see callhome.profile.profile)"),
            "index": ("int", "the index printed before the URL, else its position in the list (1-based)"),
            "url": ("url", "the URL as printed"),
            "scheme": ("text", "http or https"),
            "host": ("text", "the host part of the URL"),
            "path": ("text", "the path part of the URL"),
            "host_is_ip": ("bool", "True when the host is an IPv4/IPv6 literal"),
        }, proven_by=(PROFILE_COMMAND,), produced_by=(PROFILE_COMMAND,))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def _profiles(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    asked = None
    args = [a for a in section.args]
    if len(args) == 2 and args[0].lower() == "profile":
        asked = args[1]
    profiles = [f for f in facts if f.kind == "callhome.profile"]
    out: list[Fact] = []
    for fact in profiles:
        name = str(fact.get("name"))
        profile = asked if asked and len(profiles) == 1 else _BUILTIN.get(name, name)
        fact.fields["profile"] = profile
        fact.lines["profile"] = fact.line_of("name")
        status = str(fact.get("status") or "").upper()
        if status in _ACTIVE or status in _INACTIVE:
            fact.fields["active"] = status in _ACTIVE
            fact.lines["active"] = fact.line_of("status")
        method = str(fact.get("method") or "").lower()
        if method:
            fact.fields["http"] = "http" in method
            fact.fields["email"] = "mail" in method
            fact.lines["http"] = fact.lines["email"] = fact.line_of("method")
        out.append(fact)
    # one callhome.profile_url fact per URL, each pointing at its own line
    for fact, (values, lines) in zip(profiles, [r for r in rows if r[0].get("PROFILE")]):
        urls = values.get("URLS") or []
        where = lines.get("URLS") or []
        for position, (url, no) in enumerate(zip(urls, where), start=1):
            text = section.text(no)
            before = text[:text.find(url)] if url in text else ""
            digits = "".join(ch for ch in before if ch.isdigit())
            scheme, host, path = url_parts(url)
            out.append(Fact("callhome.profile_url", {
                "profile": fact.get("profile"), "index": int(digits) if digits else position, "url": url,
                "scheme": scheme, "host": host, "path": path, "host_is_ip": _is_ip(host),
            }, {k: no for k in ("profile", "index", "url", "scheme", "host", "path", "host_is_ip")}, section))
    return sorted(out + [f for f in facts if f.kind != "callhome.profile"], key=lambda f: f.line)


PARSERS = {
    "show_callhome_destination_profile": TextFSMParser(
        PROFILE_COMMAND, "cisco_nxos_show_callhome_destination-profile.textfsm",
        [FactMap("callhome.profile", "A Call Home destination profile (show callhome destination-profile)", {
            "name": ("PROFILE", "text", "the profile name as printed ('full_txt' for full-txt-destination)"),
            "status": ("STATUS", "upper", "profile status as printed, when the output has one (ACTIVE, ...)"),
            "max_size": ("MAX_SIZE", "int", "maximum message size in bytes"),
            "format": ("FORMAT", "text", "message format: XML, full-txt, short-txt"),
            "level": ("LEVEL", "int", "message level"),
            "method": ("METHOD", "text", "transport method as printed: http, email, http and email"),
            "emails": ("EMAILS", "text", "e-mail addresses configured"),
            "urls": ("URLS", "url", "HTTP(S) URLs configured, in order"),
            "alert_groups": ("ALERT_GROUPS", "text", "alert groups configured"),
        }, require="name", extra={
            "profile": ("text", "the profile as configured: the name the command asked for "
                                "('profile CiscoTAC-1'), else the printed name with full_txt/short_txt "
                                "read as full-txt-destination/short-txt-destination"),
            "active": ("bool", "True when the printed status is ACTIVE/enabled, False for INACTIVE/disabled"),
            "http": ("bool", "True when the transport method includes http"),
            "email": ("bool", "True when the transport method includes email"),
        })],
        post=_profiles,
    ),
    "show_callhome_transport": TextFSMParser(
        "show callhome transport", "cisco_nxos_show_callhome_transport.textfsm",
        [FactMap("callhome.transport", "Call Home transport settings (show callhome transport)", {
            "vrf": ("VRF", "text", "the VRF Call Home uses for HTTP (transport http use-vrf); absent when "
                                   "printed empty / <empty> / Not Configured"),
            "proxy_server": ("PROXY_SERVER", "text", "HTTP proxy server"),
            "proxy_port": ("PROXY_PORT", "int", "HTTP proxy port"),
            "proxy_enabled": ("PROXY_STATE", "bool", "True when the HTTP proxy is enabled"),
            "http_enabled": ("HTTP_TRANSPORT", "bool", "HTTP transport enabled, when printed"),
            "email_enabled": ("EMAIL_TRANSPORT", "bool", "e-mail transport enabled, when printed"),
            "from_email": ("FROM", "text", "from e-mail address"),
            "reply_to": ("REPLY_TO", "text", "reply-to e-mail address"),
            "return_receipt": ("RETURN_RECEIPT", "text", "return-receipt e-mail address"),
            "smtp_servers": ("SMTP_SERVER", "text", "SMTP servers, in order"),
            "smtp_ports": ("SMTP_PORT", "int", "SMTP server ports, in order"),
            "smtp_vrfs": ("SMTP_VRF", "text", "SMTP server VRFs, in order"),
            "smtp_priorities": ("SMTP_PRIORITY", "int", "SMTP server priorities, in order"),
        })],
    ),
}
