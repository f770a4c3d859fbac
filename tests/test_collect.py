"""``diag collect`` against fake NX-OS switches on this machine (fakenos on 127.0.0.1).

Each fake switch answers the outputs of one of the project's own captures (samples/),
keyed by the command diag collect types; anything else gets '% Invalid command'. The
tests run diag's CLI in this process, over real SSH (the OpenSSH client, scrapli's
system transport) to those servers. Skipped when the collect extra or fakenos is not
installed (pip install -e '.[test,collect]').
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path

import pytest

pytest.importorskip("scrapli")
pytest.importorskip("nornir")
pytest.importorskip("nornir_scrapli")
pytest.importorskip("fakenos")
if shutil.which("ssh") is None:  # pragma: no cover - the system transport needs the OpenSSH client
    pytest.skip("no OpenSSH client (ssh) on this machine", allow_module_level=True)

from click.testing import CliRunner  # noqa: E402

from diag.cli import cli  # noqa: E402
from fakeswitch import FakeFleet, SilentServer, hang, outputs_of, quick_server  # noqa: E402

# fakenos's server thread breaks on a login it refused (no channel to open): its own
# thread's traceback, nothing of diag's
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PASSWORD = "Pw-" + secrets.token_hex(10)  # a secret no capture or message may hold
KNOWN_ISSUES = ["known-issue-1-source-interface.txt", "known-issue-2-plain-http.txt",
                "known-issue-3-quovadis-root-ca.txt", "known-issue-4-mts-dns.txt"]
HEALTHY = "healthy-registered-9.3.txt"
LAB = ["--no-host-key-check", "--ssh-config", os.devnull, "--user", "diag"]


def _hosts() -> tuple[dict, dict]:
    hosts, by_sample = {}, {}
    for sample in [HEALTHY, *KNOWN_ISSUES]:
        name, outputs = outputs_of(SAMPLES / sample)
        hosts[name], by_sample[sample] = outputs, name
    _, healthy = outputs_of(SAMPLES / HEALTHY)
    hosts["no-version"] = {**healthy, "show version": "% Invalid command at '^' marker."}
    hosts["stuck"] = {**healthy, "show license status": hang}
    hosts["slow-login"] = {**healthy, "terminal width 511": _slow}
    return hosts, by_sample


def _slow(*_args, **_kw):
    """A set-up command that takes a second to answer (nothing printed)."""
    time.sleep(SLOW)


SLOW = 1.0


@pytest.fixture(scope="module", autouse=True)
def _quick_server():
    """The fake switches answer without delays of their own (fakeswitch.quick_server)."""
    with quick_server():
        yield


@pytest.fixture(scope="module")
def fleet():
    hosts, by_sample = _hosts()
    with FakeFleet(hosts, PASSWORD) as running:
        running.by_sample = by_sample
        yield running


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.setenv("DIAG_PASSWORD", PASSWORD)
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)  # only the password: the test does not depend on keys
    monkeypatch.delenv("DIAG_USER", raising=False)
    monkeypatch.setenv("DIAG_NO_CACHE", "1")
    monkeypatch.chdir(tmp_path)


def collect(*args):
    result = CliRunner().invoke(cli, ["collect", *LAB, *map(str, args)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def at(fleet, name):
    return f"127.0.0.1:{fleet.ports[name]}"


def _findings(report: dict) -> list[tuple]:
    return sorted((f["rule_id"], f["severity"], f["device"], f["title"], f["message"]) for f in report["findings"])


def _no_secret_anywhere(result, folder: Path) -> None:
    assert PASSWORD not in result.stdout and PASSWORD not in result.stderr
    for path in folder.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
    assert not Path("nornir.log").exists()


def test_a_healthy_switch(fleet, tmp_path):
    name = fleet.by_sample[HEALTHY]
    result = collect(at(fleet, name), "-o", "out", "--check")
    assert result.exit_code == 0, result.stdout + result.stderr
    log = tmp_path / "out" / f"{name}.log"
    text = log.read_text()
    assert text.startswith(f"{name}# show clock\n")
    assert f" ({name}): ok, " in result.stderr and "no problems found" in result.stdout
    assert "collected 1 of 1 device(s)" in result.stderr
    _no_secret_anywhere(result, tmp_path)


@pytest.mark.parametrize("sample", [HEALTHY, *KNOWN_ISSUES])
def test_collect_check_finds_what_check_finds_on_the_capture(fleet, sample):
    """For each known issue of TechNote 217965: what collect gathers from the switch and
    checks at once is judged as the capture of the same outputs is."""
    name = fleet.by_sample[sample]
    result = collect(at(fleet, name), "-o", "out", "--check", "-f", "json")
    assert result.exit_code in (0, 1), result.stderr
    collected = json.loads(result.stdout)
    reference = CliRunner().invoke(cli, ["check", "-f", "json", str(SAMPLES / sample)])
    expected = json.loads(reference.stdout)
    assert _findings(collected) == _findings(expected)
    assert result.exit_code == reference.exit_code
    assert collected["devices"][0]["inputs"] == [f"out/{name}.log"]


def test_the_mts_follow_up_asks_the_sap_the_summary_names(fleet, tmp_path):
    name = fleet.by_sample["known-issue-4-mts-dns.txt"]
    result = collect(at(fleet, name), "-o", "out")
    assert result.exit_code == 0, result.stderr
    typed = [line.split("# ", 1)[1] for line in (tmp_path / "out" / f"{name}.log").read_text().splitlines()
             if line.startswith(f"{name}# ")]
    summary = typed.index("show system internal mts buffers summary")
    sap = typed.index("show system internal mts sup sap 1397 description")  # 1397: the busy queue's SAP
    assert summary < sap
    # the probe goes where Call Home goes (its use-vrf), after the configuration that says so
    ping = typed.index("ping tools.cisco.com vrf management count 5")
    assert ping > typed.index("show running-config")
    # an IPC symptom ('Failed to establish IPC connection with call-home'): certificates asked
    assert "show crypto ca certificates" in typed
    assert len(typed) == len(set(typed)), "a command asked twice"


def test_a_healthy_switch_is_asked_no_certificates_and_no_mts(fleet, tmp_path):
    name = fleet.by_sample[HEALTHY]
    collect(at(fleet, name), "-o", "out")
    text = (tmp_path / "out" / f"{name}.log").read_text()
    assert "show crypto ca certificates" not in text and "mts" not in text


def test_a_refused_login_is_reported_and_the_others_go_on(fleet, tmp_path, monkeypatch):
    monkeypatch.setenv("DIAG_PASSWORD", "not-" + PASSWORD[::-1])
    healthy = fleet.by_sample[HEALTHY]
    result = collect(at(fleet, healthy), "-o", "out")
    assert result.exit_code == 2
    assert re.search(r"failed: login refused \(authentication failed\)", result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert PASSWORD[::-1] not in result.stderr


def test_one_refused_login_among_good_ones(fleet, tmp_path):
    """A device with a wrong password in the inventory fails; the other gives its capture."""
    good = fleet.by_sample[HEALTHY]
    inventory = tmp_path / "hosts.yaml"
    inventory.write_text(
        f"good:\n  hostname: 127.0.0.1\n  port: {fleet.ports[good]}\n"
        f"bad:\n  hostname: 127.0.0.1\n  port: {fleet.ports[good]}\n  password: wrong-one\n")
    result = collect("--inventory", inventory, "-o", "out")
    assert result.exit_code == 2
    assert "diag: bad: failed: login refused" in result.stderr
    assert re.search(r"diag: good \(dc1-leaf-101\): ok, \d+ command", result.stderr)
    assert (tmp_path / "out" / "good.log").exists() and not (tmp_path / "out" / "bad.log").exists()
    assert "wrong-one" not in result.stderr


def test_a_command_the_switch_does_not_know(fleet, tmp_path):
    result = collect(at(fleet, "no-version"), "-o", "out", "--check")
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "out" / "no-version.log").read_text()  # the fake's prompt: 'no-version#'
    assert "no-version# show version\n% Invalid command at '^' marker.\n" in text
    assert text.count("# show version") == 1  # asked once
    assert "; '% Invalid command' to: " in result.stderr and "show version" in result.stderr
    assert "show version" in result.stdout  # the check says to collect it


def test_a_command_that_hangs_times_out_and_the_others_go_on(fleet, tmp_path):
    healthy = fleet.by_sample[HEALTHY]
    result = collect(at(fleet, "stuck"), at(fleet, healthy), "-o", "out", "--command-timeout", "1.5")
    assert result.exit_code == 2
    assert re.search(r"failed: timed out: 'show license status' gave no prompt back within 1\.5 s", result.stderr), \
        result.stderr
    assert "(kept what it gave: out/" in result.stderr  # show clock came back before
    assert (tmp_path / "out" / f"{healthy}.log").exists()


@pytest.mark.parametrize("wait", ["1", "0.5"])
def test_a_switch_that_never_answers_the_login(tmp_path, wait):
    """Not a refused login: the switch never said a word. A fraction of a second is not
    lost on its way to OpenSSH (which counts whole seconds: int(0.5) was no limit, and the
    run waited for the command timeout instead)."""
    with SilentServer() as silent:
        result = collect(f"127.0.0.1:{silent.port}", "-o", "out", "--connect-timeout", wait,
                         "--command-timeout", "30")
    assert result.exit_code == 2
    assert "failed: timed out: no SSH greeting from the switch within the connect timeout" in result.stderr, \
        result.stderr
    assert "Traceback" not in result.stderr and "login refused" not in result.stderr


def test_a_failed_paramiko_handshake_says_why_not_how_scrapli_was_called():
    """paramiko gives up on a silent switch after its own banner timeout (15 s, longer
    than a test should wait): what it raises is built here, as scrapli raises it."""
    from paramiko.ssh_exception import SSHException
    from scrapli.exceptions import ScrapliConnectionNotOpened

    from diag.collect import _reason

    try:
        try:
            raise SSHException("Error reading SSH protocol banner")
        except SSHException as exc:
            raise ScrapliConnectionNotOpened from exc
    except ScrapliConnectionNotOpened as exc:
        why = _reason(exc, [])
    assert why == ("no SSH session: the switch did not complete the SSH handshake "
                   "(Error reading SSH protocol banner)")


def test_a_device_that_takes_too_long_in_all(fleet):
    """The switch's login set-up alone takes longer than --device-timeout (it cannot be
    faster than its sleep), so the deadline has passed before the first command, whatever
    the machine's speed or load."""
    result = collect(at(fleet, "slow-login"), "-o", "out", "--device-timeout", str(SLOW / 2))
    assert result.exit_code == 2
    assert "(--device-timeout) before 'show clock'" in result.stderr, result.stderr


def test_twenty_switches_through_a_nornir_inventory(tmp_path):
    _, outputs = outputs_of(SAMPLES / "known-issue-2-plain-http.txt")
    names = [f"leaf{n:02d}" for n in range(1, 21)]
    with FakeFleet({name: outputs for name in names}, PASSWORD) as many:
        (tmp_path / "hosts.yaml").write_text("".join(
            f"{name}:\n  hostname: 127.0.0.1\n  port: {many.ports[name]}\n  groups: [nexus]\n" for name in names))
        (tmp_path / "groups.yaml").write_text(
            "nexus:\n  platform: nxos\n  connection_options:\n    scrapli:\n      extras:\n"
            f"        auth_strict_key: false\n        ssh_config_file: {os.devnull}\n")
        (tmp_path / "defaults.yaml").write_text("username: diag\n")
        started = time.monotonic()
        result = CliRunner().invoke(cli, ["collect", "--inventory", str(tmp_path / "hosts.yaml"), "-o", "fleet",
                                          "--workers", "10", "--check", "-f", "json"])
        elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.stderr  # the plain-HTTP URL, twenty times
    assert sorted(p.name for p in (tmp_path / "fleet").iterdir()) == [f"{n}.log" for n in names]
    report = json.loads(result.stdout)
    assert len(report["devices"]) == 20
    assert {f["rule_id"] for f in report["findings"]} >= {"callhome-url-plain-http"}
    assert "collected 20 of 20 device(s)" in result.stderr
    for name in names:
        assert f"diag: {name}: connected" in result.stderr
    _no_secret_anywhere(result, tmp_path)
    print(f"20 devices, 10 workers: {elapsed:.1f} s")


def test_hostile_inventory_values_are_refused(fleet, tmp_path):
    plain_http = fleet.by_sample["known-issue-2-plain-http.txt"]  # a switch whose check asks for probes
    port = fleet.ports[plain_http]
    (tmp_path / "hosts.yaml").write_text(
        f"ok:\n  hostname: 127.0.0.1\n  port: {port}\n"
        f"probe-vrf:\n  hostname: 127.0.0.1\n  port: {port}\n"
        "  data:\n    diag_probe_vrf: \"management ; configure terminal\"\n"
        f"probe-host:\n  hostname: 127.0.0.1\n  port: {port}\n"
        "  data:\n    diag_probe_host: \"tools.cisco.com\\nreload\"\n"
        f"pipe:\n  hostname: 127.0.0.1\n  port: {port}\n"
        "  data:\n    diag_probe_vrf: \"management | write\"\n"
        "ssh-option:\n  hostname: \"-oProxyCommand=touch pwned\"\n"
        "semicolon:\n  hostname: \"127.0.0.1; reboot\"\n"
        f"channel-log:\n  hostname: 127.0.0.1\n  port: {port}\n"
        "  connection_options:\n    scrapli:\n      extras:\n        channel_log: session.txt\n")
    result = collect("--inventory", tmp_path / "hosts.yaml", "-o", "out")
    assert result.exit_code == 2
    err = result.stderr
    assert re.search(r"diag: ok \(DC-DMZ\): ok, ", err)
    assert "diag: probe-vrf (DC-DMZ): failed: refused to send 'ping tools.cisco.com vrf management ; configure " \
        "terminal' to the switch" in err
    assert "diag: probe-host (DC-DMZ): failed: refused to send 'ping tools.cisco.com\\nreload vrf management' to " \
        "the switch: it holds a control character" in err
    assert "diag: pipe (DC-DMZ): failed: refused to send 'ping tools.cisco.com vrf management | write'" in err
    assert "diag: ssh-option: failed: refused: the host name '-oProxyCommand=touch pwned'" in err
    assert "diag: semicolon: failed: refused: the host name '127.0.0.1; reboot'" in err
    assert "diag: channel-log: failed: refused: connection option(s) channel_log" in err
    assert not Path("pwned").exists() and not Path("session.txt").exists()
    assert "# ping tools.cisco.com vrf management count 5" in (tmp_path / "out" / "ok.log").read_text()
    for name in ("probe-vrf", "probe-host", "pipe"):
        text = (tmp_path / "out" / f"{name}.log").read_text()
        assert "configure" not in text and "reload" not in text and "write" not in text
        assert "# ping" not in text  # the refused probe was never sent


def test_the_password_prompt_and_no_secret_in_what_is_written(fleet, tmp_path, monkeypatch):
    monkeypatch.delenv("DIAG_PASSWORD")
    name = fleet.by_sample["known-issue-3-quovadis-root-ca.txt"]
    result = CliRunner().invoke(cli, ["collect", *LAB, "--ask-password", at(fleet, name), "-o", "out", "--check"],
                                input=PASSWORD + "\n")
    assert result.exit_code == 1, result.stderr
    assert "SSH password" in result.stderr
    _no_secret_anywhere(result, tmp_path)


def test_redacted_copies_only(fleet, tmp_path):
    name = fleet.by_sample["known-issue-1-source-interface.txt"]
    result = collect(at(fleet, name), "-o", "out", "--redact", "--redact-key", "k", "--check")
    assert result.exit_code == 1, result.stderr
    files = list((tmp_path / "out").iterdir())
    assert len(files) == 1 and name not in files[0].name
    assert name not in files[0].read_text() and name not in result.stdout
    _no_secret_anywhere(result, tmp_path)


def test_the_paramiko_transport(fleet, tmp_path):
    name = fleet.by_sample[HEALTHY]
    result = collect("--transport", "paramiko", at(fleet, name), "-o", "out")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / f"{name}.log").read_text().startswith(f"{name}# show clock")


def test_usage_errors(tmp_path):
    assert CliRunner().invoke(cli, ["collect"]).exit_code == 2
    bad = CliRunner().invoke(cli, ["collect", "127.0.0.1:99999"])
    assert bad.exit_code == 2 and "port" in bad.stderr
    missing = CliRunner().invoke(cli, ["collect", "--inventory", "nope.yaml"])
    assert missing.exit_code == 2 and "nope.yaml" in missing.stderr


def test_the_telnet_probe_and_the_refusals_of_the_one_sender(fleet):
    from scrapli.driver.core import NXOSDriver

    from diag import collect as col
    from diag.readonly import RefusedCommand

    name = fleet.by_sample["known-issue-2-plain-http.txt"]
    conn = NXOSDriver(host="127.0.0.1", port=fleet.ports[name], auth_username="diag", auth_password=PASSWORD,
                      auth_strict_key=False, ssh_config_file=False, on_open=col._on_open, on_close=col._on_close,
                      timeout_ops=10)
    conn.open()
    try:
        out, invalid = col._send(conn, "telnet tools.cisco.com 443 vrf management", 10)
        assert out.startswith("Trying ") and "Escape character is" in out and not invalid
        for hostile in ("configure terminal", "show clock\nreload", "show running-config | write"):
            with pytest.raises(RefusedCommand):
                col._send(conn, hostile, 10)
        assert col._send(conn, "show clock", 10)[0].strip().endswith("2023")  # the session goes on
    finally:
        conn.close()


def test_the_switch_receives_only_allowed_commands(fleet, caplog):
    """Everything the fake switches' shells were given, in a whole run over the known
    issues: only forms the allow-list lets through (read from fakenos's own log)."""
    import logging

    from diag.readonly import allowed

    caplog.set_level(logging.DEBUG, logger="fakenos")
    names = [fleet.by_sample[s] for s in KNOWN_ISSUES]
    result = collect(*(at(fleet, n) for n in names), "-o", "out")
    assert result.exit_code == 0, result.stderr
    received = [m.group(1) for r in caplog.records
                if (m := re.search(r"running command '\['(.*)'\]'", r.getMessage()))]
    assert len(received) > 4 * 6
    for command in received:
        assert allowed(command) == command
