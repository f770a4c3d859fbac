"""``diag rules --test``: every rule proves itself on the captures beside it.

The check the project's own test suite makes of the built-in rules, offered to the
authors of site rules: ``<id>.hit.txt`` must fire the rule (or derive the derived
fact), ``<id>.ok.txt``, a near miss, must not, and must still be evaluated (a
near miss that lacks a command the rule needs proves nothing). Every evidence line
of a finding must be a line of the capture, and no placeholder may stay unrendered.

``<id>.hit.expect.yml``, beside them, says *where* (semgrep's ``ruleid:`` mark): the
lines the findings of the rule on its hit capture must point at, one item per finding
(a derivation: ``facts:``, the lines of the facts of its kind)::

    findings:
      - line: 15                 # the line to change, or the line that shows the problem
        end_line: 15             # optional: where the finding ends
        evidence_lines: [8, 15]  # optional: lines its evidence must quote (among others)

Any other key is an error. The built-in rules must all have one (tests/test_meta.py);
a site rule is checked against its file when there is one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from diag.errors import DiagError, InputError


@dataclass
class Outcome:
    ident: str
    path: Path
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _analyze(path: Path, book, system_now):
    from diag.api import Options, analyze

    return analyze([str(path)], Options(system_now=system_now), rules=book)


def _evidence_problems(report, path: Path, rule_id: str) -> list[str]:
    from diag.capture import read_lines

    text = dict(read_lines(str(path)))
    out = []
    for f in report.findings:
        if f.rule_id != rule_id:
            continue
        if not 1 <= f.line <= len(text):
            out.append(f"{path.name}: the finding's line {f.line} is not a line of the capture")
        for ev in f.evidence:
            if ev.path == str(path) and text.get(ev.line, "").strip() != ev.text:
                out.append(f"{path.name}:{ev.line}: the evidence quoted is not that line")
        if "{" in f.message or "?" in f.fix.split():
            out.append(f"{path.name}: a placeholder of the message or fix was not filled in")
    return out


EXPECT_FILE = ".hit.expect.yml"
_ITEM_KEYS = {"findings": ("line", "end_line", "evidence_lines"), "facts": ("line",)}


def _line_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def read_expect(path: Path, derived: bool) -> tuple[list[dict], list[str]]:
    """The items of an expect file (``findings:`` of a rule, ``facts:`` of a derivation),
    and the problems with the file itself: each names the file and the key."""
    import yaml

    from diag.yamlload import Loader

    name = path.name
    key = "facts" if derived else "findings"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [], [f"{name}: cannot be read: {str(exc).splitlines()[0]}"]
    if not isinstance(data, dict):
        return [], [f"{name}: must be a mapping with the key '{key}'"]
    problems = [f"{name}: unknown key '{k}' (a {'derivation' if derived else 'rule'} declares only '{key}')"
                for k in data if k != key]
    items = data.get(key)
    if not isinstance(items, list) or not items:
        return [], problems + [f"{name}: '{key}' must be a non-empty list of {{line: N}}"]
    allowed = _ITEM_KEYS[key]
    good = []
    for i, item in enumerate(items):
        where = f"{name}: {key}[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be a mapping such as {{line: 12}}")
            continue
        bad = [k for k in item if k not in allowed]
        if bad:
            problems.append(f"{where}: unknown key '{bad[0]}' (allowed: {', '.join(allowed)})")
        if not _line_number(item.get("line")):
            problems.append(f"{where}.line: must be a line number (1 or more)")
        elif "end_line" in item and not (_line_number(item["end_line"]) and item["end_line"] >= item["line"]):
            problems.append(f"{where}.end_line: must be a line number, not before line")
        elif "evidence_lines" in item and not (isinstance(item["evidence_lines"], list) and item["evidence_lines"]
                                               and all(_line_number(n) for n in item["evidence_lines"])):
            problems.append(f"{where}.evidence_lines: must be a non-empty list of line numbers")
        elif not bad:
            good.append(item)
    return (good, problems) if not problems else ([], problems)


def _lines(values) -> str:
    return ", ".join(map(str, values)) or "none"


def pointer_problems(rule, report, expect: Path | None = None) -> list[str]:
    """Where the findings of ``rule`` on its hit capture point, against its expect file:
    the same lines (one per finding), each end line and evidence line it declares, and
    each finding's own line among the lines its evidence quotes."""
    expect = expect or rule.hit_expect
    items, problems = read_expect(expect, derived=False)
    if problems:
        return problems
    hit = str(rule.hit_example)
    found = sorted((f for f in report.findings if f.rule_id == rule.id and f.path == hit),
                   key=lambda f: (f.line, f.end_line))
    wanted = sorted(items, key=lambda i: (i["line"], i.get("end_line", 0)))
    got = [f.line for f in found]
    if got != [i["line"] for i in wanted]:
        return [f"{rule.hit_example.name}: the findings point at line(s) {_lines(got)}; "
                f"{expect.name} declares {_lines(i['line'] for i in wanted)}"]
    out = []
    for f, item in zip(found, wanted):
        quoted = {e.line for e in f.evidence if e.path == hit}
        if f.evidence and f.line not in quoted:
            out.append(f"{rule.hit_example.name}:{f.line}: the finding points at a line its evidence does not quote")
        if "end_line" in item and f.end_line != item["end_line"]:
            out.append(f"{rule.hit_example.name}:{f.line}: the finding ends at line {f.end_line}; "
                       f"{expect.name} declares {item['end_line']}")
        missing = [n for n in item.get("evidence_lines", ()) if n not in quoted]
        if missing:
            out.append(f"{rule.hit_example.name}:{f.line}: the evidence does not quote line(s) {_lines(missing)} "
                       f"({expect.name}); it quotes {_lines(sorted(quoted))}")
    return out


def fact_pointer_problems(derivation, found, expect: Path | None = None) -> list[str]:
    """Where the facts a derivation's hit capture derives point (``found``: its devices),
    against its expect file: the lines of the facts of its kind, one per fact."""
    expect = expect or derivation.hit_expect
    items, problems = read_expect(expect, derived=True)
    if problems:
        return problems
    got = sorted(f.line for d in found for f in d.store.get(derivation.kind))
    wanted = sorted(i["line"] for i in items)
    if got != wanted:
        return [f"{derivation.hit_example.name}: the {derivation.kind} facts point at line(s) {_lines(got)}; "
                f"{expect.name} declares {_lines(wanted)}"]
    return []


def _devices(path: Path, book, system_now):
    from diag.api import devices

    return devices([str(path)], book, system_now)


def _run(path: Path, book, system_now, problems: list[str], how=_analyze):
    if not path.is_file():
        problems.append(f"no {path.name} beside the rule")
        return None
    try:
        return how(path, book, system_now)
    except InputError as exc:
        problems.append(f"{path.name}: {exc.problem}")
    except DiagError as exc:  # nothing recognised in the capture, and the like
        problems.append(f"{path.name}: {exc}")
    return None


def check_rule(rule, book, system_now: dt.datetime | None = None) -> Outcome:
    problems: list[str] = []
    hit = _run(rule.hit_example, book, system_now, problems)
    if hit is not None:
        if not any(f.rule_id == rule.id for f in hit.findings):
            needs = [n.needs for n in hit.outcome.not_evaluated if n.rule_id == rule.id]
            why = f" (not evaluated: it needs {', '.join(needs[0])})" if needs else ""
            problems.append(f"{rule.hit_example.name} does not fire the rule{why}")
        elif rule.hit_expect.is_file():
            problems += pointer_problems(rule, hit)
        problems += _evidence_problems(hit, rule.hit_example, rule.id)
    ok = _run(rule.ok_example, book, system_now, problems)
    if ok is not None:
        if any(f.rule_id == rule.id for f in ok.findings):
            problems.append(f"{rule.ok_example.name} fires the rule: a near miss must not")
        needs = [n.needs for n in ok.outcome.not_evaluated if n.rule_id == rule.id]
        if needs:
            problems.append(f"{rule.ok_example.name} leaves the rule not evaluated (it needs "
                            f"{', '.join(needs[0])}): a near miss must be decided")
    return Outcome(rule.id, rule.path, problems)


def check_derivation(derivation, book, system_now: dt.datetime | None = None) -> Outcome:
    problems: list[str] = []
    kind = derivation.kind
    hit = _run(derivation.hit_example, book, system_now, problems, _devices)
    if hit is not None and not any(d.store.get(kind) for d in hit):
        problems.append(f"{derivation.hit_example.name} does not derive {kind}")
    elif hit is not None and derivation.hit_expect.is_file():
        problems += fact_pointer_problems(derivation, hit)
    ok = _run(derivation.ok_example, book, system_now, problems, _devices)
    if ok is not None:
        if any(d.store.get(kind) for d in ok):
            problems.append(f"{derivation.ok_example.name} derives {kind}: a near miss must not")
        elif not all(f"derived:{kind}" in d.coverage for d in ok):
            problems.append(f"{derivation.ok_example.name} leaves {kind} undecided: a near miss must decide it")
    return Outcome(derivation.id, derivation.path, problems)


def check_all(book, folders: list[Path] | None = None, system_now: dt.datetime | None = None) -> list[Outcome]:
    """Check the rules and derivations whose files lie in ``folders`` (all of them when None)."""
    roots = [Path(f).resolve() for f in folders] if folders else None

    def wanted(path: Path) -> bool:
        if roots is None:
            return True
        real = Path(path).resolve()
        return any(real == r or r in real.parents for r in roots)

    out = [check_derivation(d, book, system_now) for d in book.derivations if wanted(d.path)]
    out += [check_rule(r, book, system_now) for r in book.rules if wanted(r.path)]
    return sorted(out, key=lambda o: o.ident)
