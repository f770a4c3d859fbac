"""What a filtered output shows, and so what its silence proves.

``show running-config | include ntp`` prints the lines that match ``ntp``; the lines it
prints are read like any others. Its silence proves something too, but only about lines
the filter would have printed: an empty ``| include ntp`` proves there is no ``ntp
server`` line, and says nothing about ``ip name-server`` or the callhome block's
``enable``.

This module holds both halves, in one place:

* the pipes NX-OS applies to an output (``include``, ``exclude``, ``grep``, ``egrep``,
  ``section``, ``begin``, ``last``, abbreviated or not, one after another), parsed into
  ``Step`` values and run on lines by ``apply`` exactly as the switch would (Python
  ``re`` for the patterns, case-sensitive as NX-OS);
* ``SHAPES``: for each fact kind a parser reads from a command, the lines that carry it,
  per field (``""``: the lines without which no fact of the kind exists). Each shape is a
  *chain*: the line, after the lines it needs above it (its parent block, when the parser
  needs it to read the line). Several shapes with other values stand for each line, so
  that a pattern naming one value (``| include 192.0.2``) does not pass for one that
  shows them all.

``shows(command, pipes)`` runs the pipes on each chain alone: a chain whose lines all
survive is shown by the filter whatever else the output holds (``include`` and
``exclude`` judge a line alone; ``section`` and ``begin`` show at least what they show of
the chain, since its parent comes before its children). A (kind, field) whose chains all
survive is *shown*: a fact of that kind would have been printed with that field, so its
absence in the output is proven. A pipe diag cannot follow (``last``, ``count``, ``sort``,
a pattern that does not compile) shows nothing. The engine uses this where a rule needs a
scope (``show running-config``) that only filtered outputs cover: the rule is evaluated
when they show every kind and field it reads (``engine.partial_scopes``).

``tests/test_filters.py`` holds the shapes to the parsers (each chain, read alone as a
filtered output, gives its kind and field) and the whole to the switch's behaviour
(a random configuration filtered by ``apply`` gives, for every kind ``shows`` claims, the
same facts as the whole configuration).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# -- pipes -------------------------------------------------------------------------

# The words NX-OS takes after '|': an abbreviation must name one of them (as the CLI does).
PIPE_WORDS = (
    "awk", "begin", "cat", "count", "cut", "diff", "egrep", "email", "exclude", "grep", "head", "human",
    "include", "json", "json-pretty", "last", "less", "more", "no-more", "redirect", "section", "sed", "sort",
    "tail", "tee", "tr", "uniq", "vsh", "wc", "xml", "xmlin", "xmlout",
)
PASS_THROUGH = {"no-more", "less", "more", "cat", "vsh"}  # show the output unchanged
FORMATS = {"json", "json-pretty", "xml", "xmlout"}  # structured output: not the text diag reads
MAX_PATTERN = 1024  # characters of a pattern diag runs (NX-OS's own limit is far below)


def pipe_word(word: str) -> str | None:
    """The pipe keyword ``word`` names: itself, or the one keyword it abbreviates."""
    low = word.lower()
    if low in PIPE_WORDS:
        return low
    found = [w for w in PIPE_WORDS if w.startswith(low)]
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class Step:
    """One pipe. ``op``: ``grep`` (keep the matching lines, or with ``invert`` the others,
    plus ``before``/``after`` lines of context), ``section``, ``begin``, ``last`` (the
    last ``count`` lines), ``same`` (the output unchanged) or ``opaque`` (an output diag
    cannot follow: nothing it shows is certain)."""

    op: str
    regex: re.Pattern | None = None
    invert: bool = False
    before: int = 0
    after: int = 0
    count: int = 0


OPAQUE = Step("opaque")


def _pattern(text: str) -> str:
    """A pattern as typed after the pipe word, without the quotes around it."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    return text


def _compile(pattern: str, flags: int = 0) -> re.Pattern | None:
    """A pattern typed on the switch, compiled; None when diag cannot run it safely (it
    does not compile, is too long, or has a shape that backtracks without end)."""
    if not pattern or len(pattern) > MAX_PATTERN:
        return None
    from diag.conditions import CompileError, check_regex

    try:
        check_regex(pattern, "pipe")
        return re.compile(pattern, flags)
    except (CompileError, re.error, OverflowError, RecursionError, ValueError):
        return None


def parse_pipe(text: str) -> Step:
    """One pipe as typed (``i ntp``, ``egrep -i "name-server|http"``, ``sec callhome``)."""
    m = re.match(r"\s*(\S+)\s*(.*)$", text, re.S)
    if m is None:
        return Step("same")
    word, rest = pipe_word(m.group(1)), m.group(2)
    if word in PASS_THROUGH:
        return Step("same") if not rest.strip() else OPAQUE
    if word in ("include", "exclude"):
        regex = _compile(_pattern(rest))
        return Step("grep", regex, invert=word == "exclude") if regex is not None else OPAQUE
    if word in ("section", "begin"):
        regex = _compile(_pattern(rest))
        return Step(word, regex) if regex is not None else OPAQUE
    if word == "last":
        count = rest.strip()
        if count.isdigit():
            return Step("last", count=int(count))
        return Step("last", count=10) if not count else OPAQUE
    if word in ("grep", "egrep"):
        return _grep(rest)
    return OPAQUE


def _grep(rest: str) -> Step:
    """``grep`` / ``egrep`` with the options NX-OS gives them, in its own words (``ignore-case``,
    ``invert-match``, ``line-exp``, ``word-exp``, ``next N``, ``prev N``, ``count``) or as
    the Linux flags (``-i -v -x -w -A N -B N -C N -E -F``); ``count`` and line numbers
    change what is printed: such a pipe shows nothing diag reads."""
    tokens = list(re.finditer(r"\S+", rest))
    words = [t.group(0) for t in tokens]
    flags, invert, whole, word, fixed = 0, False, False, False, False
    before = after = 0
    i = 0
    while i < len(words):
        w = words[i]
        low = w.lower()
        if low == "ignore-case" or w == "-i":
            flags |= re.I
        elif low == "invert-match" or w == "-v":
            invert = True
        elif low == "line-exp" or w == "-x":
            whole = True
        elif low == "word-exp" or w == "-w":
            word = True
        elif w == "-F":
            fixed = True
        elif w == "-E":
            pass  # Python's patterns are extended ones
        elif w in ("-e", "--"):
            i += 1
            break
        elif low in ("next", "prev") or w in ("-A", "-B", "-C"):
            if i + 1 >= len(words) or not words[i + 1].isdigit():
                if low in ("next", "prev"):
                    break  # the pattern itself ('egrep Next')
                return OPAQUE
            n = int(words[i + 1])
            if low == "next" or w == "-A":
                after = n
            elif low == "prev" or w == "-B":
                before = n
            else:
                before = after = n
            i += 2
            continue
        elif low == "count" or (w.startswith("-") and len(w) > 1):
            return OPAQUE  # a count, line numbers, file names, ...: not the output's lines
        else:
            break
        i += 1
    pattern = _pattern(rest[tokens[i].start():]) if i < len(tokens) else ""
    if not pattern:
        return OPAQUE
    if fixed:
        pattern = re.escape(pattern)
    if word:
        pattern = rf"(?<![\w])(?:{pattern})(?![\w])"
    if whole:
        pattern = rf"^(?:{pattern})$"
    regex = _compile(pattern, flags)
    if regex is None:
        return OPAQUE
    return Step("grep", regex, invert=invert, before=before, after=after)


def parse_pipes(pipes: tuple[str, ...]) -> tuple[Step, ...]:
    return tuple(s for s in map(parse_pipe, pipes) if s.op != "same")


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \t"))


def apply(steps: tuple[Step, ...], lines: list[str]) -> list[int] | None:
    """The indexes of ``lines`` the pipes print, in order, as NX-OS would; None when a step
    is opaque (what it prints is not lines of the output)."""
    shown = list(range(len(lines)))
    for step in steps:
        if step.op == "opaque":
            return None
        if step.op == "last":
            shown = shown[-step.count:] if step.count else []
            continue
        regex = step.regex
        assert regex is not None
        if step.op == "grep":
            hits = [(regex.search(lines[i]) is not None) != step.invert for i in shown]
            keep = set()
            for k, hit in enumerate(hits):
                if hit:
                    keep.update(range(max(0, k - step.before), min(len(shown), k + step.after + 1)))
            shown = [shown[k] for k in sorted(keep)]
        elif step.op == "begin":
            first = next((k for k, i in enumerate(shown) if regex.search(lines[i])), len(shown))
            shown = shown[first:]
        elif step.op == "section":
            out, level = [], None
            for i in shown:
                text = lines[i]
                if level is not None and text.strip() and _indent(text) > level:
                    out.append(i)
                    continue
                if level is not None and not text.strip():
                    out.append(i)
                    continue
                level = None
                if regex.search(text):
                    out.append(i)
                    level = _indent(text)
            shown = out
    return shown


# -- shapes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Chain:
    """A line as it stands in an output: after the lines of the blocks it is in
    (``lines[-1]`` is the line). ``needed``: which of them the parser must see to read
    it (a name server under a 'vrf context' needs its parent; a callhome child does not,
    its keyword exists nowhere else)."""

    lines: tuple[str, ...]
    needed: tuple[bool, ...]
    # the parser reads the line under its parent only by its indentation (a line also valid
    # at the top level, such as 'ip name-server' under a 'vrf context'): an output that
    # shows no indented line at all may have lost it, and proves nothing with this chain
    indented: bool = False

    @property
    def read(self) -> tuple[str, ...]:
        """The lines that give the fact, as a filter that keeps them shows them."""
        return tuple(line for line, need in zip(self.lines, self.needed) if need)


def _needs_bang(regex: re.Pattern) -> bool:
    """Whether every match of the pattern holds a '!': a line diag reads holds none (in a
    configuration '!' starts a comment), so such an ``exclude`` hides none of them."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        tree = _parser.parse(regex.pattern, regex.flags)
    except Exception:  # noqa: BLE001 - a pattern Python compiled but its parser module differs
        return False
    return ord("!") in _mandatory(list(tree))


def _mandatory(items) -> set[int]:
    """The characters every match of a parsed pattern holds (a sufficient approximation)."""
    from re import _constants as c  # type: ignore[attr-defined]

    out: set[int] = set()
    for op, arg in items:
        if op is c.LITERAL:
            out.add(arg)
        elif op is c.IN and len(arg) == 1 and arg[0][0] is c.LITERAL:
            out.add(arg[0][1])
        elif op is c.SUBPATTERN:
            out |= _mandatory(list(arg[-1]))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)) and arg[0] >= 1:
            out |= _mandatory(list(arg[2]))
        elif op is c.BRANCH:
            alts = [_mandatory(list(a)) for a in arg[1]]
            out |= set.intersection(*alts) if alts else set()
    return out


def survives(steps: tuple[Step, ...], chain: Chain) -> bool:
    """Whether the pipes print every line a chain needs, whatever else the output holds
    (run on the chain alone: its blocks' lines come before it, so ``section`` and ``begin``
    show at least as much of it inside any output). An ``exclude`` proves nothing unless
    it can only hide comments: a chain's values stand for values of any text, and an
    ``exclude 10\\.`` passes them all while hiding the line of a server 10.1.1.1."""
    if any(s.op == "last" for s in steps):
        return False  # the last lines of the whole output: which they are depends on all of it
    if any(s.op == "grep" and s.invert and not (s.regex is not None and _needs_bang(s.regex)) for s in steps):
        return False
    shown = apply(steps, list(chain.lines))
    if shown is None:
        return False
    kept = set(shown)
    return all(i in kept for i, need in enumerate(chain.needed) if need)


CALLHOME = "callhome"


def _under(parent: str, *children: str) -> list[Chain]:
    """Children read only with their parent."""
    return [Chain((parent, child), (True, True)) for child in children]


def _nested(parent: str, *children: str) -> list[Chain]:
    """Children read only with their parent, and only by their indentation."""
    return [Chain((parent, child), (True, True), indented=True) for child in children]


def _child(parent: str, *children: str) -> list[Chain]:
    """Children read with or without their parent."""
    return [Chain((parent, child), (False, True)) for child in children]


def _lines(*lines: str) -> list[Chain]:
    return [Chain((line,), (True,)) for line in lines]


# Values of every kind, among them one of each from no pool a pattern typed for another
# switch would name (zq-7.invalid, 203.0.113.77, VRF-Q7): a pattern that passes for a
# keyword only by naming the values it saw ('| include 10\\.|cisco') proves nothing.
_URLS = ("https://tools.cisco.com/its/service/oddce/services/DDCEService",
         "http://10.20.30.40/Transportgateway/services/DeviceRequestHandler",
         "https://ssm-onprem.example.net:443/Transportgateway/services/DeviceRequestHandler",
         "https://zq-7.invalid/zq")
_DATES = ("Mar 01 10:00:00 2023 UTC", "Dec 24 23:59:59 2024 CET", "Jul 04 08:15:00 2025 EDT")

_INTERFACES = ("mgmt0", "Vlan27", "loopback0", "Ethernet1/49", "port-channel10", "nve1", "Tunnel7")

RUNNING_CONFIG_SHAPES: dict[str, dict[str, list]] = {
    "config.version": {field: [("version 9.3(8) Bios:version 05.45",), ("version 10.2(5)",), ("version 7.0(3)I7(9)",)]
                       for field in ("", "release")},
    "config.hostname": {field: [("hostname leaf01",), ("switchname spine-2",), ("hostname zq-7",)] for field in ("", "name")},
    # the callhome block's lines, but for 'enable', exist nowhere else: shown without their
    # parent (| include use-vrf) they still belong to it, when the parser reads them so
    # (tests/test_filters.py holds each chain to the parser: read alone, it gives its field
    # or no block at all). 'callhome' itself is what proves there is no block.
    "callhome.block": {
        "": [(CALLHOME,)],
        "enabled": _under(CALLHOME, "  enable"),
        "email": _child(CALLHOME, "  email-contact sch-smart-licensing@cisco.com", "  email-contact noc@example.net",
                        "  email-contact zq7@zq-7.invalid"),
        "phone": _child(CALLHOME, "  phone-contact +1-408-555-0100", "  phone-contact +33-1-70-00-00-00", "  phone-contact 77"),
        "street": _child(CALLHOME, "  streetaddress 170 West Tasman Dr, San Jose CA", "  streetaddress Bldg 4, Hall B",
                         "  streetaddress Zq 7"),
        "contract_id": _child(CALLHOME, "  contract-id 91234567", "  contract-id SVC-CNT-77", "  contract-id zq7"),
        "customer_id": _child(CALLHOME, "  customer-id ACME-42", "  customer-id 100200", "  customer-id zq7"),
        "site_id": _child(CALLHOME, "  site-id DC2", "  site-id 3301", "  site-id zq7"),
        "vrf": _child(CALLHOME, "  transport http use-vrf management", "  transport http use-vrf default",
                      "  transport http use-vrf OOB-MGMT", "  transport http use-vrf VRF-Q7"),
        "proxy_server": _child(CALLHOME, "  transport http proxy server 192.0.2.10 port 8080",
                               "  transport http proxy server proxy.example.net",
                               "  transport http proxy server zq-7.invalid port 77"),
        "proxy_port": _child(CALLHOME, "  transport http proxy server 192.0.2.10 port 3128",
                             "  transport http proxy server proxy.example.net port 8080",
                             "  transport http proxy server 203.0.113.77 port 77"),
        # without its 'callhome' line, a block read from its other lines never says False
        "proxy_enabled": _under(CALLHOME, "  transport http proxy enable"),
        # set by the parser on the lines it could not read, whatever the filter let through:
        # no line proves it, every output shows it
        "unread": [],
    },
    "callhome.destination": {
        field: _child(CALLHOME, *(f"  destination-profile {profile} {index}http {url}"
                                  for profile in ("CiscoTAC-1", "full_txt", "ZQ-7") for index in ("", "index 1 ")
                                  for url in _URLS))
        for field in ("", "profile", "index", "url", "scheme", "host", "path", "host_is_ip")
    },
    "callhome.method": {
        field: _child(CALLHOME, "  destination-profile CiscoTAC-1 transport-method http",
                      "  destination-profile CiscoTAC-1 transport-method email",
                      "  no destination-profile CiscoTAC-1 transport-method email",
                      "  destination-profile short_txt transport-method email",
                      "  destination-profile ZQ-7 transport-method http")
        for field in ("", "profile", "method", "negated")
    },
    "config.interface": {
        **{field: _lines(*(f"interface {name}" for name in _INTERFACES)) for field in ("", "name", "key")},
        "vrf": [*_lines(*(f"interface {name}" for name in _INTERFACES)),
                *_under("interface Vlan27", "  vrf member PROD"),
                *_under("interface loopback0", "  vrf member management"),
                *_under("interface Ethernet1/49", "  vrf member default"),
                *_under("interface nve1", "  vrf member VRF-Q7")],
    },
    "config.http_source": {
        field: [("ip http source-interface mgmt0",), ("ip http source-interface Vlan27",),
                ("ip http source-interface loopback0 vrf management",), ("ip http source-interface Tunnel7 vrf VRF-Q7",)]
        for field in ("", "interface", "key", "vrf")
    },
    "config.name_server": {
        field: [("ip name-server 192.0.2.53",), ("ip name-server 2001:db8::53 198.51.100.53 use-vrf management",),
                *_nested("vrf context management", "  ip name-server 192.0.2.53 198.51.100.53"),
                *_nested("vrf context PROD", "  ip name-server 10.1.1.53"),
                ("ip name-server 203.0.113.77 use-vrf VRF-Q7",), *_nested("vrf context VRF-Q7", "  ip name-server 203.0.113.77")]
        for field in ("", "server", "vrf")
    },
    "config.domain_lookup": {
        field: [("ip domain-lookup",), ("no ip domain-lookup",),
                *_nested("vrf context management", "  no ip domain-lookup"),
                *_nested("vrf context VRF-Q7", "  no ip domain-lookup")]
        for field in ("", "enabled", "vrf")
    },
    "config.ip_host": {
        field: [("ip host tools.cisco.com 72.163.4.38",), ("ip host smartreceiver.cisco.com 146.112.59.25",),
                ("ip host ssm-onprem 10.20.30.40",), ("ip host zq-7.invalid 203.0.113.77",)]
        for field in ("", "name", "addresses")
    },
    "config.ntp_server": {
        field: [("ntp server 192.0.2.123",), ("ntp server 2001:db8::123 prefer use-vrf management",),
                ("ntp server time.example.net key 1 use-vrf default",), ("ntp server 203.0.113.77 use-vrf VRF-Q7",)]
        for field in ("", "server", "vrf", "prefer")
    },
    "config.license_smart_enable": {"": [("license smart enable",)], "enabled": [("license smart enable",)]},
    "config.license_smart": {
        field: [("license smart transport smart",), ("license smart transport callhome",),
                ("license smart url smart https://smartreceiver.cisco.com/licservice/license",),
                ("license smart url cslu http://cslu.example.net:8182/cslu/v1/pi",),
                ("license smart vrf management",), ("license smart proxy address 192.0.2.10 port 8080",),
                ("license smart url cslu https://zq-7.invalid/zq",), ("license smart vrf VRF-Q7",)]
        for field in ("", "setting", "value", "url", "proxy")
    },
    "config.vrf_context": {field: [("vrf context management",), ("vrf context PROD",), ("vrf context VRF-Q7",)]
                           for field in ("", "name")},
    "config.clock_zone": {
        field: [("clock timezone CET 1 0",), ("clock timezone PST -8 0",),
                ("clock summer-time CEST 5 Sun Mar 02:00 5 Sun Oct 03:00 60",), ("clock timezone ZQT 5 30",)]
        for field in ("", "zone", "offset_minutes", "summer")
    },
}


_status_lines = _lines
_REG_STATUS = _status_lines("  Status: REGISTERED", "  Status: UNREGISTERED",
                            "  Status: UNREGISTERED - REGISTRATION FAILED", "  Status: REGISTRATION EXPIRED")
_AUTH_STATUS = _status_lines(*(f"  Status: {s} on {d}" for s in ("AUTHORIZED", "OUT OF COMPLIANCE",
                                                                   "AUTHORIZATION EXPIRED", "EVAL EXPIRED")
                               for d in _DATES), "  Status: EVAL MODE", "  Status: NO LICENSES IN USE")


def _attempt(name: str) -> list:
    return [(f"  {name}: {r} on {d}",) for r in ("SUCCEEDED", "FAILED") for d in _DATES] + [
        (f"  {name}: None",), (f"  {name}: SUCCEEDED",)]


def _reason(name: str) -> list:
    return [(f"  {name}: FAILED on {d}", f"    Failure reason: {r}") for d in _DATES
            for r in ("Fail to send out Call Home HTTP message.", "{\"token\":[\"The token has expired.\"]}", "zq7")]


def _dated(name: str) -> list:
    return [(f"  {name}: {d}",) for d in _DATES]


LICENSE_STATUS_SHAPES: dict[str, dict[str, list]] = {
    "license.smart": {"enabled": _status_lines("Smart Licensing is ENABLED", "Smart Licensing is DISABLED")},
    "license.registration": {
        "status": _REG_STATUS,
        "smart_account": _status_lines("  Smart Account: Acme Networks", "  Smart Account: Paris DC As of Jun 03",
                                       "  Smart Account: zq7"),
        "virtual_account": _status_lines("  Virtual Account: DC-Fabric", "  Virtual Account: Campus-East",
                                         "  Virtual Account: zq7"),
        "export_control": _status_lines("  Export-Controlled Functionality: Allowed",
                                        "  Export-Controlled Functionality: Not Allowed"),
        "initial_result": _attempt("Initial Registration"),
        "initial_date": _attempt("Initial Registration"),
        "last_renewal_result": _attempt("Last Renewal Attempt"),
        "last_renewal_date": _attempt("Last Renewal Attempt"),
        "next_renewal": _dated("Next Renewal Attempt"),
        "next_attempt": _dated("Next Registration Attempt"),
        "expires": _dated("Registration Expires"),
        # a reason goes to the attempt shown above it: the reason of a hidden attempt would
        # go to the other one, so each reason needs both attempts' lines
        "failure_reason": _reason("Initial Registration") + _reason("Last Renewal Attempt"),
        "initial_failure_reason": _reason("Initial Registration") + _reason("Last Renewal Attempt"),
        "renewal_failure_reason": _reason("Initial Registration") + _reason("Last Renewal Attempt"),
    },
    "license.authorization": {
        "status": _AUTH_STATUS,
        "date": _AUTH_STATUS,
        "eval_remaining": _status_lines("  Evaluation Period Remaining: 89 days, 23 hours, 41 minutes, 12 seconds",
                                        "  Evaluation Period Remaining: 2 days, 1 hour, 0 minutes, 3 seconds"),
        "last_comm_result": _attempt("Last Communication Attempt"),
        "last_comm_date": _attempt("Last Communication Attempt"),
        "next_comm": _dated("Next Communication Attempt"),
        "deadline": _dated("Communication Deadline"),
        "failure_reason": _reason("Last Communication Attempt"),
        "comm_failure_reason": _reason("Last Communication Attempt"),
    },
}

# Kinds an output holds at most one of (a configuration's callhome block, each block of
# show license status): a fact of the kind read from a filtered output is the one there is,
# so its fields are proven by their own lines even when the lines that prove the kind
# absent (``callhome``; every line of a status block) were not all shown (engine._shows).
SINGLETONS = frozenset({"callhome.block", *LICENSE_STATUS_SHAPES})

def _chains(table: dict) -> dict[str, dict[str, list[Chain]]]:
    """A table with each chain written as a tuple of lines (all needed) made a ``Chain``."""
    return {kind: {field: [c if isinstance(c, Chain) else Chain(tuple(c), (True,) * len(c)) for c in chains]
                   for field, chains in fields.items()} for kind, fields in table.items()}


def _any_line(table: dict) -> dict:
    """A table whose kinds exist as soon as one of their fields' lines does (the blocks of
    show license status: a filtered output shows fields without their header): what
    proves a fact absent is then every line of every field."""
    return {kind: {**fields, "": list(dict.fromkeys(c for cs in fields.values() for c in cs))}
            for kind, fields in table.items()}


SHAPES: dict[str, dict[str, dict[str, list[Chain]]]] = {
    "show running-config": _chains(RUNNING_CONFIG_SHAPES),
    "show license status": _chains(_any_line(LICENSE_STATUS_SHAPES)),
}


# -- outputs of one fact, a line per field ----------------------------------------------

# show version prints one fact, each field read from a line of its own that a filter shows
# or hides whole (``NXOS: version 9.3(5)``, ``cisco Nexus9000 C93180YC-EX chassis``), and no
# line whose absence means anything. So a filtered show version proves what it showed,
# whatever it hid: a field is settled when the fact read from *that* output has it
# (``show version | include NXOS|Nexus`` gives the release and the chassis; ``| include
# chassis`` only the chassis). Per command: the kind its parser gives, and for each kind a
# rule may read instead, the fields of that fact each of its fields rests on (the
# ``device`` fact is settled from show version: its family from the chassis line; its
# licensing mode also rests on other outputs, so no filtered show version settles it).
IN_PLACE: dict[str, tuple[str, dict[str, dict[str, frozenset[str]]]]] = {
    "show version": ("version", {
        "device": {"release": frozenset({"release"}), "platform": frozenset({"platform"}),
                   "chassis": frozenset({"chassis"}), "family": frozenset({"chassis"}), "name": frozenset()},
    }),
}


def in_place_fields(command: str, kind: str, fields) -> frozenset[str] | None:
    """The fields of the fact an output of ``command`` gives (``IN_PLACE``) that a rule
    reading ``fields`` of ``kind`` rests on; None when a filtered output of it cannot
    settle them (another kind, a field that rests on other outputs too)."""
    entry = IN_PLACE.get(command)
    if entry is None:
        return None
    source, derived = entry
    if kind == source:
        return frozenset(fields)
    table = derived.get(kind)
    if table is None or any(f not in table for f in fields):
        return None
    return frozenset().union(*(table[f] for f in fields))


def unindented(command: str, shown: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """What a filtered output that holds no indented line proves (``shows`` gave ``shown``):
    the same, but for the fields of chains read by their indentation (``Chain.indented``).
    Such an output may be a paste that lost its indentation, where a 'vrf context' child
    reads as a global line."""
    table = SHAPES.get(command, {})
    out = {}
    for kind, fields in shown.items():
        kept = frozenset(f for f in fields if not any(c.indented for c in table.get(kind, {}).get(f, ())))
        if kept:
            out[kind] = kept
    return out


@functools.lru_cache(maxsize=1024)
def shows(command: str, pipes: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """The fact kinds, and of each the fields (``""``: every fact of the kind), that an
    output of ``command`` filtered by ``pipes`` would certainly have printed. Empty when a
    pipe is one diag cannot follow. The result is shared: callers must not change it."""
    table = SHAPES.get(command)
    steps = parse_pipes(pipes)
    if table is None or any(s.op == "opaque" for s in steps):
        return {}
    out: dict[str, frozenset[str]] = {}
    for kind, fields in table.items():
        seen = frozenset(f for f, chains in fields.items() if all(survives(steps, c) for c in chains))
        if any(fields[f] for f in seen):  # a field no line proves (every output shows it) alone is nothing
            out[kind] = seen
    return out
