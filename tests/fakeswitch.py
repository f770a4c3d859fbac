"""A fake NX-OS fleet for the ``diag collect`` tests and benchmark: fakenos SSH servers on
127.0.0.1, on free ports, with the ``cisco_nxos`` platform at a ``name#`` prompt, each host
answering the outputs of one of the project's own captures (samples/ and the rules'
.hit.txt files), keyed by the command ``diag collect`` types for them.

Only loopback addresses; nothing here reaches out.
"""

from __future__ import annotations

import contextlib
import re
import socket
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INVALID = "% Invalid command at '^' marker."
USER = "diag"
PROMPT = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)# ?(?P<command>.*)$")


def reserve_port() -> socket.socket:
    """A socket bound to a free port of 127.0.0.1, to hold until the fake server listening
    there has started: meanwhile no other bind to port 0 (another test process's fleet)
    and no outgoing connection can be given the port. fakenos binds its server socket
    with SO_REUSEADDR and SO_REUSEPORT, so it binds beside this one; the kernel never
    picks, for a bind to port 0, a port that is already bound."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if hasattr(socket, "SO_REUSEPORT"):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind(("127.0.0.1", 0))
    return s


def _typed_form(command: str) -> str | None:
    """The command ``diag collect`` sends for a command typed in a capture (abbreviations
    expanded, a filter dropped: the fake answers the whole command with what the capture
    shows), or None for one it never sends."""
    from diag.commands import resolve

    res = resolve(command)
    if not res.supported:
        return None
    words = list(res.words)
    if res.spec.name == "ping":
        params = res.params
        return f"ping {params.get('host')} vrf {params.get('vrf', 'default')} count 5"
    if res.spec.name == "telnet":
        params = res.params
        return f"telnet {params.get('host')} {params.get('port', 23)} vrf {params.get('vrf', 'default')}"
    return " ".join(words)


def _filtered(command: str) -> bool:
    from diag.commands import resolve

    res = resolve(command)
    # a filtered log reads as a log holding those lines; other filtered outputs are not whole
    return res.filtered and not (res.spec is not None and res.spec.filter_keeps_coverage)


def outputs_of(capture: str | Path) -> tuple[str, dict[str, str]]:
    """(the device name, {command diag collect sends: output}) from a session capture."""
    name, outputs, current, lines = None, {}, None, []

    def flush():
        if current is not None:
            key = _typed_form(current)
            if key is not None and key not in outputs and not _filtered(current):
                outputs[key] = "\n".join(lines).strip("\n")

    for line in Path(capture).read_text(encoding="utf-8").splitlines():
        m = PROMPT.match(line)
        if m:
            flush()
            name = name or m.group("name")
            current, lines = m.group("command").strip() or None, []
        else:
            lines.append(line)
    flush()
    return name or "switch", outputs


class FakeFleet:
    """``with FakeFleet({"leaf01": outputs, ...}, password=...) as fleet``: one fakenos
    SSH server per host; ``fleet.ports[name]``. An output may be a callable (fakenos
    calls it with the device and the command; ``hang`` sleeps)."""

    def __init__(self, hosts: dict[str, dict], password: str):
        from fakenos import FakeNOS
        from fakenos.core.nos import Nos

        # the cisco_nxos platform's prompts, without its canned outputs (another switch's
        # show version...): each host answers its own capture's outputs, and nothing else
        nos = Nos(name="diag_cisco_nxos", initial_prompt="{base_prompt}#",
                  commands={"terminal length 0": {"output": None, "help": "no pager"},
                            "terminal width 511": {"output": None, "help": "wide lines"}})
        self._held = {name: reserve_port() for name in hosts}
        self.ports = {name: held.getsockname()[1] for name, held in self._held.items()}
        inventory = {
            "default": {"username": USER, "password": password,
                        "server": {"plugin": "ParamikoSshServer",
                                   "configuration": {"address": "127.0.0.1", "timeout": 1}}},
            "hosts": {},
        }
        for name, outputs in hosts.items():
            commands = {"_default_": {"output": INVALID}}
            for command, output in outputs.items():
                commands[command] = {"output": output}
            inventory["hosts"][name] = {"port": self.ports[name],
                                        "nos": {"plugin": "diag_cisco_nxos", "configuration": {"commands": commands}}}
        self.net = FakeNOS(inventory=inventory, plugins=[nos])

    def __enter__(self) -> "FakeFleet":
        try:
            self.net.start()
        finally:
            for held in self._held.values():  # the servers listen on those ports now
                held.close()
        return self

    def __exit__(self, *exc) -> None:
        # each server takes a second or two to wind down: all of them at once
        stoppers = [threading.Thread(target=host.stop) for host in self.net.hosts.values() if host.running]
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join(30)


@contextlib.contextmanager
def quick_server():
    """fakenos's SSH server as fast as the client: within this block

    * it sends with TCP_NODELAY. Its sockets otherwise keep Nagle's algorithm, and each of
      the small writes it makes (the echo of a byte, a prompt) after one not yet
      acknowledged waits for the client's delayed acknowledgement (40 ms on Linux): about
      0.1 s a command;
    * it no longer pauses 10 ms after echoing each byte the client types
      (``channel_to_shell_tap``): that pause is ``time.sleep(0)``, which still lets the
      other threads run; every other sleep of the server (its shell's polling, its
      watchdog) is as it was.

    The bytes, their order, the echo and the prompts are unchanged."""
    from fakenos.plugins.servers import ssh_server_paramiko as server

    tap = server.channel_to_shell_tap.__code__

    class Clock:
        def __getattr__(self, name):
            return getattr(time, name)

        @staticmethod
        def sleep(seconds: float) -> None:
            time.sleep(0 if sys._getframe(1).f_code is tap else seconds)

    serve = server.ParamikoSshServer.connection_function

    def connection_function(self, client, is_running):
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return serve(self, client, is_running)

    saved = server.time
    server.time = Clock()
    server.ParamikoSshServer.connection_function = connection_function
    try:
        yield
    finally:
        server.time = saved
        server.ParamikoSshServer.connection_function = serve


def hang(*_args, **_kw):
    """A command that never answers (within any test's timeout)."""
    time.sleep(10)
    return ""


class SilentServer:
    """A TCP server on 127.0.0.1 that accepts and never says a word (a hung switch)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.clients: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                client, _ = self.sock.accept()
                self.clients.append(client)
            except OSError:
                continue

    def __enter__(self) -> "SilentServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(2)
        for c in self.clients:
            c.close()
        self.sock.close()
