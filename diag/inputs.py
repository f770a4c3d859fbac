"""The inputs of a run: which files a list of paths names, and each file read into its
command sections (capture -> split), with what could not be used."""

from __future__ import annotations

import os
import stat

from diag.capture import ReadStats, read_into
from diag.commands import CommandSpec
from diag.errors import DiagError
from diag.facts import Fact
from diag.model import InputInfo
from diag.platforms import refusal
from diag.split import Section, Splitter

# Inline suppression comments become facts of a section of their own (the line they
# stand on may lie outside any command output, e.g. above a config's first line).
COMMENTS = CommandSpec("(inline suppressions)", (), "", "")
# The newest dated timestamp a terminal logger put in front of a device's lines: a clock
# reading of the machine that logged the session (diag.reshape), in a section of its own.
LOGGER_CLOCK = CommandSpec("(terminal logger timestamps)", (), "", "")
# A line only another platform prints (split.Mark) is a section of its own, under its switch's
# prompt: settling the device reads it (devices.settle), no parser does.
PLATFORM = CommandSpec("(other platform)", (), "", "")


def special_file(path: str) -> str | None:
    """Why a file found in a folder walk is not read: a FIFO would block, a device never end."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # a broken link or a vanished file: reading it says so
    if stat.S_ISREG(mode):
        return None
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device file"
    return f"not a regular file ({kind})"


def expand_inputs(paths: list[str], skipped: list[tuple[str, str]] | None = None,
                  unread: list[tuple[str, str]] | None = None) -> list[tuple[str, bool]]:
    """Files to read as ``(path, named)``: ``named`` is False for files found in a folder walk.

    FIFOs, sockets and devices found in a walk are left out (added to ``skipped`` with the
    reason when given); named on the command line they are read (``diag check <(cmd)``).
    A folder of the walk that cannot be listed is added to ``unread`` when given.
    """
    out: list[tuple[str, bool]] = []

    def cannot_list(exc: OSError) -> None:
        if unread is not None:
            unread.append((exc.filename or "?", f"cannot read the folder: {exc.strerror or exc}"))

    for path in paths:
        if path != "-" and os.path.isdir(path):
            found = []
            for root, dirs, files in os.walk(path, followlinks=False, onerror=cannot_list):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        full = os.path.join(root, name)
                        why = special_file(full)
                        if why is None:
                            found.append(full)
                        elif skipped is not None:
                            skipped.append((full, why))
            out.extend((f, False) for f in found)
        else:
            out.append((path, True))
    return out


def files_of(paths: list[str], unread: list[tuple[str, str]],
             skipped: list[tuple[str, str]] | None = None) -> list[tuple[str, bool]]:
    """``expand_inputs`` of the paths a user gave (none: standard input), each file once.

    A folder with nothing to read is noted in ``unread``. An input named twice (a file
    given and found again in its folder, '-' twice) is read once: standard input can only
    be read once, and a file twice would count it twice.
    """
    main: list[tuple[str, bool]] = []
    for given in paths or ["-"]:
        before = len(unread)
        files = expand_inputs([given], skipped, unread)
        if not files and given != "-" and os.path.isdir(given) and len(unread) == before:
            unread.append((given, "folder holds no file to check"))
        main.extend(files)
    once: dict[str, tuple[str, bool]] = {}
    for p, named in main:
        first = once.setdefault(os.path.normpath(p), (p, named))
        if named and not first[1]:  # named on the command line somewhere: errors are reported
            once[os.path.normpath(p)] = (first[0], True)
    return list(once.values())


def read_sections(path: str, progress=None) -> tuple[InputInfo, list[Section]]:
    """Stream one input through capture and split: what was read, and its sections (not
    parsed), suppression comments included as sections of their own. ``InputError`` when
    it cannot be read. ``progress(n)``, when given, is told the bytes read so far."""
    stats = ReadStats(progress=progress)
    info = InputInfo(path)
    splitter = Splitter(path)
    read_into(path, splitter, stats)
    result = splitter.finish()
    info.lines = stats.lines
    info.encoding = stats.encoding
    notes = []
    if stats.truncated:
        notes.append(f"{stats.truncated}; analysed the {stats.lines} lines read before it")
    empty = [f"'{sec.typed}' (line {sec.start})" for sec in result.sections if sec.empty]
    if empty:
        notes.append(f"no output after {', '.join(empty[:3])}{' ...' if len(empty) > 3 else ''}: the capture "
                     "looks cut short, so the rules that need it are not evaluated")
    info.unread = result.unread
    if result.unread:
        notes.append(f"outputs diag does not read: {'; '.join(result.unread[:3])}"
                     f"{' ...' if len(result.unread) > 3 else ''} (the rules that need them are not evaluated)")
    info.note = "; ".join(notes) or None
    info.skipped = result.skipped
    info.skipped_lines = result.skipped_lines
    info.unrecognised_lines = result.unrecognised_lines
    info.sections = len(result.sections)
    info.suppressions = result.suppressions
    sections = list(result.sections)
    verdicts = [mark for mark in result.marks if mark.marker.rank >= 0]  # not the hints (platforms.UNSPACED)
    if verdicts:
        info.foreign = verdicts[0].describe()
    for mark in result.marks:
        sections.append(Section(path, PLATFORM, PLATFORM.name, "platform", mark.host, mark.line,
                                [(mark.line, mark.text)], params={"mark": mark}))
    for sup in result.suppressions:
        section = Section(path, COMMENTS, COMMENTS.name, "comment", sup.host, sup.line,
                          [(sup.line, sup.line_text or sup.text)], params={"suppression": sup})
        if sup.pieces:  # a comment hard-wrapped over several lines: the evidence quotes each
            section.lines.extend(sup.pieces)
            section.joined = {sup.line: tuple(no for no, _ in sup.pieces)}
        sections.append(section)
    deco = stats.decoration
    if deco is not None:
        info.reshaped = deco.describe()
    if deco is not None and result.sections:
        for host, (when, no, text) in deco.clocks.items():
            if host is None and result.hosts:
                continue  # stamped before the session's first prompt: no device of its own
            sections.append(Section(path, LOGGER_CLOCK, LOGGER_CLOCK.name, "logger", host, no, [(no, text)],
                                    params={"now": when, "what": "newest terminal logger timestamp"}))
    if result.log_headers and result.sections:
        # the session's start (PuTTY, script) or end (script): a clock of every switch the log
        # holds, the newest line of them kept
        when, what, no, text = max(result.log_headers, key=lambda h: h[0])
        for host in result.hosts or [None]:
            sections.append(Section(path, LOGGER_CLOCK, LOGGER_CLOCK.name, "logger", host, no, [(no, text)],
                                    params={"now": when, "what": what}))
    return info, sections


def parse(sections: list[Section]) -> list[list[Fact]]:
    """The facts of each section (a suppression comment's fact for its section)."""
    from diag.parsers import parse_section

    out = []
    for section in sections:
        if section.spec is COMMENTS:
            out.append([_suppression_fact(section)])
        elif section.spec is LOGGER_CLOCK:
            out.append([Fact("clock", {"now": section.params["now"]}, {"now": section.start}, section,
                             section.start)])
        elif section.spec is PLATFORM:
            out.append([])
        else:
            out.append(parse_section(section))
    return out


def _suppression_fact(section: Section) -> Fact:
    sup = section.params["suppression"]
    line = sup.line
    fields = {"rules": ", ".join(sup.rules) or None, "reason": sup.reason}
    return Fact("capture.suppression", {k: v for k, v in fields.items() if v}, {k: line for k in fields},
                section, line)


def size(path: str) -> int:
    if path == "-":
        return 0
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def refuse_if_nothing_recognised(infos: list[InputInfo], unread: list) -> None:
    """Inputs were read and none holds an output diag knows: an error, not an empty report."""
    if infos and not any(info.sections for info in infos) and not unread:
        foreign = [(i.path, i.foreign) for i in infos if i.foreign]
        if foreign:
            raise DiagError(refusal(foreign))
        unread = next((i for i in infos if i.unread), None)
        if unread is not None:  # outputs diag knows, in a form it does not read: say which
            raise DiagError(f"{unread.path}: no output in a form diag reads: {'; '.join(unread.unread[:3])}"
                            + (" ..." if len(unread.unread) > 3 else ""))
        names = ", ".join(i.path for i in infos[:3]) + (" ..." if len(infos) > 3 else "")
        raise DiagError(f"{names}: no Smart Licensing or Call Home output recognised "
                        "(expected show license status, show running-config, show version, ...)")
