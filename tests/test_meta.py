"""Conventions enforced by tests, not by memory (DESIGN.md section 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, RULES, SHARED
from diag.commands import BY_NAME, SPECS
from diag.facts import CATALOGUE
from diag.parsers import MODULES, get_parser

CATALOG = SHARED / "knowledge" / "rule-catalog.md"
ALLOWED_SUFFIXES = (".yaml", ".hit.txt", ".ok.txt", ".todo-hit.txt", ".hit.expect.yml")


def catalog_ids() -> set[str]:
    if not CATALOG.is_file():
        pytest.skip("../shared/knowledge/rule-catalog.md not available")
    return set(re.findall(r"^\| `([a-z0-9-]+)` \|", CATALOG.read_text(), re.M))


def catalog_table(title: str) -> set[str]:
    text = CATALOG.read_text()
    part = text.split(f"## {title}", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9-]+)` \|", part, re.M))


def test_rule_ids_equal_file_names_and_areas_equal_folders(rulebook):
    for rule in rulebook.rules:
        assert rule.id == rule.path.stem
        assert rule.area == rule.path.parent.name, f"{rule.id}: area {rule.area} but folder {rule.path.parent.name}"


def test_rules_folder_holds_only_rules_and_their_captures():
    for path in RULES.rglob("*"):
        if path.is_file():
            assert path.name.endswith(ALLOWED_SUFFIXES), f"unexpected file {path}"
            stem = path.name.split(".")[0]
            assert (path.parent / f"{stem}.yaml").is_file(), f"{path.name} has no rule beside it"


def test_built_in_rules_pass_what_a_site_rule_is_checked_for():
    """A run loads the built-in rules without the JSON Schema and regular-expression checks
    a site rule folder gets: here they get them, every file (size and nesting too)."""
    from diag.facts import CATALOGUE
    from diag.rulebook import load_rules

    saved = dict(CATALOGUE)
    try:
        book = load_rules([RULES], builtin=False)
    finally:
        CATALOGUE.clear()
        CATALOGUE.update(saved)
    assert len(book.rules) + len(book.derivations) == len(list(RULES.glob("*/*.yaml")))


def test_issue_2_rules_exist(rulebook):
    """The pipeline's rule set: the four known issues, Call Home configuration, classic states."""
    ids = {r.id for r in rulebook.rules}
    catalog_ids()
    wanted = (catalog_table("The four known issues of TechNote 217965") | catalog_table("Call Home configuration")
              | catalog_table("Classic Smart Licensing states (9.3(3) to 10.1(x))")
              | {"smart-licensing-disabled", "unparsed-output"})
    assert not wanted - ids, f"missing rules: {sorted(wanted - ids)}"


def test_every_catalog_rule_exists(rulebook):
    missing = catalog_ids() - {r.id for r in rulebook.rules}
    assert not missing, f"catalogue ids without a rule: {sorted(missing)}"


def test_shipped_ids_are_catalog_ids_or_new_kebab_ids(rulebook):
    known = catalog_ids()
    for rule in rulebook.rules:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id)
        if rule.id not in known:
            # a new rule beyond the catalogue: allowed, but never a near-duplicate spelling of a catalog id
            assert not any(rule.id.replace("-", "") == k.replace("-", "") for k in known), rule.id


def test_every_required_scope_has_a_parser(rulebook):
    for rule in rulebook.rules:
        for alts in rule.requires:
            for scope in alts:
                command = scope if scope in BY_NAME else max(  # a part of an output: its command
                    (name for name in BY_NAME if scope.startswith(name + " ")), key=len)
                assert BY_NAME[command].parser in MODULES, f"{rule.id}: no parser for {scope}"


def test_facts_a_rule_uses_can_be_captured(rulebook):
    """Every fact kind a rule names is produced by a command diag reads (or derived by diag).

    A rule may use evidence beyond its ``requires`` (a ping that settles a DNS question,
    output asked for with ``missing: unknown``), so the check is that the evidence can
    exist, and that at least one required scope produces a kind the rule uses.
    """
    # the tool's own kinds ('*': the capture itself, whatever its commands) and derived ones
    derived = {"device"} | {k for k, spec in CATALOGUE.items() if {"derived", "*"} & set(spec.produced_by)}
    for rule in rulebook.rules:
        kinds = rule.when.kinds()
        for kind in kinds - derived:
            producers = set(CATALOGUE[kind].produced_by)
            assert producers & set(BY_NAME), f"{rule.id}: {kind} comes from no supported command"
        scopes = {s for alts in rule.requires for s in alts}
        if scopes and kinds - derived:
            produced = {p for k in kinds - derived for p in CATALOGUE[k].produced_by}
            assert any(p == s or (p == "show running-config" and s.startswith(p)) for s in scopes
                       for p in produced), f"{rule.id}: requires {sorted(scopes)} but uses none of their facts"


def test_every_command_maps_to_an_existing_template_and_parser():
    templates = ROOT / "diag" / "templates"
    used = set()
    for spec in SPECS:
        parser = get_parser(spec.parser)
        template = getattr(parser, "template", None) or getattr(parser, "TEMPLATE", None)
        if template is None:
            import importlib

            template = importlib.import_module(f"diag.parsers.{MODULES[spec.parser]}").TEMPLATE
        assert (templates / template).is_file(), f"{spec.name}: missing template {template}"
        assert re.fullmatch(r"cisco_nxos_[a-z0-9_\-]+\.(textfsm|ttp)", template), template
        used.add(template)
    unused = {p.name for p in templates.iterdir()} - used
    assert not unused, f"templates no parser uses: {unused}"


def test_library_never_prints_or_exits():
    for path in (ROOT / "diag").rglob("*.py"):
        if path.name in ("cli.py", "__main__.py"):
            continue
        text = path.read_text()
        for bad in ("print(", "sys.exit(", "click.echo(", "exit("):
            assert not re.search(rf"(?<![\w.]){re.escape(bad)}", text), f"{path.name} calls {bad}"


def test_no_eval_or_exec_anywhere():
    for path in (ROOT / "diag").rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"(?<![\w.])(eval|exec)\(", text), f"{path.name} uses eval/exec"


def test_changelog_and_readme_commands():
    readme = (ROOT / "README.md").read_text()
    assert "<!-- run-command -->" in readme and "<!-- test-command -->" in readme
    assert "diag check samples/" in readme
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "## [" in changelog and re.search(r"^- (Rule|Parser|CLI)", changelog, re.M)


def test_rule_docs_are_written(rulebook):
    for rule in rulebook.rules:
        assert rule.references, rule.id
        assert not re.search(r"\b(TODO|FIXME|XXX|lorem)\b", rule.docs["what"] + rule.docs["why"], re.I), rule.id
        if rule.confidence == "low":
            assert "confirm" in rule.docs


# What a customer cannot open: the project's own knowledge notes ("knowledge base section 7").
_INTERNAL_CITATION = re.compile(r"(?i)\bknowledge\s+(?:base|file)\b|\bsection\s+\d+(?:\.\d+)?\b|\[S\d+\]|§")


def test_references_cite_only_what_a_customer_can_open(rulebook):
    """A finding's references go into case notes and SARIF alerts: a TechNote, a field
    notice, a Cisco document, diag's own documentation; never the internal notes the rules
    were written from."""
    for rule in rulebook.rules:
        for ref in rule.references:
            assert not _INTERNAL_CITATION.search(ref), f"{rule.id}: internal citation in reference {ref!r}"
        for key, text in rule.docs.items():
            assert not _INTERNAL_CITATION.search(text), f"{rule.id}: internal citation in docs.{key}"


def test_reporters_cite_no_internal_notes():
    """The text the report formats write themselves (their string literals) cites no
    internal note either."""
    import ast

    for path in sorted((ROOT / "diag" / "report").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                assert not _INTERNAL_CITATION.search(node.value), f"{path.name}: {node.value!r}"


def test_the_kinds_table_is_what_the_parsers_declare():
    """Rules are compiled against diag/parsers/kinds.py, not the parsers' imports: it must
    hold what they declare (a fresh interpreter, as a run starts)."""
    import os
    import subprocess
    import sys

    code = "from diag.parsers.kinds import KINDS, declared; print(KINDS == declared())"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert res.stdout.strip() == "True", (
        f"diag/parsers/kinds.py is not what the parsers declare: 'python -m diag.parsers.kinds' writes it anew "
        f"{res.stderr[-2000:]}")
