"""``analyze(inputs, options) -> Report``: the one entry point below the CLI.

Rules are loaded and validated first (a broken rule stops everything before
any input is read). Each input is streamed through capture -> split ->
parsers; sections are grouped into devices; each device gets its release,
mode and clock; the engine evaluates the rules. Nothing here prints or exits.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

from diag import __version__
from diag.capture import ReadStats, read_into
from diag.devices import Device, capture_clock, device_time, group, ordered, place, settle
from diag.engine import Outcome
from diag.errors import DiagError, InputError
from diag.facts import Fact
from diag.parsers import parse_section
from diag.rulebook import SEVERITY_RANK, RuleBook, load_rules
from diag import parallel, policy
from diag.commands import CommandSpec
from diag.split import Section, Splitter, Suppression

# Inline suppression comments become facts of a section of their own (the line they
# stand on may lie outside any command output, e.g. above a config's first line).
_COMMENTS = CommandSpec("(inline suppressions)", (), "", "")

FAIL_ON = ("error", "warning", "info")


@dataclass
class Options:
    now: dt.datetime | None = None
    rules_dirs: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "warning"
    system_now: dt.datetime | None = None  # for tests: what "today" is
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> severity this project gives it
    baseline: str | None = None  # findings accepted earlier: only new ones count
    context: tuple[str, ...] = ()  # more files read only for device context (pre-commit)
    jobs: int = 1  # worker processes for reading and evaluating many files
    progress: object = None  # a diag.progress.Progress for long runs on a terminal
    # devices in the report may be summaries without their sections and facts (what every
    # report but markdown shows): --jobs workers then keep what they read (diag.held)
    summaries: bool = False


@dataclass
class InputInfo:
    path: str
    lines: int = 0
    sections: int = 0
    skipped: Counter = field(default_factory=Counter)
    skipped_lines: int = 0
    unrecognised_lines: int = 0
    encoding: str = "utf-8"
    note: str | None = None  # a problem that did not stop the analysis (truncated gzip)
    suppressions: list[Suppression] = field(default_factory=list)

    def to_json(self) -> dict:
        out = {
            "path": self.path, "lines": self.lines, "sections_used": self.sections,
            "sections_skipped": sum(self.skipped.values()), "unrecognised_lines": self.unrecognised_lines,
            "encoding": self.encoding,
        }
        if self.note:
            out["note"] = self.note
        return out


@dataclass
class Report:
    now: dt.datetime
    now_source: str
    now_detail: str
    devices: list[Device]
    outcome: Outcome
    inputs: list[InputInfo]
    unread: list[tuple[str, str]]  # (path, problem) for inputs that could not be read
    skipped_files: list[tuple[str, str]]  # files of a folder walk that are not text captures
    rules: RuleBook
    device_now: dict[str, tuple[dt.datetime, str]] = field(default_factory=dict)
    version: str = __version__
    suppressed: list = field(default_factory=list)  # policy.Suppressed: findings an inline comment silenced
    baselined: list = field(default_factory=list)  # findings the baseline already accepts
    context_inputs: int = 0  # files read only for device context
    context_mode: bool = False  # a --context run (pre-commit): configurations, not sessions

    @property
    def findings(self):
        return self.outcome.findings

    def summary(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in self.outcome.findings:
            counts[f.severity] += 1
        return counts

    def skipped_sections(self) -> Counter:
        total: Counter = Counter()
        for info in self.inputs:
            total.update(info.skipped)
        return total

    def exit_code(self, fail_on: str = "warning") -> int:
        if self.unread:
            return 2
        threshold = SEVERITY_RANK[fail_on]
        if any(SEVERITY_RANK[f.severity] >= threshold for f in self.outcome.findings):
            return 1
        return 0


def _special(path: str) -> str | None:
    """Why a file found in a folder walk is not read: a FIFO would block, a device never end."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # a broken link or a vanished file: reading it says so
    if stat.S_ISREG(mode):
        return None
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device file"
    return f"not a regular file ({kind})"


def expand_inputs(paths: list[str], skipped: list[tuple[str, str]] | None = None,
                  unread: list[tuple[str, str]] | None = None) -> list[tuple[str, bool]]:
    """Files to read as ``(path, named)``: ``named`` is False for files found in a folder walk.

    FIFOs, sockets and devices found in a walk are left out (added to ``skipped`` with the
    reason when given); named on the command line they are read (``diag check <(cmd)``).
    A folder of the walk that cannot be listed is added to ``unread`` when given.
    """
    out: list[tuple[str, bool]] = []

    def cannot_list(exc: OSError) -> None:
        if unread is not None:
            unread.append((exc.filename or "?", f"cannot read the folder: {exc.strerror or exc}"))

    for path in paths:
        if path != "-" and os.path.isdir(path):
            found = []
            for root, dirs, files in os.walk(path, followlinks=False, onerror=cannot_list):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        full = os.path.join(root, name)
                        why = _special(full)
                        if why is None:
                            found.append(full)
                        elif skipped is not None:
                            skipped.append((full, why))
            out.extend((f, False) for f in found)
        else:
            out.append((path, True))
    return out


def _split_input(path: str, progress=None) -> tuple[InputInfo, list[Section]]:
    """Stream one input through capture and split: its sections, not parsed yet."""
    stats = ReadStats(progress=progress)
    info = InputInfo(path)
    splitter = Splitter(path)
    read_into(path, splitter, stats)
    result = splitter.finish()
    info.lines = stats.lines
    info.encoding = stats.encoding
    notes = []
    if stats.truncated:
        notes.append(f"{stats.truncated}; analysed the {stats.lines} lines read before it")
    empty = [f"'{sec.typed}' (line {sec.start})" for sec in result.sections if sec.empty]
    if empty:
        notes.append(f"no output after {', '.join(empty[:3])}{' ...' if len(empty) > 3 else ''}: the capture "
                     "looks cut short, so the rules that need it are not evaluated")
    info.note = "; ".join(notes) or None
    info.skipped = result.skipped
    info.skipped_lines = result.skipped_lines
    info.unrecognised_lines = result.unrecognised_lines
    info.sections = len(result.sections)
    info.suppressions = result.suppressions
    return info, result.sections


def _with_suppressions(path: str, info: InputInfo, parsed: list[tuple[Section, list[Fact]]]):
    """The parsed sections of an input, and a fact for each of its suppression comments."""
    for sup in info.suppressions:
        section = Section(path, _COMMENTS, _COMMENTS.name, "comment", sup.host, sup.line, [(sup.line, sup.text)])
        fields = {"rules": ", ".join(sup.rules) or None, "reason": sup.reason}
        fact = Fact("capture.suppression", {k: v for k, v in fields.items() if v}, {k: sup.line for k in fields},
                    section, sup.line)
        parsed.append((section, [fact]))
    return parsed


def read_input(path: str, progress=None) -> tuple[InputInfo, list[tuple[object, list[Fact]]]]:
    """Stream one input through capture, split and the parsers.

    ``progress(n)``, when given, is told the bytes of the file read so far.
    """
    outcome = read_batch([path], within=progress)[0]
    if isinstance(outcome, InputError):
        raise outcome
    return outcome


def read_batch(paths: list[str], compact: bool = False, within=None, done=None) -> list:
    """``read_input`` for several inputs: each is read and split, then the sections of all
    of them are parsed together, command by command (a template's regular expressions
    stay in the processor's caches: a fleet reads about a fifth faster than file by file).

    Per input, in order: ``(info, parsed)``, or the ``InputError`` that stopped it.
    ``compact`` shrinks each section to the lines its facts point at once parsed.
    ``within(pos)`` is told the bytes of the input being read; ``done()`` is called for
    each input once its sections are parsed.
    """
    staged: list = []
    for path in paths:
        try:
            staged.append((path, *_split_input(path, within)))
        except InputError as exc:
            staged.append(exc)
    todo = [sec for st in staged if not isinstance(st, InputError) for sec in st[2]]
    todo.sort(key=_parser_of)  # stable: each command's sections in input order
    facts = {id(sec): parse_section(sec) for sec in todo}
    out: list = []
    for st in staged:
        if done is not None:
            done()
        if isinstance(st, InputError):
            out.append(st)
            continue
        path, info, sections = st
        parsed = [(sec, facts[id(sec)]) for sec in sections]
        if compact:
            for sec, found in parsed:
                sec.compact(found)
        out.append((info, _with_suppressions(path, info, parsed)))
    return out


def _parser_of(section: Section) -> str:
    return section.spec.parser


def _read_batch_compact(paths: list[str]) -> list:
    """``read_batch`` for a worker process: sections shrunk before the trip back."""
    return read_batch(paths, True)


class _ReadProgress:
    """Bytes read over the bytes of all the files, advanced within a file and as each ends."""

    def __init__(self, progress, paths: list[str]) -> None:
        self.progress = progress
        self.sizes = [_size(p) for p in paths] if progress is not None else []
        self.size_of = dict(zip(paths, self.sizes))
        self.base = 0  # bytes of the files already read
        self.count = 0  # files already read
        if progress is not None:
            progress.stage("reading", sum(self.sizes), "bytes")

    def _note(self) -> str:
        if len(self.sizes) < 2:
            return ""
        return f"file {min(self.count + 1, len(self.sizes))} of {len(self.sizes)}"

    def within(self, pos: int) -> None:
        size = self.sizes[self.count] if self.count < len(self.sizes) else 0
        self.progress.update(self.base + min(pos, size), self._note())

    def done(self, path: str | None = None) -> None:
        """An input read: the next in order, or ``path`` (inputs read out of order)."""
        if path is not None:
            self.base += self.size_of.get(path, 0)
        elif self.count < len(self.sizes):
            self.base += self.sizes[self.count]
        self.count += 1
        self.progress.update(self.base, self._note())


def _size(path: str) -> int:
    if path == "-":
        return 0
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _refuse_if_nothing_recognised(infos: list[InputInfo], unread: list) -> None:
    """Inputs were read and none holds an output diag knows: an error, not an empty report."""
    if infos and not any(info.sections for info in infos) and not unread:
        names = ", ".join(i.path for i in infos[:3]) + (" ..." if len(infos) > 3 else "")
        raise DiagError(f"{names}: no Smart Licensing or Call Home output recognised "
                        "(expected show license status, show running-config, show version, ...)")


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
    main: list[tuple[str, bool]] = []
    for given in paths or ["-"]:
        before = len(unread)
        files = expand_inputs([given], skipped_files, unread)
        if not files and given != "-" and os.path.isdir(given) and len(unread) == before:
            unread.append((given, "folder holds no file to check"))
        main.extend(files)
    # an input named twice (a file given and found again in its folder, '-' twice) is read
    # once: standard input can only be read once, and a file twice would count it twice
    once: dict[str, tuple[str, bool]] = {}
    for p, named in main:
        first = once.setdefault(os.path.normpath(p), (p, named))
        if named and not first[1]:  # named on the command line somewhere: errors are reported
            once[os.path.normpath(p)] = (first[0], True)
    main = list(once.values())
    ticker = _ReadProgress(options.progress, [p for p, _ in main])

    # Sections are compacted to the lines their facts point at as soon as they are parsed,
    # in this process as in workers: the report quotes no other line, and a fleet's outputs
    # are not held whole until the end (fleet of 2,000: 165 -> 142 MB, in the same time).
    with ExitStack() as stack:
        held, read = None, None
        if (options.summaries and not options.context and parallel.spread(len(main), options.jobs)
                and parallel.forks()):
            from diag import held as keep

            keep._RULES[:] = [rules]  # the workers inherit it
            files = [p for p, _ in main]
            batches = parallel.worker_batches(files, options.jobs)
            try:
                crew = stack.enter_context(parallel.Crew(min(options.jobs, max(1, len(batches)))))
            except OSError:  # no process to be had (a process limit): this one reads everything
                options = replace(options, jobs=1)
            else:
                held = keep.Held(crew, rules, options.now)
                read = held.read(files, batches, _read_batch_compact,
                                 ticker.done if options.progress else lambda path: None)
        return _analyze(paths, options, rules, known, main, ticker, unread, skipped_files, held, read)


def _analyze(paths, options, rules, known, main, ticker, unread, skipped_files, held, read) -> Report:
    """``analyze`` once the inputs are known: ``read`` is what ``held`` read, if any."""
    infos: list[InputInfo] = []
    parsed: list[tuple[str, list]] = []  # per file: its sections and facts, or their names when held
    if held is not None:
        pass  # read already, by the held workers
    elif options.progress is not None and not parallel.spread(len(main), options.jobs):
        def here(batch: list[str]) -> list:  # read in this process: progress within a big file
            return read_batch(batch, True, ticker.within if len(batch) == 1 else None, ticker.done)

        read = parallel.map_batches(here, [p for p, _ in main], options.jobs)
    else:
        read = parallel.map_batches(_read_batch_compact, [p for p, _ in main], options.jobs,
                                    ticker.done if options.progress is not None else None)
    for (path, named), outcome in zip(main, read):
        try:
            if isinstance(outcome, InputError):
                raise outcome
            info, sections = outcome
        except InputError as exc:
            # a folder walk skips what is not text; so does a pre-commit run (--context),
            # where a touched file that is empty or binary is simply not a capture
            if (not named or options.context) and ("binary" in exc.problem or "empty" in exc.problem):
                skipped_files.append((path, exc.problem))
            else:
                unread.append((path, exc.problem))
            continue
        infos.append(info)
        parsed.append((path, sections))

    if not infos and unread and len(unread) == 1 and len(paths or ["-"]) == 1:
        path, problem = unread[0]
        raise InputError(path, problem)
    if not infos and not unread and skipped_files and not options.context:
        names = ", ".join(p for p, _ in skipped_files[:3]) + (" ..." if len(skipped_files) > 3 else "")
        raise DiagError(f"{', '.join(paths)}: no text capture to check (skipped as empty, binary or special: {names})")
    if not options.context:
        _refuse_if_nothing_recognised(infos, unread)

    context_inputs = 0
    context_suppressions: list[Suppression] = []
    if options.context:
        # Pre-commit passes only the changed files: read the other files of the repository
        # too, so that each touched device is judged on all its files, then keep only the
        # devices a changed file belongs to.
        given = {os.path.normpath(p) for p, _ in main}
        for path, _ in expand_inputs(list(options.context)):
            path = os.path.normpath(path)  # "leaf01.cfg:27", not "./leaf01.cfg:27", for --context .
            if path in given:
                continue
            try:
                cinfo, sections = read_input(path)
            except InputError:
                continue  # not a capture: context is best effort
            if sections:
                parsed.append((path, sections))
                context_suppressions.extend(cinfo.suppressions)
                context_inputs += 1

    system_now = options.system_now or _utcnow()
    if held is not None:
        placed = place(parsed)
        if options.progress is not None:
            options.progress.stage("evaluating", len({key for owners in placed for key, _ in owners}), "devices")
        order, clocks = held.build(list(zip([p for p, _ in parsed], placed)))
        order.sort(key=lambda key_name: key_name[1].lower())  # report order (stable: as group() gives it)
        # in that order, as a single process has them: of two equal clocks, the first is named
        now, source, detail = _run_time({key: clocks[key] for key, _ in order}, options, system_now)
        judged = held.judge(now, source)
        devices = ordered(judged[key][0] for key, _ in order)
        parts = [judged[dev.key] for dev in devices]
        device_now = {dev.key: (dev.now, dev.now_source) for dev in devices}
        if len(devices) == 1 and parts[0][4] is not None:
            now, source, detail = parts[0][4][0], "capture", parts[0][4][1]
        outcome = Outcome.joined(part[1:4] for part in parts)
        if options.progress is not None:
            options.progress.update(len(devices))
    else:
        devices = group(parsed)
        if options.context:
            wanted = {os.path.normpath(i.path) for i in infos}
            devices = [d for d in devices if any(os.path.normpath(p) in wanted for p in d.inputs)]
        for dev in devices:
            settle(dev)
        clocks = {dev.key: capture_clock(dev) for dev in devices} if options.now is None else {}
        now, source, detail = _run_time(clocks, options, system_now)
        nows: dict[str, dt.datetime] = {}
        device_now = {}
        for dev in devices:
            device_now[dev.key], estimate = device_time(dev, clocks.get(dev.key), now, source)
            nows[dev.key] = device_now[dev.key][0]
            dev.now, dev.now_source = device_now[dev.key]
            if estimate is not None and len(devices) == 1:
                now, source, detail = estimate[0], "capture", estimate[1]

        tick = None
        if options.progress is not None:
            options.progress.stage("evaluating", len(devices), "devices")
            tick = options.progress.update
        outcome = parallel.evaluate(rules, devices, nows, options.jobs, tick)
    findings = policy.override_severity(outcome.findings, options.severity)
    suppressions = [s for info in infos for s in info.suppressions] + context_suppressions
    findings, suppressed = policy.suppress(findings, suppressions)
    baselined: list = []
    if known is not None:
        findings, baselined = policy.apply_baseline(findings, known)
    outcome.findings = findings
    return Report(now, source, detail, devices, outcome, infos, unread, skipped_files, rules, device_now,
                  suppressed=suppressed, baselined=baselined, context_inputs=context_inputs,
                  context_mode=bool(options.context))


def _run_time(clocks: dict, options: Options, system_now: dt.datetime) -> tuple[dt.datetime, str, str]:
    """The run's clock: ``--now``, else the newest clock of any device's output, else this
    machine's. A device without a clock of its own is judged at it (see ``device_time``)."""
    if options.now is not None:
        return options.now, "option", "--now"
    readings = [c for c in clocks.values() if c is not None]
    if readings:
        newest = max(readings, key=lambda c: c[0])
        return newest[0], "capture", newest[1]
    return system_now, "system", "this machine's clock (no clock in the capture)"


def parse_only(paths: list[str]) -> tuple[list[InputInfo], list[Device], list[tuple[str, str]]]:
    """Facts per device, for ``diag parse``."""
    infos, parsed, unread = [], [], []
    for given in paths:
        if given != "-" and os.path.isdir(given) and not expand_inputs([given]):
            unread.append((given, "folder holds no file to check"))
    for path, named in expand_inputs(paths or ["-"]):
        try:
            info, sections = read_input(path)
        except InputError as exc:
            if named or not ("binary" in exc.problem or "empty" in exc.problem):
                unread.append((path, exc.problem))
            continue
        infos.append(info)
        parsed.append((path, sections))
    if not infos and len(unread) == 1:
        raise InputError(*unread[0])
    _refuse_if_nothing_recognised(infos, unread)
    devices = group(parsed)
    for dev in devices:
        settle(dev)
    return infos, devices, unread


def display_path(path: str) -> str:
    """Paths as given on the command line, with the OS separator normalised."""
    return path if path == "-" else str(Path(path))
