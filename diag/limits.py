"""How much of one input diag reads: the limits that keep its memory and time bounded.

diag streams an input and skips, in raw bytes, the outputs it has no parser for (most of
a show tech-support): they count against none of these limits. What it keeps is the text
of the outputs it reads (show running-config, the licensing and Call Home outputs, the
licensing lines of a log), their sections, and the facts its parsers read from them. A
real capture stays far below every limit: a running-config is a few MB and a few thousand
of the lines diag reads, a log holds a few thousand licensing messages, a session log a
few hundred outputs of a few switches, and a file of 2,000 switches' captures put end to
end (16,000 outputs, 49,000 facts) is read as before.

An input past a limit is refused with one line naming it and the limit (``InputError``:
exit code 2). The splitter counts as it reads, so such an input costs what it held up to
the limit, and in a run of several inputs the others are read and it is listed as unread.
Facts are counted as the parsers make them (``MAX_FACTS``): past it the run stops with that
one line. Each limit holds one input's peak memory under about a gigabyte whatever its
shape (tests/test_hostile.py runs the shapes of the issue in a 1 GB address space).

A test lowers a limit by setting it here (``monkeypatch.setattr(limits, "MAX_FACTS", 10)``).
"""

from __future__ import annotations

from diag.errors import InputError

# -- lines ------------------------------------------------------------------------------------
MAX_LINE_BYTES = 8 << 20  # a longer line is cut here (the rest of it, up to its end of line, dropped)
MAX_LINE = 8192  # characters: a longer line of an output is reported unread, never given to a parser

# -- what one input may hold of the outputs diag reads: refused past these -----------------------
# Text kept in sections: a 1 GB running-config in a 6 MB gzip was kept whole (7.9 GB, then
# MemoryError). Python holds a line in about three times its size, a parser's records and facts
# in a few times more.
MAX_READ_BYTES = 64 << 20
# Lines kept in sections: a line costs ~300 bytes however short (2,000,000: ~600 MB).
MAX_READ_LINES = 2_000_000
# Outputs of commands diag reads: 50 MB of 'switch# show clock' prompts with nothing after
# them were 2.6 million sections (2.3 GB). A session log holds tens or hundreds.
MAX_SECTIONS = 100_000
# Switches one input names (each prompt name, and each configuration or show version output
# under no prompt): each is judged by every rule and listed in the report (~40 KB each).
MAX_DEVICES = 10_000
# Lines of one configuration its parser reads (interfaces and their VRF, vrf contexts, the
# callhome block, a few global lines): each is a template record of ~1 KB before it is a fact.
# Counted when the configuration is split, and only for one of more lines than this.
MAX_CONFIG_LINES = 200_000
# Facts the parsers make (~1-2 KB each; one line listing 700 name servers makes 700, and a
# rule may give a finding for each): counted as they are made.
MAX_FACTS = 200_000
# '! diag: ignore' comments: each becomes a fact and is matched against every finding.
MAX_SUPPRESSIONS = 10_000

# -- what is cut short, not refused --------------------------------------------------------------
# Findings of one rule on one device: one that matched each of 200,000 distinct destination
# lines made 200,000 findings (3 GB, then MemoryError). The last one listed says how many more
# matched. (A join of a rule's facts is cut at conditions.MAX_BINDINGS the same way.)
MAX_FINDINGS = 1_000
# Kinds of skipped commands the report lists by name; the others are counted under one name.
MAX_SKIPPED_KINDS = 1_000
OTHER_SKIPPED = "(other commands)"


def _mb(size: int) -> str:
    return f"{size >> 20} MB" if size >= 1 << 20 else f"{size} bytes"


class Budget:
    """What one input has used of the limits above, raising ``InputError`` past one.

    The splitter counts what it keeps; ``parse_section`` counts the facts its parsers make
    (``Fact`` tells the budget of the input being parsed)."""

    __slots__ = ("path", "lines", "chars", "sections", "devices", "suppressions", "facts", "reading")

    def __init__(self, path: str):
        self.path = path
        self.lines = self.chars = self.sections = self.devices = self.suppressions = self.facts = 0
        self.reading = ""  # the output whose facts are being made: named when a limit is reached

    def refuse(self, what: str, where: str, scope: str = "one input") -> None:
        raise InputError(self.path, f"too large: more than {what} (the limit for {scope}), {where}")

    def kept(self, no: int, lines: int, chars: int, section=None) -> None:
        """``lines`` lines of ``chars`` characters kept, the last one at line ``no`` (in
        ``section``, when they belong to one)."""
        self.lines += lines
        self.chars += chars
        if self.lines > MAX_READ_LINES or self.chars > MAX_READ_BYTES:
            where = f"at line {no}" + (f" in '{section.typed}' (line {section.start})" if section else "")
            if self.lines > MAX_READ_LINES:
                self.refuse(f"{MAX_READ_LINES:,} lines of the outputs diag reads", where)
            self.refuse(f"{_mb(MAX_READ_BYTES)} of text in the outputs diag reads", where)

    def section(self, no: int) -> None:
        self.sections += 1
        if self.sections > MAX_SECTIONS:
            self.refuse(f"{MAX_SECTIONS:,} outputs of commands diag reads", f"at line {no}")

    def device(self, no: int) -> None:
        self.devices += 1
        if self.devices > MAX_DEVICES:
            self.refuse(f"{MAX_DEVICES:,} switches (names in prompts, configurations and show version outputs)",
                        f"at line {no}")

    def suppression(self, no: int) -> None:
        self.suppressions += 1
        if self.suppressions > MAX_SUPPRESSIONS:
            self.refuse(f"{MAX_SUPPRESSIONS:,} '! diag: ignore' comments", f"at line {no}")

    def fact(self) -> None:
        self.facts += 1
        if self.facts > MAX_FACTS:
            self.refuse(f"{MAX_FACTS:,} facts read from the outputs diag reads", f"in {self.reading}")
