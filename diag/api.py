"""``analyze(paths, options) -> Report``: the one entry point below the CLI.

A run goes in three steps, the same whatever the format or the number of jobs:

1. **Plan.** Every input is read and split into command sections, and each section's
   device is found from the names it shows (prompts, ``hostname``, ``Device name:``),
   before anything is parsed (``devices.place``).
2. **Judge, one device at a time.** The files that share devices form a group; each
   group is read (again, unless it was small enough to keep from step 1), parsed, built
   into its devices, and each device is judged at its own clock (else a clock of its own
   files, else this machine's: never another file's) and let go. Only what the reports need
   stays: findings, rules not evaluated, what to collect next, and a summary of each
   device. With ``--jobs N`` groups are judged in worker processes
   (``concurrent.futures``); with one job, here, by the same code.
3. **Report.** The run's clock, the policy (severity overrides, suppressions, the
   baseline), and the report in device order.

Memory is bounded by the largest group and by what step 1 keeps (``KEEP_BYTES``), not by
the number of devices. Nothing here prints or exits.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from diag import parallel, policy
from diag.devices import (Device, build, capture_clock, device_time, file_clocks, group, names_of, parent_key,
                          place, same_file_clock, settle)
from diag.errors import DiagError, InputError
from diag.inputs import expand_inputs, files_of, parse, read_sections, refuse_if_nothing_recognised, size
from diag.model import NOW_SYSTEM
from diag.model import FAIL_ON, DeviceSummary, InputInfo, Options, Outcome, Report  # noqa: F401 - the API's types
from diag.platforms import refusal
from diag.rulebook import RuleBook, load_rules
from diag.split import declare_whole

# What step 1 may keep of the inputs for step 2 when both run in this process (bytes of
# memory the sections diag reads take, estimated: their text, and about 140 bytes a line):
# a fleet under it is read once; above it the rest is read again when judged. Standard
# input is always kept (it cannot be read twice).
KEEP_BYTES = 48 << 20
SYSTEM_DETAIL = "this machine's clock (no clock in the capture)"
LINE_BYTES = 140
BATCH_FILES = 64  # files judged together: their sections are parsed command by command


@dataclass
class _Plan:
    """Step 1's result: the files, the devices they make up, and the sections kept."""

    paths: list[str] = field(default_factory=list)
    names: list[list] = field(default_factory=list)  # per file: each section's (prompt, declared names)
    kept: dict[str, list] = field(default_factory=dict)  # path -> its sections
    kept_bytes: int = 0

    def add(self, path: str, sections: list | None, names: list, keep: bool) -> None:
        self.paths.append(path)
        self.names.append(names)
        if keep and sections is not None:
            cost = sum(len(t) + LINE_BYTES for s in sections for _, t in s.lines)
            if path == "-" or self.kept_bytes + cost <= KEEP_BYTES:
                self.kept[path] = sections
                self.kept_bytes += cost


@dataclass
class _Judged:
    """What step 2 keeps of a device."""

    key: str
    summary: DeviceSummary | None = None
    outcome: Outcome | None = None
    estimate: tuple[dt.datetime, str] | None = None  # the clock its events gave, if any
    foreign: tuple[str, str] | None = None  # another platform's device: its marker's path and description


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def analyze(paths: list[str], options: Options | None = None, rules: RuleBook | None = None) -> Report:
    options = options or Options()
    if options.fail_on not in FAIL_ON:
        raise DiagError(f"--fail-on must be one of {', '.join(FAIL_ON)}")
    if rules is None:
        rules = load_rules(options.rules_dirs)
    rules = rules.select(options.select, options.ignore)
    unknown = set(options.severity) - {r.id for r in rules.rules} - set(options.ignore)
    if unknown:
        raise DiagError(f"severity override for unknown rule id(s): {', '.join(sorted(unknown))}")
    known = policy.read_baseline(options.baseline) if options.baseline else None

    unread: list[tuple[str, str]] = []
    skipped_files: list[tuple[str, str]] = []
    main = files_of(paths, unread, skipped_files)
    with parallel.Workers(options.jobs, rules, len(main)) as workers:
        return _analyze(paths, options, rules, known, main, unread, skipped_files, workers)


def _analyze(paths, options: Options, rules: RuleBook, known, main, unread, skipped_files, workers) -> Report:
    here = workers is None  # step 2 runs in this process
    plan = _Plan()
    infos: list[InputInfo] = []
    progress = options.progress
    sizes = [size(p) for p, _ in main] if progress is not None else []
    if progress is not None:
        progress.stage("reading", sum(sizes), "bytes")
    for (path, named), outcome in zip(main, _read_all([p for p, _ in main], workers, progress, sizes)):
        if isinstance(outcome, InputError):
            # a folder walk skips what is not text; so does a pre-commit run (--context),
            # where a touched file that is empty or binary is simply not a capture
            if (not named or options.context) and ("binary" in outcome.problem or "empty" in outcome.problem):
                skipped_files.append((path, outcome.problem))
            else:
                unread.append((path, outcome.problem))
            continue
        info, sections, names = outcome
        infos.append(info)
        plan.add(path, sections, names, here or path == "-")

    if not infos and unread and len(unread) == 1 and len(paths or ["-"]) == 1:
        raise InputError(*unread[0])
    if not infos and not unread and skipped_files and not options.context:
        names = ", ".join(p for p, _ in skipped_files[:3]) + (" ..." if len(skipped_files) > 3 else "")
        raise DiagError(f"{', '.join(paths)}: no text capture to check (skipped as empty, binary or special: {names})")
    if not options.context:
        refuse_if_nothing_recognised(infos, unread)

    context_inputs, context_suppressions = 0, []
    if options.context:
        # Pre-commit passes only the changed files: read the other files of the repository
        # too, so that each touched device is judged on all its files, then judge only the
        # devices a changed file belongs to.
        given = {os.path.normpath(p) for p, _ in main}
        for path, _ in expand_inputs(list(options.context)):
            path = os.path.normpath(path)  # "leaf01.cfg:27", not "./leaf01.cfg:27", for --context .
            if path in given:
                continue
            try:
                cinfo, sections = read_sections(path)
            except InputError:
                continue  # not a capture: context is best effort
            if sections:
                plan.add(path, sections, names_of(sections), here)
                context_suppressions.extend(cinfo.suppressions)
                context_inputs += 1

    # Which device each section belongs to; the devices in report order (by name, ties in
    # the order they first appear); the groups of files that share devices.
    owners = place(list(zip(plan.paths, plan.names)))
    plan.names = []
    first: dict[str, tuple[str, int]] = {}  # key -> (name, order of appearance)
    files_of_key: dict[str, list[int]] = {}
    for i, placed in enumerate(owners):
        for key, name in placed:
            first.setdefault(key, (name, len(first)))
            mine = files_of_key.setdefault(key, [])
            if not mine or mine[-1] != i:
                mine.append(i)
    wanted = set(first)
    if options.context:
        judged_paths = {os.path.normpath(i.path) for i in infos}
        wanted = {k for k in first if any(os.path.normpath(plan.paths[i]) in judged_paths for i in files_of_key[k])}
    order = sorted(wanted, key=lambda k: (first[k][0].lower(), first[k][1]))
    groups = _groups(len(plan.paths), [files_of_key[k] for k in order])

    system_now = options.system_now or _utcnow()
    if options.now == NOW_SYSTEM:
        fixed = (system_now, "option", "--now now: this machine's clock")
    elif options.now is not None:
        fixed = (options.now, "option", "--now")
    else:
        # each device at its own clock, else at a clock of its own files, else this machine's
        fixed = (system_now, "system", SYSTEM_DETAIL)
    if progress is not None:
        progress.stage("evaluating", len(order), "devices")
    judged: dict[str, _Judged] = {}
    refused: dict[str, str] = {}
    from diag.config import matches_glob

    whole = frozenset(p for p in plan.paths if matches_glob(p, options.whole_config)
                      or os.path.normpath(p) in options.whole_files)
    pool: dict = {}  # the texts the judged devices share (model.share)
    for part, gone in _judge_groups(plan, owners, groups, wanted, fixed, workers, rules, whole):
        for j in part:
            judged[j.key] = j
            if j.outcome is not None:
                j.outcome.share(pool)
            if j.summary is not None:
                j.summary.share(pool)
        refused.update(gone)
        if progress is not None:
            progress.update(len(judged))
    del pool
    # all of whose files a limit refused: none; a device whose backups build split (judged file
    # by file, devices._unordered_configs) is each of those files', right where it stood
    apart: dict[str, list[str]] = {}
    for key in judged:
        if parent_key(key) != key:
            apart.setdefault(parent_key(key), []).append(key)
    order = [k for key in order for k in [key, *sorted(apart.get(key, ()))] if k in judged]
    if not options.context and not unread and order and all(judged[k].foreign for k in order):
        # nothing NX-OS is left to judge: as for an input where nothing was recognised
        raise DiagError(refusal([judged[k].foreign for k in order]))

    clocks = {key: judged[key].summary.clock if judged[key].summary else None for key in order}
    now, source, detail = _run_time(clocks, options, system_now)
    if refused:  # past a limit once parsed: unread, as a file refused while it was read
        unread.extend((path, problem) for path, problem in refused.items() if (path, problem) not in unread)
        infos = [info for info in infos if info.path not in refused]
        if not infos and len(unread) == 1 and len(paths or ["-"]) == 1:
            raise InputError(*unread[0])
        order = [key for key in order if judged[key].summary is not None]
    if len(order) == 1 and judged[order[0]].estimate is not None:
        now, source, detail = judged[order[0]].estimate[0], "capture", judged[order[0]].estimate[1]

    summaries = [judged[key].summary for key in order]
    outcome = Outcome.joined(judged[key].outcome for key in order)
    findings = policy.override_severity(outcome.findings, options.severity)
    suppressions = [s for info in infos for s in info.suppressions] + context_suppressions
    findings, suppressed = policy.suppress(findings, suppressions)
    baselined: list = []
    if known is not None:
        findings, baselined = policy.apply_baseline(findings, known)
    outcome.findings = findings
    report = Report(now, source, detail, summaries, outcome, infos, unread, skipped_files, rules,
                    suppressed=suppressed, baselined=baselined, context_inputs=context_inputs,
                    context_mode=bool(options.context) or options.repository, config_file=options.config_file)
    from diag.diagnosis import diagnose

    report.diagnoses = diagnose(report)  # after the policy: a suppressed finding explains nothing
    return report


def _read_all(paths: list[str], workers, progress, sizes: list[int]):
    """Step 1 for every path, in order: ``(info, sections, names)`` (``sections`` None when
    a worker read the file), or the ``InputError`` that stopped it. ``progress`` advances
    by the bytes of each file, and within a file read here."""
    results = iter(workers.map(_names_of_file, [p for p in paths if p != "-"])) if workers else None
    base = 0
    for n, path in enumerate(paths):
        within = None
        if progress is not None:
            within = _ticker(progress, base, sizes[n], f"file {n + 1} of {len(paths)}" if len(paths) > 1 else "")
        # standard input belongs to this process (workers get none): read here, in its place
        outcome = next(results) if results is not None and path != "-" else _read_one(path, within)
        if within is not None:
            within(sizes[n])
            base += sizes[n]
        yield outcome


def _ticker(progress, base: int, size: int, note: str):
    """What tells ``progress`` the bytes of a file read so far (after ``base`` bytes)."""
    return lambda pos: progress.update(base + min(pos, size), note)


def _read_one(path: str, within=None):
    """Step 1 for one input: ``(info, sections, names)``, or the ``InputError``."""
    try:
        info, sections = read_sections(path, within)
    except InputError as exc:
        return exc
    return info, sections, names_of(sections)


def _names_of_file(path: str):
    """Step 1 in a worker: what was read, with each section's names (not the sections)."""
    outcome = _read_one(path)
    return outcome if isinstance(outcome, InputError) else (outcome[0], None, outcome[2])


def _groups(count: int, files_per_device: list[list[int]]) -> list[list[int]]:
    """The files (by index) of devices that share files, grouped, in the order of the
    devices given: each group is what one device or several must be read together for."""
    parent = list(range(count))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for files in files_per_device:
        for other in files[1:]:
            a, b = find(files[0]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    out: dict[int, list[int]] = {}
    for files in files_per_device:
        root = find(files[0])
        if root not in out:
            out[root] = []
    for i in range(count):
        root = find(i)
        if root in out:
            out[root].append(i)
    return list(out.values())


def _judge_groups(plan: _Plan, owners, groups: list[list[int]], wanted: set[str], fixed, workers,
                  rules: RuleBook, whole: frozenset[str] = frozenset()):
    """Step 2: the judged devices of the groups, batch by batch (in worker processes when
    there are workers, except for what only this process holds: standard input)."""
    most = BATCH_FILES
    if workers is not None:  # at least four batches per worker, so that all keep busy
        most = max(1, min(BATCH_FILES, -(-len(plan.paths) // (workers.jobs * 4))))
    batches: list[list[int]] = []
    for files in groups:
        if batches and len(batches[-1]) + len(files) <= most:
            batches[-1].extend(files)
        else:
            batches.append(list(files))

    def task(files: list[int]):
        # what was kept is handed over (and let go here): standard input stays, so that its
        # batch is known to be this process's (below)
        kept = [plan.kept.get(p) if p == "-" else plan.kept.pop(p, None) for p in (plan.paths[i] for i in files)]
        return [(plan.paths[i], owners[i], sections) for i, sections in zip(files, kept)]

    if workers is None:
        for files in batches:
            yield judge_batch(task(files), wanted, fixed, rules, whole)
        return
    here = [files for files in batches if any(plan.paths[i] in plan.kept for i in files)]
    for files in here:
        yield judge_batch(task(files), wanted, fixed, rules, whole)
    # the other batches in workers, each with the keys it is to judge (not every key of the run)
    there = [task(files) for files in batches if not any(plan.paths[i] in plan.kept for i in files)]
    yield from workers.map(_judge_in_worker, [(files, {k for _, placed, _ in files for k, _ in placed} & wanted,
                                               fixed, whole & {p for p, _, _ in files}) for files in there])


def _judge_in_worker(task) -> list[_Judged]:
    files, wanted, fixed, whole = task
    return judge_batch(files, wanted, fixed, parallel.worker_rules(), whole)


def judge_batch(files: list[tuple[str, list, list | None]], wanted: set[str], fixed, rules: RuleBook,
                whole: frozenset[str] = frozenset()) -> tuple[list[_Judged], list[tuple[str, str]]]:
    """Read, parse, build and judge the devices of some files: ``files`` holds, per file,
    its path, each section's (device key, name), and its sections when kept from step 1.
    Returns the judged devices, and the inputs refused for a limit their facts passed.

    ``whole``: the files declared to hold whole running-configs (``Options.whole_config``):
    a configuration of theirs without a header counts as one (``split.declare_whole``).

    ``fixed`` is ``(time, source, detail)``: the clock to judge every device at (``--now``),
    or this machine's, for a device with no clock of its own nor in its files
    (``device_time``): a clock of another file is never a device's.
    """
    staged = []
    for path, placed, sections in files:
        if sections is None:
            try:
                _, sections = read_sections(path)
            except InputError:
                sections = []  # gone since step 1: the device is judged on what is left
            if len(sections) != len(placed):
                sections = []  # changed since step 1: its sections no longer match the plan
                placed = []
        if path in whole:
            for section in sections:
                declare_whole(section)
        staged.append((path, sections, placed))
    refused: list[tuple[str, str]] = []
    while True:
        todo = sorted((s for _, sections, _ in staged for s in sections), key=_parser_of)
        for section in todo:
            if section.budget is not None:
                section.budget.facts = 0
        try:
            facts = dict(zip(map(id, todo), parse(todo)))  # each command's sections together
            break
        except InputError as exc:  # an input past a limit (diag.limits): refused, the others read
            refused.append((exc.path, exc.problem))
            staged = [(path, [], []) if path == exc.path else (path, s, p) for path, s, p in staged]
    devices = build([(path, section, facts[id(section)], owner)
                     for path, sections, placed in staged
                     for section, owner in zip(sections, placed)])
    readings = file_clocks((path, section, facts[id(section)], owner)
                           for path, sections, placed in staged for section, owner in zip(sections, placed))
    return [_judge(rules, dev, fixed, readings) for key, dev in devices.items()
            if key in wanted or parent_key(key) in wanted], refused


def _parser_of(section) -> str:
    return section.spec.parser


def _judge(rules: RuleBook, dev: Device, fixed, readings: dict | None = None) -> _Judged:
    from diag.engine import judge

    settle(dev)
    own = capture_clock(dev) if fixed[1] != "option" else None
    foreign = (dev.foreign.path, dev.foreign.describe()) if dev.foreign is not None else None
    shared = same_file_clock(dev, readings or {}) if own is None and fixed[1] != "option" else None
    estimate = device_time(dev, own, fixed, shared)
    return _Judged(dev.key, dev.summary(own), judge(rules, dev, dev.now), estimate, foreign)


def _run_time(clocks: dict, options: Options, system_now: dt.datetime) -> tuple[dt.datetime, str, str]:
    """The run's clock, for the report's header: ``--now``, else the newest clock of any
    device's output, else this machine's. Each device is judged at its own (``_judge``)."""
    if options.now == NOW_SYSTEM:
        return system_now, "option", "--now now: this machine's clock"
    if options.now is not None:
        return options.now, "option", "--now"
    readings = [c for c in clocks.values() if c is not None]
    if readings:
        newest = max(readings, key=lambda c: c[0])
        return newest[0], "capture", newest[1]
    return system_now, "system", SYSTEM_DETAIL


def parse_only(paths: list[str], whole: tuple[str, ...] = ()) -> tuple[list[InputInfo], list[Device],
                                                                     list[tuple[str, str]]]:
    """Facts per device, for ``diag parse``; ``whole``: globs of the files declared to hold
    whole running-configs (``Options.whole_config``)."""
    from diag.config import matches_glob

    infos, parsed, unread = [], [], []
    for path, named in files_of(paths, unread):
        try:
            info, sections = read_sections(path)
            if whole and matches_glob(path, whole):
                for section in sections:
                    declare_whole(section)
            facts = parse(sections)
        except InputError as exc:
            if named or not ("binary" in exc.problem or "empty" in exc.problem):
                unread.append((path, exc.problem))
            continue
        infos.append(info)
        parsed.append((path, list(zip(sections, facts))))
    if not infos and len(unread) == 1:
        raise InputError(*unread[0])
    refuse_if_nothing_recognised(infos, unread)
    found = group(parsed)
    for dev in found:
        settle(dev)
    return infos, found, unread


def devices(paths: list[str], rules: RuleBook | None = None, system_now: dt.datetime | None = None
            ) -> list[Device]:
    """The devices of some captures with every fact, the derived ones included, each
    concluded at the time the device would be judged at (for rule authors and tests)."""
    from diag.engine import derive

    rules = rules or load_rules()
    _, found, _ = parse_only(paths)
    system_now = system_now or _utcnow()
    readings = file_clocks((f.path, f.section, [f], (dev.key, dev.name))
                           for dev in found for f in dev.store.get("clock"))
    for dev in found:
        device_time(dev, capture_clock(dev), (system_now, "system", SYSTEM_DETAIL),
                    same_file_clock(dev, readings))
        derive(rules, dev, dev.now)
    return found
