"""The rule cache: the YAML data of the built-in rule files, as JSON, in a folder of the user's own.

A hit gives the same rules as the YAML; a changed file is read again; anything odd (a corrupt
file, a folder or file someone else could have written, a link) is not used, never an error.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, RULES, SYSTEM_NOW
from diag import rulebook, rulecache
from diag.api import Options, analyze
from diag.rulebook import load_rules

HIT = ROOT / "tests" / "data" / "plain_http_session.txt"
ROOT_ONLY = pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to chown")


def findings(book):
    report = analyze([str(HIT)], Options(system_now=SYSTEM_NOW), rules=book)
    return [(f.rule_id, f.severity, f.line, f.message, f.fix) for f in report.findings]


@pytest.fixture
def rules_copy(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the built-in rules in their place, and an empty cache folder of our own."""
    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy)
    monkeypatch.setattr(rulebook, "RULES_DIR", copy)
    monkeypatch.setenv("DIAG_CACHE_DIR", str(tmp_path / "cache"))
    return copy


def kept(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob("rules-*.json"))


def test_a_hit_gives_the_same_rules_as_the_yaml(tmp_path: Path, rules_copy: Path, monkeypatch):
    cold = load_rules()
    [cache] = kept(tmp_path)
    assert oct(cache.stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / "cache").stat().st_mode & 0o777) == "0o700"
    files = json.loads(cache.read_text(encoding="utf-8"))["files"]
    assert len(files) == len(list(rules_copy.glob("*/*.yaml"))) and "classic/evaluation-mode.yaml" in files

    def no_yaml(*args, **kwargs):
        raise AssertionError("a rule file was parsed on a cache hit")

    monkeypatch.setattr(rulebook, "read_file", no_yaml)
    warm = load_rules()
    assert [r.id for r in warm.rules] == [r.id for r in cold.rules]
    assert [d.id for d in warm.derivations] == [d.id for d in cold.derivations]
    assert findings(warm) == findings(cold)


def test_a_changed_rule_file_is_read_again(tmp_path: Path, rules_copy: Path):
    load_rules()
    rule = rules_copy / "known-issues" / "callhome-url-plain-http.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("severity: error", "severity: info"), encoding="utf-8")
    book = load_rules()
    assert book.by_id["callhome-url-plain-http"].severity == "info"
    files = json.loads(kept(tmp_path)[0].read_text(encoding="utf-8"))["files"]
    assert files["known-issues/callhome-url-plain-http.yaml"][1]["severity"] == "info"
    # a key given twice is an error on every run, cache or not
    rule.write_text(rule.read_text(encoding="utf-8").replace("severity: info", "severity: info\nseverity: error"),
                    encoding="utf-8")
    for _ in range(2):
        with pytest.raises(rulebook.RuleError, match="duplicate key 'severity'"):
            load_rules()


def test_a_corrupt_or_foreign_cache_file_is_a_miss(tmp_path: Path, rules_copy: Path):
    load_rules()
    [cache] = kept(tmp_path)
    for content in (b"not json", b"[1, 2]", b'{"diag": "0.0.1", "files": {}}', b"{" * 100_000,
                    json.dumps({"diag": rulecache.__version__, "files": {"classic/evaluation-mode.yaml": 7}}).encode()):
        cache.write_bytes(content)
        assert findings(load_rules())  # read from the YAML, not crashed
        assert json.loads(cache.read_text(encoding="utf-8"))["files"]  # and written anew


def planted(tmp_path: Path) -> Path:
    """The cache file of the rules copy, holding a rule whose severity is not the file's."""
    [cache] = kept(tmp_path)
    value = json.loads(cache.read_text(encoding="utf-8"))
    value["files"]["known-issues/callhome-url-plain-http.yaml"][1]["severity"] = "info"
    cache.write_text(json.dumps(value), encoding="utf-8")
    assert load_rules().by_id["callhome-url-plain-http"].severity == "info"  # what a trusted cache gives
    return cache


def test_a_cache_folder_others_may_write_is_not_used(tmp_path: Path, rules_copy: Path):
    load_rules()
    cache = planted(tmp_path)
    os.chmod(cache.parent, 0o777)
    assert load_rules().by_id["callhome-url-plain-http"].severity == "error"
    os.chmod(cache.parent, 0o770)
    assert load_rules().by_id["callhome-url-plain-http"].severity == "error"
    cache.unlink()
    load_rules()
    assert not kept(tmp_path)  # nor written


def test_a_cache_file_others_may_write_or_a_link_is_not_used(tmp_path: Path, rules_copy: Path):
    load_rules()
    cache = planted(tmp_path)
    os.chmod(cache, 0o666)
    assert load_rules().by_id["callhome-url-plain-http"].severity == "error"
    elsewhere = tmp_path / "elsewhere.json"
    cache.replace(elsewhere)
    os.chmod(elsewhere, 0o600)
    cache.symlink_to(elsewhere)
    assert load_rules().by_id["callhome-url-plain-http"].severity == "error"


@ROOT_ONLY
def test_a_cache_folder_or_file_of_another_user_is_not_used(tmp_path: Path, rules_copy: Path):
    load_rules()
    cache = planted(tmp_path)
    os.chown(cache, 65534, -1)
    assert load_rules().by_id["callhome-url-plain-http"].severity == "error"
    cache = planted(tmp_path)  # written anew: ours again
    os.chown(cache.parent, 65534, -1)
    assert load_rules().by_id["callhome-url-plain-http"].severity == "error"


def test_no_cache_and_an_unwritable_cache(tmp_path: Path, rules_copy: Path, monkeypatch):
    monkeypatch.setenv("DIAG_NO_CACHE", "1")
    assert load_rules().rules and not (tmp_path / "cache").exists()
    monkeypatch.delenv("DIAG_NO_CACHE")
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("DIAG_CACHE_DIR", str(blocked))
    assert load_rules().rules


def test_only_data_json_gives_back_exactly_is_kept(tmp_path: Path, monkeypatch):
    import datetime as dt

    monkeypatch.setenv("DIAG_CACHE_DIR", str(tmp_path))
    for data in ({1: "a key that is not text"}, {"when": dt.date(2024, 1, 1)}, {"x": float("nan")}):
        rulecache.write(RULES, {"r.yaml": ["text", data]})
        assert not list(tmp_path.glob("rules-*.json")), data
    rulecache.write(RULES, {"r.yaml": ["text", {"a": [1, 2.5, True, None, "é"]}]})
    assert rulecache.read(RULES) == {"r.yaml": ["text", {"a": [1, 2.5, True, None, "é"]}]}


def test_every_built_in_rule_file_is_kept_exactly(tmp_path: Path, monkeypatch):
    """The data of the shipped rules survives JSON as it is, so every one of them is cached."""
    monkeypatch.setenv("DIAG_CACHE_DIR", str(tmp_path))
    files = {p.relative_to(RULES).as_posix(): [p.read_text(encoding="utf-8"), rulebook.read_file(p)]
             for p in sorted(RULES.glob("*/*.yaml"))}
    rulecache.write(RULES, files)
    assert rulecache.read(RULES) == files


def test_old_cache_files_are_pruned(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DIAG_CACHE_DIR", str(tmp_path))
    for i in range(rulecache.KEEP + 5):
        rulecache.write(tmp_path / f"rules-{i}", {"n.yaml": ["", {"n": i}]})
    assert len(list(tmp_path.glob("rules-*.json"))) == rulecache.KEEP
