"""TTP with line numbers and significant indentation.

TTP reports what it matched but not where. diag feeds TTP a marked copy of
the configuration: each line starts with a marker holding its line number,
``T<n>`` for a top-level line and ``I<n>`` for an indented one:

    T14 callhome
    I15 email-contact sch-smart-licensing@cisco.com

and, when a template is loaded, every template line gets a matching marker
variable in front of it (``T`` for a template line written at column 0, ``I``
for an indented one). The marker captures the line number; it also keeps a
global ``ip name-server`` template line from matching the ``ip name-server``
line inside a ``vrf context`` block. Templates stay plain TTP, written the way
the configuration looks.

After parsing, ``Node`` wraps each result dictionary: ``node.get(var)`` is the
value, ``node.line(var)`` the line it came from, ``node.has(var)`` whether its
template line matched (for flag lines such as ``enable``).
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from typing import Any, Iterable, Iterator

from diag.errors import DiagError
from diag.parsers.fsm import template_text

logging.getLogger("ttp").addHandler(logging.NullHandler())
logging.getLogger("ttp").propagate = False

_VAR = re.compile(r"\{\{\s*([A-Za-z_]\w*)")
_SET = re.compile(r"\{\{\s*([A-Za-z_]\w*)[^}]*\|\s*set\(\s*['\"]?([^)'\"]*)['\"]?\s*\)")
_START = re.compile(r"\s*\{\{\s*_start_\s*\}\}")
_SPECIAL = {"_start_", "_end_", "_line_", "_exact_", "_exact_space_", "ignore", "_headers_"}


class MarkedTemplate:
    """A TTP template with line markers added, and what each marker stands for."""

    def __init__(self, name: str, text: str):
        self.name = name
        self.vars: dict[str, list[str]] = {}
        self.flags: dict[str, dict[str, Any]] = {}  # marker -> the set() values of its line
        out: list[str] = []
        for k, line in enumerate(text.splitlines()):
            stripped = line.strip()
            if not stripped or stripped.startswith("<") or "{{" not in stripped:
                out.append(line)
                continue
            marker = f"_l{k}"
            names = [v for v in _VAR.findall(stripped) if v not in _SPECIAL]
            self.vars[marker] = names
            for var, value in _SET.findall(stripped):
                self.flags.setdefault(marker, {})[var] = _literal(value)
            kind = "I" if line[:1].isspace() else "T"
            start = ""
            if _START.search(stripped):  # the marker carries _start_ so the line keeps its variables
                stripped = _START.sub("", stripped).rstrip()
                start = " | _start_"
            out.append(f'{{{{ {marker} | re("{kind}[0-9]+"){start} }}}} {stripped}')
        self.text = "\n".join(out)

    def nodes(self, result: Any) -> Any:
        """Turn TTP's result tree into ``Node`` objects with line numbers."""
        if isinstance(result, list):
            return [self.nodes(r) for r in result]
        if not isinstance(result, dict):
            return result
        values: dict[str, Any] = {}
        lines: dict[str, int] = {}
        children: dict[str, Any] = {}
        marked: list[tuple[str, int]] = []
        for key, val in result.items():
            if key in self.vars and isinstance(val, str):
                marked.append((key, int(val[1:])))
            elif isinstance(val, (dict, list)):
                children[key] = self.nodes(val)
            else:
                values[key] = val
        # A variable written on several template lines that all matched (``proxy_server``,
        # with and without a port) has the value TTP files: the first of the record's last
        # run, a run being the lines between two records of a child group.
        starts = sorted(n.first_line() for child in children.values()
                        for n in (child if isinstance(child, list) else [child])
                        if isinstance(n, Node) and n.lines)

        def rank(no: int) -> tuple[int, int]:  # a later run first, then an earlier line
            return bisect.bisect(starts, no), -no

        source: dict[str, tuple[str, int]] = {}  # variable -> the marker and line of its value
        for key, no in marked:
            lines[key] = no
            for var in self.vars[key]:
                have = source.get(var)
                if have is None or rank(no) > rank(have[1]):
                    source[var] = (key, no)
        for var, (key, no) in source.items():
            lines[var] = no
            flag = self.flags.get(key)
            if flag and var in flag and var not in result:
                # TTP leaves set() values out of its results: the value is the matched
                # line's own (``duplicate-message throttle`` is True, its ``no`` form False)
                values[var] = flag[var]
        return Node(values, lines, children)


def _literal(text: str) -> Any:
    low = text.strip().lower()
    if low == "true":
        return True
    if low == "false":
        return False
    return text


class Node:
    """One TTP result dictionary, with the line of each value."""

    __slots__ = ("values", "lines", "children")

    def __init__(self, values: dict[str, Any], lines: dict[str, int], children: dict[str, Any]):
        self.values = values
        self.lines = lines
        self.children = children

    def get(self, var: str, default: Any = None) -> Any:
        return self.values.get(var, default)

    def has(self, var: str) -> bool:
        return var in self.values

    def line(self, var: str) -> int | None:
        return self.lines.get(var)

    def first_line(self) -> int | None:
        nums = [n for n in self.lines.values()]
        return min(nums) if nums else None

    def all_lines(self) -> Iterator[int]:
        yield from self.lines.values()
        for child in self.children.values():
            for node in child if isinstance(child, list) else [child]:
                if isinstance(node, Node):
                    yield from node.all_lines()

    def child(self, name: str) -> list["Node"]:
        """Children under ``name`` as a list, whether TTP gave one dict or a list."""
        val = self.children.get(name)
        if val is None:
            return []
        return [n for n in (val if isinstance(val, list) else [val]) if isinstance(n, Node)]


@functools.lru_cache(maxsize=None)
def load_template(name: str) -> MarkedTemplate:
    return MarkedTemplate(name, template_text(name))


@functools.lru_cache(maxsize=None)
def _parser(name: str):
    from ttp import ttp  # imported on first config section: keeps start-up fast

    tpl = load_template(name)
    try:
        return ttp(template=tpl.text, log_level="CRITICAL")
    except Exception as exc:  # TTP raises plain exceptions for bad templates
        raise DiagError(f"template {name}: {exc}") from None


def mark(lines: Iterable[tuple[int, str]]) -> str:
    """The marked copy of numbered configuration lines fed to TTP."""
    out = []
    for no, text in lines:
        body = text.strip()
        if not body:
            continue
        out.append(f"{'I' if text[:1].isspace() else 'T'}{no} {body}")
    out.append("")
    return "\n".join(out)


def run(name: str, lines: Iterable[tuple[int, str]]) -> Node:
    """Parse numbered lines with template ``name``; return the root ``Node``."""
    parser = _parser(name)
    parser.clear_result()
    parser.set_input(data=mark(lines))
    parser.parse(one=True)
    result = parser.result()
    tree: Any = result[0][0] if result and result[0] else {}
    if isinstance(tree, list):  # several inputs would give a list; we give one
        tree = tree[0] if tree else {}
    node = load_template(name).nodes(tree)
    return node if isinstance(node, Node) else Node({}, {}, {})
