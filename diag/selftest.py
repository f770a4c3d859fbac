"""``diag rules --test``: every rule proves itself on the captures beside it.

The check the project's own test suite makes of the built-in rules, offered to the
authors of site rules: ``<id>.hit.txt`` must fire the rule (or derive the derived
fact), ``<id>.ok.txt``, a near miss, must not, and must still be evaluated (a
near miss that lacks a command the rule needs proves nothing). Every evidence line
of a finding must be a line of the capture, and no placeholder may stay unrendered.
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
