"""``diag collect``: gather from live switches exactly what the rules need, read-only.

One device goes like this (:func:`collect_device`):

1. ``show clock`` first: the saved capture carries its own clock, so a check run later
   judges it at the time it was taken.
2. Rounds: the check runs on what the device has given so far (``diag.api.analyze`` on
   the session log being written) and its *collect next* list, most useful first, is
   what to ask (before anything is known: the list for a device with no output). The
   follow-ups come the same way, from the rules: the SAP number of the busiest MTS queue
   from ``show system internal mts buffers summary`` before ``show system internal mts
   sup sap N description``; ``ping``/``telnet`` to the licensing host in the VRF Call
   Home uses, once the configuration that names them is read (probes wait until no
   other command is asked); ``show crypto ca certificates`` only once a TLS or IPC
   symptom makes a rule ask for it. A command is asked once. The rounds stop when the
   list asks nothing new (``MAX_ROUNDS`` at most).
3. Every command passes ``diag.readonly.allowed`` (the allow-list) in :func:`_send`, the
   one function that types on the switch; the driver's own session set-up and log-out go
   through it too (:func:`_on_open`, :func:`_on_close`).

The log is written as ``<prompt> <command>`` then the output, the form ``diag check``
reads. Fleets run through Nornir's threaded runner with the nornir-scrapli connection
plugin (:func:`run`); a single host from the command line is a one-host inventory, so
there is one way to run. Scrapli, Nornir and nornir-scrapli are imported here only,
inside the functions that need them: ``diag check`` never loads them.

Credentials: the password (when there is one) lives in the inventory objects in memory
and goes to the SSH client; it is never written, logged or put into a message
(:func:`_scrub` takes it out of any text that reaches a message, in case a library quotes
it). Nothing here prints: progress goes to the ``on_event`` callback the CLI passes.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field

from diag import readonly
from diag.errors import DiagError

MAX_ROUNDS = 6  # asking rounds per device (the rules need 3 at most today; a bound, not a target)
PLATFORMS = {"cisco_nxos", "nxos"}  # inventory platforms diag collect talks to (nornir-scrapli names)
EXTRA_REQUIRES = ("scrapli", "nornir", "nornir_scrapli")
INSTALL_HINT = "diag collect needs the 'collect' extra: pip install 'nxos-diag[collect]'"
# connection options an inventory may set for scrapli (connection_options.scrapli.extras);
# the others (on_open, channel_log, transport_options...) could type or write what diag does not
INVENTORY_EXTRAS = frozenset({"auth_strict_key", "ssh_config_file", "ssh_known_hosts_file", "auth_private_key",
                              "transport", "timeout_socket", "timeout_transport", "timeout_ops"})
TRANSPORTS = ("system", "paramiko")
# what a connected telnet probe prints; the collector then lets go of the connection
_TELNET_CONNECTED = "Escape character is"
# the switch did not take the command (not: a ping's '% Invalid host/interface', an answer)
_REFUSED_BY_SWITCH = re.compile(r"\s*% (?:Invalid (?:command|parameter|input|number)|Incomplete command|"
                                r"Ambiguous command|Permission denied)", re.I)
_NAME_OK = re.compile(r"[^A-Za-z0-9._-]+")
_HOSTNAME = re.compile(r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})|\[?[0-9A-Fa-f:.]+\]?)")
_USERNAME = re.compile(r"[A-Za-z0-9_.@+\\-][A-Za-z0-9_.@+\\$-]{0,63}")


def missing_extra() -> str | None:
    """The install hint when the collect stack is not installed, else None."""
    import importlib.util

    for name in EXTRA_REQUIRES:
        if importlib.util.find_spec(name) is None:
            return INSTALL_HINT
    return None


@dataclass
class Settings:
    """How to connect and how long to wait."""

    username: str | None = None
    password: str | None = field(default=None, repr=False)
    private_key: str | None = None
    transport: str = "system"
    strict_host_key: bool = True
    ssh_config: str | bool = True  # True: ~/.ssh/config (the system transport's own); a path; False: none
    timeout_connect: float = 15.0
    timeout_command: float = 60.0
    timeout_device: float = 600.0
    workers: int = 10
    max_rounds: int = MAX_ROUNDS


@dataclass
class DeviceResult:
    """What became of one device."""

    name: str
    ok: bool = False
    reason: str = ""  # why it failed (one line, no secret)
    path: str | None = None  # the session log written (a partial one when it failed after connecting)
    file: str | None = None  # its file name in the output folder
    device: str | None = None  # the name the switch's prompt gives
    commands: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # commands the switch answered '% Invalid command'
    refused: list[str] = field(default_factory=list)  # what the allow-list refused to send
    rounds: int = 0
    capped: bool = False  # the rounds stopped at Settings.max_rounds with commands still to ask
    seconds: float = 0.0


class _Timeout(Exception):
    pass


def _scrub(text: str, secrets) -> str:
    """``text`` with every secret taken out (belt and braces: no library is trusted not
    to quote what it was given)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "********")
    return text


def safe_name(name: str) -> str:
    """A file name for a device: letters, digits, '.', '_' and '-' only, never hidden."""
    return _NAME_OK.sub("_", name).lstrip(".") or "device"


# ---------------------------------------------------------------------------------------
# the one function that types on a switch


def _send(conn, command: str, timeout: float) -> tuple[str, bool]:
    """Send one allowed command; (output, answered as an invalid command)."""
    command = readonly.allowed(command)
    if command.startswith("telnet "):
        return _telnet(conn, command, timeout), False
    text = conn.send_command(command, timeout_ops=timeout).result
    return text, _REFUSED_BY_SWITCH.match(text) is not None


def _telnet(conn, command: str, timeout: float) -> str:
    """The TCP probe: open, and let go at once if it connected (Ctrl-] then quit)."""
    channel = conn.channel
    _raw, out = channel.send_input_and_read(command, expected_outputs=[_TELNET_CONNECTED], read_duration=timeout)
    text = out.decode(errors="replace")
    tail = text.rstrip().splitlines()[-1:] if text.strip() else []
    if _TELNET_CONNECTED in text and not (tail and re.search(conn.comms_prompt_pattern, tail[0], re.M)):
        escape, quit_ = readonly.TELNET_CLOSE  # only ever sent here, after a connected probe
        channel.write(escape)
        _raw, rest = channel.send_input_and_read(quit_, read_duration=timeout)
        text += "\n" + rest.decode(errors="replace")
    return text.strip("\n")


def _on_open(conn) -> None:
    """The session's set-up, through the allow-list (no enable, no configuration mode)."""
    prompt = conn.get_prompt()
    if "(config" in prompt or not prompt.rstrip().endswith("#"):
        raise DiagError(f"the switch answered with the prompt {prompt!r}, not an exec prompt ('name#')")
    # the session is where NX-OS puts an SSH login and where diag stays: the driver need
    # not look for another privilege level (it would type 'enable' or 'end' to reach one)
    levels = getattr(conn, "privilege_levels", {})
    if "privilege_exec" in levels:
        conn._current_priv_level = levels["privilege_exec"]
    for command in ("terminal length 0", "terminal width 511"):
        conn.send_command(readonly.allowed(command))


def _on_close(conn) -> None:
    conn.channel.write(readonly.allowed("exit"))
    conn.channel.send_return()


# ---------------------------------------------------------------------------------------
# what to ask next: the engine's collect-next list


def plan(book, path: str | None, asked: set[str], lock: threading.Lock, refused: list[str],
         overrides: dict | None = None) -> list[str]:
    """The commands to ask next: the check's collect-next list on the log so far (the list
    for a device with nothing yet when the log holds nothing diag reads), minus what was
    asked, in its order; probes only once nothing else is left to ask."""
    from diag.api import Options, analyze
    from diag.devices import Device
    from diag.engine import judge

    entries: list[str] | None = None
    with lock:  # the rule book's caches are shared by the threads of a fleet
        if path is not None:
            try:
                report = analyze([path], Options(), rules=book)
                entries = [c.command for c in report.outcome.collect_next]
            except DiagError:
                entries = None  # nothing diag reads yet
        if entries is None:
            now = dt.datetime.now(dt.timezone.utc)
            entries = [c.command for c in judge(book, Device("", ""), now).collect_next]
    out: list[str] = []
    for entry in entries:
        if "<" in entry:  # a value the device has not given (the SAP number of a queue): nothing to ask
            continue
        entry = _override_probe(entry, overrides or {})
        try:
            command = readonly.from_collect_next(entry)
        except readonly.RefusedCommand as exc:
            if str(exc) not in refused:
                refused.append(str(exc))
            continue
        if command not in asked and command not in out:
            out.append(command)
    whole = "show running-config" in out
    out = [c for c in out if not (whole and c.startswith("show running-config "))]
    others = [c for c in out if not c.startswith(("ping ", "telnet "))]
    return others or out


def _override_probe(entry: str, overrides: dict) -> str:
    """A probe with the inventory's ``diag_probe_host`` / ``diag_probe_vrf`` in place of
    the host and VRF the capture gave (the values are checked like any other)."""
    words = entry.split(" ")
    if words[0] not in ("ping", "telnet") or not overrides:
        return entry
    host, vrf = overrides.get("diag_probe_host"), overrides.get("diag_probe_vrf")
    if host is not None:
        words[1] = str(host)
    if vrf is not None and "vrf" in words:
        i = words.index("vrf")
        words[i + 1:i + 2] = [str(vrf)]
    return " ".join(words)


# ---------------------------------------------------------------------------------------
# one device


def collect_device(conn, name: str, path: str, book, settings: Settings, lock: threading.Lock,
                   started: float, result: DeviceResult, overrides: dict | None = None,
                   on_event=None) -> None:
    """Ask a connected switch what the rules need and write its session log at ``path``."""
    deadline = started + settings.timeout_device
    prompt = conn.get_prompt().strip()
    result.device = prompt.rstrip("#").strip() or None
    asked: set[str] = set()

    def ask(command: str) -> None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Timeout(f"timed out: the device took more than {settings.timeout_device:g} s "
                           f"(--device-timeout) before '{command}'")
        wait = min(settings.timeout_command, left)
        asked.add(command)
        try:
            output, invalid = _send(conn, command, wait)
        except readonly.RefusedCommand as exc:
            result.refused.append(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - mapped to one line by _reason
            if _is_timeout(exc):
                raise _Timeout(f"timed out: '{command}' gave no prompt back within {wait:g} s "
                               "(--command-timeout)") from None
            raise
        with open(path, "a", encoding="utf-8", newline="\n") as log:
            log.write(f"{prompt} {command}\n")
            if output:
                log.write(output.rstrip("\n") + "\n")
        result.commands.append(command)
        if invalid:
            result.invalid.append(command)
        if on_event is not None:
            on_event(name, f"{command}{'  (% Invalid command)' if invalid else ''}", "command")

    open(path, "w", encoding="utf-8").close()
    ask("show clock")
    for _ in range(settings.max_rounds):
        todo = plan(book, path, asked, lock, result.refused, overrides)
        if not todo:
            break
        result.rounds += 1
        for command in todo:
            ask(command)
    else:
        result.capped = bool(plan(book, path, asked, lock, result.refused, overrides))


def _is_timeout(exc: BaseException) -> bool:
    name = type(exc).__name__
    return "Timeout" in name or isinstance(exc, TimeoutError)


def _reason(exc: BaseException, secrets) -> str:
    """One line saying why a device failed, with no secret in it."""
    name = type(exc).__name__
    text = " ".join(str(exc).split())
    if isinstance(exc, (_Timeout, DiagError)):
        why = text
    elif re.search(r"(?i)timed out connecting|banner exchange", text):
        # scrapli raises these as authentication failures: the switch never got that far
        why = "timed out: no SSH greeting from the switch within the connect timeout (--connect-timeout)"
    elif name == "ScrapliConnectionNotOpened" and exc.__cause__ is not None:
        # paramiko's handshake failed; scrapli's own message is about calling open()
        cause = " ".join(str(exc.__cause__).split()) or type(exc.__cause__).__name__
        why = f"no SSH session: the switch did not complete the SSH handshake ({cause})"
    elif "Authentication" in name or re.search(r"(?i)auth\w* fail|permission denied|password prompt seen", text):
        why = "login refused (authentication failed)"
    elif _is_timeout(exc):
        why = f"timed out: {text or 'no answer'}"
    elif isinstance(exc, ConnectionRefusedError) or re.search(r"(?i)connection refused", text):
        why = "connection refused"
    elif re.search(r"(?i)host key|known_hosts", text):
        why = "the switch's SSH host key is unknown or changed (add it to known_hosts, or --no-host-key-check)"
    else:
        why = f"{name}: {text}" if text else name
    return _scrub(why, secrets)[:300]


# ---------------------------------------------------------------------------------------
# targets and the fleet


@dataclass
class Target:
    """A host given on the command line: [user@]host[:port]."""

    name: str
    hostname: str
    port: int | None = None
    username: str | None = None


def parse_host(text: str) -> Target:
    """``[user@]host[:port]`` (``[::1]:22`` for an IPv6 address with a port)."""
    user, _, rest = text.rpartition("@")
    port = None
    m = re.fullmatch(r"\[([^\]]+)\](?::(\d+))?", rest)
    if m:
        host, port = m.group(1), m.group(2)
    elif rest.count(":") == 1:
        host, port = rest.split(":")
    else:
        host = rest
    if port is not None and not (port.isdigit() and 0 < int(port) < 65536):
        raise DiagError(f"{text}: the port must be a number from 1 to 65535")
    return Target(text, host, int(port) if port else None, user or None)


def _check_host(name: str, hostname, port, username) -> str | None:
    """Why a host's connection values cannot be used (a hostile inventory), else None."""
    if not isinstance(hostname, str) or not _HOSTNAME.fullmatch(hostname) or hostname.startswith("-"):
        return f"refused: the host name {hostname!r} is not a DNS name or an address"
    if port is not None and (not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536):
        return f"refused: the port {port!r} is not a number from 1 to 65535"
    if username is not None and (not isinstance(username, str) or not _USERNAME.fullmatch(username)):
        return "refused: the user name holds characters an SSH login name does not"
    return None


def load_inventory(path: str):
    """A Nornir SimpleInventory: ``path`` is its hosts file; ``groups.yaml`` and
    ``defaults.yaml`` beside it are read when they exist."""
    from nornir.plugins.inventory.simple import SimpleInventory

    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isfile(path):
        raise DiagError(f"{path}: no such inventory file")
    try:
        inv = SimpleInventory(host_file=path, group_file=os.path.join(folder, "groups.yaml"),
                              defaults_file=os.path.join(folder, "defaults.yaml")).load()
    except Exception as exc:  # noqa: BLE001 - a YAML or structure error of the user's file
        first = " ".join(str(exc).split())[:200]
        raise DiagError(f"{path}: not a Nornir SimpleInventory hosts file ({type(exc).__name__}: {first})") from None
    if not inv.hosts:
        raise DiagError(f"{path}: the inventory names no host")
    return inv


def inventory_of(targets: list[Target], inventory=None):
    """One Nornir inventory: the file's (if any) plus the hosts given on the command line."""
    from nornir.core.inventory import Defaults, Groups, Host, Hosts, Inventory

    if inventory is None:
        inventory = Inventory(hosts=Hosts(), groups=Groups(), defaults=Defaults())
    for t in targets:
        if t.name in inventory.hosts:
            raise DiagError(f"{t.name}: named twice (on the command line and in the inventory)")
        inventory.hosts[t.name] = Host(name=t.name, hostname=t.hostname, port=t.port, username=t.username,
                                       defaults=inventory.defaults)
    return inventory


def _prepare(host, settings: Settings) -> tuple[dict | None, str | None]:
    """The scrapli parameters for a host (inventory values, then the command line's where
    the inventory says nothing; the options that make diag read-only always), or why the
    host cannot be used."""
    from nornir.core.inventory import ConnectionOptions

    params = host.get_connection_parameters("scrapli")
    hostname = params.hostname or host.name
    username = params.username or settings.username
    password = params.password if params.password is not None else settings.password
    platform = params.platform or "cisco_nxos"
    problem = _check_host(host.name, hostname, params.port, username)
    if problem:
        return None, problem
    if platform not in PLATFORMS:
        return None, f"refused: platform {platform!r} is not NX-OS (diag collect talks to cisco_nxos)"
    given = dict(params.extras or {})
    unknown = sorted(set(given) - INVENTORY_EXTRAS)
    if unknown:
        return None, (f"refused: connection option(s) {', '.join(unknown)} are not accepted by diag collect "
                      f"(it accepts {', '.join(sorted(INVENTORY_EXTRAS))})")
    transport = given.get("transport", settings.transport)
    if transport not in TRANSPORTS:
        return None, f"refused: transport {transport!r} (diag collect uses {' or '.join(TRANSPORTS)})"
    extras = {
        "auth_strict_key": settings.strict_host_key, "ssh_config_file": settings.ssh_config,
        "timeout_socket": settings.timeout_connect, "timeout_transport": settings.timeout_command,
        "timeout_ops": settings.timeout_command, **given,
        # never from the inventory: what types on the switch, and no channel log (it would hold the session)
        "transport": transport, "on_open": _on_open, "on_close": _on_close, "channel_log": False,
    }
    wait = extras["timeout_socket"]
    if transport == "system" and isinstance(wait, (int, float)) and wait % 1:
        # scrapli hands OpenSSH ConnectTimeout=int(seconds): 0.5 would become 0, no limit at all
        extras["timeout_socket"] = math.ceil(wait)
    if not username and transport == "paramiko":
        # OpenSSH picks ~/.ssh/config's User or the login name by itself; paramiko needs one
        import getpass

        try:
            username = getpass.getuser()
        except (KeyError, OSError):
            username = ""
    if settings.private_key and "auth_private_key" not in given:
        extras["auth_private_key"] = settings.private_key
    host.connection_options["scrapli"] = ConnectionOptions(
        hostname=hostname, port=params.port or 22, username=username or "", password=password or "",
        platform="cisco_nxos", extras=extras)
    secrets = [password] if password else []
    return {"secrets": secrets, "hostname": hostname}, None


def _quiet_libraries() -> None:
    """The libraries log connection errors (with tracebacks) to loggers nobody set up,
    which Python then prints on stderr: diag reports each failure in one line instead."""
    for name in ("nornir", "scrapli", "paramiko", "scrapli_community"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
        logger.propagate = False


def _task(task, settings: Settings, book, lock, workdir: str, names: dict, on_event):
    from nornir.core.task import Result

    host = task.host
    result = DeviceResult(host.name)
    started = time.monotonic()
    prepared, problem = _prepare(host, settings)
    if problem:
        result.reason = problem
        return Result(host=host, result=result)
    secrets = prepared["secrets"]
    path = os.path.join(workdir, names[host.name])
    overrides = {k: v for k, v in host.items() if k in ("diag_probe_host", "diag_probe_vrf")}
    try:
        if on_event is not None:
            on_event(host.name, f"connecting to {prepared['hostname']}", "start")
        conn = host.get_connection("scrapli", task.nornir.config)
        if on_event is not None:
            on_event(host.name, f"connected ({time.monotonic() - started:.1f} s)", "connected")
        collect_device(conn, host.name, path, book, settings, lock, started, result, overrides, on_event)
        result.ok = not result.refused
        if result.refused:
            result.reason = result.refused[0]
    except BaseException as exc:  # noqa: BLE001 - every failure is this device's, reported in one line
        if isinstance(exc, KeyboardInterrupt):
            raise
        result.reason = _reason(exc, secrets)
    finally:
        try:
            host.close_connections()
        except Exception:  # noqa: BLE001 - a session that broke cannot be closed cleanly
            pass
        result.seconds = time.monotonic() - started
        if os.path.exists(path) and os.path.getsize(path) > 0:
            result.path = path
    return Result(host=host, result=result)


def run(targets: list[Target], settings: Settings, inventory_path: str | None = None, book=None,
        on_event=None) -> tuple[list[DeviceResult], str]:
    """Collect from every host (Nornir's threaded runner, ``settings.workers`` at a time)
    into a new private folder; returns the results in host order and that folder (the
    caller moves the logs where they go, then removes it)."""
    from nornir.core import Nornir
    from nornir.core.configuration import Config
    from nornir.core.plugins.connections import ConnectionPluginRegister
    from nornir.plugins.runners import ThreadedRunner
    from nornir_scrapli.connection import CONNECTION_NAME, ScrapliCore

    from diag.rulebook import load_rules

    _quiet_libraries()
    if settings.transport not in TRANSPORTS:
        raise DiagError(f"--transport must be one of {', '.join(TRANSPORTS)}")
    if settings.transport == "system" and shutil.which("ssh") is None:
        settings.transport = "paramiko"  # no OpenSSH client: the fallback
    book = book or load_rules(())
    inventory = inventory_of(targets, load_inventory(inventory_path) if inventory_path else None)
    if CONNECTION_NAME not in ConnectionPluginRegister.available:
        ConnectionPluginRegister.register(CONNECTION_NAME, ScrapliCore)
    names = {name: f"{n}.log" for n, name in enumerate(inventory.hosts)}
    workdir = tempfile.mkdtemp(prefix="diag-collect-")  # 0700: nobody else reads the sessions
    lock = threading.Lock()
    nr = Nornir(inventory=inventory, runner=ThreadedRunner(num_workers=max(1, settings.workers)), config=Config())
    try:
        agg = nr.run(task=_task, name="diag collect", on_failed=True, settings=settings, book=book, lock=lock,
                     workdir=workdir, names=names, on_event=on_event)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    results = []
    for name in inventory.hosts:
        multi = agg.get(name)
        res = multi[0].result if multi and isinstance(multi[0].result, DeviceResult) else None
        if res is None:  # the task itself broke (a bug): say so for this device, no traceback
            exc = multi[0].exception if multi else None
            res = DeviceResult(name, reason=_reason(exc, [settings.password]) if exc else "no result")
        results.append(res)
    # file names: an inventory host's name; a host given on the command line is named by
    # its prompt (the switch's own name), else by its address
    given = {t.name: t for t in targets}
    taken: set[str] = set()
    for res in results:
        if res.path is None:
            continue
        t = given.get(res.name)
        base = safe_name(res.device or t.hostname) if t is not None else safe_name(res.name)
        candidate, n = base, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate.lower())
        res.file = candidate + ".log"
    return results, workdir
