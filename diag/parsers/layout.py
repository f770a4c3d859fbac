"""The layout a paste lost: flattened configuration blocks and hard-wrapped lines.

Two things happen to CLI text between the switch and diag:

* **Lost indentation.** Forum posts, web pages (Cisco's own among them) and some chat
  tools print ``show running-config callhome`` with every line at column 0. The
  children of a block are then told apart from top-level lines by NX-OS grammar: a
  line that only exists inside ``callhome`` (``email-contact``, ``destination-profile``,
  ``enable``...) belongs to the block above it. ``_GRAMMAR`` holds that grammar for the
  blocks the configuration parser reads; ``renest`` gives such lines back their
  indentation.
* **Hard wraps.** A terminal cuts a long line at exactly its width (80 columns), in the
  middle of a word or URL; a mail client breaks it at the last space that fits (72 to 78
  columns). ``join`` puts a line back together with the line it continues, when it
  cannot stand as a line of its own (a URL, an e-mail address or a piece of a word
  where a command keyword should be). A line that can stand on its own is never joined.

Both keep the original line numbers: a joined line has the number of its first piece,
and ``Reflowed.joined`` maps it to the numbers of the others (the evidence quotes every
piece on its own line). A value that ends exactly at the terminal width and whose tail
is not there is *cut*: ``Reflowed.cut`` holds its line, so that a fix never prints it.

Show outputs are joined by their own template (``read_fsm``): a line the template
cannot read, right after a line it could have been cut from, is tried joined to it, and
the join is kept only when the template then reads both.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Callable

# -- hard wraps -------------------------------------------------------------------------

WIDTH = 80  # the terminal width NX-OS and terminal programs default to
# A mail client breaks a line at the last space before its limit (72 to 78 columns): the
# word that went to the next line did not fit, so the two pieces with a space between
# are longer than this.
MAIL_FILLS = 70
# Lines of one output tried as pieces of wrapped lines: a wrapped capture has a few per
# output; past this many the output is not a wrapped one (each try runs the template again)
MAX_PIECES = 2000

_KEYWORD = re.compile(r"[a-z][a-z0-9-]*")  # the shape of every NX-OS command keyword


@functools.cache
def _value_end() -> re.Pattern:
    """A URL or an e-mail address that ends a line (compiled for the first line long
    enough to hold a wrapped one)."""
    return re.compile(r"(?:[a-z][a-z0-9+.-]*://\S*|[^\s@]+@\S*)$", re.I)


def _fills(physical: str, widths: frozenset[int] = frozenset({WIDTH})) -> str | None:
    """How a line that filled the terminal goes on: ``""`` when it was cut at exactly the
    width (the next piece follows with no space), ``" "`` when the cut fell after a space
    (which the capture stripped from the end of the line); None when it did not fill it."""
    if len(physical) in widths:
        return ""
    if len(physical) + 1 in widths:
        return " "
    return None


def _widths(lines: list[tuple[int, str]]) -> frozenset[int]:
    """The terminal widths the lines may have been cut at: 80, and a length longer than
    that which several lines share (a wider terminal cuts every long line alike)."""
    seen: dict[int, int] = {}
    wide: set[int] = {WIDTH}
    for _, text in lines:
        n = len(text)
        if n > WIDTH:
            seen[n] = seen.get(n, 0) + 1
            if seen[n] == 2:
                wide.add(n)
    return frozenset(wide)


def _value_goes_on(physical: str, tail: str) -> bool:
    """A line of some length that ends in a URL or e-mail address, followed at column 0 by
    a piece that holds no URL of its own (a terminal of another width may have cut the
    value): a candidate only, the parser says whether the piece stands on its own."""
    if len(physical) < 40 or not tail[:1].strip() or _value_end().search(physical) is None:
        return False
    words = tail.split()
    # a piece not shaped like a keyword, or one lone word (the parser says if it stands)
    return "://" not in words[0] and (_KEYWORD.fullmatch(words[0]) is None or len(words) == 1)


def _mail_wrapped(physical: str, tail: str) -> bool:
    """Whether a mail client that wrapped at a space would have sent ``tail``'s first word
    to the next line: it did not fit after ``physical``."""
    if not tail[:1].strip() or len(physical) >= WIDTH:
        return False
    return len(physical.rstrip()) + 1 + len(tail.split(None, 1)[0]) > MAIL_FILLS


def may_continue(physical: str, text: str) -> bool:
    """Whether ``text`` may be the rest of the line ``physical`` hard-wrapped (its shape
    only: whether it stands on its own is for the parser to say)."""
    if not text.strip():
        return False
    return (len(physical) >= WIDTH - 1 or _mail_wrapped(physical, text) or _value_goes_on(physical, text))


def looks_cut(physical: str) -> bool:
    """A line that filled the terminal and ends in a URL or e-mail address: its value may
    go on in a piece that is not there."""
    return _fills(physical) == "" and _value_end().search(physical) is not None


@dataclass
class Reflowed:
    """Numbered lines put back together, with the numbers of what was joined."""

    lines: list[tuple[int, str]]
    joined: dict[int, tuple[int, ...]] = field(default_factory=dict)  # first piece -> the others
    cut: dict[int, str] = field(default_factory=dict)  # line -> its last value, which looks cut

    def numbers(self, no: int) -> list[int]:
        """Every original line of the (possibly joined) line ``no``."""
        return [no, *self.joined.get(no, ())]


def join(lines: list[tuple[int, str]], stands: Callable[[int, str, bool, str], bool],
         in_spaces: Callable[[int, int], bool] | None = None) -> Reflowed:
    """Join each line that continues the one before it and cannot stand on its own.

    ``stands(no, tail, at_width, head)`` says whether line ``no`` (text ``tail``) is a
    line of its own after the line ``head`` (``at_width``: whose last piece filled the
    terminal). A piece joins the line
    right above it (a blank line between means no wrap): with no space when that line
    filled the terminal (cut mid-token), with one space when a mail client broke it at
    a space. ``in_spaces(head, no)`` allows one more shape: an indented piece after a
    shorter line, as a terminal cut inside a run of spaces (a table row) leaves them
    once the capture has stripped the spaces that ended the first piece.
    """
    out: list[tuple[int, str]] = []
    joined: dict[int, tuple[int, ...]] = {}
    cut: dict[int, str] = {}
    widths = _widths(lines)
    physical = ""  # the last piece as it was printed, to know whether it filled the width
    for no, text in lines:
        # most lines are short: two that together fit a mail client's line were not wrapped
        if (out and physical and (len(physical) >= 60 or len(physical) + len(text) >= MAIL_FILLS
                                  or in_spaces is not None) and text.strip()):
            head_no, head = out[-1]
            glue = _fills(physical, widths)
            if glue != "" and _value_goes_on(physical, text):
                glue = ""  # a URL or address holds no space: its rest follows with none
            if glue is not None:
                whole = head + glue + (text if glue == "" else text.lstrip())
            elif _mail_wrapped(physical, text):
                # a mail client breaks at a space, never before '://' or a '/': such a
                # piece was cut mid-token (by a terminal of another width)
                space = "" if text[:1] in ":/.@?=&%-_" else " "
                whole = head.rstrip() + space + text.strip()
            elif in_spaces is not None and text[:1].isspace() and len(physical) < WIDTH and in_spaces(head_no, no):
                whole = head + text
            else:
                whole = None
            if whole is not None and not stands(no, text, glue is not None, head):
                out[-1] = (head_no, whole)
                joined[head_no] = joined.get(head_no, ()) + (no,)
                physical = text
                cut.pop(head_no, None)
                if looks_cut(text):
                    cut[head_no] = whole.split()[-1]
                continue
        out.append((no, text))
        physical = text
        if len(text) in widths and looks_cut(text):
            cut[no] = text.split()[-1]
    return Reflowed(out, joined, cut)


def cut_value(section, line: int | None, value) -> bool:
    """Whether ``value``, read from ``line`` of ``section``, may be cut short: it ends the
    value that ends a line which filled the terminal, with no piece after it."""
    cut = getattr(section, "cut", None)
    token = cut.get(line) if cut and line is not None else None
    return bool(token) and isinstance(value, str) and bool(value) and token.endswith(value)


def url_fields(url: str, cut: bool) -> tuple[str, str | None, str | None]:
    """``(scheme, host, path)`` of a URL; of a URL that may be cut short, only the parts
    it shows whole (the host when a '/' follows it, the scheme when '://' does)."""
    from diag.types import url_parts

    scheme, host, path = url_parts(url)
    if not cut:
        return scheme, host, path
    rest = url.split("://", 1)[1] if "://" in url else ""
    return scheme, (host if "/" in rest else None), None


def _valued(rows) -> set[int]:
    """The lines that gave a value to a row of TextFSM's result."""
    out: set[int] = set()
    for _, lines in rows:
        for where in lines.values():
            if isinstance(where, list):
                out.update(where)
            elif isinstance(where, int):
                out.add(where)
    return out


def read_fsm(fsm, lines: list[tuple[int, str]], section=None, bare: bool = False):
    """``fsm.run(lines)`` with hard-wrapped lines joined: ``(rows, unparsed)``.

    A line the template could not read, right after a line it may have been cut from
    (one that filled the terminal, or one a mail client broke before the line's first
    word; or, when both are unread, any line above an indented piece) is tried joined to
    that line. The joins are kept when the template reads every joined line and no line
    it read before becomes unread. ``bare``: the template accepts any line (a log), so a
    line that gave no value is a piece too, and a join must leave as many rows. The joins
    are recorded on ``section`` (``Section.joined``) for the evidence.
    """
    rows, unparsed = fsm.run(lines)
    if section is not None:
        section.cut.update((no, text.split()[-1]) for no, text in lines if looks_cut(text))
    unread = set(unparsed)
    pieces = set(unread)
    # a line the template reads may be the rest of an unread line above it (a mail client
    # moved a URL off the line of its index)
    pieces |= {no for (before, _), (no, _) in zip(lines, lines[1:]) if before in unread}
    if bare:
        valued = _valued(rows)
        pieces |= {no for no, text in lines if text.strip() and no not in valued}
    if not pieces or len(pieces) > MAX_PIECES:
        return rows, unparsed  # nothing to join, or not an output a terminal wrapped here and there

    def attempt(allowed: set[int]):
        flowed = join(lines, lambda no, *_: no not in allowed,
                      lambda head, no: head in unread and no in unread)
        if not flowed.joined:
            return None
        got, still = fsm.run(flowed.lines)
        if set(still) - unread or set(still) & set(flowed.joined) or (bare and len(got) < len(rows)):
            return None  # a join the template does not read, or one that made a row of two
        return flowed, got, still

    tried = attempt(pieces)
    if tried is None:
        # some join does not read: keep those that read, each tried alone
        first = join(lines, lambda no, *_: no not in pieces,
                     lambda head, no: head in unread and no in unread)
        kept: set[int] = set()
        budget = 32  # runs of the template: a few wraps per output at most
        for tails in first.joined.values():
            for k in range(len(tails), 0, -1):  # the most pieces that read (a line after them may not be one)
                if budget == 0:
                    break
                budget -= 1
                if attempt(kept | set(tails[:k])) is not None:
                    kept.update(tails[:k])
                    break
        tried = attempt(kept) if kept else None
        if tried is None:
            return rows, unparsed
    flowed, rows, unparsed = tried
    if section is not None:
        section.joined.update(flowed.joined)
        for head, tails in flowed.joined.items():  # a joined value is cut only if its last piece is
            section.cut.pop(head, None)
            for tail in tails:
                section.cut.pop(tail, None)
        section.cut.update(flowed.cut)
    return rows, unparsed


# -- lost indentation -------------------------------------------------------------------


_FIRST_WORDS: set[str] = {"no"}  # of every grammar line below: all are keywords


def _words(*alternatives: str) -> str:
    """The pattern of a line that starts with one of ``alternatives`` (keywords separated
    by spaces), optionally in its ``no`` form, followed by the end of the line or a space."""
    _FIRST_WORDS.update(a.split()[0] for a in alternatives)
    body = "|".join(a.replace(" ", r"\s+") for a in alternatives)
    return rf"^(?:no\s+)?(?:{body})(?:\s|$)"


@dataclass(frozen=True)
class Block:
    """The grammar of one configuration block: its header, the lines that exist only
    inside it, and the lines that are valid both inside it and at the top level."""

    kind: str
    header: re.Pattern
    only: re.Pattern
    shared: re.Pattern | None = None


# The blocks the configuration parser reads (kind, header, only, shared), compiled by
# ``blocks`` for the first configuration read. NX-OS prints every child of these blocks
# indented by two spaces; with the indentation lost, a line of ``only`` can still only
# be a child, and a line of ``shared`` is one when the block shows it lost its
# indentation (NX-OS prints the global name servers, domain lookup and static routes
# before the vrf contexts, so after a flattened 'vrf context' they are the VRF's own).
_GRAMMAR = (
    (
        "callhome", r"^callhome\s*$",
        _words("email-contact", "phone-contact", "streetaddress", "destination-profile", "contract-id",
               "customer-id", "site-id", "switch-priority", "periodic-inventory", "duplicate-message",
               "distribute", "enable", "transport http", "transport email"),
        None,
    ),
    (
        "vrf", r"^vrf\s+context\s+\S+\s*$",
        _words("rd", "vni", "address-family", "description", "shutdown", "mdt"),
        _words("ip name-server", "ip domain-name", "ip domain-list", "ip domain-lookup", "ip route",
               "ipv6 route", "ip pim", "ip igmp", "ip mroute", "ip multicast", "ipv6 pim", "ipv6 mld"),
    ),
    (
        "interface", r"^interface\s+\S",
        _words("description", "vrf member", "shutdown", "mtu", "switchport", "speed", "duplex",
               "channel-group", "ip address", "ipv6 address", "ip router", "ip ospf", "ip redirects",
               "ip unreachables", "ip proxy-arp", "ip local-proxy-arp", "ip port", "ip verify",
               "ip directed-broadcast", "ip policy", "ipv6 link-local", "ipv6 traffic-filter", "ipv6 redirects",
               "bandwidth", "delay", "load-interval", "medium", "mode", "negotiate", "fabric forwarding",
               "storm-control", "link", "beacon", "inherit", "encapsulation", "autostate", "flowcontrol",
               "carrier-delay", "rate-mode", "member vni", "host-reachability", "ethernet-segment",
               "priority-flow-control mode"),
        # also global commands: 'lacp system-priority', 'udld aggressive', 'vpc domain 1',
        # 'spanning-tree port type edge bpduguard default', 'ip pim rp-address', ...
        _words("logging event", "snmp trap", "lacp", "udld", "lldp", "cdp", "vpc", "hsrp", "vrrp",
               "spanning-tree", "service-policy", "source-interface", "evpn", "ip pim", "ip igmp", "ip dhcp",
               "ip arp", "ip flow", "ip access-group", "ip forward", "ipv6 nd", "ipv6 router", "ipv6 dhcp"),
    ),
)


@functools.cache
def blocks() -> tuple[Block, ...]:
    """The blocks the configuration parser reads (``_GRAMMAR``), compiled."""
    return tuple(Block(kind, re.compile(header), re.compile(only), re.compile(shared) if shared else None)
                 for kind, header, only, shared in _GRAMMAR)


@functools.cache
def _by_kind() -> dict[str, Block]:
    return {b.kind: b for b in blocks()}


# Child lines that can only be Call Home's even with no 'callhome' line above them (a
# filtered '| include http' shows them alone): its contacts, profiles and transport
# ('enable' and 'distribute' are left out: other blocks could hold a line so short).
_CALLHOME_ONLY = _words("email-contact", "phone-contact", "streetaddress", "destination-profile",
                        "contract-id", "customer-id", "site-id", "switch-priority", "periodic-inventory",
                        "duplicate-message", "transport http", "transport email")


@functools.cache
def callhome_only() -> re.Pattern:
    return re.compile(_CALLHOME_ONLY)


# First words of NX-OS configuration lines (top level, and the children above): a piece
# of a cut line that starts with one of these could be a line of its own.
KEYWORDS = frozenset("""
    aaa address-family allocate autostate banner bandwidth beacon bfd boot callhome carrier-delay cdp
    cfs channel-group class class-map cli clock configure control-plane copp crypto customer-id contract-id
    delay description destination-profile device-alias diagnostic distribute dot1x duplex duplicate-message
    email-contact enable encapsulation end errdisable ethernet-segment event evpn exec-timeout fabric fc
    fcoe feature feature-set flow flowcontrol hardware host-reachability hostname hsrp icam inherit install
    interface ip ipv6 key lacp license limit-resource line link lldp load-interval logging mac macsec
    management match mdt medium member mode monitor mpls mtu negotiate neighbor ngoam no ntp nv nxapi
    object-group periodic-inventory password peer-gateway peer-keepalive peer-switch phone-contact
    police policy policy-map port-channel port-profile power priority-flow-control ptp qos radius-server
    rate-mode rd remote-as rmon role route-map router scheduler segment-routing service service-policy
    session-limit set sflow shutdown site-id snmp snmp-server spanning-tree speed ssh storm-control
    streetaddress switch-priority switchname switchport system tacacs-server telemetry terminal track
    transport udld update-source username version vdc vlan vni vpc vrf vrrp vsan zone zoneset
""".split()) | _FIRST_WORDS


def header_kind(text: str) -> str | None:
    """The kind of block a top-level line opens, if it is one the parser reads."""
    for block in blocks():
        if block.header.match(text):
            return block.kind
    return None


# Lines that end in free text (a comment, an address, a description): a mail client may
# wrap them anywhere, and the words it moved down are no command.
_FREE_TEXT = re.compile(r"^\s*(?:!|#|streetaddress\s|description\s)")


def config_line_stands(no: int, tail: str, at_width: bool, head: str = "") -> bool:
    """Whether a configuration line can be a line of its own after ``head`` (``at_width``:
    the last piece of ``head`` filled the terminal).

    A comment can; a line whose first word is not shaped like a keyword (a piece of a URL,
    an e-mail address, a capitalised word, a number) cannot. After a line cut at the
    terminal width, a keyword-shaped piece stands only when it is a keyword NX-OS knows.
    """
    text = tail.strip()
    if text.startswith(("!", "#")):
        return True
    word = text.split(None, 1)[0]
    if not _KEYWORD.fullmatch(word):
        return False
    if tail[:1].isspace() and not at_width:
        return True  # indented: a child line (after a line that filled the terminal, the
        # rest of a line cut right before a space is indented by it too)
    # after a value (URL, address) one lone word NX-OS does not know is the value's rest
    # ('ice' of '.../DDCEServ' cut at another width)
    return word in KEYWORDS or not (at_width or _FREE_TEXT.match(head)
                                    or (word == text and _value_end().search(head) is not None))


def piece_of(physical: str, head: str, text: str) -> str | None:
    """``head`` joined with ``text`` when configuration line ``text`` is its hard-wrapped
    rest (``physical``: the last printed piece of ``head``), by the rules
    ``reflow_config`` joins with; None otherwise."""
    flowed = join([(1, physical), (2, text)],
                  lambda no, tail, at_width, _: config_line_stands(no, tail, at_width, head))
    if not flowed.joined:
        return None
    return head + flowed.lines[0][1][len(physical):]


def reflow_config(lines: list[tuple[int, str]], filtered: bool = False) -> Reflowed:
    """A configuration's lines with hard wraps joined and lost indentation restored
    (``filtered``: the output of a filter, see ``renest``)."""
    flowed = join(lines, config_line_stands)
    flowed.lines = renest(flowed.lines, filtered)
    return flowed


def renest(lines: list[tuple[int, str]], filtered: bool = False) -> list[tuple[int, str]]:
    """Give back their indentation to the children of flattened blocks.

    A line at column 0 becomes a child (two spaces in front) of the block above it when:

    * it exists only inside that kind of block (``Block.only``);
    * it is valid inside the block and at the top level (``Block.shared``) and the block
      lost its indentation: the whole configuration has no indented line, the block
      already has a child at column 0, or a child of the block follows it;
    * it is not a line the grammar knows, and a child of the block follows it (a piece
      of text inside a block stays inside it: the parser reports it).

    A line of ``_CALLHOME_ONLY`` with no callhome block above it is indented too, so the
    parser reads it as an orphan of the callhome block. Indented lines and everything
    else are left as they are: a clean configuration comes out unchanged.

    A ``filtered`` output (``| include``) with no indented line is no sign of a lost
    indentation: the filter may have shown no child at all, and a global line after a
    ``vrf context`` header it shows (NX-OS prints global ``ip route`` lines after the
    vrf contexts) stays global unless the block shows otherwise; nor is an indented line
    after it a child of that block (an orphan of a block the filter hid, such as an
    interface's 'vrf member'): only a line that exists only inside the block is.
    """
    # nothing indented at all
    flat = not filtered and not any(text[:1].isspace() and text.strip() for _, text in lines)
    out: list[tuple[int, str]] = []
    kind: str | None = None  # the block lines may still belong to
    lost = False  # that block shows it lost its indentation
    for i, (no, text) in enumerate(lines):
        if not text.strip() or text[:1].isspace():
            out.append((no, text))
            continue
        opens = header_kind(text)
        if opens is not None:
            kind, lost = opens, flat
            out.append((no, text))
            continue
        block = _by_kind().get(kind) if kind else None
        if block is not None:
            if block.only.match(text):
                out.append((no, "  " + text))
                lost = True
                continue
            if block.shared is not None and block.shared.match(text) and (
                    lost or _followed(lines, i, block, not filtered)):
                out.append((no, "  " + text))
                lost = True
                continue
            if not _known(text) and _followed(lines, i, block, False):
                out.append((no, "  " + text))
                continue
        kind, lost = None, False
        if callhome_only().match(text):
            out.append((no, "  " + text))  # an orphan of the callhome block
            continue
        out.append((no, text))
    return out


_LOOKAHEAD = 64  # lines looked at after a line whose block is in doubt (a decisive line comes sooner)


def _known(text: str) -> bool:
    return text.split(None, 1)[0] in KEYWORDS


def _followed(lines: list[tuple[int, str]], i: int, block: Block, any_child: bool) -> bool:
    """Whether a child of ``block`` follows line ``i`` before the block can have ended.

    Lines at column 0 that could still be the block's (shared lines, unknown text) are
    skipped; a block header or a known top-level line ends the search. ``any_child``:
    any indented line counts as a child (after a shared line, which opens no block of
    its own), else only a line of ``block.only``."""
    for _, text in lines[i + 1:i + 1 + _LOOKAHEAD]:
        if not text.strip():
            continue
        if text[:1].isspace():
            return any_child or bool(block.only.match(text.strip()))
        if block.only.match(text):
            return True
        if header_kind(text) is not None:
            return False
        if block.shared is not None and block.shared.match(text):
            continue
        if _known(text):
            return False
    return False
