"""``--jobs N``: read and evaluate many files on several cores.

Two parallel phases around one sequential one:

1. workers read and parse files (sections are compacted to the lines facts point
   at before they travel back, so the pickles stay small);
2. the parent groups devices across files and settles their clocks (this needs
   every file);
3. workers evaluate slices of devices. Where the platform forks, the workers
   inherit the devices instead of receiving them; only findings travel back.

With one job, or few files, everything runs in this process as before.
"""

from __future__ import annotations

import gc
import os
from typing import Callable, Iterable

MIN_FILES = 8  # below this, starting workers costs more than it saves

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


def _chunks(n: int, jobs: int) -> int:
    return max(1, min(64, n // (jobs * 8) or 1))


def map_files(fn: Callable, paths: list[str], jobs: int) -> Iterable:
    """``fn(path)`` for every path, in order; in worker processes when it pays."""
    if jobs <= 1 or len(paths) < MIN_FILES:
        return [fn(p) for p in paths]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs, mp_context=_context()) as pool:
        return list(pool.map(_compact_call, [(fn, p) for p in paths], chunksize=_chunks(len(paths), jobs)))


def _compact_call(args):
    fn, path = args
    return fn(path, True)


def _evaluate_slice(bounds):
    from diag.engine import Outcome, evaluate_device

    start, stop = bounds
    rules, devices, nows = _SHARED["rules"], _SHARED["devices"], _SHARED["nows"]
    out = Outcome()
    for dev in devices[start:stop]:
        evaluate_device(rules, dev, nows[dev.key], out)
    return out.findings, out.not_evaluated


def evaluate(rules, devices, nows, jobs: int):
    """The engine's ``evaluate``, with device slices spread over workers when it pays."""
    from diag.engine import Finding, Outcome, collect_next, evaluate as evaluate_all

    if jobs <= 1 or len(devices) < MIN_FILES:
        return evaluate_all(rules, devices, nows)
    ctx = _context()
    if ctx.get_start_method() != "fork":
        return evaluate_all(rules, devices, nows)
    from concurrent.futures import ProcessPoolExecutor

    _SHARED.update(rules=rules, devices=devices, nows=nows)
    # The workers inherit every device: frozen, those objects are left out of the workers'
    # cyclic collections, which would otherwise walk (and so copy, page by page) them all.
    gc.freeze()
    try:
        step = max(1, len(devices) // (jobs * 4))
        slices = [(i, min(i + step, len(devices))) for i in range(0, len(devices), step)]
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            parts = list(pool.map(_evaluate_slice, slices))
    finally:
        gc.unfreeze()
        _SHARED.clear()
    out = Outcome()
    for findings, not_evaluated in parts:
        out.findings.extend(findings)
        out.not_evaluated.extend(not_evaluated)
    out.findings.sort(key=Finding.sort_key)
    out.not_evaluated.sort(key=lambda n: (n.device.lower(), n.rule_id))
    out.collect_next = collect_next(out.not_evaluated, devices)
    return out
