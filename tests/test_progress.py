"""The progress line: only on a terminal, only for long runs, wiped before the report."""

from __future__ import annotations

import gzip
import io
import json
import shutil

import pytest

from conftest import ROOT
from diag import progress as bar
from diag.api import Options, analyze
from diag.cli import cli
from test_cli import run

SAMPLES = ROOT / "samples"


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_for_the_first_half_second_then_throttled():
    clock, out = Clock(), io.StringIO()
    p = bar.Progress(out, clock)
    p.stage("reading", 1000, "bytes")
    p.update(100)
    assert out.getvalue() == ""  # a short run never shows it
    clock.t = bar.DELAY
    p.update(500)
    first = out.getvalue()
    assert first.startswith("\r") and "50%" in first and "500 B / 1.0 kB" in first
    clock.t += bar.INTERVAL / 2
    p.update(600)
    assert out.getvalue() == first  # not redrawn more than ten times a second
    clock.t += bar.INTERVAL
    p.update(600)
    assert "60%" in out.getvalue()


def test_the_bar_counts_items_and_close_wipes_the_line():
    clock, out = Clock(), io.StringIO()
    p = bar.Progress(out, clock)
    clock.t = 10
    p.stage("evaluating", 8, "devices")
    p.update(2, "")
    line = out.getvalue().split("\r")[-1]
    assert line == "diag: evaluating [" + "#" * 6 + "." * 18 + "]  25% 2/8 devices"
    p.close()
    tail = out.getvalue().split("\r")
    assert tail[-1] == "" and tail[-2] == " " * len(line)  # blanked, cursor back at the start
    p.close()  # twice is harmless
    assert out.getvalue().count("\r") == 3


def test_a_shorter_line_covers_the_longer_one_before_it():
    clock, out = Clock(), io.StringIO()
    p = bar.Progress(out, clock)
    clock.t = 10
    p.stage("reading", 10**9, "bytes")
    p.update(5 * 10**8, "file 1 of 200")
    clock.t = 11
    p.stage("evaluating", 3, "devices")
    p.update(1)
    first, second = out.getvalue().split("\r")[1:]
    assert len(second) == len(first) and second.rstrip().endswith("1/3 devices")


def test_unknown_total_shows_a_count_without_bar():
    clock, out = Clock(), io.StringIO()
    p = bar.Progress(out, clock)
    clock.t = 10
    p.stage("reading", 0, "bytes")
    p.update(2_500_000)
    assert out.getvalue() == "\rdiag: reading 2.5 MB"


def test_a_closed_stream_does_not_stop_the_run():
    clock, out = Clock(), io.StringIO()
    p = bar.Progress(out, clock)
    out.close()
    clock.t = 10
    p.stage("reading", 10, "files")
    p.update(3)
    p.close()


def test_wanted_only_on_an_interactive_terminal(monkeypatch):
    monkeypatch.delenv("DIAG_NO_PROGRESS", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert bar.wanted(Tty())
    assert not bar.wanted(io.StringIO())
    assert not bar.wanted(None)
    monkeypatch.setenv("TERM", "dumb")
    assert not bar.wanted(Tty())
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("DIAG_NO_PROGRESS", "1")
    assert not bar.wanted(Tty())


class Recorder:
    """A Progress stand-in that keeps every stage and update."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def stage(self, label, total, unit):
        self.calls.append(("stage", label, total, unit))

    def update(self, done, note=""):
        self.calls.append(("update", done, note))

    def stages(self):
        return [c[1:] for c in self.calls if c[0] == "stage"]

    def updates_after(self, label):
        i = next(i for i, c in enumerate(self.calls) if c[:2] == ("stage", label))
        out = []
        for c in self.calls[i + 1:]:
            if c[0] == "stage":
                break
            out.append(c[1:])
        return out


def test_one_gzipped_file_is_followed_byte_by_byte(tmp_path):
    # a show tech-support of many chunks: progress moves inside the one file
    body = (SAMPLES / "known-issue-2-plain-http.txt").read_bytes()
    filler = b"".join(b"`show interface ethernet1/%d`\nEthernet1/%d is up\n" % (i, i) for i in range(60000))
    path = tmp_path / "showtech.txt.gz"
    path.write_bytes(gzip.compress(filler + body, compresslevel=1))
    rec = Recorder()
    report = analyze([str(path)], Options(progress=rec))
    assert report.findings
    size = path.stat().st_size
    assert rec.stages()[0] == ("reading", size, "bytes")
    reads = [done for done, _ in rec.updates_after("reading")]
    assert len(reads) > 2 and reads == sorted(reads) and reads[-1] == size
    assert 0 < reads[0] < size  # told within the file, not only at its end
    assert rec.stages()[1] == ("evaluating", len(report.devices), "devices")
    assert rec.updates_after("evaluating")[-1] [0] == len(report.devices)


@pytest.mark.parametrize("jobs", [1, 2])
def test_many_files_are_counted_in_order(tmp_path, jobs):
    text = (SAMPLES / "healthy-registered-9.3.txt").read_text()
    for i in range(10):  # of different sizes: workers may finish them out of order
        (tmp_path / f"s{i:02d}.txt").write_text(text.replace("dc1-leaf-101", f"leaf{i}") + "\n" * (i * 4000))
    rec = Recorder()
    report = analyze([str(tmp_path)], Options(progress=rec, jobs=jobs))
    notes = [note for _, note in rec.updates_after("reading") if note]
    assert notes[-1] == "file 10 of 10"
    total = sum(p.stat().st_size for p in tmp_path.iterdir())
    reads = [done for done, _ in rec.updates_after("reading")]
    assert reads == sorted(reads) and reads[-1] == total
    sizes = sorted(p.stat().st_size for p in tmp_path.iterdir())
    assert reads[0] in sizes  # the bytes of the first file read, whichever it was
    assert rec.stages()[1] == ("evaluating", len(report.devices), "devices")
    assert rec.updates_after("evaluating")[-1] [0] == len(report.devices)


def test_cli_shows_it_when_asked_and_the_report_is_unchanged(monkeypatch, capsys):
    monkeypatch.setattr(bar, "DELAY", 0.0)
    monkeypatch.setattr(bar, "INTERVAL", 0.0)
    path = str(SAMPLES / "known-issue-2-plain-http.txt")

    def main(*args):
        with pytest.raises(SystemExit) as exc:
            cli.main(list(args), prog_name="diag")
        captured = capsys.readouterr()
        return exc.value.code, captured.out, captured.err

    code, out, err = main("check", "-f", "json", "--progress", path)
    assert code == 1
    assert "\rdiag: reading [" in err and "\rdiag: evaluating [" in err
    assert err.endswith("\r")  # wiped: what follows starts on a clean line
    plain_code, plain_out, plain_err = main("check", "-f", "json", "--no-progress", path)
    assert plain_code == 1 and "\r" not in plain_err
    assert json.loads(out) == json.loads(plain_out)


def test_not_shown_when_stderr_is_not_a_terminal():
    res = run("check", str(SAMPLES / "two-switches-session.log"))
    assert res.returncode == 1
    assert "\r" not in res.stderr and "reading" not in res.stderr
