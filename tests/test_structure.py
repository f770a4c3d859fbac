"""The package's rooms and doors: no module imports another that imports it back (at
module level), and what only reads a report (reporters, redaction, policy) never
imports the code that runs the analysis."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "diag"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, top_level: bool) -> set[str]:
    """The diag modules a file imports (``from diag.x import y`` counts x, and x.y when it
    is a module); ``top_level``: only the imports run when the module is imported."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level else list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "diag":
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "diag"}
    return found


def _graph(top_level: bool) -> dict[str, set[str]]:
    files = {_module(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in _imports(path, top_level) if m in files and m != "diag"} for name, path in files.items()}


def test_no_import_cycles():
    graph = _graph(top_level=True)
    cycles = []

    def visit(name: str, stack: list[str]) -> None:
        for dep in graph[name]:
            if dep in stack:
                cycles.append(" -> ".join(stack[stack.index(dep):] + [dep]))
            elif len(stack) < 30:
                visit(dep, stack + [dep])

    for name in graph:
        visit(name, [name])
    assert not cycles, cycles[:5]


def test_what_reads_a_report_does_not_import_the_analysis():
    graph = _graph(top_level=False)
    readers = [m for m in graph if m.startswith("diag.report")] + ["diag.redact", "diag.policy", "diag.model"]
    for name in readers:
        assert "diag.api" not in graph[name] and "diag.engine" not in graph[name], name
