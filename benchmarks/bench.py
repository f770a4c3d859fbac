"""Speed and memory of this checkout against diag 0.3.0, side by side in the same run.

    python benchmarks/bench.py                   # the full run (fleets of 2,000 and 10,000, 500 MB show tech)
    python benchmarks/bench.py --quick           # a smaller run to try the harness
    python benchmarks/bench.py --write           # also write benchmarks/RESULTS.md

0.3.0 is installed from this repository's history into a second virtual environment
(``same_reports.baseline_env``); this checkout runs with the same interpreter and the
same libraries (``PYTHONPATH``), so only diag differs. Every measurement is a separate
command timed from here with the same clock; the commands of a measurement take turns,
round after round, and each figure is the median of its rounds. Peak memory is the
largest resident set of the command's processes (``--jobs`` workers included).
Inputs are generated into benchmarks/out/ (kept between runs, not committed). Nothing
here is asserted by the tests: the numbers are recorded, not enforced.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import same_reports  # noqa: E402

BEGIN, END = "<!-- results -->", "<!-- /results -->"


def _once(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB) of one run of a command, output discarded."""
    code = ("import resource, subprocess, sys, time;"
            "t = time.perf_counter();"
            "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
            "e = time.perf_counter() - t;"
            "m = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;"
            "print(e, m, p.returncode)")
    res = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, env=env, cwd=OUT)
    elapsed, peak, rc = res.stdout.split()
    if int(rc) not in (0, 1):
        raise SystemExit(f"command failed ({rc}): {' '.join(cmd)}")
    return float(elapsed), int(peak) / 1024


def side_by_side(cmds: dict[str, tuple[list[str], dict]], repeat: int) -> dict[str, tuple[float, float]]:
    """Median wall time and peak memory of each command, the commands taking turns, so
    that a machine slower for a while (a shared VM) slows a measurement and its baseline
    alike and their ratio holds."""
    times: dict[str, list[float]] = {k: [] for k in cmds}
    peaks: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(repeat):
        for key, (cmd, env) in cmds.items():
            elapsed, peak = _once(cmd, env)
            times[key].append(elapsed)
            peaks[key].append(peak)
    return {k: (statistics.median(times[k]), max(peaks[k])) for k in cmds}


def row(name: str, seconds: float, mb: float, ratio: str = "", target: str = "", ok: bool | None = None) -> dict:
    return {"name": name, "s": seconds, "mb": mb, "ratio": ratio, "target": target,
            "ok": "" if ok is None else ("met" if ok else "NOT met")}


def package_lines(tree: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8").splitlines()) for p in (tree / "diag").rglob("*.py"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fleet", type=int, default=2000, help="devices in the fleet timed (default 2000)")
    ap.add_argument("--big-fleet", type=int, default=10000, help="devices in the fleet whose memory counts")
    ap.add_argument("--showtech-mb", type=int, default=500, help="show tech size in MB (default 500)")
    ap.add_argument("--repeat", type=int, default=5, help="rounds per measurement (median)")
    ap.add_argument("--quick", action="store_true", help="fleets of 200 and 1,000, show tech 50 MB, 2 rounds")
    ap.add_argument("--write", action="store_true", help="write benchmarks/RESULTS.md")
    args = ap.parse_args()
    if args.quick:
        args.fleet, args.big_fleet, args.showtech_mb, args.repeat = 200, 1000, 50, 2
    OUT.mkdir(exist_ok=True)
    print(f"generating inputs in {OUT} ...", flush=True)
    fleet = generate.fleet(OUT / f"fleet-{args.fleet}", args.fleet)
    big = generate.fleet(OUT / f"fleet-{args.big_fleet}", args.big_fleet)
    st = generate.showtech(OUT / f"showtech-{args.showtech_mb}mb.txt.gz", args.showtech_mb)
    paste_status, paste_session = generate.paste(OUT / "paste")
    print("installing 0.3.0 beside this checkout (once) ...", flush=True)
    old_python = str(same_reports.baseline_env())
    import compileall  # this checkout's bytecode, as pip install writes it for 0.3.0

    compileall.compile_dir(str(ROOT / "diag"), quiet=1)
    cache = tempfile.mkdtemp(prefix="diag-bench-cache-")
    base_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DIAG_NO_CACHE")}
    base_env.update(DIAG_CACHE_DIR=cache, DIAG_NO_PROGRESS="1")
    old_env = dict(base_env)
    new_env = {**base_env, "PYTHONPATH": str(ROOT)}
    # -P: the working directory is not put on the module path (each imports its own diag)
    old = [old_python, "-P", "-m", "diag"]
    new = [old_python, "-P", "-m", "diag"]  # the same interpreter and libraries; diag from this checkout
    r = args.repeat
    rows: list[dict] = []

    # the fleet: time with one and two jobs, against 0.3.0
    m = side_by_side({
        "old1": (old + ["check", "-f", "json", "--jobs", "1", str(fleet)], old_env),
        "new1": (new + ["check", "-f", "json", "--jobs", "1", str(fleet)], new_env),
        "old2": (old + ["check", "-f", "json", "--jobs", "2", str(fleet)], old_env),
        "new2": (new + ["check", "-f", "json", "--jobs", "2", str(fleet)], new_env),
    }, r)
    (old1, old1_mb), (new1, new1_mb), (old2, _), (new2, new2_mb) = m["old1"], m["new1"], m["old2"], m["new2"]
    rows.append(row(f"0.3.0 check --jobs 1, fleet of {args.fleet}", old1, old1_mb))
    rows.append(row(f"check --jobs 1, fleet of {args.fleet}", new1, new1_mb, f"{new1 / old1:.2f}x 0.3.0",
                    "<= 1.25x", new1 / old1 <= 1.25))
    rows.append(row(f"0.3.0 check --jobs 2, fleet of {args.fleet}", old2, 0, f"{old1 / old2:.2f}x faster than its --jobs 1"))
    rows.append(row(f"check --jobs 2, fleet of {args.fleet}", new2, new2_mb, f"{new1 / new2:.2f}x faster than --jobs 1",
                    ">= 1.3x", new1 / new2 >= 1.3))

    # the big fleet: memory with one and two jobs (each process of --jobs 2)
    m = side_by_side({
        "old1": (old + ["check", "-f", "json", "--jobs", "1", str(big)], old_env),
        "new1": (new + ["check", "-f", "json", "--jobs", "1", str(big)], new_env),
        "new2": (new + ["check", "-f", "json", "--jobs", "2", str(big)], new_env),
    }, max(1, r // 2))
    (o, o_mb), (n1, n1_mb), (n2, n2_mb) = m["old1"], m["new1"], m["new2"]
    rows.append(row(f"0.3.0 check --jobs 1, fleet of {args.big_fleet}", o, o_mb))
    rows.append(row(f"check --jobs 1, fleet of {args.big_fleet}", n1, n1_mb, f"{n1_mb / o_mb:.2f}x 0.3.0's memory",
                    "<= 150 MB", n1_mb <= 150))
    rows.append(row(f"check --jobs 2, fleet of {args.big_fleet} (largest process)", n2, n2_mb, "", "<= 150 MB",
                    n2_mb <= 150))

    # small pastes against the import floor: with the rule cache made, and on a first run
    # after install (bytecode compiled, as pip does; no rule cache yet)
    fresh = tempfile.mkdtemp(prefix="diag-bench-fresh-")
    subprocess.run(new + ["check", str(paste_status)], env=new_env, capture_output=True)  # makes the rule cache
    floor_cmd = [old_python, "-c", "import click, yaml, textfsm, ttp"]

    first_runs = []
    for _ in range(r + 6):
        shutil.rmtree(fresh, ignore_errors=True)
        os.makedirs(fresh)
        first_runs.append(_once(new + ["check", str(paste_status)], {**new_env, "DIAG_CACHE_DIR": fresh})[0])
    m = side_by_side({
        "floor": (floor_cmd, old_env),
        "old": (old + ["check", str(paste_status)], old_env),
        "status": (new + ["check", str(paste_status)], new_env),
        "session": (new + ["check", str(paste_session)], new_env),
    }, r + 6)
    floor, floor_mb = m["floor"]
    first = statistics.median(first_runs)
    rows.append(row("import floor: python -c 'import click, yaml, textfsm, ttp'", floor, floor_mb))
    rows.append(row("0.3.0 check, show license status pasted", *m["old"], f"{m['old'][0] / floor:.2f}x floor"))
    rows.append(row("check, show license status pasted", *m["status"], f"{m['status'][0] / floor:.2f}x floor",
                    "<= 1.5x", m["status"][0] / floor <= 1.5))
    rows.append(row("check, show license status pasted, first run after install", first, 0,
                    f"{first / floor:.2f}x floor", "<= 3x", first / floor <= 3))
    rows.append(row("check, a short session (8 commands)", *m["session"], f"{m['session'][0] / floor:.2f}x floor"))

    # the show tech-support, streamed, against zcat
    zcat = shutil.which("zcat")
    cmds = {"new": (new + ["check", str(st)], new_env), "old": (old + ["check", str(st)], old_env)}
    if zcat:
        cmds["zcat"] = ([zcat, str(st)], old_env)
    m = side_by_side(cmds, max(1, r // 2))
    (stt, st_mb), (sto, sto_mb) = m["new"], m["old"]
    if zcat:
        z, z_mb = m["zcat"]
        rows.append(row(f"zcat floor, show tech {args.showtech_mb} MB", z, z_mb))
    rows.append(row(f"0.3.0 check, show tech {args.showtech_mb} MB (gzipped)", sto, sto_mb,
                    f"{sto / z:.2f}x zcat" if zcat else ""))
    rows.append(row(f"check, show tech {args.showtech_mb} MB (gzipped)", stt, st_mb,
                    f"{stt / z:.2f}x zcat" if zcat else "", "<= 2.5x, <= 50 MB",
                    (stt / z <= 2.5 if zcat else True) and st_mb <= 50))

    # the package itself
    old_lines = package_lines(same_reports.BASE_DIR / "src")
    new_lines = package_lines(ROOT)
    rows.append(row(f"lines of Python in diag/ (0.3.0: {old_lines})", 0, 0, f"{new_lines} ({new_lines - old_lines:+d})",
                    ">= 1,000 fewer", old_lines - new_lines >= 1000))

    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(fresh, ignore_errors=True)
    width = max(len(x["name"]) for x in rows)
    print()
    for x in rows:
        print(f"{x['name']:<{width}}  {x['s']:7.2f} s  {x['mb']:7.1f} MB  {x['ratio']:<30} {x['target']:<18} {x['ok']}")
    if args.write:
        write_results(rows, args)


def write_results(rows: list[dict], args) -> None:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((l.split(":", 1)[1].strip() for l in fh if l.startswith("model name")), cpu)
    except OSError:
        pass
    lines = [
        f"Recorded by `python benchmarks/bench.py --write` on {dt.date.today().isoformat()}.",
        "",
        f"* Machine: {cpu}, {os.cpu_count()} CPUs, {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB",
        f"* Python {platform.python_version()} on {platform.system()} {platform.release()}",
        f"* Baseline: diag 0.3.0 (commit {same_reports.BASELINE}) installed in a second environment; this checkout "
        "runs with the same interpreter and libraries",
        f"* Inputs: fleets of {args.fleet} and {args.big_fleet} device sessions (6 to 10 commands each), a gzipped "
        f"show tech-support of {args.showtech_mb} MB of text, small pastes; generated by benchmarks/generate.py",
        f"* Each figure is the median of {args.repeat} rounds (fewer for the big inputs, more for the pastes), the "
        "commands of a measurement taking turns round by round; memory is the largest resident set of the "
        "command's processes",
        "",
        "| measurement | time | peak memory | ratio | target | |",
        "|---|---:|---:|---|---|---|",
    ]
    for x in rows:
        mem = f"{x['mb']:.0f} MB" if x["mb"] else ""
        secs = f"{x['s']:.2f} s" if x["s"] else ""
        lines.append(f"| {x['name']} | {secs} | {mem} | {x['ratio']} | {x['target']} | {x['ok']} |")
    table = "\n".join(lines) + "\n"
    target = HERE / "RESULTS.md"
    old = target.read_text() if target.exists() else ""
    if BEGIN in old and END in old:  # keep the notes written around the table
        head, rest = old.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + BEGIN + "\n" + table + END + tail
    else:
        text = "# Benchmark results\n\n" + BEGIN + "\n" + table + END + "\n"
    target.write_text(text)
    print(f"\nwrote {target}")


if __name__ == "__main__":
    main()
