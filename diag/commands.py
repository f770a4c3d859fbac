"""Which commands diag reads, how engineers type them, and what each one proves.

A typed command (``sh lic stat``, ``show run | sec callhome``,
``ping tools.cisco.com vrf management``) is resolved here into a canonical name,
its arguments, and its *coverage*: the scopes whose facts it shows completely.
Rules declare the scopes they need; a scope a device's captures do not cover
makes the rule *not evaluated* and appears in ``collect_next``.

Abbreviations are expanded the way NX-OS does it: a prefix that names exactly
one keyword at that level. The keyword tree holds the supported commands plus
their common siblings, so that ``sh cl`` is ambiguous (class-map, cli, clock)
instead of silently becoming ``show clock``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

ARG = "<arg>"
FREE = None  # the rest of the line is free-form arguments

_SHOW_WORDS = """
aaa access-lists accounting ap-profile arp bfd bgp boot callhome cdp cfs class-map cli clock
configuration consistency-checker controller copp cores crypto debug debug-filter diagnostic
dot1x eem environment event-manager fabric fc fcoe feature feature-set fex file forwarding
guestshell hardware hostname hosts icam incompatibility install interface inventory ip ipv6
lacp ldap license line lldp locator-led logging mac macsec module monitor mpls ntp nve nxapi
object-group openflow password platform policy-map port-channel port-security power privilege
processes ptp qos queuing radius radius-server redundancy resource rmon role route-map routing
running-config scheduler session sflow snapshots snmp sockets spanning-tree sprom ssh
startup-config switchname system tacacs-server tech-support telemetry telnet terminal time-range
track udld user-account users version virtual-service vlan vpc vrf vrrp vtp xml zone
"""
_RUNCFG_WORDS = """
aaa acllog all bfd bgp callhome cdp cfs clock copp crypto diff dhcp eigrp eltm exclude
expand-port-profile fex hsrp icmpv6 igmp interface ip ipqos ipv6 isis lacp ldap license lldp
monitor mpls msdp ntp nxapi ospf ospfv3 pim pim6 port-security ptp qos radius rip rpm
security sla snmp spanning-tree ssh tacacs+ track udld vdc vlan vpc vrf vrrp vshd vtp
"""

# 'show ip' keywords beside 'route', so that 'sh ip ro' expands and 'sh ip r' is ambiguous
_SHOW_IP_WORDS = """
access-lists adjacency arp bgp client community-list dhcp dns domain-list domain-lookup eigrp
extcommunity-list fib ftp host http igmp interface load-sharing mfwd mroute msdp nat ospf pim
policy prefix-list process rip rpf sla ssh static-route tcp traffic udp urpf
"""


def _words(text: str) -> dict:
    return {w: {} for w in text.split()}


def _tree() -> dict:
    show = _words(_SHOW_WORDS)
    show["license"] = {
        "all": {}, "brief": {}, "default": {}, "file": {}, "host-id": {}, "status": {},
        "summary": {}, "usage": FREE, "udi": {}, "tech-support": {}, "eval-time": {}, "server": {},
        "mode": {}, "rum": FREE, "smart": FREE, "history": {}, "data": {}, "platform": FREE,
    }
    show["running-config"] = {**_words(_RUNCFG_WORDS), "interface": FREE, "vrf": FREE}
    show["startup-config"] = FREE
    show["callhome"] = {"destination-profile": {"profile": FREE}, "transport": {}, "transport-email": {},
                        "last": FREE, "user-def-cmds": {}, "pending": {}, "pending-diff": {},
                        "session": FREE, "status": {}, "merge": {}, "smart-licensing": FREE}
    show["logging"] = {"logfile": FREE, "last": FREE, "level": FREE, "server": {}, "info": {},
                       "nvram": FREE, "onboard": FREE, "console": {}, "monitor": {},
                       "timestamp": {}, "ip": FREE, "loopback": {}, "module": {}, "source-interface": {},
                       "status": {}, "history": {}}
    show["crypto"] = {"ca": {"certificates": FREE, "trustpoints": {}, "crl": FREE,
                             "remote-certstore": {}, "certstore": {}},
                      "key": FREE, "certificatemap": FREE, "ssh-auth-map": {}}
    show["system"] = {
        "internal": {
            "mts": {
                # 'details' (the form TAC asks for); NX-OS also takes 'detail', a prefix of it
                "buffers": {"summary": {}, "details": {}, "sap": FREE, "node": FREE},
                "sup": {"sap": {ARG: {"description": {}, "stats": {}}}},
                "sap": FREE, "memory": {}, "event-history": FREE, "info": FREE,
            },
            "sysmgr": FREE, "callhome": FREE, "license": FREE, "flash": FREE,
        },
        "resources": {}, "uptime": {}, "redundancy": FREE, "reset-reason": FREE, "cores": {},
        "mode": {}, "health": FREE, "nxapi": FREE, "error-id": FREE,
    }
    show["ntp"] = {"peer-status": FREE, "peers": FREE, "status": {}, "statistics": FREE,
                   "access-groups": {}, "authentication-keys": {}, "authentication-status": {},
                   "logging-status": {}, "trusted-keys": {}, "rts-update": {}, "session": FREE,
                   "source": {}, "source-interface": {}, "pending": {}, "pending-diff": {}}
    show["tech-support"] = FREE
    show["ip"] = {**_words(_SHOW_IP_WORDS), "route": FREE}
    return {
        "show": show,
        "ping": FREE, "ping6": FREE, "telnet": FREE, "telnet6": FREE, "traceroute": FREE,
        "traceroute6": FREE, "ssh": FREE, "configure": FREE, "copy": FREE, "dir": FREE,
        "license": FREE, "clear": FREE, "debug": FREE, "undebug": FREE, "no": FREE,
        "reload": FREE, "install": FREE, "exit": FREE, "end": FREE, "terminal": FREE,
        "callhome": FREE, "run": FREE, "run-script": FREE, "where": FREE, "write": FREE,
        "attach": FREE, "bash": FREE, "python": FREE, "echo": FREE, "sleep": FREE,
        "guestshell": FREE, "tclsh": FREE, "test": FREE, "setup": FREE, "tac-pac": FREE,
    }


KEYWORDS = _tree()


@dataclass(frozen=True)
class CommandSpec:
    """A command diag has a parser for.

    ``words`` are the canonical keywords after expansion; ``scope`` is the name
    rules use in ``requires``; ``collect`` is what to ask the engineer to run.
    ``signatures`` recognise the output when it is pasted with no prompt: a
    line matching one starts a section of this command.
    """

    name: str
    words: tuple[str, ...]
    parser: str
    collect: str
    signatures: tuple[str, ...] = ()
    doc: str = ""
    also_covers: tuple[str, ...] = ()
    # A filtered log still proves what it was searched for: log rules only look for events.
    filter_keeps_coverage: bool = False
    # An output taken several times to see it change (the MTS queues, as a rule asks): every
    # copy is a sample that counts, none is the history of a later one (devices.supersede)
    samples: bool = False
    # The arguments after the keywords whose output this parser reads: a regular
    # expression matched against them, space-joined ("" = none). Other arguments select
    # another output (``show callhome transport``) and make the command unsupported.
    args: str = ""
    # The arguments narrow the output to a part (``show crypto ca certificates <tp>``):
    # its facts are read but prove no absence.
    args_narrow: bool = False
    # Outputs this one embeds (``show license all`` holds a ``show license status``): their
    # signatures, met inside a section of this command recognised by its content, do not
    # start a new section.
    contains: tuple[str, ...] = ()
    # Outputs that start the same way as this one (``show license summary`` starts like
    # ``show license status``): a section of one of them recognised by its content becomes
    # a section of this command when one of this command's signatures follows.
    refines: tuple[str, ...] = ()
    # Positions of arguments that are secrets (the token of ``license smart trust idtoken``):
    # diag keeps the command line with them replaced by ``<redacted>``, so that they reach
    # no section label, fact or report.
    secret_args: tuple[int, ...] = ()
    # Lines of the output worth keeping (a regular expression); the others are read and
    # dropped at once. A show tech-support's log holds millions of lines diag has no use for.
    keep: str = ""
    # A working switch never leaves this output empty (unfiltered): an empty one is a
    # capture cut short, which proves nothing about the switch.
    never_empty: bool = False


SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "show license status", ("show", "license", "status"), "show_license_status",
        "show license status",
        (r"^Smart Licensing is (?:ENABLED|DISABLED)\b", r"^Smart Licensing Using Policy:\s*$", r"^Utility:\s*$"),
        "Smart Licensing state: registration, authorization, timers, transport, usage reporting",
        never_empty=True,
    ),
    CommandSpec(
        "show license all", ("show", "license", "all"), "show_license_all", "show license all",
        (r"^Smart Licensing Status\s*$",),
        "everything show license status shows, plus license usage, the UDI and the Smart Agent version",
        also_covers=("show license status",),
        contains=("show license status", "show license summary", "show license usage"),
        never_empty=True,
    ),
    CommandSpec(
        "show license tech-support", ("show", "license", "tech-support"), "show_license_tech_support",
        "show license tech-support", (r"^Smart Licensing Tech Support info\s*$",),
        "the blocks of show license all (status, usage, UDI, agent version), under a header of its own, "
        "then the Smart Agent's own blocks (scheduled jobs, statistics, settings), which diag does not need",
        also_covers=("show license status",),
        contains=("show license all", "show license status", "show license summary", "show license usage"),
        never_empty=True,
    ),
    CommandSpec(
        "show license summary", ("show", "license", "summary"), "show_license_summary",
        "show license summary", (r"^License Usage:\s*$",),
        "Smart Licensing state in short and the licenses in use (license, entitlement tag, count, status)",
        refines=("show license status",),
        never_empty=True,
    ),
    CommandSpec(
        "show license usage", ("show", "license", "usage"), "show_license_usage", "show license usage",
        (r"^Feature\s+Ins\s+Lic\s+Status\s+Expiry\s+Date\s+Comments\s*$", r"^\([A-Za-z][\w.-]*\):\s*$"),
        "licenses installed and in use: the traditional table (grace periods, expiry) or the Smart "
        "Agent blocks (IN USE, enforcement)",
    ),
    CommandSpec(
        "show license host-id", ("show", "license", "host-id"), "show_license_host_id", "show license host-id",
        (r"^License hostid:\s*\S+",), "the host id traditional license files are bound to (VDH=<serial>)",
        never_empty=True,
    ),
    CommandSpec(
        "show running-config", ("show", "running-config"), "running_config",
        "show running-config",
        (r"^!Command: show running-config", r"^version \d+\.\d+\(", r"^callhome\s*$",
         r"^(?:hostname|switchname) \S+\s*$", r"^license smart enable\s*$", r"^feature \S"),
        "the configuration: callhome block, HTTP source interface, DNS, NTP, interfaces", args=r".*",
        never_empty=True,
    ),
    CommandSpec(
        "show version", ("show", "version"), "show_version", "show version",
        (r"^Cisco Nexus Operating System \(NX-OS\) Software",
         r"^Documents: http://www\.cisco\.com/en/US/products/ps9372/",
         r"^\s*(?:NXOS|kickstart):\s+version\s+\d+\.\d+\("),
        "platform, chassis, NX-OS release, device name",
        never_empty=True,
    ),
    CommandSpec(
        "show clock", ("show", "clock"), "show_clock", "show clock",
        (r"^\*?\d{1,2}:\d\d:\d\d(?:\.\d+)? [A-Za-z]{2,5} (?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d{1,2} \d{4}\s*$",),
        "the switch clock: the capture's own 'now'",
        never_empty=True,
    ),
    CommandSpec(
        "show callhome", ("show", "callhome"), "show_callhome", "show callhome",
        (r"^callhome (?:enabled|disabled)\s*$",),
        "Call Home state and contact information",
        never_empty=True,
    ),
    CommandSpec(
        "show callhome destination-profile", ("show", "callhome", "destination-profile"),
        "show_callhome_destination_profile", "show callhome destination-profile",
        (r"^\S+ destination profile information\s*$",),
        "per destination profile: transport method, e-mail and HTTP addresses, format, alert groups",
        args=r"profile \S+", args_narrow=True,
        never_empty=True,
    ),
    CommandSpec(
        "show callhome transport", ("show", "callhome", "transport"), "show_callhome_transport",
        "show callhome transport", (r"^\s*(?i:http\s+vrf|from\s+email\s+addr(?:ess)?)\s*:",),
        "Call Home transport: HTTP VRF, HTTP proxy, e-mail sender and SMTP servers",
        never_empty=True,
    ),
    CommandSpec(
        "show hosts", ("show", "hosts"), "show_hosts", "show hosts",
        (r"^DNS lookup (?:enabled|disabled)\s*$",),
        "DNS on the switch: lookup on/off, default domain and name servers per VRF, static host entries",
    ),
    CommandSpec(
        "show ntp peer-status", ("show", "ntp", "peer-status"), "show_ntp_peer_status", "show ntp peer-status",
        (r"^Total peers\s*:\s*\d+\s*$",),
        "NTP peers and servers: which one the clock is synchronised to, reachability, VRF",
    ),
    CommandSpec(
        "show ntp peers", ("show", "ntp", "peers"), "show_ntp_peers", "show ntp peers",
        (r"^\s*Peer IP Address\s+Serv/Peer\b",),
        "configured NTP servers and peers: prefer, key, VRF",
    ),
    CommandSpec(
        "show logging", ("show", "logging"), "show_logging", "show logging logfile",
        (), "syslog lines of the licensing and Call Home processes", filter_keeps_coverage=True,
        args=r"logfile(?: .*)?|last \d+|nvram(?: .*)?",
        keep=r"(?i)lic|callhome|smart",  # LICMGR, SMART_LIC, LICENSE, CALLHOME events
    ),
    CommandSpec(
        "show crypto ca trustpoints", ("show", "crypto", "ca", "trustpoints"), "show_crypto_ca_trustpoints",
        "show crypto ca trustpoints", (r"^trustpoint: [^;\s]+; key(?:-pair|-type)?:",),
        "configured PKI trustpoints",
    ),
    CommandSpec(
        "show crypto ca certificates", ("show", "crypto", "ca", "certificates"), "show_crypto_ca_certificates",
        "show crypto ca certificates", (r"^Trustpoint: \S+\s*$",),
        "CA certificates installed in each trustpoint", args=r"\S+", args_narrow=True,
    ),
    CommandSpec(
        "show system internal mts buffers summary",
        ("show", "system", "internal", "mts", "buffers", "summary"), "show_mts_buffers_summary",
        "show system internal mts buffers summary", (r"^node\s+sapno\s+recv_q",),
        "per-service MTS message queues", samples=True,
    ),
    CommandSpec(
        "show system internal mts buffers details",
        ("show", "system", "internal", "mts", "buffers", "details"), "show_mts_buffers_details",
        "show system internal mts buffers details",
        (r"^\s*Node/Sap/queue\s+Age\(ms\)\s+SrcNode\b", r"^\s*\*\*Fast Sap Buffers are not displayed below\*\*\s*$"),
        "every message waiting in an MTS queue: its SAP, queue and age", samples=True,
    ),
    CommandSpec(
        "show system internal mts sup sap description",
        ("show", "system", "internal", "mts", "sup", "sap", ARG, "description"), "show_mts_sap_description",
        "show system internal mts sup sap <sapno> description", (),
        "the service that owns an MTS SAP number", args=r"\d+",
    ),
    CommandSpec(
        "show ip route", ("show", "ip", "route"), "show_ip_route", "show ip route 0.0.0.0/0 vrf management",
        (r'^IP Route Table for (?:VRF|Context) "[^"]+"\s*$',),
        "the default route of a VRF: its next hops and interfaces, or that there is none",
        # [vrf <vrf>] [<address>[/<length>]], in either order; other forms (a protocol, an
        # interface, summary) show part of the table and are other outputs
        args=r"(?:vrf \S+)?|(?:vrf \S+ )?[0-9.]+(?:/\d{1,2})?(?: vrf \S+)?",
    ),
    CommandSpec(
        "ping", ("ping",), "ping", "ping tools.cisco.com vrf management",
        (r"^PING \S+ \([0-9a-fA-F.:]+\)",), "ICMP reachability and name resolution from the switch",
        args=r".*",
    ),
    CommandSpec(
        "telnet", ("telnet",), "telnet", "telnet tools.cisco.com 443 vrf management",
        (r"^Trying [0-9a-fA-F.:]+\.\.\.\s*$",), "TCP reachability (port 443) and name resolution",
        args=r".*",
    ),
    CommandSpec(
        "license smart trust idtoken", ("license", "smart", "trust", "idtoken"), "license_smart_trust_idtoken",
        "license smart trust idtoken <TOKEN>", (),
        "the switch's answer to a trust code install (SLP): the result and the error text, never the token",
        args=r"\S+(?: (?:local|all))?(?: force)?", secret_args=(0,),
    ),
)
BY_NAME = {s.name: s for s in SPECS}
_BY_WORDS = sorted(SPECS, key=lambda s: len(s.words), reverse=True)

# Scopes rules may require, beyond the command names themselves.
RUNNING_CONFIG = "show running-config"
CALLHOME_PROFILES = "show callhome destination-profile"
TAC_PROFILE = "CiscoTAC-1"


def profile_scope(name: str) -> str:
    """The scope of ``show callhome destination-profile profile <name>``: that profile,
    whole (the predefined CiscoTAC-1 under its own spelling, whatever the case typed)."""
    if name.lower() == TAC_PROFILE.lower():
        name = TAC_PROFILE
    return f"{CALLHOME_PROFILES} profile {name}"


CONFIG_SCOPES = {
    "show running-config callhome": "show running-config callhome",
    "show running-config interface": "show running-config interface",
    profile_scope(TAC_PROFILE): profile_scope(TAC_PROFILE),
}


def scope_collect(scope: str) -> str:
    """The command an engineer runs to cover ``scope``."""
    spec = BY_NAME.get(scope)
    if spec:
        return spec.collect
    return CONFIG_SCOPES.get(scope, scope)


def known_scopes() -> set[str]:
    return set(BY_NAME) | set(CONFIG_SCOPES)


@dataclass
class Resolved:
    """A typed command, understood."""

    typed: str
    words: tuple[str, ...]  # expanded keywords and arguments
    spec: CommandSpec | None
    args: tuple[str, ...] = ()
    pipes: tuple[str, ...] = ()
    coverage: frozenset[str] = frozenset()
    filtered: bool = False  # output passed through include/exclude/grep: proves no absence
    # what a filtered output would certainly have printed (diag.filters.shows): the fact
    # kinds, and of each the fields, whose absence it proves
    shows: dict = field(default_factory=dict)
    reason: str = ""  # why it is not supported (ambiguous, unknown, json output)
    # of an output diag reads, asked in a form it does not read: the pipe that made it
    # structured (``json``, ``xml``, as typed), or the name of the command whose keywords
    # were followed by words its parser does not take (``show license status Smart ...``)
    structured: str = ""
    form_of: str = ""
    params: dict = field(default_factory=dict)
    keywords: int = -1  # how many of ``words`` are keywords (the rest are free arguments)

    @property
    def name(self) -> str:
        """The canonical name; for an unsupported command its keywords only, so that
        skipped commands are counted by kind and no argument (an idtoken, a password
        typed on the command line) ends up in a report."""
        if self.spec:
            return self.spec.name
        words = self.words if self.keywords < 0 else self.words[:self.keywords]
        return " ".join(words) or (self.typed.split() or [""])[0]

    @property
    def supported(self) -> bool:
        return self.spec is not None


def _expand(tokens: list[str]) -> tuple[list[str], str, int]:
    """Expand abbreviated keywords; returns (words, problem, number of keywords in words)."""
    node: dict | None = KEYWORDS
    out: list[str] = []
    for i, tok in enumerate(tokens):
        if node is FREE:
            return out + tokens[i:], "", len(out)
        low = tok.lower()
        if low in node:
            out.append(low)
            node = node[low]
            continue
        choices = [k for k in node if k != ARG and k.startswith(low)]
        if len(choices) == 1:
            out.append(choices[0])
            node = node[choices[0]]
            continue
        if ARG in node:
            out.append(tok)
            node = node[ARG]
            continue
        if len(choices) > 1:
            return (out + tokens[i:], f"ambiguous keyword '{tok}' ({', '.join(sorted(choices)[:4])})",
                    len(out) + 1)
        if not node:  # a leaf keyword followed by arguments
            return out + tokens[i:], "", len(out)
        if i >= 2 or out[:2] == ["show", "running-config"]:
            return out + tokens[i:], "", len(out)  # unknown argument of a known command
        return out + tokens[i:], f"unknown keyword '{tok}'", len(out) + 1
    return out, "", len(out)


@functools.cache
def _pipe_forms() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """What a pipe does to an output: nothing, structured output, a section, a filter
    (compiled for the first command typed with a pipe)."""
    return (re.compile(r"^(?:no|no-more|no-m\w*|vsh|less|more|cat)$", re.I),
            re.compile(r"^(?:json|json-pretty|xml|j\w*|x\w*)\b", re.I),
            re.compile(r"^(?:sec|sect|secti|sectio|section|b|be|beg|begi|begin)\s+(.+)$", re.I),
            re.compile(r"^(?:i|in|inc|incl|inclu|includ|include|ex|exc|excl|exclude|grep|egrep|"
                       r"last|head|tail|count|wc|uniq|sort|cut|awk|sed|tr)\b", re.I))


# Filters that take a pattern: a '|' glued inside their pattern is an alternation.
_PATTERN_PIPES = {"include", "exclude", "grep", "egrep", "section", "begin"}


def _takes_pattern(pipe: str) -> bool:
    from diag.filters import pipe_word

    words = pipe.split()
    return len(words) > 1 and pipe_word(words[0]) in _PATTERN_PIPES


def _split_pipes(text: str) -> tuple[str, tuple[str, ...]]:
    """``show logging | include SMART_LIC|CALLHOME | no-more`` -> head and two pipes.

    A ``|`` with no space on either side, inside the pattern of include/exclude/grep/
    section/begin, is part of that pattern (a regular-expression alternation).
    """
    raw = text.split("|")
    pipes: list[str] = []
    for i, part in enumerate(raw[1:], start=1):
        prev = raw[i - 1]
        glued = bool(prev) and not prev[-1].isspace() and bool(part) and not part[0].isspace()
        if pipes and glued and _takes_pattern(pipes[-1]):
            pipes[-1] += "|" + part
        else:
            pipes.append(part)
    return raw[0].strip(), tuple(p.strip() for p in pipes if p.strip())


@functools.lru_cache(maxsize=4096)
def resolve(typed: str) -> Resolved:
    """Understand a command line as typed at a prompt or named in a show-tech header.

    Cached: a fleet of session logs types the same few commands thousands of times.
    The result is shared, so callers must not change it.
    """
    text = typed.strip()
    head, pipes = _split_pipes(text)
    tokens = head.split()
    words, problem, nkw = _expand(tokens)
    res = Resolved(typed=text, words=tuple(words), spec=None, pipes=pipes, keywords=nkw)
    if problem or not words:
        res.reason = problem or "empty command"
        return res
    spec = None
    for cand in _BY_WORDS:
        n = len(cand.words)
        if len(words) >= n and all(c == ARG or c == w for c, w in zip(cand.words, words[:n])):
            spec = cand
            break
    if spec is None:
        res.reason = "no parser for this command"
        return res
    n = len(spec.words)
    trailing = tuple(words[n:])
    if ARG in spec.words:
        args = tuple(w for c, w in zip(spec.words, words) if c == ARG)
        form_ok = not trailing and re.fullmatch(spec.args, " ".join(args), re.I) is not None
    else:
        args = trailing
        form_ok = not args or re.fullmatch(spec.args, " ".join(args), re.I) is not None
    if not form_ok:
        # another output of the same family (show callhome transport, show clock detail)
        res.reason = "no parser for this form of the command"
        res.keywords = max(nkw, n)
        res.form_of = spec.name
        return res
    res.spec = spec
    res.args = args
    if spec.secret_args:
        secrets = {args[i] for i in spec.secret_args if i < len(args)}
        res.args = tuple("<redacted>" if i in spec.secret_args else a for i, a in enumerate(args))
        res.typed = " ".join("<redacted>" if w in secrets else w for w in text.split())
    section_scope: str | None = None
    for pipe in pipes:
        ignored, structured, section, filtering = _pipe_forms()
        if ignored.match(pipe):
            continue
        if structured.match(pipe):
            res.spec = None
            res.reason = f"structured output (| {pipe}) is not read"
            res.structured = pipe.split()[0]
            return res
        m = section.match(pipe)
        if m:
            section_scope = m.group(1).strip().strip("\"'")
            continue
        if filtering.match(pipe):
            res.filtered = True
            continue
        res.filtered = True
    res.coverage = _coverage(spec, res.args, section_scope, res.filtered)
    if pipes and (not res.args or res.args == ("all",)):
        from diag.filters import shows

        res.shows = shows(spec.name, pipes)
    res.params = _params(spec, res.args)
    return res


def _coverage(spec: CommandSpec, args: tuple[str, ...], section: str | None, filtered: bool) -> frozenset[str]:
    if filtered and not spec.filter_keeps_coverage:
        return frozenset()
    if spec.args_narrow and args:
        if spec.name == CALLHOME_PROFILES and len(args) == 2 and args[0].lower() == "profile":
            # one profile, shown whole: its own scope (rules about CiscoTAC-1 may require it)
            return frozenset({profile_scope(args[1])})
        return frozenset()
    if spec.name == RUNNING_CONFIG:
        if section is not None:
            # | section callhome  or  | section callhome|ntp  (each alternative in full)
            alts = [a.strip().lower() for a in section.split("|")]
            if alts and all(re.fullmatch(r"[a-z][\w+-]*", a) for a in alts):
                return frozenset(f"{RUNNING_CONFIG} {a}" for a in alts)
            return frozenset()
        if not args or args[0] in ("all",):
            return frozenset({RUNNING_CONFIG})
        if args[0].lower() in ("interface", "vrf") and len(args) > 1:
            # one interface or one VRF (show running-config interface mgmt0, vrf management):
            # its lines are read, but it shows neither every interface nor every VRF
            return frozenset()
        return frozenset({f"{RUNNING_CONFIG} {args[0].lower()}"})
    if section is not None:
        return frozenset()
    return frozenset({spec.name, *spec.also_covers})


_PROBE_OPTIONS = {"count", "source", "source-interface", "packet-size", "timeout", "interval", "ttl", "port"}
_PROBE_FLAGS = {"df-bit"}


def _params(spec: CommandSpec, args: tuple[str, ...]) -> dict:
    """Arguments a parser needs: ping/telnet host, VRF and port; SAP number."""
    params: dict = {}
    if spec.name in ("ping", "telnet"):
        # ping <host> [vrf <vrf>] [count <n>] [source <addr>] ...; telnet <host> [<port>] [vrf <vrf>].
        # Keywords take one value each; the first bare word is the host, a number after it the port.
        rest = list(args)
        i = 0
        while i < len(rest):
            word = rest[i].lower()
            if word in ("vrf", "use-vrf") and i + 1 < len(rest):
                params["vrf"] = rest[i + 1]
                i += 2
            elif word in _PROBE_OPTIONS and i + 1 < len(rest):
                i += 2
            elif word in _PROBE_FLAGS:
                i += 1
            elif "host" not in params:
                params["host"] = rest[i]
                i += 1
            else:
                if spec.name == "telnet" and "port" not in params and rest[i].isdigit():
                    params["port"] = int(rest[i])
                i += 1
    elif spec.name == "show ip route":
        # show ip route [vrf <vrf>] [<prefix>] (either order): the VRF asked and the prefix looked up
        rest = list(args)
        for i, word in enumerate(rest):
            if word.lower() == "vrf" and i + 1 < len(rest):
                params["vrf"] = rest[i + 1]
            elif i == 0 or rest[i - 1].lower() != "vrf":
                params["prefix"] = word
    elif spec.name == "show system internal mts sup sap description" and args:
        if args[0].isdigit():
            params["sap"] = int(args[0])
    return params


def covers(coverage: set[str] | frozenset[str], scope: str) -> bool:
    """Whether a device's coverage proves ``scope``: the whole config covers its parts."""
    if scope in coverage:
        return True
    if scope.startswith(RUNNING_CONFIG + " ") and RUNNING_CONFIG in coverage:
        return True
    return False
