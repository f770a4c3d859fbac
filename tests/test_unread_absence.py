"""An output with lines diag could not read proves no absence of what it produces.

A callhome block whose URL line is garbled (cut by a narrow terminal at a space, edited by
hand) holds a CiscoTAC-1 URL diag cannot see: 'no URL' would be a confident false error.
The rule is then not evaluated and the unread lines are reported; a whole, clean output of
the same switch still proves the absence.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from conftest import RULES as RULES_DIR
from diag.cli import cli

HEAD = """leaf05# show clock
10:00:00.000 UTC Mon Dec 07 2026
leaf05# show running-config callhome

!Command: show running-config callhome
!Time: Mon Dec  7 10:00:00 2026

version 9.3(8) Bios:version 05.45
callhome
  email-contact noc@example.net
  destination-profile CiscoTAC-1 transport-method http
"""
TAIL = """  transport http use-vrf management
  enable
"""
GARBLED = "  destination-profile CiscoTAC-1 index 1 http\n ~~ tools.cisco.com/its/service/oddce/services/DDCEService\n"


def _run(tmp_path, text: str) -> dict:
    path = tmp_path / "capture.txt"
    path.write_text(text)
    res = CliRunner().invoke(cli, ["check", "--no-config", "-f", "json", str(path)])
    assert res.exit_code in (0, 1), res.output
    return json.loads(res.output)


def _ids(report: dict) -> set[str]:
    return {f["rule_id"] for f in report["findings"]}


def test_a_block_with_an_unread_line_proves_no_missing_url(tmp_path):
    report = _run(tmp_path, HEAD + GARBLED + TAIL)
    assert "callhome-url-missing" not in _ids(report)
    assert "unparsed-output" in _ids(report)
    [open_rule] = [n for n in report["not_evaluated"] if n["rule_id"] == "callhome-url-missing"]
    assert "line 12" in open_rule["reason"] and "could not read" in open_rule["reason"]


def test_a_clean_block_without_a_url_still_fires(tmp_path):
    report = _run(tmp_path, HEAD + TAIL)
    assert "callhome-url-missing" in _ids(report)
    assert "unparsed-output" not in _ids(report)


def test_a_whole_clean_output_of_the_switch_still_proves_it(tmp_path):
    again = HEAD.split("leaf05# show running-config callhome")[1]
    text = HEAD + GARBLED + TAIL + "leaf05# show running-config callhome" + again + TAIL
    report = _run(tmp_path, text)
    assert "callhome-url-missing" in _ids(report)


GARBLED_BLOCK = HEAD.replace("  email-contact noc@example.net\n", "  ~~ email-contact noc@example.net ~~\n") + \
    "  transport http use-vrf management\n  enab le\n"


def test_a_block_with_unread_lines_proves_no_missing_enable_or_contact(tmp_path):
    """'enable' or 'email-contact' garbled: the block's unread lines may be them, so the
    rules that would say they are missing are not evaluated, with a note."""
    report = _run(tmp_path, GARBLED_BLOCK)
    assert not {"callhome-disabled", "callhome-email-contact-missing"} & _ids(report)
    open_rules = {n["rule_id"]: n for n in report["not_evaluated"]}
    for rule in ("callhome-disabled", "callhome-email-contact-missing"):
        assert "could not read" in open_rules[rule]["reason"]


def test_the_same_block_read_whole_without_them_fires(tmp_path):
    clean = GARBLED_BLOCK.replace("  ~~ email-contact noc@example.net ~~\n", "").replace("  enab le\n", "")
    report = _run(tmp_path, clean)
    assert {"callhome-disabled", "callhome-email-contact-missing"} <= _ids(report)


def test_a_garbled_proxy_server_line_proves_no_missing_server(tmp_path):
    block = HEAD + "  transport http proxy enable\n  transport http proxy srv proxy.example.net port 8080\n  enable\n"
    report = _run(tmp_path, block)
    assert "callhome-proxy-incomplete" not in _ids(report)
    assert "callhome-proxy-incomplete" in {n["rule_id"] for n in report["not_evaluated"]}
    clean = HEAD + "  transport http proxy enable\n  enable\n"
    assert "callhome-proxy-incomplete" in _ids(_run(tmp_path, clean))


def test_a_garbled_use_vrf_line_is_no_default_vrf(tmp_path):
    """Without 'transport http use-vrf' Call Home's VRF is not stated (presumably the default
    VRF, unconfirmed: the path names it '<VRF>', vrf_basis assumed); a block whose lines diag
    could not read may hold that line: no path is derived from it."""
    from diag.api import devices
    import datetime as dt
    from diag.rulebook import load_rules

    garbled = HEAD + "  destination-profile CiscoTAC-1 index 1 http https://tools.cisco.com/its/service/oddce/" \
        "services/DDCEService\n  transport htp use-vrf management\n  enable\n"
    clean = garbled.replace("  transport htp use-vrf management\n", "")
    now = dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc)
    paths = {}
    for name, text in (("garbled", garbled), ("clean", clean)):
        (tmp_path / name).mkdir()
        path = tmp_path / name / "capture.txt"
        path.write_text(text)
        [dev] = devices([str(path)], load_rules([]), now)
        paths[name] = [(f.fields.get("vrf"), f.fields.get("vrf_basis")) for f in dev.store.get("licensing.path")]
    assert paths == {"garbled": [], "clean": [("<VRF>", "assumed")]}


def test_a_trailing_suppression_is_quoted_with_its_whole_line(tmp_path):
    """Evidence shows the line as it is in the file: a '! diag: ignore' comment that ends a
    line of other text is quoted with that text (found by the fuzz test)."""
    text = HEAD + TAIL + "Module ! diag: ignore callhome-url-missing\n"
    report = _run(tmp_path, text)
    [f] = [f for f in report["findings"] if f["rule_id"] == "suppression-without-reason"]
    assert [e["text"] for e in f["evidence"]] == ["Module ! diag: ignore callhome-url-missing"]


# -- a block read whole elsewhere decides; an unread block alone never does ------------------------

def test_another_block_read_with_the_line_decides_against_the_finding(tmp_path):
    """Two callhome blocks of one switch, one read whole with 'enable', 'email-contact' and a
    proxy server, one with a line diag could not read and none of them: the whole one proves
    they are there, so no rule says they are missing (it once fired, quoting the 'enable'
    line as the evidence of a disabled Call Home)."""
    whole = HEAD + "  transport http proxy enable\n  transport http proxy server proxy.example.net port 8080\n" + TAIL
    partial = ("leaf05# show running-config | section callhome\ncallhome\n  transport http proxy enable\n"
               "  this line is garbled\n")
    report = _run(tmp_path, whole + partial)
    assert not {"callhome-disabled", "callhome-email-contact-missing", "callhome-proxy-incomplete"} & _ids(report)
    assert not {"callhome-disabled", "callhome-email-contact-missing", "callhome-proxy-incomplete"} & {
        n["rule_id"] for n in report["not_evaluated"]}


def _with_use_vrf(path: str, replace: str) -> str:
    text = (RULES_DIR / path).read_text(encoding="utf-8")
    return text.replace("  enable\n", replace + "  enable\n", 1) if "use-vrf management\n  enable" not in text \
        else text.replace("  transport http use-vrf management\n", replace, 1)


def test_an_unread_line_may_be_the_use_vrf(tmp_path):
    """No 'transport http use-vrf' read in a block with a line diag could not read: the line
    may be it, so neither the missing use-vrf nor the default-VRF source interface is a
    finding; each rule is not evaluated with the line named. The same block read clean
    without the line fires, and one with the line read does not."""
    cases = {"callhome/callhome-vrf-missing.hit.txt": "callhome-vrf-missing",
             "known-issues/http-source-interface-vrf-mismatch.hit.txt": "http-source-interface-vrf-mismatch"}
    for sample, rule in cases.items():
        garbled = _run(tmp_path, _with_use_vrf(sample, "  transport htp use-vrf management\n"))
        assert rule not in _ids(garbled) and "unparsed-output" in _ids(garbled)
        assert "callhome-vrf-missing" in {n["rule_id"] for n in garbled["not_evaluated"]}
        assert rule in _ids(_run(tmp_path, (RULES_DIR / sample).read_text(encoding="utf-8")))
    clean = _run(tmp_path, _with_use_vrf("callhome/callhome-vrf-missing.hit.txt", ""))
    assert "callhome-vrf-missing" in _ids(clean)
    fixed = _run(tmp_path, _with_use_vrf("callhome/callhome-vrf-missing.hit.txt",
                                         "  transport http use-vrf management\n"))
    assert "callhome-vrf-missing" not in _ids(fixed)
    assert "callhome-vrf-missing" not in {n["rule_id"] for n in fixed["not_evaluated"]}
