"""diag redact / diag check --redact: nothing seeded survives, the diagnosis does.

The corpus in tests/data/redact/ plants fictitious sensitive values in every capture
form diag reads; SEEDED below is the one list of them. The tests run in-process (one
real process for a piped stdin); each takes under a second.
"""

from __future__ import annotations

import datetime as dt
import gzip
import ipaddress
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from diag.api import Options, analyze
from diag.cli import cli
from diag.redact import PLACEHOLDER, Redactor

CORPUS = ROOT / "tests" / "data" / "redact"
NOW = dt.datetime(2023, 11, 8, 14, 30, tzinfo=dt.timezone.utc)

# Every sensitive value planted in tests/data/redact/ (exact strings; also searched
# case-insensitively). test_seeded_values_are_in_the_corpus keeps this list honest.
SEEDED = [
    # host names: prompts, hostname/switchname, Device name, vdc, syslog hosts, CDP, jump host
    "dc-east-leaf-17", "dc-east-core-01", "dc-east-spine-01", "dc-east-border-09", "jump-rdu-02",
    # domain, static hosts, on-prem / proxy / CSLU hosts
    "acme-industrial.net", "ssm-onprem.acme-industrial.net", "proxy01.acme-industrial.net", "cslu-rdu",
    # IPv4 (private and public-looking) and IPv6 (global and ULA)
    "10.77.12.17", "10.77.40.15", "10.77.40.16", "10.77.1.53", "10.77.1.49", "10.77.1.50", "10.77.1.60",
    "10.77.1.123", "10.77.1.70", "10.77.1.80", "10.77.1.90", "10.77.0.1", "10.77.255.1", "10.77.100.1",
    "10.77.100.0", "10.77.12.1", "10.77.9.21", "2a02:1208:7:12::34", "fd12:3456:789a:1::1",
    # e-mail addresses, phone numbers, contacts, street addresses
    "jane.doe@acme-industrial.net", "noc-east@acme-industrial.net", "+44 20 7946 0123", "+442079460123",
    "+1-919-555-0187", "Jane Doe", "NOC Acme Industrial", "742 Evergreen Terrace", "1200 Innovation Way",
    # customer / contract / site ids, Smart Licensing custom id
    "CUST-448812", "99887766", "ACME-RDU-03", "ACME-CUSTOM-7731",
    # Smart Account and Virtual Accounts
    "Acme Industrial Holdings", "Datacenter-East-Prod", "Lab-Staging-West",
    # ID token (typed and echoed in a failure reason) and trust token
    "ODk2ZTU1YWItMmQ0Yy00ZDEwLWI4NTgtYjM1ZmE5ZDYxMjQ0LTE3MDI0",
    "NzQ0ZDVhZjItOWY0Ni00ZDYxLWJiNzgtMzQ1YmU1NmQzYjNhLTE3MjExMzQ1",
    # serial numbers: Processor Board ID, SN:, UDI, host-id VDH=, CDP, inventory, license file name
    "FDO24071ZK3", "FDO23521M0Q", "FOC23498KQW", "FDO22114XYZ",
    # license file: LicFileID, PAK, SIGN
    "20231108142211873", "PAK7X2Q9LM4RT", "8A3F92C1B0D4",
    # user names (username, snmp-server user, ssh user@host, jump host prompt, syslog, scp URL, LDAP DN)
    "jdoe", "netops-bot", "svc-ldap", "ACME\\rdu-ops", "rdu-ops", "Qu0t3dUs3rPw",
    # passwords and secrets of every form
    "$5$QWERTY$h8Jz0pLk3eR7tY1uI9oP2aS5dF4gH6jK8lZ0xC3vB7n", "$5$ASDFGH$Zx8Cv7Bn6Mq5Wl4Ek3Rj2Ty1Ui0Op9As8Df7Gh6Jk5",
    "Pl41nT3xtP4ss", "T4c4csK3yZ", "Hst5p3cK3y", "R4d1usK3yQ", "R4dHstK3yW", "s3cr3tC0mm", "Tr4pC0mmStr",
    "0x7a3f9c2e1b4d8a6f0e5c7b9a2d4f6e8c", "0x1b2c3d4e5f60718293a4b5c6d7e8f901", "NtpK3yS3cr3t", "LdapP4ssW0rd",
    "Bkp5ecr3tPw", "0Sp1fK3yStr", "0sPfAuThK3y", "0sPfMd5K3y", "BgPp4ssW0rdX",
    # first-hop redundancy and PIM authentication, a quoted community, a MACsec key
    "HsrpT3xtPw", "VrrpT3xtPw", "P1mH3ll0K3y", "Qu0ted C0mmStr", "C0mmStr", "075e701e1c5a4a5143475e5a527d7c7c7070",
    "10.77.10.2", "10.77.10.1", "10.77.10.3",
    # unrecognised secret-looking values: a compound keyword and a long blob, an ssh key
    "Xv7Qm2", "Zq8Xw3Ec5Rv7Tb9Yn1Um2Ik4Ol6Pa8Sd0Fg", "AAAAB3NzaC1yc2EAAAADAQABAAABAQC7x9Kq2mZ8vR4tY6uI1oP3aS5dF7gH9jK2",
]

# Kept on purpose (the diagnosis needs them, or they identify nobody).
KEPT = [
    "tools.cisco.com/its/service/oddce/services/DDCEService",  # Cisco host and path
    "http://tools.cisco.com/its/service/oddce/services/DDCEService",  # plain http stays http://
    "/Transportgateway/services/DeviceRequestHandler",  # on-prem path (its host is redacted)
    ":8182/cslu/v1/pi",  # port and path of the CSLU URL
    "sch-smart-licensing@cisco.com",
    "192.0.2.53", "198.51.100.7", "203.0.113.0/24", "2001:db8:1::5", "127.0.0.1", "0.0.0.0/0",  # doc, loopback
    "Nov 08 13:20:02 2023 UTC", "As of Oct 30 07:12:09 2023 UTC",  # dates
    "feature password encryption aes", "no password strength-check", "key 1",  # not secrets
    "PID:N9K-C93240YC-FX2,SN:", "LAN_ENTERPRISE_SERVICES_PKG", "CiscoTAC-1", "use-vrf management",
]


def invoke(*args: str, input: bytes | str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def read_text(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8")


def tree_text(root: Path) -> str:
    """Every file's content and every path below ``root``, as one string."""
    parts = []
    for path in sorted(root.rglob("*")):
        parts.append(str(path.relative_to(root)))
        if path.is_file():
            parts.append(read_text(path))
    return "\n".join(parts)


def findings(paths: list[str]) -> list[tuple]:
    report = analyze(paths, Options(now=NOW))
    return sorted((f.rule_id, f.severity, f.line) for f in report.findings)


@pytest.fixture(scope="module")
def redacted(tmp_path_factory) -> Path:
    """The corpus redacted once with a fixed key, and its private map."""
    out = tmp_path_factory.mktemp("redacted")
    res = invoke("redact", str(CORPUS), "-o", str(out / "bundle"), "--key", "test-key", "--map", str(out / "map.json"))
    assert res.exit_code == 0, res.output
    return out


def test_seeded_values_are_in_the_corpus():
    text = tree_text(CORPUS)
    missing = [v for v in SEEDED if v not in text]
    assert not missing, f"SEEDED lists values the corpus does not hold: {missing}"
    assert len(set(SEEDED)) == len(SEEDED)


def test_no_seeded_value_survives(redacted):
    text = tree_text(redacted / "bundle")
    low = text.lower()
    assert [v for v in SEEDED if v in text] == []
    assert [v for v in SEEDED if v.lower() in low] == []


def test_what_carries_the_diagnosis_is_kept(redacted):
    text = tree_text(redacted / "bundle")
    assert [v for v in KEPT if v not in text] == []
    onprem = [line for line in text.splitlines() if "Transportgateway" in line]
    assert onprem and all(re.search(r"https://host-[0-9a-f]{6}\.example/Transportgateway/", line) for line in onprem)


def test_line_numbers_and_count_unchanged(redacted):
    for src in CORPUS.iterdir():
        if src.is_file():
            dst = redacted / "bundle" / "redact" / src.name
            assert dst.exists(), dst
            assert read_text(dst).count("\n") == read_text(src).count("\n"), src.name
            assert len(read_text(dst).splitlines()) == len(read_text(src).splitlines())


def test_check_finds_the_same_on_the_redacted_corpus(redacted):
    """Same rule ids, severities and lines, per file and for the bundle as a whole."""
    bundle = redacted / "bundle" / "redact"
    compared = 0
    for src in sorted(CORPUS.iterdir()):
        if src.name == "README.md":
            continue
        original = findings([str(src)])
        assert findings([str(bundle / src.name)]) == original, src.name
        compared += bool(original)
    assert compared >= 4  # the corpus exercises real findings, not only clean files

    whole_a = analyze([str(CORPUS)], Options(now=NOW))
    whole_b = analyze([str(bundle)], Options(now=NOW))
    key = lambda r: sorted((Path(f.path).name, f.rule_id, f.severity, f.line) for f in r.findings)  # noqa: E731
    assert key(whole_b) == key(whole_a) and len(key(whole_a)) >= 8
    assert len(whole_b.devices) == len(whole_a.devices)  # devices still group across files


def test_check_finds_the_same_on_the_redacted_samples(tmp_path):
    res = invoke("redact", str(SAMPLES), "-o", str(tmp_path), "--map", str(tmp_path.parent / "samples-map.json"))
    assert res.exit_code == 0, res.output
    files = json.loads((tmp_path.parent / "samples-map.json").read_text())["files"]
    assert len(files) == len(list(SAMPLES.iterdir()))
    for pair in files:
        assert findings([pair["output"]]) == findings([pair["input"]]), pair["input"]


def test_check_redact_reports_the_same_without_the_values():
    plain = invoke("check", "-f", "json", "--now", NOW.isoformat(), str(CORPUS))
    red = invoke("check", "--redact", "-f", "json", "--now", NOW.isoformat(), str(CORPUS))
    assert red.exit_code == plain.exit_code == 1
    a, b = json.loads(plain.stdout), json.loads(red.stdout)
    key = lambda d: sorted((f["path"], f["rule_id"], f["severity"], f["line"]) for f in d["findings"])  # noqa: E731
    assert key(b) == key(a)  # the paths as given, the same lines
    assert [d["inputs"] for d in b["devices"]] != [] and len(b["devices"]) == len(a["devices"])
    everything = (red.stdout + red.stderr).lower()
    assert [v for v in SEEDED if v.lower() in everything] == []
    assert "diagredact" not in everything  # the staging folder never shows
    text = invoke("check", "--redact", "--now", NOW.isoformat(), str(CORPUS)).output
    assert "switch-" in text and "dc-east" not in text and "Acme" not in text


def test_check_redact_key_matches_the_bundle(redacted):
    mapping = json.loads((redacted / "map.json").read_text())["values"]
    leaf = next(v["placeholder"] for v in mapping if v["original"] == "dc-east-leaf-17")
    res = invoke("check", "--redact", "--redact-key", "test-key", "--now", NOW.isoformat(),
                 str(CORPUS / "leaf17-session.log"))
    assert leaf in res.output


def test_idempotent(redacted, tmp_path):
    first = redacted / "bundle" / "redact"
    res = invoke("redact", str(first), "-o", str(tmp_path))
    assert res.exit_code == 0, res.output
    for path in first.iterdir():
        assert (tmp_path / "redact" / path.name).read_bytes() == path.read_bytes(), path.name
    assert "nothing to redact" in res.stderr


def test_key_makes_the_mapping_reproducible(redacted, tmp_path):
    again = tmp_path / "again"
    other = tmp_path / "other"
    invoke("redact", str(CORPUS), "-o", str(again), "--key", "test-key")
    invoke("redact", str(CORPUS), "-o", str(other), "--key", "another-key")
    bundle = redacted / "bundle" / "redact"
    for path in bundle.iterdir():
        assert (again / "redact" / path.name).read_bytes() == path.read_bytes(), path.name
    a = read_text(bundle / "leaf17-session.log")
    b = read_text(other / "redact" / "leaf17-session.log")
    assert a != b
    assert set(PLACEHOLDER.findall(a)).isdisjoint(PLACEHOLDER.findall(b))
    # without --key: a fresh random key each run
    r1 = invoke("redact", str(CORPUS / "syslog-server.log")).stdout
    r2 = invoke("redact", str(CORPUS / "syslog-server.log")).stdout
    assert r1 != r2


def test_the_same_value_gets_the_same_placeholder_in_every_file(redacted):
    mapping = {v["original"]: v["placeholder"] for v in json.loads((redacted / "map.json").read_text())["values"]}
    core = mapping["dc-east-core-01"]
    bundle = redacted / "bundle" / "redact"
    assert f"hostname {core}" in read_text(bundle / "core01-running-config.cfg")
    showtech = read_text(bundle / "core01-showtech.txt.gz")
    assert f"switchname {core}" in showtech and f"Device name: {core}" in showtech
    assert f"{core}# license smart trust idtoken" in read_text(bundle / "core01-trust-token.log")
    assert f"13:40:33 {core} %LICMGR" in read_text(bundle / "syslog-server.log")
    # a serial in show version, the UDI, host-id, CDP (another file) and a license file name
    leaf_sn = mapping["FDO24071ZK3"]
    session = read_text(bundle / "leaf17-session.log")
    assert f"Processor Board ID {leaf_sn}" in session and f"VDH={leaf_sn}" in session
    assert f"license_{leaf_sn}_20231108.lic" in session and f"({leaf_sn})" in showtech
    # a host learned in one file is replaced in free text of another
    assert f"description uplink to {mapping['dc-east-spine-01']}" in read_text(bundle / "core01-running-config.cfg")
    # an ID token typed in one file and echoed in another
    token = next(p for o, p in mapping.items() if o.startswith("ODk2ZTU1"))
    assert f"idtoken {token} force" in session
    assert f"token '{token}' is not valid" in read_text(bundle / "license-status-pasted.txt")


def test_placeholders_keep_the_type(redacted):
    values = json.loads((redacted / "map.json").read_text())["values"]
    kinds = {v["kind"] for v in values}
    assert kinds >= {"hostname", "domain", "ipv4", "ipv6", "email", "phone", "street", "contact", "customer-id",
                     "contract-id", "site-id", "smart-account", "virtual-account", "token", "serial", "license-key",
                     "username", "secret", "unknown-secret"}
    for v in values:
        ph = v["placeholder"]
        if v["kind"] == "ipv4":
            ip = ipaddress.IPv4Address(ph)
            assert ip in ipaddress.ip_network("198.18.0.0/15") and ph.split(".")[-1] not in ("0", "255")
        elif v["kind"] == "ipv6":
            assert ipaddress.IPv6Address(ph) in ipaddress.ip_network("2001:db8::/32")
        elif v["kind"] == "hostname":
            assert re.fullmatch(r"(?:switch|host)-[0-9a-f]{6,}(?:\.example)?", ph) and len(ph) <= 63
        elif v["kind"] == "domain":
            assert re.fullmatch(r"domain-[0-9a-f]{6,}\.example", ph)
        elif v["kind"] == "email":
            assert re.fullmatch(r"email-[0-9a-f]{6,}@example\.com", ph)
        elif v["kind"] == "serial":
            assert re.fullmatch(r"SER[0-9A-F]{8}", ph)  # 11 characters, like FDO24071ZK3
        elif v["kind"] == "phone":
            assert re.fullmatch(r"\+1555\d{7}", ph)
    session = read_text(redacted / "bundle" / "redact" / "leaf17-session.log")
    assert re.search(r"^switch-[0-9a-f]{6}# show version$", session, re.M)  # still a prompt


def test_map_file(redacted):
    path = redacted / "map.json"
    data = json.loads(path.read_text())
    assert data["schema"] == "diag-redact-map/1" and data["keyed"] is True
    assert "PRIVATE" in data["note"]
    rows = {(v["kind"], v["original"]): v for v in data["values"]}
    assert rows[("hostname", "dc-east-leaf-17")]["placeholder"].startswith("switch-")
    assert rows[("smart-account", "Acme Industrial Holdings")]["occurrences"] == 4
    assert rows[("email", "jane.doe@acme-industrial.net")]["placeholder"].endswith("@example.com")
    assert {f["input"] for f in data["files"]} == {str(p) for p in CORPUS.iterdir()}
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # the map never lands in the folder that is meant to be shared
    res = CliRunner().invoke(cli, ["redact", str(CORPUS), "-o", str(redacted / "x"), "--map",
                                   str(redacted / "x" / "map.json")])
    assert res.exit_code == 2 and "outside the output folder" in res.output


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_an_existing_map_file_is_made_private(tmp_path):
    path = tmp_path / "map.json"
    path.write_text("{}")
    path.chmod(0o644)
    res = invoke("redact", str(CORPUS / "license-status-pasted.txt"), "-o", str(tmp_path / "out"),
                 "--map", str(path))
    assert res.exit_code == 0, res.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["values"]


def test_a_map_reached_through_a_link_into_the_output_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "link").symlink_to(out, target_is_directory=True)
    res = invoke("redact", str(CORPUS / "license-status-pasted.txt"), "-o", str(out),
                 "--map", str(tmp_path / "link" / "map.json"))
    assert res.exit_code == 2 and "outside the output folder" in res.output
    assert not (out / "map.json").exists()


def test_file_names_lose_the_host_names_and_addresses_they_hold(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    name = "DC-DMZ_10.40.1.53_2023-03-16.txt"
    (source / name).write_bytes((SAMPLES / "known-issue-2-plain-http.txt").read_bytes())
    res = invoke("redact", str(source / name), "-o", str(tmp_path / "out"))
    assert res.exit_code == 0, res.output
    [out] = [p.name for p in (tmp_path / "out").iterdir()]
    assert "DC-DMZ" not in out and "10.40.1.53" not in out and out.endswith("_2023-03-16.txt")
    res = invoke("check", "--redact", "-f", "json", str(source / name))
    assert "DC-DMZ" not in res.output and "10.40.1.53" not in res.output
    res = invoke("redact", str(source / name), "-o", "")
    assert res.exit_code == 2 and "give a folder name" in res.output
    # the commonest names: the host name alone, or joined to a word by '-'
    for plain in ("DC-DMZ.txt", "DC-DMZ-extra.log"):
        (source / plain).write_bytes((SAMPLES / "known-issue-2-plain-http.txt").read_bytes())
    res = invoke("redact", str(source), "-o", str(tmp_path / "out2"))
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in (tmp_path / "out2" / "in").iterdir())
    assert not [n for n in names if "DC-DMZ" in n or "10.40.1.53" in n], names
    assert [n for n in names if n.endswith("-extra.log")] and [n for n in names if n.endswith(".txt")]
    # an address glued to a word of the name, by a '-' or by nothing at all
    for glued in ("x-10.40.1.53.txt", "site10.40.1.53.log"):
        (source / glued).write_bytes((SAMPLES / "known-issue-2-plain-http.txt").read_bytes())
    res = invoke("redact", str(source), "-o", str(tmp_path / "out3"))
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in (tmp_path / "out3" / "in").iterdir())
    assert not [n for n in names if "10.40.1.53" in n], names
    assert [n for n in names if n.startswith("x-") and n.endswith(".txt")], names


def test_summary_counts_each_kind(redacted, tmp_path):
    res = invoke("redact", str(CORPUS), "-o", str(tmp_path))
    assert "redacted 7 file(s)" in res.stderr
    assert re.search(r"replaced \d+ value\(s\)", res.stderr)
    for label in ("host names", "IPv4 addresses", "Smart Account names", "serial numbers",
                  "passwords, keys and community strings", "unrecognised secret-looking values"):
        assert re.search(rf"\d+  {re.escape(label)}.*\(\d+ occurrence", res.stderr), label
    assert res.stdout == ""


def test_binary_input_exits_2(tmp_path):
    blob = tmp_path / "capture.bin"
    blob.write_bytes(b"\x00\x01\x02\x03" * 200)
    res = CliRunner().invoke(cli, ["redact", str(blob), "-o", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert "binary" in res.output and "nothing written" in res.output
    assert not (tmp_path / "out" / "capture.bin").exists()
    res = CliRunner().invoke(cli, ["check", "--redact", str(blob)])
    assert res.exit_code == 2 and "binary" in res.output and "diagredact" not in res.output


def test_stdin_to_stdout():
    text = (CORPUS / "license-status-pasted.txt").read_text()
    for args in (["redact"], ["redact", "-"]):
        res = invoke(*args, input=text.encode())
        assert res.exit_code == 0, res.output
        assert res.stdout.count("\n") == text.count("\n")
        assert "Acme Industrial Holdings" not in res.stdout and "Smart Account: account-" in res.stdout
    # a real process with a real pipe
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "diag", "redact"], input=text.encode(), capture_output=True,
                          env=env, timeout=60)
    assert proc.returncode == 0 and b"Lab-Staging-West" not in proc.stdout and b"vaccount-" in proc.stdout


def test_gz_round_trip(redacted):
    out = redacted / "bundle" / "redact" / "core01-showtech.txt.gz"
    data = out.read_bytes()
    assert data[:2] == b"\x1f\x8b"
    src = gzip.decompress((CORPUS / "core01-showtech.txt.gz").read_bytes()).decode()
    dst = gzip.decompress(data).decode()
    assert dst.count("\n") == src.count("\n") and "`show license status`" in dst


def test_crlf_and_lone_file_to_stdout(tmp_path):
    src = tmp_path / "crlf.txt"
    src.write_bytes(b"leaf-crlf-9# show version\r\n  Device name: leaf-crlf-9\r\n  Processor Board ID FDO99999ABC\r\n")
    res = invoke("redact", str(src))  # one input and no -o: stdout
    assert res.stdout_bytes.count(b"\r\n") == 3  # the input's line ending is kept
    assert "leaf-crlf-9" not in res.stdout and "FDO99999ABC" not in res.stdout
    res = CliRunner().invoke(cli, ["redact", str(src), str(CORPUS / "syslog-server.log")])
    assert res.exit_code == 2 and "-o" in res.output


@pytest.mark.parametrize("line, secret", [
    ("username alice password 5 $5$abcdEF$0123456789abcdefghijABCDEFGHIJ  role network-admin", "$5$abcdEF"),
    ("snmp-server community Publ1cStr1ng ro", "Publ1cStr1ng"),
    ('tacacs-server key 7 "Qwerty123"', "Qwerty123"),
    ("radius-server host 10.1.1.1 key 0 R4diusPlain authentication", "R4diusPlain"),
    ("    key-string 7 070C285F4D06", "070C285F4D06"),
    ("    password 3 5b1c7d0a2f3e", "5b1c7d0a2f3e"),
    ("  ip ospf authentication-key 3 a1b2c3d4e5", "a1b2c3d4e5"),
    ("ntp authentication-key 42 md5 Ntp5ecret 7", "Ntp5ecret"),
    ("foo-service shared-secret Sh4redS3cr3t", "Sh4redS3cr3t"),
    ("    Password: hunter2x", "hunter2x"),
    ("some-app token=aZ9bY8cX7dW6", "aZ9bY8cX7dW6"),
    ("blob: " + "4f" * 20, "4f" * 20),
    ("license smart register idtoken MzY0YzQ5%0AZjNk force", "MzY0YzQ5"),
])
def test_secret_forms(line, secret):
    red = Redactor("k")
    out = red.line(line)
    assert secret not in out and len(out.split()) == len(line.split())


@pytest.mark.parametrize("line", [
    "feature password encryption aes",
    "no password strength-check",
    "  key 1",
    "crypto key param rsa label mgmt modulus 2048",
    "    Failure reason: The token is invalid or has expired",
    "  Next ACK deadline: Oct 30 07:12:09 2023 UTC",
    "  Password: <empty>",
    "Name servers are 255.255.255.255",
    "  ip route 0.0.0.0/0 192.0.2.1",
    "  email-contact sch-smart-licensing@cisco.com",
    "  destination-profile CiscoTAC-1 index 1 http https://tools.cisco.com/its/service/oddce/services/DDCEService",
    "  NXOS image file is: bootflash:///nxos64-cs.10.2.5.M.bin",
    "boot nxos bootflash://sup-1/nxos.9.3.10.bin",
    "  mtx-openconfig-all-1.0.0.0-9.3.3.lib32_n9000",
    "SHA1 Fingerprint=DF:71:7E:AA:4A:D9:4E:C9:55:84:99:60:2D:48:DE:5F:BC:F0:3A:25",
    "subject= /C=BM/O=QuoVadis Limited/CN=QuoVadis Root CA 2",
    "24P_N3K_LIC_PKG               No    -   Unused             -",
])
def test_kept_lines(line):
    assert Redactor("k").line(line) == line


def test_learned_values_need_two_passes():
    """A name seen in context later in the file is replaced in an earlier line too."""
    red = Redactor("k")
    lines = ["Session notes: switch core-x17 was rebooted", "core-x17# show clock"]
    for text in lines:
        red.line(text)
    red.freeze()
    out = [red.line(text) for text in lines]
    assert "core-x17" not in " ".join(out)
    assert out[0].split()[3] == out[1].split("#")[0]


def test_user_mode_prompts_lose_their_host_name():
    """``leaf03>`` (user mode, before 'enable') is a prompt like ``leaf03#``: its host name
    is replaced, also in a capture that shows no other prompt."""
    text = "leaf03> show clock\n10:00:00.000 UTC Mon Dec 07 2026\nleaf03> show version\n"
    res = invoke("redact", "-", "--key", "k", input=text)
    assert res.exit_code == 0, res.output
    assert "leaf03" not in res.stdout and res.stdout.count("> show") == 2
