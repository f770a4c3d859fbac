"""Shared fixtures. Tests are discovered from files: adding a fixture adds a test."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import json
import os
import shutil
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
# Where the environment says not to write bytecode beside the sources (PYTHONDONTWRITEBYTECODE),
# each of the tests' `python -m diag` processes would compile diag anew (a tenth of a second
# each, some hundreds of times): they keep their bytecode in a temporary folder instead.
if os.environ.get("PYTHONDONTWRITEBYTECODE") and not os.environ.get("PYTHONPYCACHEPREFIX"):
    _PYCACHE = tempfile.mkdtemp(prefix="diag-test-pycache-")
    atexit.register(shutil.rmtree, _PYCACHE, ignore_errors=True)
    os.environ["PYTHONPYCACHEPREFIX"] = _PYCACHE
    del os.environ["PYTHONDONTWRITEBYTECODE"]
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


# -- every JSON report a test produces follows the published schema (diag/schema/report.schema.json)

@functools.lru_cache(maxsize=1)
def _report_validator():
    import jsonschema

    from diag.report.jsonfmt import schema

    return jsonschema.Draft202012Validator(schema())


def validate_report(report) -> dict:
    """``report`` (the JSON text of a report, or its data) checked against the report schema;
    the data back. A test fails with the first problems, each with where it is."""
    data = json.loads(report) if isinstance(report, str) else report
    errors = sorted(_report_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        pytest.fail("the JSON report does not follow diag/schema/report.schema.json:\n" + "\n".join(
            f"  at {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}" for e in errors[:10]))
    return data


@pytest.fixture(autouse=True)
def _json_reports_follow_the_schema(monkeypatch):
    """Every JSON report rendered in a test's process (render, stream, the CLI through
    CliRunner) is validated against the report schema as it is written."""
    from diag.report import jsonfmt

    original = jsonfmt.chunks

    def checked(report, **kw):
        pieces = list(original(report, **kw))
        validate_report("".join(pieces))
        yield from pieces

    monkeypatch.setattr(jsonfmt, "chunks", checked)


# -- the order of the run

# Modules whose module fixture is slow to set up (the pre-commit hook's environment, a
# chromium) run first, each in one block. Under pytest-xdist's load distribution a worker's
# first share of tests is hundreds long, so each of these modules then runs in one worker and
# sets its fixture up once, and the longest waits start early instead of closing the run.
FIRST = ("test_precommit.py", "test_html_browser.py")


def pytest_collection_modifyitems(items):
    order = {name: n for n, name in enumerate(FIRST)}
    items.sort(key=lambda item: order.get(item.path.name, len(FIRST)))  # stable: the rest keep their order
