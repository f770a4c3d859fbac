"""Rule loading, fuzzed: every broken rule file is refused at load with file, field and reason.

The real rule files of ``rules/`` are mutated (required keys deleted, types changed,
unknown operators, fact kinds and fields, invalid and catastrophic regular expressions,
bad placeholders, wrong file names, files that are not rules at all, YAML bombs and deep
nesting, duplicate ids across folders) and each mutant must raise ``RuleError`` naming the
file, never another exception; through the CLI it is exit code 2 with the file name on one
stderr line.

Regular expressions: a site rule's are checked at load for the classic shapes of
catastrophic backtracking (a quantified group inside a quantifier, a repeated group of
identical alternatives) and for their length; every shipped regular expression passes that
check and is run on adversarial values of MAX_MATCH_LEN characters (long runs of what it
quantifies) to show it completes; the value a rule's regex sees is cut to MAX_MATCH_LEN.
No test measures time.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, RULES, SAMPLES
from diag import conditions
from diag.conditions import MAX_MATCH_LEN, CompileError, LazyRegex, check_regex
from diag.errors import RuleError
from diag.facts import CATALOGUE
from diag.rulebook import load_file, load_rules

# libyaml's safe loader and dumper where PyYAML has them (as diag's own rule loading does): the
# same data as the pure-Python ones, in a fraction of the time, for the thousands of mutants.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
FILES = sorted(RULES.rglob("*.yaml"))


@functools.lru_cache(maxsize=None)
def _parsed(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)  # noqa: S506 - a safe loader


DERIVED = [p for p in FILES if "derives" in _parsed(p)]
SCHEMAS = {name: json.loads((ROOT / "diag" / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
           for name in ("rule", "derivation")}

# the shapes the load-time check refuses in a site rule
CATASTROPHIC = [
    r"(a+)+$", r"^(a+)+$", r"(a{1,3})+", r"(\w*)*x", r"((a*)*)*", r"(a+)+?", r"(?:a+)+b", r"(\d+|\d+\.\d+)*$",
    r"^(\s*,\s*)*$", r"(x+x+)+y", r"(.*){1,32000}[bc]", r"(?:a{1,2}){4294967294}", r"(\w+)*x",
    r"(a|a)*", r"(?:ab|ab)+c", r"(\d|\d){2,}",
]
SAFE = [
    r"^http://", r"(?:\d{1,3}\.){3}\d{1,3}", r"(?:ab?)*", r"\w*\b.*\bz", r"(?>a+)b",
    r"x.{0,80}?y.{0,80}z", r"(?:[a-z]+-)*[a-z]+", r"^\S+\s+\S+$", r"(?:a|b)*", r"(a|ab)*c", r"(?:x|xy|xz)+",
    "a?" * 10 + "a" * 10, r"[0-9]{1,5}[0-9]{1,5}[0-9]{1,5}", r".{0,80}x.{0,80}", r"\(a+\)+",
    r"(?i)\b(?:unable|failed|could not)\s(?:to\s)?(?:verify|validate)\b[^.;]{0,40}?\b(?:cert\w*|peer)\b",
]


@pytest.fixture(autouse=True)
def catalogue(rulebook):
    """Derivation files declare fact kinds: each test leaves the catalogue as it found it."""
    saved = dict(CATALOGUE)
    yield
    CATALOGUE.clear()
    CATALOGUE.update(saved)


def data_of(path: Path) -> dict:
    """The file's data, a copy of its own for the test to change (each file is parsed once)."""
    return copy.deepcopy(_parsed(path))


def dump(data) -> str:
    return yaml.dump(data, Dumper=DUMPER, sort_keys=False)


def refused(path: Path, field: str | None = None, *reasons: str) -> RuleError:
    with pytest.raises(RuleError) as err:
        load_file(path)
    msg = str(err.value)
    assert str(path) in msg, msg
    if field is not None:
        assert err.value.field == field, msg
    for reason in reasons:
        assert reason in msg, msg
    assert "\n" not in msg, msg
    return err.value


def write(folder: Path, name: str, data) -> Path:
    path = folder / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data if isinstance(data, str) else dump(data), encoding="utf-8")
    return path


def leaves(node, where=()):
    """Every (path, value) of a YAML tree, containers included."""
    yield where, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, where + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, where + (i,))


def predicates(data: dict):
    """The ``where`` mappings of a rule's condition, as (path, mapping)."""
    return [(p, v) for p, v in leaves(data.get("when")) if p and p[-1] == "where" and isinstance(v, dict) and v]


def facts(data: dict):
    return [(p, v) for p, v in leaves(data.get("when")) if isinstance(v, dict) and "fact" in v]


def dotted(path) -> str:
    out = "when"
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def get(node, path):
    for p in path:
        node = node[p]
    return node


# -- real rule files, mutated ----------------------------------------------------------------

@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_required_keys_deleted_are_refused(tmp_path, path):
    data = data_of(path)
    required = SCHEMAS["derivation" if path in DERIVED else "rule"]["required"]
    turn = FILES.index(path)
    for key in {required[(turn + i) % len(required)] for i in range(4)}:  # every key, across the files
        mutant = {k: v for k, v in data.items() if k != key}
        if key == "derives":  # without it the file is read as a rule, whose schema refuses it
            refused(write(tmp_path, path.name, mutant), "(top level)")
            continue
        refused(write(tmp_path, path.name, mutant), "(top level)", f"'{key}' is a required property")


WRONG = [7, "text", [], {}, None, True, [{"x": 1}], {"a": [1, 2]}]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_keys_of_a_wrong_type_are_refused(tmp_path, path):
    data = data_of(path)
    turn = FILES.index(path)
    for n, (key, value) in enumerate(data.items()):
        for bad in (WRONG[(turn + n) % len(WRONG)],):  # every wrong value, across the files
            if type(bad) is type(value) or (key == "id" and bad == "text"):
                continue
            target = write(tmp_path, path.name, {**data, key: bad})
            try:
                load_file(target)
            except RuleError as err:
                assert str(target) in str(err)
                continue
            # only a value the schema allows loads, e.g. modes: [] or references: []
            assert bad in ([], "text") and key not in ("when", "requires", "fields"), (key, bad)


def _mutants(data: dict, turn: int):
    """(label, mutant, expected field or None, reason) for one rule file; ``turn`` picks which
    of the invalid and catastrophic regular expressions this file gets (all are used across files)."""
    bad_regexes = [("(unclosed", "invalid regular expression"), ("a{2,1}", "invalid regular expression"),
                   ("(?<=a+)b", "invalid regular expression"), ("[z-a]", "invalid regular expression")]
    regexes = [bad_regexes[turn % len(bad_regexes)]] + [
        (CATASTROPHIC[(turn * 3 + i) % len(CATASTROPHIC)], "backtrack catastrophically") for i in range(3)]
    yield "unknown key", {**data, "colour": "red"}, "(top level)", "unknown key colour"
    for n, (path, where) in enumerate(predicates(data)[:3]):
        mutant = copy.deepcopy(data)
        field = next(iter(where))
        get(mutant["when"], path)[field] = {"looks_like": "x"}
        yield "unknown operator", mutant, dotted(path + (field,)), "unknown operator looks_like"
        mutant = copy.deepcopy(data)
        get(mutant["when"], path)["colour"] = {"equals": "red"}
        yield "unknown field", mutant, dotted(path + ("colour",)), "has no field 'colour'"
        for pattern, reason in regexes if n == 0 else []:
            mutant = copy.deepcopy(data)
            get(mutant["when"], path)[field] = {"matches": pattern}
            kind = get(data["when"], path[:-1])["fact"]
            ftype = CATALOGUE[kind].fields[field].type if kind in CATALOGUE and field in CATALOGUE[kind].fields \
                else None
            if ftype is not None:
                yield f"regex {pattern}", mutant, dotted(path + (field, "matches")), reason
    for path, node in facts(data)[:2]:
        mutant = copy.deepcopy(data)
        get(mutant["when"], path)["fact"] = "nothing.here"
        yield "unknown fact kind", mutant, dotted(path + ("fact",)), "unknown fact kind 'nothing.here'"
    if "message" in data:
        for text, reason in [("{nothing.here}", "does not bind"), ("{a b}", "bad placeholder"),
                             ("{device_name.x}", "has no fields"), ("{now|shout}", "unknown filter 'shout'")]:
            yield f"placeholder {text}", {**data, "message": data["message"] + " " + text}, "message", reason
        binding = next(iter(re.findall(r"\{([a-z_]+)\.[a-z_]+", data["message"])), None)
        if binding:
            fix = data["fix"] + f" {{{binding}.colour}}"
            yield "placeholder field", {**data, "fix": fix}, "fix", "no field 'colour'"
            yield "placeholder no field", {**data, "fix": data["fix"] + f" {{{binding}}}"}, "fix", "needs a field"
    yield "unknown scope", {**data, "requires": ["show interface brief"]}, "requires[0]", "unknown command scope"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_mutated_rules_are_refused_with_file_field_and_reason(tmp_path, path):
    data = data_of(path)
    count = 0
    for label, mutant, field, reason in _mutants(data, FILES.index(path)):
        target = write(tmp_path, path.name, mutant)
        err = refused(target, None, reason)
        if field is not None:
            assert err.field == field, (label, str(err))
        count += 1
    assert count >= 2


@pytest.mark.parametrize("path", FILES[:: max(1, len(FILES) // 8)], ids=lambda p: p.stem)
def test_wrong_file_name_is_refused(tmp_path, path):
    refused(write(tmp_path, "renamed-" + path.name, path.read_text(encoding="utf-8")), "id",
            "must equal the file name")


@pytest.mark.parametrize("content,reason", [
    ("- just\n- a list\n", "must hold a mapping"),
    ("just a string\n", "must hold a mapping"),
    ("42\n", "must hold a mapping"),
    ("", "must hold a mapping"),
    ("---\n...\n", "must hold a mapping"),
    ("id: [unclosed\n", "invalid YAML"),
    ("id: x\n\tbad: tab\n", "invalid YAML"),
    ("id: !!python/object/apply:os.system ['true']\n", "invalid YAML"),
    ("? [a, b]\n: x\n", "invalid YAML"),
    ("id: x\x00\n", "invalid YAML"),
    ("id: x\nseverity: " + "9" * 5000 + "\n", "invalid YAML"),
    ("id: " + "[" * 5000 + "]" * 5000 + "\n", "invalid YAML"),
    ("id: x\nwhen: " + "{not: " * 60 + "{fact: callhome.block}" + "}" * 60 + "\n", "nested more than"),
    ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)),
     "YAML aliases"),
    ("id: x\nreferences:\n  - &r0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"  - &r{i} [" + ", ".join([f"*r{i - 1}"] * 9) + "]\n" for i in range(1, 9)), "YAML aliases"),
], ids=["list", "string", "number", "empty", "empty-document", "unclosed", "tab", "python-tag", "unhashable-key",
        "nul", "huge-integer", "deep-flow", "deep-condition", "bomb", "bomb-in-references"])
def test_not_a_rule_at_all(tmp_path, content, reason):
    refused(write(tmp_path, "some-rule.yaml", content), None, reason)


@pytest.mark.parametrize("content", [bytes(range(256)) * 4, "id: café\n".encode("latin-1"),
                                     "id: x\n".encode("utf-16"), b"\x89PNG\r\n\x1a\n\x00\x00"],
                         ids=["binary", "latin-1", "utf-16", "png"])
def test_binary_file_named_yaml(tmp_path, content):
    refused(write(tmp_path, "some-rule.yaml", content), None, "cannot read")


def test_deep_nesting_within_the_limit_loads_or_is_refused_cleanly(tmp_path):
    base = data_of(RULES / "callhome" / "callhome-disabled.yaml")
    for depth in (10, 20, 40, 45, 48, 49, 50, 51, 200):
        when = base["when"]
        for _ in range(depth):
            when = {"not": when}
        path = write(tmp_path, "callhome-disabled.yaml", {**base, "when": when})
        try:
            load_file(path)
        except RuleError as err:
            assert str(path) in str(err)


def test_duplicate_ids_across_two_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    source = RULES / "callhome" / "callhome-disabled.yaml"
    write(a, source.name, source.read_text(encoding="utf-8"))
    (b / "nested").mkdir()
    copy_ = write(b / "nested", source.name, source.read_text(encoding="utf-8"))
    with pytest.raises(RuleError) as err:
        load_rules([a, b], builtin=False)
    assert "duplicate rule id 'callhome-disabled'" in str(err.value) and str(copy_) in str(err.value)
    with pytest.raises(RuleError, match="duplicate rule id 'callhome-disabled'"):
        load_rules([b])  # a copy of a built-in rule


def test_the_same_folder_named_twice_is_read_once(tmp_path):
    # a site folder in .diag.yaml and again with -r (or through a link) is not a duplicate
    site = tmp_path / "site"
    site.mkdir()
    source = RULES / "callhome" / "callhome-disabled.yaml"
    write(site, "site-disabled.yaml", source.read_text(encoding="utf-8").replace(
        "id: callhome-disabled", "id: site-disabled", 1))
    (tmp_path / "link").symlink_to(site, target_is_directory=True)
    book = load_rules([site, str(site), tmp_path / "link", site / "."], builtin=False)
    assert [r.id for r in book.rules] == ["site-disabled"]


# -- random mutations -------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10 ** 6) | st.floats(allow_nan=False) | st.text(max_size=12)
    | st.sampled_from(["now+30d", "9.3(3)", "{x.y}", "^x$", "(a+)+", "show clock", "callhome.block", "ref", "any",
                       "all", "not", "fact", "where", "equals", "matches", "unknown", "error", "high"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["ref", "fact", "as", "where", "all", "any", "not", "equals", "matches", "in", "lt",
                         "exists", "missing", "captured", "x", "type", "doc", "from", "value"]), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=250, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(FILES), st.data())
def test_random_mutations_load_or_raise_rule_error(tmp_path, path, data):
    rule = data_of(path)
    for _ in range(data.draw(st.integers(1, 3))):
        spots = [p for p, _ in leaves(rule) if p]
        spot = data.draw(st.sampled_from(spots))
        parent = get(rule, spot[:-1])
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[spot[-1]]
        else:
            parent[spot[-1]] = data.draw(json_values)
    target = write(tmp_path, path.name, rule)
    try:
        load_file(target)
    except RuleError as err:
        assert str(target) in str(err) and "\n" not in str(err)


# -- through the CLI ------------------------------------------------------------------------------

def diag(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "diag", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)


@pytest.mark.parametrize("name,content", [
    ("callhome-disabled.yaml",
     "id: callhome-disabled\nwhen: {fact: callhome.block, where: {vrf: {matches: '(.*a){12}'}}}\n"),
    ("callhome-disabled.yaml", None),  # a real rule with a catastrophic regex
    ("bomb.yaml", "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))),
    ("binary.yaml", bytes(range(256))),
    ("deep.yaml", "id: deep\nwhen: " + "{not: " * 200 + "{fact: callhome.block}" + "}" * 200 + "\n"),
], ids=["schema", "regex", "bomb", "binary", "deep"])
def test_cli_refuses_a_broken_rule_folder_in_one_line(tmp_path, name, content):
    folder = tmp_path / "site-rules"
    folder.mkdir()
    if content is None:
        data = data_of(RULES / "callhome" / "callhome-disabled.yaml")
        data["when"] = {"fact": "callhome.block", "as": "ch", "where": {"vrf": {"matches": r"(\w+)*x"}}}
        content = dump(data)
    target = write(folder, name, content)
    for args in (["check", "-r", str(folder), str(SAMPLES / "known-issue-2-plain-http.txt")],
                 ["rules", "-r", str(folder)]):
        res = diag(*args)
        assert res.returncode == 2, res.stderr
        assert "Traceback" not in res.stderr and "internal error" not in res.stderr
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("diag: error: ") and str(target) in lines[0], res.stderr
        assert res.stdout == ""


# -- regular expressions ---------------------------------------------------------------------------

@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_shapes_are_refused(pattern):
    with pytest.raises(CompileError, match="backtrack catastrophically") as err:
        check_regex(pattern, "when.where.x.matches")
    assert err.value.where == "when.where.x.matches" and pattern in err.value.problem


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_shapes_pass_the_check(pattern):
    check_regex(pattern, "x")


def test_a_rule_regex_is_bounded_in_length():
    check_regex("a" * conditions.MAX_PATTERN, "x")
    with pytest.raises(CompileError, match=f"at most {conditions.MAX_PATTERN}"):
        check_regex("a" * (conditions.MAX_PATTERN + 1), "x")


def shipped_patterns() -> list[str]:
    found: set[str] = set()
    for path in FILES + sorted((ROOT / "tests" / "data" / "site-rules").glob("*.yaml")):
        for where, value in leaves(data_of(path)):
            if where and where[-1] in ("matches", "not_matches"):
                found.add(value)
    return sorted(found)


PATTERNS = shipped_patterns()


def test_every_shipped_regex_passes_the_load_time_check():
    assert len(PATTERNS) > 20
    for pattern in PATTERNS:
        check_regex(pattern, "x")


def adversarial(pattern: str) -> list[str]:
    """Values of MAX_MATCH_LEN characters built from what the pattern quantifies and names."""
    words = sorted(set(re.findall(r"[A-Za-z][A-Za-z_]{2,}", re.sub(r"\\[A-Za-z]", " ", pattern))))[:12]
    chars = sorted(set(re.sub(r"\\[A-Za-z]", "", pattern)) - set("()[]{}?*+|^$\\") | set(" a1.:-_/\t\u00e9"))
    out = [c * MAX_MATCH_LEN for c in chars]
    for w in words:
        out += [(w + " ") * (MAX_MATCH_LEN // (len(w) + 1)), (w + "a" * 40 + " ") * (MAX_MATCH_LEN // (len(w) + 41)),
                w + " " * MAX_MATCH_LEN, w + "a" * MAX_MATCH_LEN, (w.lower() + w.upper()) * MAX_MATCH_LEN]
    for a, b in zip(words, words[1:]):
        out.append((a + " " + b + " ") * MAX_MATCH_LEN)
    out += [("a" * 30 + " ") * MAX_MATCH_LEN, "0:" * MAX_MATCH_LEN, "1." * MAX_MATCH_LEN, "ab" * MAX_MATCH_LEN]
    return [s[:MAX_MATCH_LEN - 1] + "\x00" for s in out] + [s[:MAX_MATCH_LEN] for s in out]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_shipped_regexes_complete_on_adversarial_values(pattern):
    regex = LazyRegex(pattern)
    values = adversarial(pattern)
    done = 0
    for value in values:
        assert len(value) <= MAX_MATCH_LEN
        regex.search(value)
        done += 1
    assert done == len(values) > 20


def test_values_are_cut_to_max_match_len_before_any_regex():
    from diag.conditions import compile_pred

    ctx = None
    pred = compile_pred({"matches": "x$"}, "text", "w", {}, CATALOGUE)
    assert pred.test("a" * (MAX_MATCH_LEN - 1) + "x", {}, ctx)
    assert not pred.test("a" * MAX_MATCH_LEN + "x", {}, ctx)  # the x lies past the cut
    pred = compile_pred({"not_matches": "x$"}, "text", "w", {}, CATALOGUE)
    assert pred.test("a" * (5 << 20) + "x", {}, ctx)
    pred = compile_pred({"matches": "^a{4096}$"}, "text", "w", {}, CATALOGUE)
    assert pred.test(["b", "a" * (1 << 20)], {}, ctx)  # each item of a list is cut


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="needs byte file names")
def test_rule_folder_whose_name_is_not_utf8(tmp_path):
    folder = tmp_path / os.fsdecode(b"r\xe9gles")
    folder.mkdir()
    for src in sorted((ROOT / "tests" / "data" / "site-rules").iterdir()):
        (folder / src.name).write_bytes(src.read_bytes())
    res = diag("rules", "-r", str(folder))
    assert res.returncode == 0 and "site-callhome-proxy-port" in res.stdout, res.stderr


@pytest.mark.parametrize("name,content,needle", [
    (".diag.yaml", "select: " + "[" * 3000 + "]" * 3000 + "\n", "invalid YAML"),
    (".diag.yaml", "fail-on: " + "9" * 5000 + "\n", "invalid YAML"),
    (".diag.yaml", "select: !!python/name:os.system\n", "invalid YAML"),
    (".diag.yaml", "fail-on: warning\n\x00\n", "invalid YAML"),
    ("pyproject.toml", "[tool.diag]\nselect = " + "[" * 3000 + "]" * 3000 + "\n", "invalid TOML"),
    ("pyproject.toml", "[tool.diag]\nfail-on = " + "9" * 5000 + "\n", "invalid TOML"),
], ids=["deep-yaml", "huge-int-yaml", "python-tag", "nul", "deep-toml", "huge-int-toml"])
def test_broken_configuration_file_is_refused_in_one_line(tmp_path, name, content, needle):
    path = write(tmp_path, name, content)
    res = diag("check", "--config", str(path), str(SAMPLES / "known-issue-2-plain-http.txt"))
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and needle in lines[0], res.stderr
