"""The HTML report's cost, against the formats it is measured by (issue 16):

* a single device: ``check -f html`` against ``check -f text`` on the same capture
  (target: at most 1.3x);
* a fleet of 2,000 devices: ``check -f html`` against ``check -f json`` (target: at most
  2x) and the page's size (target: under 10 MB);
* with ``--browser``: how long Chromium (Debian's ``chromium``, driven by playwright) takes
  to open the fleet's page and to sort its table by days left.

    python benchmarks/html_bench.py                 # fleet of 2,000, 5 rounds
    python benchmarks/html_bench.py --quick         # fleet of 200, 2 rounds
    python benchmarks/html_bench.py --browser       # also the page in Chromium

Each command is run separately and timed from here (bench.py's ``side_by_side``: the
commands take turns round by round; each figure is the median). The fleet is
benchmarks/generate.py's, in benchmarks/out/. Recorded, not enforced by the tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench  # noqa: E402
import generate  # noqa: E402


def browser_times(page: Path) -> tuple[float, float] | None:
    """Seconds for Chromium to load the page, and to sort the fleet table by days left."""
    exe = os.environ.get("DIAG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("(no playwright: pip install playwright)")
        return None
    if not os.path.exists(exe):
        print("(no chromium: apt-get install -y chromium)")
        return None
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe)
        tab = browser.new_page(viewport={"width": 1000, "height": 900})
        start = time.perf_counter()
        tab.goto(page.as_uri(), wait_until="load")
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        tab.locator("table.fleet-table thead th").nth(7).locator("button").click()
        tab.wait_for_function("document.querySelector('table.fleet-table thead th:nth-child(8)')"
                              ".getAttribute('aria-sort') === 'ascending'")
        sorted_in = time.perf_counter() - start
        browser.close()
    return loaded, sorted_in


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fleet", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--browser", action="store_true", help="also time the fleet's page in Chromium")
    args = ap.parse_args()
    if args.quick:
        args.fleet, args.repeat = 200, 2
    bench.OUT.mkdir(exist_ok=True)
    fleet = generate.fleet(bench.OUT / f"fleet-{args.fleet}", args.fleet)
    cache = tempfile.mkdtemp(prefix="diag-bench-cache-")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DIAG_NO_CACHE")}
    env.update(DIAG_CACHE_DIR=cache, DIAG_NO_PROGRESS="1", PYTHONPATH=str(ROOT))
    diag = [sys.executable, "-P", "-m", "diag", "check"]
    subprocess.run(diag + [str(ROOT / "samples" / "healthy-registered-9.3.txt")], env=env, capture_output=True)
    rows = []
    for name in ("known-issue-4-mts-dns.txt", "healthy-registered-9.3.txt"):
        capture = str(ROOT / "samples" / name)
        m = bench.side_by_side({"text": (diag + ["-f", "text", capture], env),
                                "html": (diag + ["-f", "html", capture], env)}, args.repeat + 6)
        ratio = m["html"][0] / m["text"][0]
        rows.append((f"check -f text, {name}", m["text"][0], ""))
        rows.append((f"check -f html, {name}", m["html"][0], f"{ratio:.2f}x text (target <= 1.3x: "
                                                             f"{'met' if ratio <= 1.3 else 'NOT met'})"))
    m = bench.side_by_side({"json": (diag + ["-f", "json", str(fleet)], env),
                            "html": (diag + ["-f", "html", str(fleet)], env)}, args.repeat)
    ratio = m["html"][0] / m["json"][0]
    page = bench.OUT / f"fleet-{args.fleet}.html"
    with open(page, "wb") as out:
        subprocess.run(diag + ["-f", "html", str(fleet)], env=env, stdout=out)
    size = page.stat().st_size
    rows.append((f"check -f json, fleet of {args.fleet}", m["json"][0], ""))
    rows.append((f"check -f html, fleet of {args.fleet}", m["html"][0],
                 f"{ratio:.2f}x json (target <= 2x: {'met' if ratio <= 2 else 'NOT met'})"))
    rows.append((f"html page of the fleet of {args.fleet}", 0.0,
                 f"{size / 1e6:.2f} MB (target < 10 MB: {'met' if size < 10e6 else 'NOT met'})"))
    if args.browser:
        times = browser_times(page)
        if times:
            rows.append((f"Chromium: open the fleet's page (load event)", times[0], ""))
            rows.append((f"Chromium: sort its table by days left", times[1], ""))
    shutil.rmtree(cache, ignore_errors=True)
    width = max(len(r[0]) for r in rows)
    for name, seconds, note in rows:
        print(f"{name:<{width}}  {seconds:6.2f} s  {note}")


if __name__ == "__main__":
    main()
