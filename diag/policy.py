"""Policy applied to findings after the rules ran: severity overrides, inline
suppressions and the baseline. Severity is policy, not part of a check: a team
may treat ``ntp-missing`` as an error or accept a known finding without editing
a rule.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from diag.model import STDIN, STDIN_NAME, Finding
from diag.errors import DiagError
from diag.split import Suppression

BASELINE_SCHEMA = "diag-baseline/1"


@dataclass(frozen=True)
class Suppressed:
    """A finding an inline ``! diag: ignore`` comment silenced, with the comment."""

    finding: Finding
    by: Suppression

    def to_json(self) -> dict:
        return {**self.finding.to_json(),
                "suppressed_by": {"path": self.by.path, "line": self.by.line, "reason": self.by.reason}}


def override_severity(findings: list[Finding], overrides: dict[str, str]) -> list[Finding]:
    if not overrides:
        return findings
    return [dataclasses.replace(f, severity=overrides[f.rule_id]) if f.rule_id in overrides else f
            for f in findings]


def _candidate_lines(f: Finding) -> set[tuple[str, int]]:
    """A suppression counts on the finding's line or the line above, or beside any evidence line."""
    lines = {(f.path, f.line), (f.path, f.line - 1)}
    for e in f.evidence:
        lines |= {(e.path, e.line), (e.path, e.line - 1)}
    return lines


def suppress(findings: list[Finding], suppressions: list[Suppression]) -> tuple[list[Finding], list[Suppressed]]:
    by_line: dict[tuple[str, int], list[Suppression]] = {}
    for s in suppressions:
        for line in (s.line, *(no for no, _ in s.pieces)):  # a hard-wrapped comment: each of its lines
            by_line.setdefault((s.path, line), []).append(s)
    kept: list[Finding] = []
    gone: list[Suppressed] = []
    for f in findings:
        match = next((s for key in sorted(_candidate_lines(f)) for s in by_line.get(key, ()) if s.applies_to(f.rule_id)),
                     None)
        if match is None or f.rule_id == "suppression-without-reason":
            kept.append(f)
        else:
            gone.append(Suppressed(f, match))
    return kept, gone


def baseline_key(f: Finding) -> tuple:
    """What identifies a finding across commits: rule, device and evidence text, not line numbers."""
    return (f.rule_id, f.device, tuple(sorted(e.text for e in f.evidence)))


def write_baseline(path: str, findings: list[Finding]) -> None:
    entries = [{"rule_id": f.rule_id, "device": f.device, "evidence": sorted(e.text for e in f.evidence)}
               for f in findings]
    entries.sort(key=lambda e: (e["device"], e["rule_id"], e["evidence"]))
    data = {"schema": BASELINE_SCHEMA, "findings": entries}
    try:
        import json

        Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise DiagError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from None


BASELINE_LIMIT = 256 << 20  # bytes: the baseline of a very large fleet stays far below


def read_baseline(path: str) -> Counter:
    import json

    from diag.config import read_small

    try:
        data = json.loads(read_small(path, BASELINE_LIMIT, "baseline"))
    except FileNotFoundError:
        raise DiagError(f"{path}: baseline file not found (write one with --write-baseline)") from None
    except json.JSONDecodeError as exc:
        raise DiagError(f"{path}: not a diag baseline (invalid JSON at line {exc.lineno})") from None
    except (ValueError, RecursionError) as exc:  # numbers of thousands of digits, deep nesting
        raise DiagError(f"{path}: not a diag baseline ({str(exc)[:120]})") from None
    if not isinstance(data, dict) or data.get("schema") != BASELINE_SCHEMA or not isinstance(data.get("findings"), list):
        raise DiagError(f"{path}: not a diag baseline (expected schema {BASELINE_SCHEMA})")
    keys: Counter = Counter()
    for i, entry in enumerate(data["findings"]):
        try:
            evidence = entry["evidence"]
            if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
                raise TypeError
            device = entry["device"]
            if device == STDIN:  # a device named after stdin, by a diag that named it '-'
                device = STDIN_NAME
            keys[(entry["rule_id"], device, tuple(sorted(evidence)))] += 1
        except (KeyError, TypeError):
            raise DiagError(f"{path}: findings[{i}] needs rule_id, device and evidence "
                            "(a list of evidence lines)") from None
    return keys


def apply_baseline(findings: list[Finding], known: Counter) -> tuple[list[Finding], list[Finding]]:
    """Split findings into new ones and those the baseline already accepts (each entry once)."""
    left = Counter(known)
    new: list[Finding] = []
    old: list[Finding] = []
    for f in findings:
        key = baseline_key(f)
        if left[key] > 0:
            left[key] -= 1
            old.append(f)
        else:
            new.append(f)
    return new, old
