"""Reports of this checkout against diag 0.3.0, byte for byte, on the same inputs.

    python benchmarks/same_reports.py            # samples, every rule's hit and ok capture, a fleet
    python benchmarks/same_reports.py --quick    # samples and rule captures only

0.3.0 is installed from this repository's history (commit ``BASELINE``) into a second
virtual environment under benchmarks/out/ (made once). Both versions run every case in
one process each, through their own command line, with the system clock fixed, from the
same folder of inputs (0.3.0's own samples and rule captures); the outputs are compared
byte for byte, the version string aside. The public corpus of real outputs (``../shared/corpus/public``) is compared too when it is
there. Exit status 1 names the cases that differ.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import tarfile
import io
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
BASELINE = "2dde359"  # 0.3.0 as it landed
BASE_DIR = OUT / "baseline-0.3.0"
FORMATS = ("text", "json", "sarif", "github", "markdown")
SYSTEM_NOW = "2026-12-07T00:00:00+00:00"

# Run inside either version's environment: each case through the command line in this
# process, the system clock fixed, stdout and stderr and the exit code kept.
RUNNER = r'''
import datetime as dt, io, json, os, sys
cases, out, now = json.loads(sys.argv[1]), sys.argv[2], dt.datetime.fromisoformat(sys.argv[3])
import diag.api
for name in ("diag.api", "diag.run", "diag.clock", "diag.model"):
    mod = sys.modules.get(name)
    if mod is None:
        try:
            __import__(name); mod = sys.modules[name]
        except ImportError:
            continue
    if hasattr(mod, "_utcnow"):
        mod._utcnow = lambda: now
from diag.cli import cli
os.environ["DIAG_NO_PROGRESS"] = "1"
for key, args in cases:
    buf, err = io.BytesIO(), io.StringIO()
    stdout, stderr = sys.stdout, sys.stderr
    wrapper = io.TextIOWrapper(buf, encoding="utf-8", errors="surrogateescape", newline="\n")
    sys.stdout, sys.stderr = wrapper, err
    code = 0
    try:
        cli.main(args, prog_name="diag", standalone_mode=False)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except Exception as exc:
        code = f"raised {type(exc).__name__}: {exc}"
    finally:
        wrapper.flush()
        wrapper.detach()  # buf stays open when the wrapper goes
        sys.stdout, sys.stderr = stdout, stderr
    with open(os.path.join(out, key), "wb") as fh:
        fh.write(buf.getvalue())
        fh.write(f"\n--- exit {code}\n".encode())
        fh.write(err.getvalue().encode("utf-8", "surrogateescape"))
'''


def baseline_env() -> Path:
    """0.3.0's Python, installed once from this repository's history."""
    python = BASE_DIR / "venv" / "bin" / "python"
    if python.exists():
        return python
    src = BASE_DIR / "src"
    src.mkdir(parents=True, exist_ok=True)
    data = subprocess.run(["git", "archive", BASELINE], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(src, filter="data")
    venv.create(BASE_DIR / "venv", with_pip=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(src)], check=True)
    return python


def cases(quick: bool, fleet: Path | None) -> list[tuple[str, list[str]]]:
    src = BASE_DIR / "src"
    out: list[tuple[str, list[str]]] = []
    for fmt in FORMATS:
        out.append((f"samples.{fmt}", ["check", "-f", fmt, "samples"]))
        out.append((f"samples-now.{fmt}", ["check", "-f", fmt, "--now", "2024-01-15T12:00:00Z", "samples"]))
    samples = sorted(p.relative_to(src) for p in (src / "samples").iterdir() if p.is_file())
    for p in samples:
        for fmt in ("text", "json", "markdown"):
            out.append((f"sample-{p.name}.{fmt}", ["check", "-f", fmt, str(p)]))
        out.append((f"parse-{p.name}", ["parse", str(p)]))
    for p in sorted((src / "diag" / "rules").rglob("*.txt")):
        rel = p.relative_to(src)
        for fmt in ("text", "json"):
            out.append((f"rule-{p.name}.{fmt}", ["check", "-f", fmt, str(rel)]))
    out.append(("rules-table", ["rules"]))
    corpus = ROOT.parent / "shared" / "corpus" / "public"  # real outputs published by others, when here
    if corpus.is_dir():
        for fmt in ("json", "markdown"):
            out.append((f"corpus.{fmt}", ["check", "-f", fmt, str(corpus)]))
        out.append(("corpus-j2.json", ["check", "-f", "json", "--jobs", "2", str(corpus)]))
    if fleet is not None:
        for jobs in ("1", "2"):
            out.append((f"fleet-j{jobs}.json", ["check", "-f", "json", "--jobs", jobs, str(fleet)]))
            out.append((f"fleet-j{jobs}.text", ["check", "--jobs", jobs, str(fleet)]))
        out.append(("fleet.markdown", ["check", "-f", "markdown", str(fleet)]))
        out.append(("fleet.sarif", ["check", "-f", "sarif", str(fleet)]))
    return out


def run(python: Path, env: dict, todo, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.iterdir():
        old.unlink()
    # -P: the folder of inputs (0.3.0's source tree, diag/ included) is not put on the
    # module path: each version imports its own diag
    subprocess.run([str(python), "-P", "-c", RUNNER + "\nprint(diag.__file__, file=sys.stderr)",
                    json.dumps(todo), str(dest), SYSTEM_NOW], cwd=BASE_DIR / "src", env=env, check=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="samples and rule captures only (no fleet)")
    ap.add_argument("--fleet", type=int, default=200, help="devices in the generated fleet (default 200)")
    args = ap.parse_args()
    base_python = baseline_env()
    fleet = None
    if not args.quick:
        sys.path.insert(0, str(HERE))
        import generate

        fleet = generate.fleet(OUT / f"fleet-{args.fleet}", args.fleet)
    todo = cases(args.quick, fleet)
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    clean["DIAG_NO_CACHE"] = "1"
    run(base_python, clean, todo, OUT / "same-0.3.0")
    run(Path(sys.executable), {**clean, "PYTHONPATH": str(ROOT)}, todo, OUT / "same-now")
    from diag import __version__

    differ = []
    for key, _ in todo:
        old = (OUT / "same-0.3.0" / key).read_bytes().replace(b"0.3.0", b"<version>")
        new = (OUT / "same-now" / key).read_bytes().replace(__version__.encode(), b"<version>")
        if old != new:
            differ.append(key)
            if len(differ) <= 5:
                diff = difflib.unified_diff(old.decode("utf-8", "replace").splitlines(),
                                            new.decode("utf-8", "replace").splitlines(),
                                            "0.3.0/" + key, "now/" + key, lineterm="", n=1)
                print("\n".join(list(diff)[:40]))
    print(f"{len(todo) - len(differ)} of {len(todo)} reports identical to 0.3.0"
          + (f"; differ: {', '.join(differ[:20])}{' ...' if len(differ) > 20 else ''}" if differ else ""))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
