"""A catalogue of hostile inputs, each run through the real command line (``python -m diag``).

Every case ends one of two ways:

* refused: exit code 2, one clear line on stderr naming the input, no traceback, nothing
  on stdout;
* read: a valid report (exit 0 or 1; 2 in a multi-file run with an unreadable file) that
  says what it could not read, with every finding pointing at a line of its input.

Inputs that are text in some state (other encodings, line ends, terminal junk) must give
the same findings, on the same lines, as the clean capture. Big inputs (a 5 MB line, a
million lines, 100,000 prompts) run under an address-space limit, so that a quadratic loop
or a runaway allocation fails the test instead of the machine; a generous timeout guards
against hangs (a FIFO). Nothing here asserts a duration.
"""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import json
import os
import random
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES, validate_report

SAMPLE = SAMPLES / "known-issue-2-plain-http.txt"
TEXT = SAMPLE.read_text(encoding="utf-8")
# what diag finds in the clean capture: (rule id, line)
EXPECTED = {("registration-unregistered", 12), ("evaluation-mode", 19), ("callhome-url-plain-http", 38)}
MEMORY_LIMIT = 1 << 30  # bytes of address space for the big inputs


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def report(self) -> dict:
        return json.loads(self.out)

    def findings(self) -> set[tuple[str, int]]:
        return {(f["rule_id"], f["line"]) for f in self.report["findings"]}


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def diag(*args: str, stdin: bytes | None = None, cwd: Path | None = None, bounded: bool = False,
         env: dict | None = None) -> Run:
    res = subprocess.run(
        [sys.executable, "-m", "diag", *args], input=stdin, capture_output=True, cwd=cwd or ROOT, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        preexec_fn=_limit_memory if bounded and sys.platform.startswith("linux") else None,
    )
    return Run(res.returncode, res.stdout.decode("utf-8", "replace"), res.stderr.decode("utf-8", "replace"))


def check(*paths: str | Path, bounded: bool = False, stdin: bytes | None = None) -> Run:
    run = diag("check", "-f", "json", "--no-config", *map(str, paths), bounded=bounded, stdin=stdin)
    if run.code in (0, 1) and run.out.strip():
        validate_report(run.out)  # whatever the input, the report follows its schema
    return run


def assert_refused(run: Run, *needles: str) -> None:
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    assert run.code == 2, (run.code, run.err)
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("diag: error: "), run.err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert run.out == ""


def assert_report(run: Run, path: Path | None = None, codes=(0, 1)) -> dict:
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    assert run.code in codes, (run.code, run.err)
    data = run.report
    assert data["schema"] == "diag-report/1"
    lines = {i["path"]: i["lines"] for i in data["inputs"]}
    for f in data["findings"]:
        assert f["path"] in lines and 1 <= f["line"] <= f["end_line"] <= lines[f["path"]], f
        for ev in f["evidence"]:
            assert 1 <= ev["line"] <= lines[ev["path"]]
    if path is not None:
        assert [i["path"] for i in data["inputs"]] == [str(path)]
    return data


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile")


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


# -- refused: nothing to read --------------------------------------------------------------

@pytest.mark.parametrize("name,data,needle", [
    ("empty.txt", b"", "empty input"),
    ("blank.txt", b"  \n\t\n\r\n   \n\n", "no Smart Licensing or Call Home output recognised"),
    ("random.bin", random.Random(6).randbytes(20000), "binary"),
    ("zip.txt", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + random.Random(7).randbytes(3000), "binary"),
    ("ansi-only.txt", b"\x1b[2J\x1b[H\x1b[1;32m\x1b[0m\n\x1b]0;title\x07\n\x1b[K\r\n", "no Smart Licensing"),
    ("pager-only.txt", b" --More-- \r          \r\n--More--\n\x1b[7m--More--\x1b[m\r\x1b[K\n", "no Smart Licensing"),
    ("prose.txt", "Bonjour, voici la capture demandée. Merci!\n" * 50, "no Smart Licensing"),
], ids=lambda v: v if isinstance(v, str) and v.endswith((".txt", ".bin")) else "")
def test_nothing_to_read_is_refused_in_one_line(workdir, name, data, needle):
    path = write(workdir, name, data)
    assert_refused(check(path), str(path), needle)


def test_a_5mb_single_line_is_refused_within_bounds(workdir):
    path = write(workdir, "one-line.txt", "x" * (5 << 20))
    assert_refused(check(path, bounded=True), "no Smart Licensing")


def test_gzip_of_binary_data_is_refused(workdir):
    path = write(workdir, "blob.txt.gz", gzip.compress(random.Random(8).randbytes(5000)))
    assert_refused(check(path), "binary")


def test_gzip_bomb_of_zeros_is_refused_from_its_first_bytes(workdir):
    path = write(workdir, "zeros.gz", gzip.compress(bytes(64 << 20), compresslevel=1))
    assert_refused(check(path, bounded=True), "binary")


def test_gzip_cut_inside_its_header_is_refused(workdir):
    path = write(workdir, "cut.gz", gzip.compress(TEXT.encode())[:6])
    assert_refused(check(path), "gzip")


def test_missing_file_and_broken_symlink_are_refused(workdir):
    assert_refused(check(workdir / "nope.txt"), "no such file")
    link = workdir / "dangling.txt"
    link.symlink_to(workdir / "gone.txt")
    assert_refused(check(link), "broken symbolic link")


def test_dev_null_and_binary_stdin_are_refused():
    assert_refused(check("/dev/null"), "/dev/null", "empty")
    assert_refused(check("-", stdin=b"\x00\x01\x02\x03" * 500), "<stdin>: ", "binary")


def test_empty_folder_named_like_a_file_is_refused(workdir):
    folder = workdir / "capture.txt"
    folder.mkdir()
    assert_refused(check(folder), "folder holds no file")
    assert_refused(diag("parse", str(folder)), "folder holds no file")


def test_folder_of_only_binary_files_is_refused(workdir):
    folder = workdir / "blobs"
    folder.mkdir()
    write(folder, "a.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    write(folder, "b.txt", b"")
    assert_refused(check(folder), "no text capture", "a.png")


# -- read: text in any state gives the same findings on the same lines ------------------------------

def _variants() -> dict[str, bytes]:
    lines = TEXT.split("\n")
    mixed = "".join(line + ("\r\n" if i % 3 == 0 else "\n") for i, line in enumerate(lines[:-1]))
    ansi = "\n".join(
        (f"\x1b[1;32m{line[:7]}\x1b[0m{line[7:]}" if line.startswith("DC-DMZ#") else
         f"\x1b]0;DC-DMZ\x07{line}" if i == 2 else
         line.replace("EVAL MODE", "\x1b[31mEVAL\x1b[1CMODE\x1b[m").replace("http://", "htxp\x1b[2Dtp://"))
        for i, line in enumerate(lines))
    pager = "\n".join(
        (" --More-- \r          \r" + line if i % 4 == 1 else
         "\x1b[7m--More--\x1b[m\r\x1b[K" + line if i % 4 == 3 else line)
        for i, line in enumerate(lines))
    keystrokes = TEXT.replace("DC-DMZ# show license status", "DC-DMZ# show licnse\b\b\bense status")
    latin = TEXT.replace("500 Harbor Blvd", "Königstraße 5, Zürich").encode("latin-1")
    return {
        "utf-16-le-bom": codecs.BOM_UTF16_LE + TEXT.replace("\n", "\r\n").encode("utf-16-le"),
        "utf-16-be-bom": codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        "utf-16-le-no-bom": TEXT.encode("utf-16-le"),
        "utf-8-bom": codecs.BOM_UTF8 + TEXT.encode(),
        "utf-32": TEXT.encode("utf-32"),
        "latin-1": latin,
        "cp1252": TEXT.replace("500 Harbor Blvd", "“500” Harbor Blvd – €").encode("cp1252"),
        "crlf": TEXT.replace("\n", "\r\n").encode(),
        "cr-only": TEXT.replace("\n", "\r").encode(),
        "crlf-lf-mixed": mixed.encode(),
        "ansi-and-cursor": ansi.encode(),
        "pager": pager.encode(),
        "keystrokes": keystrokes.encode(),
        "telnet-cr-nul": TEXT.replace("\n", "\r\x00\n").encode(),
        # a stray NUL (a serial console's noise, a copy through a bad tool) leaves text text
        "nul-at-line-starts": TEXT.encode().replace(b"\n", b"\n\x00", 3),
        "nul-first-byte": b"\x00" + TEXT.encode(),
        "nul-mid-line": TEXT.encode().replace(b"Status: EVAL MODE", b"Status: EVAL\x00 MODE"),
        "nul-run": TEXT.encode().replace(b"callhome\n", b"callhome\x00\x00\x00\x00\x00\n", 1),
        "trailing-blanks": TEXT.replace("\n", "   \t\n").encode(),
        "no-final-newline": TEXT.rstrip("\n").encode(),
        "gzip": gzip.compress(TEXT.encode()),
    }


VARIANTS = _variants()


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_text_in_any_state_gives_the_same_findings(workdir, name):
    path = write(workdir, f"variant-{name}.txt", VARIANTS[name])
    run = check(path)
    data = assert_report(run, path)
    assert run.findings() == EXPECTED
    assert data["inputs"][0]["lines"] == 60
    url = next(f for f in data["findings"] if f["rule_id"] == "callhome-url-plain-http")
    assert url["evidence"][0]["text"] == ("destination-profile CiscoTAC-1 index 1 http "
                                          "http://tools.cisco.com/its/service/oddce/services/DDCEService")
    if name in ("latin-1", "cp1252"):
        assert "fallback" in data["inputs"][0]["encoding"]
    if name.startswith("utf-16"):
        assert data["inputs"][0]["encoding"].startswith("utf-16")


def test_stray_carriage_returns_keep_grep_line_numbers(workdir):
    # a lone CR inside a line is an overwrite, not a line end: line numbers still count \n
    data = (TEXT.replace("Registration:\n", "Registr\rRegistration:\n")
            .replace("Smart License Conversion", "x\rSmart License Conversion"))
    run = check(write(workdir, "stray-cr.txt", data))
    assert_report(run)
    assert run.findings() == EXPECTED


# -- read: damaged captures ------------------------------------------------------------------

@pytest.mark.parametrize("cut", [
    "  destination-profile CiscoTAC-1 index 1 http http://tools.cis",  # mid-line, mid-section
    "  Status: EVAL MO",
    "Registration:\n  Status: UNREG",
    "DC-DMZ# show running-config callhome\n\n!Command: show running-config callhome\n",
    "DC-DMZ# telnet tools.cisco.com 44",
], ids=["url", "auth-status", "registration", "config-header", "prompt"])
def test_capture_cut_off_mid_line_and_mid_section(workdir, cut):
    # diag cannot know the capture was cut (a paste often lacks its last newline): it reports
    # on what it read, and every finding points at a line that is there
    text = TEXT[:TEXT.index(cut) + len(cut)]
    path = write(workdir, "cut.txt", text)
    data = assert_report(check(path), path)
    assert data["inputs"][0]["lines"] == text.count("\n") + (0 if text.endswith("\n") else 1)
    if "CiscoTAC-1 index 1 http" in text:
        assert any(f["rule_id"].startswith("callhome-url") and f["line"] == 38 for f in data["findings"])


def test_capture_cut_inside_a_multibyte_character(workdir):
    data = TEXT.replace("500 Harbor Blvd", "Königstraße").encode()
    data = data[:data.index("ö".encode()) + 1]  # the first byte of ö, then the end
    data = assert_report(check(write(workdir, "cut-utf8.txt", data)))
    assert data["inputs"][0]["lines"] > 30


def test_truncated_gzip_reports_what_it_read_and_warns(workdir):
    path = write(workdir, "cut.txt.gz", gzip.compress((TEXT * 40).encode())[:-200])
    run = check(path)
    data = assert_report(run, path)
    assert "truncated" in data["inputs"][0]["note"]
    assert run.findings() >= EXPECTED
    assert run.err.startswith("diag: warning: ") and "truncated" in run.err and len(run.err.splitlines()) == 1


def test_a_5mb_line_inside_a_supported_output_is_reported_unread(workdir):
    head, _, tail = TEXT.partition("License Authorization:\n")
    line = "  Smart Licensing Status: " + "ENABLED " * (5 << 17)  # 5 MB, one line
    text = head + line + "\n" + "License Authorization:\n" + tail
    path = write(workdir, "long-line.txt", text)
    run = check(path, bounded=True)
    data = assert_report(run, path)
    no = head.count("\n") + 1
    shifted = {(rule, n + (n > no)) for rule, n in EXPECTED}
    assert run.findings() == shifted | {("unparsed-output", no)}
    unread = next(f for f in data["findings"] if f["rule_id"] == "unparsed-output")
    assert unread["evidence"][0]["text"] == line.strip()  # the evidence quotes the line whole
    assert len(unread["message"]) < 1000  # the message does not


def test_a_million_short_lines_then_the_capture(workdir):
    # a show tech-support: a million lines of an output diag skips, then the licensing outputs
    filler = "`show interface`\n" + "Ethernet1/1 is up, 0 input errors\n" * 1_000_000
    path = write(workdir, "million.txt", filler + TEXT)
    run = check(path, bounded=True)
    assert_report(run, path)
    shift = filler.count("\n")
    assert run.findings() == {(rule, n + shift) for rule, n in EXPECTED}


def test_a_million_unrecognised_lines_are_refused_within_bounds(workdir):
    path = write(workdir, "noise.txt", "".join(f"{i}\n" for i in range(1_000_000)))
    assert_refused(check(path, bounded=True), "no Smart Licensing")


def test_a_million_unreadable_lines_in_a_supported_output(workdir):
    text = TEXT.replace("Smart License Conversion:\n", "Smart License Conversion:\n" + "~\n" * 1_000_000, 1)
    path = write(workdir, "million-unparsed.txt", text)
    run = check(path, bounded=True)
    data = assert_report(run, path)
    unread = [f for f in data["findings"] if f["rule_id"] == "unparsed-output"]
    assert len(unread) == 1 and unread[0]["message"].startswith("1000000 line(s) of 'show license status'")
    first = TEXT[:TEXT.index("Smart License Conversion:\n")].count("\n") + 2
    assert (unread[0]["line"], unread[0]["end_line"]) == (first, first + 999_999)
    assert run.findings() == {(r, n + 1_000_000 * (n >= first)) for r, n in EXPECTED} | {("unparsed-output", first)}


def test_a_hundred_thousand_prompts(workdir):
    prompts = "DC-DMZ#\nDC-DMZ# show clock\nDC-DMZ# terminal length 0\n" * 33_334
    path = write(workdir, "prompts.txt", prompts + TEXT)
    run = check(path, bounded=True)
    assert_report(run, path)
    shift = prompts.count("\n")
    assert run.findings() == {(rule, n + shift) for rule, n in EXPECTED}


# -- several inputs: the good ones complete -------------------------------------------------------

def test_folder_with_unreadable_file_broken_symlink_and_fifo(workdir):
    folder = workdir / "mixed"
    folder.mkdir()
    good = write(folder, "good.txt", TEXT)
    (folder / "broken.log").symlink_to(folder / "gone.log")
    write(folder, "picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.txt")  # nobody writes: opening it would block for ever
    locked = None
    if os.geteuid() != 0:  # root reads anything: the permission part needs a normal user
        locked = write(folder, "locked.txt", TEXT)
        locked.chmod(0)
    try:
        run = check(folder)
    finally:
        if locked is not None:
            locked.chmod(0o600)
    data = assert_report(run, codes=(2,))
    assert {(f["rule_id"], f["line"]) for f in data["findings"] if f["path"] == str(good)} == EXPECTED
    unread = {u["path"]: u["problem"] for u in data["unread"]}
    assert "symbolic link" in unread.pop(str(folder / "broken.log"))
    if locked is not None:
        assert "permission denied" in unread.pop(str(locked))
    assert not unread
    skipped = {s["path"]: s["reason"] for s in data["skipped_files"]}
    assert "binary" in skipped[str(folder / "picture.png")]
    if hasattr(os, "mkfifo"):
        assert "FIFO" in skipped[str(folder / "pipe.txt")]
    errors = run.err.strip().splitlines()
    assert all(e.startswith("diag: error: ") for e in errors) and len(errors) == len(data["unread"])


def test_multi_file_run_with_every_kind_of_bad_input(workdir):
    folder = workdir / "multi"
    folder.mkdir()
    good = write(folder, "good.txt", TEXT)
    bad = [write(folder, "empty.txt", b""), write(folder, "blob.bin", random.Random(9).randbytes(4000)),
           folder / "missing.txt", write(folder, "cut.gz", gzip.compress(b"x")[:5])]
    empty_dir = folder / "empty-dir"
    empty_dir.mkdir()
    run = check(*bad, good, empty_dir)
    data = assert_report(run, codes=(2,))
    assert {(f["rule_id"], f["line"]) for f in data["findings"]} == EXPECTED
    assert {u["path"] for u in data["unread"]} == {str(p) for p in bad} | {str(empty_dir)}
    assert len(run.err.strip().splitlines()) == len(bad) + 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_on_the_command_line_is_read(workdir):
    fifo = workdir / "named.fifo"
    os.mkfifo(fifo)

    def writer():
        with open(fifo, "wb") as fh:
            fh.write(TEXT.encode())

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    run = check(fifo)
    thread.join(timeout=30)
    assert_report(run, fifo)
    assert run.findings() == EXPECTED


def test_a_directory_named_like_a_file_is_walked(workdir):
    folder = workdir / "session.log"
    folder.mkdir()
    write(folder, "part1.txt", TEXT)
    run = check(folder)
    assert_report(run)
    assert run.findings() == EXPECTED


@pytest.mark.skipif(sys.platform == "win32" or sys.platform == "darwin", reason="needs byte file names")
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "markdown"])
def test_file_name_that_is_not_utf8(workdir, fmt):
    name = os.fsdecode(b"caf\xe9-\xff.txt")
    (workdir / name).write_bytes(TEXT.replace("DC-DMZ", "").encode())  # device named by its file
    run = diag("check", "-f", fmt, "--no-config", name, cwd=workdir)
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    assert run.code == 1, run.err


# -- values at the edges, closed and full streams, limits ---------------------------------------

@pytest.mark.parametrize("old,new", [
    ("Evaluation Period Remaining: ", "Evaluation Period Remaining: 1000000000 days, "),
    ("Evaluation Period Remaining: ", "Evaluation Period Remaining: 99999999999999999999 hours, "),
    ("!Time: Thu Mar 16 09:41:33 2023", "!Time: Fri Dec 31 16:18:05 9999"),
    ("!Time: Thu Mar 16 09:41:33 2023", "!Time: Mon Jan  1 00:00:00 0001"),
], ids=["days", "hours", "year-9999", "year-1"])
def test_values_at_the_edge_of_the_calendar_are_read_or_left(workdir, old, new):
    assert old in TEXT
    path = write(workdir, "edge.txt", TEXT.replace(old, new, 1))
    data = assert_report(check(path), path)
    assert {f["rule_id"] for f in data["findings"]} >= {"callhome-url-plain-http"}


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59Z", "0001-01-01T00:00+14:00"])
def test_now_outside_the_years_a_switch_prints_is_refused(value):
    run = diag("check", "--now", value, str(SAMPLE))
    assert run.code == 2 and "give a date between the years" in run.err and "Traceback" not in run.err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="closes fd 0 before exec")
@pytest.mark.parametrize("command", ["check", "parse", "redact"])
def test_closed_stdin_is_refused(command):
    # the shell's "diag check - <&-": Python starts with no standard input at all
    res = subprocess.run([sys.executable, "-m", "diag", command, "-"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, preexec_fn=lambda: os.close(0), cwd=ROOT, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    err = res.stderr.decode()
    assert res.returncode == 2 and "standard input is closed" in err and "Traceback" not in err, err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["check", str(SAMPLE)], ["parse", str(SAMPLE)], ["redact", str(SAMPLE)],
                                  ["check", "-f", "json", str(SAMPLES)]])
def test_a_full_disk_on_stdout_is_one_clear_error(args):
    with open("/dev/full", "wb") as full:
        res = subprocess.run([sys.executable, "-m", "diag", *args], stdout=full, stderr=subprocess.PIPE, cwd=ROOT,
                             timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    err = res.stderr.decode()
    assert res.returncode == 2 and "No space left on device" in err and "Traceback" not in err, err
    assert "Exception ignored" not in err


@pytest.mark.parametrize("jobs", ["65", "999999999999999999999"])
def test_jobs_beyond_the_limit_are_refused(jobs):
    run = diag("check", "--jobs", jobs, str(SAMPLE))
    assert run.code == 2 and "--jobs" in run.err and "Traceback" not in run.err


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("option,needle", [("--config", "configuration file must be a file"),
                                           ("--baseline", "baseline must be a file")])
def test_a_device_given_as_configuration_or_baseline_is_refused(option, needle):
    assert_refused(diag("check", option, "/dev/zero", str(SAMPLE), bounded=True), needle)


def test_a_huge_line_is_cut_and_the_capture_after_it_still_read(workdir):
    # a gzipped 40 MB line, then the capture: lines keep their numbers, memory stays bounded
    path = workdir / "huge-line.txt.gz"
    with gzip.open(path, "wb", compresslevel=1) as fh:
        fh.write(b"x" * (40 << 20) + b"\n" + TEXT.encode())
    data = assert_report(check(path, bounded=True), path)
    assert {(f["rule_id"], f["line"]) for f in data["findings"]} >= {(r, n + 1) for r, n in EXPECTED}


def test_bounded_cuts_only_lines_longer_than_the_limit(monkeypatch):
    from diag import capture, limits

    monkeypatch.setattr(limits, "MAX_LINE_BYTES", 8)
    chunks = [b"short\nabcdefghij", b"klmnop", b"qr\nok\n", b"0123456789abc"]
    out = b"".join(capture._bounded(iter(chunks), b"\n"))
    assert out.split(b"\n") == [b"short", b"abcdefgh", b"ok", b"01234567"]


def test_a_folder_that_cannot_be_listed_is_reported_and_the_rest_read(workdir, monkeypatch):
    from diag.api import Options, analyze

    top = workdir / "walk"
    (top / "locked").mkdir(parents=True)
    write(top, "a.txt", TEXT)
    write(top / "locked", "b.txt", TEXT)
    real = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = analyze([str(top)], Options())
    assert report.unread == [(str(top / "locked"), "cannot read the folder: Permission denied")]
    assert [i.path for i in report.inputs] == [str(top / "a.txt")] and report.exit_code() == 2


@pytest.mark.skipif(not os.path.exists("/dev/stdin"), reason="needs /dev/stdin")
def test_redact_reads_a_pipe_named_as_a_file():
    res = subprocess.run([sys.executable, "-m", "diag", "redact", "/dev/stdin"], input=TEXT.encode(),
                         capture_output=True, cwd=ROOT, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    out = res.stdout.decode()
    assert res.returncode == 0 and len(out.splitlines()) == len(TEXT.splitlines())
    assert "DC-DMZ" not in out and "destination-profile CiscoTAC-1" in out


def test_a_banner_holding_prompts_stays_in_the_configuration(workdir):
    text = """leaf01# show running-config

!Command: show running-config
!Time: Thu Mar 16 09:41:33 2023

version 9.3(5) Bios:version 05.40
hostname leaf01
banner motd ^
leaf01# show license status
Smart Licensing is DISABLED
spine99(config)# do show version
^
license smart enable
callhome
  email-contact noc@example.org
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http https://tools.cisco.com/its/service/oddce/services/DDCEService
  transport http use-vrf management
  enable
ip domain-lookup
ip name-server 10.0.0.1 use-vrf management
ntp server 10.0.0.2 use-vrf management
interface mgmt0
  vrf member management
leaf01#
"""
    path = write(workdir, "banner.cfg", text)
    data = assert_report(check(path), path)
    assert [d["device"] for d in data["devices"]] == ["leaf01"]
    assert {f["rule_id"] for f in data["findings"]}.isdisjoint({"smart-licensing-disabled", "ntp-missing"})


def test_an_output_left_empty_proves_nothing(workdir):
    path = write(workdir, "cut.txt", "sw# show running-config\nsw# show license status\nsw#\n")
    run = check(path)
    data = assert_report(run, path)
    assert data["findings"] == []
    assert {"ntp-missing", "registration-unregistered"} <= {n["rule_id"] for n in data["not_evaluated"]}
    assert "no output after 'show running-config' (line 1), 'show license status' (line 2)" in run.err


def test_parse_of_nothing_recognised_is_refused(workdir):
    path = write(workdir, "blank-parse.txt", "  \n\n   \n")
    assert_refused(diag("parse", str(path)), "no Smart Licensing or Call Home output recognised")


def test_a_redaction_key_that_is_not_utf8():
    res = subprocess.run([sys.executable, "-m", "diag", "redact", "--key", b"\xff\xfe", str(SAMPLE)],
                         capture_output=True, cwd=ROOT, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert res.returncode == 0 and b"DC-DMZ" not in res.stdout, res.stderr


def test_jobs_with_bad_files_among_good_ones_give_the_same_report(workdir):
    folder = workdir / "mixed-jobs"
    folder.mkdir()
    for i in range(8):
        write(folder, f"s{i}.txt", TEXT)
    write(folder, "empty.txt", b"")
    write(folder, "x.gz", b"\x1f\x8b")
    write(folder, "noise.bin", random.Random(3).randbytes(4000))
    (folder / "broken").symlink_to(folder / "missing")
    one = diag("check", "-f", "json", "--no-config", "-j", "1", str(folder))
    two = diag("check", "-f", "json", "--no-config", "-j", "2", str(folder))
    assert one.code == two.code == 2 and "internal error" not in two.err, two.err
    assert json.loads(one.out) == json.loads(two.out)
    assert {u["path"] for u in json.loads(two.out)["unread"]} == {str(folder / "x.gz"), str(folder / "broken")}


def test_the_same_capture_repeated_adds_no_facts(workdir):
    from diag.api import Options, analyze, devices

    source = SAMPLES / "known-issue-1-source-interface.txt"
    once = analyze([str(source)], Options())
    path = write(workdir, "twenty.txt", source.read_text() * 20)
    many = analyze([str(path)], Options())
    assert len(many.devices) == len(once.devices) == 1
    [one], [twenty] = devices([str(source)]), devices([str(path)])
    for kind in ("config.interface", "callhome.block", "config.http_source", "license.registration"):
        assert len(twenty.store.get(kind)) == len(one.store.get(kind)), kind
    assert sorted((f.rule_id, f.line) for f in many.findings) == sorted((f.rule_id, f.line) for f in once.findings)


def test_progress_with_stderr_closed():
    res = subprocess.run([sys.executable, "-m", "diag", "check", "--progress", str(SAMPLES)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, preexec_fn=lambda: os.close(2),
                         cwd=ROOT, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert res.returncode == 1 and b"Summary:" in res.stdout


def test_write_baseline_never_overwrites_a_capture(workdir):
    path = write(workdir, "victim.txt", TEXT)
    assert_refused(diag("check", "--write-baseline", str(path), str(path)), "one of the captures being checked")
    assert path.read_text() == TEXT
    for value, needle in (("", "is not a file name"), (str(workdir) + "/", "is a directory"),
                          (str(workdir / "new-folder") + "/", "is not a file name")):
        run = diag("check", "--write-baseline", value, str(path))
        assert run.code == 2 and needle in run.err and "Traceback" not in run.err, run.err


def test_stdin_among_many_files_under_jobs(workdir):
    folder = workdir / "many-for-stdin"
    folder.mkdir()
    healthy = (SAMPLES / "healthy-registered-9.3.txt").read_text()
    for i in range(8):
        write(folder, f"h{i}.txt", healthy.replace("dc1-leaf-101", f"dc1-leaf-{200 + i}"))
    one = diag("check", "-f", "json", "--no-config", "-j", "1", "-", str(folder), stdin=TEXT.encode())
    two = diag("check", "-f", "json", "--no-config", "-j", "2", "-", str(folder), stdin=TEXT.encode())
    assert one.code == two.code == 1, two.err
    assert json.loads(one.out) == json.loads(two.out)
    assert len(json.loads(two.out)["devices"]) == 9


def test_jobs_give_the_same_collect_next_as_one_job(workdir):
    # collect-next uses facts the rules derive (the SLP server's address): under --jobs they
    # are derived in the workers
    folder = workdir / "slp-among-healthy"
    folder.mkdir()
    write(folder, "slp.txt", (SAMPLES / "slp-10.2-reporting-broken.txt").read_text())
    healthy = (SAMPLES / "healthy-registered-9.3.txt").read_text()
    for i in range(7):
        write(folder, f"h{i}.txt", healthy.replace("dc1-leaf-101", f"dc1-leaf-{300 + i}"))
    one = diag("check", "-f", "json", "--no-config", "-j", "1", str(folder))
    two = diag("check", "-f", "json", "--no-config", "-j", "2", str(folder))
    assert json.loads(one.out) == json.loads(two.out)
    assert "ping 10.44.3.20 vrf management" in [c["command"] for c in json.loads(two.out)["collect_next"]]


def test_a_long_run_of_spaces_before_a_bang(workdir):
    lines = TEXT.splitlines(keepends=True)
    path = write(workdir, "spaces.txt", "".join(lines[:19]) + " " * 200_000 + "!\n" + "".join(lines[19:]))
    data = assert_report(check(path, bounded=True), path)
    assert {(f["rule_id"], f["line"] - (1 if f["line"] > 19 else 0)) for f in data["findings"]} >= EXPECTED


def test_write_baseline_refuses_a_hard_link_to_a_capture_and_stdout(workdir):
    path = write(workdir, "linked.txt", TEXT)
    link = workdir / "linked-hard.txt"
    if link.exists():
        link.unlink()
    os.link(path, link)
    assert_refused(diag("check", "--write-baseline", str(link), str(path)), "one of the captures being checked")
    assert path.read_text() == TEXT
    run = diag("check", "--write-baseline", "-", str(path))
    assert run.code == 2 and "is not a file name" in run.err


def test_a_configuration_of_comments_only_proves_nothing(workdir):
    path = write(workdir, "header-only.txt", "sw# show running-config\n\n!Command: show running-config\n"
                                             "!Time: Thu Mar 16 09:41:33 2023\n\nsw#\n")
    run = check(path)
    data = assert_report(run, path)
    assert "ntp-missing" in {n["rule_id"] for n in data["not_evaluated"]} and data["findings"] == []
    assert "no output after 'show running-config' (line 1)" in run.err
    # '| section callhome' prints nothing on a switch without Call Home: that is an answer
    path = write(workdir, "section-empty.txt", "sw# show running-config | section callhome\nsw#\n")
    assert "no output after" not in check(path).err


@pytest.mark.skipif(not os.path.exists("/dev/stdin"), reason="needs /dev/stdin")
def test_redact_copies_a_long_utf16_pipe_whole():
    # UTF-16 without a byte-order mark is full of NUL bytes and still text: spooled whole
    text = TEXT + "".join(f"! filler line {i}\n" for i in range(60_000))
    res = subprocess.run([sys.executable, "-m", "diag", "redact", "/dev/stdin"], input=text.encode("utf-16-le"),
                         capture_output=True, cwd=ROOT, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert res.returncode == 0, res.stderr
    assert len(res.stdout.decode("utf-8").splitlines()) == len(text.splitlines())


def test_a_configuration_of_thousands_of_callhome_blocks(workdir):
    # each rule that joins a block with the absence of something asked the same question
    # once per block, over every other block's facts: 3,000 blocks took 14 s; now linear
    lines = ["leaf1# show running-config", "", "!Command: show running-config", "version 9.3(5)", "hostname leaf1"]
    for i in range(3000):
        lines += ["callhome", f"  email-contact a{i}@example.org", f"  destination-profile P{i} transport-method http",
                  f"  destination-profile CiscoTAC-1 index 1 http http://10.0.{i % 250}.1/x", "  enable"]
    path = write(workdir, "many-callhome.txt", "\n".join(lines + ["line console", "line vty", "leaf1#"]) + "\n")
    data = assert_report(check(path, bounded=True), path)
    fired = [f["rule_id"] for f in data["findings"]]
    assert fired.count("callhome-tac-profile-not-http") == 1  # no CiscoTAC-1 transport-method: one problem
    assert "callhome-url-missing" not in fired


def test_jobs_give_the_same_collect_next_for_two_devices_of_one_name(workdir):
    # a capture with no prompt or hostname, named on the command line, is the device
    # 'leaf01' (its file's name); a configuration with 'hostname leaf01' is another: each
    # gets its own collect-next list, under one job as under two
    folder = workdir / "same-name"
    folder.mkdir()
    write(folder, "leaf01", "Smart Licensing is ENABLED\n\nRegistration:\n  Status: UNREGISTERED\n\n"
                            "License Authorization:\n  Status: EVAL MODE\n")
    write(folder, "leaf01.cfg", "!Command: show running-config\nversion 9.3(5)\nhostname leaf01\ncallhome\n"
                                "  email-contact a@example.org\n  enable\n")
    for i in range(2, 8):
        write(folder, f"leaf0{i}.txt", f"leaf0{i}# show version\nCisco Nexus Operating System (NX-OS) Software\n"
                                       "  NXOS: version 9.3(5)\n")
    names = sorted(p.name for p in folder.iterdir())
    one = diag("check", "-f", "json", "--no-config", "-j", "1", "--now", "2023-03-20T00:00:00Z", *names, cwd=folder)
    two = diag("check", "-f", "json", "--no-config", "-j", "2", "--now", "2023-03-20T00:00:00Z", *names, cwd=folder)
    assert one.code == two.code == 1, two.err
    assert json.loads(one.out) == json.loads(two.out)
    commands = [c["command"] for c in json.loads(one.out)["collect_next"] if c["device"] == "leaf01"]
    assert commands.count("show version") == 2  # one list per device: each is asked for it


def test_standard_input_named_eight_times_under_jobs():
    # every '-' is standard input, read by the main process: no file is left for workers
    text = b"leaf01# show clock\n10:15:02.117 UTC Tue May 16 2023\n"
    one = diag("check", "-f", "json", "--no-config", "-j", "1", *["-"] * 8, stdin=text)
    two = diag("check", "-f", "json", "--no-config", "-j", "2", *["-"] * 8, stdin=text)
    assert "Traceback" not in two.err and "internal error" not in two.err, two.err
    assert one.code == two.code and one.out == two.out


def test_an_input_named_twice_is_read_once(workdir):
    # standard input can be read once only; a file named twice (or found again in its
    # folder) would be counted twice
    text = b"leaf01# show clock\n10:15:02.117 UTC Tue May 16 2023\n"
    twice = diag("check", "-f", "json", "--no-config", "-", "-", stdin=text)
    assert twice.code == 0 and json.loads(twice.out)["unread"] == [], twice.err
    path = write(workdir, "once.txt", TEXT)
    run = check(path, path, workdir / "." / "once.txt")
    assert [i["path"] for i in json.loads(run.out)["inputs"]] == [str(path)]


# -- hostile sizes stay bounded: diag.limits ---------------------------------------------------
#
# Each limit is proven twice: in process with the limit lowered (the input is refused with one
# line naming it and the limit, and read whole under the real limit), and for the shapes of the
# issue, through the command line at their real size under an address-space limit.

COMM_FAILED = ("2023 Mar 16 09:{:02d}:{:02d} leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: Communications "
               "failure with the Cisco Smart Software Manager (CSSM) : Unable to resolve server hostname\n")


def _comm_failed_log(n: int) -> str:
    return ("leaf01# show logging logfile\n"
            + "".join(COMM_FAILED.format((i // 60) % 60, i % 60) for i in range(n)) + "leaf01#\n")


def _scanned(monkeypatch, path: Path):
    """The report on ``path`` and how many facts the rules' fact patterns looked at."""
    from diag import conditions
    from diag.api import Options, analyze

    count = [0]
    match = conditions.FactNode.match

    def counting(self, b, ctx):
        count[0] += len(ctx.store.get(self.kind))
        return match(self, b, ctx)

    monkeypatch.setattr(conditions.FactNode, "match", counting)
    report = analyze([str(path)], Options())
    monkeypatch.undo()
    return report, count[0]


def test_twenty_thousand_comm_failed_lines_cost_linear_work(workdir, monkeypatch):
    # every rule that gates on 'a COMM_FAILED message exists' had one binding per message, and
    # each scanned the whole log again: 16,000 lines took 37 s. Now each distinct question is
    # asked once: ten times the lines, about ten times the facts looked at (not a hundred)
    small, big = 2_000, 20_000
    few, few_work = _scanned(monkeypatch, write(workdir, "comm-failed-2k.txt", _comm_failed_log(small)))
    many, many_work = _scanned(monkeypatch, write(workdir, "comm-failed-20k.txt", _comm_failed_log(big)))
    assert many_work <= 12 * few_work, (few_work, many_work)
    assert many_work < 60 * big  # a pairwise comparison would be 2,000 bindings x 20,000 facts
    fired = [f for f in many.findings if f.rule_id == "smart-comm-failed-log"]
    assert len(fired) == 1 and f"logged {big} Smart Licensing" in fired[0].message
    newest = max(range(big), key=lambda i: (i % 3600, i))  # the latest timestamp, then the last printed
    assert fired[0].line == newest + 2
    assert sorted(f.rule_id for f in few.findings) == sorted(f.rule_id for f in many.findings)


def test_an_all_asked_once_per_distinct_question_answers_as_before(monkeypatch):
    # the join of an 'all' asks a child once per distinct value of the names the child reads
    # or binds: with every fact of every rule's capture doubled (many bindings that differ
    # only in names a later child does not read), every report is what asking each binding gives
    from diag import conditions, engine
    from diag.api import Options, analyze
    from diag.facts import Fact

    class Plain:  # ask the child for every binding, as before
        def __init__(self, child):
            self.child = child

        def match(self, b, ctx):
            return self.child.match(b, ctx)

    evaluate = engine.evaluate_device

    def doubled(rules, dev, now, out):
        for kind, facts in list(dev.store.by_kind.items()):
            dev.store.by_kind[kind] = facts + [Fact(f.kind, dict(f.fields), dict(f.lines), f.section, f.line,
                                                    f.support) for f in facts for _ in range(2)]
        return evaluate(rules, dev, now, out)

    monkeypatch.setattr(engine, "evaluate_device", doubled)
    monkeypatch.setattr(conditions, "ASK_ONCE_MIN", 1)  # every join of two bindings or more asks once

    def report(path: Path) -> tuple:
        r = analyze([str(path)], Options(system_now=dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc)))
        return ([f.to_json() for f in r.findings], [n.to_json() for n in r.outcome.not_evaluated],
                [c.to_json() for c in r.outcome.collect_next])

    captures = sorted((ROOT / "rules").rglob("*.hit.txt"))
    assert len(captures) > 40
    asked_once = [report(p) for p in captures]
    monkeypatch.setattr(conditions, "_Answers", Plain)
    for path, once in zip(captures, asked_once):
        assert report(path) == once, path.name


def _invoke(*args: str, stdin: bytes | None = None):
    from click.testing import CliRunner

    from diag.cli import cli

    return CliRunner().invoke(cli, ["check", "-f", "json", "--no-config", *args], input=stdin)


def _config(body: str) -> str:
    return ("leaf01# show running-config\n\n!Command: show running-config\n!Time: Thu Mar 16 09:41:33 2023\n\n"
            "version 9.3(5)\nhostname leaf01\nlicense smart enable\n" + body + "line console\nline vty\nleaf01#\n")


# (limit, lowered value, what the input holds, words of the refusal)
LIMITED = {
    "lines": ("MAX_READ_LINES", 1_000, TEXT.replace("Smart License Conversion:\n",
                                                    "Smart License Conversion:\n" + "~\n" * 2_000),
              "more than 1,000 lines of the outputs diag reads (the limit for one input), at line "),
    "bytes": ("MAX_READ_BYTES", 4096, _config("".join(f"interface Ethernet1/{i}\n  description {'x' * 60}\n"
                                                      for i in range(100))),
              "more than 4096 bytes of text in the outputs diag reads (the limit for one input)"),
    "sections": ("MAX_SECTIONS", 50, "switch# show clock\n" * 100 + TEXT,
                 "more than 50 outputs of commands diag reads (the limit for one input), at line 51"),
    "facts": ("MAX_FACTS", 100, _config("ip name-server " + " ".join(f"10.0.0.{i}" for i in range(1, 250)) + "\n"),
              "more than 100 facts read from the outputs diag reads (the limit for one input), "
              "in 'show running-config' (line 1)"),
    "configuration": ("MAX_CONFIG_LINES", 100, _config("".join(f"interface Ethernet1/{i}\n  vrf member management\n"
                                                               for i in range(100))),
                      "more than 100 configuration lines diag reads (interfaces, vrf contexts, callhome, ...) "
                      "(the limit for one configuration), in 'show running-config' (line 1)"),
    "devices": ("MAX_DEVICES", 5, "".join(f"leaf{i}# show clock\n10:15:02.117 UTC Tue May 16 2023\n"
                                          for i in range(10)) + TEXT,
                "more than 5 switches (names in prompts, configurations and show version outputs) "
                "(the limit for one input), at line 11"),
    "suppressions": ("MAX_SUPPRESSIONS", 5, TEXT + "! diag: ignore ntp-missing -- lab switch\n" * 10,
                     "more than 5 '! diag: ignore' comments (the limit for one input), at line 66"),
}


@pytest.mark.parametrize("case", sorted(LIMITED))
def test_an_input_past_a_limit_is_refused_in_one_line(workdir, monkeypatch, case):
    from diag import limits

    name, lowered, text, words = LIMITED[case]
    path = write(workdir, f"limit-{case}.txt", text)
    read = _invoke(str(path))
    assert read.exit_code in (0, 1) and json.loads(read.stdout)["findings"], read.stderr  # read whole as it is
    monkeypatch.setattr(limits, name, lowered)
    run = _invoke(str(path))
    assert run.exit_code == 2 and run.stdout == "", run.stdout
    assert run.stderr == f"diag: error: {path}: too large: {words}" + run.stderr.split(words, 1)[1], run.stderr
    assert len(run.stderr.splitlines()) == 1 and "Traceback" not in run.stderr


def test_an_input_past_a_limit_is_listed_unread_among_others(workdir, monkeypatch):
    from diag import limits

    monkeypatch.setattr(limits, "MAX_CONFIG_LINES", 100)
    good = write(workdir, "good-among-big.txt", TEXT)
    big = write(workdir, "big-among-good.txt", LIMITED["configuration"][2])
    for jobs in ("1", "2"):
        run = _invoke("-j", jobs, str(good), str(big))
        data = json.loads(run.stdout)
        assert run.exit_code == 2 and {(f["rule_id"], f["line"]) for f in data["findings"]} == EXPECTED
        assert [u["path"] for u in data["unread"]] == [str(big)] and "too large" in data["unread"][0]["problem"]


def test_findings_of_one_rule_on_one_device_are_cut_and_say_so(workdir, monkeypatch):
    from diag import limits

    lines = "".join(f"~unreadable {i}\n  Status: EVAL MODE\n" for i in range(20))
    path = write(workdir, "many-unread.txt", TEXT.replace("Smart License Conversion:\n",
                                                          "Smart License Conversion:\n" + lines, 1))
    unread = [f for f in json.loads(_invoke(str(path)).stdout)["findings"] if f["rule_id"] == "unparsed-output"]
    assert len(unread) == 20
    monkeypatch.setattr(limits, "MAX_FINDINGS", 5)
    data = json.loads(_invoke(str(path)).stdout)
    cut = [f for f in data["findings"] if f["rule_id"] == "unparsed-output"]
    assert [f["line"] for f in cut] == [f["line"] for f in unread[:5]]
    assert cut[-1]["message"].endswith("(diag reports at most 5 findings of a rule on a device: 15 more "
                                       "match(es) of this rule on DC-DMZ are not listed)")
    assert [f["message"] for f in cut[:4]] == [f["message"] for f in unread[:4]]


def test_kinds_of_skipped_commands_are_listed_up_to_a_limit(workdir, monkeypatch):
    from diag import limits

    monkeypatch.setattr(limits, "MAX_SKIPPED_KINDS", 3)
    path = write(workdir, "many-kinds.txt", "".join(f"DC-DMZ# show xyz{i}\nout\n" for i in range(10)) + TEXT)
    skipped = json.loads(_invoke(str(path)).stdout)["sections_skipped"]
    assert sum(skipped.values()) == 10 + 1 and limits.OTHER_SKIPPED in skipped and len(skipped) == 4


def test_a_long_utf16_line_is_cut_like_a_utf8_one(monkeypatch):
    from diag import capture, limits

    monkeypatch.setattr(limits, "MAX_LINE_BYTES", 10)
    monkeypatch.setattr(capture, "CHUNK", 16)
    text = "short\n" + "x" * 100 + "\nafter\n" + "y" * 30 + "\r\nlast"
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    chunks = [data[i:i + 16] for i in range(2, len(data), 16)]
    lines = list(capture._iter_wide(iter(chunks), "utf-16-le", "<t>", capture.ReadStats()))
    assert lines == [(1, "short"), (2, "x" * 10), (3, "after"), (4, "y" * 10), (5, "last")]


def test_a_huge_configuration_in_a_small_gzip_is_refused_within_bounds(workdir):
    # 0.3.0 kept every line of a 1 GB one: 7.9 GB, then MemoryError
    block = b"interface Ethernet1/1\n  description uplink\n  no shutdown\nroute-map OUT permit 10\n  set community 1:1\n"
    path = workdir / "huge-config.cfg.gz"
    with gzip.open(path, "wb", compresslevel=1) as fh:
        fh.write(_config("").rsplit("leaf01#", 1)[0].encode())
        fh.write(block * ((128 << 20) // len(block)))  # 128 MB, 6.7 million lines
    assert path.stat().st_size < 2 << 20
    assert_refused(check(path, bounded=True), str(path), "too large: more than 2,000,000 lines")


def test_interface_blocks_and_callhome_lines_past_the_limit_are_refused_within_bounds(workdir):
    # each is a template record, then a fact: a million of them were GBs
    interfaces = write(workdir, "many-interfaces.cfg", _config("".join(
        f"interface Ethernet{i // 48 + 1}/{i % 48 + 1}\n" for i in range(250_000))))
    assert_refused(check(interfaces, bounded=True), str(interfaces), "more than 200,000 configuration lines")
    destinations = write(workdir, "many-destinations.cfg", _config("callhome\n" + "".join(
        f"  destination-profile CiscoTAC-1 index 1 http http://10.{i >> 16}.{i >> 8 & 255}.{i & 255}/x\n"
        for i in range(250_000))))
    assert_refused(check(destinations, bounded=True), str(destinations), "more than 200,000 configuration lines")


def test_prompts_with_nothing_after_them_are_refused_within_bounds():
    # 50 MB of them on standard input were 2.6 million sections: 2.3 GB
    assert_refused(check("-", bounded=True, stdin=b"switch# show clock\n" * 1_000_000),
                   "<stdin>: too large: more than 100,000 outputs of commands diag reads")


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_input_past_the_facts_limit_is_unread_and_the_others_judged(monkeypatch, tmp_path, jobs):
    # the facts limit is reached while parsing, after the input was planned: the input is
    # listed unread (exit 2) and every other input is judged as usual
    from diag import limits
    from diag.api import Options, analyze

    small = SAMPLES / "known-issue-2-plain-http.txt"
    for i in range(8):  # enough inputs for --jobs 2 to use workers
        (tmp_path / f"small{i}.txt").write_text(small.read_text().replace("DC-DMZ", f"DC-DMZ{i}"))
    big = tmp_path / "big.txt"
    big.write_text("big-01# show logging logfile\n" + "".join(
        f"2023 Mar 16 09:{i // 60 % 60:02d}:{i % 60:02d} big-01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: "
        "Communications failure with the Cisco Smart Software Manager (CSSM) : Fail to send out Call Home "
        "HTTP message\n" for i in range(300)))
    monkeypatch.setattr(limits, "MAX_FACTS", 200)
    report = analyze([str(tmp_path)], Options(jobs=jobs))
    assert [p for p, _ in report.unread] == [str(big)]
    assert "facts" in report.unread[0][1]
    assert sorted(d.name for d in report.devices) == [f"DC-DMZ{i}" for i in range(8)]
    assert str(big) not in [i.path for i in report.inputs]
    assert report.exit_code() == 2
