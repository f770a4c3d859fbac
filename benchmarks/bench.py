"""Speed and memory of diag, against baselines run side by side in the same run.

    python benchmarks/bench.py                   # the full run (fleet of 2,000, 500 MB show tech)
    python benchmarks/bench.py --quick           # a smaller run to try the harness
    python benchmarks/bench.py --write           # also write benchmarks/RESULTS.md

Every measurement is a separate command, timed from here with the same clock; a
measurement and its baselines take turns, round after round, and each figure is the
median of its rounds; peak memory is the command's maximum resident set size.
Inputs are generated into benchmarks/out/ (kept between runs, not committed).
Nothing here is asserted by the tests: the numbers are recorded, not enforced.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

PY = sys.executable
DIAG = [PY, "-m", "diag"]


def _once(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB) of one run of a command, output discarded."""
    code = ("import resource, subprocess, sys, time;"
            "t = time.perf_counter();"
            "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
            "e = time.perf_counter() - t;"
            "m = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;"
            "print(e, m, p.returncode)")
    res = subprocess.run([PY, "-c", code, *cmd], capture_output=True, text=True, env=env, cwd=ROOT)
    elapsed, peak, rc = res.stdout.split()
    if int(rc) not in (0, 1):
        raise SystemExit(f"command failed ({rc}): {' '.join(cmd)}")
    return float(elapsed), int(peak) / 1024


def side_by_side(cmds: dict[str, list[str]], repeat: int = 3) -> dict[str, tuple[float, float]]:
    """Median wall time and peak memory of each command, the commands taking turns.

    Each round runs every command once, so that a machine that is slower for a while
    (a shared VM) slows a measurement and its baseline alike, and their ratio holds.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times: dict[str, list[float]] = {k: [] for k in cmds}
    peaks: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(repeat):
        for key, cmd in cmds.items():
            elapsed, peak = _once(cmd, env)
            times[key].append(elapsed)
            peaks[key].append(peak)
    return {k: (statistics.median(times[k]), max(peaks[k])) for k in cmds}


def halves(fleet: Path) -> tuple[Path, Path]:
    """Two folders holding half of the fleet's files each (links to them)."""
    files = sorted(p for p in fleet.iterdir() if p.suffix == ".txt")
    out = []
    for name, part in (("a", files[: len(files) // 2]), ("b", files[len(files) // 2:])):
        folder = fleet.parent / f"{fleet.name}-half-{name}"
        if not folder.is_dir() or len(list(folder.iterdir())) != len(part):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            for p in part:
                (folder / p.name).symlink_to(p)
        out.append(folder)
    return out[0], out[1]


def warm_cache() -> None:
    """The rule cache and the package's bytecode are part of normal use (``pip
    install`` compiles a package's modules): build both once before timing, even where
    PYTHONDONTWRITEBYTECODE would leave diag compiling its sources on every run."""
    import compileall

    compileall.compile_dir(str(ROOT / "diag"), quiet=1)
    subprocess.run(DIAG + ["rules"], stdout=subprocess.DEVNULL, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)


def row(name: str, seconds: float, mb: float, ratio: str = "", target: str = "", ok: bool | None = None) -> dict:
    return {"name": name, "s": seconds, "mb": mb, "ratio": ratio, "target": target,
            "ok": "" if ok is None else ("met" if ok else "NOT met")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fleet", type=int, default=2000, help="devices in the fleet (default 2000)")
    ap.add_argument("--showtech-mb", type=int, default=500, help="show tech size in MB (default 500)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--quick", action="store_true", help="fleet 200, show tech 50 MB, 2 runs each")
    ap.add_argument("--write", action="store_true", help="write benchmarks/RESULTS.md")
    args = ap.parse_args()
    if args.quick:
        args.fleet, args.showtech_mb, args.repeat = 200, 50, 2
    OUT.mkdir(exist_ok=True)
    rows: list[dict] = []
    print(f"generating inputs in {OUT} ...", flush=True)
    fleet = generate.fleet(OUT / f"fleet-{args.fleet}", args.fleet)
    tenth = generate.fleet(OUT / f"fleet-{args.fleet // 10}", args.fleet // 10)
    st = generate.showtech(OUT / f"showtech-{args.showtech_mb}mb.txt.gz", args.showtech_mb)
    st_small = generate.showtech(OUT / f"showtech-{args.showtech_mb // 10}mb.txt.gz", args.showtech_mb // 10)
    paste_status, paste_session = generate.paste(OUT / "paste")
    warm_cache()
    r = args.repeat

    # (c) a small paste against the import floor
    m = side_by_side({
        "floor": [PY, "-c", "import click, yaml, textfsm, ttp"],
        "status": DIAG + ["check", str(paste_status)],
        "session": DIAG + ["check", str(paste_session)],
    }, r + 6)
    floor, floor_mb = m["floor"]
    rows.append(row("import floor: python -c 'import click, yaml, textfsm, ttp'", floor, floor_mb))
    for key, label in (("status", "show license status pasted"), ("session", "a short session (8 commands)")):
        t, mb = m[key]
        rows.append(row(f"diag check, {label}", t, mb, f"{t / floor:.2f}x floor", "<= 2x", t / floor <= 2))

    # (a) the fleet: full analysis against the parse-only baseline and the re floor; and
    # what two cores of this machine give on work that needs no coordination at all: the
    # baseline on each half of the fleet, the two halves at once against one after the other
    half_a, half_b = halves(fleet)
    base_a = f"{PY} {HERE / 'baseline.py'} parse {half_a} >/dev/null"
    base_b = f"{PY} {HERE / 'baseline.py'} parse {half_b} >/dev/null"
    m = side_by_side({
        "base": [PY, str(HERE / "baseline.py"), "parse", str(fleet)],
        "refl": [PY, str(HERE / "baseline.py"), "floor", str(fleet)],
        "full1": DIAG + ["check", "-f", "json", "--jobs", "1", str(fleet)],
        "full2": DIAG + ["check", "-f", "json", "--jobs", "2", str(fleet)],
        "small1": DIAG + ["check", "-f", "json", "--jobs", "1", str(tenth)],
        "seq": ["sh", "-c", f"{base_a}; {base_b}"],
        "par": ["sh", "-c", f"{base_a} & {base_b}; wait"],
    }, r)
    (base, base_mb), (refl, refl_mb) = m["base"], m["refl"]
    (full1, full1_mb), (full2, full2_mb), (small1, _) = m["full1"], m["full2"], m["small1"]
    rows.append(row(f"parse-only baseline (plain TextFSM/TTP), fleet of {args.fleet}", base, base_mb))
    rows.append(row(f"re floor (one regex pass), fleet of {args.fleet}", refl, refl_mb))
    rows.append(row(f"diag check --jobs 1, fleet of {args.fleet}", full1, full1_mb,
                    f"{full1 / base:.2f}x baseline", "<= 1.5x", full1 / base <= 1.5))
    rows.append(row(f"diag check --jobs 2, fleet of {args.fleet}", full2, full2_mb,
                    f"{full1 / full2:.2f}x faster than --jobs 1", ">= 1.7x", full1 / full2 >= 1.7))
    (seq, _), (par, _) = m["seq"], m["par"]
    rows.append(row("machine ceiling: the baseline on two halves of the fleet at once", par, 0,
                    f"{seq / par:.2f}x faster than one after the other"))
    rows.append(row(f"diag check --jobs 1, fleet of {args.fleet // 10}", small1, 0,
                    f"10x input: {full1 / small1:.2f}x time", "<= 11x", full1 / small1 <= 11))

    # (b) the show tech-support, streamed, against zcat
    zcat = shutil.which("zcat")
    cmds = {"st": DIAG + ["check", str(st)], "sts": DIAG + ["check", str(st_small)]}
    if zcat:
        cmds["zcat"] = [zcat, str(st)]
    m = side_by_side(cmds, r)
    if zcat:
        z, z_mb = m["zcat"]
        rows.append(row(f"zcat floor, show tech {args.showtech_mb} MB", z, z_mb))
    (stt, st_mb), (sts, sts_mb) = m["st"], m["sts"]
    rows.append(row(f"diag check, show tech {args.showtech_mb} MB (gzipped)", stt, st_mb,
                    f"{stt / z:.2f}x zcat" if zcat else "", "<= 3x, < 150 MB",
                    (stt / z <= 3 if zcat else True) and st_mb < 150))
    rows.append(row(f"diag check, show tech {args.showtech_mb // 10} MB (gzipped)", sts, sts_mb,
                    f"10x input: {stt / sts:.2f}x time", "<= 11x", stt / sts <= 11))

    width = max(len(x["name"]) for x in rows)
    print()
    for x in rows:
        print(f"{x['name']:<{width}}  {x['s']:7.2f} s  {x['mb']:7.1f} MB  {x['ratio']:<28} {x['target']:<16} {x['ok']}")
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
        "# Benchmark results",
        "",
        f"Recorded by `python benchmarks/bench.py --write` on {dt.date.today().isoformat()}.",
        "",
        f"* Machine: {cpu}, {os.cpu_count()} CPUs, {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB",
        f"* Python {platform.python_version()} on {platform.system()} {platform.release()}",
        f"* Inputs: a fleet of {args.fleet} device sessions (6 to 10 commands each), a gzipped show tech-support of "
        f"{args.showtech_mb} MB of text, small pastes; generated by benchmarks/generate.py from the samples",
        f"* Each figure is the median of {args.repeat} runs ({args.repeat + 6} for the short commands), a "
        "measurement and its baselines taking turns round by round; memory is the peak resident set size "
        "of the command; diag's bytecode is compiled first, as `pip install` does",
        "",
        "| measurement | time | peak memory | ratio | target | |",
        "|---|---:|---:|---|---|---|",
    ]
    for x in rows:
        mem = f"{x['mb']:.0f} MB" if x["mb"] else ""
        lines.append(f"| {x['name']} | {x['s']:.2f} s | {mem} | {x['ratio']} | {x['target']} | {x['ok']} |")
    table = "\n".join(lines[2:]) + "\n"
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


BEGIN, END = "<!-- results -->", "<!-- /results -->"

if __name__ == "__main__":
    main()
