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
import gzip
import io
import os
import re
import sys
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator

from diag.errors import InputError

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
# Anything that needs more than rstrip: control characters, escapes, pager.
_DIRTY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]|-+ ?More ?-+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_PAGER = re.compile(r"^\s*-+ ?More ?-+\s?")


@dataclass
class ReadStats:
    """What happened while reading one input (reported, never silent)."""

    lines: int = 0
    fallback_lines: int = 0  # lines that were not valid UTF-8
    encoding: str = "utf-8"
    truncated: str | None = None  # set when a compressed stream ended early
    notes: list[str] = field(default_factory=list)


def clean_line(text: str) -> str:
    """Remove what a terminal would not have shown: escapes, backspaces, pager."""
    if _DIRTY.search(text) is None:
        return text.rstrip()
    if "\x1b" in text or "\x9b" in text:
        text = _ANSI.sub("", text)
    if "\b" in text:
        out: list[str] = []
        for ch in text:
            if ch == "\b":
                if out:
                    out.pop()
            else:
                out.append(ch)
        text = "".join(out)
    if "\r" in text:
        text = _overwrite(text)
    text = _CONTROL.sub("", text)
    if "More" in text:
        text = _PAGER.sub("", text)
    return text.rstrip()


def _overwrite(text: str) -> str:
    """Replay carriage returns: each segment overwrites the line from column 0."""
    text = text.rstrip("\r")
    parts = text.split("\r")
    buf = list(parts[0])
    for seg in parts[1:]:
        for i, ch in enumerate(seg):
            if i < len(buf):
                buf[i] = ch
            else:
                buf.append(ch)
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


def looks_binary(sample: bytes) -> bool:
    """True for content that is not text in any encoding diag reads."""
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    bad = sum(1 for b in sample[:4096] if b < 9 or 13 < b < 27 or 27 < b < 32)
    return bad / min(len(sample), 4096) > 0.10


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


def _chunks(stream: BinaryIO, first: bytes, path: str, stats: ReadStats) -> Iterator[bytes]:
    if first:
        yield first
    while True:
        try:
            data = stream.read(CHUNK)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            stats.truncated = f"compressed stream is damaged or truncated ({exc})"
            return
        except OSError as exc:
            stats.truncated = f"read error: {exc.strerror or exc}"
            return
        if not data:
            return
        yield data


def iter_lines(stream: BinaryIO, path: str, stats: ReadStats | None = None) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, clean_text)`` for every line of ``stream``.

    Raises ``InputError`` before the first line when the input is empty or binary.
    """
    stats = stats if stats is not None else ReadStats()
    try:
        first = stream.read(SNIFF)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise InputError(path, f"not a readable gzip file ({exc})") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if not first:
        raise InputError(path, "empty input: nothing to analyse")

    encoding = None
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if first.startswith(bom):
            encoding = enc
            break
    if encoding is None:
        encoding = _utf16_guess(first)
    if encoding in ("utf-8-sig",):
        first = first[len(codecs.BOM_UTF8):]
        encoding = None
    if encoding is None and looks_binary(first):
        raise InputError(path, "looks like a binary file, not a text capture")

    chunks = _chunks(stream, first, path, stats)
    if encoding is not None:
        stats.encoding = encoding
        yield from _iter_wide(chunks, encoding, path, stats)
        return

    cr_only = b"\n" not in first and b"\r" in first
    sep = b"\r" if cr_only else b"\n"
    no = 0
    carry = b""
    for chunk in chunks:
        if carry:
            chunk = carry + chunk
        parts = chunk.split(sep)
        carry = parts.pop()
        for raw in parts:
            no += 1
            yield no, clean_line(_decode(raw, stats))
    if carry:
        no += 1
        yield no, clean_line(_decode(carry, stats))
    stats.lines = no
    if stats.fallback_lines:
        stats.encoding = "utf-8 with cp1252/latin-1 fallback"


def _iter_wide(chunks: Iterator[bytes], encoding: str, path: str, stats: ReadStats) -> Iterator[tuple[int, str]]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    no = 0
    carry = ""
    for chunk in chunks:
        text = carry + decoder.decode(chunk)
        parts = text.split("\n")
        carry = parts.pop()
        for part in parts:
            no += 1
            yield no, clean_line(part)
    carry += decoder.decode(b"", final=True)
    if carry:
        no += 1
        yield no, clean_line(carry)
    stats.lines = no


GZIP_MAGIC = b"\x1f\x8b"


def open_binary(path: str) -> BinaryIO:
    """Open ``path`` (or ``-`` for stdin) for binary reading, gunzipping by content."""
    if path == "-":
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
        return gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[return-value]
    return buffered  # type: ignore[return-value]


def read_lines(path: str, stats: ReadStats | None = None) -> Iterator[tuple[int, str]]:
    """Open and stream the lines of ``path``; the file is closed when iteration ends."""
    stream = open_binary(path)
    try:
        yield from iter_lines(stream, path, stats)
    finally:
        if path != "-":
            stream.close()


def lines_from_text(text: str) -> list[tuple[int, str]]:
    """Numbered clean lines of an in-memory string (tests, examples)."""
    stats = ReadStats()
    return list(iter_lines(io.BytesIO(text.encode("utf-8")), "<text>", stats))
