"""The diagnosis of each device: its most likely root cause(s), the symptoms they explain,
the one fix to do first, and, when a failure symptom is there, the differential.

It is built from what the rules declare (``explains``: the symptoms a cause explains;
``differential``: a failure symptom that opens the list of candidate causes) and from
what the run found on the device: its findings (confirmed or suspected), the rules it
could not evaluate, the cause rules the capture rules out (``Outcome.ruled_out``) and
what to collect next. Nothing here reads a capture again: the diagnosis is a view of the
report, made once the policy (severity overrides, suppressions, the baseline) is applied.

- A **root cause** is a finding that explains another finding of the device (directly or
  through a chain: a missing name server explains a failed lookup, which explains the
  failed communication) and that no other finding explains. Its **symptoms** are every
  finding it explains, nested under it. Root causes are ranked, most likely first:
  confirmed before suspected, then by confidence, then by impact (the worst severity of
  the cause and its symptoms), the number of symptoms explained, the rule id.
- Findings that neither explain nor are explained by another stand on their own.
- **Fix first**: the fix of the top root cause (for a suspected one, the command that
  confirms it first), else of the most severe finding that stands on its own.
- **Differential**: when a finding of a ``differential`` rule is there (the communication
  with Cisco failed), every rule that explains it, each ``confirmed``, ``suspected``,
  ``ruled_out`` (with the evidence) or ``unchecked`` (with the command that checks it).
- **Status** of the device: ``healthy`` (no error or warning), ``diagnosed`` (a confirmed
  root cause), ``suspected`` (only suspected root causes), ``unexplained`` (a failure
  symptom without any root cause found: see the differential), ``findings`` (errors or
  warnings, each standing on its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from diag.model import SEVERITY_RANK, Evidence, Finding, share

CONFIDENCE_RANK = {"high": 3, "medium": 2, "low": 1}
STATUSES = ("healthy", "diagnosed", "suspected", "unexplained", "findings")
CANDIDATE_STATUSES = ("confirmed", "suspected", "ruled_out", "unchecked")


@dataclass(slots=True)
class Cause:
    """A finding of a cause rule with the symptoms it explains on the device."""

    finding: Finding
    symptoms: list[Finding] = field(default_factory=list)  # every finding it explains, in report order
    direct: dict[str, list[str]] = field(default_factory=dict)  # symptom id -> the ids that explain it here

    def to_json(self) -> dict:
        f = self.finding
        return {"rule_id": f.rule_id, "status": f.status, "confidence": f.confidence, "severity": f.severity,
                "path": f.path, "line": f.line, "symptoms": [s.rule_id for s in self.symptoms]}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A rule that would explain a failure symptom of the device, and where it stands."""

    rule_id: str
    title: str
    status: str  # confirmed | suspected | ruled_out | unchecked
    explains: tuple[str, ...]  # the device's symptoms it would explain
    evidence: tuple[Evidence, ...] = ()
    note: str = ""
    command: str | None = None  # unchecked (or suspected): the command that checks it

    def to_json(self) -> dict:
        out = {"rule_id": self.rule_id, "status": self.status, "explains": list(self.explains)}
        if self.evidence:
            out["evidence"] = [e.to_json() for e in self.evidence]
        if self.note:
            out["note"] = self.note
        if self.command:
            out["command"] = self.command
        return out


@dataclass(slots=True)
class Diagnosis:
    """A device's diagnosis: its status, the causes found, the findings no cause explains,
    what to fix first and, for failure symptoms left open, the candidate causes."""

    device: str
    key: str
    status: str
    causes: list[Cause] = field(default_factory=list)
    standalone: list[Finding] = field(default_factory=list)
    fix_first: dict | None = None  # {rule_id, action: fix|confirm, fix, command?}
    differential: list[Candidate] = field(default_factory=list)
    open_symptoms: tuple[str, ...] = ()  # the failure symptoms the differential is for

    def to_json(self) -> dict:
        explained = []
        for cause in self.causes:
            explained += [s.rule_id for s in cause.symptoms if s.rule_id not in explained]
        return {
            "status": self.status,
            "causes": [c.to_json() for c in self.causes],
            "symptoms": explained,
            "standalone": [f.rule_id for f in self.standalone],
            "fix_first": self.fix_first,
            "differential": {"symptoms": list(self.open_symptoms),
                             "candidates": [c.to_json() for c in self.differential]} if self.open_symptoms else None,
        }

    def lines(self) -> list[tuple[int, Finding, str, tuple[str, ...]]]:
        """Every finding of the device once, as the diagnosis orders them: (depth, finding,
        role, also) with role ``cause``, ``symptom`` or ``finding`` (stands on its own); a
        symptom comes under the first cause that explains it, and ``also`` names, for a
        later cause, the symptoms it explains that are listed already."""
        out, seen = [], set()
        for cause in self.causes:
            also = tuple(dict.fromkeys(s.rule_id for s in cause.symptoms if id(s) in seen))
            out.append((0, cause.finding, "cause", also))
            seen.add(id(cause.finding))
            for s in cause.symptoms:
                if id(s) not in seen:
                    out.append((1, s, "symptom", ()))
                    seen.add(id(s))
        for f in self.standalone:
            if id(f) not in seen:
                out.append((0, f, "finding", ()))
        return out

    def headline(self) -> str:
        """The diagnosis in a few words: its status and its root causes."""
        confirmed = sum(1 for c in self.causes if c.finding.status == "confirmed")
        suspected = len(self.causes) - confirmed
        parts = []
        if confirmed:
            parts.append(f"{confirmed} root cause{'s' if confirmed > 1 else ''} found")
        if suspected:
            parts.append(f"{suspected} suspected")
        if not self.causes:
            n = len(self.standalone)
            parts.append({"healthy": "no problem found", "unexplained": "no root cause found in what was captured",
                          "findings": f"{n} finding{'s' if n != 1 else ''}, none explaining another"
                          }.get(self.status, self.status))
        return f"{self.status}: " + ", ".join(parts)


def _rank(f: Finding, symptoms: list[Finding] = ()) -> tuple:
    """Most likely first: confirmed before suspected, then by confidence, then by impact (the
    worst severity of the finding and what it explains), then by the symptoms it explains."""
    impact = max([SEVERITY_RANK[f.severity], *(SEVERITY_RANK[s.severity] for s in symptoms)])
    return (f.status != "confirmed", -CONFIDENCE_RANK.get(f.confidence, 0), -impact, -len(symptoms),
            f.rule_id, f.path, f.line)


_PLUMBING = {"configure terminal", "conf t", "end", "exit", "callhome", "copy running-config startup-config"}


_CHECKS = ("show ", "ping ", "telnet ")


def _changes(text: str) -> str:
    """The commands of a fix that change something (not a comment, a mode change or a check),
    on one line, each configuration sub-mode named once before its commands (``callhome ; no
    destination-profile ... ; destination-profile ...``: NX-OS takes ';' between commands);
    else the first command. A fix is two lines or more only when all of them are needed
    (the plain-HTTP fix removes the old URL and adds the new one)."""
    rows = [(len(line) - len(line.lstrip()), line.strip()) for line in text.splitlines()
            if line.strip() and not line.strip().startswith("!")]
    out: list[str] = []
    mode = None
    for i, (indent, line) in enumerate(rows):
        if line in _PLUMBING or line.startswith(_CHECKS):
            continue
        parent = next((p for d, p in reversed(rows[:i]) if d < indent and p != "configure terminal"), None)
        parent = parent if parent in _PLUMBING else None
        if parent != mode and parent is not None:
            out.append(parent)
        mode = parent
        out.append(line)
    return " ; ".join(out) if out else (rows[0][1] if rows else "")


def diagnose_device(dev, findings: list[Finding], rules, not_evaluated, ruled_out, collect) -> Diagnosis:
    """The diagnosis of one device (a ``DeviceSummary``) from its part of the report."""
    by_id = getattr(rules, "by_id", {}) if rules is not None else {}
    explains = {rid: set(r.explains) for rid, r in by_id.items()}
    present: dict[str, list[Finding]] = {}
    for f in findings:
        present.setdefault(f.rule_id, []).append(f)
    # direct edges between present findings (by rule id)
    edges = {rid: sorted(explains.get(rid, set()) & set(present) - {rid}) for rid in present}
    explained_by: dict[str, set[str]] = {}
    for rid, targets in edges.items():
        for t in targets:
            explained_by.setdefault(t, set()).add(rid)

    def reach(rid: str) -> list[str]:
        out, todo = [], list(edges.get(rid, ()))
        while todo:
            t = todo.pop(0)
            if t not in out:
                out.append(t)
                todo.extend(edges.get(t, ()))
        return out

    order = {id(f): i for i, f in enumerate(findings)}
    causes: list[Cause] = []
    for rid, fs in present.items():
        if explained_by.get(rid) or not edges.get(rid):
            continue
        best = min(fs, key=_rank)
        symptoms = sorted((s for t in reach(rid) for s in present[t]),
                          key=lambda s: (-SEVERITY_RANK[s.severity], s.path, s.line, order[id(s)]))
        causes.append(Cause(best, symptoms, {t: sorted(explained_by[t]) for t in reach(rid)}))
    causes.sort(key=lambda c: _rank(c.finding, c.symptoms))
    nested = {id(c.finding) for c in causes} | {id(s) for c in causes for s in c.symptoms}
    # a second finding of a root cause's rule (another line) stands beside it, not lost
    standalone = sorted((f for f in findings if id(f) not in nested),
                        key=lambda f: (f.status != "confirmed", -SEVERITY_RANK[f.severity], _rank(f)))

    # the differential: every rule that explains a failure symptom found on the device
    open_symptoms = tuple(sorted({rid for rid in present if by_id.get(rid) is not None and by_id[rid].differential
                                  and any(rid in ex for ex in explains.values())}))
    candidates: list[Candidate] = []
    if open_symptoms:
        open_rules = {n.rule_id: n for n in not_evaluated}
        cleared = {r.rule_id: r for r in ruled_out}
        commands: dict[str, str] = {}
        for c in collect:
            for rid in c.settles:
                commands.setdefault(rid, c.command)
        for rid, rule in sorted(by_id.items()):
            targets = tuple(s for s in open_symptoms if s in rule.explains)
            if not targets:
                continue
            fs = present.get(rid)
            if fs:
                f = min(fs, key=_rank)
                candidates.append(Candidate(rid, rule.title, "suspected" if f.suspected else "confirmed", targets,
                                            (next((e for e in f.evidence if e.line == f.line), None)
                                             or Evidence(f.path, f.line, ""),) if f.path else (),
                                            command=f.confirm_with[0] if f.suspected and f.confirm_with else None))
            elif rid in cleared:
                r = cleared[rid]
                candidates.append(Candidate(rid, rule.title, "ruled_out", targets, r.evidence, r.note))
            elif rid in open_rules:
                needs = open_rules[rid].needs
                candidates.append(Candidate(rid, rule.title, "unchecked", targets,
                                            command=commands.get(rid) or (needs[0] if needs else None)))
            # else: the rule does not apply to this device (its licensing mode), or a baseline or
            # suppression took its finding away: not a candidate here
        candidates.sort(key=lambda c: (CANDIDATE_STATUSES.index(c.status), c.rule_id))

    serious = [f for f in findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK["warning"]]
    if any(c.finding.status == "confirmed" for c in causes):
        status = "diagnosed"
    elif causes:
        status = "suspected"
    elif not serious:
        status = "healthy"
    elif open_symptoms:
        status = "unexplained"
    else:
        status = "findings"

    fix_first = None
    top = causes[0].finding if causes else next((f for f in standalone if f.severity != "info"), None)
    if top is not None:
        if top.suspected:
            fix_first = {"rule_id": top.rule_id, "action": "confirm",
                         "command": top.confirm_with[0] if top.confirm_with else None, "fix": top.fix}
        else:
            fix_first = {"rule_id": top.rule_id, "action": "fix", "fix": top.fix}
    return Diagnosis(dev.name, dev.key, status, causes, standalone, fix_first, candidates, open_symptoms)


def diagnose(report) -> list[Diagnosis]:
    """One diagnosis per device of the report, in device order."""
    findings: dict[str, list[Finding]] = {}
    for f in report.outcome.findings:
        findings.setdefault(f.device, []).append(f)
    by_key: dict[str, tuple[list, list, list]] = {}
    for n in report.outcome.not_evaluated:
        by_key.setdefault(n.key, ([], [], []))[0].append(n)
    for r in report.outcome.ruled_out:
        by_key.setdefault(r.key, ([], [], []))[1].append(r)
    for c in report.outcome.collect_next:
        by_key.setdefault(c.key, ([], [], []))[2].append(c)
    out, pool = [], {}
    for dev in report.devices:
        ne, ro, cn = by_key.get(dev.key, ([], [], []))
        diagnosis = diagnose_device(dev, findings.get(dev.name, []), report.rules, ne, ro, cn)
        share(diagnosis.differential, pool)  # a fleet's candidates repeat their texts device after device
        out.append(diagnosis)
    return out


def fix_summary(fix_first: dict | None) -> str:
    """One line for a fix first: the commands of the fix that change something, or the
    command that confirms."""
    if not fix_first:
        return ""
    if fix_first["action"] == "confirm":
        return f"confirm first: {fix_first.get('command') or 'collect what the rule needs'}"
    return _changes(fix_first.get("fix") or "")
