"""Conformance with other parsers on the public corpus (read from ../shared at test time).

Each public sample goes through the real pipeline (capture -> split -> parser).
Where ntc-templates, genieparser or napalm publish what they read from the same
text, every field both sides express is compared; a field only one side
expresses is not. Nothing from the corpus is copied into the project: when the
corpus folder is absent the tests skip.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import CORPUS, corpus_files
from diag.capture import read_lines
from diag.errors import DiagError
from diag.inputs import read_sections
from diag.parsers import parse_section
from diag.split import split_lines
from diag.types import to_datetime, to_duration

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"public corpus not found at {CORPUS}")

VERSION_FILES = corpus_files("nxos__show_version__*.txt")
LICENSE_FILES = corpus_files("iosxe__show_license_status__*.txt")

PLACEHOLDERS = {"", "<none>", "<empty>", "not configured"}


def _ids(files: list[Path]) -> list[str]:
    return [f.stem for f in files]


def parse(path: Path, command: str):
    """Sections of ``command`` found in ``path`` and all their facts."""
    result = split_lines(read_lines(str(path)), str(path))
    sections = [s for s in result.sections if s.command == command]
    facts = [f for s in sections for f in parse_section(s)]
    return sections, facts


def expected_of(path: Path):
    """``(source, data)`` of the expected file beside a sample, or ``(None, None)``."""
    yml = path.with_name(path.stem + ".expected.yml")
    if yml.exists():
        return "ntc-templates", yaml.safe_load(yml.read_text(encoding="utf-8"))["parsed_sample"][0]
    js = path.with_name(path.stem + ".expected.json")
    if js.exists():
        source = "napalm" if "__napalm__" in path.name else "genieparser"
        return source, json.loads(js.read_text(encoding="utf-8"))
    return None, None


def absent(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in PLACEHOLDERS)


class Compare:
    """Collects every comparison and every mismatch, so a failure lists them all."""

    def __init__(self, name: str):
        self.name = name
        self.count = 0
        self.present = 0  # comparisons where the other side has a value (not both absent)
        self.problems: list[str] = []

    def eq(self, field: str, ours, theirs) -> None:
        self.count += 1
        if not absent(theirs):
            self.present += 1
        if absent(theirs):
            if not absent(ours):
                self.problems.append(f"{field}: ours {ours!r}, theirs absent ({theirs!r})")
            return
        if ours != theirs:
            self.problems.append(f"{field}: ours {ours!r} != theirs {theirs!r}")

    def date(self, field: str, ours, theirs) -> None:
        """A date both print: theirs is text, converted here with the same converter."""
        self.count += 1
        if absent(theirs):
            if ours is not None:
                self.problems.append(f"{field}: ours {ours!r}, theirs absent ({theirs!r})")
            return
        want = to_datetime(theirs)
        if want is None or ours != want:
            self.problems.append(f"{field}: ours {ours!r} != theirs {theirs!r} ({want!r})")

    def check(self, minimum: int, present: int = 0) -> None:
        assert not self.problems, f"{self.name}: " + "; ".join(self.problems)
        assert self.count >= minimum, f"{self.name}: only {self.count} fields compared"
        assert self.present >= present, f"{self.name}: only {self.present} fields compared with a value"


def no_unparsed(facts, path: Path) -> None:
    unread = [(f.line, f.get("first")) for f in facts if f.kind == "capture.unparsed"]
    assert not unread, f"{path.name}: unparsed lines {unread}"


# -- show version -------------------------------------------------------------------


def test_version_corpus_present():
    assert VERSION_FILES, "no nxos__show_version__*.txt in the corpus"


@pytest.mark.parametrize("path", VERSION_FILES, ids=_ids(VERSION_FILES))
def test_show_version(path: Path):
    sections, facts = parse(path, "show version")
    assert sections, f"{path.name}: no show version section recognised"
    no_unparsed(facts, path)
    versions = [f for f in facts if f.kind == "version" and f.get("release") is not None]
    assert len(versions) == 1, f"{path.name}: {len(versions)} version facts with a release"
    v = versions[0]
    # the line numbers point at the text each value came from
    for field, shown in (("release", "release_text"), ("chassis", "chassis"), ("device_name", "device_name"),
                         ("serial", "serial")):
        if v.get(shown) is not None:
            assert str(v.get(shown)) in v.text_at(v.line_of(field)), (field, v.line_of(field))

    source, exp = expected_of(path)
    if source is None:
        return  # still must parse to a release (asserted above)
    cmp = Compare(f"{path.name} vs {source}")
    uptime = to_duration(v.get("uptime"))
    if source == "ntc-templates":
        kind = v.get("release_kind")
        cmp.eq("os", v.get("release_text") + (f" [{kind}]" if kind else ""), exp["os"])
        assert str(exp["os"]).startswith(str(v.get("release")))
        cmp.eq("platform", v.get("platform"), exp["platform"])
        cmp.eq("hostname", v.get("device_name"), exp["hostname"])
        cmp.eq("serial", v.get("serial"), exp["serial"])
        cmp.eq("bios", v.get("bios"), exp["bios"])
        cmp.eq("uptime", v.get("uptime"), exp["uptime"])
        cmp.eq("last_reboot_reason", v.get("reset_reason"), exp["last_reboot_reason"])
        # ntc's boot_image is the kickstart image where there is one, else the NXOS image
        cmp.eq("boot_image", v.get("kickstart_image") or v.get("image"), exp["boot_image"])
        cmp.check(8)
    elif source == "genieparser":
        plat = exp["platform"]
        sw, hw = plat["software"], plat["hardware"]
        cmp.eq("software.system_version", v.get("release_text"), sw.get("system_version"))
        if "kickstart_version" in sw:
            cmp.eq("software.kickstart_version", str(v.get("kickstart")), sw["kickstart_version"])
        cmp.eq("software.bios_version", v.get("bios"), sw.get("bios_version"))
        cmp.eq("software.system_image_file", v.get("image"), sw.get("system_image_file"))
        cmp.eq("software.kickstart_image_file", v.get("kickstart_image"), sw.get("kickstart_image_file"))
        cmp.eq("hardware.chassis", v.get("chassis"), hw.get("chassis"))
        cmp.eq("hardware.device_name", v.get("device_name"), hw.get("device_name"))
        cmp.eq("hardware.processor_board_id", v.get("serial"), hw.get("processor_board_id"))
        cmp.eq("reason", v.get("reset_reason"), plat.get("reason"))
        ku = plat.get("kernel_uptime")
        if ku is not None:
            cmp.eq("kernel_uptime", uptime.total_seconds() if uptime else None,
                   ku["days"] * 86400 + ku["hours"] * 3600 + ku["minutes"] * 60 + ku["seconds"])
        cmp.check(9)
    else:  # napalm get_facts(): an aggregate of several commands; compare what show version gives
        cmp.eq("os_version", v.get("release_text"), exp["os_version"])
        cmp.eq("hostname", v.get("device_name"), exp["hostname"])
        cmp.eq("serial_number", v.get("serial"), exp["serial_number"])
        cmp.eq("uptime", int(uptime.total_seconds()) if uptime else None, exp["uptime"])
        cmp.count += 1
        if not str(exp["model"]).startswith(str(v.get("chassis"))):
            cmp.problems.append(f"model: {exp['model']!r} does not start with our chassis {v.get('chassis')!r}")
        cmp.check(5)


# -- show license status ------------------------------------------------------------


def test_license_corpus_present():
    assert LICENSE_FILES, "no iosxe__show_license_status__*.txt in the corpus"


def _one(facts, kind: str):
    found = [f for f in facts if f.kind == kind]
    assert len(found) <= 1, f"{len(found)} {kind} facts"
    return found[0] if found else None


def _get(fact, field: str):
    return None if fact is None else fact.get(field)


_AS_OF = re.compile(r"\s+As of .*$")  # "<account> As of <date>": we keep the account name


@pytest.mark.parametrize("path", LICENSE_FILES, ids=_ids(LICENSE_FILES))
def test_show_license_status(path: Path):
    sections, facts = parse(path, "show license status")
    assert sections, f"{path.name}: no show license status section recognised"
    no_unparsed(facts, path)
    smart = _one(facts, "license.smart")
    slp = _one(facts, "license.slp")
    reg = _one(facts, "license.registration")
    auth = _one(facts, "license.authorization")
    transport = _one(facts, "license.transport")
    usage = _one(facts, "license.usage_reporting")
    policy = _one(facts, "license.policy")
    assert smart or slp, f"{path.name}: neither 'Smart Licensing is' nor the SLP status was read"

    source, exp = expected_of(path)
    if source is None:
        return
    cmp = Compare(f"{path.name} vs {source}")
    if source == "ntc-templates":
        # ntc's sl_enabled is the classic header, or the SLP status where there is no header
        enabled = _get(smart, "enabled") if smart is not None else _get(slp, "enabled")
        cmp.eq("sl_enabled", {True: "ENABLED", False: "DISABLED"}.get(enabled), exp["sl_enabled"])
        cmp.eq("reg_status", _get(reg, "status"), exp["reg_status"])
        cmp.eq("license_auth", _get(auth, "status"), exp["license_auth"])
        cmp.eq("smart_acct", _get(reg, "smart_account"), exp["smart_acct"])
        cmp.eq("virt_acct", _get(reg, "virtual_account"), exp["virt_acct"])
        cmp.eq("transport_type", _get(transport, "type"), exp["transport_type"])
        cmp.eq("url", _get(transport, "url"), exp["url"])
        cmp.eq("proxy_address", _get(transport, "proxy"), exp["proxy_address"])
        port = _get(transport, "proxy_port")
        cmp.eq("proxy_port", None if port is None else str(port), exp["proxy_port"])
        cmp.eq("vrf", _get(transport, "vrf"), exp["vrf"])
        cmp.eq("rpt_push_interval", _get(usage, "push_interval"), exp["rpt_push_interval"])
        cmp.eq("last_ack_received (as printed)", _get(usage, "last_ack_text"), exp["last_ack_received"])
        cmp.date("last_ack_received", _get(usage, "last_ack"), exp["last_ack_received"])
        cmp.date("next_ack_deadline", _get(usage, "next_ack_deadline"), exp["next_ack_deadline"])
        cmp.date("next_ack_push_check", _get(usage, "next_ack_check"), exp["next_ack_push_check"])
        cmp.date("next_rpt_push", _get(usage, "next_push"), exp["next_rpt_push"])
        cmp.date("last_rpt_push", _get(usage, "last_push"), exp["last_rpt_push"])
        cmp.date("last_rpt_file_write", _get(usage, "last_file_write"), exp["last_rpt_file_write"])
        cmp.check(18)
        return

    # genieparser: nested blocks, present only when the output has them
    if "utility" in exp:
        cmp.eq("utility.status", _get(_one(facts, "license.utility"), "status"), exp["utility"]["status"])
    if "smart_licensing_using_policy" in exp:
        status = exp["smart_licensing_using_policy"]["status"]
        cmp.eq("smart_licensing_using_policy.status",
               {True: "ENABLED", False: "DISABLED"}.get(_get(slp, "enabled")), status)
    if "account_information" in exp:
        acc = exp["account_information"]
        cmp.eq("account_information.smart_account", _get(reg, "smart_account"),
               _AS_OF.sub("", acc.get("smart_account", "")))
        cmp.eq("account_information.virtual_account", _get(reg, "virtual_account"), acc.get("virtual_account"))
    if "transport" in exp:
        tr = exp["transport"]
        cmp.eq("transport.type", _get(transport, "type"), tr.get("type"))
        for ours, theirs in (("url", "url"), ("cslu", "cslu_address"), ("proxy", "proxy"), ("vrf", "vrf")):
            if theirs in tr:
                cmp.eq(f"transport.{theirs}", _get(transport, ours), tr[theirs])
    if "policy" in exp:
        pol = exp["policy"]
        cmp.eq("policy.policy_in_use", _get(policy, "in_use"), pol.get("policy_in_use"))
        cmp.eq("policy.policy_name", _get(policy, "name"), pol.get("policy_name"))
        cmp.eq("policy.reporting_ack_required", _get(policy, "ack_required"), pol.get("reporting_ack_required"))
    if "miscellaneous" in exp:
        cmp.eq("miscellaneous.custom_id", _get(_one(facts, "license.misc"), "custom_id"),
               exp["miscellaneous"].get("custom_id"))
    if "usage_reporting" in exp:
        ur = exp["usage_reporting"]
        for ours, theirs in (("last_ack", "last_ack_received"), ("next_ack_deadline", "next_ack_deadline"),
                             ("next_ack_check", "next_ack_push_check"), ("next_push", "next_report_push"),
                             ("last_push", "last_report_push"), ("last_file_write", "last_report_file_write")):
            cmp.date(f"usage_reporting.{theirs}", _get(usage, ours), ur.get(theirs))
        cmp.eq("usage_reporting.reporting_push_interval", _get(usage, "push_interval"),
               ur.get("reporting_push_interval"))
    if "trust_code_installed" in exp:
        theirs = [re.sub(r"^INSTALLED on\s+", "", v["info"]) for v in exp["trust_code_installed"].values()]
        cmp.eq("trust_code_installed", _get(_one(facts, "license.trust_code"), "installed"), theirs)
    # Not compared: genieparser's data_privacy (diag reads the block but keeps no fact of it) and the
    # IOS "Load for five secs"/"Time source is" header of sample 1 (the output is pasted without a
    # prompt, so its section starts at the first line only this output starts with, "Utility:").
    cmp.check(4)


# -- callhome configuration snippets -----------------------------------------------

CONFIG_FILES = corpus_files("nxos__config_callhome__*.txt")


@pytest.mark.parametrize("path", CONFIG_FILES, ids=_ids(CONFIG_FILES))
def test_callhome_config_snippets(path: Path):
    """Configuration snippets pasted without a prompt: recognised, every callhome line read."""
    sections, facts = parse(path, "show running-config")
    assert sections, f"{path.name}: not recognised as configuration"
    assert all("show running-config callhome" in s.coverage or "show running-config" in s.coverage
               for s in sections)
    no_unparsed(facts, path)
    blocks = [f for f in facts if f.kind == "callhome.block"]
    assert len(blocks) == 1 and blocks[0].get("enabled") is True
    dests = [f for f in facts if f.kind == "callhome.destination"]
    assert dests, f"{path.name}: no destination URL read"
    for dest in dests:
        assert dest.get("profile") == "CiscoTAC-1"
        assert dest.get("url") in dest.text_at(dest.line_of("url"))
        assert dest.get("scheme") in ("http", "https") and dest.get("host")
    methods = [f for f in facts if f.kind == "callhome.method"]
    assert [(m.get("profile"), m.get("method")) for m in methods] == [("CiscoTAC-1", "http")]


# -- every NX-OS sample of a supported command --------------------------------------

NXOS_FILES = [p for p in corpus_files("nxos__*.txt") if ".expected." not in p.name]
# The command each NX-OS sample holds (from its file name), and the section diag must find
# in it; None: diag must read nothing from it (an unsupported or structured output, or log
# lines without a %FACILITY-n-MNEMONIC).
NXOS_COMMANDS = {
    "show_hosts": "show hosts",
    "show_license_usage": "show license usage",
    "show_license_host-id": "show license host-id",
    "show_license_host-id_json": None,  # | json-pretty: structured output is not read
    "show_license": None,  # the license file listing: no parser
    "show_callhome": "show callhome",
    "show_callhome_destination-profile": "show callhome destination-profile",
    "show_version": "show version",
    "show_running-config": "show running-config",
    "config_callhome": "show running-config",
    "ping": "ping",
    "syslog_licmgr": "show logging",
    "syslog_license": None,  # wrapped warnings without a mnemonic: not syslog events diag reads
}


def _key(path: Path) -> str:
    return path.name.split("__")[1]


def test_nxos_corpus_present():
    keys = {_key(p) for p in NXOS_FILES}
    for key in ("show_hosts", "show_license_usage", "show_license_host-id", "show_callhome",
                "show_callhome_destination-profile", "ping", "config_callhome", "syslog_licmgr"):
        assert key in keys, f"no nxos__{key}__*.txt in the corpus"


@pytest.mark.parametrize("path", NXOS_FILES, ids=_ids(NXOS_FILES))
def test_nxos_sample_reads_without_unparsed_lines(path: Path):
    """Every NX-OS sample goes through the pipeline: the command it holds is recognised
    (by prompt or by content) and every line of every section diag reads is understood."""
    result = split_lines(read_lines(str(path)), str(path))
    facts = [f for s in result.sections for f in parse_section(s)]
    no_unparsed(facts, path)
    key = _key(path)
    if key not in NXOS_COMMANDS:
        return  # a sample of a new kind: it must still read cleanly (asserted above)
    command = NXOS_COMMANDS[key]
    commands = {s.command for s in result.sections}
    if command is None:
        assert not [f for f in facts if f.kind != "capture.unparsed"], f"{path.name}: facts read from {commands}"
        return
    assert command in commands, f"{path.name}: no {command} section (found {sorted(commands)})"
    own = [f for s in result.sections if s.command == command for f in parse_section(s)]
    assert own, f"{path.name}: the {command} section gave no fact"


# -- show hosts vs napalm get_facts ---------------------------------------------------

HOSTS_FILES = corpus_files("nxos__show_hosts__*.txt")


@pytest.mark.parametrize("path", HOSTS_FILES, ids=_ids(HOSTS_FILES))
def test_show_hosts(path: Path):
    """napalm's get_facts() builds ``fqdn`` as ``<hostname>.<default domain of show hosts>``
    (an empty string when show hosts names no domain): the domain part is what show hosts
    expresses, so it is compared with diag's default domain of the default VRF."""
    sections, facts = parse(path, "show hosts")
    assert len(sections) == 1, f"{path.name}: {len(sections)} show hosts sections"
    no_unparsed(facts, path)
    lookups = [f for f in facts if f.kind == "dns.lookup"]
    assert len(lookups) == 1 and isinstance(lookups[0].get("enabled"), bool)
    assert lookups[0].text_at(lookups[0].line_of("enabled")).startswith(
        "DNS lookup " + ("enabled" if lookups[0].get("enabled") else "disabled"))
    listed = [f for f in facts if f.kind == "dns.name_servers"]
    assert listed, f"{path.name}: the 'Name servers are' line was not read"
    for fact in listed:
        text = fact.text_at(fact.line)
        printed = text.split(" are ", 1)[1].split()
        assert fact.get("configured") is (printed != ["255.255.255.255"])
        servers = [f.get("server") for f in facts if f.kind == "dns.name_server" and f.line == fact.line]
        assert servers == [a for a in printed if a != "255.255.255.255"]

    source, exp = expected_of(path)
    assert source == "napalm"
    cmp = Compare(f"{path.name} vs napalm")
    hostname, fqdn = exp["hostname"], exp["fqdn"]
    if fqdn:
        assert fqdn.startswith(hostname + "."), f"{path.name}: fqdn {fqdn!r} is not <hostname>.<domain>"
        theirs = fqdn[len(hostname) + 1:]
    else:
        theirs = None
    domains = [f.get("domain") for f in facts if f.kind == "dns.domain" and f.get("vrf") == "default"]
    assert len(domains) <= 1
    cmp.eq("fqdn (domain part)", domains[0] if domains else None, theirs)
    cmp.check(1)


def test_show_hosts_comparisons_are_not_vacuous():
    if not HOSTS_FILES:
        pytest.skip("no show hosts samples")
    with_domain = 0
    for path in HOSTS_FILES:
        _, exp = expected_of(path)
        _, facts = parse(path, "show hosts")
        if exp["fqdn"]:
            with_domain += 1
            assert any(f.kind == "dns.domain" for f in facts), path.name
    assert with_domain >= 3, f"only {with_domain} samples with a domain to compare"


# -- show license usage vs ntc-templates ---------------------------------------------

USAGE_FILES = corpus_files("nxos__show_license_usage__*.txt")


def _ntc_rows(path: Path) -> list[dict] | None:
    yml = path.with_name(path.stem + ".expected.yml")
    if not yml.exists():
        return None
    return yaml.safe_load(yml.read_text(encoding="utf-8"))["parsed_sample"]


def _dash(value):
    """ntc keeps '-' (nothing) and '' as printed; diag reads both as absent."""
    return None if value in ("-", "") else value


@pytest.mark.parametrize("path", USAGE_FILES, ids=_ids(USAGE_FILES))
def test_show_license_usage(path: Path):
    sections, facts = parse(path, "show license usage")
    assert sections, f"{path.name}: no show license usage section recognised"
    no_unparsed(facts, path)
    licenses = [f for f in facts if f.kind == "license.usage"]
    assert licenses, f"{path.name}: no license read"
    for lic in licenses:  # each name points at the line that prints it
        assert str(lic.get("name")) in lic.text_at(lic.line_of("name"))
    rows = _ntc_rows(path)
    if rows is None:
        return
    cmp = Compare(f"{path.name} vs ntc-templates")
    assert [r["feature"] for r in rows] == [lic.get("name") for lic in licenses]
    for row, lic in zip(rows, licenses):
        tag = row["feature"]
        cmp.eq(f"{tag}.feature", lic.get("name"), row["feature"])
        installed = lic.get("installed")
        cmp.eq(f"{tag}.installed", None if installed is None else ("Yes" if installed else "No"),
               _dash(row["installed"]))
        count = lic.get("count")
        cmp.eq(f"{tag}.license_count", None if count is None else str(count), _dash(row["license_count"]))
        theirs = _dash(row["status"])
        cmp.eq(f"{tag}.status", lic.get("status"), None if theirs is None else " ".join(theirs.upper().split()))
        cmp.eq(f"{tag}.expiry_date", lic.get("expiry_text"), _dash(row["expiry_date"]))
        # ntc's 'comments' is the Comments column of the table and the Description of a block
        ours = lic.get("comments") if lic.get("form") == "table" else lic.get("description")
        cmp.eq(f"{tag}.comments", ours, _dash(row["comments"]))
    cmp.check(6 * len(rows), present=3 * len(rows))


def test_license_usage_grace_comments_give_days_left():
    rows = [r for p in USAGE_FILES for r in (_ntc_rows(p) or []) if str(r["comments"]).startswith("Grace")]
    if not rows:
        pytest.skip("no grace-period sample")
    for path in USAGE_FILES:
        _, facts = parse(path, "show license usage")
        for lic in facts:
            m = re.match(r"Grace (\d+)D (\d+)H", str(lic.get("comments") or ""))
            if lic.kind == "license.usage" and m:
                assert lic.get("grace_days") == int(m.group(1))
                assert to_duration(f"{m.group(1)} days {m.group(2)} hours") == lic.get("grace_remaining")


# -- ping vs genieparser / napalm ---------------------------------------------------

PING_FILES = corpus_files("nxos__ping__*.txt")


@pytest.mark.parametrize("path", PING_FILES, ids=_ids(PING_FILES))
def test_ping(path: Path):
    sections, facts = parse(path, "ping")
    assert len(sections) == 1, f"{path.name}: {len(sections)} ping sections"
    no_unparsed(facts, path)
    pings = [f for f in facts if f.kind == "probe.ping"]
    assert len(pings) == 1
    ping = pings[0]
    source, exp = expected_of(path)
    cmp = Compare(f"{path.name} vs {source}")
    sent, received = ping.get("sent"), ping.get("received")
    loss = float(ping.get("loss")) if ping.get("loss") is not None else None
    if source == "genieparser":
        p = exp["ping"]
        stats = p["statistics"]
        cmp.eq("address (target)", ping.get("target"), p["address"])
        cmp.eq("ip (target_ip)", ping.get("target_ip"), p["ip"])
        cmp.eq("statistics.send", sent, stats["send"])
        cmp.eq("statistics.received", received, stats["received"])
        cmp.eq("statistics.success_rate_percent (100 - loss)", None if loss is None else 100.0 - loss,
               stats["success_rate_percent"])
        cmp.eq("repeat (sent)", sent, p["repeat"])
        cmp.check(6, present=6)
    else:  # napalm ping(): probes sent, packet_loss as a count of lost probes, one result per reply
        ok = exp["success"]
        cmp.eq("probes_sent", sent, ok["probes_sent"])
        cmp.eq("packet_loss", None if sent is None or received is None else sent - received, ok["packet_loss"])
        cmp.eq("len(results) (received)", received, len(ok["results"]))
        for i, res in enumerate(ok["results"]):
            cmp.eq(f"results[{i}].ip_address (target_ip)", ping.get("target_ip"), res["ip_address"])
        cmp.eq("loss percentage", loss, 100.0 * ok["packet_loss"] / ok["probes_sent"])
        cmp.check(5, present=4)


# -- show license all / summary (IOS XE siblings of the NX-OS outputs) ----------------

ALL_FILES = corpus_files("iosxe__show_license_all__*.txt")
SUMMARY_FILES = corpus_files("iosxe__show_license_summary__*.txt")


@pytest.mark.parametrize("path", ALL_FILES, ids=_ids(ALL_FILES))
def test_show_license_all_is_also_show_license_status(path: Path):
    """The shared Smart Agent prints show license all the same way on IOS XE: its status part
    gives the show license status facts, and the section covers show license status."""
    sections, facts = parse(path, "show license all")
    assert len(sections) == 1
    no_unparsed(facts, path)
    assert "show license status" in sections[0].coverage
    reg, auth = _one(facts, "license.registration"), _one(facts, "license.authorization")
    product = _one(facts, "license.product")
    source, exp = expected_of(path)
    cmp = Compare(f"{path.name} vs {source}")
    status = exp["smart_licensing_status"]
    cmp.eq("account_information.smart_account", _get(reg, "smart_account"),
           status.get("account_information", {}).get("smart_account"))
    cmp.eq("account_information.virtual_account", _get(reg, "virtual_account"),
           status.get("account_information", {}).get("virtual_account"))
    cmp.eq("utility.status", _get(_one(facts, "license.utility"), "status"), status.get("utility", {}).get("status"))
    cmp.eq("transport.type", _get(_one(facts, "license.transport"), "type"), status.get("transport", {}).get("type"))
    cmp.eq("product_information.udi.pid", _get(product, "pid"), exp["product_information"]["udi"]["pid"])
    cmp.eq("product_information.udi.sn", _get(product, "serial"), exp["product_information"]["udi"]["sn"])
    cmp.eq("agent_version.smart_agent_for_licensing", _get(product, "agent_version"),
           exp["agent_version"]["smart_agent_for_licensing"])
    cmp.check(7, present=7)
    assert reg is not None and auth is not None


TECH_SUPPORT_FILES = corpus_files("iosxe__show_license_tech_support__*.txt")


@pytest.mark.parametrize("path", TECH_SUPPORT_FILES, ids=_ids(TECH_SUPPORT_FILES))
def test_show_license_tech_support_is_read_like_show_license_all(path: Path):
    """The Smart Agent's tech-support (IOS XE's 'show license tech support' here): recognised by
    its header, its show license all blocks read with their parsers (every line understood),
    the agent's own blocks after them accepted; it covers show license status."""
    sections, facts = parse(path, "show license tech-support")
    assert len(sections) == 1
    # every line is understood but a few of IOS XE's own license usage blocks (Handle:,
    # Measurements:), which NX-OS does not print: the header and the agent's blocks are read
    lines = path.read_text(encoding="utf-8").splitlines()
    usage = (lines.index("License Usage") + 1, lines.index("Product Information") + 1)
    unread = [(f.line, f.get("first")) for f in facts if f.kind == "capture.unparsed"]
    assert all(usage[0] < line < usage[1] for line, _ in unread), unread
    assert "show license status" in sections[0].coverage
    source, exp = expected_of(path)
    status = exp["smart_licensing_status"]
    product = _one(facts, "license.product")
    cmp = Compare(f"{path.name} vs {source}")
    cmp.eq("utility.status", _get(_one(facts, "license.utility"), "status"), status["utility"]["status"])
    cmp.eq("transport.type", _get(_one(facts, "license.transport"), "type"), status["transport"]["type"])
    cmp.eq("transport.url", str(_get(_one(facts, "license.transport"), "url")), status["transport"]["url"])
    cmp.eq("policy.policy_name", _get(_one(facts, "license.policy"), "name"), status["policy"]["policy_name"])
    cmp.date("usage_reporting.next_ack_deadline", _get(_one(facts, "license.usage_reporting"), "next_ack_deadline"),
             status["usage_reporting"]["next_ack_deadline"])
    cmp.eq("product_information.udi.pid", _get(product, "pid"), exp["product_information"]["udi"]["pid"])
    cmp.eq("product_information.udi.sn", _get(product, "serial"), exp["product_information"]["udi"]["sn"])
    cmp.eq("agent_version.smart_agent_for_licensing", _get(product, "agent_version"),
           exp["agent_version"]["smart_agent_for_licensing"])
    cmp.check(8, present=7)  # (a date compared counts no "present")


@pytest.mark.parametrize("path", SUMMARY_FILES, ids=_ids(SUMMARY_FILES))
def test_show_license_summary(path: Path):
    sections, facts = parse(path, "show license summary")
    assert len(sections) == 1, f"{path.name}: {[s.command for s in sections]}"
    no_unparsed(facts, path)
    usage = [f for f in facts if f.kind == "license.usage"]
    assert usage and all(f.get("form") == "summary" and f.get("count") for f in usage)
    source, exp = expected_of(path)
    if source is None:
        return
    cmp = Compare(f"{path.name} vs {source}")
    theirs = list(exp["license_usage"].values())
    assert len(theirs) == len(usage)
    for row, lic in zip(theirs, usage):
        cmp.eq(f"{row['entitlement']}.entitlement", lic.get("name"), row["entitlement"])
        cmp.eq(f"{row['entitlement']}.license", lic.get("license"), row["license"])
        cmp.eq(f"{row['entitlement']}.count", str(lic.get("count")), row["count"])
        cmp.eq(f"{row['entitlement']}.status", lic.get("status"), row["status"])
    cmp.check(4 * len(theirs), present=4 * len(theirs))


# -- rules on the IOS XE license samples: no platform verdict, no classic verdict on SLP --------

PLATFORM_RULES = {"platform-unsupported", "release-too-old"}
_SLP_BLOCK = re.compile(r"^Smart Licensing Using Policy:\s*\n\s*Status:\s*ENABLED\b", re.M)


def _is_slp(path: Path) -> bool:
    return bool(_SLP_BLOCK.search(path.read_text(encoding="utf-8", errors="replace")))


def _report(path: Path, rulebook):
    """The report on an IOS XE sample; None when it shows a line only IOS XE prints, and is
    refused as another platform's capture (test_other_platform_samples_are_not_nxos)."""
    from conftest import SYSTEM_NOW
    from diag.api import Options, analyze

    try:
        return analyze([str(path)], Options(system_now=SYSTEM_NOW), rules=rulebook)
    except DiagError as exc:
        assert "not Cisco NX-OS" in str(exc), f"{path.name}: {exc}"
        return None


def _shows_platform(path: Path) -> bool:
    info, _ = read_sections(str(path))
    return info.foreign is not None


@pytest.mark.parametrize("path", LICENSE_FILES, ids=_ids(LICENSE_FILES))
def test_platform_rules_never_fire_on_iosxe_license_samples(path: Path, rulebook):
    """An IOS XE capture holds no NX-OS show version: its platform is unknown, and neither
    platform-unsupported nor release-too-old may conclude anything about it."""
    assert PLATFORM_RULES <= {r.id for r in rulebook.rules}
    report = _report(path, rulebook)
    if report is None:
        return  # refused: no rule judged it
    assert all(d.platform is None for d in report.devices), [d.platform for d in report.devices]
    fired = [f.rule_id for f in report.findings if f.rule_id in PLATFORM_RULES]
    assert not fired, f"{path.name}: {fired}"


def test_iosxe_license_samples_include_both_modes():
    slp = [p for p in LICENSE_FILES if _is_slp(p)]
    assert len(slp) >= 3 and len(LICENSE_FILES) - len(slp) >= 2, [p.name for p in slp]
    # the samples judged as NX-OS Smart Agent text (no line shows their platform) hold both too
    judged = [p for p in LICENSE_FILES if not _shows_platform(p)]
    slp = [p for p in judged if _is_slp(p)]
    assert len(slp) >= 2 and len(judged) - len(slp) >= 2, [p.name for p in judged]


@pytest.mark.parametrize("path", LICENSE_FILES, ids=_ids(LICENSE_FILES))
def test_classic_and_slp_rules_keep_to_their_mode_on_iosxe_samples(path: Path, rulebook):
    """The IOS XE Smart Agent prints the same blocks as NX-OS: an SLP sample is settled as SLP
    and no classic-state rule fires on it; a classic sample gets no SLP-only rule."""
    report = _report(path, rulebook)
    if report is None:
        return  # refused: no rule judged it
    [device] = report.devices
    by_id = {r.id: r for r in rulebook.rules}
    fired = {f.rule_id for f in report.findings}
    if _is_slp(path):
        assert device.mode == "slp", f"{path.name}: settled as {device.mode}"
        classic = {i for i in fired if by_id[i].area == "classic" or tuple(by_id[i].modes) == ("classic",)}
        assert not classic, f"{path.name}: classic rules fired on an SLP sample: {sorted(classic)}"
    else:
        assert device.mode == "classic", f"{path.name}: settled as {device.mode}"
        slp_only = {i for i in fired if tuple(by_id[i].modes) == ("slp",)}
        assert not slp_only, f"{path.name}: SLP rules fired on a classic sample: {sorted(slp_only)}"


# -- other platforms: the IOS XE and IOS XR samples are not NX-OS, the NX-OS ones are ----------

OTHER_FILES = [p for p in corpus_files("ios*__*.txt") if ".expected." not in p.name]
# IOS XE samples that hold nothing but Smart Agent text, which a Nexus prints alike block for
# block (tests/parsers/show_license_status holds NX-OS ones): no line in them proves the
# platform, and a rule that called them foreign would call a Nexus's same output foreign and
# hide its findings. They are judged as NX-OS output, as diag judges any Smart Agent text;
# those typed at an IOS-style prompt ('csr1#sh ...', no space after '#') get the low-confidence
# note capture-platform-unsure at the prompt's line, the others nothing (they cannot be told).
SMART_AGENT_ONLY = {
    "iosxe__show_license_status__genieparser__2": 1,  # classic status; prompt 'c1000v-5#show'
    "iosxe__show_license_status__ntc-templates__1": None,  # classic status, no prompt
    "iosxe__show_license_status__ntc-templates__2": None,  # SLP status, transport off
    "iosxe__show_license_status__ntc-templates__3": None,  # SLP status, smart transport
    "iosxe__show_license_status__ntc-templates__4": None,  # SLP status, proxy
    "iosxe__show_license_status__xaviervalette__1": 1,  # classic status; prompt 'csr1#sh'
    "iosxe__show_license_status__xaviervalette__2": 1,  # classic status; prompt 'csr1#sh'
}
# Message bodies quoted without a time stamp or a host: nothing diag reads (exit 2).
NOTHING_READ = {"iosxe__syslog_smart_lic__cznolan-blog__1"}
# FXOS (the Firepower chassis supervisor) is built on NX-OS and logs in NX-OS's own format
# ('2021 Jan 29 06:40:54 %$ VDC-1 %$ %USER-2-...'): its log lines are read as NX-OS log lines.
# An FXOS show version (its own banner) is a marker (diag.platforms): its configuration and
# commands are not NX-OS's.
NXOS_LIKE = corpus_files("fxos__*.txt")


def _check(paths: list[Path], rulebook):
    from conftest import SYSTEM_NOW
    from diag.api import Options, analyze

    return analyze([str(p) for p in paths], Options(system_now=SYSTEM_NOW), rules=rulebook)


def test_other_platform_corpus_present():
    names = {p.stem for p in OTHER_FILES}
    assert set(SMART_AGENT_ONLY) | NOTHING_READ <= names, sorted(set(SMART_AGENT_ONLY) | NOTHING_READ - names)
    assert any(p.name.startswith("iosxr__") for p in OTHER_FILES)


@pytest.mark.parametrize("path", OTHER_FILES, ids=_ids(OTHER_FILES))
def test_other_platform_samples_are_not_nxos(path: Path, rulebook):
    """Alone, an IOS XE or IOS XR sample is refused with one line that names its platform and
    the line that shows it (exit 2); nothing NX-OS is left to judge."""
    if path.stem in SMART_AGENT_ONLY:
        report = _check([path], rulebook)
        assert not [f for f in report.findings if f.rule_id == "capture-not-nxos"]
        unsure = [f.line for f in report.findings if f.rule_id == "capture-platform-unsure"]
        line = SMART_AGENT_ONLY[path.stem]
        assert unsure == ([line] if line else []), (path.name, unsure)
        return
    with pytest.raises(DiagError) as exc:
        _check([path], rulebook)
    message = str(exc.value)
    assert "\n" not in message and str(path) in message
    if path.stem in NOTHING_READ:
        assert "no Smart Licensing or Call Home output recognised" in message
        return
    platform = "IOS XR" if path.name.startswith("iosxr__") else "IOS XE"
    assert f"looks like Cisco {platform} output (line " in message, message
    assert message.endswith("not Cisco NX-OS; diag reads Cisco NX-OS captures")
    # the line quoted is the line named
    line = int(re.search(r"\(line (\d+): ", message).group(1))
    quoted = re.search(r': "(.*?)(?:\.\.\.)?", ', message).group(1)
    text = dict(read_lines(str(path)))[line]
    assert text.strip().startswith(quoted), (line, text, quoted)


def test_other_platform_samples_beside_a_nexus_are_info_findings(rulebook):
    """Run with an NX-OS capture, each other platform's sample is a device of its own with one
    info finding, capture-not-nxos, at the line that shows the platform, and nothing else: no
    NX-OS rule, no unparsed output, nothing to collect. The Nexus is judged as before."""
    nexus = CORPUS / "nxos__show_version__napalm__1.txt"
    others = [p for p in OTHER_FILES if p.stem not in set(SMART_AGENT_ONLY) | NOTHING_READ]
    alone = _check([nexus], rulebook)
    report = _check([nexus, *others], rulebook)
    by_path: dict[str, list] = {}
    for f in report.findings:
        by_path.setdefault(f.path, []).append(f)
    for path in others:
        found = by_path.get(str(path), [])
        assert [f.rule_id for f in found] == ["capture-not-nxos"], (path.name, [f.rule_id for f in found])
        finding = found[0]
        assert finding.severity == "info" and finding.confidence == "high"
        assert finding.evidence[0].line == finding.line
        assert finding.evidence[0].text == dict(read_lines(str(path)))[finding.line].strip()
        assert "not Cisco NX-OS" in finding.message and "no NX-OS rule judged this device" in finding.message
        device = next(d for d in report.devices if str(path) in d.inputs)
        assert device.platform.endswith("not NX-OS") and device.release is None
        assert not [c for c in report.outcome.collect_next if c.device == device.name]
        assert not [n for n in report.outcome.not_evaluated if n.device == device.name]
    assert [(f.rule_id, f.line) for f in by_path[str(nexus)]] == [(f.rule_id, f.line) for f in alone.findings]


NXOS_SAMPLES = [p for p in corpus_files("nxos__*.txt") if ".expected." not in p.name]


@pytest.mark.parametrize("path", NXOS_SAMPLES + NXOS_LIKE, ids=_ids(NXOS_SAMPLES + NXOS_LIKE))
def test_nxos_samples_are_not_other_platforms(path: Path, rulebook):
    """No NX-OS sample (nor the FXOS log, in NX-OS's format) shows a line only another
    platform prints: none is refused or reported as another platform."""
    assert not _shows_platform(path)
    try:
        report = _check([path], rulebook)
    except DiagError as exc:  # a sample of nothing diag reads (the license file listing, json)
        assert "not Cisco NX-OS" not in str(exc)
        return
    assert not [f for f in report.findings if f.rule_id == "capture-not-nxos"]
    assert all(d.platform is None or "not NX-OS" not in d.platform for d in report.devices)
