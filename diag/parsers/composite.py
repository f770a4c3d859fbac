"""Outputs made of other outputs: one template per part, the same facts as the part's own command.

``show license all`` is the blocks of ``show license status`` followed by License
Usage blocks and a few banners of its own; ``show license summary`` is a shorter
set of the same status blocks followed by a usage table. Rather than copy the
status template, ``CompositeParser`` cuts the section where each part starts and
reads every part with its own template and fact maps, so the facts (and their
line numbers) are exactly those the part's own parser gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from diag.facts import Fact
from diag.parsers.base import TextFSMParser, unparsed_facts
from diag.parsers.fsm import load_fsm
from diag.parsers.layout import read_fsm


@dataclass
class Part:
    """A part of the output: it starts at the first line ``start`` matches (the first
    part starts with the output) and ends where a later part starts."""

    parser: TextFSMParser
    start: str | None = None
    _regex: re.Pattern | None = field(default=None, init=False, repr=False)

    def starts(self, text: str) -> bool:
        if self.start is None:
            return False
        if self._regex is None:
            self._regex = re.compile(self.start)
        return self._regex.match(text) is not None


@dataclass
class CompositeParser:
    command: str
    template: str  # the template of this command's own part (ntc-templates naming)
    parts: list[Part]
    post: Callable[[object, list[Fact]], list[Fact]] | None = None

    def cut(self, lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
        chunks: list[list[tuple[int, str]]] = [[] for _ in self.parts]
        current = 0
        for no, text in lines:
            for j in range(current + 1, len(self.parts)):
                if self.parts[j].starts(text):
                    current = j
                    break
            chunks[current].append((no, text))
        return chunks

    def parse(self, section) -> list[Fact]:
        facts: list[Fact] = []
        unparsed: list[int] = []
        for part, chunk in zip(self.parts, self.cut(section.lines)):
            if not chunk:
                continue
            rows, unread = read_fsm(load_fsm(part.parser.template), chunk, section, part.parser.bare)
            got = part.parser.facts_from_rows(section, rows, unread)
            if part.parser.post is not None:
                got = part.parser.post(section, got, rows)
            facts.extend(got)
            unparsed.extend(unread)
        if self.post is not None:
            facts = self.post(section, facts)
        return facts + unparsed_facts(section, unparsed)
