"""A finding points at the line to change or the line that shows the problem, on the
branches of a rule its hit capture does not take (each hit capture declares its own lines
in <id>.hit.expect.yml, checked by tests/test_rules_hit_ok.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RULES, SYSTEM_NOW
from diag.api import Options, analyze

SLP = RULES / "slp"


def _fired(tmp_path: Path, text: str, rulebook, rule_id: str) -> list:
    path = tmp_path / "cap.txt"
    path.write_text(text, encoding="utf-8")
    report = analyze([str(path)], Options(system_now=SYSTEM_NOW), rules=rulebook)
    return [f for f in report.findings if f.rule_id == rule_id]


def _line(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.strip().startswith(start))


LAST_ACK = "  Last ACK received: Jan 02 11:40:03 2024 CET\n"
NEXT_ACK = "  Next ACK deadline: Apr 01 12:40:03 2024 CEST\n"


@pytest.mark.parametrize("last, deadline, points_at", [
    (LAST_ACK, NEXT_ACK, "Next ACK deadline:"),                   # the hit capture: the deadline is near
    ("  Last ACK received: <none>\n", "  Next ACK deadline: Dec 01 12:40:03 2024 CET\n",
     "Last ACK received: <none>"),                                 # no ACK ever, the deadline far
    ("  Last ACK received: <none>\n", NEXT_ACK, "Last ACK received: <none>"),  # both: one finding
])
def test_slp_ack_overdue_points_at_the_line_that_shows_the_problem(tmp_path, rulebook, last, deadline, points_at):
    text = (SLP / "slp-ack-overdue.hit.txt").read_text()
    assert LAST_ACK in text and NEXT_ACK in text
    text = text.replace(LAST_ACK, last).replace(NEXT_ACK, deadline)
    fired = _fired(tmp_path, text, rulebook, "slp-ack-overdue")
    assert [(f.line, f.end_line) for f in fired] == [(_line(text, points_at),) * 2]


def test_slp_url_ip_literal_in_show_license_status_points_at_the_url_line(tmp_path, rulebook):
    """Without the configuration line, the 'Cslu address:' line (not 'Type: cslu' above it)."""
    text = (SLP / "slp-url-ip-literal.hit.txt").read_text()
    text = text.replace("license smart url cslu https://10.62.14.20/cslu/v1/pi/SJC-ONPREM-1\n", "")
    fired = _fired(tmp_path, text, rulebook, "slp-url-ip-literal")
    assert [f.line for f in fired] == [_line(text, "Cslu address: https://10.62.14.20")]
