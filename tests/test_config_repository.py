"""A configuration repository as automation teams keep one: whole running-configs of lab
switches on traditional licensing, switches on Smart Licensing done right and done wrong,
an e-mail-only Call Home block, dated backups of one switch, two sites that both have a
leaf01, a capture cut short at the pager. Each planted problem is found on its line, and
nothing else is reported; the README's baseline recipe then lets the hook pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from diag.cli import cli

HTTPS = "https://tools.cisco.com/its/service/oddce/services/DDCEService"
HTTP = HTTPS.replace("https://", "http://")


def config(host: str, release: str = "9.3(8)", when: str = "Mon Nov 30 10:12:44 2026", body: str = "",
           callhome: str = "", smart: bool = False, source: str = "", extra: str = "") -> str:
    """A whole running-config as a Nexus 9000 prints it, with the parts a test plants."""
    lines = [
        "", "!Command: show running-config", f"!Time: {when}", "",
        f"version {release} Bios:version 05.45", f"hostname {host}", "vdc {0} id 1".format(host),
        "  limit-resource vlan minimum 16 maximum 4094", "",
        "feature interface-vlan", "feature lacp", "", "ip domain-lookup",
        "ip name-server 10.20.0.53 use-vrf management",
    ]
    if smart:
        lines.append("license smart enable")
    if source:
        lines.append(f"ip http source-interface {source}")
    lines += extra.splitlines()
    lines += ["ntp server 10.20.0.123 use-vrf management", "",
              "vrf context management", "  ip route 0.0.0.0/0 10.20.0.1", ""]
    lines += body.splitlines()
    lines += ["interface Vlan40", "  no shutdown", "  ip address 10.40.0.2/24", "",
              "interface mgmt0", "  vrf member management", "  ip address 10.20.0.31/24"]
    lines += callhome.splitlines()
    lines += ["line console", "line vty", f"boot nxos bootflash:/nxos.{release.replace('(', '.').rstrip(')')}.bin", ""]
    return "\n".join(lines)


def tac_callhome(url: str = HTTPS, vrf: str | None = "management", enable: bool = True) -> str:
    return "\n".join(["callhome", "  email-contact noc@example.net",
                      "  destination-profile CiscoTAC-1 transport-method http",
                      f"  destination-profile CiscoTAC-1 index 1 http {url}"]
                     + ([f"  transport http use-vrf {vrf}"] if vrf else []) + (["  enable"] if enable else []))


EMAIL_ONLY = "\n".join(["callhome", "  email-contact noc@example.net",
                        "  destination-profile full_txt email-addr noc@example.net",
                        "  transport email smtp-server 10.20.0.25 port 25 use-vrf management", "  enable"])

CUT = """leaf09# show running-config

!Command: show running-config
!Time: Mon Nov 30 10:20:02 2026

version 9.3(8) Bios:version 05.45
hostname leaf09
feature interface-vlan
 --More--
"""

# file -> text, and the findings planted in it: (rule id, the text of the line it points at)
REPO: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "dc1/leaf01.cfg": (config("leaf01", smart=True, callhome=tac_callhome()), []),
    "dc1/leaf02.cfg": (config("leaf02", smart=True, callhome=tac_callhome(HTTP)),
                       [("callhome-url-plain-http", f"  destination-profile CiscoTAC-1 index 1 http {HTTP}")]),
    "dc1/leaf03.cfg": (config("leaf03", smart=True, source="Vlan40", callhome=tac_callhome()),
                       [("http-source-interface-vrf-mismatch", "ip http source-interface Vlan40")]),
    "dc1/leaf04.cfg": (config("leaf04", smart=True, callhome=tac_callhome(enable=False)),
                       [("callhome-disabled", "callhome")]),
    "lab/lab-n9k-01.cfg": (config("lab-n9k-01"), []),  # traditional licensing: opt-in not taken
    "lab/lab-n9k-02.cfg": (config("lab-n9k-02", callhome=EMAIL_ONLY), []),  # e-mail-only Call Home
    "lab/lab-n3k-01.cfg": (config("lab-n3k-01", release="7.0(3)I7(9)"), []),
    "lab/lab-n9k-03.cfg": (config("lab-n9k-03", release="9.3(10)"), []),
    # dated backups of one switch: the old one had the plain-HTTP URL, fixed since
    "backups/core01-2026-06-01.cfg": (config("core01", smart=True, when="Mon Jun  1 09:00:00 2026",
                                             callhome=tac_callhome(HTTP)), []),
    "backups/core01-2026-11-30.cfg": (config("core01", smart=True, callhome=tac_callhome()), []),
    # two sites, each with its leaf01: site A sends from loopback0 in the default VRF, which
    # its Call Home uses; site B's Call Home uses management. Merged, A's source interface
    # was judged against B's VRF.
    "site-a/leaf01.cfg": (config("leaf01", smart=True, source="loopback0", extra="ip name-server 10.255.0.53",
                                 body="interface loopback0\n  ip address 10.255.0.1/32\n",
                                 callhome=tac_callhome(vrf="default")), []),
    "site-b/leaf01.cfg": (config("leaf01", smart=True, source="mgmt0", callhome=tac_callhome()), []),
    "captures/leaf09-cut.txt": (CUT, []),
    "README.txt": ("Running-configs of the DC1 fabric, the lab and the two sites.\n", []),
}


def _write(root: Path) -> None:
    for name, (text, _) in REPO.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _planted() -> set[tuple[str, str, int]]:
    out = set()
    for name, (text, planted) in REPO.items():
        lines = text.splitlines()
        for rule, line_text in planted:
            out.add((rule, name, lines.index(line_text) + 1))
    return out


def _check(root: Path, *args: str) -> tuple[int, dict]:
    old = os.getcwd()
    try:
        os.chdir(root)
        res = CliRunner().invoke(cli, ["check", "-f", "json", "--no-config", "--now", "2026-12-07T12:00:00Z",
                                       *args], catch_exceptions=False)
    finally:
        os.chdir(old)
    return res.exit_code, json.loads(res.stdout)


@pytest.mark.parametrize("how", ["folder", "hook"])
def test_each_planted_problem_is_found_on_its_line_and_nothing_else(tmp_path, how):
    """Run as a CI job over the folder, or as the hook runs (--context . and the files,
    declared whole): the same findings, each on its planted line."""
    _write(tmp_path)
    if how == "folder":
        code, report = _check(tmp_path, ".")
    else:
        files = sorted(name for name in REPO if name.endswith((".cfg", ".txt")))
        code, report = _check(tmp_path, "--context", ".", "--whole-config-default", "**", *files)
    found = {(f["rule_id"], os.path.normpath(f["path"]), f["line"]) for f in report["findings"]}
    assert found == _planted(), sorted(found ^ _planted())
    assert code == 1
    devices = sorted(d["device"] for d in report["devices"])
    assert "leaf01 (site-a)" in devices and "leaf01 (site-b)" in devices, devices
    assert devices.count("core01") == 1  # the backups are one switch, its newest judged


def test_the_two_sites_are_two_switches(tmp_path):
    """Each site's leaf01 is judged on its own files: merged, site A's loopback0 source was
    judged against site B's management VRF (a false known issue 1)."""
    _write(tmp_path)
    code, report = _check(tmp_path, "site-a", "site-b")
    assert code == 0 and not report["findings"], report["findings"]
    assert sorted(d["device"] for d in report["devices"]) == ["leaf01 (site-a)", "leaf01 (site-b)"]


def test_the_readme_baseline_recipe_lets_the_hook_pass(tmp_path):
    """README: `diag check --write-baseline .diag-baseline.json .`, then the hook with
    `--baseline .diag-baseline.json` on every file passes; a new problem still fails."""
    _write(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}

    def diag(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "diag", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)

    wrote = diag("check", "--no-config", "--write-baseline", ".diag-baseline.json", ".")
    assert wrote.returncode == 0 and "wrote 3 finding(s)" in wrote.stderr, wrote.stderr
    files = sorted(name for name in REPO)
    hook = ["check", "--no-config", "--context", ".", "--whole-config-default", "**", "--baseline",
            ".diag-baseline.json"]
    run = diag(*hook, *files)
    assert run.returncode == 0, run.stdout + run.stderr
    for name in files:  # the hook is given one file at a time as well
        assert diag(*hook, name).returncode == 0, name
    text, _ = REPO["dc1/leaf01.cfg"]
    (tmp_path / "dc1" / "leaf01.cfg").write_text(text.replace(HTTPS, HTTP), encoding="utf-8")
    worse = diag(*hook, "dc1/leaf01.cfg")
    assert worse.returncode == 1 and "callhome-url-plain-http" in worse.stdout, worse.stdout


# -- intent: on 9.3(3) to 10.1 (and a Nexus 7000 from 8.0(1)) Smart Licensing is opt-in ------------

@pytest.mark.parametrize("release", ["9.3(8)", "8.4(2)"])  # 8.x: the Nexus 7000 line
@pytest.mark.parametrize("signal, expected", [
    ("", set()),  # no sign of Smart Licensing: traditional licensing, nothing to say
    ("license smart enable", {"callhome-disabled"}),  # enabled, but no callhome block
    ("callhome\n  destination-profile CiscoTAC-1 transport-method http\n  enable",
     {"smart-licensing-disabled", "callhome-url-missing", "callhome-vrf-missing"}),  # set up for it, not enabled
    (f"callhome\n  destination-profile CiscoTAC-1 index 1 http {HTTPS}\n  transport http use-vrf management\n  enable",
     {"smart-licensing-disabled", "callhome-tac-profile-not-http"}),
    (EMAIL_ONLY, set()),  # an e-mail-only Call Home block is no Smart Licensing path
])
def test_smart_licensing_rules_need_a_sign_of_intent(tmp_path, signal, expected, release):
    """A whole 9.3 or Nexus 7000 8.x configuration is judged by the Smart Licensing rules only
    when something in it shows the switch is meant to use Smart Licensing; the device says
    which mode it is in."""
    smart = signal == "license smart enable"
    text = config("leaf07", release=release, smart=smart, callhome="" if smart else signal)
    (tmp_path / "leaf07.cfg").write_text(text, encoding="utf-8")
    _, report = _check(tmp_path, "leaf07.cfg")
    fired = {f["rule_id"] for f in report["findings"]}
    assert {r for r in fired if r not in {"callhome-email-contact-missing"}} == expected, fired
    [device] = report["devices"]
    assert device["licensing_mode"] == ("classic" if expected else "traditional")


@pytest.mark.parametrize("release_line, chassis", [
    ("  NXOS: version 9.3(8)", "cisco Nexus9000 C93180YC-FX Chassis"),
    ("  system:    version 8.4(2)", "cisco Nexus7000 C7009 (9 Slot) Chassis (\"Supervisor Module-2\")"),
])
def test_the_agent_saying_disabled_is_traditional_licensing_on_an_opt_in_release(tmp_path, release_line, chassis):
    """'Smart Licensing is DISABLED' on 9.3, or on a Nexus 7000 (Smart Licensing is an option
    there from 8.0(1), beside PAK licenses), with nothing else: the default, not an error;
    with a CiscoTAC-1 HTTP destination configured, the same status is the error it always was."""
    version = ("leaf07# show version\nCisco Nexus Operating System (NX-OS) Software\nSoftware\n"
               f"{release_line}\nHardware\n  {chassis}\n"
               "  Device name: leaf07\n")
    status = "leaf07# show license status\nSmart Licensing is DISABLED\n\nLicense Authorization:\n  Status: No Licenses in Use\n"
    (tmp_path / "s.txt").write_text(version + status + "leaf07#\n", encoding="utf-8")
    _, report = _check(tmp_path, "s.txt")
    assert not report["findings"] and report["devices"][0]["licensing_mode"] == "traditional"
    callhome = ("leaf07# show running-config callhome\n\n!Command: show running-config callhome\n\n"
                f"callhome\n  destination-profile CiscoTAC-1 index 1 http {HTTPS}\n  enable\n")
    (tmp_path / "s.txt").write_text(version + status + callhome + "leaf07#\n", encoding="utf-8")
    _, report = _check(tmp_path, "s.txt")
    assert "smart-licensing-disabled" in {f["rule_id"] for f in report["findings"]}


@pytest.mark.parametrize("how", ["hook", "config"])
def test_a_repository_is_not_asked_for_show_commands(tmp_path, how):
    """The hook (--context) or a project saying `repository: true`: no checklist of show
    commands a repository can never hold; one line per file, how many rules and why."""
    _write(tmp_path)
    args = ["check", "--no-config", "--context", ".", "dc1/leaf01.cfg", "captures/leaf09-cut.txt"]
    if how == "config":
        (tmp_path / ".diag.yaml").write_text("repository: true\n", encoding="utf-8")
        args = ["check", "dc1/leaf01.cfg", "captures/leaf09-cut.txt"]
    old = os.getcwd()
    try:
        os.chdir(tmp_path)
        res = CliRunner().invoke(cli, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    assert "Collect next" not in res.stdout and "[ ]" not in res.stdout, res.stdout
    lines = [line for line in res.stdout.splitlines() if "rule(s) not evaluated:" in line]
    assert len(lines) == 2, res.stdout
    by_file = {line.split(": ", 1)[0]: line for line in lines}
    assert "cut short" in by_file["captures/leaf09-cut.txt"], lines
    assert "runtime output" in by_file["dc1/leaf01.cfg"], lines
    if how == "config":
        (tmp_path / ".diag.yaml").write_text("repository: yes please\n", encoding="utf-8")
        os.chdir(tmp_path)
        try:
            bad = CliRunner().invoke(cli, ["check", "dc1/leaf01.cfg"])
        finally:
            os.chdir(old)
        assert bad.exit_code == 2 and "'repository' must be true or false" in bad.output
