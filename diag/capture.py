"""Bytes in, clean text lines out, each with its original 1-based line number.

A capture is whatever an engineer has: a pasted output, a terminal session log
with colour codes and pager leftovers, a gzipped ``show tech-support``, a config
file from a git repository. This module turns it into ``(line_number, text)``
pairs and never raises on content: undecodable bytes fall back to a single-byte
code page line by line, control sequences are removed. It raises ``InputError``
only when the input cannot be text at all (binary, unreadable, empty).

Lines are counted the way ``grep -n``, git and code-scanning tools count them:
one line per ``\\n``. A carriage return inside a line is a terminal overwrite
(pager erasing ``--More--``) and is replayed as such; a file that uses bare
carriage returns as line ends (no ``\\n`` at all) is split on them instead.

Reading is streaming: the input is read in chunks and never held whole, so a
600 MB ``show tech-support`` costs the memory of one chunk.
"""

from __future__ import annotations

import codecs
import functools
import io
import itertools
import os
import re
import sys
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterator

from diag import limits
from diag.errors import InputError
from diag import reshape
from diag.reshape import Decoration

CHUNK = 1 << 20
SNIFF = 1 << 16

# ANSI / VT100 sequences: CSI (colour, cursor moves, erase), OSC (window
# titles), two-byte escapes, and the 8-bit CSI introducer.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
# What a terminal acts on inside a line: escapes, carriage return, backspace.
_TERMINAL = re.compile(f"({_ANSI.pattern}|\r|\b)")
_CSI = re.compile(r"^(?:\x1b\[|\x9b)([0-?]*)[ -/]*([@-~])$")
# Anything that needs more than rstrip: control characters, escapes, pager.
_PAGER_WORD = r"<?-+ ?[Mm]ore ?-+>?"
_PAGER_MARK = r"- ?[Mm]ore ?-"  # the part of a pager prompt a cheap test looks for (also in raw chunks: _risky)
_DIRTY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\xa0]|" + _PAGER_MARK)  # cheap test, most lines are clean
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Pager prompts left in the text: at the start of a line (the next output follows
# it) or at its end (the capture stopped at the prompt).
_PAGER = re.compile(r"^\s*" + _PAGER_WORD + r" ?|\s*" + _PAGER_WORD + r"\s*$")


@dataclass
class ReadStats:
    """What happened while reading one input (reported, never silent)."""

    lines: int = 0
    fallback_lines: int = 0  # lines that were not valid UTF-8
    encoding: str = "utf-8"
    truncated: str | None = None  # set when a compressed stream ended early
    notes: list[str] = field(default_factory=list)
    progress: Callable[[int], None] | None = None  # told the bytes of the file read so far
    decoration: Decoration | None = None  # what the paste added to every line (diag.reshape)


def clean_line(text: str) -> str:
    """What a terminal would have shown for this line: escapes, overwrites and pager removed."""
    if _DIRTY.search(text) is None:
        return text.rstrip()
    if "\x00" in text:
        text = text.replace("\x00", "")  # telnet pads a bare CR with NUL
    if "\xa0" in text:
        text = text.replace("\xa0", " ")  # a web page's no-break spaces: a switch prints plain ones
    if "\x1b" in text or "\x9b" in text or "\r" in text or "\b" in text:
        text = _render(text)
    text = _CONTROL.sub("", text)
    if "ore" in text:
        text = _PAGER.sub("", text)
    return text.rstrip()


def _render(text: str) -> str:
    """Replay a line on a one-line terminal.

    Carriage return moves to column 0 and what follows overwrites (the pager
    erasing ``--More--``); ``ESC[K`` erases to the end of the line; cursor moves
    are followed; colours and titles vanish. A backspace at the end of the text
    deletes the character before it (typed corrections logged as keystrokes), and
    only moves the cursor inside the line.
    """
    buf: list[str] = []
    col = 0
    for i, part in enumerate(_TERMINAL.split(text.rstrip("\r"))):
        if not part:
            continue
        if i % 2 == 0:  # plain text
            for ch in part:
                if col < len(buf):
                    buf[col] = ch
                else:
                    buf.extend(" " * (col - len(buf)))
                    buf.append(ch)
                col += 1
        elif part == "\r":
            col = 0
        elif part == "\b":
            if col == len(buf) and buf:
                buf.pop()
            col = max(0, col - 1)
        else:
            m = _CSI.match(part)
            if not m:
                continue  # OSC title, two-byte escape
            arg, final = m.group(1), m.group(2)
            n = int(arg) if arg.isdigit() else 0
            if final == "K":  # erase in line
                if n == 0:
                    del buf[col:]
                elif n == 1:
                    buf[:col] = " " * min(col, len(buf))
                else:
                    buf = []
            elif final == "D":  # cursor back
                col = max(0, col - max(n, 1))
            elif final == "C":  # cursor forward
                col += max(n, 1)
            elif final == "G":  # cursor to column
                col = max(n, 1) - 1
    return "".join(buf)


def _decode(raw: bytes, stats: ReadStats) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        stats.fallback_lines += 1
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


# control bytes no text capture holds (tab, newlines, form feed and escape excepted)
_BINARY_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b < 27 or 27 < b < 32)
_HIGH_BYTES = bytes(range(128, 256))


def _utf8(sample: bytes) -> bool:
    """Whether ``sample`` is UTF-8 (its last character may be cut by the end of the sample)."""
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data"
    return True


def looks_binary(sample: bytes) -> bool:
    """True for content that is not text in any encoding diag reads.

    NUL bytes are the mark of binary data, but a text capture may hold a few: telnet
    pads a bare CR with one, a serial console or a copy through a careless tool leaves
    one here and there (``clean_line`` removes them). Content is binary when NULs other
    than telnet's padding are more than one byte in twenty, or when what is left once
    they are taken out is not text (compressed data, machine code: bytes past ASCII
    that are not UTF-8, or control bytes).
    """
    if not sample:
        return False
    stray = sample.count(0) - sample.count(b"\r\x00")
    if stray:
        if stray * 20 > len(sample):
            return True
        sample = sample.replace(b"\x00", b"")
        high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
        if high * 20 > len(sample) and not _utf8(sample):
            return True
    head = sample[:4096]
    bad = len(head) - len(head.translate(None, _BINARY_BYTES))
    return bad / len(head) > 0.10


def _utf16_guess(sample: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte of ASCII text is NUL."""
    if len(sample) < 8:
        return None
    even = sample[0:512:2]
    odd = sample[1:512:2]
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    return None


def _damaged() -> tuple:
    """What a damaged compressed stream raises (gzip is imported only for gzipped input)."""
    gz = sys.modules.get("gzip")
    return (EOFError, zlib.error, gz.BadGzipFile) if gz is not None else (EOFError, zlib.error)


def _read(stream: BinaryIO, size: int) -> bytes:
    """One read that returns what it got before a damaged compressed stream fails.

    ``read1`` makes at most one read of the underlying stream, so the data decoded
    before a truncated gzip ends is returned by an earlier call, not lost with the
    exception.
    """
    read1 = getattr(stream, "read1", None)
    return read1(size) if read1 is not None else stream.read(size)


def _sniff(stream: BinaryIO, path: str, stats: ReadStats) -> bytes:
    """The first ``SNIFF`` bytes (fewer at the end of the input or of a damaged stream)."""
    parts: list[bytes] = []
    got = 0
    while got < SNIFF:
        try:
            data = _read(stream, SNIFF - got)
        except _damaged() as exc:
            if not parts:
                raise InputError(path, f"not a readable gzip file ({exc})") from None
            stats.truncated = f"compressed stream is damaged or truncated ({exc})"
            break
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
        if not data:
            break
        parts.append(data)
        got += len(data)
    return b"".join(parts)


def _chunks(stream: BinaryIO, first: bytes, path: str, stats: ReadStats) -> Iterator[bytes]:
    if first:
        yield first
    if stats.truncated:
        return
    while True:
        parts: list[bytes] = []
        got = 0
        end = False
        while got < CHUNK:  # read1 may return little at a time (gzip): gather a chunk
            try:
                data = _read(stream, CHUNK - got)
            except _damaged() as exc:
                stats.truncated = f"compressed stream is damaged or truncated ({exc})"
                end = True
                break
            except OSError as exc:
                stats.truncated = f"read error: {exc.strerror or exc}"
                end = True
                break
            if not data:
                end = True
                break
            parts.append(data)
            got += len(data)
        if parts:
            yield b"".join(parts)
        if end:
            return


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _wide_encoding(first: bytes) -> str | None:
    """The encoding a byte-order mark names, or UTF-16 guessed without one; None for bytes."""
    for bom, enc in _BOMS:
        if first.startswith(bom):
            return enc
    return _utf16_guess(first)


def refused_as_binary(first: bytes) -> bool:
    """Whether an input starting with ``first`` (as stored: maybe gzipped) is refused as binary."""
    return not first.startswith(GZIP_MAGIC) and _wide_encoding(first) is None and looks_binary(first)


def _prepare(stream: BinaryIO, path: str, stats: ReadStats) -> tuple[Iterator[bytes], str | None, bytes]:
    """Sniff the start of the input: its chunks, a wide encoding if any, its line separator.

    Raises ``InputError`` when the input is empty or binary.
    """
    first = _sniff(stream, path, stats)
    if not first:
        raise InputError(path, "empty input: nothing to analyse")
    encoding = _wide_encoding(first)
    if encoding in ("utf-8-sig",):
        first = first[len(codecs.BOM_UTF8):]
        encoding = None
        stats.encoding = "utf-8 (with BOM)"
    if encoding is None and looks_binary(first):
        raise InputError(path, "looks like a binary file, not a text capture")
    sep = b"\r" if b"\n" not in first and b"\r" in first else b"\n"
    chunks = _chunks(stream, first, path, stats)
    return (chunks if encoding is not None else _bounded(chunks, sep)), encoding, sep


def _bounded(chunks: Iterator[bytes], sep: bytes) -> Iterator[bytes]:
    """``chunks`` with every line cut to ``limits.MAX_LINE_BYTES`` (the rest of it dropped up
    to its end of line), so that a 300 MB line is never gathered whole. Chunks are at most
    ``CHUNK`` bytes, smaller than the limit: only a line crossing chunks can be too long."""
    MAX_LINE_BYTES = limits.MAX_LINE_BYTES  # noqa: N806 - the limit in force (a test lowers it)
    run = 0  # bytes of the current line already passed on
    dropping = False
    for chunk in chunks:
        first = chunk.find(sep)
        if first < 0:
            if not dropping:
                room = max(MAX_LINE_BYTES - run, 0)
                if len(chunk) > room:
                    chunk, dropping = chunk[:room], True
                run += len(chunk)
                if chunk:
                    yield chunk
            continue
        room = max(MAX_LINE_BYTES - run, 0)
        last = chunk.rfind(sep)
        tail = len(chunk) - last - 1
        if not dropping and first <= room and tail <= MAX_LINE_BYTES:
            out = chunk  # the common case: nothing to cut, no copy
        else:
            head = b"" if dropping else chunk[:min(first, room)]
            out = head + chunk[first:last + 1] + chunk[last + 1:last + 1 + MAX_LINE_BYTES]
        dropping = tail > MAX_LINE_BYTES
        run = min(tail, MAX_LINE_BYTES)
        yield out


def _done(no: int, path: str, stats: ReadStats) -> None:
    stats.lines = no
    if not no:
        raise InputError(path, "empty input: nothing to analyse")
    if stats.fallback_lines:
        stats.encoding = "utf-8 with cp1252/latin-1 fallback"


def iter_lines(stream: BinaryIO, path: str, stats: ReadStats | None = None,
               decorated: bool = False) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, clean_text)`` for every line of ``stream``, without what a paste
    added to every line (``diag.reshape``) unless ``decorated`` (a redacted copy keeps it).

    Raises ``InputError`` before the first line when the input is empty or binary.
    """
    stats = stats if stats is not None else ReadStats()
    chunks, encoding, sep = _prepare(stream, path, stats)
    deco = None
    if not decorated:
        chunks, deco = _decoration(chunks, encoding, sep)
    stats.decoration = deco
    if stats.progress is not None:
        chunks = _told(chunks, stream, stats.progress)
    if encoding is not None:
        stats.encoding = encoding
    no = 0
    for no, text in _iter_wide(chunks, encoding, path, stats) if encoding else _iter_sep(chunks, sep, stats):
        yield no, text if deco is None else deco.strip(text)[0]
    if encoding is None:
        _done(no, path, stats)
    elif not stats.lines:
        raise InputError(path, "empty input: nothing to analyse")


def _decoration(chunks: Iterator[bytes], encoding: str | None, sep: bytes) -> tuple[Iterator[bytes], Decoration | None]:
    """The decoration of the input (``diag.reshape.sniff``) from its first clean lines, and its
    chunks again, the ones read ahead to find them included. The lines are split and cleaned
    as they will be read (``_iter_wide``, ``_iter_sep``), from at most
    ``reshape.SAMPLE_BYTES`` and up to ``reshape.SAMPLE_LINES`` non-blank lines."""
    taken: list[bytes] = []

    def recorded() -> Iterator[bytes]:
        size = 0
        for chunk in chunks:
            taken.append(chunk)
            yield chunk
            size += len(chunk)
            if size > reshape.SAMPLE_BYTES:
                return

    scratch = ReadStats()  # the lines are read again for real: their counts are not kept
    lines = _iter_wide(recorded(), encoding, "", scratch) if encoding else _iter_sep(recorded(), sep, scratch)
    sample: list[str] = []
    nonblank = 0
    for _, text in lines:
        if text.strip():
            if not nonblank and reshape.recognised(text):
                return itertools.chain(taken, chunks), None  # the capture starts undecorated
            nonblank += 1
        sample.append(text)
        if nonblank >= reshape.SAMPLE_LINES:
            break
    return itertools.chain(taken, chunks), reshape.sniff(sample)


class _Scan:
    """Where, at or after a line start ``pos``, the next line holding one of ``anywhere`` or
    starting with one of ``starts`` begins, in one chunk (bytes or text). A needle of
    ``anywhere`` is a string found with ``find`` or a compiled pattern; the line starts
    are one pattern (a newline, then any of them). Each is searched again only once the
    position has passed its last hit: every search is a C scan, and a pattern that starts
    with one fixed character is as fast as ``find`` of a longer string, several times
    faster than one ``find`` per alternative."""

    def __init__(self, data, end: int, anywhere: tuple, starts: tuple):
        self.data, self.end = data, end
        self.nl = b"\n" if isinstance(data, bytes) else "\n"
        self.starts = starts
        self.needles = anywhere + (_line_starts(starts),)
        self.next = [-2] * len(self.needles)

    def hit(self, pos: int) -> int:
        """The first offset at or after ``pos`` a needle points at (the start of the line
        for a line-start needle), or ``end``."""
        data, end, nxt = self.data, self.end, self.next
        if data.startswith(self.starts, pos):
            return pos
        best = end
        last = len(nxt) - 1
        for i, needle in enumerate(self.needles):
            hit = nxt[i]
            if hit < pos and hit != -1:
                if isinstance(needle, (bytes, str)):
                    hit = data.find(needle, pos, end)
                else:
                    found = needle.search(data, pos, end)
                    hit = found.start() if found else -1
                nxt[i] = hit
            if hit != -1:
                if i == last:
                    hit += 1  # the newline belongs to the line before
                if hit < best:
                    best = hit
        return best

    def line_of(self, pos: int, best: int) -> int:
        """The start of the line holding offset ``best`` (``end`` stays ``end``)."""
        if best >= self.end:
            return self.end
        return self.data.rfind(self.nl, pos, best) + 1 if best > pos else pos

    def first(self, pos: int) -> int:
        return self.line_of(pos, self.hit(pos))


@functools.cache
def _line_starts(starts: tuple) -> re.Pattern:
    """A newline followed by any of ``starts`` (all bytes or all text, ASCII)."""
    text = "\n(?:" + "|".join(re.escape(s if isinstance(s, str) else s.decode("ascii")) for s in starts) + ")"
    return re.compile(text.encode("ascii") if isinstance(starts[0], bytes) else text)


# While the splitter skips a section of a command diag does not read, only lines that
# could end the skip matter: a show-tech header (` or - at the start), a prompt (#, or '>'
# before a space or the line's end), a console syslog line (%), a suppression comment
# (diag:). The rest is counted, never decoded.
# 'Script done on', '=~=~=...': the footer util-linux script writes under a session and the
# header PuTTY writes above each one it appends to a log: clocks (diag.reshape.log_header)
_SKIP_STARTS = (b"`", b"-", b"Script done on ", b"=~=~=~=~=")


@functools.cache
def _skip_anywhere() -> tuple:
    # and a login from a shell's prompt ('$ ssh ...': diag.split._SHELL_HOP)
    return b"#", b"%", b"diag:", re.compile(rb">[ \r\n]"), re.compile(rb"\$\s?ssh\s")


# Clean-up can change how a line starts (and join "di<NUL>ag:"): control characters and
# escapes are removed, a carriage return or cursor move overwrites, a pager prompt at the
# start is dropped, and a line that is not UTF-8 nor cp1252 is read as Latin-1, where bytes
# 0x80-0x9f are C1 controls. A chunk holding any of these (rare: a CRLF file's \r\n is not
# one) also stops at every line that holds one, so both paths see the same clean lines.
_RISKY_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127, 0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xC2])
_RISKY = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x81\x8d\x8f\x90\x9d]|\r(?!\n)|\xc2[\x80-\xa0]|"
                    + _PAGER_MARK.encode())


# Lines a splitter reading a section must look at one by one: any that holds a prompt's
# '#' or '>', a console message's '%' or a comment's '!' (suppressions), or that starts a
# show-tech header, a Markdown fence or a banner. Between two of them, plain lines only
# join the section (Splitter.feed_lines).
_STATEFUL_ANYWHERE, _STATEFUL_STARTS = ("!", "#", "%", ">", "$"), ("`", "-", "banner ", "Script done on ",
                                                                "=~=~=~=~=")
_SMALL = 1 << 18  # bytes: a chunk this small is checked for plain text at its first line


@functools.cache
def _pager_prompt() -> re.Pattern:
    return re.compile(_PAGER_MARK.encode())


def _risky(data: bytes) -> bool:
    """Whether a chunk holds anything clean-up could change (the partial last line included:
    that only makes the answer more careful). C scans over the whole chunk, each one or two
    tenths of a second per gigabyte."""
    return (len(data.translate(None, _RISKY_BYTES)) != len(data)
            or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n"))
            or _pager_prompt().search(data) is not None)


def _plain(data: bytes, risky: bool) -> bool:
    """True when every line of ``data`` is ASCII that clean_line would only rstrip."""
    return not risky and data.isascii()


class _Candidates(_Scan):
    """The lines that could end a skip, in a raw chunk: ``_Scan``'s needles, and any line
    clean-up could change."""

    def __init__(self, data: bytes, end: int):
        super().__init__(data, end, _skip_anywhere(), _SKIP_STARTS)
        self.is_risky = _risky(data)
        self.risky = -2 if self.is_risky else -1  # next offset _RISKY matches (-1: none)

    def first(self, pos: int) -> int:
        """Offset of the first byte of a line, at or after ``pos``, that could end a skip; or end."""
        best = self.hit(pos)
        if self.risky != -1:
            if self.risky < pos:
                m = _RISKY.search(self.data, pos, self.end)
                self.risky = m.start() if m else -1
            if self.risky != -1 and self.risky < best:
                best = self.risky
        return self.line_of(pos, best)


def feed(stream: BinaryIO, path: str, sink, stats: ReadStats | None = None) -> None:
    """Give every line of ``stream`` to ``sink.feed(no, text)``, fast through skipped regions.

    ``sink`` is a splitter: while its ``skipping`` attribute is set, runs of lines that
    cannot end the skip are counted with ``sink.skip(count)`` straight from the bytes.
    This is what keeps a 600 MB show tech-support close to the cost of gunzipping it.
    While its ``reading`` attribute is set, runs of plain lines that cannot change its
    state (see ``_STATEFUL``) are given at once to ``sink.feed_lines(first_no, texts)``.
    """
    stats = stats if stats is not None else ReadStats()
    chunks, encoding, sep = _prepare(stream, path, stats)
    chunks, deco = _decoration(chunks, encoding, sep)
    stats.decoration = deco
    if stats.progress is not None:
        chunks = _told(chunks, stream, stats.progress)
    if encoding is not None or sep != b"\n" or deco is not None:
        # line by line: a wide encoding, bare carriage returns, or a decorated paste
        stats.encoding = encoding or stats.encoding
        no = 0
        for no, text in (_iter_wide(chunks, encoding, path, stats) if encoding else
                         _iter_sep(chunks, sep, stats)):
            if deco is not None:
                plain, when = deco.strip(text)
                sink.feed(no, plain)
                if when is not None:  # the device is the one the line went to
                    deco.note(getattr(sink, "host", None), when, no, text)
            else:
                sink.feed(no, text)
        _done(no if not encoding else stats.lines, path, stats)
        return
    no = 0
    carry = b""
    for chunk in chunks:
        data = carry + chunk if carry else chunk
        end = data.rfind(b"\n") + 1
        if end == 0:
            carry = data
            continue
        pos = 0
        candidates = _Candidates(data, end)
        # Most chunks are plain ASCII with nothing for a terminal to act on: decode them
        # once and give each line its rstrip. Offsets of bytes and characters then agree.
        plain: bool | None = None  # decided once lines are being fed: skipped chunks never pay
        fed = 0
        text = ""
        stateful: _Scan | None = None
        feed_line = sink.feed
        feed_lines = getattr(sink, "feed_lines", None)
        while pos < end:
            if sink.skipping is not None:
                stop = candidates.first(pos)
                if stop > pos:
                    count = data.count(b"\n", pos, stop)
                    no += count
                    sink.skip(count)
                    pos = stop
                    if pos >= end:
                        break
            if plain and feed_lines is not None and sink.reading:
                if stateful is None:
                    stateful = _Scan(text, end, _STATEFUL_ANYWHERE, _STATEFUL_STARTS)
                stop = stateful.first(pos)
                if stop > pos:
                    block = text[pos:stop].split("\n")
                    block.pop()  # the block ends with a newline: nothing after it
                    feed_lines(no + 1, block)
                    no += len(block)
                    pos = stop
                    continue
            nl = data.index(b"\n", pos)
            no += 1
            if plain is None:
                fed += 1
                # a chunk of a read section, not a header or two among skipped ones (or a
                # small file, whose scan costs nothing)
                if fed > 32 or end <= _SMALL:
                    plain = _plain(data, candidates.is_risky)
                    if plain:
                        text = data.decode("ascii")
            if plain:
                feed_line(no, text[pos:nl].rstrip())
            else:
                _feed_raw(sink, no, _decode(data[pos:nl], stats))
            pos = nl + 1
        carry = data[end:]
    if carry:
        no += 1
        _feed_raw(sink, no, _decode(carry, stats))
    _done(no, path, stats)


def _feed_raw(sink, no: int, raw: str) -> None:
    """Give a line clean-up may change to the sink; a line that held only a pager prompt
    (' --More--', with the escapes and overwrites a terminal adds) is told to its ``pager``
    too: the output was paged there, and quit there when nothing of it follows."""
    clean = clean_line(raw)
    if not clean and "ore" in raw and re.search(_PAGER_WORD, raw) is not None:
        told = getattr(sink, "pager", None)
        if told is not None:
            told(no)
    sink.feed(no, clean)


def _iter_sep(chunks: Iterator[bytes], sep: bytes, stats: ReadStats) -> Iterator[tuple[int, str]]:
    no = 0
    carry = b""
    after_cr = False
    for chunk in chunks:
        if sep == b"\r":
            # a file whose first lines end in bare carriage returns may end later ones in
            # \n or \r\n (a paste appended to a session log): every one ends a line, as in
            # an editor; a line never holds a newline
            if after_cr and chunk[:1] == b"\n":
                chunk = chunk[1:]  # the \n of a \r\n cut between two chunks
            after_cr = chunk[-1:] == b"\r"
            chunk = chunk.replace(b"\r\n", b"\r").replace(b"\n", b"\r")
        parts = (carry + chunk if carry else chunk).split(sep)
        carry = parts.pop()
        for raw in parts:
            no += 1
            yield no, clean_line(_decode(raw, stats))
    if carry:
        no += 1
        yield no, clean_line(_decode(carry, stats))


def _iter_wide(chunks: Iterator[bytes], encoding: str, path: str, stats: ReadStats) -> Iterator[tuple[int, str]]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    limit = limits.MAX_LINE_BYTES  # characters here: a longer line is cut, as _bounded cuts bytes
    no = 0
    carry = ""
    carry_cr = False
    dropping = False  # the line in ``carry`` was cut: its rest is skipped up to its end
    sep: str | None = None
    for chunk in chunks:
        new = decoder.decode(chunk)
        if dropping:
            ends = [i for i in (new.find("\n"), new.find("\r") if sep == "\r" else -1) if i >= 0]
            if not ends:
                continue
            new, dropping, carry_cr = new[min(ends):], False, False
        text = carry + new
        if sep is None:  # as for UTF-8: bare carriage returns end lines only when there is no \n
            sep = "\r" if "\n" not in text and "\r" in text else "\n"
        if sep == "\r":  # as _iter_sep: later \n and \r\n end lines too
            if text[:1] == "\n" and carry_cr:
                text = text[1:]
            if text:
                carry_cr = text[-1:] == "\r"
            text = text.replace("\r\n", "\r").replace("\n", "\r")
        parts = text.split(sep)
        carry = parts.pop()
        if len(carry) > limit:
            carry, dropping = carry[:limit], True
        for part in parts:
            no += 1
            yield no, clean_line(part)
    if not dropping:
        carry += decoder.decode(b"", final=True)
    if carry:
        no += 1
        yield no, clean_line(carry)
    stats.lines = no


GZIP_MAGIC = b"\x1f\x8b"


def open_binary(path: str) -> BinaryIO:
    """Open ``path`` (or ``-`` for stdin) for binary reading, gunzipping by content."""
    if path == "-":
        if sys.stdin is None:
            raise InputError(path, "standard input is closed")
        raw: BinaryIO = sys.stdin.buffer
    else:
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed by the caller
        except IsADirectoryError:
            raise InputError(path, "is a directory") from None
        except FileNotFoundError:
            if os.path.islink(path):
                raise InputError(path, "broken symbolic link") from None
            raise InputError(path, "no such file") from None
        except PermissionError:
            raise InputError(path, "permission denied") from None
        except OSError as exc:
            raise InputError(path, f"cannot open: {exc.strerror or exc}") from None
    buffered = raw if hasattr(raw, "peek") else io.BufferedReader(raw)  # type: ignore[arg-type]
    try:
        head = buffered.peek(2)[:2]  # type: ignore[union-attr]
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if head == GZIP_MAGIC:
        import gzip  # only for gzipped input

        return gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[return-value]
    return buffered  # type: ignore[return-value]


def read_lines(path: str, stats: ReadStats | None = None, decorated: bool = False) -> Iterator[tuple[int, str]]:
    """Open and stream the lines of ``path`` (see ``iter_lines``); the file is closed when
    iteration ends."""
    stream = open_binary(path)
    try:
        yield from iter_lines(stream, path, stats, decorated)
    finally:
        if path != "-":
            stream.close()


def _told(chunks: Iterator[bytes], stream: BinaryIO, tell: Callable[[int], None]) -> Iterator[bytes]:
    """``chunks``, telling ``tell`` how far into the file on disk each one ends."""
    raw = getattr(stream, "fileobj", None) or stream  # a gzip stream: its compressed file
    for chunk in chunks:
        yield chunk
        try:
            tell(raw.tell())
        except (OSError, ValueError, AttributeError):
            pass  # a pipe has no position: nothing to tell


def read_into(path: str, sink, stats: ReadStats | None = None) -> None:
    """Open ``path`` (``-`` for stdin, gzip by content) and ``feed`` its lines to ``sink``."""
    stream = open_binary(path)
    try:
        feed(stream, path, sink, stats)
    finally:
        if path != "-":
            stream.close()


def lines_from_text(text: str) -> list[tuple[int, str]]:
    """Numbered clean lines of an in-memory string (tests, examples)."""
    stats = ReadStats()
    return list(iter_lines(io.BytesIO(text.encode("utf-8")), "<text>", stats))
