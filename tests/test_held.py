"""``--jobs`` with workers that keep what they read (diag.held): the same report as one job.

The fleets here are cut from the samples and dealt out at random: a device's outputs in
several files that land in different batches and workers, prompts a configuration's
hostname explains, captures without a prompt, devices without a clock, standard input.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import random
import re
from pathlib import Path

import pytest

from diag import held, parallel
from diag.api import Options, analyze
from diag.report import render
from diag.report.jsonfmt import as_dict

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SESSIONS = {  # sample -> the host name its prompts use
    "healthy-registered-9.3.txt": "dc1-leaf-101",
    "known-issue-1-source-interface.txt": None,
    "known-issue-2-plain-http.txt": None,
    "known-issue-4-mts-dns.txt": None,
    "slp-10.2-reporting-broken.txt": None,
    "eval-mode-new-switch.txt": None,
}
PROMPT = re.compile(r"^([A-Za-z][\w.-]*)# ", re.M)
SYSTEM_NOW = dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)

pytestmark = pytest.mark.skipif(not parallel.forks(), reason="held workers need fork")


def _chunks(text: str) -> tuple[str, list[str]]:
    """A session cut at its prompts: its host name and each command with its output."""
    starts = [m.start() for m in PROMPT.finditer(text)]
    host = PROMPT.search(text).group(1)
    return host, [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)]) if not text[a:b].rstrip().endswith("#")]


def _fleet(folder: Path, seed: int, devices: int = 14, files: int = 20) -> list[str]:
    rng = random.Random(seed)
    sessions = [_chunks((SAMPLES / name).read_text()) for name in SESSIONS]
    bins: list[list[str]] = [[] for _ in range(files)]
    for n in range(devices):
        host, chunks = sessions[rng.randrange(len(sessions))]
        name = f"dev{n:02d}"
        chunks = [c.replace(host, name) for c in chunks]
        if rng.random() < 0.3:  # no clock of its own: judged at the run's clock
            chunks = [c for c in chunks if "# show clock" not in c]
        for chunk in chunks:
            if rng.random() < 0.15 and "\nhostname " in chunk:
                chunk = chunk.replace(f"{name}# ", "switch# ", 1)  # a prompt the hostname explains
            bins[rng.randrange(files)].append(chunk)
    paths = []
    for i, parts in enumerate(bins):
        if not parts:
            continue
        if rng.random() < 0.1:  # output without any prompt: the device is the file
            parts = [PROMPT.sub("", parts[0], count=1).split("\n", 1)[-1]]
        path = folder / f"f{i:02d}.txt"
        path.write_text("".join(parts))
        paths.append(str(path))
    return paths


class _Spy:
    """What the parent's side of the held rounds saw."""

    def __init__(self, monkeypatch) -> None:
        self.runs: list[tuple[int, int, int]] = []  # (devices, files moved, devices built here)
        build = held.Held.build

        def spy(this, placed):
            order, clocks = build(this, placed)
            self.runs.append((len(order), this.moved, len(this.devices)))
            return order, clocks

        monkeypatch.setattr(held.Held, "build", spy)


def _reports(paths, **options):
    one = analyze(paths, Options(jobs=1, system_now=SYSTEM_NOW, **options))
    two = analyze(paths, Options(jobs=2, summaries=True, system_now=SYSTEM_NOW, **options))
    return one, two


def _same(one, two) -> None:
    assert as_dict(two) == as_dict(one)
    for fmt in ("text", "sarif", "github"):
        assert render(two, fmt, pretty=False) == render(one, fmt, pretty=False), fmt


@pytest.mark.parametrize("seed", range(6))
def test_a_fleet_dealt_at_random_gives_the_report_of_one_job(tmp_path, monkeypatch, seed):
    spy = _Spy(monkeypatch)
    paths = _fleet(tmp_path, seed)
    one, two = _reports(paths)
    _same(one, two)
    assert spy.runs and spy.runs[0][0] == len(one.devices)
    assert len(one.devices) >= 10 and one.findings


def test_devices_spread_over_workers_are_sent_to_one(tmp_path, monkeypatch):
    # over a few fleets, some devices' files were read by different workers: the files
    # travelled to the device's home worker
    spy = _Spy(monkeypatch)
    for seed in range(3):
        folder = tmp_path / str(seed)
        folder.mkdir()
        _same(*_reports(_fleet(folder, seed, devices=20, files=24)))
    assert any(moved for _, moved, _ in spy.runs), spy.runs
    assert not any(here for _, _, here in spy.runs)  # no standard input: nothing built here


def test_a_layout_by_command_puts_every_device_in_two_batches(tmp_path, monkeypatch):
    # show-version/leafNN.txt, then status/leafNN.txt: each device's two files are read far
    # apart, mostly by different workers
    spy = _Spy(monkeypatch)
    host, chunks = _chunks((SAMPLES / "healthy-registered-9.3.txt").read_text())
    paths = []
    for part, text in (("a", "".join(chunks[:2])), ("b", "".join(chunks[2:]))):
        for i in range(16):
            path = tmp_path / f"{part}-leaf{i:02d}.txt"
            path.write_text(text.replace(host, f"leaf{i:02d}"))
            paths.append(str(path))
    one, two = _reports(paths)
    _same(one, two)
    assert len(two.devices) == 16 and spy.runs[0][0] == 16 and spy.runs[0][1] > 0


def test_one_capture_per_switch_is_judged_where_it_was_read(tmp_path, monkeypatch):
    spy = _Spy(monkeypatch)
    text = (SAMPLES / "healthy-registered-9.3.txt").read_text()
    paths = []
    for i in range(12):
        path = tmp_path / f"s{i}.txt"
        path.write_text(text.replace("dc1-leaf-101", f"leaf{i:02d}"))
        paths.append(str(path))
    one, two = _reports(paths)
    _same(one, two)
    assert spy.runs == [(12, 0, 0)]  # every device where it was read


def test_no_clock_anywhere_and_a_fixed_now(tmp_path):
    paths = _fleet(tmp_path, 11)
    for path in paths:  # no clock in the whole run: this machine's, or the events' estimate
        Path(path).write_text(re.sub(r"\S+# show clock\n[^#]*?(?=\S+# |\Z)", "", Path(path).read_text()))
    _same(*_reports(paths))
    _same(*_reports(paths, now=dt.datetime(2023, 3, 20, tzinfo=dt.timezone.utc)))


def test_standard_input_joins_a_device_read_by_a_worker(tmp_path, monkeypatch):
    import io
    import sys

    text = (SAMPLES / "healthy-registered-9.3.txt").read_text()
    host, chunks = _chunks(text)
    paths = []
    for i in range(10):
        path = tmp_path / f"s{i}.txt"
        path.write_text("".join(chunks[:2]).replace(host, f"leaf{i:02d}"))
        paths.append(str(path))
    stdin = "".join(chunks[2:]).replace(host, "leaf03")

    def run(jobs: int):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        return analyze(["-", *paths], Options(jobs=jobs, summaries=jobs > 1, system_now=SYSTEM_NOW))

    spy = _Spy(monkeypatch)
    one, two = run(1), run(2)
    _same(one, two)
    (leaf03,) = [d for d in two.devices if d.name == "leaf03"]
    assert leaf03.inputs == ["-", paths[3]]
    assert spy.runs == [(10, 1, 1)]  # leaf03's file came up here, where standard input is


def test_markdown_and_library_callers_get_whole_devices(tmp_path):
    paths = _fleet(tmp_path, 3)
    two = analyze(paths, Options(jobs=2, system_now=SYSTEM_NOW))
    assert all(d.store.all() for d in two.devices)
    one = analyze(paths, Options(jobs=1, system_now=SYSTEM_NOW))
    assert render(two, "markdown") == render(one, "markdown")


def test_a_failing_worker_stops_the_run_with_its_error(tmp_path, monkeypatch):
    paths = _fleet(tmp_path, 5)

    def broken(*args):
        raise ValueError("rule engine exploded")

    monkeypatch.setattr(held, "judge", broken)  # inherited by the forked workers
    with pytest.raises(ValueError, match="rule engine exploded") as info:
        analyze(paths, Options(jobs=2, summaries=True))
    assert any("in a --jobs worker" in note for note in getattr(info.value, "__notes__", []))
    assert multiprocessing.active_children() == []


def test_a_worker_that_dies_does_not_hang_the_run(tmp_path, monkeypatch):
    import os

    paths = _fleet(tmp_path, 6)
    monkeypatch.setattr(held, "judge", lambda *args: os._exit(3))
    with pytest.raises(RuntimeError, match="stopped unexpectedly"):
        analyze(paths, Options(jobs=2, summaries=True))
    assert multiprocessing.active_children() == []


def test_the_cli_reports_the_same_under_two_jobs(tmp_path):
    from click.testing import CliRunner

    from diag.cli import cli

    paths = _fleet(tmp_path, 8)
    runner = CliRunner()
    args = ["check", "--no-config", "-f", "json", "--now", "2024-06-01T00:00:00Z"]
    one = runner.invoke(cli, [*args, "-j", "1", *paths])
    two = runner.invoke(cli, [*args, "-j", "2", *paths])
    assert one.exit_code == two.exit_code == 1, two.output
    assert json.loads(one.output) == json.loads(two.output)


def test_a_prompt_its_batch_explains_and_the_run_does_not(tmp_path, monkeypatch):
    # In the first batch, 'switch#' above 'hostname leafa' would make a bare 'switch#'
    # capture leafa's; a later file has 'switch#' above 'hostname leafb', so over the whole
    # run the bare capture is neither's: placing takes every file's names into account.
    spy = _Spy(monkeypatch)
    host, chunks = _chunks((SAMPLES / "known-issue-1-source-interface.txt").read_text())
    config = next(c for c in chunks if "\nhostname " in c)
    status = next(c for c in chunks if "# show license status" in c)
    clock = next(c for c in chunks if "# show clock" in c)

    def named(text: str, prompt: str, hostname: str) -> str:
        return re.sub(r"\nhostname \S+", f"\nhostname {hostname}", text.replace(f"{host}# ", f"{prompt}# "))

    files = {"a1.txt": named(clock + config, "switch", "leafa"), "a2.txt": named(status, "switch", "leafa")}
    healthy = (SAMPLES / "healthy-registered-9.3.txt").read_text()
    for i in range(13):
        files[f"h{i:02d}.txt"] = healthy.replace("dc1-leaf-101", f"leaf{i:02d}")
    files["z.txt"] = named(clock + config, "switch", "leafb")
    paths = []
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        paths.append(str(tmp_path / name))
    assert parallel.worker_batches(paths, 2)[0] == paths[:2]
    one, two = _reports(paths)
    _same(one, two)
    assert {"leafa", "leafb", "switch"} <= {d.name for d in two.devices}
    assert spy.runs[0][0] == len(one.devices)


def test_ctrl_c_stops_the_workers_at_once(tmp_path):
    # a terminal's Ctrl-C reaches the whole process group: workers leave it to the parent,
    # which stops them and exits 130 without waiting for their batches
    import os
    import signal
    import subprocess
    import sys
    import time

    text = (SAMPLES / "healthy-registered-9.3.txt").read_text()
    for i in range(2500):
        (tmp_path / f"s{i:04d}.txt").write_text(text.replace("dc1-leaf-101", f"leaf{i:04d}"))
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-m", "diag", "check", "--no-config", "-j", "2", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=root, start_new_session=True,
                            env={**os.environ, "PYTHONPATH": str(root)})
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    deadline = time.monotonic() + 30
    while proc.poll() is None and time.monotonic() < deadline:  # until the workers are at work
        if not children.exists() or children.read_text().split():
            break
        time.sleep(0.01)
    time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)
    stopped = time.monotonic()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and b"interrupted" in err, err
    assert time.monotonic() - stopped < 5
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)  # nothing of the group is left


def test_no_worker_to_be_had_reads_in_this_process(tmp_path, monkeypatch):
    paths = _fleet(tmp_path, 4)

    def refused(*args):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(parallel, "Crew", refused)
    monkeypatch.setattr(parallel, "_Pool", refused)
    one, two = _reports(paths)
    _same(one, two)


def test_a_folder_of_nothing_readable_but_one_broken_link(tmp_path):
    # the same one-line refusal as with one job: the folder was named, not its files
    from click.testing import CliRunner

    from diag.cli import cli

    for i in range(8):
        (tmp_path / f"e{i}.txt").write_text("")
    (tmp_path / "broken").symlink_to(tmp_path / "missing")
    runs = [CliRunner().invoke(cli, ["check", "--no-config", "-f", "json", "-j", jobs, str(tmp_path)])
            for jobs in ("1", "2")]
    assert runs[0].exit_code == runs[1].exit_code == 2
    assert runs[0].output == runs[1].output


def test_a_worker_killed_between_rounds_is_an_error_not_a_closed_stdout(tmp_path, monkeypatch):
    # the next request to a dead worker fails to send: before, that BrokenPipeError passed
    # for a closed stdout and the run ended with exit 0 and no output at all
    import os
    import signal

    from click.testing import CliRunner

    from diag import api
    from diag.cli import cli

    paths = _fleet(tmp_path, 7)
    place = api.place

    def kill_one_then_place(*args):
        worker = multiprocessing.active_children()[0]
        os.kill(worker.pid, signal.SIGKILL)
        worker.join()
        return place(*args)

    monkeypatch.setattr(api, "place", kill_one_then_place)
    run = CliRunner().invoke(cli, ["check", "--no-config", "-f", "json", "-j", "2", *paths])
    assert run.exit_code == 3 and "stopped unexpectedly" in run.output, run.output
    assert multiprocessing.active_children() == []
