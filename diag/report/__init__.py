"""Reporters: a report in, text out, written piece by piece (a fleet's report is never
held whole in memory). One module per format, each with ``chunks(report, **kw)``."""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING, Iterable, Iterator

if TYPE_CHECKING:
    from diag.model import Report

# format -> its module here, imported only when used (the CLI reads FORMATS for its -f
# choices: importing this stays cheap)
FORMATS = {"text": "text", "json": "jsonfmt", "sarif": "sarif", "github": "github", "markdown": "markdown", "html": "html"}


def stream(report: Report, fmt: str, **kw) -> Iterator[str]:
    """The report in ``fmt``, in pieces to write one after the other."""
    return importlib.import_module(f"diag.report.{FORMATS[fmt]}").chunks(report, **kw)


def render(report: Report, fmt: str, **kw) -> str:
    """The whole report in ``fmt`` as one string."""
    return "".join(stream(report, fmt, **kw))


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if word == "info" or n == 1 else f"{n} {word}s"


def tally(report: Report) -> str:
    """``2 errors, 1 warning, 0 info``: a report's findings by severity."""
    return ", ".join(plural(n, severity) for severity, n in report.summary().items())


def backticks(text: str) -> int:
    """The longest run of backticks in ``text``: a code span or fence around it must be longer."""
    return max((len(m) for m in re.findall(r"`+", text)), default=0)


def lines(out: list[str]) -> str:
    """Lines gathered so far, each ended, for a reporter to yield (and then clear)."""
    text = "\n".join(out) + "\n" if out else ""
    out.clear()
    return text


class Items:
    """A list that ``json_chunks`` writes item by item, from any iterable."""

    def __init__(self, items: Iterable) -> None:
        self.items = items


def _streamed(value) -> bool:
    if isinstance(value, Items):
        return True
    if isinstance(value, dict):
        return any(_streamed(v) for v in value.values())
    return False


def json_chunks(value, pretty: bool, level: int = 0) -> Iterator[str]:
    """``json.dumps(value)`` (indented by 2 when ``pretty``, else compact), in pieces: each
    ``Items`` value is written as a list, one item at a time."""
    import json  # only for the JSON formats: a small paste's text report does not pay for it

    if not _streamed(value):
        if pretty:
            text = json.dumps(value, indent=2, ensure_ascii=False)
            yield text.replace("\n", "\n" + "  " * level) if level else text
        else:
            yield json.dumps(value, ensure_ascii=False, separators=(",", ":"), check_circular=False)
        return
    inner = "\n" + "  " * (level + 1)
    if isinstance(value, Items):
        opened = False
        for item in value.items:
            yield ("," if opened else "[") + (inner if pretty else "")
            opened = True
            yield from json_chunks(item, pretty, level + 1)
        yield (("\n" + "  " * level if pretty else "") + "]") if opened else "[]"
        return
    first = True
    for key, item in value.items():
        yield ("{" if first else ",") + (inner if pretty else "") + json.dumps(key, ensure_ascii=False) + (
            ": " if pretty else ":")
        first = False
        yield from json_chunks(item, pretty, level + 1)
    yield ("\n" + "  " * level if pretty else "") + "}"
