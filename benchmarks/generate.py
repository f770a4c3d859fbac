"""Benchmark inputs, generated from the project's own samples with varied values.

* ``fleet(n)``: n device captures, each a session of 6 to 10 commands whose outputs
  come from the samples and rule captures, with the host name, addresses and serial
  numbers changed per device;
* ``showtech(mb)``: a gzipped ``show tech-support`` of at least ``mb`` megabytes of
  text in which the licensing and Call Home sections are a tiny part;
* ``paste()``: a single ``show license status`` pasted alone, and a short session.

Everything is deterministic (a fixed random seed) so runs compare.
"""

from __future__ import annotations

import gzip
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diag.capture import read_lines  # noqa: E402
from diag.split import split_lines  # noqa: E402

WANTED = ("show version", "show clock", "show license status", "show running-config", "show logging",
          "show license usage", "show callhome", "show hosts", "show crypto ca certificates", "ping", "telnet",
          "show ntp peer-status", "show system internal mts buffers summary")
_IPV4 = re.compile(r"\b(10|172|192)\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b")
_SERIAL = re.compile(r"\b(FDO|FLM|SAL|FOC|JAF)[0-9A-Z]{8}\b")


def _sources() -> list[Path]:
    files = sorted((ROOT / "samples").glob("*.txt")) + sorted((ROOT / "samples").glob("*.log"))
    files += sorted((ROOT / "rules").rglob("*.txt"))
    return files


def pool() -> dict[str, list[tuple[str, list[str]]]]:
    """Command outputs by command: (typed command, output lines), from every capture we ship."""
    out: dict[str, list[tuple[str, list[str]]]] = {c: [] for c in WANTED}
    for path in _sources():
        result = split_lines(read_lines(str(path)), str(path))
        for sec in result.sections:
            if sec.command in out and sec.origin == "prompt" and len(sec.lines) >= 1 and not sec.rejected:
                typed = sec.typed if "idtoken" not in sec.typed else sec.command
                text = [t for _, t in sec.lines]
                while text and (not text[-1].strip() or text[-1].rstrip().endswith("#")):
                    text.pop()
                if text:
                    out[sec.command].append((typed, text))
    return {c: v for c, v in out.items() if v}


def _vary(lines: list[str], host: str, rnd: random.Random) -> list[str]:
    a, b = rnd.randint(0, 250), rnd.randint(0, 250)
    serial = "".join(rnd.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(8))
    out = []
    for line in lines:
        if line.startswith("!Time:"):
            # the outputs come from captures of different days: the session's clock is its
            # show clock, not a configuration's time from another year (a snapshot of its own)
            continue
        line = re.sub(r"^(hostname|switchname) \S+", rf"\1 {host}", line)
        line = re.sub(r"Device name: \S+", f"Device name: {host}", line)
        line = _IPV4.sub(lambda m: f"{m.group(1)}.{(int(m.group(2)) + a) % 250}.{(int(m.group(3)) + b) % 250}."
                                    f"{m.group(4)}", line)
        line = _SERIAL.sub(lambda m: m.group(1) + serial, line)
        out.append(line)
    return out


def session(host: str, rnd: random.Random, outputs: dict) -> str:
    """One device's session log: 6 to 10 commands, a clock first, status and config always."""
    commands = ["show clock", "show version", "show license status", "show running-config"]
    optional = [c for c in outputs if c not in commands]
    rnd.shuffle(optional)
    commands += optional[: rnd.randint(2, 6)]
    lines = [f"{host}# terminal length 0"]
    for cmd in commands:
        typed, text = rnd.choice(outputs[cmd])
        lines.append(f"{host}# {typed}")
        lines.extend(_vary(text, host, rnd))
    lines.append(f"{host}# exit")
    return "\n".join(lines) + "\n"


def fleet(folder: Path, n: int, seed: int = 2026) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f".complete-{n}-{seed}"
    if marker.exists():
        return folder
    for old in folder.glob("*.txt"):
        old.unlink()
    outputs = pool()
    rnd = random.Random(seed)
    for i in range(n):
        host = f"dc{i // 500 + 1}-leaf-{i:04d}"
        (folder / f"{host}.txt").write_text(session(host, rnd, outputs))
    marker.write_text("ok\n")
    return folder


_UNRELATED = [
    "show interface", "show system internal sysmgr service all", "show processes cpu history", "show module",
    # outputs diag skips (show ip route and the MTS details are read: not filler any more)
    "show hardware internal errors", "show ip arp vrf all", "show mac address-table", "show spanning-tree",
    "show system internal mts event-history errors", "show accounting log", "show lldp neighbors detail",
]


def _filler(rnd: random.Random, cmd: str, lines: int) -> str:
    out = [f"`{cmd}`"]
    for k in range(lines):
        out.append(f"  {cmd.split()[1]}[{k}] Eth1/{rnd.randint(1, 54)} state {rnd.choice(('up', 'down', 'err'))} "
                   f"rx {rnd.randint(0, 10**9)} tx {rnd.randint(0, 10**9)} drops {rnd.randint(0, 99)} "
                   f"0x{rnd.getrandbits(32):08x}")
    out.append("")
    return "\n".join(out) + "\n"


def showtech(path: Path, megabytes: int, seed: int = 7) -> Path:
    """A gzipped show tech-support of at least ``megabytes`` MB of text."""
    marker = path.with_name(path.name + f".complete-{megabytes}")
    if path.exists() and marker.exists():
        return path
    rnd = random.Random(seed)
    outputs = pool()
    host = "core-sw-900"
    licensing = []
    for cmd in ("show version", "show clock", "show license status", "show running-config", "show logging"):
        _, text = outputs[cmd][0]
        licensing.append(f"`{cmd}`\n" + "\n".join(_vary(text, host, rnd)) + "\n")
    target = megabytes * 1_000_000
    written = 0
    inserted = 0
    with gzip.open(path, "wt", compresslevel=1, encoding="utf-8") as fh:
        fh.write(f"`show switchname`\n{host}\n\n")
        while written < target:
            block = _filler(rnd, rnd.choice(_UNRELATED), rnd.randint(200, 2000))
            fh.write(block)
            written += len(block)
            # the licensing sections at evenly spread places, a tiny share of the file
            if inserted < len(licensing) and written >= (inserted + 1) * target / (len(licensing) + 1):
                fh.write(licensing[inserted])
                written += len(licensing[inserted])
                inserted += 1
        for block in licensing[inserted:]:
            fh.write(block)
    marker.write_text("ok\n")
    return path


def paste(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    outputs = pool()
    _, status = outputs["show license status"][0]
    alone = folder / "paste-status.txt"
    alone.write_text("\n".join(status) + "\n")
    rnd = random.Random(1)
    small = folder / "paste-session.txt"
    small.write_text(session("leaf-paste", rnd, outputs))
    return alone, small
