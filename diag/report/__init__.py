"""Reporters: a report in, text out. One module per format."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # the CLI reads FORMATS for its -f choices: importing this stays cheap
    from diag.model import Report


def _text(report: Report, **kw) -> str:
    from diag.report.text import render

    return render(report, **kw)


def _json(report: Report, **kw) -> str:
    from diag.report.jsonfmt import render

    return render(report, **kw)


def _sarif(report: Report, **kw) -> str:
    from diag.report.sarif import render

    return render(report, **kw)


def _github(report: Report, **kw) -> str:
    from diag.report.github import render

    return render(report, **kw)


def _markdown(report: Report, **kw) -> str:
    from diag.report.markdown import render

    return render(report, **kw)


FORMATS: dict[str, Callable[..., str]] = {
    "text": _text, "json": _json, "sarif": _sarif, "github": _github, "markdown": _markdown,
}


def render(report: Report, fmt: str, **kw) -> str:
    return FORMATS[fmt](report, **kw)
