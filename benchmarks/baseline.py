"""The baselines diag is measured against, run as commands of their own.

``parse``: the same command sections parsed with plain TextFSM and TTP templates
and nothing of diag: sections cut at prompt lines with one regular expression,
each handed to its template (TextFSM objects and the TTP parser reused, as a
careful script would). No clean-up, no typing, no rules, no report.

``floor``: one pass of Python's ``re`` over the same bytes (gunzipped when the
file is gzipped): the least any line-reading tool can cost.

    python benchmarks/baseline.py parse|floor PATH...
"""

from __future__ import annotations

import gzip
import io
import os
import re
import sys
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "diag" / "templates"
PROMPT = re.compile(r"^(\S+)# ?(.*)$")
SHOWTECH = re.compile(r"^`([^`]+)`\s*$")
# typed command (abbreviated or not) -> template, as a plain script would map them
TEMPLATE_FOR = [
    (re.compile(r"^sh\w* +lic\w* +stat"), "cisco_nxos_show_license_status.textfsm"),
    (re.compile(r"^sh\w* +lic\w* +usage"), "cisco_nxos_show_license_usage.textfsm"),
    (re.compile(r"^sh\w* +run"), "cisco_nxos_show_running-config.ttp"),
    (re.compile(r"^sh\w* +ver"), "cisco_nxos_show_version.textfsm"),
    (re.compile(r"^sh\w* +clock"), "cisco_nxos_show_clock.textfsm"),
    (re.compile(r"^sh\w* +logg"), "cisco_nxos_show_logging.textfsm"),
    (re.compile(r"^sh\w* +callhome\s*$"), "cisco_nxos_show_callhome.textfsm"),
    (re.compile(r"^sh\w* +hosts"), "cisco_nxos_show_hosts.textfsm"),
    (re.compile(r"^sh\w* +crypto +ca +cert"), "cisco_nxos_show_crypto_ca_certificates.textfsm"),
    (re.compile(r"^sh\w* +ntp +peer-st"), "cisco_nxos_show_ntp_peer-status.textfsm"),
    (re.compile(r"^sh\w* +sys\w* +int\w* +mts +buf\w* +sum"),
     "cisco_nxos_show_system_internal_mts_buffers_summary.textfsm"),
    (re.compile(r"^ping "), "cisco_nxos_ping.textfsm"),
    (re.compile(r"^telnet "), "cisco_nxos_telnet.textfsm"),
]


def files(paths: list[str]) -> list[str]:
    out = []
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                out += [os.path.join(root, n) for n in sorted(names) if not n.startswith(".")]
        else:
            out.append(p)
    return out


def read_text(path: str) -> str:
    with open(path, "rb") as fh:
        head = fh.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    with opener(path, "rb") as fh:
        return fh.read().decode("utf-8", "replace")


_FSM: dict = {}
_TTP: dict = {}


def parse_section(template: str, text: str):
    if template.endswith(".textfsm"):
        import textfsm

        fsm = _FSM.get(template)
        if fsm is None:
            fsm = _FSM[template] = textfsm.TextFSM(io.StringIO((TEMPLATES / template).read_text()))
        fsm.Reset()
        try:
            return fsm.ParseText(text)
        except textfsm.TextFSMError:
            return None
    from ttp import ttp

    parser = _TTP.get(template)
    if parser is None:
        parser = _TTP[template] = ttp(template=(TEMPLATES / template).read_text(), log_level="CRITICAL")
    parser.clear_result()
    parser.set_input(data=text)
    parser.parse(one=True)
    return parser.result()


def parse(paths: list[str]) -> int:
    sections = 0
    for path in files(paths):
        current: str | None = None
        buf: list[str] = []

        def flush():
            nonlocal sections
            if current is not None and buf:
                parse_section(current, "\n".join(buf) + "\n")
                sections += 1

        for line in read_text(path).splitlines():
            m = PROMPT.match(line) or SHOWTECH.match(line)
            if m:
                flush()
                command = m.group(m.lastindex or 1)
                current = next((t for rx, t in TEMPLATE_FOR if rx.match(command)), None)
                buf = []
            elif current is not None:
                buf.append(line)
        flush()
    return sections


FLOOR = re.compile(rb"^[^\n]*(?:#|Status:|callhome)[^\n]*$", re.M)


def floor(paths: list[str]) -> int:
    hits = 0
    for path in files(paths):
        with open(path, "rb") as fh:
            head = fh.read(2)
        opener = gzip.open if head == b"\x1f\x8b" else open
        with opener(path, "rb") as fh:
            carry = b""
            while True:
                chunk = fh.read(1 << 20)
                if not chunk:
                    break
                data = carry + chunk
                cut = data.rfind(b"\n") + 1
                hits += sum(1 for _ in FLOOR.finditer(data, 0, cut))
                carry = data[cut:]
    return hits


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    count = {"parse": parse, "floor": floor}[mode](args)
    print(count)
