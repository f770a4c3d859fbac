"""The fact kinds the parsers declare, as a table: what rules are compiled and judged
against, without importing every parser.

Compiling the rules needs the whole fact catalogue (``diag.facts.CATALOGUE``): each
kind's fields and their types, the scopes that prove its absence, the commands that
give it. The parsers declare it when they are imported; importing all of them costs a
small paste more than the one parser it needs. This table holds what they declare, in
the catalogue's order, without the docs (``declare_all``); a parser's import adds its
docs (``diag facts`` imports them all, ``rulebook.ensure_catalogue``).

tests/test_meta.py holds the table to the parsers' own declarations. After a parser
declares a new kind or field, write it anew: ``python -m diag.parsers.kinds``.
"""

from __future__ import annotations

# kind: ({field: type}, proven by, produced by)
KINDS: dict[str, tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]] = {
    "device": (
        {"name": "text", "platform": "text", "chassis": "text", "family": "text", "release": "release",
         "licensing_mode": "text"},
        ("show version",),
        ("show version", "show running-config", "show license status")),
    "capture.platform": (
        {"platform": "text", "marker": "text", "judged": "bool", "outcome": "text"},
        (),
        ("*",)),
    "capture.platform_hint": (
        {"platform": "text", "hint": "text"},
        (),
        ("*",)),
    "capture.unparsed": (
        {"count": "int", "first": "text", "command": "text"},
        (),
        ("*",)),
    "capture.suppression": (
        {"rules": "text", "reason": "text"},
        (),
        ("*",)),
    "clock": (
        {"now": "date", "zone": "text", "zone_known": "bool"},
        ("show clock", "show license status", "show license all", "show license summary"),
        ("show clock", "show license status", "show license all", "show license summary", "show running-config")),
    "license.smart": (
        {"enabled": "bool"},
        ("show license status", "show license all"),
        ("show license status", "show license all")),
    "license.registration": (
        {"status": "upper", "smart_account": "text", "virtual_account": "text", "export_control": "upper",
         "initial_result": "upper", "initial_date": "date", "last_renewal_result": "upper", "last_renewal_date": "date",
         "next_renewal": "date", "next_attempt": "date", "expires": "date", "failure_reason": "text",
         "initial_failure_reason": "text", "renewal_failure_reason": "text"},
        ("show license status", "show license all"),
        ("show license status", "show license all")),
    "license.authorization": (
        {"status": "upper", "date": "date", "eval_remaining": "duration", "last_comm_result": "upper",
         "last_comm_date": "date", "next_comm": "date", "deadline": "date", "failure_reason": "text",
         "comm_failure_reason": "text"},
        ("show license status", "show license all"),
        ("show license status", "show license all")),
    "license.conversion": (
        {"automatic": "bool", "status": "text"},
        ("show license status", "show license all"),
        ("show license status", "show license all")),
    "license.utility": (
        {"status": "upper"},
        ("show license status", "show license all"),
        ("show license status", "show license all")),
    "license.slp": (
        {"enabled": "bool"},
        ("show license status", "show license all"),
        ("show license status", "show license all")),
    "license.transport": (
        {"type": "text", "url": "url", "cslu": "url", "proxy": "text", "proxy_port": "int", "vrf": "text"},
        ("show license status", "show license all"),
        ("show license status", "show license all")),
    "license.policy": (
        {"in_use": "text", "name": "text", "ack_required": "text"},
        ("show license status", "show license all"),
        ("show license status", "show license all")),
    "license.usage_reporting": (
        {"last_ack": "date", "last_ack_text": "raw", "next_ack_deadline": "date", "push_interval": "text",
         "next_ack_check": "date", "next_push": "date", "last_push": "date", "last_file_write": "date"},
        ("show license status", "show license all"),
        ("show license status", "show license all")),
    "license.trust_code": (
        {"installed": "raw"},
        ("show license status", "show license all"),
        ("show license status", "show license all")),
    "license.misc": (
        {"custom_id": "text"},
        ("show license status", "show license all"),
        ("show license status", "show license all")),
    "license.usage_authorization": (
        {"status": "upper", "date": "date", "eval_remaining": "duration", "slp": "bool"},
        ("show license usage",),
        ("show license usage",)),
    "license.usage": (
        {"name": "text", "installed": "bool", "count": "int", "status": "upper", "expiry": "date", "expiry_text": "raw",
         "comments": "text", "license": "text", "description": "text", "version": "text", "in_use": "bool",
         "grace_days": "int", "grace_remaining": "duration", "export_status": "upper", "enforcement": "upper",
         "license_type": "text", "form": "text"},
        ("show license usage", "show license all", "show license summary"),
        ("show license usage", "show license all", "show license summary")),
    "license.product": (
        {"udi": "raw", "agent_version": "text", "reservation": "bool", "pid": "text", "serial": "text"},
        ("show license all",),
        ("show license all",)),
    "license.summary": (
        {"enabled": "bool", "slp": "bool", "registration_status": "upper", "smart_account": "text",
         "virtual_account": "text", "export_control": "upper", "last_renewal_result": "upper", "next_renewal": "date",
         "registration_expires": "date", "authorization_status": "upper", "authorization_date": "date",
         "eval_remaining": "duration", "last_comm_result": "upper", "next_comm": "date", "deadline": "date",
         "failure_reasons": "text"},
        ("show license summary",),
        ("show license summary",)),
    "license.host_id": (
        {"host_id": "text", "type": "text", "serial": "text"},
        ("show license host-id",),
        ("show license host-id",)),
    "config.version": (
        {"release": "release"},
        ("show running-config",),
        ("show running-config",)),
    "config.hostname": (
        {"name": "text"},
        ("show running-config",),
        ("show running-config",)),
    "callhome.block": (
        {"enabled": "bool", "email": "text", "phone": "text", "street": "text", "contract_id": "text",
         "customer_id": "text", "site_id": "text", "vrf": "text", "proxy_server": "text", "proxy_port": "int",
         "proxy_enabled": "bool", "unread": "bool"},
        ("show running-config callhome",),
        ("show running-config",)),
    "callhome.destination": (
        {"profile": "text", "index": "int", "url": "url", "scheme": "text", "host": "text", "path": "text",
         "host_is_ip": "bool"},
        ("show running-config callhome", "show callhome destination-profile"),
        ("show running-config", "show callhome destination-profile")),
    "callhome.method": (
        {"profile": "text", "method": "text", "negated": "bool"},
        ("show running-config callhome", "show callhome destination-profile"),
        ("show running-config", "show callhome destination-profile")),
    "config.interface": (
        {"name": "text", "key": "text", "vrf": "text"},
        ("show running-config", "show running-config interface"),
        ("show running-config",)),
    "config.http_source": (
        {"interface": "text", "key": "text", "vrf": "text"},
        ("show running-config",),
        ("show running-config",)),
    "config.name_server": (
        {"server": "text", "vrf": "text"},
        ("show running-config",),
        ("show running-config",)),
    "config.domain_lookup": (
        {"enabled": "bool", "vrf": "text"},
        ("show running-config",),
        ("show running-config",)),
    "config.ip_host": (
        {"name": "text", "addresses": "text"},
        ("show running-config",),
        ("show running-config",)),
    "config.ntp_server": (
        {"server": "text", "vrf": "text", "prefer": "bool"},
        ("show running-config",),
        ("show running-config",)),
    "config.license_smart_enable": (
        {"enabled": "bool"},
        ("show running-config",),
        ("show running-config",)),
    "config.license_smart": (
        {"setting": "text", "value": "text", "url": "url", "proxy": "text"},
        ("show running-config",),
        ("show running-config",)),
    "config.vrf_context": (
        {"name": "text"},
        ("show running-config",),
        ("show running-config",)),
    "config.clock_zone": (
        {"zone": "text", "offset_minutes": "int", "summer": "bool"},
        ("show running-config",),
        ("show running-config",)),
    "version": (
        {"release": "release", "release_text": "raw", "kickstart": "release", "build": "raw", "release_kind": "text",
         "bios": "text", "image": "text", "kickstart_image": "text", "chassis": "text", "serial": "text",
         "device_name": "text", "uptime": "text", "reset_reason": "text", "platform": "text"},
        ("show version",),
        ("show version",)),
    "callhome.status": (
        {"enabled": "bool", "contact": "text", "email": "text", "phone": "text", "street": "text", "site_id": "text",
         "customer_id": "text", "contract_id": "text", "priority": "int"},
        ("show callhome",),
        ("show callhome",)),
    "callhome.profile": (
        {"name": "text", "status": "upper", "max_size": "int", "format": "text", "level": "int", "method": "text",
         "emails": "text", "urls": "url", "alert_groups": "text", "profile": "text", "active": "bool", "http": "bool",
         "email": "bool", "url_count": "int"},
        ("show callhome destination-profile",),
        ("show callhome destination-profile",)),
    "callhome.transport": (
        {"vrf": "text", "proxy_server": "text", "proxy_port": "int", "proxy_enabled": "bool", "http_enabled": "bool",
         "email_enabled": "bool", "from_email": "text", "reply_to": "text", "return_receipt": "text",
         "smtp_servers": "text", "smtp_ports": "int", "smtp_vrfs": "text", "smtp_priorities": "int",
         "proxy_shown": "bool"},
        ("show callhome transport",),
        ("show callhome transport",)),
    "dns.lookup": (
        {"enabled": "bool", "service": "text"},
        ("show hosts",),
        ("show hosts",)),
    "dns.domain": (
        {"vrf": "text", "domain": "text", "use_vrf": "text", "token": "text"},
        ("show hosts",),
        ("show hosts",)),
    "dns.name_servers": (
        {"servers_text": "raw", "vrf": "text", "use_vrf": "text", "servers": "text", "configured": "bool"},
        ("show hosts",),
        ("show hosts",)),
    "dns.name_server": (
        {"server": "text", "vrf": "text", "use_vrf": "text"},
        ("show hosts",),
        ("show hosts",)),
    "dns.host": (
        {"name": "text", "addresses": "text", "vrf": "text"},
        ("show hosts",),
        ("show hosts",)),
    "ntp.status": (
        {"total": "int"},
        ("show ntp peer-status",),
        ("show ntp peer-status",)),
    "ntp.peer": (
        {"peer": "text", "mark": "raw", "local": "text", "stratum": "int", "poll": "int", "reach": "text",
         "delay": "text", "vrf": "text", "selected": "bool", "mode": "text", "reachable": "bool", "reach_count": "int"},
        ("show ntp peer-status",),
        ("show ntp peer-status",)),
    "ntp.configured_peer": (
        {"peer": "text", "role": "text", "prefer": "bool", "key_id": "text", "vrf": "text"},
        ("show ntp peers",),
        ("show ntp peers",)),
    "log.event": (
        {"time": "date", "stamp": "raw", "host": "text", "facility": "text", "severity": "int", "mnemonic": "text",
         "message": "text", "event": "text", "inner_facility": "text", "event_count": "int", "event_newest": "bool",
         "countdown_days": "int", "countdown_end": "date"},
        ("show logging",),
        ("show logging",)),
    "crypto.trustpoint": (
        {"name": "text", "key_pair": "text", "key_type": "text", "revocation": "text"},
        ("show crypto ca trustpoints",),
        ("show crypto ca trustpoints",)),
    "crypto.certificate": (
        {"trustpoint": "text", "index": "int", "subject": "text", "issuer": "text", "serial": "text",
         "not_before": "date", "not_after": "date", "fingerprint": "upper", "purposes": "text", "ca": "bool"},
        ("show crypto ca certificates",),
        ("show crypto ca certificates",)),
    "mts.queue": (
        {"node": "text", "sap": "int", "recv_q": "int", "pers_q": "int", "npers_q": "int", "log_q": "int",
         "oldest_ms": "int"},
        ("show system internal mts buffers summary", "show system internal mts buffers details"),
        ("show system internal mts buffers summary", "show system internal mts buffers details")),
    "mts.sap": (
        {"description": "text", "sap": "int"},
        ("show system internal mts sup sap description",),
        ("show system internal mts sup sap description",)),
    "route.default": (
        {"vrf": "text", "present": "bool", "next_hops": "text", "interfaces": "text", "protocols": "text",
         "said": "text"},
        (),
        ("show ip route",)),
    "probe.ping": (
        {"target": "text", "target_ip": "text", "sent": "int", "received": "int", "loss": "text", "unresolved": "text",
         "error": "text", "replies": "int", "timeouts": "int", "send_errors": "text", "host": "text", "vrf": "text",
         "result": "text"},
        ("ping",),
        ("ping",)),
    "probe.telnet": (
        {"tried": "text", "connected": "text", "failure": "text", "unresolved": "text", "error": "text",
         "closed": "text", "host": "text", "vrf": "text", "port": "int", "result": "text"},
        ("telnet",),
        ("telnet",)),
    "license.trust_idtoken": (
        {"result": "upper", "error": "text", "force": "bool"},
        ("license smart trust idtoken",),
        ("license smart trust idtoken",)),
}


def declare_all() -> None:
    """Put every kind of the table in the catalogue, without docs."""
    from diag.facts import declare

    for kind, (fields, proven_by, produced_by) in KINDS.items():
        declare(kind, "", {name: (typ, "") for name, typ in fields.items()}, proven_by=proven_by,
                produced_by=produced_by)


def declared() -> dict[str, tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]]:
    """What the parsers (and diag.devices) declare once imported, in the form of ``KINDS``."""
    import diag.devices  # noqa: F401 - imported first, as a run imports it
    from diag.facts import CATALOGUE
    from diag.rulebook import ensure_catalogue

    ensure_catalogue()
    return {kind: ({name: f.type for name, f in spec.fields.items()}, spec.proven_by, spec.produced_by)
            for kind, spec in CATALOGUE.items()}


def _wrapped(first: str, items: list[str], close: str, indent: str = "         ") -> list[str]:
    """``first`` and ``items`` comma separated, then ``close``, in lines of 120 columns at most."""
    out, line = [], first
    for i, item in enumerate(items):
        item += close if i == len(items) - 1 else ", "
        if len(line) + len(item.rstrip()) > 120:
            out.append(line.rstrip())
            line = indent
        line += item
    return out + [line if items else first + close]


def _write() -> None:
    """Write the table of this file anew from what the parsers declare."""
    import re
    from pathlib import Path

    rows: list[str] = []
    for kind, (fields, proven_by, produced_by) in declared().items():
        rows.append(f'    "{kind}": (')
        rows += _wrapped("        {", [f'"{n}": "{t}"' for n, t in fields.items()], "},")
        rows += _wrapped("        (", [f'"{s}"' for s in proven_by], ",)," if len(proven_by) == 1 else "),")
        rows += _wrapped("        (", [f'"{s}"' for s in produced_by], ",))," if len(produced_by) == 1 else ")),")
    path = Path(__file__)
    head, rest = path.read_text(encoding="utf-8").split(" = {\n", 1)
    tail = re.split(r"^}\n", rest, maxsplit=1, flags=re.M)[1]
    path.write_text(head + " = {\n" + "\n".join(rows) + "\n}\n" + tail, encoding="utf-8")


if __name__ == "__main__":
    _write()
