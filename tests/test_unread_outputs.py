"""Licensing outputs diag reads only in part, or not at all, are never skipped without a word.

* ``show license tech-support`` embeds the blocks of ``show license all`` (Smart Licensing
  Status, License Usage, Product Information, Agent Version) under a header line of its own,
  followed by blocks only the tech-support prints: the embedded blocks are read as those of
  ``show license all`` are, so an expired authorization in them is found.
* ``| json`` / ``| xml`` of a command diag reads is an output diag does not read: the report
  names the command and its line where it says what it did not read, tells to capture it
  without the pipe, and the rules it would have settled stay not evaluated.
* A prompt line that holds a command and its output run together (line breaks lost) is
  declared as an output that was not read.

Irrelevant sections (most of a show tech-support) stay counted as skipped, one by one unnamed.
"""

from __future__ import annotations

import json
import xml.sax.saxutils

import pytest
from click.testing import CliRunner

from diag.cli import cli

CLOCK = "leaf05# show clock\n09:00:00.000 UTC Mon Apr 15 2024\n"

STATUS_EXPIRED = """Smart Licensing is ENABLED

Registration:
  Status: REGISTERED
  Smart Account: Northwind Traders
  Virtual Account: DC1-Fabric
  Export-Controlled Functionality: Allowed
  Initial Registration: SUCCEEDED on Jan 10 10:00:00 2023 UTC
  Last Renewal Attempt: SUCCEEDED on Jan 05 10:00:00 2024 UTC
  Next Renewal Attempt: Jul 03 10:00:00 2024 UTC
  Registration Expires: Jan 04 10:00:00 2025 UTC

License Authorization:
  Status: AUTHORIZATION EXPIRED on Apr 10 10:00:00 2024 UTC
  Last Communication Attempt: FAILED on Apr 15 08:00:00 2024 UTC
    Failure reason: Fail to send out Call Home HTTP message
  Next Communication Attempt: Apr 15 09:00:00 2024 UTC
  Communication Deadline: Apr 10 10:00:00 2024 UTC

Smart License Conversion:
  Automatic Conversion Enabled: False
  Status: Not started
"""

STATUS_EVAL_EXPIRED = """Smart Licensing is ENABLED

Registration:
  Status: UNREGISTERED
  Export-Controlled Functionality: Not Allowed

License Authorization:
  Status: EVAL EXPIRED on Apr 10 10:00:00 2024 UTC
"""

USAGE_AND_AFTER = """
License Usage
=============
No licenses in use

Product Information
===================
UDI: PID:N9K-C93180YC-FX,SN:FDO22010XYZ

Agent Version
=============
Smart Agent for Licensing: 4.8.5_rel/12
"""

# blocks only the tech-support prints, after those show license all holds
TECH_ONLY = """
Upcoming Scheduled Jobs
=======================
Current time: Apr 15 09:00:00 2024 UTC
Daily: Apr 15 10:00:00 2024 UTC (1 hours, 0 minutes, 0 seconds remaining)
Authorization Renewal: Expired Not Rescheduled

Communication Statistics:
=======================
Communication Level Allowed: DIRECT
Overall State: <empty>
Trust Establishment:
  Attempts: Total=1, Success=1, Fail=0  Ongoing Failure: 0 Last Response: OK on Jan 10 10:00:00 2023 UTC

License Certificates
====================
Production Cert: True

HA Info
==========
RP Role: Active

Reservation Info
================
License reservation: DISABLED

Other Info
==========
Software ID: regid.2018-07.com.cisco.Nexus_9000,1.0_0c1a8b8e-0000-0000-0000-000000000000
Agent State: authorized
sizeof(char *): 8
Overall Trust: INSTALLED (2)
"""

HEADER = "Smart Licensing Tech Support info\n\nSmart Licensing Status\n======================\n\n"


def _run(tmp_path, text: str, *args: str, name: str = "capture.txt") -> tuple[int, dict]:
    path = tmp_path / name
    path.write_text(text)
    res = CliRunner().invoke(cli, ["check", "--no-config", "-f", "json", *args, str(path)])
    assert res.exit_code in (0, 1), res.output
    return res.exit_code, json.loads(res.stdout)


def _ids(report: dict) -> set[str]:
    return {f["rule_id"] for f in report["findings"]}


def _lines(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# -- show license tech-support: read like show license all ----------------------------------------

TECH_SUPPORT = {
    "status-only": HEADER + STATUS_EXPIRED,
    "with-usage-and-product": HEADER + STATUS_EXPIRED + USAGE_AND_AFTER,
    "whole": HEADER + STATUS_EXPIRED + USAGE_AND_AFTER + TECH_ONLY,
    "tech-only-blocks-right-after-status": HEADER + STATUS_EXPIRED + TECH_ONLY,
}


@pytest.mark.parametrize("typed", ["show license tech-support", "sh lic tech", "show license tech-support | no-more"])
@pytest.mark.parametrize("name", sorted(TECH_SUPPORT))
def test_license_tech_support_is_read_like_show_license_all(tmp_path, typed, name):
    text = CLOCK + f"leaf05# {typed}\n" + TECH_SUPPORT[name] + "leaf05# \n"
    code, report = _run(tmp_path, text)
    assert code == 1
    found = {f["rule_id"]: f for f in report["findings"]}
    assert "authorization-expired" in found
    assert found["authorization-expired"]["line"] == _lines(text, "AUTHORIZATION EXPIRED")
    # the tech-support only blocks are known and not needed: no unread line, nothing skipped
    assert "unparsed-output" not in found, found.get("unparsed-output")
    assert report["sections_skipped"] == {}
    assert "show license tech-support" in report["devices"][0]["commands"]
    # it proves what show license status proves: no rule asks for show license status again
    assert not any(c["command"] == "show license status" for c in report["collect_next"])


def test_license_tech_support_eval_expired_minimal(tmp_path):
    text = CLOCK + "leaf05# show license tech-support\n" + HEADER + STATUS_EVAL_EXPIRED + "\nleaf05#\n"
    _, report = _run(tmp_path, text)
    assert {"evaluation-expired", "registration-unregistered"} <= _ids(report)


@pytest.mark.parametrize("name", sorted(TECH_SUPPORT))
def test_license_tech_support_pasted_without_its_prompt(tmp_path, name):
    text = TECH_SUPPORT[name]
    code, report = _run(tmp_path, text, "--now", "2024-04-15T09:00:00Z")
    assert code == 1
    assert "authorization-expired" in _ids(report)
    assert "unparsed-output" not in _ids(report)
    assert report["inputs"][0]["unrecognised_lines"] == 0


def test_a_line_the_status_blocks_do_not_hold_is_still_reported(tmp_path):
    text = (CLOCK + "leaf05# show license tech-support\n"
            + HEADER + STATUS_EXPIRED.replace("Smart License Conversion:", "Garbled ~~ line:\nSmart License Conversion:")
            + "leaf05#\n")
    _, report = _run(tmp_path, text)
    assert "unparsed-output" in _ids(report)


# -- | json and | xml ------------------------------------------------------------------------------

JSON_STATUS = json.dumps({"smart_lic_status": "ENABLED", "reg_status": "UNREGISTERED", "auth_status": "EVAL EXPIRED"})
JSON_CALLHOME = json.dumps({"callhome": {"destination-profile": {"CiscoTAC-1": {
    "url": "http://tools.cisco.com/its/service/oddce/services/DDCEService"}}}})
XML_STATUS = """<?xml version="1.0" encoding="ISO-8859-1"?>
<nf:rpc-reply xmlns:nf="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns="http://www.cisco.com/nxos:1.0:lic_mgr">
 <nf:data>
  <show>
   <license>
    <status>
     <__readonly__>
      <reg_status>UNREGISTERED</reg_status>
      <auth_status>EVAL EXPIRED</auth_status>
     </__readonly__>
    </status>
   </license>
  </show>
 </nf:data>
</nf:rpc-reply>
]]>]]>
"""


@pytest.mark.parametrize("typed,body,pipe,kind", [
    ("show license status | json", JSON_STATUS, "json", "JSON"),
    ("show license status | json-pretty", json.dumps(json.loads(JSON_STATUS), indent=2), "json-pretty", "JSON"),
    ("sh lic st | js", JSON_STATUS, "js", "JSON"),
    ("show license status | json | no-more", JSON_STATUS, "json", "JSON"),
    ("show license status | no-more | json", JSON_STATUS, "json", "JSON"),
    ("show license status | xml", XML_STATUS, "xml", "XML"),
    ("show license status | xml | no-more", XML_STATUS, "xml", "XML"),
    ("show license all | json", JSON_STATUS, "json", "JSON"),
    ("show license tech-support | json", JSON_STATUS, "json", "JSON"),
    ("show running-config callhome | json", JSON_CALLHOME, "json", "JSON"),
    ("sh run callhome | xml", xml.sax.saxutils.escape(JSON_CALLHOME), "xml", "XML"),
])
def test_structured_output_is_declared_not_read(tmp_path, typed, body, pipe, kind):
    text = CLOCK + f"leaf05# {typed}\n{body}\nleaf05#\n"
    line = _lines(text, typed)
    code, report = _run(tmp_path, text)
    assert code == 0 and report["findings"] == []
    note = report["inputs"][0].get("note") or ""
    assert f"line {line}" in note and kind in note and f"without '| {pipe}'" in note, note
    # not counted among the outputs diag has no use for
    assert report["sections_skipped"] == {}
    # what it would have settled stays open: not evaluated, never passed
    open_rules = {n["rule_id"] for n in report["not_evaluated"]}
    if "running-config" in typed or "run" in typed.split():
        assert "callhome-url-plain-http" in open_rules
    else:
        assert {"authorization-expired", "evaluation-expired", "registration-unregistered"} <= open_rules


@pytest.mark.parametrize("fmt,needle", [
    ("text", "note: "), ("markdown", "## Not read"), ("html", "<h2>Not read</h2>"), ("sarif", "input-note"),
])
def test_structured_output_note_in_every_format(tmp_path, fmt, needle):
    path = tmp_path / "capture.txt"
    path.write_text(CLOCK + "leaf05# show license status | json\n" + JSON_STATUS + "\nleaf05#\n")
    res = CliRunner().invoke(cli, ["check", "--no-config", "-f", fmt, str(path)])
    assert res.exit_code == 0, res.output
    assert needle in res.stdout
    shown = res.stdout.replace("\\|", "|").replace("&#x27;", "'").replace("&#39;", "'")  # as Markdown, HTML escape
    assert "'show license status | json' (line 3)" in shown and "without '| json'" in shown


def test_structured_output_of_a_command_diag_has_no_use_for_is_skipped_as_before(tmp_path):
    text = CLOCK + "leaf05# show interface brief | json\n{\"TABLE_interface\": {}}\nleaf05#\n"
    _, report = _run(tmp_path, text)
    assert "note" not in report["inputs"][0]
    assert report["sections_skipped"] == {"show interface": 1}


def test_irrelevant_show_tech_sections_stay_counted_as_skipped(tmp_path):
    text = ("`show clock`\n09:00:00.000 UTC Mon Apr 15 2024\n`show interface brief`\nEth1/1 up\n"
            "`show module`\nMod Ports\n`show license status`\n" + STATUS_EVAL_EXPIRED)
    _, report = _run(tmp_path, text)
    assert report["sections_skipped"] == {"show interface": 1, "show module": 1}
    assert "note" not in report["inputs"][0]


# -- a command and its output run together on one line -------------------------------------------

def _flat(body: str) -> str:
    return " ".join(line for line in body.splitlines())


@pytest.mark.parametrize("typed,body", [
    ("show license status", STATUS_EVAL_EXPIRED),
    ("show license status", STATUS_EXPIRED),
    ("sh lic stat", STATUS_EXPIRED),
    ("show license all", "Smart Licensing Status ====================== " + STATUS_EXPIRED),
    ("show license tech-support", HEADER + STATUS_EXPIRED),
    ("show clock", "Time source is NTP 13:05:44.902 UTC Fri Feb 10 2023"),
    ("show running-config", "!Command: show running-config\n!Time: Fri Feb 10 13:05:51 2023\nversion 9.3(10)\n"
                            "hostname edge12\ncallhome\n  email-contact noc@example.net\n  enable\nline console\nline vty"),
    ("ping tools.cisco.com vrf management", "PING tools.cisco.com (72.163.4.38): 56 data bytes\n"
                                            "Request 0 timed out\nRequest 1 timed out\n--- tools.cisco.com ping statistics ---"),
])
def test_output_run_together_with_its_command_is_declared(tmp_path, typed, body):
    text = "switch# show version | include NXOS\n  NXOS: version 9.3(10)\n" + f"switch# {typed} {_flat(body)}\nswitch# \n"
    code, report = _run(tmp_path, text)
    assert code == 0
    note = report["inputs"][0].get("note") or ""
    assert "line 3" in note and "one line" in note, note
    assert typed.split()[0] in note
    assert report["sections_skipped"] == {}


def test_a_capture_of_nothing_but_outputs_run_together_is_refused_naming_them(tmp_path):
    path = tmp_path / "flat.txt"
    path.write_text(f"switch# show license status {_flat(STATUS_EXPIRED)}\nswitch# show clock "
                    "Time source is NTP 13:05:44.902 UTC Fri Feb 10 2023\nswitch#\n")
    res = CliRunner().invoke(cli, ["check", "--no-config", str(path)])
    assert res.exit_code == 2
    assert "'show license status' (line 1)" in res.output and "'show clock' (line 2)" in res.output


@pytest.mark.parametrize("typed", ["show running-config callhome", "show running-config interface mgmt0",
                                   "ping tools.cisco.com vrf management count 5 source-interface mgmt0"])
def test_free_arguments_are_not_taken_for_an_output(tmp_path, typed):
    text = CLOCK + f"leaf05# {typed}\n\nleaf05#\n"
    _, report = _run(tmp_path, text)
    assert "outputs diag does not read" not in (report["inputs"][0].get("note") or "")


def test_a_form_diag_does_not_read_is_still_skipped_quietly(tmp_path):
    text = CLOCK + "leaf05# show clock detail\n09:00:00.000 UTC Mon Apr 15 2024\nTime source is NTP\nleaf05#\n"
    _, report = _run(tmp_path, text)
    assert "note" not in report["inputs"][0]
    assert report["sections_skipped"] == {"show clock": 1}
