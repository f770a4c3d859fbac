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
