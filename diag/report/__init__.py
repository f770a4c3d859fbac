"""Reporters: a report in, text out, written piece by piece (a fleet's report is never
held whole in memory). One module per format, each with ``chunks(report, **kw)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Iterator

if TYPE_CHECKING:  # the CLI reads FORMATS for its -f choices: importing this stays cheap
    from diag.model import Report


def _text(report: Report, **kw) -> Iterator[str]:
    from diag.report.text import chunks

    return chunks(report, **kw)


def _json(report: Report, **kw) -> Iterator[str]:
    from diag.report.jsonfmt import chunks

    return chunks(report, **kw)


def _sarif(report: Report, **kw) -> Iterator[str]:
    from diag.report.sarif import chunks

    return chunks(report, **kw)


def _github(report: Report, **kw) -> Iterator[str]:
    from diag.report.github import chunks

    return chunks(report, **kw)


def _markdown(report: Report, **kw) -> Iterator[str]:
    from diag.report.markdown import chunks

    return chunks(report, **kw)


FORMATS: dict[str, Callable[..., Iterator[str]]] = {
    "text": _text, "json": _json, "sarif": _sarif, "github": _github, "markdown": _markdown,
}


def stream(report: Report, fmt: str, **kw) -> Iterator[str]:
    """The report in ``fmt``, in pieces to write one after the other."""
    return FORMATS[fmt](report, **kw)


def render(report: Report, fmt: str, **kw) -> str:
    """The whole report in ``fmt`` as one string."""
    return "".join(stream(report, fmt, **kw))


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
