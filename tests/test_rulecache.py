"""The compiled-rule cache: a hit gives the same rules, anything odd is a miss, never an error."""

from __future__ import annotations

import pickle
from pathlib import Path

from conftest import ROOT, SYSTEM_NOW
from diag import rulecache
from diag.api import Options, analyze
from diag.rulebook import load_rules

HIT = ROOT / "tests" / "data" / "plain_http_session.txt"


def findings(book):
    report = analyze([str(HIT)], Options(system_now=SYSTEM_NOW), rules=book)
    return [(f.rule_id, f.line, f.message) for f in report.findings]


def test_cache_hit_gives_the_same_rules(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DIAG_CACHE_DIR", str(tmp_path))
    cold = load_rules()
    assert len(list(tmp_path.glob("rules-*.pickle"))) == 1
    warm = load_rules()
    assert [r.id for r in warm.rules] == [r.id for r in cold.rules]
    assert [d.id for d in warm.derivations] == [d.id for d in cold.derivations]
    assert findings(warm) == findings(cold)


def test_a_changed_rule_file_changes_the_key(tmp_path: Path):
    rule = tmp_path / "r.yaml"
    rule.write_text("a: 1\n")
    first = rulecache.key([rule])
    rule.write_text("a: 2\n")
    assert rulecache.key([rule]) != first


def test_corrupt_or_stale_cache_is_a_miss(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DIAG_CACHE_DIR", str(tmp_path))
    load_rules()
    cached = next(tmp_path.glob("rules-*.pickle"))
    cached.write_bytes(b"not a pickle")
    assert findings(load_rules())  # rebuilt, not crashed
    book, catalogue = pickle.loads(next(tmp_path.glob("rules-*.pickle")).read_bytes())
    assert book.rules


def test_no_cache_and_unwritable_cache(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DIAG_NO_CACHE", "1")
    monkeypatch.setenv("DIAG_CACHE_DIR", str(tmp_path))
    assert load_rules().rules and not list(tmp_path.iterdir())
    monkeypatch.delenv("DIAG_NO_CACHE")
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("DIAG_CACHE_DIR", str(blocked))
    assert load_rules().rules


def test_old_cache_files_are_pruned(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DIAG_CACHE_DIR", str(tmp_path))
    for i in range(rulecache.KEEP + 5):
        rulecache.write(f"k{i}", {"n": i})
    assert len(list(tmp_path.glob("rules-*.pickle"))) == rulecache.KEEP
