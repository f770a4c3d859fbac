"""``--jobs N``: read and evaluate many files on several cores.

For the reports that show devices by their summary (all but markdown), ``Crew`` workers
keep what they read and judge it where it is (``diag.held``). Otherwise, two parallel
phases around one sequential one:

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
    rest = worker_batches(paths, jobs)
    if not rest:  # standard input named several times, and nothing else
        return [here[i] for i in range(len(paths))]
    with _Pool(min(jobs, len(rest)), _context()) as pool:
        results = (r for part in pool.map(fn, rest) for r in part)
        for i in range(len(paths)):
            out.append(here[i] if i in here else next(results))
            if each is not None:
                each()
    return out


def worker_batches(paths: list[str], jobs: int) -> list[list[str]]:
    """The batches workers read: every path but standard input (which belongs to this
    process), at least four batches per worker so that a few dozen files keep all busy."""
    others = [p for p in paths if p != "-"]
    return batches(others, max(1, min(BATCH_FILES, -(-len(others) // (jobs * 4)))))


def forks() -> bool:
    """Whether workers start by forking this process (and so inherit what it holds)."""
    return _context().get_start_method() == "fork"


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
    from diag.engine import Outcome, evaluate as evaluate_all

    if not spread(len(devices), jobs):
        return evaluate_all(rules, devices, nows, tick)
    if not forks():
        return evaluate_all(rules, devices, nows, tick)

    _SHARED.update(rules=rules, devices=devices, nows=nows)
    # The workers inherit every device: frozen, those objects are left out of the workers'
    # cyclic collections, which would otherwise walk (and so copy, page by page) them all.
    gc.freeze()
    try:
        step = max(1, len(devices) // (jobs * 4))
        slices = [(i, min(i + step, len(devices))) for i in range(0, len(devices), step)]
        parts = []
        with _Pool(min(jobs, len(slices)), _context()) as pool:
            for (_, stop), part in zip(slices, pool.map(_evaluate_slice, slices)):
                parts.append(part)
                if tick is not None:
                    tick(stop)
    finally:
        gc.unfreeze()
        _SHARED.clear()
    return Outcome.joined(parts)


class Crew:
    """Worker processes that keep what they compute from one request to the next.

    ``--jobs`` readers hold the files they parsed and later evaluate the devices those
    files make up, so only names, clocks, findings and device summaries travel between
    processes (see ``diag.held``). Requests are module-level functions with their
    arguments; a worker's state lives in its module's globals, inherited at fork.
    """

    def __init__(self, workers: int) -> None:
        ctx = _context()
        self.conns: list = []
        self.procs: list = []
        try:
            for _ in range(workers):
                mine, theirs = ctx.Pipe()
                # the worker drops the parent's ends of every pipe: when the parent dies, its
                # worker reads end-of-file instead of waiting forever
                proc = ctx.Process(target=_serve, args=(theirs, self.conns + [mine]), daemon=True)
                proc.start()
                theirs.close()
                self.conns.append(mine)
                self.procs.append(proc)
        except BaseException:
            self.close()
            raise

    def __len__(self) -> int:
        return len(self.procs)

    def __enter__(self) -> "Crew":
        return self

    def __exit__(self, kind, exc, tb) -> None:
        self.close(now=kind is not None)

    def ask(self, worker: int, fn: Callable, *args) -> None:
        try:
            self.conns[worker].send((fn, args))
        except OSError:  # the worker is gone: not to be mistaken for a closed stdout
            self._lost(worker)

    def _lost(self, worker: int):
        proc = self.procs[worker]
        proc.join(1)
        raise RuntimeError(f"a --jobs worker stopped unexpectedly (exit status {proc.exitcode})") from None

    def answer(self, worker: int):
        """The answer of ``worker`` to its request: its value, or its exception raised here."""
        from multiprocessing.connection import wait

        conn, proc = self.conns[worker], self.procs[worker]
        wait([conn, proc.sentinel])
        try:
            status, value, where = conn.recv()
        except (EOFError, OSError):
            self._lost(worker)
        if status == "error":
            value.add_note(f"in a --jobs worker:\n{where}")
            raise value
        return value

    def share(self, fn: Callable, tasks: list, done: Callable[[int, object], None] | None = None) -> list[int]:
        """``fn(task)`` for every task, each given to the next free worker; ``done(i, answer)``
        as task i is answered. Returns the worker that did each task.

        Every worker has its next task waiting before it finishes the current one: it
        never waits for this process, which may be busy with another worker's answer."""
        from collections import deque
        from multiprocessing.connection import wait

        todo = iter(range(len(tasks)))
        busy: dict[int, deque] = {w: deque() for w in range(len(self.procs))}  # worker -> its tasks, in order
        where = [0] * len(tasks)

        def give(worker: int) -> None:
            task = next(todo, None)
            if task is not None:
                busy[worker].append(task)
                where[task] = worker
                self.ask(worker, fn, tasks[task])

        for _ in range(2):
            for worker in busy:
                give(worker)
        while any(busy.values()):
            working = [w for w, queue in busy.items() if queue]
            ready = wait([self.conns[w] for w in working] + [self.procs[w].sentinel for w in working])
            for worker in [w for w in working if self.conns[w] in ready or self.procs[w].sentinel in ready]:
                task = busy[worker].popleft()
                answer = self.answer(worker)
                give(worker)
                if done is not None:
                    done(task, answer)
        return where

    def close(self, now: bool = False) -> None:
        """Stop the workers: once they have answered everything, or ``now`` (the run failed
        or was interrupted, and what they are doing is of no use any more)."""
        for conn in self.conns:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
        for proc in self.procs:
            if now:
                proc.terminate()
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for conn in self.conns:
            conn.close()
        self.conns, self.procs = [], []


def _serve(conn, inherited: list) -> None:
    """A crew worker: requests in, answers out, until told to stop or the parent is gone.

    Answers leave from a thread of their own: a big one fills the connection's buffer
    until the parent reads it, and the worker goes on with its next request meanwhile."""
    import queue
    import threading
    import traceback

    for other in inherited:
        other.close()
    _quiet_worker()
    outbox: queue.SimpleQueue = queue.SimpleQueue()

    def post() -> None:
        while (reply := outbox.get()) is not None:
            try:
                conn.send(reply)
            except (BrokenPipeError, ConnectionResetError):
                return  # the parent is gone
            except Exception as exc:  # an answer or an exception that does not pickle
                conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}"), traceback.format_exc()))

    poster = threading.Thread(target=post, daemon=True)
    poster.start()
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            break
        if request is None:
            break
        fn, args = request
        try:
            outbox.put(("ok", fn(*args), ""))
        except BaseException as exc:  # sent to the parent, which raises it
            outbox.put(("error", exc, traceback.format_exc()))
    outbox.put(None)
    poster.join()
    conn.close()
    os._exit(0)  # what the worker holds is not freed object by object: nobody waits for it
