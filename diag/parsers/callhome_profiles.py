"""``show callhome destination-profile`` and ``show callhome transport``.

Neither layout is published for NX-OS, so both templates accept the key spellings
of the NX-API field names and of sibling Call Home agents, in any case, with or
without spaces around the colon (see the template headers).

These outputs show the Call Home settings the configuration holds, so they give the
configuration's own fact kinds where they say the same thing: each HTTP URL of a
profile is a ``callhome.destination`` (with its own line, the index only when the
output prints one) and each transport method a ``callhome.method``, so that a rule
about a URL is written once and reads either evidence. What only the output says
is its own kind: ``callhome.profile`` is one fact per profile, and tells whether the
profile's URL list was shown (``url_count``, 0 for an empty list) and whether its
transport includes HTTP; ``callhome.transport`` is the transport settings.

Absence: the whole list (no ``profile`` argument) shows every profile's URLs and
methods, so it proves that a destination or method is not configured, as the callhome
block does. One profile asked by name (``profile CiscoTAC-1``) proves nothing about the
others: what it shows of its own profile is in the positive fields of
``callhome.profile`` (``url_count``, ``http``), which the rules read.
"""

from __future__ import annotations

import ipaddress
import re

from diag.facts import Fact, declare
from diag.parsers import running_config  # declares callhome.destination / callhome.method first
from diag.parsers.base import FactMap, Rows, TextFSMParser
from diag.parsers.layout import cut_value, url_fields

PROFILE_COMMAND = "show callhome destination-profile"
TRANSPORT_COMMAND = "show callhome transport"
# How NX-OS prints the built-in profiles in the header line, and their configured names.
_BUILTIN = {"full_txt": "full-txt-destination", "short_txt": "short-txt-destination"}
_ACTIVE = {"ACTIVE", "ENABLED", "ENABLE", "TRUE", "YES", "UP"}
_INACTIVE = {"INACTIVE", "DISABLED", "DISABLE", "FALSE", "NO", "DOWN"}
# An index printed before a URL: '1 http://...', 'index 1: http://...', 'index:1 http://...',
# '1) http://...'
_INDEX = re.compile(r"^\s*(?:index\s*[:=]?\s*)?(\d+)\s*[:.)]?\s+$", re.I)
# What an unset value prints as, beyond the placeholders every parser knows (types.to_text)
_UNSET = re.compile(r"^(?:not\s+(?:yet\s+)?(?:configured|set(?:\s*up)?)|none|n/a|-+)$", re.I)

# The configuration's kinds, produced here too; the whole list proves their absence.
for _kind in (running_config.DESTINATION, running_config.METHOD):
    declare(*_kind, proven_by=(PROFILE_COMMAND,), produced_by=(PROFILE_COMMAND,))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def _index(text: str, url: str, wrapped: bool = False) -> int | None:
    """The index printed before ``url`` on its line, if any. Of a URL hard-wrapped over
    several lines (``wrapped``), ``text`` is the first piece: the URL starts in it, or
    on the next line when a mail client moved it there whole."""
    at = text.find(url)
    if at < 0 and wrapped:
        at = text.rfind(url[:8])
        if at < 0:
            text, at = text.rstrip() + " ", len(text.rstrip()) + 1
    if at <= 0:
        return None
    m = _INDEX.match(text[:at])
    return int(m.group(1)) if m else None


def _methods(method: str) -> list[str]:
    """'http', 'email', 'http and email', 'email,http' -> the methods named, in order."""
    words = re.findall(r"[a-z]+", method.lower())
    return [m for m in dict.fromkeys("email" if w in ("email", "mail", "smtp") else w for w in words)
            if m in ("http", "email")]


def _profiles(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    asked = None
    args = list(section.args)
    if len(args) == 2 and args[0].lower() == "profile":
        asked = args[1]
    profiles = [f for f in facts if f.kind == "callhome.profile"]
    out: list[Fact] = []
    for fact, (values, lines) in zip(profiles, [r for r in rows if r[0].get("PROFILE")]):
        name = str(fact.get("name"))
        printed = _BUILTIN.get(name, name)
        # one profile asked for by name: that is its name (NX-OS prints the built-in ones
        # as full_txt / short_txt); the predefined CiscoTAC-1 keeps its own spelling
        profile = asked if asked and len(profiles) == 1 and printed.lower() != asked.lower() else printed
        fact.fields["profile"] = profile
        fact.lines["profile"] = fact.line_of("name")
        status = str(fact.get("status") or "").upper()
        if status in _ACTIVE or status in _INACTIVE:
            fact.fields["active"] = status in _ACTIVE
            fact.lines["active"] = fact.line_of("status")
        method = str(fact.get("method") or "")
        methods = _methods(method)
        if method:
            fact.fields["http"] = "http" in methods
            fact.fields["email"] = "email" in methods
            fact.lines["http"] = fact.lines["email"] = fact.line_of("method")
        for m in methods:
            out.append(Fact("callhome.method", {"profile": profile, "method": m, "negated": False},
                            {"profile": fact.line_of("method"), "method": fact.line_of("method"),
                             "negated": fact.line_of("method")}, section))
        urls = values.get("URLS") or []
        where = lines.get("URLS") or []
        if values.get("URL_LIST"):
            # the key listing the URLs was printed: these are all of them
            fact.fields["url_count"] = len(urls)
            fact.lines["url_count"] = lines["URL_LIST"]
        out.append(fact)
        # one callhome.destination fact per URL, each pointing at its own line
        for url, no in zip(urls, where):
            # a URL cut at the terminal width with no piece after it: only what it shows whole
            scheme, host, path = url_fields(url, cut_value(section, no, url))
            fields = {"profile": profile, "index": _index(section.text(no), url, no in section.joined), "url": url,
                      "scheme": scheme, "host": host, "path": path,
                      "host_is_ip": _is_ip(host) if host is not None else None}
            fields = {k: v for k, v in fields.items() if v is not None}
            out.append(Fact("callhome.destination", fields, {k: no for k in fields}, section))
    return sorted(out + [f for f in facts if f.kind != "callhome.profile"], key=lambda f: f.line)


def _transport(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    """Values printed as 'not yet configured' and the like are unset; ``proxy_shown`` says
    that the output has its 'http proxy server' line (set or not)."""
    for fact, (values, lines) in zip(facts, rows):
        for name in ("vrf", "proxy_server", "from_email", "reply_to", "return_receipt"):
            value = fact.fields.get(name)
            if isinstance(value, str) and _UNSET.match(value.strip()):
                del fact.fields[name]
                fact.lines.pop(name, None)
        servers = [s for s in fact.fields.get("smtp_servers") or [] if not _UNSET.match(s.strip())]
        if servers:
            fact.fields["smtp_servers"] = servers
        else:
            fact.fields.pop("smtp_servers", None)
            fact.lines.pop("smtp_servers", None)
        if "PROXY_KEY" in lines:
            fact.fields["proxy_shown"] = True
            fact.lines["proxy_shown"] = lines["PROXY_KEY"]
            # a server printed unset: its line is the evidence that there is none
            fact.lines.setdefault("proxy_server", lines["PROXY_KEY"])
    return facts


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
            "http": ("bool", "True when the transport method includes http (absent when no method is printed)"),
            "email": ("bool", "True when the transport method includes email (absent when no method is printed)"),
            "url_count": ("int", "how many HTTP URLs the profile has, when the output lists them ('url "
                                 "addresses configured:', 'HTTP address(es):'; 0 for an empty list); "
                                 "absent when the output has no such line"),
        })],
        post=_profiles,
    ),
    "show_callhome_transport": TextFSMParser(
        TRANSPORT_COMMAND, "cisco_nxos_show_callhome_transport.textfsm",
        [FactMap("callhome.transport", "Call Home transport settings (show callhome transport)", {
            "vrf": ("VRF", "text", "the VRF Call Home uses for HTTP (transport http use-vrf); absent when "
                                   "printed empty / <empty> / Not Configured"),
            "proxy_server": ("PROXY_SERVER", "text", "HTTP proxy server; absent when printed unset"),
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
        }, extra={
            "proxy_shown": ("bool", "True when the output has its 'http proxy server' line, set or not: "
                                    "then a missing proxy_server means that no proxy server is configured"),
        })],
        post=_transport,
    ),
}
