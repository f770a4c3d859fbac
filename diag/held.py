"""``--jobs`` runs where each worker keeps what it read.

Three rounds between the parent and a ``parallel.Crew``:

1. workers read and parse batches of files, each batch going to the next free worker,
   and keep the sections and facts; they send up only each section's names (its prompt
   and the hostname it declares) and the inputs' read statistics;
2. the parent places every section in its device (``devices.place``, the same code a
   single process runs) and gives each device a home: the worker holding its first
   file. A worker sends the home of a device the files of it that it holds (pickled
   once, passed on by the parent as bytes); each home then builds and settles its
   devices and sends up their clocks. A device that standard input (read here) is
   part of is built here;
3. with the run's clock settled, workers judge their devices and send up the findings
   and a summary of each device.

Facts travel only for devices spread over workers, and then between workers: a fleet's
sections and facts cost the parent more to unpickle than the workers take to evaluate
them. Reports other than markdown need only the summaries (``Options.summaries``); the
markdown report and library callers get whole devices from the other way of running
``--jobs`` (``parallel.evaluate``).
"""

from __future__ import annotations

import datetime as dt
import pickle

from diag.devices import Device, build, capture_clock, device_time, names_of, settle

# what a worker holds: {path: its sections and facts}, then {key: (device, clock)}
_FILES: dict = {}
_DEVICES: dict = {}
_RULES: list = []  # the rule book, set before the workers fork


def judge(rules, dev: Device, own, now: dt.datetime, source: str):
    """Evaluate one device: its summary, findings, rules not evaluated, collect-next, and
    the estimate of its clock (when its events gave one)."""
    from diag.engine import Outcome, collect_next, evaluate_device

    (when, label), estimate = device_time(dev, own, now, source)
    dev.now, dev.now_source = when, label
    out = Outcome()
    evaluate_device(rules, dev, when, out)
    return dev.summary(), out.findings, out.not_evaluated, collect_next(out.not_evaluated, [dev]), estimate


def judge_all(rules, held: dict, now: dt.datetime, source: str) -> dict:
    """``judge`` every device of ``held`` ({key: (device, clock)}), by key."""
    return {key: judge(rules, dev, own, now, source) for key, (dev, own) in held.items()}


def build_homed(owners: list[tuple[str, list]], sections: dict, clocks: bool, into: dict) -> dict:
    """Build and settle the devices of one home: ``owners`` per file each section's
    (key, name), or None for another home's; ``sections`` the files' sections and facts
    by path. Each device and its clock go ``into`` by key; the clocks are returned."""
    placement = [(path, section, facts, owner)
                 for path, placed in owners
                 for (section, facts), owner in zip(sections[path], placed) if owner is not None]
    out = {}
    for key, dev in build(placement).items():
        settle(dev)
        out[key] = capture_clock(dev) if clocks else None
        into[key] = (dev, out[key])
    return out


def _read(paths: list[str]) -> list:
    """Round 1, in a worker: read a batch; per path its ``InputError`` or (info, names)."""
    from diag.api import read_batch
    from diag.errors import InputError

    out = []
    for path, outcome in zip(paths, read_batch(paths, True)):
        if isinstance(outcome, InputError):
            out.append(outcome)
        else:
            _FILES[path] = outcome[1]
            out.append((outcome[0], names_of(outcome[1])))
    return out


def _give(paths: list[str]) -> bytes:
    """Sections and facts of these files, pickled for another process."""
    return pickle.dumps([_FILES[path] for path in paths], pickle.HIGHEST_PROTOCOL)


def _build(owners: list[tuple[str, list]], clocks: bool, incoming: list[tuple[list[str], bytes]]) -> dict:
    """Round 2, in a worker: take the files other workers sent, build and settle the
    devices homed here (``owners``: per file, each section's (key, name) or None for
    another home's). Their clocks by key."""
    for paths, blob in incoming:
        _FILES.update(zip(paths, pickle.loads(blob)))
    out = build_homed(owners, _FILES, clocks, _DEVICES)
    _FILES.clear()
    return out


def _judge(now: dt.datetime, source: str) -> dict:
    """Round 3, in a worker: every device it holds, judged."""
    out = judge_all(_RULES[0], _DEVICES, now, source)
    _DEVICES.clear()
    return out


HERE = -1  # the parent, as a holder and a home


class Held:
    """The parent's side of the three rounds."""

    def __init__(self, crew, rules, fixed: dt.datetime | None) -> None:
        self.crew = crew
        self.rules = rules
        self.fixed = fixed  # --now
        self.holder: dict[str, int] = {}  # path -> worker (HERE: read by this process)
        self.here: dict = {}  # sections this process holds: what it read, what it was sent
        self.devices: dict[str, tuple[Device, object]] = {}  # devices built here
        self.moved = 0  # files sent from one process to another (tests, measurements)

    def read(self, paths: list[str], batches: list[list[str]], read_here, done) -> list:
        """Per path, as ``api.read_batch`` gives it but with names instead of sections;
        ``done(path)`` as each is read."""
        out: dict[str, object] = {}
        for path in paths:
            if path == "-":
                outcome = read_here([path])[0]
                self.holder[path] = HERE
                if isinstance(outcome, tuple):
                    self.here[path] = outcome[1]
                    outcome = (outcome[0], names_of(outcome[1]))
                out[path] = outcome
                done(path)

        def arrived(task: int, answer: list) -> None:
            for path, outcome in zip(batches[task], answer):
                out[path] = outcome
                done(path)

        where = self.crew.share(_read, batches, arrived)
        for batch, worker in zip(batches, where):
            for path in batch:
                self.holder[path] = worker
        return [out[path] for path in paths]

    def build(self, placed: list[tuple[str, list[tuple[str, str]]]]) -> tuple[list, dict]:
        """``placed``: per file read, the (key, name) of each of its sections. Returns the
        device keys and names in the order they first appear, and every device's clock."""
        clocks = self.fixed is None
        order: dict[str, str] = {}
        home: dict[str, int] = {}
        for path, owners in placed:
            for key, name in owners:
                if key not in order:
                    order[key] = name
                    home[key] = self.holder[path]
                elif self.holder[path] == HERE:
                    home[key] = HERE  # standard input is read here and stays here
        # per home, its files with the sections of its devices; the files it lacks, by holder
        owners_of: dict[int, list] = {w: [] for w in range(len(self.crew))}
        owners_of[HERE] = []
        lacking: dict[tuple[int, int], list[str]] = {}  # (holder, home) -> paths
        for path, owners in placed:
            holder = self.holder[path]
            for where in sorted({home[key] for key, _ in owners}):
                owners_of[where].append((path, [o if home[o[0]] == where else None for o in owners]))
                if where != holder:
                    lacking.setdefault((holder, where), []).append(path)
        # each holder pickles what each home lacks once; this process passes the bytes on
        incoming: dict[int, list] = {w: [] for w in owners_of}
        for (holder, where), paths in lacking.items():  # (never from here: what is here stays here)
            self.crew.ask(holder, _give, paths)
        for (holder, where), paths in lacking.items():  # each worker answers in order
            incoming[where].append((paths, self.crew.answer(holder)))
            self.moved += len(paths)
        for worker in range(len(self.crew)):
            self.crew.ask(worker, _build, owners_of[worker], clocks, incoming[worker])
        for paths, blob in incoming[HERE]:
            self.here.update(zip(paths, pickle.loads(blob)))
        clock = build_homed(owners_of[HERE], self.here, clocks, self.devices)
        self.here.clear()
        for worker in range(len(self.crew)):
            clock.update(self.crew.answer(worker))
        return list(order.items()), clock

    def judge(self, now: dt.datetime, source: str) -> dict:
        """Every device judged, by key (see ``judge``)."""
        for worker in range(len(self.crew)):
            self.crew.ask(worker, _judge, now, source)
        out = judge_all(self.rules, self.devices, now, source)
        for worker in range(len(self.crew)):
            out.update(self.crew.answer(worker))
        return out

