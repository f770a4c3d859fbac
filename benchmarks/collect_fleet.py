"""How long ``diag collect`` takes: one device, and a fleet with 1 and N workers.

    python benchmarks/collect_fleet.py                       # 20 devices, 1 and 10 workers
    python benchmarks/collect_fleet.py --devices 50 --workers 1 5 25

The switches are fakenos SSH servers on 127.0.0.1 (tests/fakeswitch.py), each answering
the outputs of samples/known-issue-2-plain-http.txt (a switch whose check asks for the
probes too: 7 commands in 4 rounds). Each run is the real command line (``diag collect
--inventory ... --workers N --check``) timed from here; the per-device figure is the
mean of what collect reports for each device (connection to log-out). Needs the
collect extra and fakenos (pip install -e '.[test,collect]'). Nothing leaves this machine.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fakeswitch import FakeFleet, outputs_of  # noqa: E402

PASSWORD = "bench-password"
SAMPLE = ROOT / "samples" / "known-issue-2-plain-http.txt"


def _inventory(folder: Path, ports: dict[str, int]) -> Path:
    (folder / "hosts.yaml").write_text("".join(
        f"{name}:\n  hostname: 127.0.0.1\n  port: {port}\n" for name, port in ports.items()))
    (folder / "defaults.yaml").write_text(
        "username: diag\nplatform: nxos\nconnection_options:\n  scrapli:\n    extras:\n"
        f"      auth_strict_key: false\n      ssh_config_file: {os.devnull}\n")
    return folder / "hosts.yaml"


def run(devices: int, workers: list[int]) -> None:
    _, outputs = outputs_of(SAMPLE)
    names = [f"leaf{n:03d}" for n in range(1, devices + 1)]
    diag = [sys.executable, "-m", "diag"]
    env = dict(os.environ, DIAG_PASSWORD=PASSWORD)
    env.pop("SSH_AUTH_SOCK", None)
    with FakeFleet({name: outputs for name in names}, PASSWORD) as fleet, tempfile.TemporaryDirectory() as tmp:
        hosts = _inventory(Path(tmp), fleet.ports)
        (Path(tmp) / "one").mkdir()
        one = _inventory(Path(tmp) / "one", {names[0]: fleet.ports[names[0]]})
        rows = []
        for label, inventory, n in [("1 device", one, 1)] + [(f"{devices} devices", hosts, w) for w in workers]:
            out = Path(tmp) / f"out-{label.replace(' ', '')}-{n}"
            started = time.perf_counter()
            done = subprocess.run([*diag, "collect", "--inventory", str(inventory), "--workers", str(n),
                                   "-o", str(out), "--check", "-f", "json"], env=env, capture_output=True, text=True)
            wall = time.perf_counter() - started
            per = [float(s) for s in re.findall(r": ok, .*?, ([\d.]+) s -> ", done.stderr)]
            if done.returncode not in (0, 1) or len(per) != (1 if label == "1 device" else devices):
                sys.exit(f"{label}, {n} worker(s): exit {done.returncode}\n{done.stderr[-2000:]}")
            rows.append((label, n, wall, statistics.mean(per)))
    print(f"{'run':<12} {'workers':>7} {'wall (s)':>9} {'per device (s)':>15}")
    for label, n, wall, per in rows:
        print(f"{label:<12} {n:>7} {wall:>9.1f} {per:>15.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devices", type=int, default=20)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 10])
    args = ap.parse_args()
    run(args.devices, args.workers)


if __name__ == "__main__":
    main()
