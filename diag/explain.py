"""``diag explain``: a rule's documentation, rendered from the rule itself.

The example is the rule's real ``.hit.txt`` capture and what diag reports on
it, so the documentation cannot drift from the behaviour.
"""

from __future__ import annotations

import textwrap

from diag.rulebook import Rule, RuleBook

MAX_EXAMPLE_LINES = 40


def _wrap(text: str, indent: str = "  ") -> list[str]:
    out = []
    for para in text.strip().split("\n\n"):
        out.extend(textwrap.wrap(" ".join(para.split()), 88, initial_indent=indent, subsequent_indent=indent,
                                 break_on_hyphens=False, break_long_words=False))  # rule ids stay whole
        out.append("")
    return out[:-1]


def explain_rule(rule: Rule, book: RuleBook) -> str:
    from diag.api import Options, analyze

    out = [f"{rule.id}: {rule.title}", ""]
    out.append(f"  severity {rule.severity} · confidence {rule.confidence} · area {rule.area}")
    needs = ["any of " + " / ".join(a) if len(a) > 1 else a[0] for a in rule.requires]
    out.append(f"  needs: {', '.join(needs) if needs else 'nothing beyond the capture itself'}")
    if rule.modes:
        out.append(f"  applies to: {', '.join(rule.modes)} licensing")
    out += ["", "What it checks:"] + _wrap(rule.docs["what"])
    out += ["", "Why it matters:"] + _wrap(rule.docs["why"])
    if "confirm" in rule.docs:
        out += ["", "What would confirm it:"] + _wrap(rule.docs["confirm"])
    example = rule.hit_example
    hit = None  # what diag reports on the example
    if example.is_file():
        lines = example.read_text(encoding="utf-8", errors="replace").splitlines()
        out += ["", f"Example that fires it ({example.name}):"]
        for no, line in enumerate(lines[:MAX_EXAMPLE_LINES], start=1):
            out.append(f"  {no:>3} | {line}")
        if len(lines) > MAX_EXAMPLE_LINES:
            out.append(f"      | ... ({len(lines) - MAX_EXAMPLE_LINES} more lines)")
        report = analyze([str(example)], Options(select=(rule.id,)), rules=book)
        hits = [f for f in report.findings if f.rule_id == rule.id]
        if hits:
            hit = hits[0]
            out += ["", "What diag reports on it:"]
            out += [f"  {line}" for line in hit.message.splitlines()]
            out += [f"  line {e.line}: {e.text}" for e in hit.evidence]
            out += ["", "Fix (for this example):"] + [f"  {line}" for line in hit.fix.splitlines()]
    if hit is None:
        out += ["", "Fix:"] + [f"  {line}" for line in rule.fix.placeholders().strip().splitlines()]
    # the verify commands as diag reports them on the example (its URL, VRF, dates), else
    # with a readable stand-in for each value: never a raw {binding.field} template
    verify = hit.verify_expect if hit is not None else [
        (command.placeholders().strip(), expect.placeholders().strip() if expect is not None else None)
        for command, expect in rule.verify]
    out += ["", "Verify with:" if hit is None else "Verify with (for this example):"]
    for command, expect in verify:
        out.append(f"  {command}" + (f"  (expect: {expect})" if expect is not None else ""))
    # its place in the diagnosis: what it explains, what it is explained by, its suspected form
    explains = sorted(getattr(rule, "explains", ()) or ())
    explained_by = sorted(r.id for r in book.rules if rule.id in (getattr(r, "explains", ()) or ()))
    if explains or explained_by or getattr(rule, "differential", False):
        out += ["", "In the diagnosis:"]
        if explains:
            out += _wrap("A root cause of: " + ", ".join(explains) + ".")
        if explained_by:
            out += _wrap("A symptom of: " + ", ".join(explained_by) + ".")
        if getattr(rule, "differential", False):
            out += _wrap("When it fires, the report lists every candidate cause above, each confirmed, "
                         "suspected, ruled out or unchecked.")
    suspect = getattr(rule, "suspect", None)
    if suspect is not None:
        out += ["", "Suspected when its signature shows without what confirms it:"]
        out += _wrap(f"Confirmed by: {suspect.confirms}")
        out += _wrap(f"Ruled out by: {suspect.rules_out}")
    if rule.escalate is not None:
        out += ["", f"Severity: {rule.severity}, raised to {rule.escalate[0]} when "
                    + ", ".join(f"{n}.{f} {' '.join(op for op, _ in p.ops)} ..." for n, f, p in rule.escalate[1])]
    out += ["", "References:"] + [f"  - {ref}" for ref in rule.references]
    return "\n".join(out) + "\n"
