"""The allow-list of ``diag collect`` (diag.readonly): what may be typed on a switch.

These run without the collect extra: the allow-list is plain Python.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from diag import readonly
from diag.readonly import RefusedCommand, allowed

ALLOWED = [
    "show clock",
    "show license status",
    "show running-config",
    "show running-config callhome",
    "show callhome destination-profile profile CiscoTAC-1",
    "show system internal mts buffers summary",
    "show system internal mts sup sap 1397 description",
    "show crypto ca certificates",
    "show logging logfile",
    "show ip route 0.0.0.0/0 vrf management",
    "ping tools.cisco.com vrf management count 5",
    "ping 72.163.4.38 vrf default count 1",
    "ping 2001:db8::1 vrf mgmt count 10",
    "telnet tools.cisco.com 443 vrf management",
    "telnet smartreceiver.cisco.com 443 vrf VRF-Lic_2",
    "terminal length 0",
    "terminal width 511",
    "exit",
]

REFUSED = [
    "",
    "configure terminal",
    "conf t",
    "copy running-config startup-config",
    "write erase",
    "reload",
    "clear logging logfile",
    "license smart register idtoken abc",
    "license smart deregister",
    "debug callhome all",
    "show running-config | write",
    "show running-config > bootflash:x.cfg",
    "show running-config >> bootflash:x.cfg",
    "show clock ; reload",
    "show clock; reload",
    "show clock\nconfigure terminal",
    "show clock\rreload",
    "show clock\x00",
    "show clock | tee bootflash:x",
    "show tech-support",             # no parser reads it: not asked
    "show license status | json",
    'show running-config "callhome"',
    "show clock `reload`",
    "show  clock",
    " show clock",
    "ping tools.cisco.com vrf management",            # no count: NX-OS would ping forever with 'count unlimited' forms
    "ping tools.cisco.com vrf management count 0",
    "ping tools.cisco.com vrf management count 100",
    "ping tools.cisco.com vrf management count 5 ; reload",
    "ping tools.cisco.com; reload vrf management count 5",
    "ping tools.cisco.com vrf management;reload count 5",
    "ping -c 5 tools.cisco.com vrf management count 5",
    "telnet tools.cisco.com 23 vrf management",
    "telnet tools.cisco.com 443",
    "telnet tools.cisco.com 443 vrf management | write",
    "telnet tools.cisco.com 443 vrf management\nconfigure terminal",
    "terminal length 24",
    "terminal monitor",
    "bash",
    "run bash reboot",
    "python",
]

# values a template may be given: from an inventory, or from what a (hostile) switch printed
HOSTILE = [
    "management; configure terminal",
    "management\nconfigure terminal",
    "management\r\nreload",
    "management | write",
    "management > bootflash:x",
    "mgmt count 5 ; reload",
    "management\x1b[2J",
    "`reload`",
    "$(reload)",
    "'management'",
    "a" * 64,                      # longer than a VRF name or a DNS label may be
    "",
    "-oProxyCommand=touch",
    "management\u2028reload",
]


@pytest.mark.parametrize("command", ALLOWED)
def test_read_only_forms_pass(command):
    assert allowed(command) == command


@pytest.mark.parametrize("command", REFUSED)
def test_anything_else_is_refused_with_a_reason(command):
    with pytest.raises(RefusedCommand) as err:
        allowed(command)
    assert "diag collect only reads" in str(err.value)
    assert "\n" not in str(err.value).replace("\\n", "")  # one line: a newline is shown escaped


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_vrf_is_refused(value):
    with pytest.raises(RefusedCommand):
        readonly.ping("tools.cisco.com", value)
    with pytest.raises(RefusedCommand):
        readonly.telnet("tools.cisco.com", value)


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_host_is_refused(value):
    with pytest.raises(RefusedCommand):
        readonly.ping(value, "management")
    with pytest.raises(RefusedCommand):
        readonly.telnet(value, "management")


def test_collect_next_probes_take_their_collect_form():
    assert readonly.from_collect_next("ping tools.cisco.com vrf management") == \
        "ping tools.cisco.com vrf management count 5"
    assert readonly.from_collect_next("telnet tools.cisco.com 443 vrf management") == \
        "telnet tools.cisco.com 443 vrf management"
    assert readonly.from_collect_next("show version") == "show version"
    with pytest.raises(RefusedCommand):
        readonly.from_collect_next("ping tools.cisco.com vrf management;reload")


def test_every_collect_next_command_of_the_rules_is_allowed(rulebook):
    """What the engine may ask for (each scope's collect form) passes the allow-list, so
    collect never loses a command to its own guard."""
    from diag.commands import SPECS

    for spec in SPECS:
        command = spec.collect.replace("<sapno>", "1397")
        if command.startswith("license "):
            continue  # an action, never asked for by collect-next
        readonly.from_collect_next(command)


def test_the_guard_is_the_only_way_to_the_switch():
    """diag.collect writes to a switch in three places, each behind readonly.allowed."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "diag" / "collect.py").read_text(encoding="utf-8")
    sends = [line.strip() for line in text.splitlines()
             if ".send_command(" in line or "channel.write(" in line or "send_input_and_read(" in line]
    for line in sends:
        assert "readonly.allowed(" in line or "command" in line or "escape" in line or "quit_" in line, line
    assert text.count("readonly.allowed(") >= 3


def test_importing_the_cli_loads_no_collect_library():
    """diag check keeps its import time and dependencies: the collect stack is imported
    only by diag collect."""
    code = ("import sys, diag.cli, diag.api, diag.readonly; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('scrapli', 'nornir', 'nornir_scrapli', 'paramiko', 'fakenos', 'diag.collect')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_collect_without_the_extra_says_how_to_install_it(monkeypatch):
    import importlib.util

    from click.testing import CliRunner

    from diag.cli import cli

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name.split(".")[0] in ("scrapli", "nornir") else real(name, *a))
    result = CliRunner().invoke(cli, ["collect", "127.0.0.1"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines == ["diag: error: diag collect needs the 'collect' extra: pip install 'nxos-diag[collect]'"]
