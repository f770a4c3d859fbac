"""Rule loading: a broken rule is refused at load with file, field and reason."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from diag.errors import RuleError
from diag.rulebook import load_file, load_rules

VALID = {
    "id": "my-site-rule",
    "title": "Call Home proxy port is not the site standard",
    "area": "callhome",
    "severity": "warning",
    "confidence": "medium",
    "requires": ["show running-config callhome"],
    "when": {"fact": "callhome.block", "as": "ch",
             "where": {"proxy_port": {"exists": True, "not_in": [8080]}}},
    "message": "Call Home uses proxy port {ch.proxy_port}; this site proxies on 8080.",
    "fix": "callhome\n  transport http proxy server {ch.proxy_server} port 8080",
    "verify": ["show running-config callhome"],
    "references": ["Site standard NET-42"],
    "docs": {"what": "Checks the proxy port of Call Home.", "why": "Only 8080 is open to the internet."},
}


def write(tmp_path: Path, data, name: str = "my-site-rule") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return path


def mutate(**changes):
    data = copy.deepcopy(VALID)
    for dotted, value in changes.items():
        target = data
        keys = dotted.split("__")
        for key in keys[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value
    return data


_DELETE = object()


def test_valid_rule_loads(tmp_path: Path):
    rule = load_file(write(tmp_path, VALID))
    assert rule.id == "my-site-rule" and rule.bindings == {"ch": "callhome.block"}


BROKEN = [
    ("missing key", mutate(title=_DELETE), "(top level)", "'title' is a required property"),
    ("wrong type", mutate(verify="show license status"), "verify", "is not of type 'array'"),
    ("bad severity", mutate(severity="critical"), "severity", "critical"),
    ("unknown key", mutate(colour="red"), "(top level)", "unknown key"),
    ("unknown operator", mutate(when={"fact": "callhome.block", "where": {"vrf": {"looks_like": "x"}}}),
     "when.where.vrf", "unknown operator looks_like"),
    ("unknown fact", mutate(when={"fact": "callhome.nothing"}), "when.fact", "unknown fact kind 'callhome.nothing'"),
    ("unknown field", mutate(when={"fact": "callhome.block", "where": {"colour": {"equals": "red"}}}),
     "when.where.colour", "has no field 'colour'"),
    ("invalid regex", mutate(when={"fact": "callhome.block", "where": {"vrf": {"matches": "(unclosed"}}}),
     "when.where.vrf.matches", "invalid regular expression"),
    ("catastrophic regex", mutate(when={"fact": "callhome.block", "where": {"vrf": {"matches": "^(a+)+$"}}}),
     "when.where.vrf.matches", "backtrack catastrophically"),
    ("catastrophic regex 2", mutate(when={"fact": "callhome.block", "where": {"vrf": {"matches": "(\\w*)*x"}}}),
     "when.where.vrf.matches", "backtrack catastrophically"),
    ("catastrophic regex 3", mutate(when={"fact": "callhome.block", "where": {"vrf": {"matches": "(a|a)*"}}}),
     "when.where.vrf.matches", "backtrack catastrophically (a repeated group whose alternatives are the same)"),
    ("catastrophic regex deep", mutate(when={"all": [{"fact": "callhome.block", "as": "ch"}, {
        "fact": "callhome.destination", "where": {"url": {"any": [{"equals": "x"}, {"not_matches": "(a+)+$"}]}}}]}),
     "when.all[1].where.url.any[1].not_matches", "(a quantified group inside a quantifier)"),
    ("catastrophic regex in escalate", mutate(escalate={"to": "error", "if": {"ch.vrf": {"matches": "(a+)+$"}}}),
     "escalate.if.ch.vrf.matches", "backtrack catastrophically"),
    ("regex too long", mutate(when={"fact": "callhome.block", "where": {"vrf": {"matches": "a" * 5000}}}),
     "when.where.vrf.matches", "regular expression of 5000 characters; at most 4096"),
    ("bad date operand", mutate(when={"fact": "license.authorization", "as": "ch",
                                      "where": {"deadline": {"lt": "soon"}}}),
     "when.where.deadline.lt", "is not a date"),
    ("bad release operand", mutate(when={"fact": "device", "as": "ch", "where": {"release": {"lt": "nine"}}}),
     "when.where.release.lt", "not an NX-OS release"),
    ("order on text", mutate(when={"fact": "callhome.block", "as": "ch", "where": {"vrf": {"lt": "m"}}}),
     "when.where.vrf.lt", "compares numbers"),
    ("dangling ref", mutate(when={"fact": "callhome.block", "as": "ch",
                                  "where": {"vrf": {"equals": {"ref": "other.vrf"}}}}),
     "when.where.vrf.equals", "not bound earlier"),
    ("unknown placeholder", mutate(message="uses {nothing.here} today"), "message", "does not bind"),
    ("unknown placeholder field", mutate(message="uses {ch.colour} today"), "message", "has no field 'colour'"),
    ("unknown filter", mutate(message="uses {ch.vrf|shout} today"), "message", "unknown filter 'shout'"),
    ("unknown scope", mutate(requires=["show interface brief"]), "requires[0]", "unknown command scope"),
    ("low confidence without confirm", mutate(confidence="low"), "docs.confirm", "must say what evidence"),
    ("bad at", mutate(at="nope"), "at", "not a binding"),
    ("bad at field", mutate(at="ch.colour"), "at", "'colour' is not a field of callhome.block"),
    ("bad at in a list", mutate(at=["ch.proxy_port", "nope.vrf"]), "at[1]", "'nope' is not a binding"),
    ("at too deep", mutate(at="ch.proxy_port.x"), "at", "does not match"),
    ("at empty list", mutate(at=[]), "at", "should be non-empty"),
]


@pytest.mark.parametrize("label,data,field,reason", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_rule_names_file_field_and_reason(tmp_path: Path, label, data, field, reason):
    path = write(tmp_path, data)
    with pytest.raises(RuleError) as err:
        load_file(path)
    msg = str(err.value)
    assert str(path) in msg
    assert err.value.field == field, msg
    assert reason in msg


@pytest.mark.parametrize("at, expected", [
    (None, ()),
    ("ch", (("ch", None),)),
    ("ch.proxy_port", (("ch", "proxy_port"),)),
    (["ch.proxy_port", "ch.proxy_server", "ch"], (("ch", "proxy_port"), ("ch", "proxy_server"), ("ch", None))),
])
def test_at_names_a_binding_or_a_field_of_one(tmp_path: Path, at, expected):
    rule = load_file(write(tmp_path, VALID if at is None else mutate(at=at)))
    assert rule.at == expected


def test_id_must_equal_file_name(tmp_path: Path):
    with pytest.raises(RuleError, match="must equal the file name"):
        load_file(write(tmp_path, VALID, name="other-name"))


@pytest.mark.parametrize("text,reason", [
    ("id: [unclosed", "invalid YAML"),
    ("- just\n- a list\n", "must hold a mapping"),
    ("", "must hold a mapping"),
])
def test_not_a_rule_at_all(tmp_path: Path, text, reason):
    with pytest.raises(RuleError, match=reason):
        load_file(write(tmp_path, text))


def test_duplicate_ids_across_folders(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    write(a, VALID)
    write(b, VALID)
    with pytest.raises(RuleError, match="duplicate rule id"):
        load_rules([a, b], builtin=False)


def test_duplicate_of_a_builtin_rule(tmp_path: Path):
    data = mutate(id="callhome-url-plain-http")
    write(tmp_path, data, name="callhome-url-plain-http")
    with pytest.raises(RuleError, match="duplicate rule id 'callhome-url-plain-http'"):
        load_rules([tmp_path])


def test_missing_rules_folder(tmp_path: Path):
    with pytest.raises(RuleError, match="rules folder not found"):
        load_rules([tmp_path / "nope"])


def test_escalate_must_raise_and_name_a_bound_field(tmp_path: Path):
    data = mutate(escalate={"to": "error", "if": {"ch.proxy_port": {"gt": 9000}}})
    assert load_file(write(tmp_path, data)).escalate is not None
    with pytest.raises(RuleError, match="higher severity"):
        load_file(write(tmp_path, mutate(escalate={"to": "warning", "if": {"ch.proxy_port": {"gt": 1}}})))
    with pytest.raises(RuleError, match="not a field of a binding"):
        load_file(write(tmp_path, mutate(escalate={"to": "error", "if": {"ch.colour": {"equals": "x"}}})))


# -- a key given twice is an error, wherever it is ------------------------------------------------

SITE_RULE = """id: my-site-rule
title: Call Home VRF is not the site standard
area: callhome
severity: warning{again_top}
confidence: medium
requires: [show running-config callhome]
when:
  fact: callhome.block
  as: ch
  where:
    vrf: {{equals: management}}{again_where}
message: Call Home uses the VRF {{ch.vrf}}.
fix: callhome
verify: [show running-config callhome]
references: [Site standard NET-42]
docs: {{what: Checks the VRF of Call Home., why: Only the management VRF reaches the proxy.}}
"""
# (label, text, line of the second key, key): a second 'severity' loaded as info before,
# a second 'vrf' under 'where' dropped the first condition
DUPLICATES = [
    ("top level", SITE_RULE.format(again_top="\nseverity: info", again_where=""), 5, "severity"),
    ("under where", SITE_RULE.format(again_top="", again_where="\n    vrf: {equals: default}"), 12, "vrf"),
]


@pytest.mark.parametrize("label,text,line,key", DUPLICATES, ids=[d[0] for d in DUPLICATES])
def test_a_duplicate_key_names_file_line_and_key(tmp_path: Path, label, text, line, key):
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as err:
        load_file(path)
    msg = str(err.value)
    assert str(path) in msg and err.value.field == f"line {line}" and f"duplicate key '{key}'" in msg, msg
    # the same rule without the second key loads: the error is the duplicate, nothing else
    assert load_file(write(tmp_path, SITE_RULE.format(again_top="", again_where=""))).severity == "warning"


@pytest.mark.parametrize("label,text,line,key", DUPLICATES, ids=[d[0] for d in DUPLICATES])
def test_a_duplicate_key_through_the_cli_is_exit_2_and_one_line(tmp_path: Path, label, text, line, key):
    from click.testing import CliRunner

    from diag.cli import cli

    path = write(tmp_path, text)
    for args in (["rules", "-r", str(tmp_path)], ["check", "-r", str(tmp_path), "-"]):
        res = CliRunner().invoke(cli, args, input="")
        assert res.exit_code == 2, res.output
        assert res.output.strip().splitlines() == [
            f"diag: error: {path}: line {line}: invalid YAML: duplicate key '{key}' (first on line {line - 1})"]


def test_yaml_merge_keys_may_be_overridden(tmp_path: Path):
    from diag.yamlload import FastLoader, Loader

    text = "base: &b {a: 1, b: 2}\nmerged:\n  <<: *b\n  b: 3\n"
    for loader in (Loader, FastLoader):
        assert yaml.load(text, Loader=loader)["merged"] == {"a": 1, "b": 3}


def test_every_built_in_rule_file_is_free_of_duplicate_keys():
    from conftest import RULES
    from diag.yamlload import FastLoader

    for path in sorted(RULES.rglob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=FastLoader)  # raises on a duplicate


# -- built-in rules and site rules ----------------------------------------------------------------

def test_a_site_rule_folder_is_validated_against_the_schema(tmp_path: Path):
    write(tmp_path, mutate(severity="critical"))
    with pytest.raises(RuleError) as err:
        load_rules([tmp_path])
    assert err.value.field == "severity" and "critical" in str(err.value)
    write(tmp_path, mutate(when={"fact": "callhome.block", "where": {"vrf": {"matches": "^(a+)+$"}}}))
    with pytest.raises(RuleError, match=r"when.where.vrf.matches: regular expression '\^\(a\+\)\+\$' can backtrack"):
        load_rules([tmp_path])


def test_built_in_rules_load_without_jsonschema_and_site_rules_with_it(tmp_path: Path):
    import os
    import subprocess
    import sys

    from conftest import ROOT

    write(tmp_path, VALID)
    probe = ("import sys\nfrom diag.rulebook import load_rules\n"
             "book = load_rules()\nprint(len(book.rules), 'jsonschema' in sys.modules)\n"
             "book = load_rules([sys.argv[1]])\nprint(len(book.rules), 'jsonschema' in sys.modules)\n")
    res = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert res.returncode == 0, res.stderr
    (builtin, before), (both, after) = [line.split() for line in res.stdout.splitlines()]
    assert (before, after) == ("False", "True") and int(both) == int(builtin) + 1 > 40


def test_the_built_in_rules_are_found_installed_or_in_a_source_tree(tmp_path: Path):
    from diag import rulebook

    from conftest import ROOT

    assert rulebook.RULES_DIR.resolve() == (ROOT / "rules").resolve()  # this checkout
    # a wheel installs them as diag/rules/ inside the package; a source tree has rules/ beside it
    installed = tmp_path / "site-packages" / "diag"
    (installed / "rules" / "callhome").mkdir(parents=True)
    assert rulebook._rules_dir(installed) == installed / "rules"
    source = tmp_path / "checkout"
    (source / "diag").mkdir(parents=True)
    assert rulebook._rules_dir(source / "diag") == source / "rules"


def test_the_wheel_maps_the_rules_folder_into_the_package():
    import tomllib

    from conftest import ROOT

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert config["package-dir"]["diag.rules"] == "rules"
    assert sorted(config["package-data"]["diag.rules"]) == ["*/*.expect.yml", "*/*.txt", "*/*.yaml"]
    # every package of diag is listed (the list is explicit, so that diag.rules can be mapped)
    packages = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "diag").rglob("__init__.py")}
    assert packages | {"diag.rules"} == set(config["packages"])
    # and the rules are where the patterns find them: one folder per area
    assert {p.relative_to(ROOT / "rules").parts[0] for p in (ROOT / "rules").glob("*/*.yaml")} >= {
        "callhome", "classic", "derived", "known-issues", "network", "platform", "slp", "tool"}
