"""The pre-commit hook (.pre-commit-hooks.yaml), run for real by the pre-commit tool.

A temporary git repository of per-switch running-configs installs the ``diag`` hook of
this checkout and commits into it: a plain-HTTP Call Home URL is refused with its file
and line, a clean commit passes, a commit touching one file of a switch is judged with
the switch's other file, and a commit of unrelated text passes.

pre-commit installs hooks from a git repository at a revision, so the test commits a
snapshot of this checkout's working tree (tracked and untracked, not ignored, files)
into a repository of its own: the hook file and the code under test are what is on
disk, committed or not, here and in a clean CI clone. The hook's environment (a
virtualenv with diag installed from that snapshot) needs the package index; it is built
once per module in a shared PRE_COMMIT_HOME, and the module is skipped when pre-commit
is not installed or the index cannot be reached.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT


# What pip says when it cannot reach the package index (it then also reports "No matching
# distribution found", which alone could be a real dependency error: see _index_reachable).
NETWORK_ERRORS = (
    "Temporary failure in name resolution", "Name or service not known", "Network is unreachable",
    "NewConnectionError", "ConnectTimeout", "ReadTimeout", "Connection refused", "ProxyError",
    "Max retries exceeded", "No route to host",
)

# ---------------------------------------------------------------------------------------
# The configuration repository: leaf01 kept in two files (its running-config, and the
# 'show running-config callhome' capture the team keeps beside it), leaf02 in one file.

LEAF01_CFG = """\

!Command: show running-config
!Running configuration last done at: Tue Mar 14 10:02:17 2023
!Time: Tue Mar 14 10:05:41 2023

version 9.3(8) Bios:version 05.45
hostname leaf01
vdc leaf01 id 1
  limit-resource vlan minimum 16 maximum 4094
  limit-resource vrf minimum 2 maximum 4096
  limit-resource port-channel minimum 0 maximum 511

feature interface-vlan
feature lacp
feature lldp

username admin password 5 $5$NCGHLK$4vQ1rG8mY2tXbZ7wP0kLc9eJ3sA6dF5hU8iO1nB2qR/  role network-admin
ip domain-lookup
ip domain-name fabric.example.net
ip name-server 172.20.40.53
snmp-server contact noc@example.net
snmp-server location DC2 Hall B Row 4
ntp server 10.40.1.11 use-vrf management
ntp server 10.40.1.12 prefer use-vrf management
ntp source-interface mgmt0

ip http source-interface Vlan40
license smart enable

vlan 1,40
vlan 40
  name INFRA

vrf context management
  ip name-server 10.40.1.53 10.40.2.53
  ip route 0.0.0.0/0 10.40.0.1
ip route 0.0.0.0/0 172.20.40.1

interface Vlan1

interface Vlan40
  description infra SVI, reaches tools.cisco.com through the DC firewall
  no shutdown
  ip address 172.20.40.2/24

interface Ethernet1/1
  description srv-rack4-01
  switchport access vlan 40

interface Ethernet1/2
  description srv-rack4-02
  switchport access vlan 40

interface mgmt0
  vrf member management
  ip address 10.40.0.21/24
line console
  exec-timeout 15
line vty
  exec-timeout 15
boot nxos bootflash:/nxos.9.3.8.bin
"""

# Call Home sends in the default VRF (no 'transport http use-vrf'), like Vlan40.
LEAF01_CALLHOME_CFG = """\
leaf01# show running-config callhome

!Command: show running-config callhome
!Running configuration last done at: Tue Mar 14 10:02:17 2023
!Time: Tue Mar 14 10:06:02 2023

version 9.3(8) Bios:version 05.45
callhome
  email-contact noc@example.net
  phone-contact +1-408-555-0140
  streetaddress 170 West Tasman Dr, San Jose CA
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http https://tools.cisco.com/its/service/oddce/services/DDCEService
  enable

leaf01#
"""

HTTPS_URL = "https://tools.cisco.com/its/service/oddce/services/DDCEService"
PLAIN_URL = "http://tools.cisco.com/its/service/oddce/services/DDCEService"

LEAF02_CFG = f"""\

!Command: show running-config
!Running configuration last done at: Tue Mar 14 09:41:55 2023
!Time: Tue Mar 14 10:07:12 2023

version 9.3(8) Bios:version 05.45
hostname leaf02
vdc leaf02 id 1
  limit-resource vlan minimum 16 maximum 4094
  limit-resource vrf minimum 2 maximum 4096

feature interface-vlan
feature lacp
feature lldp

ip domain-lookup
ip domain-name fabric.example.net
snmp-server contact noc@example.net
ntp server 10.40.1.11 use-vrf management
ntp server 10.40.1.12 prefer use-vrf management
ntp source-interface mgmt0

ip http source-interface mgmt0
license smart enable

vlan 1,40
vlan 40
  name INFRA

vrf context management
  ip name-server 10.40.1.53 10.40.2.53
  ip route 0.0.0.0/0 10.40.0.1

interface Vlan1

interface Vlan40
  no shutdown
  ip address 172.20.40.3/24

interface Ethernet1/1
  description srv-rack5-01
  switchport access vlan 40

interface mgmt0
  vrf member management
  ip address 10.40.0.22/24
line console
  exec-timeout 15
line vty
  exec-timeout 15
boot nxos bootflash:/nxos.9.3.8.bin
callhome
  email-contact noc@example.net
  phone-contact +1-408-555-0140
  streetaddress 170 West Tasman Dr, San Jose CA
  destination-profile CiscoTAC-1 transport-method http
  destination-profile CiscoTAC-1 index 1 http {HTTPS_URL}
  transport http use-vrf management
  enable
"""

README_TXT = """\
Running configurations of the DC2 fabric, one file per switch (leaf01 keeps its
Call Home section in leaf01-callhome.cfg). Pushed by the nightly backup job.
"""


def line_of(text: str, needle: str) -> int:
    """The 1-based line number of the first line of ``text`` containing ``needle``."""
    for no, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return no
    raise AssertionError(f"{needle!r} not in the text")


# ---------------------------------------------------------------------------------------
# Running pre-commit


def _env(base: Path) -> dict[str, str]:
    """A fixed environment: no user git or pre-commit configuration, a known identity."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    home = base / "home"
    home.mkdir(exist_ok=True)
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n", encoding="utf-8")
    keep.update({
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": str(gitconfig),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "NetOps CI", "GIT_AUTHOR_EMAIL": "netops-ci@example.net",
        "GIT_COMMITTER_NAME": "NetOps CI", "GIT_COMMITTER_EMAIL": "netops-ci@example.net",
        "GIT_AUTHOR_DATE": "2023-03-14T10:10:00Z", "GIT_COMMITTER_DATE": "2023-03-14T10:10:00Z",
        "PRE_COMMIT_HOME": str(base / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
    })
    return keep


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          encoding="utf-8", errors="replace", timeout=timeout)


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    proc = _run(["git", *args], cwd, env)
    assert proc.returncode == 0, f"git {' '.join(args)} failed:\n{proc.stdout}"
    return proc.stdout


def _checkout_files() -> list[Path]:
    """The files of this checkout as they are on disk: tracked and untracked, not ignored."""
    proc = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if proc.returncode == 0 and proc.stdout:
        names = {n for n in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if n}
        return sorted(ROOT / n for n in names if (ROOT / n).is_file())  # not deleted, not a submodule
    skip = {".git", ".venv", "__pycache__", "build", "dist", ".pytest_cache", ".hypothesis"}
    return sorted(p for p in ROOT.rglob("*") if p.is_file()
                  and not any(part in skip or part.endswith(".egg-info") for part in p.relative_to(ROOT).parts))


def _indexes_reachable(output: str) -> bool:
    """Whether every package index pip looked in answers (PyPI when it does not say).

    A build that failed while they all answer is a real failure, not a network one."""
    said = re.search(r"Looking in indexes: (.+)", output)
    urls = [u.strip() for u in said.group(1).split(",")] if said else ["https://pypi.org/simple"]
    for url in map(urlsplit, urls):
        if url.scheme not in ("http", "https") or not url.hostname:
            continue  # a local folder or file:// index
        try:
            socket.create_connection((url.hostname, url.port or (443 if url.scheme == "https" else 80)),
                                     timeout=5).close()
        except OSError:
            return False
    return True


class Hook:
    """The diag hook of this checkout, installed once: a repository of the checkout at a
    commit, and a PRE_COMMIT_HOME holding the hook's built environment."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.env = _env(base)
        self.source = base / "diag-src"
        for path in _checkout_files():
            target = self.source / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        assert (self.source / ".pre-commit-hooks.yaml").is_file()
        _git(self.source, self.env, "init", "-q")
        _git(self.source, self.env, "add", "-A")
        _git(self.source, self.env, "commit", "-q", "-m", "diag snapshot for the pre-commit test")
        self.rev = _git(self.source, self.env, "rev-parse", "HEAD").strip()

    def config(self, args: list[str] | None = None) -> str:
        extra = f"\n        args: [{', '.join(args)}]" if args else ""
        return (f"repos:\n  - repo: {self.source.as_posix()}\n    rev: {self.rev}\n"
                f"    hooks:\n      - id: diag{extra}\n")

    def new_repo(self, path: Path, files: dict[str, str], args: list[str] | None = None) -> "ConfigRepo":
        path.mkdir(parents=True)
        _git(path, self.env, "init", "-q")
        (path / ".pre-commit-config.yaml").write_text(self.config(args), encoding="utf-8")
        repo = ConfigRepo(path, self)
        repo.write(files)
        proc = repo.pre_commit("install")
        assert proc.returncode == 0, proc.stdout
        return repo


class ConfigRepo:
    def __init__(self, path: Path, hook: Hook) -> None:
        self.path = path
        self.hook = hook

    def write(self, files: dict[str, str | None]) -> None:
        for name, text in files.items():
            if text is None:  # already on disk
                continue
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess:
        return _run([sys.executable, "-m", "pre_commit", *args], self.path, self.hook.env, timeout=600)

    def commit(self, files: dict[str, str | None], message: str, no_verify: bool = False) -> subprocess.CompletedProcess:
        """Write (None: as on disk) and stage ``files``, and commit them through the git hook."""
        self.write(files)
        _git(self.path, self.hook.env, "add", "--", *files)
        return _run(["git", "commit", "-m", message, *(["--no-verify"] if no_verify else [])],
                    self.path, self.hook.env)

    def commits(self) -> int:
        proc = _run(["git", "rev-list", "--count", "HEAD"], self.path, self.hook.env)
        return int(proc.stdout.strip()) if proc.returncode == 0 else 0

    def staged(self) -> list[str]:
        return _git(self.path, self.hook.env, "diff", "--cached", "--name-only").split()


@pytest.fixture(scope="module")
def hook(tmp_path_factory) -> Hook:
    """The hook with its environment built (once for the module, in a shared PRE_COMMIT_HOME)."""
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed (pip install pre-commit, or pip install '.[test]')")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hook = Hook(tmp_path_factory.mktemp("precommit"))
    seed = hook.new_repo(hook.base / "seed", {"README.txt": README_TXT})
    proc = seed.pre_commit("install-hooks")  # builds the environment: the slow part (~10 s)
    if proc.returncode != 0:
        if any(marker in proc.stdout for marker in NETWORK_ERRORS) or not _indexes_reachable(proc.stdout):
            said = [line.strip() for line in proc.stdout.splitlines() if "ERROR:" in line]
            pytest.skip("the pre-commit environment of the diag hook cannot be built offline "
                        f"(pip could not reach the package index: {said[0] if said else 'no answer'})")
        pytest.fail(f"pre-commit install-hooks failed:\n{proc.stdout}")
    return hook


@pytest.fixture()
def repo(hook, tmp_path) -> ConfigRepo:
    """A configuration repository with the hook installed and a first, clean commit."""
    repo = hook.new_repo(tmp_path / "configs", {})
    proc = repo.commit({"leaf01.cfg": LEAF01_CFG, "leaf01-callhome.cfg": LEAF01_CALLHOME_CFG,
                        "leaf02.cfg": LEAF02_CFG, "README.txt": README_TXT, ".pre-commit-config.yaml": hook.config()},
                       "DC2 fabric: running-configs")
    assert proc.returncode == 0, f"the clean first commit was refused:\n{proc.stdout}"
    assert "diag (NX-OS Smart Licensing and Call Home)" in proc.stdout and "Passed" in proc.stdout, proc.stdout
    return repo


# ---------------------------------------------------------------------------------------


def test_manifest_is_what_the_readme_documents():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["diag"]
    diag = hooks[0]
    assert diag["language"] == "python" and diag["entry"].startswith("diag check --context .")
    assert diag["require_serial"] is True and diag.get("pass_filenames", True) is True
    files = re.compile(diag["files"])
    for name in ("leaf01.cfg", "switches/leaf01/callhome.conf", "TAC/SR123/session.log", "show-tech.TXT"):
        assert files.search(name), name
    for name in ("leaf01.cfg.gz", "README.md", ".diag-baseline.json", "inventory.yaml"):
        assert not files.search(name), name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### pre-commit", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    assert "id: diag" in section and "--baseline" in section and "diag: ignore" in section


def test_context_run_skips_what_is_not_a_capture(tmp_path, monkeypatch):
    """What the hook relies on in diag itself, without pre-commit: an empty or binary touched
    file is no usage error, and context files are named as pre-commit names files."""
    from diag.api import Options, analyze

    (tmp_path / "leaf01.cfg").write_text(LEAF01_CFG, encoding="utf-8")
    (tmp_path / "leaf01-callhome.cfg").write_text(
        LEAF01_CALLHOME_CFG.replace("  enable\n", "  transport http use-vrf management\n  enable\n"), encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "blob.log").write_bytes(b"\x00\x01\x02 not text")
    monkeypatch.chdir(tmp_path)
    report = analyze(["empty.txt", "blob.log"], Options(context=(".",)))
    assert report.exit_code() == 0 and not report.unread and not report.devices
    assert sorted(p for p, _ in report.skipped_files) == ["blob.log", "empty.txt"]
    report = analyze(["leaf01-callhome.cfg"], Options(context=(".",)))
    assert [d.name for d in report.devices] == ["leaf01"]
    assert sorted(report.devices[0].inputs) == ["leaf01-callhome.cfg", "leaf01.cfg"]
    [finding] = [f for f in report.findings if f.rule_id == "http-source-interface-vrf-mismatch"]
    assert (finding.path, finding.line) == ("leaf01.cfg", line_of(LEAF01_CFG, "ip http source-interface Vlan40"))
    # without --context an empty file named on the command line is still an error
    assert analyze(["empty.txt", "leaf01.cfg"]).exit_code() == 2


def test_clean_commit_passes(repo):
    before = repo.commits()
    text = LEAF02_CFG.replace("  description srv-rack5-01", "  description srv-rack5-01 (moved to port 1/1)")
    proc = repo.commit({"leaf02.cfg": text}, "leaf02: port description")
    assert proc.returncode == 0, proc.stdout
    assert "Passed" in proc.stdout
    assert repo.commits() == before + 1


def test_plain_http_url_is_refused_with_file_and_line(repo):
    before = repo.commits()
    text = LEAF02_CFG.replace(f"index 1 http {HTTPS_URL}", f"index 1 http {PLAIN_URL}")
    proc = repo.commit({"leaf02.cfg": text}, "leaf02: Call Home URL")
    assert proc.returncode != 0, proc.stdout
    assert "Failed" in proc.stdout and "callhome-url-plain-http" in proc.stdout
    line = line_of(text, PLAIN_URL)
    assert f"leaf02.cfg:{line}:  destination-profile CiscoTAC-1 index 1 http {PLAIN_URL}" in proc.stdout
    assert repo.commits() == before  # the commit did not happen
    assert repo.staged() == ["leaf02.cfg"]


def test_second_file_of_a_device_is_judged_with_the_first(repo):
    # leaf01 sources HTTP from Vlan40 (default VRF) in leaf01.cfg; the commit moves Call
    # Home to VRF management in leaf01-callhome.cfg alone: known issue 1 of TechNote
    # 217965, visible only with both files of the switch.
    text = LEAF01_CALLHOME_CFG.replace("  enable\n", "  transport http use-vrf management\n  enable\n")
    proc = repo.commit({"leaf01-callhome.cfg": text}, "leaf01: Call Home through the management VRF")
    assert repo.staged() == ["leaf01-callhome.cfg"]
    assert proc.returncode != 0, proc.stdout
    assert "http-source-interface-vrf-mismatch" in proc.stdout
    # the finding points into the file the commit did not touch, with its own line numbers
    assert f"leaf01.cfg:{line_of(LEAF01_CFG, 'ip http source-interface Vlan40')}:  ip http source-interface Vlan40" \
        in proc.stdout
    assert f"leaf01-callhome.cfg:{line_of(text, 'use-vrf management')}:  transport http use-vrf management" \
        in proc.stdout
    # leaf02 is not reported: no file of it was touched
    assert "leaf02" not in proc.stdout

    # the same commit with the matching source interface in the first file passes
    fixed = LEAF01_CFG.replace("ip http source-interface Vlan40", "ip http source-interface mgmt0")
    proc = repo.commit({"leaf01-callhome.cfg": text, "leaf01.cfg": fixed}, "leaf01: Call Home through management")
    assert proc.returncode == 0, proc.stdout


def test_problem_of_another_device_does_not_block(repo):
    # leaf02's plain-HTTP URL got in without the hook (git commit --no-verify) ...
    text = LEAF02_CFG.replace(f"index 1 http {HTTPS_URL}", f"index 1 http {PLAIN_URL}")
    assert repo.commit({"leaf02.cfg": text}, "leaf02: emergency change", no_verify=True).returncode == 0
    # ... a commit on leaf01 is judged on leaf01 only
    text = LEAF01_CFG.replace("  description srv-rack4-02", "  description srv-rack4-02 (new NIC)")
    proc = repo.commit({"leaf01.cfg": text}, "leaf01: port description")
    assert proc.returncode == 0, proc.stdout
    # ... and a whole-repository run (CI: pre-commit run --all-files) finds it
    proc = repo.pre_commit("run", "--all-files")
    assert proc.returncode != 0, proc.stdout
    assert f"leaf02.cfg:{line_of(LEAF02_CFG, 'CiscoTAC-1 index 1')}:" in proc.stdout


def test_commit_of_non_capture_text_passes(repo):
    proc = repo.commit({"README.txt": README_TXT + "\nleaf03 arrives in April.\n"}, "README: leaf03")
    assert proc.returncode == 0, proc.stdout
    assert "Passed" in proc.stdout
    # an empty placeholder file holds nothing to analyse either: it passes, it is no usage error
    proc = repo.commit({"notes/empty.txt": "", "CHANGES.log": "2023-03-14 leaf01 Call Home moved\n"}, "placeholders")
    assert proc.returncode == 0, proc.stdout


def test_inline_suppression_and_baseline(repo):
    # an inline comment on the line above accepts one finding, with its reason
    text = LEAF02_CFG.replace(
        f"  destination-profile CiscoTAC-1 index 1 http {HTTPS_URL}",
        "  ! diag: ignore callhome-url-plain-http -- lab switch behind the TLS-intercepting proxy\n"
        f"  destination-profile CiscoTAC-1 index 1 http {PLAIN_URL}")
    proc = repo.commit({"leaf02.cfg": text}, "leaf02: lab URL, accepted inline")
    assert proc.returncode == 0, proc.stdout

    # a baseline accepts what is there now (leaf01 as found: HTTP source in the wrong VRF);
    # a new finding still fails
    callhome = LEAF01_CALLHOME_CFG.replace("  enable\n", "  transport http use-vrf management\n  enable\n")
    assert repo.commit({"leaf01-callhome.cfg": callhome}, "leaf01 as found", no_verify=True).returncode == 0
    write = _run([sys.executable, "-m", "diag", "check", "--write-baseline", ".diag-baseline.json", "."],
                 repo.path, repo.hook.env)
    assert write.returncode == 0, write.stdout
    config = repo.hook.config(["--baseline", ".diag-baseline.json"])
    proc = repo.commit({".pre-commit-config.yaml": config, ".diag-baseline.json": None,
                        "leaf01.cfg": LEAF01_CFG.replace("  description srv-rack4-02", "  description srv-rack4-02 (new)")},
                       "leaf01: accept its findings in a baseline")
    assert proc.returncode == 0, proc.stdout
    worse = callhome.replace(HTTPS_URL, PLAIN_URL)
    proc = repo.commit({"leaf01-callhome.cfg": worse}, "leaf01: plain HTTP")
    assert proc.returncode != 0 and "callhome-url-plain-http" in proc.stdout, proc.stdout
    assert "http-source-interface-vrf-mismatch" not in proc.stdout  # accepted in the baseline


def test_a_config_without_a_header_is_judged_whole(repo):
    """A configuration rendered from a template has no '!Command:' header and no 'version'
    line: the hook declares the files it checks whole (--whole-config-default '**'), so
    known issue 1 is refused as in a config with its header; a project's own whole-config
    key says otherwise."""
    rendered = "\n".join(line for line in LEAF01_CFG.splitlines()
                         if not line.startswith(("!", "version "))) + "\n"
    callhome = LEAF01_CALLHOME_CFG.replace("  enable\n", "  transport http use-vrf management\n  enable\n")
    proc = repo.commit({"leaf03.cfg": rendered.replace("leaf01", "leaf03"),
                        "leaf03-callhome.cfg": callhome.replace("leaf01", "leaf03")}, "leaf03: rendered")
    assert proc.returncode != 0, proc.stdout
    assert "http-source-interface-vrf-mismatch" in proc.stdout
    assert f"leaf03.cfg:{line_of(rendered, 'ip http source-interface Vlan40')}:" in proc.stdout
    # this project says none of its files is whole: the rule is not evaluated and the commit
    # passes (the report says how to declare the file: tests/test_whole_config.py)
    proc = repo.commit({".diag.yaml": "whole-config: []\n", "leaf03.cfg": None, "leaf03-callhome.cfg": None},
                       "leaf03 with no file declared whole")
    assert proc.returncode == 0, proc.stdout


def test_a_realistic_repository_baselined_as_the_readme_says_passes_all_files(hook, tmp_path):
    """The repository of tests/test_config_repository.py (labs on traditional licensing,
    Smart Licensing done right and wrong, e-mail-only Call Home, dated backups, two sites
    with one host name, a capture cut short): `pre-commit run --all-files` fails on the
    planted problems only; after `diag check --write-baseline .diag-baseline.json .` and the
    hook given `--baseline .diag-baseline.json`, it passes."""
    from test_config_repository import REPO, _planted

    repo = hook.new_repo(tmp_path / "fleet", {name: text for name, (text, _) in REPO.items()})
    assert repo.commit({name: None for name in REPO}, "the fleet as found", no_verify=True).returncode == 0
    first = repo.pre_commit("run", "--all-files")
    assert first.returncode != 0, first.stdout
    reported = set(re.findall(r"^\s*(\S+?):(\d+): ", first.stdout, re.M))
    assert {(name, str(line)) for _, name, line in _planted()} <= reported, first.stdout
    assert len({rule for rule, _, _ in _planted()} | set(re.findall(r"\b(?:ERROR|WARNING)\s+(\S+)", first.stdout))) \
        == len({rule for rule, _, _ in _planted()}), first.stdout  # nothing but the planted rules
    write = _run([sys.executable, "-m", "diag", "check", "--write-baseline", ".diag-baseline.json", "."],
                 repo.path, repo.hook.env)
    assert write.returncode == 0, write.stdout
    (repo.path / ".pre-commit-config.yaml").write_text(hook.config(["--baseline", ".diag-baseline.json"]),
                                                       encoding="utf-8")
    again = repo.pre_commit("run", "--all-files")
    assert again.returncode == 0, again.stdout
