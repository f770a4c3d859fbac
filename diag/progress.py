"""A progress line on stderr for long runs, shown only on a terminal.

``Progress`` stays silent for the first half second (a small paste never shows it),
then redraws one line at most ten times a second, carriage return first, and wipes it
when the run ends, so that the report and the error lines after it start on a clean
line. It never writes when stderr is not a terminal (a pipe, a file, CI logs), when
``TERM`` is ``dumb``, or when ``DIAG_NO_PROGRESS`` is set.
"""

from __future__ import annotations

import os
import time
from typing import Callable, TextIO

DELAY = 0.5  # seconds before the line first appears
INTERVAL = 0.1  # seconds between redraws
WIDTH = 24  # characters of the bar


def wanted(stream: TextIO | None) -> bool:
    """Whether a progress line belongs on ``stream``: an interactive terminal."""
    if stream is None or os.environ.get("DIAG_NO_PROGRESS") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"  # pragma: no cover - the loop always returns


class Progress:
    """``stage(label, total, unit)`` then ``update(done)``; ``close()`` wipes the line."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.start = clock()
        self.last = float("-inf")
        self.label = ""
        self.total = 0
        self.unit = ""
        self.shown = 0  # width of the line on screen, 0 when nothing is shown

    def stage(self, label: str, total: int, unit: str) -> None:
        self.label, self.total, self.unit = label, max(total, 0), unit
        self.last = float("-inf")

    def update(self, done: int, note: str = "") -> None:
        now = self.clock()
        if now - self.start < DELAY or now - self.last < INTERVAL:
            return
        self.last = now
        line = self._line(done)
        self._draw(f"{line}, {note}" if note else line)

    def _line(self, done: int) -> str:
        total = self.total
        done = min(max(done, 0), total) if total else max(done, 0)
        if self.unit == "bytes":
            count = f"{_size(done)} / {_size(total)}" if total else _size(done)
        else:
            count = f"{done}/{total} {self.unit}" if total else f"{done} {self.unit}"
        if not total:
            return f"diag: {self.label} {count}"
        filled = done * WIDTH // total
        bar = "#" * filled + "." * (WIDTH - filled)
        return f"diag: {self.label} [{bar}] {done * 100 // total:3d}% {count}"

    def _draw(self, line: str) -> None:
        pad = " " * max(0, self.shown - len(line))
        try:
            self.stream.write("\r" + line + pad)
            self.stream.flush()
        except (OSError, ValueError, AttributeError):
            self.shown = 0
            return
        self.shown = len(line)

    def close(self) -> None:
        if self.shown:
            try:
                self.stream.write("\r" + " " * self.shown + "\r")
                self.stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
            self.shown = 0


