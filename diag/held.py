"""``--jobs`` runs where each worker keeps what it read.

Three rounds between the parent and a ``parallel.Crew``:

1. workers read and parse batches of files, each batch going to the next free worker,
   and keep the sections and facts; they send up each section's names (its prompt and
   the hostname it declares) and the inputs' read statistics. Each worker also places
   its batch's sections as if no other file existed, and judges at once the devices
   that have a clock of their own (all of them under ``--now``);
2. the parent places every section in its device (``devices.place``, the same code a
   single process runs). A round-1 judgement stands when the run places that device's
   sections exactly as its batch did: in a fleet of one capture per switch, nearly
   every device. The worker holding all the files of any other device builds and
   settles it and sends up its clock; a device whose files went to different workers
   (or that standard input, read here, is part of) is built here from the files'
   sections, which only then travel up;
3. with the run's clock settled, workers judge the devices still waiting and send up
   the findings and a summary of each device.

Facts never travel: a fleet's sections and facts cost the parent more to unpickle than
the workers take to evaluate them. Reports other than markdown need only the summaries
(``Options.summaries``); the markdown report and library callers get whole devices from
the other way of running ``--jobs`` (``parallel.evaluate``).
"""

from __future__ import annotations

import datetime as dt

from diag.devices import Device, build, capture_clock, estimate_from_events, names_of, place, settle

# what a worker holds: {path: (info, parsed) or InputError}, then {key: (device, clock)}
_FILES: dict = {}
_DEVICES: dict = {}
_WAITING: dict = {}  # (batch, key) -> (device, clock): placed in round 1, judged in round 3
_RULES: list = []  # the rule book, set before the workers fork


def device_time(dev: Device, own, now: dt.datetime, source: str):
    """The time a device is judged at and where it comes from, and the estimate from its
    events it was taken from, if any (see ``api.analyze``)."""
    if source == "option":
        return (now, "option"), None
    if own is not None:
        return (own[0], "capture"), None
    estimate = estimate_from_events(dev, now) if source == "system" else None
    if estimate is not None:
        return (estimate[0], "capture"), estimate
    return (now, source), None


def judge(rules, dev: Device, own, now: dt.datetime, source: str):
    """Evaluate one device: its summary, findings, rules not evaluated, collect-next, and
    the estimate of its clock (when its events gave one)."""
    from diag.engine import Outcome, collect_next, evaluate_device

    (when, label), estimate = device_time(dev, own, now, source)
    dev.now, dev.now_source = when, label
    out = Outcome()
    evaluate_device(rules, dev, when, out)
    return dev.summary(), out.findings, out.not_evaluated, collect_next(out.not_evaluated, [dev]), estimate


def _settled(dev: Device, clocks: bool):
    settle(dev)
    return capture_clock(dev) if clocks else None


def _read(task: tuple[int, list[str], dt.datetime | None, bool]):
    """Round 1, in a worker: read a batch; per path its ``InputError`` or (info, names).

    The batch's devices are then placed as if no other file existed and those with a
    clock of their own (or all, under ``--now``) judged at once: the parent keeps a
    device's judgement when the whole run places the same sections in it, which is the
    rule in a fleet of one capture per switch. The others wait for rounds 2 and 3.
    """
    from diag.api import read_batch
    from diag.errors import InputError

    batch, paths, fixed, clocks = task
    out = []
    files = []
    for path, outcome in zip(paths, read_batch(paths, True)):
        _FILES[path] = outcome
        if isinstance(outcome, InputError):
            out.append(outcome)
        else:
            out.append((outcome[0], names_of(outcome[1])))
            files.append((path, out[-1][1], outcome[1]))
    owners = place([(path, names) for path, names, _ in files])
    judged = {}
    rules = _RULES[0]
    placement = [(path, section, facts, owner)
                 for (path, _, parsed), placed in zip(files, owners)
                 for (section, facts), owner in zip(parsed, placed)]
    for key, dev in build(placement).items():
        own = _settled(dev, clocks)
        if fixed is not None or own is not None:
            judged[key] = judge(rules, dev, own, fixed, "option" if fixed is not None else "capture") + (own,)
        else:
            _WAITING[(batch, key)] = (dev, own)
    return out, [(path, placed) for (path, _, _), placed in zip(files, owners)], judged


def _give(paths: list[str]) -> list:
    """Sections and facts of these files, for devices the parent builds."""
    return [_FILES[path][1] for path in paths]


def _build(owners: list[tuple[str, list]], clocks: bool, waiting: list[tuple[int, str]]) -> dict:
    """Round 2, in a worker: build the devices it holds whole and round 1 did not settle;
    keep the ``waiting`` devices of round 1. Their clocks by key."""
    placement = [(path, section, facts, owner)
                 for path, placed in owners
                 for (section, facts), owner in zip(_FILES[path][1], placed) if owner is not None]
    _FILES.clear()
    out = {}
    for key, dev in build(placement).items():
        _DEVICES[key] = (dev, _settled(dev, clocks))
        out[key] = _DEVICES[key][1]
    for batch, key in waiting:
        _DEVICES[key] = _WAITING[(batch, key)]
        out[key] = _DEVICES[key][1]
    _WAITING.clear()
    return out


def _judge(now: dt.datetime, source: str) -> dict:
    """Round 3, in a worker: every device it holds, judged."""
    rules = _RULES[0]
    out = {key: judge(rules, dev, own, now, source) for key, (dev, own) in _DEVICES.items()}
    _DEVICES.clear()
    return out


class Held:
    """The parent's side of the three rounds."""

    def __init__(self, crew, rules, fixed: dt.datetime | None) -> None:
        self.crew = crew
        self.rules = rules
        self.fixed = fixed  # --now
        self.holder: dict[str, int] = {}  # path -> worker (-1: this process)
        self.batch: dict[str, int] = {}  # path -> its batch (-1: read here)
        self.here: dict = {}  # what this process read itself (standard input)
        self.local: dict[int, dict[str, tuple[str, str]]] = {}  # batch -> how it placed its sections
        self.early: dict[int, dict] = {}  # batch -> what its worker judged in round 1
        self.devices: dict[str, tuple[Device, object]] = {}  # devices built here

    def read(self, paths: list[str], batches: list[list[str]], read_here, done) -> list:
        """Per path, as ``api.read_batch`` gives it but with names instead of sections;
        ``done(path)`` as each is read."""
        out: dict[str, object] = {}
        for path in paths:
            if path == "-":
                outcome = read_here([path])[0]
                self.here[path] = outcome
                self.holder[path], self.batch[path] = -1, -1
                out[path] = outcome if not isinstance(outcome, tuple) else (outcome[0], names_of(outcome[1]))
                done(path)

        def arrived(task: int, answer) -> None:
            outcomes, placed, judged = answer
            for path, outcome in zip(batches[task], outcomes):
                out[path] = outcome
                self.batch[path] = task
                done(path)
            self.local[task] = dict(placed)
            self.early[task] = judged

        tasks = [(i, batch, self.fixed, self.fixed is None) for i, batch in enumerate(batches)]
        where = self.crew.share(_read, tasks, arrived)
        for batch, worker in zip(batches, where):
            for path in batch:
                self.holder[path] = worker
        return [out[path] for path in paths]

    def build(self, placed: list[tuple[str, list[tuple[str, str]]]]) -> tuple[list, dict, dict]:
        """``placed``: per file read, the (key, name) of each of its sections. Returns the
        device keys and names in the order they first appear, every device's clock, and
        the devices already judged."""
        clocks = self.fixed is None
        order: dict[str, str] = {}
        holders: dict[str, set[int]] = {}
        batch_of: dict[str, int] = {}
        # A device judged in round 1 stands when the run places its sections as its batch
        # did: all of them in that batch, in files the batch placed exactly as the run does.
        # A file placed otherwise takes every device either placement gives it.
        unsure: set[str] = set()
        for path, owners in placed:
            batch = self.batch[path]
            local = self.local.get(batch, {}).get(path)
            if local != owners:
                unsure.update(key for key, _ in owners)
                unsure.update(key for key, _ in local or ())
            for key, name in owners:
                if key not in order:
                    order[key] = name
                    holders[key] = {self.holder[path]}
                    batch_of[key] = batch
                else:
                    holders[key].add(self.holder[path])
                    if batch_of[key] != batch:
                        unsure.add(key)
        judged: dict = {}
        clock: dict = {}
        waiting: list[list] = [[] for _ in range(len(self.crew))]
        settled: set[str] = set()
        for key in order:
            batch = batch_of[key]
            if batch < 0 or key in unsure:
                continue
            early = self.early[batch].get(key)
            settled.add(key)
            if early is not None:
                judged[key] = early[:5]
                clock[key] = early[5]
            else:
                waiting[next(iter(holders[key]))].append((batch, key))
        mine = {key for key, h in holders.items() if key not in settled and (len(h) > 1 or -1 in h)}
        # what each worker builds, and the files this process needs sections of
        per_worker: list[list] = [[] for _ in range(len(self.crew))]
        wanted: list[list[str]] = [[] for _ in range(len(self.crew))]
        for path, owners in placed:
            worker = self.holder[path]
            if worker >= 0:
                left = [o if o[0] not in mine and o[0] not in settled else None for o in owners]
                if any(left):
                    per_worker[worker].append((path, left))
                if any(key in mine for key, _ in owners):
                    wanted[worker].append(path)
        for worker, paths in enumerate(wanted):
            if paths:
                self.crew.ask(worker, _give, paths)
                for path, parsed in zip(paths, self.crew.answer(worker)):
                    self.here[path] = (None, parsed)
        for part in self.crew.each(_build, [(owners, clocks, wait) for owners, wait in zip(per_worker, waiting)]):
            clock.update(part)
        if mine:
            placement = [(path, section, facts, owner)
                         for path, owners in placed if path in self.here
                         for (section, facts), owner in zip(self.here[path][1], owners) if owner[0] in mine]
            for key, dev in build(placement).items():
                self.devices[key] = (dev, _settled(dev, clocks))
                clock[key] = self.devices[key][1]
        self.here.clear()
        return list(order.items()), clock, judged

    def judge(self, now: dt.datetime, source: str) -> dict:
        """Every device not judged yet, by key (see ``judge``)."""
        for worker in range(len(self.crew)):
            self.crew.ask(worker, _judge, now, source)
        out = {key: judge(self.rules, dev, own, now, source) for key, (dev, own) in self.devices.items()}
        for worker in range(len(self.crew)):
            out.update(self.crew.answer(worker))
        return out
