"""``--jobs N``: a standard process pool that reads files and judges groups of them.

The workers are forked from this process after the rule book is loaded and inherit it;
what travels is paths in, and names, findings and device summaries out. Where processes
cannot be forked (or for a handful of files) everything runs in this process, by the
same code.
"""

from __future__ import annotations

import os
from typing import Callable, Iterable, Iterator

MIN_FILES = 8  # below this, starting workers costs more than it saves

_RULES: list = []  # the rule book, in a worker


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _fork_context():
    import multiprocessing  # only for --jobs: a small paste does not pay for it

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def _start_worker(rules) -> None:
    """A worker keeps the rule book it was forked with, and leaves Ctrl-C to the parent,
    which stops the run with one line."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _RULES[:] = [rules]


def worker_rules():
    return _RULES[0]


class Workers:
    """``with Workers(jobs, rules, files) as workers``: a pool, or None when the run is
    better done in this process (one job, few files, no fork)."""

    def __init__(self, jobs: int, rules, files: int) -> None:
        self.jobs, self.rules, self.files = jobs, rules, files
        self.executor = None

    def __enter__(self) -> "Workers | None":
        if self.jobs <= 1 or self.files < MIN_FILES:
            return None
        ctx = _fork_context()
        if ctx is None:
            return None
        from concurrent.futures import ProcessPoolExecutor

        self.executor = ProcessPoolExecutor(self.jobs, mp_context=ctx, initializer=_start_worker,
                                            initargs=(self.rules,))
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if self.executor is not None:
            # a failed or interrupted run drops the work not started instead of waiting for it
            self.executor.shutdown(wait=kind is None, cancel_futures=kind is not None)

    def map(self, fn: Callable, items: Iterable) -> Iterator:
        """``fn(item)`` for every item, in worker processes; results in the items' order."""
        items = list(items)
        chunk = max(1, min(64, len(items) // (self.jobs * 8)))
        return self.executor.map(fn, items, chunksize=chunk)
