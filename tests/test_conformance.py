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
        self.problems: list[str] = []

    def eq(self, field: str, ours, theirs) -> None:
        self.count += 1
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

    def check(self, minimum: int) -> None:
        assert not self.problems, f"{self.name}: " + "; ".join(self.problems)
        assert self.count >= minimum, f"{self.name}: only {self.count} fields compared"


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
