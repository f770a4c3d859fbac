"""The diagnosis per device and the suspected known issues (issue 14, items 1 and 2).

Each known issue of TechNote 217965 that prints a signature is tried in three forms: the
signature only (suspected), the signature with the output that confirms it (confirmed),
and the signature with evidence that rules it out (ruled out). The signature comes in the
shapes a capture holds it: a Failure reason under License Authorization or under
Registration, or a COMM_FAILED log line.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from click.testing import CliRunner

from conftest import RULES, SAMPLES, SYSTEM_NOW, validate_report
from diag.api import Options, analyze
from diag.cli import cli
from diag.errors import RuleError
from diag.report import render
from diag.rulebook import load_rules

HOST = "sw1"
CLOCK = f"""{HOST}# show clock
Time source is NTP
11:47:09.820 UTC Wed Mar 09 2022
"""
URL_HTTPS = "https://tools.cisco.com/its/service/oddce/services/DDCEService"
URL_HTTP = "http://tools.cisco.com/its/service/oddce/services/DDCEService"
PARSE = "Failed to parse SCH server response data"
IPC = "Failed to send Call Home HTTP message (failed to establish IPC connection with call-home)"


def license_status(reason: str | None, where: str = "auth") -> str:
    """show license status of a registered switch whose last communication (``auth``) or
    ID certificate renewal (``reg``) failed with ``reason``."""
    renewal = "  Last Renewal Attempt: None\n"
    comm = "  Last Communication Attempt: SUCCEEDED on Mar 01 09:13:59 2022 UTC\n"
    if reason and where == "reg":
        renewal = f"  Last Renewal Attempt: FAILED on Mar 09 11:02:44 2022 UTC\n    Failure reason: {reason}\n"
    elif reason:
        comm = f"  Last Communication Attempt: FAILED on Mar 09 11:02:44 2022 UTC\n    Failure reason: {reason}\n"
    return f"""{HOST}# show license status

Smart Licensing is ENABLED

Registration:
  Status: REGISTERED
  Smart Account: Example
  Virtual Account: DC
  Export-Controlled Functionality: Allowed
  Initial Registration: SUCCEEDED on Aug 11 15:02:33 2021 UTC
{renewal}  Next Renewal Attempt: Apr 07 15:02:33 2022 UTC
  Registration Expires: Aug 11 14:57:10 2022 UTC

License Authorization:
  Status: AUTHORIZED on Feb 14 09:18:40 2022 UTC
{comm}  Next Communication Attempt: Mar 09 12:02:44 2022 UTC
  Communication Deadline: May 14 09:13:59 2022 UTC

"""


def log(reason: str) -> str:
    return (f"{HOST}# show logging logfile | include LICMGR\n"
            f"2022 Mar  9 11:02:44 {HOST} %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: Communications failure with the "
            f"Cisco Smart Software Manager (CSSM) : {reason}\n")


def callhome(url: str = URL_HTTPS) -> str:
    return f"""{HOST}# show running-config callhome

!Command: show running-config callhome
!Time: Wed Mar  9 11:47:30 2022

version 9.3(5) Bios:version 05.42
callhome
  email-contact sch-smart-licensing@cisco.com
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http {url}
  transport http use-vrf management
  enable

"""


def certificates(identrust: bool) -> str:
    cert = ("subject= /C=US/O=IdenTrust/CN=IdenTrust Commercial Root CA 1\n"
            "issuer= /C=US/O=IdenTrust/CN=IdenTrust Commercial Root CA 1\n"
            "serial=0A0142800000014523C844B500000002\n"
            "notBefore=Jan 16 18:12:23 2014 GMT\nnotAfter=Jan 16 18:12:23 2034 GMT\n"
            "SHA1 Fingerprint=DF:71:7E:AA:4A:D9:4E:C9:55:84:99:60:2D:48:DE:5F:BC:F0:3A:25\n") if identrust else (
            "subject= /DC=example/CN=Example Issuing CA 01\nissuer= /DC=example/CN=Example Root CA\n"
            "serial=61A3C0F4000000000007\nnotBefore=Apr  2 10:11:12 2020 GMT\nnotAfter=Apr  2 10:21:12 2025 GMT\n"
            "SHA1 Fingerprint=3B:0E:52:9A:71:C4:88:10:2F:6D:C1:5E:90:47:AB:21:7D:55:0C:E3\n")
    name = "IdenTrust" if identrust else "corp-ca"
    return f"{HOST}# show crypto ca certificates\nTrustpoint: {name}\nCA certificate 0:\n{cert}purposes: sslserver sslclient\n\n"


MTS = f"""{HOST}# show system internal mts buffers summary
node  sapno  recv_q  pers_q  npers_q  log_q
sup   284    0       0       3        0
sup   1397   118     0       0        0
{HOST}# show system internal mts sup sap 1397 description
callhome
"""

PING_UNRESOLVED = f"{HOST}# ping tools.cisco.com vrf management\n% Invalid host/interface tools.cisco.com\n"
PING_RESOLVED = f"""{HOST}# ping tools.cisco.com vrf management
PING tools.cisco.com (72.163.4.38): 56 data bytes
64 bytes from 72.163.4.38: icmp_seq=0 ttl=232 time=237.581 ms
64 bytes from 72.163.4.38: icmp_seq=1 ttl=232 time=237.859 ms

--- tools.cisco.com ping statistics ---
2 packets transmitted, 2 packets received, 0.00% packet loss
round-trip min/avg/max = 237.581/237.72/237.859 ms
"""
FILTERED_IP_HOST = f"{HOST}# show running-config | include \"ip host\"\nip host tools.cisco.com 72.163.4.38\n"


def whole_config(name_server: str) -> str:
    return f"""{HOST}# show running-config

!Command: show running-config
!Time: Wed Mar  9 11:47:30 2022

version 9.3(6) Bios:version 07.69
hostname {HOST}
ip domain-lookup
{name_server}
license smart enable
ntp server 172.16.10.123 use-vrf management

vrf context management
  ip route 0.0.0.0/0 192.168.250.1

interface mgmt0
  vrf member management
  ip address 192.168.250.17/24
line console
line vty
callhome
  email-contact sch-smart-licensing@cisco.com
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http {URL_HTTPS}
  transport http use-vrf management
  enable

"""


def check(tmp_path, rulebook, *parts: str, name: str = "capture.txt"):
    path = tmp_path / name
    path.write_text(CLOCK + "".join(parts) + f"{HOST}#\n")
    report = analyze([str(path)], Options(system_now=SYSTEM_NOW), rules=rulebook)
    validate_report(render(report, "json"))
    return report


def of(report, rule_id: str):
    return [f for f in report.findings if f.rule_id == rule_id]


def candidates(report) -> dict:
    (g,) = report.diagnoses
    return {c.rule_id: c for c in g.differential}


def signature(shape: str, reason: str) -> str:
    """The signature ``reason`` as a capture holds it."""
    if shape == "log":
        return log(reason)
    return license_status(reason, shape)


SHAPES = ["auth", "reg", "log"]


def assert_suspected(report, rule_id: str, command: str):
    (f,) = of(report, rule_id)
    assert f.status == "suspected" and f.suspected
    assert f.confidence == "low"
    assert f.severity == report.rules.by_id[rule_id].severity  # counted at its severity
    assert report.summary()[f.severity] >= 1 and report.exit_code() == 1
    assert command in f.confirm_with and f.confirmed_by and f.ruled_out_by
    assert f.path and f.line and f.evidence
    # what confirms it comes first in collect next
    first = report.outcome.collect_next[0]
    assert first.confirms, [c.command for c in report.outcome.collect_next]
    confirming = [c for c in report.outcome.collect_next if rule_id in c.confirms]
    assert any(c.command == command for c in confirming)
    seen_plain = False
    for c in report.outcome.collect_next:
        seen_plain |= not c.confirms
        assert not (seen_plain and c.confirms), "a command that confirms a suspect comes after one that does not"
    data = json.loads(render(report, "json"))
    (j,) = [x for x in data["findings"] if x["rule_id"] == rule_id]
    assert j["status"] == "suspected" and command in j["confirm_with"] and j["ruled_out_by"]
    assert any(rule_id in c.get("confirms", []) for c in data["collect_next"])
    return f


# -- known issue 2: "Failed to parse SCH server response data" -> a plain-HTTP URL ------------------

@pytest.mark.parametrize("shape", SHAPES)
def test_plain_http_suspected_from_its_signature(tmp_path, rulebook, shape):
    report = check(tmp_path, rulebook, signature(shape, PARSE))
    f = assert_suspected(report, "callhome-url-plain-http", "show running-config callhome")
    assert PARSE in f.message


@pytest.mark.parametrize("shape", SHAPES)
def test_plain_http_confirmed(tmp_path, rulebook, shape):
    report = check(tmp_path, rulebook, signature(shape, PARSE), callhome(URL_HTTP))
    (f,) = of(report, "callhome-url-plain-http")
    assert f.status == "confirmed" and f.confidence == "high"


@pytest.mark.parametrize("shape", SHAPES)
def test_plain_http_ruled_out(tmp_path, rulebook, shape):
    report = check(tmp_path, rulebook, signature(shape, PARSE), callhome(URL_HTTPS))
    assert of(report, "callhome-url-plain-http") == []
    (gone,) = [r for r in report.outcome.ruled_out if r.rule_id == "callhome-url-plain-http"]
    assert "HTTPS" in gone.note and any(URL_HTTPS in e.text for e in gone.evidence)
    if shape != "reg":  # a failed communication opens the differential
        assert candidates(report)["callhome-url-plain-http"].status == "ruled_out"


# -- known issue 3: the IPC failure -> QuoVadis root (FN72115) ------------------------------------------

@pytest.mark.parametrize("shape", SHAPES)
def test_quovadis_suspected_from_its_signature(tmp_path, rulebook, shape):
    report = check(tmp_path, rulebook, signature(shape, IPC), callhome())
    assert_suspected(report, "quovadis-root-ca-fn72115", "show crypto ca certificates")


@pytest.mark.parametrize("shape", SHAPES)
def test_quovadis_confirmed(tmp_path, rulebook, shape):
    report = check(tmp_path, rulebook, signature(shape, IPC), callhome(), certificates(identrust=False))
    (f,) = of(report, "quovadis-root-ca-fn72115")
    assert f.status == "confirmed"


@pytest.mark.parametrize("shape", SHAPES)
def test_quovadis_ruled_out_by_the_identrust_root(tmp_path, rulebook, shape):
    report = check(tmp_path, rulebook, signature(shape, IPC), callhome(), certificates(identrust=True))
    assert of(report, "quovadis-root-ca-fn72115") == []
    (gone,) = [r for r in report.outcome.ruled_out if r.rule_id == "quovadis-root-ca-fn72115"]
    assert "IdenTrust Commercial Root CA 1 is installed" in gone.note
    assert any("IdenTrust Commercial Root CA 1" in e.text for e in gone.evidence)
    if shape != "reg":
        c = candidates(report)["quovadis-root-ca-fn72115"]
        assert c.status == "ruled_out" and c.evidence


def test_quovadis_not_suspected_while_dns_does_not_answer(tmp_path, rulebook):
    # the DNS findings explain the failure: no TLS handshake happens without a name
    report = check(tmp_path, rulebook, license_status(IPC), whole_config("ip name-server 10.0.0.53"), MTS,
                   PING_UNRESOLVED)
    assert of(report, "quovadis-root-ca-fn72115") == []
    assert candidates(report)["quovadis-root-ca-fn72115"].status == "unchecked"


# -- known issue 4: the IPC failure / a stuck MTS queue -> DNS (CSCvv67469) -----------------------------

@pytest.mark.parametrize("shape", SHAPES)
def test_cscvv67469_suspected_from_its_signature(tmp_path, rulebook, shape):
    report = check(tmp_path, rulebook, signature(shape, IPC), callhome())
    f = assert_suspected(report, "callhome-mts-stuck-dns-cscvv67469", "show system internal mts buffers summary")
    assert "CSCvv67469" in f.message


def test_cscvv67469_suspected_from_an_mts_queue_and_a_filtered_config(tmp_path, rulebook):
    # the queue is there, but only a filtered configuration: DNS cannot be judged
    filtered = f"{HOST}# show running-config | include name-server\nip name-server 10.0.0.53 use-vrf management\n"
    report = check(tmp_path, rulebook, license_status(None), callhome(), MTS, filtered)
    f = assert_suspected(report, "callhome-mts-stuck-dns-cscvv67469", "show running-config")
    assert any("1397" in e.text for e in f.evidence)


def test_cscvv67469_confirmed(tmp_path, rulebook):
    report = check(tmp_path, rulebook, license_status(IPC), whole_config("ip name-server 10.0.0.53"), MTS,
                   PING_UNRESOLVED)
    (f,) = of(report, "callhome-mts-stuck-dns-cscvv67469")
    assert f.status == "confirmed"


@pytest.mark.parametrize("evidence", [FILTERED_IP_HOST, PING_RESOLVED], ids=["ip-host", "ping-resolved"])
@pytest.mark.parametrize("shape", SHAPES)
def test_cscvv67469_ruled_out(tmp_path, rulebook, shape, evidence):
    report = check(tmp_path, rulebook, signature(shape, IPC), callhome(), evidence)
    assert of(report, "callhome-mts-stuck-dns-cscvv67469") == []
    (gone,) = [r for r in report.outcome.ruled_out if r.rule_id == "callhome-mts-stuck-dns-cscvv67469"]
    assert "does not wait on a DNS server" in gone.note
    assert any("72.163.4.38" in e.text or "tools.cisco.com" in e.text for e in gone.evidence)
    if shape != "reg":
        assert candidates(report)["callhome-mts-stuck-dns-cscvv67469"].status == "ruled_out"


# -- known issue 1: Call Home HTTP fails while the server answers -> the HTTP source interface ------------

KI1 = "Fail to send out Call Home HTTP message."
TELNET_OK = f"""{HOST}# telnet tools.cisco.com 443 vrf management
Trying 72.163.4.38...
Connected to tools.cisco.com.
Escape character is '^]'.
^CConnection closed by foreign host.
"""


@pytest.mark.parametrize("reach", [TELNET_OK, PING_RESOLVED], ids=["telnet", "ping"])
@pytest.mark.parametrize("shape", SHAPES)
def test_source_interface_suspected_from_its_signature(tmp_path, rulebook, shape, reach):
    report = check(tmp_path, rulebook, signature(shape, KI1), reach)
    assert_suspected(report, "http-source-interface-vrf-mismatch", "show running-config")


def test_source_interface_not_suspected_without_reachability_or_on_the_ipc_message(tmp_path, rulebook):
    assert of(check(tmp_path, rulebook, license_status(KI1)), "http-source-interface-vrf-mismatch") == []
    report = check(tmp_path, rulebook, license_status(IPC), TELNET_OK, name="ipc.txt")
    assert of(report, "http-source-interface-vrf-mismatch") == []


def test_source_interface_confirmed(rulebook):
    report = analyze([str(SAMPLES / "known-issue-1-source-interface.txt")], Options(system_now=SYSTEM_NOW),
                     rules=rulebook)
    (f,) = of(report, "http-source-interface-vrf-mismatch")
    assert f.status == "confirmed"
    assert report.diagnoses[0].causes[0].finding is f


def test_source_interface_ruled_out(tmp_path, rulebook):
    report = check(tmp_path, rulebook, license_status(KI1), TELNET_OK, whole_config("ip name-server 10.0.0.53 use-vrf management"))
    assert of(report, "http-source-interface-vrf-mismatch") == []
    c = candidates(report)["http-source-interface-vrf-mismatch"]
    assert c.status == "ruled_out" and "show running-config" in c.note and c.evidence
    assert candidates(report)["cisco-unreachable"].status == "ruled_out"


# -- causes and symptoms on one device; the differential ---------------------------------------------------

def test_cause_with_its_symptoms_nested_and_fix_first(tmp_path, rulebook):
    report = check(tmp_path, rulebook, license_status(PARSE), callhome(URL_HTTP))
    (g,) = report.diagnoses
    assert g.status == "diagnosed"
    (cause,) = g.causes
    assert cause.finding.rule_id == "callhome-url-plain-http"
    assert "communication-failed" in [s.rule_id for s in cause.symptoms]
    assert g.fix_first["rule_id"] == "callhome-url-plain-http" and g.fix_first["action"] == "fix"
    # every finding of the device appears once in the diagnosis
    assert sorted(f.rule_id for _, f, _, _ in g.lines()) == sorted(f.rule_id for f in report.findings)
    data = validate_report(render(report, "json"))
    dj = data["devices"][0]["diagnosis"]
    assert list(data["devices"][0])[:2] == ["device", "diagnosis"]
    assert dj["causes"][0]["rule_id"] == "callhome-url-plain-http"
    assert "communication-failed" in dj["causes"][0]["symptoms"] and "communication-failed" in dj["symptoms"]
    text = render(report, "text")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  Diagnosis: diagnosed"))
    cause_line = next(i for i, line in enumerate(lines) if "callhome-url-plain-http" in line)
    symptom_line = next(i for i, line in enumerate(lines) if "communication-failed" in line)
    assert at < cause_line < symptom_line
    assert lines[symptom_line].startswith("      ")  # nested under its cause
    # every command that changes something, with the sub-mode it is typed in: removing the
    # plain-HTTP URL alone would leave CiscoTAC-1 without one
    assert (f"  Fix first (callhome-url-plain-http): callhome ; no destination-profile CiscoTAC-1 index 1 http "
            f"{URL_HTTP} ; destination-profile CiscoTAC-1 http {URL_HTTP.replace('http://', 'https://')}") in lines


def test_differential_lists_every_candidate_cause(tmp_path, rulebook):
    report = check(tmp_path, rulebook, license_status("Fail to send out Call Home HTTP message"), callhome())
    (g,) = report.diagnoses
    assert g.status == "unexplained" and "communication-failed" in g.open_symptoms
    found = candidates(report)
    expected = {r.id for r in rulebook.rules if "communication-failed" in r.explains and
                (not r.modes or "classic" in r.modes)}
    assert set(found) == expected
    for family in ("callhome-url-plain-http", "callhome-tac-profile-not-http", "http-source-interface-vrf-mismatch",
                   "dns-server-missing", "cisco-unreachable", "callhome-proxy-incomplete", "quovadis-root-ca-fn72115",
                   "callhome-mts-stuck-dns-cscvv67469", "callhome-disabled"):
        assert family in found
    for c in found.values():
        assert c.status in ("confirmed", "suspected", "ruled_out", "unchecked")
        if c.status == "unchecked":
            assert c.command, c.rule_id
        if c.status == "ruled_out":
            assert c.note and c.evidence, c.rule_id
    assert found["callhome-tac-profile-not-http"].status == "ruled_out"
    assert found["dns-server-missing"].status == "unchecked" and found["dns-server-missing"].command
    assert found["quovadis-root-ca-fn72115"].command == "show crypto ca certificates"


def test_healthy_device_has_a_healthy_diagnosis(rulebook):
    report = analyze([str(SAMPLES / "healthy-registered-9.3.txt")], Options(system_now=SYSTEM_NOW), rules=rulebook)
    assert [g.status for g in report.diagnoses] == ["healthy"]
    assert report.diagnoses[0].fix_first is None


def test_a_suppressed_cause_explains_nothing(tmp_path, rulebook):
    report = check(tmp_path, rulebook, license_status(PARSE),
                   callhome(URL_HTTP).replace(URL_HTTP, URL_HTTP + "  ! diag: ignore callhome-url-plain-http -- lab"))
    (g,) = report.diagnoses
    assert "callhome-url-plain-http" not in [c.finding.rule_id for c in g.causes]


# -- every sample: the diagnosis first, in text, markdown and JSON -------------------------------------------

SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.is_file())


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_samples_show_the_diagnosis_first(sample, rulebook):
    report = analyze([str(sample)], Options(system_now=SYSTEM_NOW), rules=rulebook)
    text = render(report, "text").splitlines()
    names = {d.name for d in report.devices}
    for i, line in enumerate(text):
        if any(line.startswith(f"{name}  (") for name in names):
            assert text[i + 1].startswith(("  Diagnosis: ", "  no problems found")), text[i:i + 2]
    md = render(report, "markdown")
    assert md.index("## Summary") < md.index("## Devices")
    if report.findings:
        assert md.index("## Findings") < md.index("## Devices") < md.index("<details>")
        summary = md.split("## Summary", 1)[1].split("## Findings", 1)[0].strip().split("\n\n")
        assert len(summary) == len(report.devices) and all(len(block.splitlines()) <= 10 for block in summary)
    data = validate_report(render(report, "json"))
    for dev in data["devices"]:
        assert list(dev)[:2] == ["device", "diagnosis"]
        assert dev["diagnosis"]["status"] in ("healthy", "diagnosed", "suspected", "unexplained", "findings")


# -- --brief and collect-next lines -------------------------------------------------------------------------------

def test_brief_is_one_line_per_finding():
    res = CliRunner().invoke(cli, ["check", "--brief", str(SAMPLES)], catch_exceptions=False)
    lines = res.output.splitlines()
    findings, summary = lines[:-1], lines[-1]
    assert summary.startswith("Summary: ")
    assert findings and all(re.fullmatch(r"\S+:\d+: (error|warning|info) [a-z0-9-]+ .+", line) for line in findings)
    full = CliRunner().invoke(cli, ["check", "-f", "json", str(SAMPLES)], catch_exceptions=False)
    assert len(findings) == len(json.loads(full.output)["findings"])
    assert res.exit_code == 1


def test_brief_needs_the_text_format():
    res = CliRunner().invoke(cli, ["check", "--brief", "-f", "json", str(SAMPLES / "healthy-registered-9.3.txt")])
    assert res.exit_code == 2 and "--brief" in res.output


def test_collect_next_lines_are_capped(tmp_path, rulebook):
    from diag.report.text import COLLECT_WIDTH

    report = analyze([str(SAMPLES)], Options(system_now=SYSTEM_NOW), rules=rulebook)
    text = render(report, "text")
    block = text.split("Collect next (most useful first):", 1)[1].split("\n\n", 1)[0]
    for line in block.splitlines():
        if line.lstrip().startswith(("settles ", "confirms ")):
            assert len(line) <= COLLECT_WIDTH, line


# -- rule metadata is validated -----------------------------------------------------------------------------------

def _site_rule(tmp_path, rid: str, **extra) -> None:
    data = yaml.safe_load((RULES / "callhome" / "callhome-url-ip-literal.yaml").read_text())
    data.pop("explains", None)
    data.update(id=rid, **extra)
    (tmp_path / f"{rid}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))


def test_explains_names_rules_that_exist(tmp_path):
    _site_rule(tmp_path, "site-cause", explains=["no-such-rule"])
    with pytest.raises(RuleError, match=r"explains\[0\].*unknown rule id 'no-such-rule'"):
        load_rules([tmp_path])


def test_explains_has_no_cycle(tmp_path):
    _site_rule(tmp_path, "site-a", explains=["site-b"])
    _site_rule(tmp_path, "site-b", explains=["site-a"])
    with pytest.raises(RuleError, match="cycle"):
        load_rules([tmp_path], builtin=False)


def test_suspect_block_is_checked(tmp_path):
    _site_rule(tmp_path, "site-suspect", suspect={"when": {"fact": "license.authorization", "as": "auth"},
                                                  "message": "a message that names {nobody.field}",
                                                  "fix": "show running-config", "confirms": "what confirms it",
                                                  "rules_out": "what rules it out"})
    with pytest.raises(RuleError, match="suspect.message"):
        load_rules([tmp_path])


def test_report_schema_is_a_valid_schema():
    import jsonschema

    from diag.report.jsonfmt import schema

    jsonschema.Draft202012Validator.check_schema(schema())


def test_explain_shows_a_rules_place_in_the_diagnosis(rulebook):
    """diag explain says what a rule explains, what explains it, and its suspected form,
    with every rule id whole on its line."""
    from click.testing import CliRunner

    from diag.cli import cli

    cause = CliRunner().invoke(cli, ["explain", "quovadis-root-ca-fn72115"]).output
    assert "In the diagnosis:" in cause and "A root cause of:" in cause
    assert "Suspected when its signature shows" in cause and "Confirmed by:" in cause and "Ruled out by:" in cause
    symptom = CliRunner().invoke(cli, ["explain", "communication-failed"]).output
    block = symptom.split("In the diagnosis:", 1)[1].split("\n\n", 1)[0]
    ids = {w.strip(",.") for w in block.split() if "-" in w}
    assert "callhome-url-plain-http" in ids and "quovadis-root-ca-fn72115" in ids
    assert all(i in {r.id for r in rulebook.rules} for i in ids), ids
    assert "every candidate cause" in symptom
