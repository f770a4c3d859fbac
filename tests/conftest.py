"""Shared fixtures. Tests are discovered from files: adding a fixture adds a test."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "public"
RULES = ROOT / "rules"
SAMPLES = ROOT / "samples"
PARSER_CASES = ROOT / "tests" / "parsers"
UPDATE = os.environ.get("DIAG_UPDATE_GOLDENS") == "1"
# The tests keep their own rule cache, away from the user's.
os.environ.setdefault("DIAG_CACHE_DIR", tempfile.mkdtemp(prefix="diag-test-cache-"))
# "Today" for tests: far from every date in the fixtures, so a test that forgot to
# take the capture's own clock fails loudly instead of passing by luck.
SYSTEM_NOW = dt.datetime(2031, 1, 15, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="session")
def rulebook():
    from diag.rulebook import load_rules

    return load_rules()


def corpus_files(pattern: str) -> list[Path]:
    return sorted(CORPUS.glob(pattern)) if CORPUS.is_dir() else []


# -- hard wraps, as a terminal and a mail client make them (test_layout, test_reshaped_captures)

def terminal(lines: list[str], width: int = 80) -> tuple[list[str], dict[int, int]]:
    out: list[str] = []
    mapping: dict[int, int] = {}
    for no, text in enumerate(lines, 1):
        while len(text) > width:
            out.append(text[:width])
            mapping[len(out)] = no
            text = text[width:]
        out.append(text)
        mapping[len(out)] = no
    mapping[len(out) + 1] = len(lines) + 1
    return out, mapping


def mail(lines: list[str], limit: int = 76, which=None) -> tuple[list[str], dict[int, int]]:
    """Lines longer than 80 broken at the last space before ``limit`` (those ``which``
    accepts), the rest starting a new line, as a mail client sends them."""
    out: list[str] = []
    mapping: dict[int, int] = {}
    for no, text in enumerate(lines, 1):
        while len(text) > 80 and (which is None or which(no)):
            at = text.rfind(" ", 0, limit)
            if at <= 0 or not text[:at].strip():
                break
            out.append(text[:at])
            mapping[len(out)] = no
            text = text[at + 1:]
        out.append(text)
        mapping[len(out)] = no
    mapping[len(out) + 1] = len(lines) + 1
    return out, mapping
