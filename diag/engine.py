"""Evaluate rules against devices: findings, rules not evaluated, what to collect next."""

from __future__ import annotations

import dataclasses
import datetime as dt

from diag import limits
from diag.commands import RUNNING_CONFIG, covers, scope_collect
from diag.conditions import UNKNOWN, Binding, Ctx, bound
from diag.facts import CATALOGUE
from diag.model import (MAX_EVIDENCE, SEVERITY_RANK, Collect, Evidence, Finding, NotEvaluated, Outcome, RuledOut,
                        shown_path)
from diag.rulebook import Rule, RuleBook
from diag.split import declarable


def _expand(pairs) -> list[tuple]:
    """(fact, fields) pairs with derived facts replaced by what they were concluded from."""
    out = []
    for fact, fields in pairs:
        if fact.support:
            out.extend(_expand(fact.support))
        else:
            out.append((fact, fields))
    return out


def _evidence(b: Binding) -> list[Evidence]:
    out: list[Evidence] = []
    seen: set[tuple[str, int]] = set()
    pieces: set[tuple[str, int]] = set()  # the rest of a hard-wrapped line: not counted in the limit
    for fact, fields in _expand(v for _, v in bound(b)):
        lines = sorted({fact.line_of(f) for f in fields}) if fields else [fact.line]
        if fact.kind == "capture.unparsed":
            last = fact.lines.get("last", fact.line)
            lines = list(range(fact.line, min(last, fact.line + MAX_EVIDENCE - 1) + 1))
        else:
            joined = getattr(fact.section, "joined", None) or {}
            pieces.update((fact.path, n) for line in lines for n in joined.get(line, ()))
            lines = _with_pieces(fact.section, lines)
        for line in lines:
            key = (fact.path, line)
            if key in seen:
                continue
            seen.add(key)
            text = fact.text_at(line)
            if fact.kind == "capture.unparsed" and not text.strip():
                continue
            out.append(Evidence(fact.path, line, text.strip()))
    out.sort(key=lambda e: (e.path, e.line))
    if len(out) <= MAX_EVIDENCE:
        return out
    kept, count = [], 0
    for e in out:
        if (e.path, e.line) not in pieces:
            if count == MAX_EVIDENCE:
                break
            count += 1
        kept.append(e)
    return kept


def _with_pieces(section, lines: list[int]) -> list[int]:
    """The lines, each followed by the other pieces of it when a hard wrap was joined
    (``Section.joined``): the evidence quotes every original line."""
    joined = getattr(section, "joined", None)
    if not joined:
        return lines
    return [n for line in lines for n in (line, *joined.get(line, ()))]


def _anchor(at, b: Binding) -> tuple[str | None, int | None]:
    """The binding a finding (or derived fact) points at, and its line when ``at`` names a
    field: the first entry of ``at`` whose binding is bound and, for ``name.field``, whose
    fact has that field's line (the line to change, or the line that shows the problem).
    When no named field has a line, the fact's own line (a block's header: what is missing
    belongs there). A bare binding, or none named bound: that binding (else the first one
    bound), with ``None`` for the line (the caller's default)."""
    first = None
    for name, fld in at:
        if name not in b:
            continue
        if fld is None:
            return name, None
        fact = b[name][0]
        if fld in fact.lines:
            return name, fact.lines[fld]
        if first is None:
            first = name
    if first is not None:
        return first, b[first][0].line
    return next((name for name, _ in bound(b)), None), None


def _place(rule: Rule, b: Binding) -> tuple[str, int, int]:
    """Where a finding of this binding points: path, line, end line (``at``, else the lines
    of the fields the primary binding's predicates test)."""
    primary_name, line = _anchor(rule.at, b)
    if primary_name is None:
        return "", 0, 0
    fact, fields = b[primary_name]
    if line is not None:
        return fact.path, line, _with_pieces(fact.section, [line])[-1]
    own = [fact.line_of(f) for f in fields] or [fact.line]
    line, end_line = min(own), max(own)
    if fact.kind == "capture.unparsed":
        end_line = fact.lines.get("last", line)
    else:
        end_line = _with_pieces(fact.section, [end_line])[-1]
    return fact.path, line, end_line


def _pointed_evidence(rule: Rule, b: Binding) -> list[Evidence]:
    """A binding's evidence, with the line its finding points at."""
    evidence = _evidence(b)
    path, line, _ = _place(rule, b)
    if line and not any(e.path == path and e.line == line for e in evidence):
        # 'at' named a field the predicates do not test (here or in what a derived fact was
        # concluded from): the line pointed at is quoted too
        fact = b[_anchor(rule.at, b)[0]][0]
        evidence = sorted([*evidence, *(Evidence(path, n, fact.text_at(n).strip())
                                        for n in _with_pieces(fact.section, [line]))], key=lambda e: (e.path, e.line))
    return evidence


def _finding(rule: Rule, b: Binding, ctx: Ctx, device: str, message: str | None = None) -> Finding:
    evidence = _pointed_evidence(rule, b)
    path, line, end_line = _place(rule, b)
    verify = tuple((command.render(b, ctx, device, guard=True).strip(),
                    expect.render(b, ctx, device, guard=True).strip() if expect is not None else None)
                   for command, expect in rule.verify)
    return Finding(
        rule_id=rule.id, severity=rule.severity_for(b, ctx), confidence=rule.confidence, title=rule.title,
        message=rule.message.render(b, ctx, device).strip() if message is None else message,
        device=device, path=path, line=line, end_line=end_line, evidence=tuple(evidence),
        fix=rule.fix.render(b, ctx, device, guard=True).strip("\n"),
        verify=tuple(c for c, _ in verify), references=tuple(rule.references), verify_expect=verify,
    )


MAX_GROUPED = 100  # matches a 'group: device' finding lists; the message counts the rest


def _grouped(rule: Rule, bindings: list[Binding], ctx: Ctx, device: str) -> Finding:
    """One finding for every match of a rule on a device (``group: device``): several
    samples of one output (``show system internal mts buffers summary`` run three times)
    showing one problem. The first match by place gives the line, message, fix and verify
    commands; the evidence is every match's, and the message says where the others are."""
    by_place: dict[tuple[str, int], Binding] = {}
    for b in sorted(bindings, key=lambda b: _place(rule, b)):
        by_place.setdefault(_place(rule, b)[:2], b)  # the same line once
    places = list(by_place)
    kept = [by_place[p] for p in places[:MAX_GROUPED]]
    primary = kept[0]
    severity = max((rule.severity_for(b, ctx) for b in kept), key=lambda s: SEVERITY_RANK[s])
    message = rule.message.render(primary, ctx, device).strip()
    if len(places) > 1:
        shown = places[:MAX_GROUPED]
        one_file = all(where == places[0][0] for where, _ in shown)
        spots = [str(line) if one_file else f"{where}:{line}" for where, line in shown]
        listed = ("lines " if one_file else "") + ", ".join(spots[:-1]) + " and " + spots[-1]
        more = f", and {len(places) - MAX_GROUPED:,} more not listed" if len(places) > MAX_GROUPED else ""
        message = f"{message} It holds {len(places):,} times on {device}: at {listed}{more} (each in the evidence)."
    evidence: dict[tuple[str, int], Evidence] = {}
    for b in kept:
        for e in _pointed_evidence(rule, b):
            evidence.setdefault((e.path, e.line), e)
    finding = _finding(rule, primary, ctx, device, message)
    return dataclasses.replace(finding, severity=severity,
                               evidence=tuple(evidence[k] for k in sorted(evidence)))


def _fallback_anchor(rule: Rule, dev, shown: tuple = ()) -> Binding:
    """For a rule that fires with nothing bound (pure absence), point at the section that
    proves it: one that covers what it requires, else a filtered output that showed what
    it reads (``shown``)."""
    from diag.facts import Fact

    captured = getattr(dev, "captured", {})
    for alts in rule.requires:
        # of the outputs that prove it, the first of the newest capture (a later backup of the
        # configuration in another file is the current state; a paste repeated is its first copy)
        best, when = None, None
        for section in dev.sections:
            if any(covers(section.coverage, scope) for scope in alts):
                at = captured.get(id(section))
                if best is None or (at is not None and (when is None or at > when)):
                    best, when = section, at
        if best is not None:
            fact = Fact("capture.section", {}, {}, best, best.start)
            return {"section": (fact, ())}
    for section in shown:
        fact = Fact("capture.section", {}, {}, section, section.start)
        return {"section": (fact, ())}
    return {}


def _command_of(scope: str) -> str:
    """The command whose output a scope is part of (``show running-config callhome``: the
    running configuration)."""
    return RUNNING_CONFIG if scope.startswith(RUNNING_CONFIG + " ") else scope


def _partial(section) -> bool:
    """Whether an output is a filtered one that may still settle what a rule reads: one
    whose filter proves lines absent (``Section.shows``), or a filtered show version
    (diag.filters.IN_PLACE)."""
    if section.shows:
        return True
    if "|" not in section.typed:
        return False
    from diag.filters import IN_PLACE  # only for a filtered output: an unfiltered capture does not pay for it

    command = section.spec.name
    return command in IN_PLACE and not covers(section.coverage, command)


def _shows(section, kind: str, fields: frozenset[str], dev) -> bool:
    """Whether a filtered output shows every fact of ``kind`` with ``fields``: the lines of
    each (``Section.shows``, with ``""``, what proves the kind absent); for a kind a
    configuration has one of at most (the callhome block), the fact it gave and the lines
    of those fields."""
    from diag.filters import IN_PLACE, SINGLETONS, in_place_fields

    command = section.spec.name
    if command in IN_PLACE and not covers(section.coverage, command):
        # show version: what it showed is settled, whatever it hid (filters.IN_PLACE)
        need = in_place_fields(command, kind, fields)
        if need is None:
            return False
        return any(f.section is section and all(f.get(x) is not None for x in need)
                   for f in dev.store.get(IN_PLACE[command][0]))
    shown = section.shows.get(kind)
    if not shown or not fields <= shown:
        return False
    if "" in shown:
        return True
    return kind in SINGLETONS and any(f.section is section for f in dev.store.get(kind))


def partial_scopes(reads: dict[str, frozenset[str]], scopes: dict[str, list[str]], dev,
                   filtered: list) -> tuple[frozenset[str], dict, tuple]:
    """The scopes a rule (or derivation) names that the device's filtered outputs cover *for
    it*, with the sections it may take each kind's facts from, and those sections.

    ``show running-config | include ntp`` is no whole configuration, but it shows every
    ``ntp server`` line there is: for a rule that reads nothing else of the configuration
    it is as good as one. A scope counts as covered for the rule when the rule reads at
    least one fact kind of it and each kind it reads is proven by the device's coverage
    (``show running-config interface`` for interfaces) or shown, with every field the rule
    tests, by one filtered output (``Section.shows``, diag.filters). Facts of those kinds
    from other filtered outputs are then left out of the rule's judgement (``Ctx.sources``):
    a filter that hid a line may have left a fact that says otherwise.
    """
    from diag.facts import CATALOGUE

    if not filtered:
        return frozenset(), {}, ()
    from diag.filters import IN_PLACE

    extra: set[str] = set()
    sources: dict[str, frozenset[int]] = {}
    shown: list = []
    for scope, kinds in scopes.items():  # with the kinds the rule reads that the scope proves
        if covers(dev.coverage, scope):
            continue
        command = _command_of(scope)
        needed = [k for k in kinds if not any(covers(dev.coverage, p) for p in CATALOGUE[k].proven_by)]
        found: dict[str, list] = {}
        for kind in needed:
            secs = [s for s in filtered if s.spec.name == command and _shows(s, kind, reads[kind], dev)]
            if not secs:
                break
            found[kind] = secs
        if not found or len(found) < len(needed):
            continue  # a kind no output shows whole, or no filtered output needed at all
        extra.add(scope)
        for kind, secs in found.items():
            if command not in IN_PLACE:
                # what another filter of show version showed is as true as what this one did
                # (filters.IN_PLACE): only outputs whose silence proves something are singled out
                sources[kind] = sources.get(kind, frozenset()) | {id(s) for s in secs}
            shown.extend(s for s in secs if s not in shown)
    return frozenset(extra), sources, tuple(shown)


HEADERLESS = ("{path} (line {line}) holds a configuration without a 'version' line or a '!Command:' header, "
              "so diag does not take it for a whole running-config; if it is one, declare it: 'whole-config: "
              "[\"<glob>\"]' in .diag.yaml or [tool.diag], or 'diag check --whole-config <glob>'")


CUT_SHORT = ("{path} (line {line}) holds a running-config that stops before 'line console' and 'line vty', "
             "which every NX-OS running-config prints: it looks cut short (a pager prompt, a capture stopped "
             "early), so what it lacks proves nothing; capture it again whole, after 'terminal length 0'")
CUT_FILE = ("{path} (line {line}) holds a configuration without 'line console' and 'line vty', which every "
            "NX-OS running-config prints, so diag does not take it for a whole one (cut short, or rendered "
            "from a template); if it is whole, declare it: 'whole-config: [\"<glob>\"]' in .diag.yaml or "
            "[tool.diag], or 'diag check --whole-config <glob>'")


def _not_evaluated(rule: Rule, dev, needs: tuple[str, ...]) -> NotEvaluated:
    """A rule not evaluated on a device; when what it needs is the whole configuration and
    the device has one without a header (``Section.headerless``), the reason says how to
    declare it whole."""
    reason = ""
    if any(n == RUNNING_CONFIG or n.startswith(RUNNING_CONFIG + " ") for n in needs):
        headerless = next((s for s in dev.sections if getattr(s, "headerless", False)), None)
        if headerless is not None:
            reason = HEADERLESS.format(path=shown_path(headerless.path), line=headerless.start)
        cut = next((s for s in dev.sections if getattr(s, "cut_short", False)), None)
        if cut is not None and not reason:
            reason = (CUT_FILE if declarable(cut) else CUT_SHORT).format(path=shown_path(cut.path), line=cut.start)
    if not reason:
        # a need that only an output cut short (split.Section.stops) holds: say which, and why
        part = RUNNING_CONFIG + " callhome"  # what a callhome part cut short would have covered
        cut = next((s for s in dev.sections if getattr(s, "stops", "") and any(
            covers(s.coverage, n) or (not s.coverage and s.command == RUNNING_CONFIG and n == part)
            for n in needs)), None)
        if cut is not None:
            reason = (f"{cut.typed} ({shown_path(cut.path)}, line {cut.start}) looks cut short: {cut.stops}, so what "
                      "it leaves out proves nothing; capture it again whole, after 'terminal length 0'")
    if not reason:
        # a need the device has, but in an output with lines diag could not read
        # (conditions.Ctx.unread_doubt): say which lines, so that it is captured again whole
        unread = [f for f in dev.store.get("capture.unparsed")
                  if any(covers(f.section.coverage, n) for n in needs)]
        if unread:
            f = unread[0]
            reason = (f"{f.section.command} ({shown_path(f.path)}, line {f.line}) has lines diag could not read, "
                      "so it proves nothing missing; capture it again whole, without wrapped or edited lines")
    return NotEvaluated(rule.id, dev.name, needs, rule.severity, dev.key, reason)


def derive(rules: RuleBook, dev, now: dt.datetime) -> dict[str, frozenset[str]]:
    """Run the derivations on a device: add their facts and what they settled.

    A derivation that holds adds one fact per binding, whose evidence is the
    evidence of what it was concluded from. A kind is decided once every
    derivation that concludes it is decided (holds or not): then the scope
    ``derived:<kind>`` joins the device's coverage (so its absence is proven).
    A derivation that cannot be decided leaves the commands that would decide
    it, and its kind stays undecided even when another derivation added facts.
    """
    from diag.facts import Fact

    needs: dict[str, frozenset[str]] = {}
    last = {d.kind: i for i, d in enumerate(rules.derivations)}
    filtered = [s for s in dev.sections if _partial(s)]
    for i, d in enumerate(rules.derivations):
        coverage, sources = dev.coverage, None
        if filtered:  # (the rule book's reading is worked out for the first such device)
            extra, sources, _ = partial_scopes(*rules.reading[id(d)], dev, filtered)
            if extra:
                coverage = dev.coverage | extra
        missing = [alts for alts in d.requires if not any(covers(coverage, s) for s in alts)]
        if missing:
            needs[d.kind] = needs.get(d.kind, frozenset()) | frozenset(a[0] for a in missing)
        else:
            ctx = Ctx(dev.store, coverage, now, CATALOGUE, needs, sources=sources or None, sections=dev.sections)
            results = d.when.match({}, ctx)
            bindings = [b for b in results if UNKNOWN not in b]
            if not bindings and results:
                needs[d.kind] = needs.get(d.kind, frozenset()).union(*(b[UNKNOWN] for b in results))
            for b in bindings:
                pairs = [v for _, v in bound(b)]
                name, anchor = _anchor(d.at, b)
                if name is None:
                    continue
                primary = b[name][0]
                if anchor is None:
                    anchor = primary.line
                fields, lines = {}, {}
                for fr in d.fields:
                    if fr.source is not None:
                        name, fld = fr.source
                        value = b[name][0].get(fld) if name in b else None
                        line = b[name][0].line_of(fld) if name in b else anchor
                    else:
                        value = fr.value.render(b, ctx, dev.name).strip() if fr.value else None
                        line = anchor
                    if value is not None and value != "":
                        fields[fr.name] = value
                        if b.get(fr.source[0] if fr.source else "", (primary,))[0].section is primary.section:
                            lines[fr.name] = line
                dev.store.add(Fact(d.kind, fields, lines, primary.section, anchor, tuple(pairs)))
        if i == last[d.kind] and d.kind not in needs:
            dev.coverage.add(f"derived:{d.kind}")
    return needs


def _plan(rules: RuleBook, covered: frozenset[str], mode: str, foreign: bool = False) -> list[tuple[Rule, list]]:
    """The rules that apply to a device of this mode, each with the alternatives of its
    ``requires`` that the device leaves missing (``covered``: the scopes it proves). Devices
    of a fleet share a few of these (the same commands captured): ``evaluate_device``
    keeps the plans it made. Another platform's device (``foreign``) gets the tool's rules
    only (the capture itself), none about NX-OS."""
    plan = []
    for rule in rules.rules:
        if foreign and rule.area != "tool":
            continue
        if rule.modes and mode != "unknown" and mode not in rule.modes:
            continue
        missing = [alts for alts in rule.requires if not any(s in covered for s in alts)]
        plan.append((rule, missing, tuple(a[0] for a in missing)))
    return plan




def evaluate_device(rules: RuleBook, dev, now: dt.datetime, out: Outcome) -> None:
    foreign = getattr(dev, "foreign", None) is not None  # another platform's: no NX-OS conclusion
    derived_needs = derive(rules, dev, now) if not foreign else {}
    coverage = dev.coverage
    plans = rules.plans  # kept with the rule book: gone with it
    # what the plan depends on: the required scopes the device covers (the whole
    # configuration covers its parts), not the rest of its coverage
    covered = rules.scopes.intersection(coverage)
    if RUNNING_CONFIG in coverage:
        covered |= rules.config_parts
    key = (covered, dev.mode, foreign)
    plan = plans.get(key)
    if plan is None:
        if len(plans) > 1024:
            plans.clear()
        plan = plans[key] = _plan(rules, covered, dev.mode, foreign)

    ctx = Ctx(dev.store, coverage, now, CATALOGUE, derived_needs, sections=dev.sections)
    filtered = [s for s in dev.sections if _partial(s)]
    cleared = []  # cause rules evaluated without a finding
    for rule, missing, needs in plan:
        rctx, shown = ctx, ()
        if filtered:
            extra, sources, shown = partial_scopes(*rules.reading[id(rule)], dev, filtered)
            if extra:
                missing = [alts for alts in missing if not any(s in extra for s in alts)]
                needs = tuple(a[0] for a in missing)
                rctx = Ctx(dev.store, coverage | extra, now, CATALOGUE, derived_needs, sources=sources or None,
                           sections=dev.sections)
        if missing and not rule.fire_on_partial:
            out.not_evaluated.append(_not_evaluated(rule, dev, needs))
            _open(rule, dev, ctx, out, needs)
            continue
        results = rule.when.match({}, rctx)
        bindings = [b for b in results if UNKNOWN not in b]
        if not bindings:
            undecided = set().union(*(b[UNKNOWN] for b in results)) if results else set()
            if missing or undecided:
                needs = tuple(dict.fromkeys(needs + tuple(sorted(undecided))))
                out.not_evaluated.append(_not_evaluated(rule, dev, needs))
                _open(rule, dev, ctx, out, needs)
            elif rule.explains:
                cleared.append((rule, rctx))
            continue
        if rule.at:
            # 'at' names the primary evidence: branches that bind none of its bindings are
            # fallbacks (e.g. show output when the config is missing), reported only when no
            # branch that binds one holds - one problem, one finding.
            # A binding that holds an earlier entry comes first: of two branches that report
            # one problem, the one ``at`` names first gives the line.
            rank = {}
            for i, (name, _) in enumerate(rule.at):
                rank.setdefault(name, i)
            held = [b for b in bindings if not rank.keys().isdisjoint(b)]
            if held:
                bindings = sorted(held, key=lambda b: min(rank[n] for n in rank if n in b))
        if rule.group == "device":
            # one finding of the device, every match its evidence
            out.findings.append(_grouped(rule, [b or _fallback_anchor(rule, dev, shown) for b in bindings],
                                         rctx, dev.name))
            continue
        # One problem, one finding: the same line, or the same message (the same output
        # captured twice, e.g. show license status and show license all), is reported once.
        seen: set = set()
        reported = 0
        for i, b in enumerate(bindings):
            if not b:
                b = _fallback_anchor(rule, dev, shown)
            # what is reported already is not rendered whole (thousands of copies of a line)
            place = _place(rule, b)[:2]
            if place in seen:
                continue
            message = rule.message.render(b, rctx, dev.name).strip()
            if message in seen:
                continue
            if reported == limits.MAX_FINDINGS:
                # a rule matching thousands of distinct lines of one device (a hostile
                # input): the last finding reported says that the rest are not
                last = out.findings[-1]
                out.findings[-1] = dataclasses.replace(last, message=(
                    f"{last.message} (diag reports at most {limits.MAX_FINDINGS:,} findings of a rule on a "
                    f"device: {len(bindings) - i:,} more match(es) of this rule on {dev.name} are not listed)"))
                break
            seen |= {place, message}
            out.findings.append(_finding(rule, b, rctx, dev.name, message))
            reported += 1
    # a cause ruled out matters to the diagnosis only beside a symptom it would explain:
    # the others are let go (a fleet's report keeps every device's outcome)
    symptoms = {f.rule_id for f in out.findings}
    out.ruled_out = [r for r in out.ruled_out if symptoms.intersection(rules.by_id[r.rule_id].explains)]
    for rule, rctx in cleared:
        if symptoms.intersection(rule.explains):
            _cleared(rule, dev, rctx, out)


def _rule_out(rule: Rule, dev, ctx: Ctx) -> RuledOut | None:
    """The rule's ``rule_out`` evidence on the device, when it holds."""
    if rule.rule_out is None:
        return None
    for b in rule.rule_out.when.match({}, ctx):
        if UNKNOWN in b or not b:
            continue
        return RuledOut(rule.id, dev.name, dev.key, tuple(_evidence(b)), rule.rule_out.message.render(b, ctx, dev.name)
                        .strip())
    return None


def _cleared(rule: Rule, dev, ctx: Ctx, out: Outcome) -> None:
    """A cause rule evaluated without a finding: ruled out, by its ``rule_out`` evidence when
    that holds, else by the outputs it was judged on."""
    found = _rule_out(rule, dev, ctx)
    if found is None:
        evidence, names = [], []
        for alts in rule.requires:
            section = next((s for s in dev.sections for scope in alts if covers(s.coverage, scope)), None)
            if section is None:
                continue
            names.append(section.label())
            evidence.append(Evidence(section.path, section.start, (section.text(section.start) or section.typed).strip()))
        note = ("no finding in " + ", ".join(dict.fromkeys(names))) if names else "evaluated: no finding"
        found = RuledOut(rule.id, dev.name, dev.key, tuple(evidence[:MAX_EVIDENCE]), note)
    out.ruled_out.append(found)


def _open(rule: Rule, dev, ctx: Ctx, out: Outcome, needs: tuple[str, ...]) -> None:
    """A rule not evaluated on a device: ruled out anyway when its ``rule_out`` evidence holds,
    else suspected when its signature (``suspect``) is in the capture."""
    if rule.explains:
        found = _rule_out(rule, dev, ctx)
        if found is not None:
            out.ruled_out.append(found)
            return
    suspect = rule.suspect
    if suspect is None:
        return
    bindings = [b for b in suspect.when.match({}, ctx) if UNKNOWN not in b]
    if not bindings:
        return
    if suspect.unless is not None and any(UNKNOWN not in b for b in suspect.unless.match({}, ctx)):
        return  # the signature is explained otherwise
    b = bindings[0]
    evidence = _evidence(b)
    primary = suspect.at if suspect.at in b else next((name for name, _ in bound(b)), None)
    path, line, end_line = "", 0, 0
    if primary is not None:
        fact, fields = b[primary]
        own = [fact.line_of(f) for f in fields] or [fact.line]
        path, line, end_line = fact.path, min(own), max(own)
    confirm = tuple(dict.fromkeys(_command_for(scope, dev) for scope in needs))
    out.findings.append(Finding(
        rule_id=rule.id, severity=rule.severity, confidence="low", title=rule.title,
        message=suspect.message.render(b, ctx, dev.name).strip(), device=dev.name, path=path, line=line,
        end_line=end_line, evidence=tuple(evidence), fix=suspect.fix.render(b, ctx, dev.name, guard=True).strip("\n"),
        verify=confirm, references=tuple(rule.references),
        verify_expect=tuple((c, suspect.confirms) for c in confirm), status="suspected", confirm_with=confirm,
        confirmed_by=suspect.confirms, ruled_out_by=suspect.rules_out))


def collect_next(not_evaluated: list[NotEvaluated], devices, suspected: frozenset = frozenset()) -> list[Collect]:
    """Commands to run next per device: the one that confirms a suspected finding first (those
    of ``suspected``, pairs of device name and rule id), then the one that settles most open
    rules."""
    # by device: its name and key (a device named after its file and one named by its
    # hostname can share a name; each gets its own list)
    by_device: dict[tuple[str, str], dict[str, list[NotEvaluated]]] = {}
    for ne in not_evaluated:
        for scope in ne.needs:
            by_device.setdefault((ne.device, ne.key), {}).setdefault(scope, []).append(ne)
    devs = {d.key: d for d in devices}
    out: list[Collect] = []
    for device, key in sorted(by_device, key=lambda dk: (dk[0].lower(), dk[1])):
        scopes = by_device[(device, key)]
        # most open rules first, then the most severe of them, then by name
        def confirms(nes) -> set[str]:
            return {n.rule_id for n in nes if (device, n.rule_id) in suspected}

        ranked = sorted(((-len(confirms(nes)), -len(nes), -max(SEVERITY_RANK[n.severity] for n in nes), scope),
                         scope, nes) for scope, nes in scopes.items())
        merged: dict[str, Collect] = {}  # two scopes asking for one command: one line
        for _, scope, nes in ranked:
            command = _command_for(scope, devs.get(key))
            settles, confirmed = {n.rule_id for n in nes}, confirms(nes)
            if command in merged:
                first = merged[command]
                settles |= set(first.settles)
                confirmed |= set(first.confirms)
                merged[command] = Collect(device, command, tuple(sorted(settles)), first.scope, key,
                                          tuple(sorted(confirmed)))
            else:
                merged[command] = Collect(device, command, tuple(sorted(settles)), scope, key, tuple(sorted(confirmed)))
        out.extend(merged.values())
    return out


MTS_SUMMARY = "show system internal mts buffers summary"
MTS_DETAILS = "show system internal mts buffers details"


def _probe_target(dev) -> tuple[str, str]:
    """Host and VRF to ping: where licensing messages go (the derived licensing path),
    else the SLP server (on SLP) or Call Home's destination, in Call Home's VRF; Cisco's
    host and the management VRF by default."""
    path = dev.store.first("licensing.path")
    if path is not None and path.get("host") and path.get("vrf") and path.get("vrf_basis") != "assumed":
        return path.get("host"), path.get("vrf")
    server = "slp.server_url" if getattr(dev, "mode", None) == "slp" else "callhome.destination"
    host = next((f.get("host") for f in dev.store.get(server) if f.get("host")), None)
    vrf = next((f.get("vrf") for f in reversed(dev.store.get("callhome.block")) if f.get("vrf")), None)
    if path is not None:  # a VRF nothing states is a guess: not the one to probe in
        host = path.get("host") or host
        vrf = vrf if path.get("vrf_basis") == "assumed" else path.get("vrf") or vrf
    return host or "tools.cisco.com", vrf or "management"


def _command_for(scope: str, dev) -> str:
    """The exact command to run, with this device's host, VRF or SAP number where known."""
    command = scope_collect(scope)
    if dev is None:
        return command
    if scope == "show system internal mts sup sap description":
        queues = [f for f in dev.store.get("mts.queue") if (f.get("recv_q") or 0) > 0 and f.get("sap") is not None]
        if queues:
            busiest = max(queues, key=lambda f: f.get("recv_q"))
            return command.replace("<sapno>", str(busiest.get("sap")))
        if not (covers(dev.coverage, MTS_SUMMARY) or covers(dev.coverage, MTS_DETAILS)):
            # the SAP number comes from the buffers summary: that is the command to run first
            return scope_collect(MTS_SUMMARY)
        return command
    if scope not in ("ping", "telnet"):
        return command
    host, vrf = _probe_target(dev)
    if scope == "ping":
        return f"ping {host} vrf {vrf}"
    return f"telnet {host} 443 vrf {vrf}"


def judge(rules: RuleBook, dev, now: dt.datetime) -> Outcome:
    """Every rule on one device judged at ``now``: its findings, the rules it leaves not
    evaluated, and what to collect next from it."""
    out = Outcome()
    evaluate_device(rules, dev, now, out)
    suspected = frozenset((f.device, f.rule_id) for f in out.findings if f.suspected)
    out.collect_next = collect_next(out.not_evaluated, [dev], suspected)
    return out
