"""Numbered lines in, command sections out.

A section starts at

* a prompt line: ``leaf01# sh lic stat``, ``DC-DMZ(config)# ping tools.cisco.com vrf management``;
* a ``show tech-support`` header: a line holding only the command in backticks
  (NX-OS), or ``---- show version ----`` (IOS style);
* or, where no prompt says what follows, a line that only one supported output
  can start with (``Smart Licensing is ENABLED``, ``!Command: show running-config``,
  ``Cisco Nexus Operating System (NX-OS) Software``).

Sections of commands diag has no parser for are skipped and counted, never
kept in memory. Syslog lines that the console prints in the middle of other
output are moved to a ``show logging`` section of their own. The splitter is a
single streaming pass: memory is bounded by the supported sections' size, which
``diag.limits`` bounds (an input past a limit is refused as it is read).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from diag import limits, platforms
from diag.commands import BY_NAME, KEYWORDS, RUNNING_CONFIG, SPECS, CommandSpec, Resolved, resolve
from diag.parsers.layout import may_continue, piece_of
from diag.reshape import LOG_HEADER_STARTS, log_header

_PROMPT = re.compile(
    r"^(?P<node>(?:RP|LC)/\d+/(?:RP|RSP|LC)?\d+/CPU\d+:)?"  # IOS XR: RP/0/RP0/CPU0:router#
    r"(?P<host>[A-Za-z0-9][A-Za-z0-9_.\-]{0,62})?(?:\((?P<mode>[a-z][a-z0-9\-]*)\))?(?P<end>[#>])\s?(?P<cmd>.*)$"
)
# Programs whose own prompt ends in '>' inside an output (telnet's escape prompt 'telnet> quit')
_NOT_HOSTS = frozenset({"telnet", "ftp", "sftp", "tftp", "ssh", "mysql", "python", "gdb", "tclsh"})
_SUPPRESS = re.compile(r"^\s*!\s*diag:\s*ignore\b\s*(?P<body>.*)$", re.I)
_BANNER = re.compile(r"^banner\s+(?:motd|exec|login|incoming)\s+(?P<d>\S)(?P<rest>.*)$")
BANNER_LINES = 200  # NX-OS banners are far shorter: an unclosed one ends here
_TRAILING_SUPPRESS = re.compile(r"!\s*diag:\s*ignore\b\s*(?P<body>.*)$", re.I)
_FENCE = re.compile(r"^```[\w+-]*\s*$")
_SHOWTECH = re.compile(r"^`(?P<cmd>[a-z][^`]{2,200})`\s*$")
_DASHED = re.compile(r"^-{4,}\s*(?P<cmd>show [^-].*?)\s*-{4,}\s*$")
SYSLOG = re.compile(
    r"^\*?(?:\d{4}\s+)?[A-Z][a-z]{2}\s+\d{1,2}\s+(?:\d{4}\s+)?\d{1,2}:\d\d:\d\d(?:\.\d+)?"
    r"(?:\s+[A-Za-z]{2,5})?:?\s+(?:\S+\s+)??(?:%\$ VDC-\d+ %\$\s+)?%[A-Z][A-Z0-9_]*-\d-[A-Z0-9_]+"
)
_CARET = re.compile(r"^\s*\^\s*$")  # the marker line above "% Invalid command at '^' marker."
_SWITCH_ERROR = re.compile(r"^\s*% ?(?:Invalid|Ambiguous|Incomplete|Syntax error|Permission denied|"
                           r"Invalid command|Cmd exec error)", re.I)
# The first line of show version is also the first line of the banner NX-OS prints at login.
# A show version recognised by it alone stays pending until a line only its body holds; a
# prompt, another output, or LOGIN_BANNER_LINES lines without one make it a banner (no section).
_NXOS_BANNER = re.compile(r"^Cisco Nexus Operating System \(NX-OS\) Software")
_VERSION_BODY = re.compile(
    r"^\s*(?:(?:Software|Hardware)\s*$|(?:BIOS|NXOS|kickstart|system|loader):\s+version\b"
    r"|(?:NXOS|kickstart|system) image file is:|Device name:|cisco Nexus|Kernel uptime is)"
)
LOGIN_BANNER_LINES = 60
_CONFIG_HEADER = re.compile(r"^!Command: (?P<cmd>show (?:running|startup)-config.*?)\s*$")

_SIGNATURES: list[tuple[str, str]] = [(s.name, sig) for s in SPECS for sig in s.signatures]
_SIG_NAMES = {f"s{i}": name for i, (name, _) in enumerate(_SIGNATURES)}


@functools.cache
def _signature() -> re.Pattern:
    """Every output's signature in one alternation, compiled for the first line with no
    prompt above it (a capture whose outputs all follow a prompt never needs it)."""
    return re.compile("|".join(f"(?P<s{i}>{sig})" for i, (_, sig) in enumerate(_SIGNATURES)))


# A login typed at a shell's prompt (a jump host: 'ops@jump:~$ ssh admin@10.1.1.12',
# '[ops@jump ~]$ ssh ...', 'C:\\> ssh ...'); one typed at a switch's prompt goes by _prompt
_SHELL_HOP = re.compile(r"^(?:[^\s$%>]*|\[[^\]]{0,80}\])[$%>]\s?(?P<cmd>ssh\s.*)$")
_SSH_VALUED = frozenset("BbcDEeFIiJLlmOoPpQRSWw")  # ssh options that take a value


def hop_target(cmd: str) -> str | None:
    """The host an ``ssh`` command logs in to (``ssh -p 22 admin@10.1.1.12 vrf management``
    -> ``10.1.1.12``); None for other commands. (A telnet is read as a test of a path:
    ``telnet tools.cisco.com 443``, or to a bare host, whose output parsers/probes read.)"""
    words = cmd.split()
    if not words or words[0].lower() != "ssh":
        return None
    rest = words[1:]
    i = 0
    while i < len(rest) and rest[i].startswith("-"):
        opt = rest[i]
        i += 2 if len(opt) == 2 and opt[1] in _SSH_VALUED else 1
    if i >= len(rest):
        return None
    return rest[i].rpartition("@")[2] or None


def _trailing_suppression(text: str) -> tuple[int, str] | None:
    """``(where the comment starts, its body)`` for a ``! diag: ignore`` that ends a line
    after a space, tried at each '!' (linear in the line, whatever runs of spaces it holds)."""
    pos = text.find("!", 1)
    while pos > 0:
        if text[pos - 1].isspace():
            m = _TRAILING_SUPPRESS.match(text, pos)
            if m:
                return pos, m.group("body")
        pos = text.find("!", pos + 1)
    return None



@dataclass(eq=False)
class Section:
    """The output of one command, with the original line numbers."""

    path: str
    spec: CommandSpec
    typed: str
    origin: str  # prompt | showtech | content | console
    host: str | None
    start: int  # line of the prompt / header, or the first output line
    lines: list[tuple[int, str]] = field(default_factory=list)
    coverage: frozenset[str] = frozenset()
    args: tuple[str, ...] = ()
    params: dict = field(default_factory=dict)
    filtered: bool = False
    rejected: str | None = None  # the switch refused the command
    head: str = ""  # text of the start line when it is the prompt / header, not output
    # the rest of a prompt line a terminal cut, joined back to the command: line -> its text
    head_pieces: dict[int, str] = field(default_factory=dict, repr=False)
    empty: bool = False  # an output a switch never leaves empty, left empty (a capture cut short)
    # of a filtered output: the fact kinds (and their fields) it would have printed, whose
    # absence it proves (diag.filters.shows); empty when it proves none
    shows: dict = field(default_factory=dict)
    # a configuration recognised by its content, with a hostname but neither a 'version'
    # line nor a '!Command:' header: whole or not, only its owner can say (whole-config)
    headerless: bool = False
    # a whole running-config by its command or header that stops before the lines every NX-OS
    # running-config prints ('line console', 'line vty'): cut short, its absences prove nothing
    cut_short: bool = False
    # which login of its file it belongs to: a session log may leave a switch ('exit' at its
    # exec prompt) and log in to another of the same name (diag.devices.place)
    session: int = 0
    # the host that login was reached through ('ssh admin@10.1.1.12' typed at a jump host's
    # or another switch's prompt), when the capture shows it
    via: str | None = None
    # an output of another command (a 'show license status', a 'show running-config callhome')
    # that stops before its end: what stopped it ('a pager prompt', ...). Its absences prove
    # nothing, and it takes over no earlier output (devices.supersede)
    stops: str = ""
    pager: int = 0  # the last line inside it that held only a pager prompt (' --More--')
    # filled by its parser (diag.parsers.layout): a hard-wrapped line joined back -> the numbers
    # of its other pieces (quoted in the evidence); a line whose last value looks cut -> that value
    joined: dict[int, tuple[int, ...]] = field(default_factory=dict, repr=False)
    cut: dict[int, str] = field(default_factory=dict, repr=False)
    # a line a trailing '! diag: ignore' comment was cut from (its text reads without it) ->
    # the whole line, which the evidence quotes as the file has it
    whole: dict[int, str] = field(default_factory=dict, repr=False)
    _index: dict[int, str] | None = field(default=None, repr=False)
    budget: limits.Budget | None = field(default=None, repr=False)  # its input's (parse_section counts facts)

    @property
    def command(self) -> str:
        return self.spec.name

    @property
    def end(self) -> int:
        return self.lines[-1][0] if self.lines else self.start

    def text(self, no: int) -> str:
        if self._index is None:
            self._index = dict(self.lines)
        if no == self.start and no not in self._index:
            return self.head  # facts taken from the command's arguments point at its prompt line
        if no in self.head_pieces:
            return self.head_pieces[no]
        return self._index.get(no, "")

    def label(self) -> str:
        return self.typed if self.origin != "content" else f"{self.command} (recognised by content)"


@dataclass(frozen=True)
class Suppression:
    """``! diag: ignore <rule-id>[, <rule-id>] -- <reason>`` in a capture or config."""

    path: str
    line: int
    rules: tuple[str, ...]
    reason: str | None
    text: str
    host: str | None = None
    pieces: tuple[tuple[int, str], ...] = ()  # the rest of a hard-wrapped comment: (line, text)
    line_text: str = ""  # the whole line, when the comment ends a line of other text (evidence)

    def applies_to(self, rule_id: str) -> bool:
        return rule_id in self.rules or "all" in self.rules


@dataclass
class SplitResult:
    """The sections of one input, its suppression comments and what was not read."""

    sections: list[Section] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # command -> count of sections
    skipped_lines: int = 0
    dropped_lines: int = 0  # lines of a read output that no parser needs (CommandSpec.keep)
    unrecognised_lines: int = 0
    hosts: list[str] = field(default_factory=list)
    marks: list["Mark"] = field(default_factory=list)  # other platforms' lines: the best one per switch
    # a terminal logger's header or footer line with its date (diag.reshape.log_header):
    # (date and time, what the line is, line number, text)
    log_headers: list[tuple] = field(default_factory=list)
    # outputs of commands diag reads, in a form it does not read (unread_form): what each is
    unread: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Mark:
    """A line only another platform prints (``platforms.MARKERS``), under the prompt ``host``."""

    path: str
    line: int
    text: str
    marker: platforms.Marker
    host: str | None

    def describe(self, with_path: bool = False) -> str:
        return platforms.describe(self.marker.platform, self.marker.what, self.line, self.text,
                                  self.path if with_path else None)


# A prompt line this long or longer may be a terminal's line cut short: a filtered command's
# pattern with its rest on the next line would read as one that shows more than it did.
WRAP_WIDTH = 79
_MAYBE_CUT = "_pipes_maybe_cut"

_KEEP: dict[str, object] = {}
_NAMING = ("show running-config", "show version")  # the outputs that name a switch (devices.declared_names)


# words of a command's tail tried as the start of its output run together with it
RUN_TOGETHER_WORDS = 40
FREE_ARGS = 8


def unread_form(res: Resolved, no: int) -> str | None:
    """What to say of a command at line ``no`` whose output diag reads, typed in a form whose
    output it does not read: structured output (``| json``, ``| xml``), or the output run
    together with the command on one line (its line breaks lost: the words after the
    command's keywords hold the start of an output diag knows). None for other commands
    and forms (``show clock detail``): skipped and counted, as diag has no use for them."""
    if res.structured:
        kind = "XML" if res.structured.lower().startswith("x") else "JSON"
        return f"'{res.typed}' (line {no}) is {kind}: capture it without '| {res.structured}'"
    tail = list(res.words[max(res.keywords, 0):][:5 * RUN_TOGETHER_WORDS])  # (bounded: a hostile line)
    # a command whose arguments are free (show running-config, ping) takes a few of them, never
    # the dozens of words of an output
    command = res.form_of or (res.name if res.supported and len(tail) > FREE_ARGS else "")
    if command and any(_signature().match(" ".join(tail[i:])) for i in range(min(len(tail), RUN_TOGETHER_WORDS))):
        return (f"'{command}' (line {no}) is on one line with its output (line breaks lost): capture it "
                "again as the switch prints it")
    return None


def _keep(spec: CommandSpec):
    """The ``search`` of the spec's keep pattern, or None when every line is kept."""
    found = _KEEP.get(spec.name, False)
    if found is False:
        found = _KEEP[spec.name] = re.compile(spec.keep).search if spec.keep else None
    return found


# The start of a log message of its own (a date, a %FACILITY-N-MNEMONIC, 'process[pid]:')
_LOG_START = re.compile(r"^\s*(?:\*?(?:\d{4}\s+)?[A-Z][a-z]{2}\s+\d{1,2}\s+\d|%[A-Z]|\S+\[\d+\]:)")


def _kept(keep, lines: list[tuple[int, str]], no: int, text: str) -> bool:
    """Whether a line of an output with a keep pattern (a log) is kept: it matches, or it
    may be the hard-wrapped rest of the kept line right above it (the parser joins them)."""
    if keep(text) is not None:
        return True
    return (bool(lines) and lines[-1][0] == no - 1 and _LOG_START.match(text) is None
            and may_continue(lines[-1][1], text))


def _suppression(path: str, no: int, text: str, body: str, host: str | None) -> Suppression:
    ids, sep, reason = body.partition("--")
    rules = tuple(r.lower() for r in re.split(r"[,\s]+", ids.strip()) if r)  # ids are lower case
    return Suppression(path, no, rules, reason.strip() or None if sep else None, text.strip(), host)


def prompt(text: str, known_hosts: set[str]) -> re.Match | None:
    """The prompt a line starts with (``leaf01# show clock``, ``leaf01(config)#``): its
    groups ``host``, ``mode`` and ``cmd``; None when the line is not a prompt. A host named
    in ``known_hosts`` (seen earlier in the capture) is a prompt whatever follows it."""
    m = _PROMPT.match(text)
    return m if m and _is_prompt(m, known_hosts) else None


def _is_prompt(m: re.Match, known_hosts: set[str]) -> bool:
    host, cmd = m.group("host"), m.group("cmd").strip()
    if m.group("end") == ">":
        return _is_user_prompt(host, m.group("mode"), cmd, known_hosts)
    if host is None and m.group("mode") is None:
        return False
    if host and host in known_hosts:
        return True
    if m.group("mode") is not None:  # leaf01(config-callhome)#: only a prompt looks like that
        return True
    if not cmd:
        return host is not None and (m.group("mode") is not None or len(host) > 1)
    first = cmd.split()[0].lower()
    if first == "do":
        return True
    return any(k.startswith(first) for k in KEYWORDS)


def _is_user_prompt(host: str | None, mode: str | None, cmd: str, known_hosts: set[str]) -> bool:
    """``leaf01>`` or ``leaf01> show clock``: a user-mode prompt (IOS, the ASA, or how some
    captures show a switch). '>' ends lines of outputs too ('-->', '<none>', 'telnet> quit'),
    so only a host name of two characters or more, alone or followed by a command, is one:
    no mode, no trailing '-'."""
    if host is None or mode is not None or len(host) < 2 or not host[-1].isalnum() or host.lower() in _NOT_HOSTS:
        return False
    if host in known_hosts or not cmd:
        return True
    first = cmd.split()[0].lower()
    return len(first) >= 2 and ("enable".startswith(first) or any(k.startswith(first) for k in KEYWORDS))


class Splitter:
    """Streaming state machine over one file's lines."""

    def __init__(self, path: str):
        self.path = path
        self.result = SplitResult()
        self.current: Section | None = None
        self.skipping: str | None = None
        self.host: str | None = None
        self.session = 0  # logins so far: an 'exit' at an exec prompt ends one, an ssh starts one
        self.via: str | None = None  # the host the current login was reached through
        self.known_hosts: set[str] = set()
        self.console: dict[str | None, Section] = {}
        self.banner: str | None = None  # the delimiter of a multi-line banner being read
        self.banner_left = 0
        self.pending: list[tuple[int, str]] | None = None  # a show version or a login banner
        self.probe: tuple[int, str, str] | None = None  # an other platform's command, until its output shows
        self.marks: dict[str | None, Mark] = {}  # the best other platform's line of each switch
        self.budget = limits.Budget(path)  # what is kept counts against diag.limits
        # the suppression comment just read, whose rest a hard wrap may have put on the
        # next line: (its index in the result, its last line, that line as printed, the comment)
        self.wrapped: tuple[int, int, str, str] | None = None

    # -- section boundaries -------------------------------------------------
    def _close(self) -> None:
        if self.pending is not None:
            self._drop_pending()
        sec = self.current
        if sec is not None:
            _finish(sec)
            if sec.spec.name == RUNNING_CONFIG and len(sec.lines) > limits.MAX_CONFIG_LINES:
                self._check_config(sec)
            self.result.sections.append(sec)
        self.current = None
        self.skipping = None

    def _check_config(self, sec: Section) -> None:
        """Refuse a configuration whose lines its parser reads are past the limit (each is a
        template record of about a kilobyte): only one with more lines than that is counted."""
        from diag.parsers.running_config import read_lines

        if read_lines(sec) > limits.MAX_CONFIG_LINES:
            self.budget.refuse(f"{limits.MAX_CONFIG_LINES:,} configuration lines diag reads (interfaces, "
                               "vrf contexts, callhome, ...)", f"in '{sec.typed}' (line {sec.start})",
                               "one configuration")

    def _open(self, res: Resolved, origin: str, no: int, head: str = "") -> None:
        self._close()
        unread = unread_form(res, no)
        if unread is not None:  # an output diag reads, in a form it does not read: said, not counted
            self.result.unread.append(unread)
            self.skipping = res.name
            return
        if not res.supported:
            self.skipping = res.name
            self._skipped(res.name)
            return
        assert res.spec is not None
        self.budget.section(no)
        if self.host is None and res.spec.name in _NAMING:
            self.budget.device(no)  # may name a switch of its own (under a prompt, the prompt's)
        self.current = Section(
            self.path, res.spec, res.typed, origin, self.host, no, [],
            res.coverage, res.args, dict(res.params), res.filtered, head=head, budget=self.budget,
            shows=res.shows, session=self.session, via=self.via,
        )
        if res.shows and origin == "prompt" and len(head.rstrip()) >= WRAP_WIDTH:
            self.current.params[_MAYBE_CUT] = res.pipes  # checked once its output is read (_finish)

    def _skipped(self, name: str) -> None:
        """Count a skipped output by the name of its command (names past
        ``limits.MAX_SKIPPED_KINDS`` are counted as one: a report lists them)."""
        skipped = self.result.skipped
        if name not in skipped and len(skipped) >= limits.MAX_SKIPPED_KINDS:
            name = limits.OTHER_SKIPPED
        skipped[name] += 1

    def _open_content(self, name: str, no: int) -> None:
        self._close()
        spec = BY_NAME[name]
        self.budget.section(no)
        if self.host is None and name in _NAMING:
            self.budget.device(no)
        self.current = Section(self.path, spec, name, "content", self.host, no, [],
                               frozenset({spec.name, *spec.also_covers}), budget=self.budget, session=self.session,
                               via=self.via)

    def _relabel(self, name: str) -> None:
        sec = self.current
        assert sec is not None
        spec = BY_NAME[name]
        sec.spec, sec.typed = spec, name
        sec.coverage = frozenset({spec.name, *spec.also_covers})

    @property
    def reading(self) -> bool:
        """Whether plain lines may be given in runs (``feed_lines``): a section of a known
        command is being read (not one recognised by its content, whose lines are each
        checked for the start of another output) and no banner is open."""
        cur = self.current
        return cur is not None and self.banner is None and cur.origin != "content"

    def feed_lines(self, no: int, texts: list[str]) -> None:
        """Plain lines numbered from ``no`` that hold no '!', '#' or '%' and start no
        header, fence or banner: what ``feed`` would do with each of them, at once."""
        while texts and self.wrapped is not None and self._comment_piece(no, texts[0]):
            no, texts = no + 1, texts[1:]
        if not texts:
            return
        cur = self.current
        assert cur is not None
        self._mark_lines(no, texts, cur)
        keep = _keep(cur.spec)
        numbered = zip(range(no, no + len(texts)), [t.rstrip() for t in texts])
        before = len(cur.lines)
        if keep is None:
            cur.lines.extend(numbered)
            self.budget.kept(no + len(texts) - 1, len(texts), sum(map(len, texts)), cur)
            return
        for n, text in numbered:
            if _kept(keep, cur.lines, n, text):
                cur.lines.append((n, text))
        added = len(cur.lines) - before
        self.result.dropped_lines += len(texts) - added
        if added:
            self.budget.kept(cur.lines[-1][0], added, sum(len(t) for _, t in cur.lines[before:]), cur)

    def _login(self, via: str | None) -> None:
        """A login ends or another starts: what follows belongs to the next one, reached
        through ``via`` (None: not shown)."""
        self.session, self.via = self.session + 1, via

    def pager(self, no: int) -> None:
        """Line ``no`` held only a pager prompt (capture.feed removed it): an output that
        prints nothing more after it was quit at the pager (``_finish``)."""
        if self.current is not None:
            self.current.pager = no

    def skip(self, count: int) -> None:
        """``count`` lines of a skipped section that cannot end it (see capture.feed)."""
        self.result.skipped_lines += count

    # -- other platforms ----------------------------------------------------
    def _mark(self, no: int, text: str, marker: platforms.Marker) -> None:
        """Note a line only another platform prints; one per switch, the most telling."""
        old = self.marks.get(self.host)
        if old is None or platforms.better(marker, old.marker):
            self.marks[self.host] = Mark(self.path, no, text, marker, self.host)

    def _mark_lines(self, no: int, texts: list[str], sec: Section) -> None:
        """``_mark`` the lines of a run of plain lines of ``sec`` (before they join it)."""
        bulk = platforms.BULK.get(sec.spec.name)
        head = len(texts) if bulk is None else max(0, platforms.HEAD_LINES - len(sec.lines))
        runs = [(0, texts[:head], platforms.NEEDLES)]
        if head < len(texts):
            runs.append((head, texts[head:], bulk))
        for start, run, needles in runs:
            if run and platforms.may_mark("\n".join(run), needles):
                for i, text in enumerate(run, start=no + start):
                    marker = platforms.marker_of(text)
                    if marker is not None:
                        self._mark(i, text, marker)

    def _probed(self, text: str) -> bool:
        """The first line after a command only another platform has (``show call-home``):
        output marks the switch as that platform; NX-OS's "% Invalid command" does not, nor
        a prompt, the start of an output diag reads or a line only NX-OS prints (the command
        printed nothing). Blank lines are waited through (True: the line is done with)."""
        if not text.strip():
            self.result.skipped_lines += 1
            return True
        no, typed, skipping = self.probe  # type: ignore[misc]
        self.probe = None
        self.skipping = skipping
        if not (_SWITCH_ERROR.match(text) or _CARET.match(text) or _PROMPT.match(text) or _signature().match(text)
                or platforms.is_nxos_line(text)):
            self._mark(no, typed, platforms.TYPED)
        return False

    # -- a show version, or the banner NX-OS prints at login -----------------
    def _pend(self, no: int, text: str) -> bool:
        """A line while a show version recognised by its first line alone is pending: True
        when it was taken (kept pending, or the output it proved to be now holds it)."""
        assert self.pending is not None
        if _VERSION_BODY.match(text):
            lines, self.pending = self.pending, None
            self._open_content("show version", lines[0][0])
            sec = self.current
            assert sec is not None
            sec.lines.extend(lines)
            sec.lines.append((no, text))
            self.budget.kept(no, len(lines) + 1, len(text) + sum(len(t) for _, t in lines), sec)
            return True
        m = _signature().match(text)
        if m is not None and _SIG_NAMES[m.lastgroup or ""] != "show version":
            self._drop_pending()
            return False  # another output starts here
        self.pending.append((no, text))
        if len(self.pending) >= LOGIN_BANNER_LINES:
            self._drop_pending()
        return True

    def _drop_pending(self) -> None:
        """What was pending was a login banner: no section, no switch; counted as skipped."""
        lines, self.pending = self.pending or [], None
        self._skipped("(login banner)")
        self.result.skipped_lines += len(lines)

    # -- per line -----------------------------------------------------------
    def _comment_piece(self, no: int, text: str) -> bool:
        """Whether line ``no`` is the hard-wrapped rest of the suppression comment above it:
        then the comment is read whole, and the line is its own (no output's)."""
        index, last, physical, comment = self.wrapped  # type: ignore[misc]
        self.wrapped = None
        if last != no - 1 or text.startswith(("`", "----")) or prompt(text, self.known_hosts):
            return False  # a prompt or a section header is never the rest of a comment
        whole = piece_of(physical, comment, text)
        m = _SUPPRESS.match(whole) if whole is not None else None
        if m is None:
            return False
        self.result.dropped_lines += 1  # read into the suppression, no output's line
        sup = self.result.suppressions[index]
        again = _suppression(self.path, sup.line, whole, m.group("body"), sup.host)
        self.result.suppressions[index] = dataclasses.replace(again, text=sup.text, pieces=sup.pieces + ((no, text),),
                                                              line_text=sup.line_text)
        self.wrapped = (index, no, text, whole)
        return True

    def feed(self, no: int, text: str) -> None:
        if self.probe is not None and self._probed(text):
            return
        if self.wrapped is not None and self._comment_piece(no, text):
            return
        self._feed(no, text)
        marker = platforms.marker_of(text)
        if marker is not None:
            self._mark(no, text, marker)

    def _feed(self, no: int, text: str) -> None:
        if "ssh" in text and (m := _SHELL_HOP.match(text)):
            target = hop_target(m.group("cmd"))
            if target is not None:  # a jump host's shell logs in to a switch: a login of its own
                self._close()
                self.skipping = None
                self._login(target)
                return
        if text.startswith(LOG_HEADER_STARTS):
            stamp = log_header(text)
            if stamp is not None:  # a terminal logger's header or footer: no line of any output
                self.result.log_headers.append((*stamp, no, text))
                return
        if "!" in text:
            m = _SUPPRESS.match(text)
            if m:
                self.budget.suppression(no)
                self.result.suppressions.append(_suppression(self.path, no, text, m.group("body"), self.host))
                self.wrapped = (len(self.result.suppressions) - 1, no, text, text)
            else:
                cut = _trailing_suppression(text)
                if cut is not None:
                    # a suppression at the end of the line it is about: recorded, and cut off
                    # so that the line reads as it would without it
                    at, body = cut
                    self.budget.suppression(no)
                    self.result.suppressions.append(dataclasses.replace(
                        _suppression(self.path, no, text[at:], body, self.host), line_text=text.strip()))
                    self.wrapped = (len(self.result.suppressions) - 1, no, text, text[at:])
                    text = text[:at].rstrip()
        if self.banner is not None or (text.startswith("banner ") and self.current is not None
                                       and self.current.spec.name == "show running-config"):
            if self._in_banner(text):
                # a banner's text is the configuration's, whatever it looks like (a prompt, a
                # show license status output pasted into a motd): no section starts there
                self.current.lines.append((no, text))  # type: ignore[union-attr]
                self.budget.kept(no, 1, len(text), self.current)
                return
        if text.startswith("`") or text.startswith("----"):
            if _FENCE.match(text):
                return  # a Markdown code fence around a pasted capture (tickets, chat)
            m = _SHOWTECH.match(text) or _DASHED.match(text)
            if m:
                self._open(resolve(m.group("cmd")), "showtech", no, text)
                return
        if "#" in text or ">" in text:
            m = prompt(text, self.known_hosts)
            if m is not None:
                self._prompt(m, no)
                return
        if "%" in text and SYSLOG.match(text) and not (
                self.current is not None and self.current.spec.name == "show logging"):
            self._console(no, text)
            return
        if self.current is not None:
            if text.startswith("!Command: ") and self.current.spec.name == "show running-config" \
                    and _CONFIG_HEADER.match(text) and _has_body(self.current):
                # the header of another configuration (files joined, several switches' configs
                # pasted one after the other): a section of its own, named by its own lines
                self.host = None
                self._open_content("show running-config", no)
            elif self.current.origin == "content":
                m = _signature().match(text)
                if m:
                    name = _SIG_NAMES[m.lastgroup or ""]
                    if name == self.current.spec.name or name in self.current.spec.contains:
                        pass  # more of the same output, or an output this one embeds
                    elif self.current.spec.name in BY_NAME[name].refines:
                        self._relabel(name)  # it started like another output but is this one
                    elif _NXOS_BANNER.match(text):
                        self._close()
                        self.pending = [(no, text)]  # a show version, or a login banner
                        return
                    else:
                        self._open_content(name, no)
            keep = _keep(self.current.spec)
            if keep is not None and not _kept(keep, self.current.lines, no, text):
                self.result.dropped_lines += 1
                return
            self.current.lines.append((no, text))
            self.budget.kept(no, 1, len(text), self.current)
            return
        if self.skipping is not None:
            self.result.skipped_lines += 1
            return
        if self.pending is not None and self._pend(no, text):
            return
        m = _signature().match(text)
        if m and _NXOS_BANNER.match(text):
            self.pending = [(no, text)]  # a show version, or a login banner
            return
        if m:
            self._open_content(_SIG_NAMES[m.lastgroup or ""], no)
            self.current.lines.append((no, text))  # type: ignore[union-attr]
            self.budget.kept(no, 1, len(text), self.current)
            return
        if text.strip():
            self.result.unrecognised_lines += 1

    def _in_banner(self, text: str) -> bool:
        """Whether ``text`` belongs to a ``banner motd|exec|login <d>...<d>`` of a running-config
        (the opening line included); a banner left open ends after ``BANNER_LINES`` lines."""
        if self.banner is not None:
            self.banner_left -= 1
            if self.banner in text or self.banner_left <= 0 or self.current is None:
                self.banner = None
            return self.current is not None
        m = _BANNER.match(text)
        if m is None:
            return False
        delim, rest = m.group("d"), m.group("rest")
        if delim not in rest:
            self.banner, self.banner_left = delim, BANNER_LINES
        return True

    def _prompt(self, m: re.Match, no: int) -> None:
        host = m.group("host")
        if host:
            self.host = host
            if host not in self.known_hosts:
                self.budget.device(no)
                self.known_hosts.add(host)
                self.result.hosts.append(host)
        cmd = m.group("cmd").strip()
        if "%" in cmd and SYSLOG.match(cmd):
            # the console printed a message right after the prompt: an empty prompt, then the
            # message; the line is kept whole (evidence quotes the line as it is in the input)
            self._close()
            self._console(no, m.group(0))
            return
        if cmd.lower().startswith("do "):
            cmd = cmd[3:].strip()
        mode = m.group("mode")
        if not cmd:
            self._close()
            return
        first = cmd.split()[0].lower()
        if mode and not (len(first) >= 2 and any(k.startswith(first) for k in ("show", "ping", "telnet"))):
            # a configuration statement (shutdown, callhome, ...), not an exec command
            self._close()
            self.skipping = "(configuration commands)"
            self._skipped("(configuration commands)")
            return
        if not mode and first in ("exit", "logout", "quit"):
            self._login(None)  # the switch logs the session out: the next prompt may be another's
        elif not mode and first == "ssh":
            target = hop_target(cmd)
            if target is not None:  # a login to another switch from this one's prompt
                self._close()
                self._login(target)
                return
        if not mode and (m.group("end") == ">" or not m.string[m.end("end"):m.end("end") + 1].isspace()):
            self._mark(no, m.string, platforms.USER_MODE if m.group("end") == ">" else platforms.UNSPACED)
        self._open(resolve(cmd), "prompt", no, m.string)
        if self.skipping is not None and platforms.typed_command(cmd):
            # a command NX-OS does not have: what the switch answers tells the platform
            self.probe, self.skipping = (no, m.string, self.skipping), None

    def _console(self, no: int, text: str) -> None:
        keep = _keep(BY_NAME["show logging"])
        if keep is not None and keep(text) is None:
            self.result.dropped_lines += 1  # a console message of another process
            return
        sec = self.console.get(self.host)
        if sec is None:
            self.budget.section(no)
            sec = Section(self.path, BY_NAME["show logging"], "(console messages)", "console",
                          self.host, no, [], frozenset(), budget=self.budget)
            self.console[self.host] = sec
        sec.lines.append((no, text))
        self.budget.kept(no, 1, len(text), sec)

    def finish(self) -> SplitResult:
        if self.probe is not None:
            self.skipping, self.probe = self.probe[2], None
        cur = self.current
        if cur is not None and cur.shows and not any(t.strip() for _, t in cur.lines):
            # a filtered command with no output at the very end of the input: no prompt
            # after it says that the switch printed nothing (the capture may stop there)
            cur.shows = {}
        if cur is not None and _ends_in_callhome(cur) and any(
                sec.spec is cur.spec and not sec.filtered and sec.coverage == cur.coverage
                for sec in self.result.sections):
            # the command run again, and the input ends inside its callhome block: that copy
            # is cut short. Alone, such an output is read whole (a paste often ends at its last line)
            cur.stops = "the input ends inside its callhome block"
        self._close()
        self.result.marks = sorted(self.marks.values(), key=lambda m: m.line)
        for sec in self.console.values():
            self.result.sections.append(sec)
        self.result.sections.sort(key=lambda s: s.start)
        whole = {sup.line: sup.line_text for sup in self.result.suppressions if sup.line_text}
        if whole:
            for sec in self.result.sections:
                sec.whole = {no: whole[no] for no, _ in sec.lines if no in whole}
        return self.result


def is_empty_output(sec: Section) -> bool:
    """An output a working switch never leaves empty (``CommandSpec.never_empty``), left
    empty: nothing but blank lines (for a configuration, nothing but '!' comment lines such
    as its '!Command:' header). Settled once by ``_finish`` (``Section.empty``)."""
    if not sec.spec.never_empty or sec.filtered or "|" in sec.typed:
        return False  # '| section callhome' prints nothing on a switch without callhome
    comment = "!" if sec.spec.name == RUNNING_CONFIG else None
    return not any(t.strip() and not (comment and t.lstrip().startswith(comment)) for _, t in sec.lines)


def _finish(sec: Section) -> None:
    """Settle what a section proves once all its lines are known."""
    if is_empty_output(sec):
        sec.empty = True
        sec.coverage = frozenset()
        sec.shows = {}
        return
    for _, text in sec.lines[:3]:
        if _SWITCH_ERROR.match(text) and sec.spec.name not in ("ping", "telnet"):
            sec.rejected = text.strip()
            sec.coverage = frozenset()
            sec.shows = {}
            return
        if text.strip() and not _CARET.match(text):
            break
    pipes = sec.params.pop(_MAYBE_CUT, None)
    if pipes is not None and sec.shows and not _reprints(pipes, sec.lines):
        # the filter as typed must print its own output again, line for line: a line it would
        # not print says the command is not known whole. The rest of a command the terminal
        # cut is its first output line: joined back when the whole command then reprints the
        # rest of the output; else nothing is proven absent
        sec.shows = {}
        _join_cut_command(sec)
    if sec.shows and not any(t[:1].isspace() and t.strip() for _, t in sec.lines):
        from diag.filters import unindented

        sec.shows = unindented(sec.spec.name, sec.shows)
    if not sec.stops and not sec.filtered:
        sec.stops = _stops(sec)
    if sec.stops and sec.spec.name != RUNNING_CONFIG:
        sec.shows = {}
    if sec.spec.name != RUNNING_CONFIG:
        return
    _settle_config(sec)
    if sec.stops and RUNNING_CONFIG not in sec.coverage:
        sec.coverage = frozenset()  # a part of the configuration cut short proves nothing of that part
    if RUNNING_CONFIG in sec.coverage and not any(text in _TAIL for _, text in sec.lines):
        sec.cut_short = True
        sec.coverage = frozenset({RUNNING_CONFIG + " callhome"}) if _closed_callhome(sec) else frozenset()


def _stops(sec: Section) -> str:
    """Why an output stops before its end, when it shows it does: quit at a pager prompt
    (nothing after the last one), or a 'show license status' of classic Smart Licensing that
    stops before the 'License Authorization:' block every such output prints."""
    if sec.pager and not any(no > sec.pager and t.strip() for no, t in sec.lines):
        return "it stops at a pager prompt (--More--)"
    if sec.spec.name == "show license status" and "|" not in sec.typed:
        heads = {t.strip() for _, t in sec.lines if t[:1].isalpha()}
        if "Smart Licensing is ENABLED" in heads and "Registration:" in heads \
                and "License Authorization:" not in heads:
            return "it stops before the 'License Authorization:' block every such output prints"
        last = next((t for _, t in reversed(sec.lines) if t.strip()), "")
        if last[:1].isalpha() and last.rstrip().endswith(":"):
            return f"it stops at the heading '{last.strip()}' with nothing under it"
    return ""


def _ends_in_callhome(sec: Section) -> bool:
    """Whether the input ends inside the callhome block of a 'show running-config callhome'
    read whole: its last line is a line of the block other than the 'enable' that closes an
    enabled one, with neither the blank line nor the prompt a switch prints after it."""
    if sec.spec.name != RUNNING_CONFIG or sec.filtered or not sec.lines:
        return False
    last = sec.lines[-1][1]
    if last == "callhome":
        return True  # the block's first line, and nothing of it
    if not last[:1].isspace() or not last.strip() or last.strip() == "enable":
        return False
    for _, text in reversed(sec.lines):
        if text[:1].strip():
            return text == "callhome"  # the top-level line the last one belongs to
    return False


# Lines every NX-OS running-config prints (the console and vty lines, configured or not),
# after the callhome block and most of the configuration: a whole one without them was cut.
_TAIL = frozenset({"line console", "line vty"})


def _closed_callhome(sec: Section) -> bool:
    """Whether the configuration holds its callhome block whole: a top-level line follows it."""
    inside = False
    for _, text in sec.lines:
        if text == "callhome":
            inside = True
        elif inside and text[:1].strip() and not text.startswith("!"):
            return True
    return False


def _settle_config(sec: Section) -> None:
    """What a running-config section covers: its header's command, a whole configuration by
    its 'version' and 'hostname' lines, or only the callhome block it shows."""
    for _, text in sec.lines[:6]:
        m = _CONFIG_HEADER.match(text)
        if m:
            res = resolve(m.group("cmd"))
            if sec.origin == "content" or (not sec.coverage and not sec.filtered):
                sec.coverage = res.coverage
            return
    if sec.origin == "content":
        tops = {t.split()[0] for _, t in sec.lines if t and not t[0].isspace() and t.split()}
        if "version" in tops and tops & {"hostname", "switchname"}:
            sec.coverage = frozenset({RUNNING_CONFIG})
            return
        sec.headerless = bool(tops & {"hostname", "switchname"})
        if any(t.rstrip() == "callhome" for _, t in sec.lines):
            sec.coverage = frozenset({RUNNING_CONFIG + " callhome"})
        else:
            sec.coverage = frozenset()


def _reprints(pipes: tuple[str, ...], lines: list[tuple[int, str]]) -> bool:
    """Whether the filter of ``pipes`` prints every non-blank line of ``lines`` again."""
    from diag.filters import apply, parse_pipes

    texts = [t for _, t in lines if t.strip()]
    shown = apply(parse_pipes(pipes), texts)
    return shown is not None and len(shown) == len(texts)


def _join_cut_command(sec: Section) -> None:
    """The command of ``sec`` with its first output line joined back (a terminal cut it at its
    width; the cut may have eaten a space), when the joined filter reprints the rest."""
    if not sec.lines or not sec.lines[0][1].strip() or " " in sec.lines[0][1].strip():
        return  # a piece of a cut command is one word or less
    no, piece = sec.lines[0]
    for glue in ("", " "):
        res = resolve(sec.typed + glue + piece.strip())
        if res.spec is sec.spec and res.shows and _reprints(res.pipes, sec.lines[1:]):
            sec.typed, sec.shows, sec.coverage = res.typed, res.shows, res.coverage
            sec.lines = sec.lines[1:]
            sec.joined = {**sec.joined, sec.start: (no,)}
            sec.head_pieces = {no: piece}
            return


def starts_capture(text: str) -> bool:
    """Whether a line is one a capture starts with: a prompt, a show tech-support header, a
    console message, a line only a supported output starts with, or a line only another
    platform prints (diag.reshape sniffs a paste's decoration from the first such line)."""
    return (prompt(text, set()) is not None or _signature().match(text) is not None
            or _SHOWTECH.match(text) is not None or _DASHED.match(text) is not None
            or ("%" in text and SYSLOG.match(text) is not None) or platforms.marker_of(text) is not None)


def _has_body(sec: Section) -> bool:
    """Whether a configuration section holds more than its header: a line of the
    configuration itself ('version', 'hostname'...)."""
    return any(t[:1].isalpha() for _, t in sec.lines)


def declarable(sec: Section) -> bool:
    """Whether the owner of the file may declare this configuration whole (``declare_whole``)."""
    captured = sec.origin != "content" or any(_CONFIG_HEADER.match(t) for _, t in sec.lines[:6])
    return sec.headerless or (sec.cut_short and not captured)


def declare_whole(sec: Section) -> bool:
    """Take a configuration file for a whole running-config, as its owner declared
    (``whole-config``): one without a header (``Section.headerless``), or one with a
    'version' line but without the tail a switch prints (``cut_short``: a configuration
    rendered from a template, trimmed by a backup tool). A capture of the command from a
    switch (its prompt or '!Command:' header) that stops before its tail stays cut short,
    declared or not. True when it was one to take."""
    if not declarable(sec):
        return False
    sec.coverage = frozenset({RUNNING_CONFIG})
    sec.headerless = sec.cut_short = False
    return True


def split_lines(lines: Iterable[tuple[int, str]], path: str) -> SplitResult:
    splitter = Splitter(path)
    for no, text in lines:
        splitter.feed(no, text)
    return splitter.finish()
