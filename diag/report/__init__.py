"""Reporters: a report in, text out. One module per format."""

from __future__ import annotations

from typing import Callable

from diag.api import Report


def _text(report: Report, **kw) -> str:
    from diag.report.text import render

    return render(report, **kw)


def _json(report: Report, **kw) -> str:
    from diag.report.jsonfmt import render

    return render(report, **kw)


FORMATS: dict[str, Callable[..., str]] = {"text": _text, "json": _json}


def render(report: Report, fmt: str, **kw) -> str:
    return FORMATS[fmt](report, **kw)
