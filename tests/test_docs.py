"""The documentation stays true: docs/rules.md is the output of `diag rules -f markdown`,
every relative link leads somewhere, the README keeps the two commands CI runs, and its
example output is what diag prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from diag import __version__
from diag.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, ROOT / "CONTRIBUTING.md", *sorted(DOCS.glob("*.md"))]
REGENERATE = "diag rules -f markdown > docs/rules.md"

RUN_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/diag check samples/"
TEST_COMMAND = ("python3 -m venv .venv && .venv/bin/pip install -q '.[test,collect]' "
                "&& .venv/bin/python -m pytest -q")
# the command before the collect extra (its tests are skipped there): accepted until the
# README moves to TEST_COMMAND
TEST_COMMAND_BEFORE_COLLECT = TEST_COMMAND.replace("'.[test,collect]'", "'.[test]'")
# the browser tests (tests/test_html_browser.py) need Debian's chromium: CI (root) installs it
# first; a developer who is not root skips that step (those tests then skip, saying why)
CHROMIUM_FIRST = ("(command -v chromium >/dev/null || [ \"$(id -u)\" != 0 ] || (apt-get update -q && "
                  "apt-get install -y -q chromium)) && ")
TEST_COMMAND_WITH_CHROMIUM = CHROMIUM_FIRST + TEST_COMMAND
EXAMPLE = "samples/known-issue-2-plain-http.txt"


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_rules_page_is_current():
    expected = run("rules", "-f", "markdown")
    actual = (DOCS / "rules.md").read_text(encoding="utf-8")
    if actual != expected:
        pytest.fail(f"docs/rules.md is stale: regenerate it with\n    {REGENERATE}\nand commit it.", pytrace=False)


def test_rules_page_says_how_it_is_made():
    first = (DOCS / "rules.md").read_text(encoding="utf-8").splitlines()[:3]
    assert any("Generated" in line and "diag rules -f markdown" in line for line in first)


@pytest.mark.parametrize("marker, commands", [("<!-- run-command -->", (RUN_COMMAND,)),
                                              ("<!-- test-command -->", (TEST_COMMAND_WITH_CHROMIUM, TEST_COMMAND,
                                                                         TEST_COMMAND_BEFORE_COLLECT))])
def test_readme_commands_follow_their_markers(marker, commands):
    """.ci/run takes the line two lines after the test-command marker (awk: getline; getline)."""
    lines = README.read_text(encoding="utf-8").splitlines()
    assert lines.count(marker) == 1, f"README.md must hold {marker} exactly once"
    at = lines.index(marker)
    assert lines[at + 1] == "```sh" and lines[at + 2] in commands, (
        f"README.md: the line two lines after {marker} must be\n    {commands[0]}")


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text.replace("`", ""))
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    in_code = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        if in_code:
            continue
        match = re.match(r"#{1,6} (.+)", line)
        if match:
            slug = _slug(match.group(1))
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def _links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)  # not in code blocks
    text = re.sub(r"`[^`\n]*`", "", text)  # nor in code spans
    return re.findall(r"\]\(([^)\s]+)\)", text)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_somewhere(page):
    broken = []
    for link in _links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", link):  # https:, mailto:: not checked here
            continue
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        if not path.exists():
            broken.append(f"{link}: no such file")
        elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
            broken.append(f"{link}: no heading with that anchor in {path.relative_to(ROOT)}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_docs_stay_inside_the_project(page):
    """The project's documents must not send readers to files outside it."""
    text = page.read_text(encoding="utf-8")
    assert "../shared" not in text and "/work/" not in text


def test_readme_example_is_real_output():
    """Every line of the README's example is a line diag prints, in order; `...` marks a cut."""
    readme = README.read_text(encoding="utf-8")
    block = readme.split(f"`diag check {EXAMPLE}`", 1)[1].split("```text\n", 1)[1].split("\n```", 1)[0]
    output = run("check", EXAMPLE).splitlines()
    at = 0
    for line in block.splitlines():
        if line.strip() == "...":
            continue
        line = re.sub(r"^diag \S+ ·", f"diag {__version__} ·", line)  # a release does not stale the README
        if line in output[at:]:
            at = output.index(line, at) + 1
        else:
            pytest.fail(f"README.md example: this line is not in the output of 'diag check {EXAMPLE}' "
                        f"(in this order):\n    {line}\nregenerate the example with that command", pytrace=False)


def test_readme_counts_the_rules():
    from diag.rulebook import load_rules

    count = len(load_rules().rules)
    assert f"{count} rules" in README.read_text(encoding="utf-8"), f"README.md should say '{count} rules'"


def test_usage_names_every_command_and_option():
    """docs/usage.md (with redaction.md for diag redact) is the reference: each command and
    each of its options appears there."""
    usage = "".join((DOCS / page).read_text(encoding="utf-8") for page in ("usage.md", "redaction.md"))
    missing = []
    for name, command in [("", cli), *cli.commands.items()]:
        if f"diag {name}" not in usage:
            missing.append(f"diag {name}")
        for param in command.params:
            for opt in [*param.opts, *param.secondary_opts]:
                if opt.startswith("--") and opt != "--help" and f"`{opt}" not in usage:
                    missing.append(f"diag {name} {opt}")
    assert not missing, "docs/usage.md does not mention: " + ", ".join(missing)
