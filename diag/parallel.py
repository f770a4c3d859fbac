"""``--jobs N``: read and evaluate many files on several cores.

Two parallel phases around one sequential one:

1. workers read and parse batches of files (sections are compacted to the lines
   facts point at before they travel back, so the pickles stay small);
2. the parent groups devices across files and settles their clocks (this needs
   every file);
3. workers evaluate slices of devices. Where the platform forks, the workers
   inherit the devices instead of receiving them; only findings travel back.

With one job, or few files, everything runs in this process as before.
"""

from __future__ import annotations

import gc
import os
from typing import Callable

MIN_FILES = 8  # below this, starting workers costs more than it saves
BATCH_FILES = 64  # inputs read (and their sections parsed together) in one go
BATCH_BYTES = 2 << 20

_SHARED: dict = {}  # what forked evaluation workers inherit


def _context():
    import multiprocessing  # only for --jobs: a small paste does not pay for it

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else methods[0])


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def spread(count: int, jobs: int) -> bool:
    """Whether ``count`` files or devices go to worker processes."""
    return jobs > 1 and count >= MIN_FILES


def batches(paths: list[str], most: int | None = None) -> list[list[str]]:
    """Paths in runs of up to ``most`` (``BATCH_FILES``) files or about ``BATCH_BYTES`` of
    input, in order: a big file makes a batch of its own, so workers share big files evenly."""
    most = most or BATCH_FILES
    out: list[list[str]] = []
    current: list[str] = []
    size = 0
    for path in paths:
        try:
            n = os.path.getsize(path) if path != "-" else 0
        except OSError:
            n = 0
        if current and (len(current) >= most or size + n > BATCH_BYTES):
            out.append(current)
            current, size = [], 0
        current.append(path)
        size += n
    if current:
        out.append(current)
    return out


def map_batches(fn: Callable[[list[str]], list], paths: list[str], jobs: int,
                each: Callable[[], None] | None = None) -> list:
    """``fn(batch)`` for batches of ``paths`` (a list of results per batch, one per path),
    flattened in the paths' order; in worker processes when it pays.

    ``each()`` is called as every result arrives (progress).
    """
    out: list = []
    if not spread(len(paths), jobs):
        for batch in batches(paths):
            for result in fn(batch):
                out.append(result)
                if each is not None:
                    each()
        return out
    # standard input belongs to this process (workers get none): read it here, in its place
    here = {i: fn([p])[0] for i, p in enumerate(paths) if p == "-"}
    others = [p for p in paths if p != "-"]
    # at least four batches per worker, so that a few dozen files keep every worker busy
    rest = batches(others, max(1, min(BATCH_FILES, -(-len(others) // (jobs * 4)))))
    if not rest:  # standard input named several times, and nothing else
        return [here[i] for i in range(len(paths))]
    with _Pool(min(jobs, len(rest)), _context()) as pool:
        results = (r for part in pool.map(fn, rest) for r in part)
        for i in range(len(paths)):
            out.append(here[i] if i in here else next(results))
            if each is not None:
                each()
    return out


def _quiet_worker() -> None:
    """Workers leave Ctrl-C to the parent, which stops the run with one line."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Pool:
    """A process pool that, when the parent is interrupted or fails, drops the work not
    started yet instead of waiting for all of it."""

    def __init__(self, workers: int, ctx) -> None:
        from concurrent.futures import ProcessPoolExecutor

        self.executor = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_quiet_worker)

    def __enter__(self):
        return self.executor

    def __exit__(self, kind, exc, tb) -> None:
        self.executor.shutdown(wait=kind is None, cancel_futures=kind is not None)


def _evaluate_slice(bounds):
    from diag.engine import Outcome, evaluate_device

    from diag.engine import collect_next

    start, stop = bounds
    rules, devices, nows = _SHARED["rules"], _SHARED["devices"], _SHARED["nows"]
    out = Outcome()
    for dev in devices[start:stop]:
        evaluate_device(rules, dev, nows[dev.key], out)
    # collect-next uses the facts the rules derived, which live in this worker's devices
    return out.findings, out.not_evaluated, collect_next(out.not_evaluated, devices[start:stop])


def evaluate(rules, devices, nows, jobs: int, tick: Callable[[int], None] | None = None):
    """The engine's ``evaluate``, with device slices spread over workers when it pays.

    ``tick(n)`` is told how many devices are done (progress).
    """
    from diag.engine import Collect, Finding, Outcome, evaluate as evaluate_all

    if not spread(len(devices), jobs):
        return evaluate_all(rules, devices, nows, tick)
    ctx = _context()
    if ctx.get_start_method() != "fork":
        return evaluate_all(rules, devices, nows, tick)

    _SHARED.update(rules=rules, devices=devices, nows=nows)
    # The workers inherit every device: frozen, those objects are left out of the workers'
    # cyclic collections, which would otherwise walk (and so copy, page by page) them all.
    gc.freeze()
    try:
        step = max(1, len(devices) // (jobs * 4))
        slices = [(i, min(i + step, len(devices))) for i in range(0, len(devices), step)]
        parts = []
        with _Pool(min(jobs, len(slices)), ctx) as pool:
            for (_, stop), part in zip(slices, pool.map(_evaluate_slice, slices)):
                parts.append(part)
                if tick is not None:
                    tick(stop)
    finally:
        gc.unfreeze()
        _SHARED.clear()
    out = Outcome()
    for findings, not_evaluated, collect in parts:
        out.findings.extend(findings)
        out.not_evaluated.extend(not_evaluated)
        out.collect_next.extend(collect)
    out.findings.sort(key=Finding.sort_key)
    out.not_evaluated.sort(key=lambda n: (n.device.lower(), n.rule_id))
    out.collect_next.sort(key=Collect.sort_key)  # stable: each device keeps its order
    return out
