"""The command line: formats, inputs (files, folders, .gz, stdin), exit codes, bad input."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, validate_report
import diag
from diag.cli import cli

DATA = ROOT / "tests" / "data"
HIT = DATA / "plain_http_session.txt"
OK = DATA / "healthy_config.txt"


def run(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run diag as a real process (``python -m diag``), as a user would; output decoded."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-m", "diag", *args], input=stdin, capture_output=True,
                         cwd=cwd or ROOT, env=env, timeout=120)
    res.stdout = res.stdout.decode("utf-8", "replace")
    res.stderr = res.stderr.decode("utf-8", "replace")
    fmt = next((b for a, b in zip(args, args[1:]) if a in ("-f", "--format")), None)
    if args and args[0] == "check" and fmt == "json" and res.returncode in (0, 1):
        validate_report(res.stdout)  # a real process's JSON report follows the schema too
    return res


def invoke(*args: str, input: bytes | str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_text_report_names_rule_line_and_fix():
    res = invoke("check", str(HIT))
    assert res.exit_code == 1
    out = res.output
    assert "callhome-url-plain-http" in out
    assert f"{HIT}:19:" in out  # the evidence line with its number
    assert "destination-profile CiscoTAC-1 http https://tools.cisco.com/its/service/oddce/services/DDCEService" in out
    assert "dmz-core-2" in out


def test_json_report_follows_the_contract():
    res = invoke("check", "-f", "json", str(HIT))
    assert res.exit_code == 1
    data = json.loads(res.output)
    assert data["schema"] == "diag-report/1"
    assert data["tool"] == {"name": "diag", "version": diag.__version__}
    assert data["now_source"] == "capture"
    assert data["now"] == "2023-05-16T10:15:02+00:00"
    for key in ("devices", "findings", "not_evaluated", "collect_next", "summary"):
        assert key in data
    assert set(data["summary"]) == {"error", "warning", "info"}
    dev = data["devices"][0]
    assert dev["device"] == "dmz-core-2" and dev["release"] == "9.3(5)"
    assert set(dev) >= {"device", "inputs", "platform", "release", "licensing_mode", "commands"}
    finding = next(f for f in data["findings"] if f["rule_id"] == "callhome-url-plain-http")
    assert set(finding) >= {"rule_id", "severity", "confidence", "title", "message", "device", "path", "line",
                            "end_line", "evidence", "fix", "verify", "references"}
    assert finding["path"] == str(HIT) and finding["line"] == 19
    assert finding["evidence"][0]["text"].startswith("destination-profile CiscoTAC-1 index 1 http http://")
    for ne in data["not_evaluated"]:
        assert set(ne) == {"rule_id", "device", "needs"}
    for c in data["collect_next"]:
        assert set(c) == {"device", "command", "settles"}
    keys = [(f["device"], f["path"], f["line"], f["rule_id"]) for f in data["findings"]]
    assert keys == sorted(keys)


def test_same_input_same_report():
    a = invoke("check", "-f", "json", str(HIT)).output
    b = invoke("check", "-f", "json", str(HIT)).output
    assert a == b


def test_stdin_pipe_and_dash_match_the_file():
    data = HIT.read_bytes()
    via_dash = json.loads(invoke("check", "-f", "json", "-", input=data).output)
    via_pipe = json.loads(invoke("check", "-f", "json", input=data).output)
    via_file = json.loads(invoke("check", "-f", "json", str(HIT)).output)
    for rep in (via_dash, via_pipe):
        assert [(f["rule_id"], f["line"]) for f in rep["findings"]] == \
               [(f["rule_id"], f["line"]) for f in via_file["findings"]]
        assert {f["path"] for f in rep["findings"]} == {"-"}


# a path of stdin as '-' reads in a person's text: '-:21:', '[-]', '`-:3`', '(-:6)', '-: binary'
DASH_PATH = re.compile(r"(?:^|[\s(\[`'\"])-(?::\d|[\])`'\",]|:\s)")
# a capture whose device is named by nothing but its input, with a clock line for now_detail
UNNAMED = (b"09:17:32.604 UTC Thu Sep 21 2023\ncallhome\n  destination-profile CiscoTAC-1 index 1 http "
           b"http://tools.cisco.com/its/service/oddce/services/DDCEService\n")


@pytest.mark.parametrize("fmt", ["text", "markdown", "github", "json", "sarif"])
@pytest.mark.parametrize("data", [HIT.read_bytes(), UNNAMED], ids=["named", "unnamed"])
def test_stdin_has_a_readable_name_in_every_format(fmt, data):
    """stdin is '<stdin>' wherever a person reads its name (evidence, inputs, the device
    named after it, the clock's line); the JSON report keeps '-' as its path (DESIGN.md
    section 2) and SARIF its 'stdin' URI (a URI cannot hold '<'); a GitHub annotation of
    stdin names no file."""
    out = invoke("check", "-f", fmt, "-", input=data).output
    assert "<stdin>" in out or fmt in ("github", "sarif") and data != UNNAMED, out[:2000]
    if fmt == "json":
        rep = json.loads(out)
        assert {f["path"] for f in rep["findings"]} == {"-"}
        assert {e["path"] for f in rep["findings"] for e in f["evidence"]} == {"-"}
        assert [d["inputs"] for d in rep["devices"]] == [["-"]] and [i["path"] for i in rep["inputs"]] == ["-"]
        assert {d["device"] for d in rep["devices"]} == ({"<stdin>"} if data == UNNAMED else {"dmz-core-2"})
        assert "-:" not in rep["now_detail"] and "<stdin>:" in rep["now_detail"]
        return
    if fmt == "sarif":
        log = json.loads(out)
        for result in log["runs"][0]["results"]:
            assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "stdin"
            assert result["properties"]["device"] != "-"
        assert "<stdin>:" in log["runs"][0]["invocations"][0]["properties"]["nowDetail"]
        return
    for line in out.splitlines():
        assert not DASH_PATH.search(line), line


def test_stdin_is_named_in_messages_on_stderr():
    res = run("check", "-", stdin=b"\x00\x01\x02\x03" * 500)
    assert res.returncode == 2 and res.stderr.startswith("diag: error: <stdin>: "), res.stderr


def test_real_process_and_pipe():
    res = run("check", "-f", "json", stdin=HIT.read_bytes())
    assert res.returncode == 1, res.stderr
    assert json.loads(res.stdout)["findings"]


def test_folder_recursion_and_gz(tmp_path: Path):
    (tmp_path / "site" / "rack1").mkdir(parents=True)
    shutil.copy(OK, tmp_path / "site" / "ok.txt")
    with gzip.open(tmp_path / "site" / "rack1" / "hit.txt.gz", "wb") as fh:
        fh.write(HIT.read_bytes())
    (tmp_path / "site" / ".hidden").mkdir()
    (tmp_path / "site" / ".hidden" / "x.txt").write_bytes(HIT.read_bytes())
    res = invoke("check", "-f", "json", str(tmp_path / "site"))
    data = json.loads(res.output)
    assert res.exit_code == 1
    paths = {i["path"] for i in data["inputs"]}
    assert paths == {str(tmp_path / "site" / "ok.txt"), str(tmp_path / "site" / "rack1" / "hit.txt.gz")}
    assert {d["device"] for d in data["devices"]} == {"dmz-core-2", "dmz-core-3"}


def test_gzip_recognised_by_content_not_name(tmp_path: Path):
    target = tmp_path / "capture.log"
    target.write_bytes(gzip.compress(HIT.read_bytes()))
    res = invoke("check", "-f", "json", str(target))
    assert res.exit_code == 1
    assert any(f["rule_id"] == "callhome-url-plain-http" for f in json.loads(res.output)["findings"])


def test_exit_code_zero_when_clean_and_fail_on():
    assert invoke("check", str(OK)).exit_code == 0
    assert invoke("check", "--fail-on", "error", str(HIT)).exit_code == 1
    assert invoke("check", "--ignore", "callhome-url-plain-http", "--fail-on", "error", str(HIT)).exit_code == 0


def test_select_runs_only_the_selected_rule():
    data = json.loads(invoke("check", "-f", "json", "--select", "callhome-url-plain-http", str(HIT)).output)
    assert {f["rule_id"] for f in data["findings"]} == {"callhome-url-plain-http"}
    assert all(n["rule_id"] == "callhome-url-plain-http" for n in data["not_evaluated"])


def test_unknown_rule_id_in_select_is_a_usage_error():
    res = run("check", "--select", "no-such-rule", str(HIT))
    assert res.returncode == 2
    assert "no-such-rule" in res.stderr


def test_now_option_overrides_capture_clock():
    data = json.loads(invoke("check", "-f", "json", "--now", "2024-01-02T03:04:05Z", str(HIT)).output)
    assert data["now"] == "2024-01-02T03:04:05+00:00" and data["now_source"] == "option"
    res = run("check", "--now", "yesterday", str(HIT))
    assert res.returncode == 2 and "ISO-8601" in res.stderr


@pytest.mark.parametrize("content,needle", [
    (b"", "empty"),
    (b"\x00\x01\x02\x03binary\x00data" * 20, "binary"),
    (b"hello world\nnothing to see here\n", "no Smart Licensing or Call Home output"),
])
def test_bad_input_one_message_exit_2(tmp_path: Path, content: bytes, needle: str):
    target = tmp_path / "input.txt"
    target.write_bytes(content)
    res = run("check", str(target))
    assert res.returncode == 2
    assert needle in res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_missing_and_unreadable_paths(tmp_path: Path):
    res = run("check", str(tmp_path / "nope.txt"))
    assert res.returncode == 2 and "no such file" in res.stderr and "Traceback" not in res.stderr
    if os.geteuid() != 0:  # root can read anything
        locked = tmp_path / "locked.txt"
        locked.write_bytes(HIT.read_bytes())
        locked.chmod(0)
        res = run("check", str(locked))
        assert res.returncode == 2 and "permission denied" in res.stderr


def test_multi_file_run_completes_despite_a_bad_file(tmp_path: Path):
    res = run("check", "-f", "json", str(HIT), str(tmp_path / "missing.txt"))
    assert res.returncode == 2
    data = json.loads(res.stdout)
    assert data["findings"] and data["unread"] == [{"path": str(tmp_path / "missing.txt"), "problem": "no such file"}]
    assert "missing.txt" in res.stderr


def test_folder_walk_skips_binary_files_without_failing(tmp_path: Path):
    shutil.copy(HIT, tmp_path / "a.txt")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    (tmp_path / "broken").symlink_to(tmp_path / "gone")
    res = run("check", "-f", "json", str(tmp_path))
    data = json.loads(res.stdout)
    assert any(s["path"].endswith("picture.png") for s in data["skipped_files"])
    assert any(u["path"].endswith("broken") and "symbolic link" in u["problem"] for u in data["unread"])
    assert data["findings"] and res.returncode == 2


CONFIG_WITH_PLAIN_HTTP = (
    "!Command: show running-config\n!Time: Tue Oct 10 14:03:10 2023\n\nversion 9.3(8) Bios:version 05.45\n"
    "hostname leaf01\nfeature lldp\ncallhome\n  email-contact noc@example.net\n"
    "  destination-profile CiscoTAC-1 transport-method http\n"
    "  destination-profile CiscoTAC-1 index 1 http http://tools.cisco.com/its/service/oddce/services/DDCEService\n"
    "  transport http use-vrf management\n  enable\nline console\nline vty\n")


@pytest.mark.parametrize("nul", [b"\x00", b"\x00\x00\x00", b"\r\x00"])
@pytest.mark.parametrize("how", ["alone", "beside-another", "walked"])
def test_a_config_with_a_stray_nul_is_read(tmp_path: Path, nul: bytes, how: str):
    raw = CONFIG_WITH_PLAIN_HTTP.encode().replace(b"feature lldp", b"feature lldp" + nul)
    (tmp_path / "leaf01.cfg").write_bytes(raw)
    (tmp_path / "leaf02.cfg").write_bytes(CONFIG_WITH_PLAIN_HTTP.replace("leaf01", "leaf02").encode())
    paths = {"alone": [tmp_path / "leaf01.cfg"], "beside-another": [tmp_path / "leaf01.cfg", tmp_path / "leaf02.cfg"],
             "walked": [tmp_path]}[how]
    res = run("check", "--no-config", "-f", "json", *map(str, paths))
    assert res.returncode == 1, res.stderr
    data = json.loads(res.stdout)
    assert not data["unread"] and not data["skipped_files"]
    assert any(f["rule_id"] == "callhome-url-plain-http" and f["device"] == "leaf01" for f in data["findings"])


def _elf() -> bytes:
    return b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x02\x00>\x00" + bytes((i * 37 + 11) % 256 for i in range(4000))


def _png() -> bytes:
    import random
    import zlib

    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(13) + zlib.compress(random.Random(5).randbytes(6000))


@pytest.mark.parametrize("blob", [_elf(), _png()], ids=["elf", "png"])
def test_a_binary_named_is_unread_exit_2_and_walked_is_skipped(tmp_path: Path, blob: bytes):
    (tmp_path / "leaf02.cfg").write_bytes(CONFIG_WITH_PLAIN_HTTP.encode())
    (tmp_path / "blob.cfg").write_bytes(blob)
    named = run("check", "--no-config", "-f", "json", str(tmp_path / "blob.cfg"), str(tmp_path / "leaf02.cfg"))
    assert named.returncode == 2 and "blob.cfg" in named.stderr and "binary" in named.stderr
    assert [u["path"] for u in json.loads(named.stdout)["unread"]] == [str(tmp_path / "blob.cfg")]
    alone = run("check", "--no-config", str(tmp_path / "blob.cfg"))
    assert alone.returncode == 2 and "binary" in alone.stderr and "Traceback" not in alone.stderr
    walked = run("check", "--no-config", "-f", "json", str(tmp_path))
    assert walked.returncode == 1, walked.stderr
    data = json.loads(walked.stdout)
    assert [s["path"] for s in data["skipped_files"]] == [str(tmp_path / "blob.cfg")] and not data["unread"]
    assert "binary" in data["skipped_files"][0]["reason"]


def test_broken_rule_file_stops_before_reading_input(tmp_path: Path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "my-rule.yaml").write_text("id: my-rule\ntitle: x\n")
    res = run("check", "-r", str(rules), str(tmp_path / "never-read.txt"))
    assert res.returncode == 2
    assert "my-rule.yaml" in res.stderr and "never-read" not in res.stderr
    assert "Traceback" not in res.stderr


def test_internal_error_exit_3_with_short_message(monkeypatch):
    import diag.api

    def boom(*a, **k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(diag.api, "analyze", boom)
    res = CliRunner().invoke(cli, ["check", str(HIT)])
    assert res.exit_code == 3
    assert "internal error" in res.output and "simulated bug" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(cli, ["--debug", "check", str(HIT)])
    assert res.exit_code == 3 and "Traceback" in res.output


def test_parse_shows_facts_with_path_and_line():
    res = invoke("parse", str(HIT))
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert data["schema"] == "diag-facts/1"
    facts = data["devices"][0]["facts"]
    dest = next(f for f in facts if f["kind"] == "callhome.destination")
    assert dest["path"] == str(HIT) and dest["line"] == 19
    assert dest["fields"]["url"].startswith("http://tools.cisco.com/")
    assert dest["lines"]["url"] == 19


def test_rules_lists_every_rule(rulebook):
    res = invoke("rules")
    assert res.exit_code == 0
    for rule in rulebook.rules:
        assert rule.id in res.output
    data = json.loads(invoke("rules", "-f", "json").output)
    assert {r["id"] for r in data} == {r.id for r in rulebook.rules}
    assert all(set(r) >= {"id", "severity", "confidence", "area", "title"} for r in data)


def test_explain_every_rule(rulebook):
    for rule in rulebook.rules:
        res = invoke("explain", rule.id)
        assert res.exit_code == 0, rule.id
        out = res.output
        assert rule.title in out and "What it checks:" in out and "Why it matters:" in out
        assert "Example that fires it" in out and "What diag reports on it:" in out, rule.id
        assert "Fix (for this example):" in out


# a placeholder of a rule's templates as written in its YAML ({dest.url|https}, {now|date})
TEMPLATE = re.compile(r"\{[a-z_][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)?(?:\|[a-z_]+)*\}")


def test_explain_renders_every_template(rulebook):
    """What diag explain prints is filled with the values of the capture it shows (the
    verify commands and what they should show included): no raw {binding.field} template."""
    for rule in rulebook.rules:
        out = invoke("explain", rule.id).output
        assert not TEMPLATE.search(out), f"{rule.id}: {TEMPLATE.search(out).group(0)} in diag explain"


def test_explain_verify_uses_the_example_values():
    out = invoke("explain", "callhome-url-plain-http").output
    verify = out.split("Verify with", 1)[1].split("References:", 1)[0]
    assert "https://tools.cisco.com/its/service/oddce/services/DDCEService under 'url addresses configured:'" in verify
    out = invoke("explain", "communication-failed").output
    verify = out.split("Verify with", 1)[1].split("References:", 1)[0]
    assert "<a date after 20" in verify  # the example's own clock, as a date


def test_explain_without_an_example_shows_readable_placeholders(tmp_path: Path):
    """A site rule with no capture that fires it: each value reads as what stands there."""
    src = DATA / "site-rules" / "site-callhome-proxy-port.yaml"
    shutil.copy(src, tmp_path / src.name)
    res = invoke("explain", "-r", str(tmp_path), "site-callhome-proxy-port")
    assert res.exit_code == 0, res.output
    assert not TEMPLATE.search(res.output), res.output
    assert "transport http proxy server <proxy server> port 8080" in res.output


def test_explain_unknown_rule():
    res = run("explain", "callhome-nope")
    assert res.returncode == 2 and "unknown rule id" in res.stderr


@pytest.mark.parametrize("command", ["check", "parse", "rules", "explain", "facts"])
def test_every_command_has_help(command: str):
    res = invoke(command, "--help")
    assert res.exit_code == 0
    assert len(res.output.splitlines()) > 3


def test_no_arguments_on_a_terminal_is_a_usage_error(monkeypatch):
    class Tty:
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", Tty())
    from diag.cli import _paths
    import click

    with pytest.raises(click.UsageError):
        _paths(())


def test_installed_diag_finds_rules_from_any_directory(tmp_path: Path):
    """Run the console script from a folder outside the repository."""
    exe = shutil.which("diag", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("diag console script not installed in this environment")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    res = subprocess.run([exe, "rules"], capture_output=True, cwd=tmp_path, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    assert b"callhome-url-plain-http" in res.stdout
    res = subprocess.run([exe, "check", "-f", "json", str(HIT)], capture_output=True, cwd=tmp_path, env=env,
                         timeout=120)
    assert res.returncode == 1, res.stderr
    assert validate_report(res.stdout.decode("utf-8"))["findings"]


def test_text_report_names_an_input_with_nothing_recognised(tmp_path):
    prose = tmp_path / "notes.txt"
    prose.write_text("Call me when the maintenance window opens.\n" * 3)
    res = invoke("check", str(OK), str(prose))
    assert res.exit_code == 0
    assert f"note: {prose}: nothing recognised in its 3 line(s)" in res.output


STATUS_PASTE = """Smart Licensing is ENABLED

Registration:
  Status: UNREGISTERED
  Export-Controlled Functionality: Not Allowed

License Authorization:
  Status: EVAL MODE
  Evaluation Period Remaining: 80 days, 2 hours, 0 minutes, 0 seconds
"""


def test_a_small_paste_loads_only_what_it_needs(tmp_path):
    # start-up is most of a small paste's time: modules a plain check does not need stay unloaded
    # (the built-in rules' data comes from the rule cache, as JSON, warmed by the first run:
    # neither YAML nor the JSON Schema; the rules are compiled against diag.parsers.kinds: no
    # parser of an output it does not hold, nor the filters of '| include')
    paste = tmp_path / "status.txt"
    paste.write_text(STATUS_PASTE)
    probe = ("import sys, diag.cli; sys.argv = ['diag', 'check', sys.argv[1]]\n"
             "diag.cli._leave = sys.exit  # come back here instead of ending the process\n"
             "from diag.cli import main\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "heavy = ['yaml', 'jsonschema', 'multiprocessing', 'concurrent.futures', 'tomllib', 'hashlib', "
             "'gzip', 'importlib.resources', 'tempfile', 'ttp', 'pickle', 'diag.filters', "
             "'diag.parsers.running_config', 'diag.parsers.license_all']\n"
             "print('LOADED', [m for m in heavy if m in sys.modules], file=sys.stderr)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "diag", "check", str(paste)], capture_output=True, env=env, timeout=120)
    res = subprocess.run([sys.executable, "-c", probe, str(paste)], capture_output=True, cwd=tmp_path, env=env,
                         timeout=120)
    assert b"evaluation-mode" in res.stdout
    assert b"LOADED []" in res.stderr, res.stderr
