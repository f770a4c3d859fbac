"""Group sections into devices; settle each device's release, platform, mode and clock.

A device is named by its prompt (``leaf01#``), a ``hostname``/``switchname``
line, or ``Device name:`` in ``show version``; otherwise it is the file.
Names that appear together (a prompt ``switch#`` above ``hostname leaf01``)
are the same device. Sections of one device in several files are merged; captures of
it whose clocks are more than a day apart are snapshots, of which the newest is judged
(``build``). Each device is judged at its own clock (``capture_clock``), else at a clock
of its own files (``same_file_clock``), else at this machine's (``device_time``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import os
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from diag import platforms, timeline
from diag.commands import RUNNING_CONFIG
from diag.facts import Fact, FactStore, declare
from diag.model import LICENSING_FIELDS, STDIN, STDIN_NAME, DeviceSummary, Snapshot, Superseded, shown_path
from diag.types import ZONES
from diag.version import Release, is_nexus_7000, lacks_smart_licensing, licensing_mode_for

declare("device", "What diag settled about a device (derived from show version, the config and the licensing output)", {
    "name": ("text", "device name"),
    "platform": ("text", "platform model from show version, e.g. C93180YC-EX"),
    "chassis": ("text", "chassis description, e.g. Nexus9000 C93180YC-EX"),
    "family": ("text", "N9K, N3K, N7K, N5K, N6K, N3500, MDS or unknown"),
    "release": ("release", "NX-OS release (show version, else the config's version line)"),
    "licensing_mode": ("text", "classic, slp, traditional or unknown"),
}, proven_by=("show version",), produced_by=("show version", "show running-config", "show license status"))

declare("capture.platform", "A line of the device's capture that only another platform than NX-OS prints", {
    "platform": ("text", "the platform that prints it: IOS XE, IOS, IOS XR, ASA or FXOS"),
    "marker": ("text", "what the line is, e.g. the heading of show call-home"),
    "judged": ("bool", "whether the device was still judged as NX-OS (it also shows lines only NX-OS prints)"),
    "outcome": ("text", "what diag did with the device's outputs"),
}, produced_by=("*",))

declare("capture.platform_hint", "A line of the device's capture in another platform's style that a person may "
        "also type by hand for NX-OS (a prompt without the space NX-OS prints), with no line only NX-OS prints", {
    "platform": ("text", "the platform whose style it is: IOS XE"),
    "hint": ("text", "what the line is, e.g. a prompt with the command right after '#'"),
}, produced_by=("*",))


@functools.cache
def _family() -> tuple[tuple[re.Pattern, str], ...]:
    """Compiled for the first platform name read (show version, a configuration)."""
    return (
        (re.compile(r"Nexus\s*3550|N3550|C3550|3550-T", re.I), "N3550"),
        (re.compile(r"Nexus\s*3016|\bC?3016\b", re.I), "N3K"),
        (re.compile(r"Nexus\s*3064|\bC?3064", re.I), "N3K"),
        (re.compile(r"Nexus\s*9\d{3}|N9K|\bC9[2-5]\d{2}|\bC9\d{3}[A-Z]", re.I), "N9K"),
        (re.compile(r"Nexus\s*3\d{3}|N3K|\bC3[0-6]\d{2}", re.I), "N3K"),
        (re.compile(r"Nexus\s*7\d{3}|N7K|N77|\bC7[07]\d{2}", re.I), "N7K"),
        (re.compile(r"Nexus\s*5\d{3}|N5K|\b5[56]\d{2}\b", re.I), "N5K"),
        (re.compile(r"Nexus\s*6\d{3}|N6K", re.I), "N6K"),
        (re.compile(r"MDS\s*9\d{3}|DS-C9", re.I), "MDS"),
    )


def platform_family(text: str | None) -> str:
    if not text:
        return "unknown"
    for pattern, family in _family():
        if pattern.search(text):
            return family
    return "unknown"


@dataclass
class Device:
    """A switch, as its captures show it: their sections and facts, what they cover, its
    platform, release and licensing mode, and the clock it is judged at."""

    key: str
    name: str
    inputs: list[str] = field(default_factory=list)
    sections: list = field(default_factory=list)
    store: FactStore = field(default_factory=FactStore)
    coverage: set[str] = field(default_factory=set)
    platform: str | None = None
    release: Release | None = None
    mode: str = "unknown"
    now: dt.datetime | None = None
    now_source: str = "system"
    foreign: object = None  # its capture is another platform's, not NX-OS: the line that shows it (split.Mark)
    now_detail: str = ""  # which clock it is judged at, and where that clock was read
    snapshots: list = field(default_factory=list)  # model.Snapshot, oldest first, when its captures are several
    superseded: list = field(default_factory=list)  # model.Superseded: outputs shown again later, read as history
    # id of a section -> the clock of the capture it belongs to (None: a file without one), so
    # that what proves an absence is the newest capture's output (engine._fallback_anchor)
    captured: dict = field(default_factory=dict, repr=False)

    @property
    def commands(self) -> list[str]:
        return sorted({s.command for s in self.sections if not s.command.startswith("(")})

    def summary(self, clock: tuple[dt.datetime, str] | None = None) -> DeviceSummary:
        """What the reports keep of the device once judged (``clock``: its own reading)."""
        summary = DeviceSummary(self.key, self.name, list(self.inputs), self.platform, self.release, self.mode,
                                self.commands, self.now, self.now_source, clock, licensing_of(self.store),
                                now_detail=self.now_detail, snapshots=list(self.snapshots),
                                superseded=list(self.superseded))
        summary.events = tuple(timeline.events_of(self, clock))  # the dates outlive the facts: the timeline, deadlines
        return summary


def licensing_of(store: FactStore) -> dict[str, dict[str, object]]:
    """The licensing fields of a store (``LICENSING_FIELDS``): the first value each has."""
    licensing: dict[str, dict[str, object]] = {}
    for kind, names in LICENSING_FIELDS.items():
        facts = store.get(kind)
        if facts:
            fields: dict[str, object] = {}
            for name in names:
                value = next((v for f in facts if (v := f.get(name)) is not None), None)
                if value is not None:
                    fields[name] = value
            licensing[kind] = fields
    return licensing


class _Names:
    """Union-find over lower-cased device names."""

    def __init__(self) -> None:
        self._names: dict[str, str] | None = None  # root -> first declared member, once unions are done
        self.parent: dict[str, str] = {}
        self.display: dict[str, str] = {}
        self.declared: set[str] = set()

    def add(self, name: str, declared: bool = False) -> str:
        self._names = None
        key = name.lower()
        self.parent.setdefault(key, key)
        if declared:
            self.declared.add(key)
            self.display[key] = name
        else:
            self.display.setdefault(key, name)
        return key

    def find(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        self._names = None
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # keep a declared name as the root so it becomes the display name
            if ra in self.declared and rb not in self.declared:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb

    def name(self, key: str) -> str:
        """Display name of a group: its first declared name, else the root's."""
        if self._names is None:
            first: dict[str, str] = {}
            for k in self.parent:
                if k in self.declared:
                    first.setdefault(self.find(k), k)
            self._names = first
        root = self.find(key)
        return self.display[self._names.get(root, root)]


# The names a section declares for its device: 'hostname' and 'switchname' lines at the
# top level of a running-config (as its template reads them: hostnames first, then
# switchnames), and the last 'Device name:' line of show version. Read from the text, so
# that devices can be placed before any output is parsed; tests hold this to the parsers.
_CONFIG_NAME = re.compile(r"(hostname|switchname) [ \t]*(\S+)[ \t]*$")
_DEVICE_NAME = re.compile(r"\s*Device name:\s+(\S+)\s*$")


def declared_names(section) -> list[str]:
    command = section.spec.name
    if command == "show running-config":
        found = [m.groups() for _, text in section.lines
                 if text[:1] in ("h", "s") and (m := _CONFIG_NAME.match(text))]
        return [name for word, name in found if word == "hostname"] + [
            name for word, name in found if word == "switchname"]
    if command == "show version":
        for _, text in reversed(section.lines):
            if "Device name:" in text and (m := _DEVICE_NAME.match(text)):
                return [m.group(1)]
    return []


def group(parsed: list[tuple[str, list[tuple[object, list[Fact]]]]]) -> list[Device]:
    """``parsed`` is, per input path, its sections with their facts, in input order: the
    devices they make up, in report order (see ``place``)."""
    owners = place([(path, names_of([section for section, _ in sections])) for path, sections in parsed])
    devices = build([(path, section, facts, owner)
                     for (path, sections), placed in zip(parsed, owners)
                     for (section, facts), owner in zip(sections, placed)])
    return ordered(devices.values())


_BOARD_ID = re.compile(r"\s*Processor [Bb]oard ID\s+(\S+)\s*$")


def declared_serial(section) -> str | None:
    """The serial number a show version shows ('Processor Board ID'), read from the text as
    ``declared_names`` reads names."""
    if section.spec.name == "show version":
        for _, text in reversed(section.lines):  # the parser keeps the last one too
            if "oard ID" in text and (m := _BOARD_ID.match(text)):
                return m.group(1)
    return None


class Naming(NamedTuple):
    """What placing a section needs (``names_of``), read from its text before any parsing."""

    host: str | None  # its prompt's name
    names: list[str]  # names it declares ('hostname', 'Device name:')
    config: bool  # a configuration declares them (a switch's configuration file)
    serial: str | None  # the serial number its show version shows
    login: int  # which login of its file it belongs to (Section.session)
    via: str | None  # the host that login was reached through
    output: bool  # a command's output (not a comment, a logger's clock or a platform mark)
    start: int  # its first line


def names_of(sections) -> list[Naming]:
    """What naming needs of each of a file's sections."""
    out = []
    for section in sections:
        names = declared_names(section)
        out.append(Naming(section.host, names, bool(names) and section.spec.name == "show running-config",
                          declared_serial(section), section.session, section.via,
                          section.origin in ("prompt", "showtech", "content", "console"), section.start))
    return out


def ordered(devices):
    """Devices in report order: by name, ties in the order they first appear."""
    return sorted(devices, key=lambda d: d.name.lower())


def place(files: list[tuple[str, list[Naming]]]) -> list[list[tuple[str, str]]]:
    """The device (key, name) of every section, from ``names_of`` each file.

    Names are equated per file first: a prompt ``switch#`` above ``hostname leaf01``
    makes that file's ``switch`` sections leaf01's. Across files, sections join by
    declared name; a prompt that no declared name explains in its own file joins the
    device it names elsewhere only when that is unambiguous: ``switch#`` above
    ``hostname leaf01`` in one file and above ``hostname leaf02`` in another are two
    devices, and a third file with a bare ``switch#`` belongs to neither. A section with
    neither belongs to its file's one device, else to a device named after the file.
    Switches of one name with different serial numbers are different devices.
    """
    names = _Names()  # global: declared names and unexplained prompt names
    # per file: the local group of each section, and each group's names
    local_files: list[tuple[str, list[str | None], dict[str, tuple[list[str], list[str]]]]] = []
    explains: dict[str, dict[str, str]] = {}  # prompt key -> {declared key: name} it stands for somewhere
    for path, sections in files:
        local = _Names()
        keys: list[str | None] = []
        for host, declared_names, *_ in sections:
            key = None
            if host:
                key = local.add(host)
            for declared in declared_names:
                dkey = local.add(declared, declared=True)
                if key is None:
                    key = dkey
                else:
                    local.union(key, dkey)
            keys.append(key)
        groups: dict[str, tuple[list[str], list[str]]] = {}
        for member in local.parent:
            declared_list, prompts = groups.setdefault(local.find(member), ([], []))
            (declared_list if member in local.declared else prompts).append(member)
        for declared_list, prompts in groups.values():
            if declared_list:
                for prompt in prompts:
                    explains.setdefault(prompt, {})[declared_list[0]] = local.display[declared_list[0]]
        local_files.append((path, [local.find(k) if k is not None else None for k in keys],
                            {root: ([local.display[k] for k in d], [local.display[k] for k in p])
                             for root, (d, p) in groups.items()}))

    per_file: list[tuple[str, list[str | None]]] = []
    for path, roots, groups in local_files:
        glob: dict[str, str] = {}
        for root, (declared_list, prompts) in groups.items():
            if declared_list:
                gkeys = [names.add(name, declared=True) for name in declared_list]
                for other in gkeys[1:]:
                    names.union(gkeys[0], other)
                glob[root] = gkeys[0]
            else:
                prompt = prompts[0]
                elsewhere = explains.get(prompt.lower(), {})
                if len(elsewhere) == 1:  # the one device this prompt stands for in other files
                    glob[root] = names.add(next(iter(elsewhere.values())), declared=True)
                else:
                    glob[root] = names.add(prompt)
        per_file.append((path, [glob[r] if r is not None else None for r in roots]))

    # Configuration files of one name in several folders are several switches (two sites,
    # each with its leaf01): each folder's files make its own device. Files of dated backups
    # of one switch sit in one folder: one device, its snapshots (``snapshots``).
    config_folders: dict[str, set[str]] = {}
    for (path, sections), (_, keys) in zip(files, per_file):
        for (_, _, config, *_), key in zip(sections, keys):
            if key is not None and config:
                config_folders.setdefault(names.find(key), set()).add(os.path.dirname(os.path.abspath(path)))
    resolved: list[list[str | None]] = []  # per file: the name (root) of each section
    for (path, sections), (_, keys) in zip(files, per_file):
        roots = {names.find(k) for k in keys if k is not None}
        default = next(iter(roots)) if len(roots) == 1 else None
        resolved.append([names.find(k) if k is not None else default for k in keys])
    which_of = _tell_apart(files, resolved)
    out: list[list[tuple[str, str]]] = []
    device: dict[tuple[str, str | None, str | None], tuple[str, str]] = {}  # one (key, name) per device
    for i, (path, _) in enumerate(per_file):
        folder = os.path.dirname(os.path.abspath(path))
        placed = []
        for root, which in zip(resolved[i], which_of[i]):
            if root is None:
                name = file_device_name(path)
                placed.append((f"file:{name}", name))
                continue
            site = folder if len(config_folders.get(root, ())) > 1 and folder in config_folders[root] else None
            if (root, site, which) not in device:
                key, name = f"name:{root}", names.name(root)
                if site is not None:
                    where = file_device_name(site) or "."
                    key, name = f"{key}@{where}", f"{name} ({where})"
                if which is not None:
                    key, name = f"{key}#{which}", f"{name} ({which})"
                device[root, site, which] = (key, name)
            placed.append(device[root, site, which])
        out.append(placed)
    return out


def _tell_apart(files: list[tuple[str, list[Naming]]], resolved: list[list[str | None]]) -> list[list[str | None]]:
    """Per file, per section: what tells its switch from others of its name (a serial
    number, a host it was reached through, else its file and login), or None.

    Two switches of one name (factory-default ones are all 'switch'; a session log can
    visit several of them) are told apart by the serial number their show version shows.
    A name's outputs go with the serial shown in the same login of the file (the last one
    before them, or the first after them when none is before); a name shown with two
    serials makes a device per serial, and a login of that name that shows none is a
    device of its own (nothing says which switch it is). Without serials, a session log
    that logs in to one name through two hosts ('ssh admin@10.1.1.11', then '...12', or a
    login with none beside one with a host: 'switch# ssh ...' reaching another 'switch')
    makes a device per host. A section that is no output (a suppression comment, a
    logger's clock) goes with the output of its switch nearest above it."""
    shown: dict[str, set[str]] = {}  # name -> the serials shown for it
    reached: dict[str, int] = {}  # name -> the most hosts one file reached it through
    serials: list[list[str | None]] = []
    for (_, sections), roots in zip(files, resolved):
        current: dict[tuple, str] = {}
        first: dict[tuple, str] = {}
        hosts: dict[str, set[str | None]] = {}
        for n, root in zip(sections, roots):
            if root is not None and n.output:
                if n.serial:
                    current[root, n.login] = n.serial
                    first.setdefault((root, n.login), n.serial)
                    shown.setdefault(root, set()).add(n.serial)
                hosts.setdefault(root, set()).add(n.via)
        serials.append([])
        for n, root in zip(sections, roots):
            serials[-1].append(current.get((root, n.login)) or first.get((root, n.login)))
        for root, vias in hosts.items():
            if len(vias) > 1:
                reached[root] = max(reached.get(root, 0), len(vias))
    out: list[list[str | None]] = []
    for (path, sections), roots, tags in zip(files, resolved, serials):
        logins = {login: i for i, login in enumerate(sorted({n.login for n in sections if n.output}), 1)}
        which: list[str | None] = []
        for n, root, serial in zip(sections, roots, tags):
            tag = None
            if root is not None and n.output:
                if len(shown.get(root, ())) > 1:
                    tag = serial or n.via
                elif not shown.get(root) and reached.get(root, 0) > 1:
                    tag = n.via
                else:
                    which.append(None)  # the name's only switch: nothing to tell apart
                    continue
                # nothing says which of them it is: a device of its own, named by its place
                tag = tag or file_device_name(path) + (f" login {logins[n.login]}" if len(logins) > 1 else "")
            which.append(tag)
        outputs: dict[str, list[tuple[int, str | None]]] = {}
        for n, root, tag in zip(sections, roots, which):
            if tag is not None:
                outputs.setdefault(root, []).append((n.start, tag))
        for j, (n, root) in enumerate(zip(sections, roots)):
            near = outputs.get(root) if not n.output else None
            if near:
                near.sort()
                at = bisect.bisect_right(near, (n.start, "\uffff"))
                which[j] = near[at - 1][1] if at else near[0][1]
        out.append(which)
    return out


def build(placement: list[tuple[str, object, list[Fact], tuple[str, str]]]) -> dict[str, Device]:
    """Devices from ``(path, section, facts, (key, name))`` in input order, by key, in the
    order they first appear. A device's facts depend only on its own sections: the
    devices of part of a run are built alike from that part.

    The captures of a device whose clocks are more than a day apart are snapshots: only
    the newest one's facts go into its store, the older ones are kept as its history
    (``snapshots``). Within it, an output shown again later (the same command, before and
    after a change typed in the session) makes the earlier one's facts history
    (``supersede``)."""
    devices: dict[str, Device] = {}
    items: dict[str, list] = {}  # device key -> [(order, path, section, facts)]
    files: dict[str, int] = {}  # path -> order of appearance
    apart = _unordered_configs(placement)
    for n, (path, section, facts, (dkey, dname)) in enumerate(placement):
        dkey, dname = apart.get((dkey, path), (dkey, dname))
        dev = devices.get(dkey)
        if dev is None:
            dev = devices[dkey] = Device(dkey, dname)
        if path not in dev.inputs:
            dev.inputs.append(path)
        files.setdefault(path, len(files))
        items.setdefault(dkey, []).append((n, path, section, facts))
    for dkey, dev in devices.items():
        current, dev.snapshots = snapshots(items.pop(dkey), files)
        dropped, dev.superseded = supersede(current)
        commands: set = set()  # commands already placed
        known: dict[tuple, dict[str, dict]] = {}  # (command, filtered) -> kind -> what its facts say
        items_of = {id(item[3]): item for item in current}
        moved: dict[int, Fact] = {}  # a fact in the store -> the copy of it in a newer capture
        for item in sorted(current, key=lambda item: item[1]):
            _, _, path, section, facts = item
            if not isinstance(section, _History):
                dev.sections.append(section)
                dev.captured[id(section)] = item[0]
                dev.coverage |= set(section.coverage)
            if dropped:
                facts = [f for f in facts if id(f) not in dropped]
            if isinstance(section, _History):
                dev.store.extend(facts)
                continue
            # a fragment never stands for a whole output, nor one filter for another: the facts
            # a filter proves whole (Section.shows) are judged on that filter's output alone
            command = (section.spec.name, section.filtered, _shown(section))
            if command in commands:
                # The same command captured again (a paste repeated, backups of one config):
                # a fact that says what an earlier one says adds nothing but more ways for a
                # rule to join facts (n copies of a config, n^4 bindings for a four-way join).
                facts = _new_facts(dev, known.setdefault(command, {}), facts, command, item, items_of, moved)
            commands.add(command)
            dev.store.extend(facts)
        if moved:
            for kind, facts in dev.store.by_kind.items():
                dev.store.by_kind[kind] = [moved.get(id(f), f) for f in facts]
        _drop_fragments_of_whole_configs(dev)
    return devices


def _unordered_configs(placement: list) -> dict[tuple[str, str], tuple[str, str]]:
    """Files that each hold a whole configuration of one device, with no clock in any of
    them ('!Time:', show clock) and not saying the same: backups saved without their time (as
    Oxidized and RANCID save them). Nothing tells which is the switch's current state, and
    their union is neither: each such file is judged on its own, as a device named after the
    switch and the file. Returns ``(device key, path) -> (key, name)`` for those files."""
    dated: set[str] = set()
    configs: dict[str, dict[str, list]] = {}  # device key -> path -> its whole configurations' facts
    names: dict[str, str] = {}
    for path, section, facts, (dkey, dname) in placement:
        if any(f.kind == "clock" for f in facts):
            dated.add(path)
        if section.spec.name == RUNNING_CONFIG and RUNNING_CONFIG in section.coverage and not section.filtered:
            configs.setdefault(dkey, {}).setdefault(path, []).append(facts)
            names[dkey] = dname
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for dkey, by_path in configs.items():
        undated = [path for path in by_path if path not in dated]
        if len(undated) < 2:
            continue
        said = {frozenset(_said(f) for facts in by_path[path] for f in facts if _state_kind(f.kind))
                for path in undated}
        if len(said) == 1:
            continue  # copies of one configuration: one state
        for path in undated:
            where = file_device_name(path)
            out[dkey, path] = (f"{dkey}{_APART}{where}", f"{names[dkey]} ({where})")
    return out


_APART = "@file:"  # between a device's key and the file it is judged on alone (_unordered_configs)


def parent_key(key: str) -> str:
    """The key ``place`` gave a device that ``build`` judged file by file (``_unordered_configs``):
    the key itself for any other device."""
    return key.partition(_APART)[0]


# -- snapshots: captures of one device at different times ------------------------------

SNAPSHOT_GAP = dt.timedelta(days=1)  # clocks further apart than this are different captures
# kinds that say something about the input, not about the switch's state: kept from every
# snapshot and never superseded (an unread line, a suppression comment); log lines are events
# with their own dates, judged by them
_ABOUT_INPUT = ("capture.",)
_EVENTS = ("log.",)


class _History:
    """Stands for a section of an older snapshot in the current one's list: only its facts
    about the input are kept (``_ABOUT_INPUT``)."""

    def __init__(self, section) -> None:
        self.section = section


def _reading(section, facts: list[Fact]) -> tuple[dt.datetime, Fact] | None:
    """The clock a section printed (show clock, a configuration's '!Time:', a terminal
    logger's stamp), as read (a zone offset is hours: nothing next to a day)."""
    best = None
    for fact in facts:
        if fact.kind == "clock":
            now = fact.get("now")
            if isinstance(now, dt.datetime) and (best is None or now > best[0]):
                best = (now, fact)
    return best


def _where(fact: Fact) -> str:
    if fact.section.origin == "logger":
        return f"terminal logger timestamp ({fact.path}:{fact.line})"
    return f"{fact.section.command} ({fact.path}:{fact.line})"


def snapshots(items: list, files: dict[str, int]) -> tuple[list, list[Snapshot]]:
    """Split a device's ``(order, path, section, facts)`` into snapshots: in each file, its
    outputs from one clock reading to the next more than a day later are a segment (those
    before the file's first reading belong to it); segments whose clocks are at most a day
    apart are one snapshot. A file without any clock joins the newest snapshot, as the
    oldest of its outputs (an output with a clock is the state at that time).

    Returns the current snapshot's ``(time, order, path, section, facts)`` (``time``: its
    segment's clock, None for a file without one), older snapshots' sections wrapped in
    ``_History``, and every snapshot (oldest first) when there are several, else []."""
    by_file: dict[str, list] = {}
    for item in items:
        by_file.setdefault(item[1], []).append(item)
    segments: list[dict] = []  # {"when", "fact", "items", "path"}
    undated: list[dict] = []
    for path in sorted(by_file, key=files.__getitem__):
        mine = sorted(by_file[path], key=lambda item: (item[2].start, item[0]))
        # a terminal logger's stamp is the clock of the machine that logged the session: it
        # counts only in a file where the switch printed none (as in capture_clock), so that a
        # switch whose own clock is years off is not split from its outputs by the logger's
        switch_clock = any(item[2].origin != "logger" and _reading(item[2], item[3]) for item in mine)
        pending: list = []
        seg: dict | None = None
        for item in mine:
            reading = _reading(item[2], item[3])
            if reading is not None and switch_clock and item[2].origin == "logger":
                reading = None
            if reading is not None:
                if seg is None or abs(reading[0] - seg["last"]) > SNAPSHOT_GAP:
                    seg = {"when": reading[0], "fact": reading[1], "last": reading[0], "items": pending, "path": path}
                    pending = []
                    segments.append(seg)
                else:
                    seg["last"] = reading[0]
                    if reading[0] > seg["when"]:
                        seg["when"], seg["fact"] = reading
            (seg["items"] if seg is not None else pending).append(item)
        if pending:
            undated.append({"when": None, "fact": None, "items": pending, "path": path})
    clusters: list[list[dict]] = []
    for seg in sorted(segments, key=lambda s: s["when"]):
        if clusters and seg["when"] - clusters[-1][-1]["when"] <= SNAPSHOT_GAP:
            clusters[-1].append(seg)
        else:
            clusters.append([seg])
    if not clusters:
        return [(None, *item) for seg in undated for item in seg["items"]], []
    current = clusters[-1] + undated
    out = [(seg["when"], *item) for seg in current for item in seg["items"]]
    if len(clusters) == 1:
        return out, []
    snaps = []
    for cluster in clusters:
        is_current = cluster is clusters[-1]
        parts = cluster + undated if is_current else cluster
        newest = max(cluster, key=lambda s: s["when"])
        store = FactStore()
        spans: dict[str, list[int]] = {}
        for seg in parts:
            for _, path, section, facts in seg["items"]:
                store.extend(facts)
                if section.origin in ("comment", "platform", "logger"):
                    continue
                span = spans.setdefault(path, [section.start, section.end])
                span[0], span[1] = min(span[0], section.start), max(span[1], section.end)
        if not is_current:
            # what its outputs said of the input stays (unread lines, suppressions); the rest is history
            for seg in cluster:
                for n, path, section, facts in seg["items"]:
                    kept = [f for f in facts if f.kind.startswith(_ABOUT_INPUT)]
                    keep_section = section.origin in ("comment", "platform")
                    if kept or keep_section:
                        out.append((None, n, path, section if keep_section else _History(section), kept))
        snaps.append(Snapshot(newest["when"], _where(newest["fact"]),
                              tuple(sorted({seg["path"] for seg in parts}, key=files.__getitem__)),
                              tuple((p, a, b) for p, (a, b) in sorted(spans.items(), key=lambda kv: files[kv[0]])),
                              licensing_state(licensing_of(store)), is_current,
                              tuple(seg["path"] for seg in undated) if is_current else ()))
    return out, snaps


def licensing_state(lic: dict[str, dict[str, object]]) -> tuple[str, ...]:
    """A few words for the licensing state of some outputs: registration and authorization
    status (classic), or the transport and last ACK (Smart Licensing Using Policy)."""
    def get(kind: str, name: str):
        return lic.get(kind, {}).get(name)

    if get("license.slp", "enabled") is True:
        out = ["Smart Licensing Using Policy"]
        if get("license.transport", "type"):
            out.append(f"transport {get('license.transport', 'type')}")
        if get("license.usage_reporting", "last_ack_text"):
            out.append(f"last ACK {get('license.usage_reporting', 'last_ack_text')}")
        return tuple(out)
    out = [str(v) for v in (get("license.registration", "status") or get("license.summary", "registration_status"),
                            get("license.authorization", "status") or get("license.summary", "authorization_status"))
           if v]
    if not out and get("license.smart", "enabled") is False:
        out.append("Smart Licensing disabled")
    return tuple(out) or ("no licensing status captured",)


def _state_kind(kind: str) -> bool:
    """Whether facts of ``kind`` say what state the switch is in (what a later output may
    supersede): not what the input holds (``_ABOUT_INPUT``), not log events with their own
    dates, not a clock reading (of its own time: the newest one is the device's anyway)."""
    return not kind.startswith(_ABOUT_INPUT + _EVENTS) and kind != "clock"


def _later(a: tuple, b: tuple) -> bool:
    """Whether item ``b`` ``(time, order, path, section, facts)`` was captured after ``a``:
    later in the same file, or at a later clock; an output with a clock comes after one
    of a file without any. Outputs of two files without a clock have no order."""
    if a[2] == b[2]:
        return (b[3].start, b[1]) > (a[3].start, a[1])
    if b[0] is None:
        return False
    return a[0] is None or b[0] > a[0]


def supersede(current: list) -> tuple[set[int], list[Superseded]]:
    """The facts of outputs shown again later (``_later``) by the same command, unfiltered
    and read whole (not cut short: ``Section.stops``): the later output is the current
    state, the earlier one history. An
    earlier output is taken over whole when the later one covers all it covers (the same
    command with the same arguments again, the whole configuration after a part of it,
    'show license all' after 'show license status'),
    else for the kinds of facts the later one proves whole (its 'callhome' part after a
    whole configuration). Of those, the facts the later output no longer states are
    dropped: one it states again stays where it was first shown (a paste repeated points
    at its first copy). An output cut short loses the facts another output of its command
    read whole states (``_restated_by_cut``). Returns the ids of the facts dropped, and
    what was superseded by what (the outputs that lost facts)."""
    from diag.commands import RUNNING_CONFIG, covers
    from diag.facts import CATALOGUE

    by_command = _by_command(current)
    dropped: set[int] = set()
    said: list[Superseded] = []
    for name, outputs in by_command.items():
        if len(outputs) < 2:
            continue
        # what each output says (its facts about the switch), with what it covers: copies of
        # one output (a paste repeated, backups of one config) share it, and are compared once
        signature = {id(item[3]): (item[3].coverage, item[3].args,
                                   frozenset(_said(f) for f in item[4] if _state_kind(f.kind)))
                     for item in outputs}
        if len(set(signature.values())) == 1:
            continue  # the same output again: nothing changed
        takers: dict[tuple, list] = {}
        for b in outputs:
            if (not b[3].filtered and b[3].rejected is None and not b[3].empty and b[3].coverage
                    and not b[3].stops and not any(f.kind == "capture.unparsed" for f in b[4])):
                takers.setdefault(signature[id(b[3])], []).append(b)
        if not takers:
            continue
        for a in outputs:
            sa = a[3]
            # one later output per distinct signature: its facts are what a later capture says
            later = [next(b for b in group if b is not a and _later(a, b)) for sig, group in takers.items()
                     if sig != signature[id(sa)] and (name == RUNNING_CONFIG or sig[1] == sa.args)
                     and any(b is not a and _later(a, b) for b in group)]
            if not later:
                continue
            by = None
            for fact in a[4]:
                if not _state_kind(fact.kind):
                    continue
                spec = CATALOGUE.get(fact.kind)
                for b in later:
                    sb = b[3]
                    if not (sa.coverage and all(covers(sb.coverage, s) for s in sa.coverage)
                            or spec is not None and any(covers(sb.coverage, p) for p in spec.proven_by)):
                        continue
                    if _said(fact) not in signature[id(sb)][2]:  # a later output no longer states it
                        dropped.add(id(fact))
                        by = by or sb
                        break
            if by is not None:
                said.append(Superseded(sa.typed, sa.path, sa.start, by.path, by.start))
    dropped |= _restated_by_cut(by_command)  # and what outputs cut short say again
    said.sort(key=lambda s: (s.path, s.line))
    return dropped, said


def _by_command(current: list) -> dict[str, list]:
    """The outputs of ``current`` that say what state the switch is in, by command: a command
    that holds another's whole output is compared with it ('show license all' holds 'show
    license status')."""
    by_command: dict[str, list] = {}
    for item in current:
        section = item[3]
        if (not isinstance(section, _History) and section.origin not in ("comment", "platform", "logger")
                and not section.spec.samples):
            spec = section.spec
            by_command.setdefault(spec.also_covers[0] if spec.also_covers else spec.name, []).append(item)
    return by_command


def _restated_by_cut(by_command: dict[str, list]) -> set[int]:
    """The facts of outputs cut short (``Section.stops``: quit at a pager prompt, stopped
    where their layout says more follows) of the kinds another output of the command, read
    whole, states: that one is the evidence. What a cut output leaves out proves nothing
    (a callhome block cut before its 'enable' is no disabled Call Home), and a block it
    restates may be cut in the middle."""
    out: set[int] = set()
    for outputs in by_command.values():
        cut = [item for item in outputs if item[3].stops]
        if not cut:
            continue
        whole = {f.kind for item in outputs if not item[3].stops and not item[3].filtered
                 and item[3].rejected is None for f in item[4] if _state_kind(f.kind)}
        out.update(id(f) for item in cut for f in item[4] if f.kind in whole)
    return out


def _drop_fragments_of_whole_configs(dev: Device) -> None:
    """Facts of a filtered configuration (``| include``) leave out lines the filter hid: a
    callhome block read there has no 'enable'. When another capture shows the whole part
    they describe, that one is the evidence, and the fragment's facts are dropped."""
    from diag.commands import RUNNING_CONFIG, covers
    from diag.facts import CATALOGUE

    if not any(s.filtered and s.spec.name == RUNNING_CONFIG for s in dev.sections):
        return

    for kind, facts in list(dev.store.by_kind.items()):
        spec = CATALOGUE.get(kind)
        if spec is None or not any(covers(dev.coverage, scope) for scope in spec.proven_by):
            continue
        kept = [f for f in facts if not (f.section.filtered and f.section.spec.name == RUNNING_CONFIG)]
        if len(kept) != len(facts):
            dev.store.by_kind[kind] = kept


def _said(fact: Fact) -> tuple:
    return fact.kind, repr(sorted(fact.fields.items()))


def _shown(section) -> tuple:
    """What a filtered output proves (``Section.shows``), as a value to compare."""
    shows = getattr(section, "shows", None)
    return tuple(sorted((kind, tuple(sorted(fields))) for kind, fields in shows.items())) if shows else ()


def _new_facts(dev: Device, known: dict[str, dict], facts: list[Fact], command: tuple, item: tuple,
               items_of: dict[int, tuple], moved: dict[int, Fact]) -> list[Fact]:
    """The facts of output ``item`` that no fact already in the device, read from outputs
    filtered alike, states (same kind, same fields). A fact stated again in the same file
    (a paste repeated) stays at its first copy; stated again by a newer capture in another
    file (a later backup of the configuration), it points there instead: ``moved`` gets the
    fact in the store -> its newest copy."""
    out = []
    for fact in facts:
        said = known.get(fact.kind)
        if said is None:
            said = known[fact.kind] = {_said(f): (f, f) for f in dev.store.get(fact.kind)
                                       if (f.section.filtered, _shown(f.section)) == command[1:]}
        key = _said(fact)
        have = said.get(key)
        if have is None:
            said[key] = (fact, fact)
            out.append(fact)
            continue
        stored, newest = have
        before = items_of.get(id(newest.section))
        if newest.path != fact.path and before is not None and _later(before, item):
            said[key] = (stored, fact)
            moved[id(stored)] = fact
    return out


def _first(store: FactStore, kind: str, field_name: str) -> tuple[object, Fact] | tuple[None, None]:
    for fact in store.get(kind):
        value = fact.get(field_name)
        if value is not None:
            return value, fact
    return None, None


def _other_platform(dev: Device) -> None:
    """A device whose capture holds a line only another platform prints (``split.Mark``)
    and none only NX-OS prints is that platform's: ``dev.foreign`` says which, no NX-OS
    rule judges it (``engine``), and lines of its outputs diag could not read are no
    finding (they are another platform's). Either way a ``capture.platform`` fact points at
    the line."""
    marked = [(s, s.params["mark"]) for s in dev.sections if s.origin == "platform"]
    if not marked:
        return
    section, mark = marked[0]
    for other in marked[1:]:
        if platforms.better(other[1].marker, mark.marker):
            section, mark = other
    nxos = next(((s, no) for s in dev.sections if s.origin != "platform"
                 for no, text in s.lines if platforms.is_nxos_line(text)), None)
    platform = mark.marker.platform
    if mark.marker.rank < 0:  # a hint only: judged as NX-OS, and said so unless a line proves it is
        if nxos is None:
            fields = {"platform": platform, "hint": mark.marker.what}
            dev.store.add(Fact("capture.platform_hint", fields, {k: mark.line for k in fields}, section, mark.line))
        return
    if nxos is None:
        dev.foreign = mark
        dev.platform = f"Cisco {platform}, not NX-OS"
        dev.store.by_kind.pop("capture.unparsed", None)
        outcome = ("no NX-OS rule judged this device, and nothing is asked of it: run diag on captures of "
                   "Cisco Nexus switches")
    else:
        where, no = nxos
        outcome = (f"the device also shows lines only NX-OS prints ({shown_path(where.path)}:{no}), so its outputs were "
                   f"still judged as NX-OS: check that each output pasted here comes from the Nexus switch")
    fields = {"platform": platform, "marker": mark.marker.what, "judged": nxos is not None, "outcome": outcome}
    dev.store.add(Fact("capture.platform", fields, {k: mark.line for k in fields}, section, mark.line))


def _opt_in(release: Release | None, platform: str) -> bool:
    """A release on which Smart Licensing is opt-in, traditional licensing the default:
    9.3(3) to 10.1(x) on a Nexus 3000/9000; 8.0(1) and later on a Nexus 7000, which
    introduced it as an option beside its PAK licenses (an 8.x release of no known
    platform is a Nexus 7000's: ``licensing_mode_for``)."""
    if release is None:
        return False
    if is_nexus_7000(platform) or (not platform and release < Release.coerce("9.0(1)")):
        return release >= Release.coerce("8.0(1)")
    return Release.coerce("9.3(3)") <= release < Release.coerce("10.2(1)")


def _intends_smart(store: FactStore) -> bool:
    """Whether the captures show the switch is meant to use Smart Licensing: a 'license smart'
    line, the agent saying it is enabled or registered, or the CiscoTAC-1 profile set up for
    HTTP (its transport method or an HTTP(S) URL), which only Smart Licensing needs."""
    if store.first("config.license_smart_enable") is not None or store.first("config.license_smart") is not None:
        return True
    if any(f.get("enabled") is True for f in store.get("license.smart")):
        return True
    if any(f.get("status") is not None for f in store.get("license.registration")):
        return True
    tac = "ciscotac-1"
    if any(str(f.get("profile") or "").lower() == tac and f.get("url") for f in store.get("callhome.destination")):
        return True
    return any(str(f.get("profile") or "").lower() == tac and f.get("method") == "http" and not f.get("negated")
               for f in store.get("callhome.method"))


def settle(dev: Device) -> None:
    """Work out release, platform and licensing mode, and add the ``device`` fact."""
    _other_platform(dev)
    store = dev.store
    release, rel_fact = _first(store, "version", "release")
    if release is None:
        release, rel_fact = _first(store, "config.version", "release")
    platform, plat_fact = _first(store, "version", "platform")
    chassis, _ = _first(store, "version", "chassis")
    dev.release = release if isinstance(release, Release) else None
    if dev.foreign is None:
        dev.platform = str(platform) if platform else None
    family = platform_family(" ".join(str(x) for x in (chassis, platform) if x))

    smart_config = store.first("config.license_smart_enable") is not None
    mode = licensing_mode_for(dev.release, str(chassis or platform or ""), smart_config)
    slp, slp_fact = _first(store, "license.slp", "enabled")
    auth, auth_fact = _first(store, "license.authorization", "status")
    smart, smart_fact = _first(store, "license.smart", "enabled")
    usage_slp, usage_fact = _first(store, "license.usage_authorization", "slp")
    summary_slp, summary_fact = _first(store, "license.summary", "slp")
    summary_on, summary_on_fact = _first(store, "license.summary", "enabled")
    mode_fact = rel_fact
    if slp is True or auth == "NOT APPLICABLE" or usage_slp is True or summary_slp is True:
        mode, mode_fact = "slp", slp_fact or auth_fact or usage_fact or summary_fact
    elif lacks_smart_licensing(str(chassis or platform or "")):
        pass  # a Nexus 3016 / 3064 printing 'Smart Licensing is DISABLED' still has none
    elif (smart is not None or _first(store, "license.registration", "status")[0] is not None
          or summary_on is not None):
        mode, mode_fact = "classic", smart_fact or summary_on_fact or rel_fact
    if mode == "classic" and _opt_in(dev.release, str(chassis or platform or "")) and not _intends_smart(store) \
            and (smart is False or RUNNING_CONFIG in dev.coverage):
        # 9.3(3) to 10.1, a Nexus 7000 from 8.0(1): Smart Licensing is opt-in, traditional the default. A
        # whole configuration, or the agent itself ('Smart Licensing is DISABLED'), that
        # shows no sign of using it is traditional licensing: no Smart Licensing rule applies
        mode, mode_fact = "traditional", smart_fact or rel_fact
    dev.mode = mode
    if dev.foreign is not None:  # what the NX-OS parsers made of another platform's output
        dev.release, dev.mode = None, "unknown"

    fields: dict = {"name": dev.name, "family": family, "licensing_mode": mode}
    lines: dict[str, int] = {}
    # every device gets its fact (rules and derivations test its licensing mode), anchored
    # at its first output when nothing names its release, platform or mode
    anchor = rel_fact or plat_fact or mode_fact or next((f for f in store.all()), None)
    if dev.release is not None and rel_fact is not None:
        fields["release"] = dev.release
        lines["release"] = rel_fact.line_of("release")
    if platform and plat_fact is not None:
        fields["platform"] = str(platform)
        fields["chassis"] = str(chassis) if chassis else None
        lines["platform"] = plat_fact.line_of("platform")
        lines["family"] = plat_fact.line_of("platform")
    if mode_fact is not None:
        lines["licensing_mode"] = mode_fact.line_of("release") if mode_fact is rel_fact else mode_fact.line
    if anchor is not None:
        # A fact's lines index its own section: a field read from another section (or file)
        # keeps no line of its own and points at the anchor instead.
        sources = {"release": rel_fact, "platform": plat_fact, "family": plat_fact, "licensing_mode": mode_fact}
        lines = {k: v for k, v in lines.items() if sources[k] is not None and sources[k].section is anchor.section}
        line = lines.get("release") or lines.get("platform") or anchor.line
        fact = Fact("device", {k: v for k, v in fields.items() if v is not None}, lines, anchor.section, line)
        store.add(fact)


# -- the capture's own clock ---------------------------------------------------------

# What a licensing output says happened, with its date: the newest is the earliest the
# output can have been taken. Smart Licensing Using Policy prints its dates in several
# places: the last ACK, the last report push and file write, when the trust code and the
# policy were installed (a text holding one date or several).
_PAST_EVENTS = (
    ("license.authorization", ("last_comm_date", "date")),
    ("license.registration", ("initial_date", "last_renewal_date")),
    ("license.usage_reporting", ("last_ack", "last_push", "last_file_write")),
    ("license.trust_code", ("installed",)),
    ("license.policy", ("in_use",)),
)
_SCHEDULED = (
    ("license.authorization", "next_comm"),
    ("license.registration", "next_renewal"),
    ("license.usage_reporting", "next_push"),
    ("license.usage_reporting", "next_ack_check"),
)
_DATE_IN_TEXT = re.compile(r"\b[A-Z][a-z]{2}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\s+\d{4}(?:\s+[A-Z]{2,5}\b)?")


def _dates(value) -> list[dt.datetime]:
    """The dates of a field: itself when it is one, those written in it when it is text."""
    from diag.types import to_datetime

    if isinstance(value, dt.datetime):
        return [value]
    if isinstance(value, (list, tuple)):
        return [d for v in value for d in _dates(v)]
    if isinstance(value, str):
        return [d for m in _DATE_IN_TEXT.finditer(value) if (d := to_datetime(m.group(0))) is not None]
    return []
STALE_MARGIN = dt.timedelta(days=2)


def file_device_name(path: str) -> str:
    """The name of a device known only by its file, the same whatever the spelling of the
    path (``./leaf.cfg``, ``leaf.cfg``, absolute): relative to the working folder when the file
    is under it, else absolute; '/' between folders. Baselines and SARIF fingerprints hold
    it, so a file checked as part of a folder and on its own keeps its findings' identity."""
    if path == STDIN:
        return STDIN_NAME  # standard input, as a person reads its name
    if path.startswith("<"):
        return path
    return canonical_path(path)


def canonical_path(path: str) -> str:
    """``path`` relative to the working folder when it is under it, else absolute; '/'
    between folders, however it was spelled."""
    full = os.path.abspath(path)
    try:
        rel = os.path.relpath(full)
    except ValueError:  # another drive
        rel = full
    name = full if rel == os.pardir or rel.startswith(os.pardir + os.sep) else rel
    return name.replace(os.sep, "/")


def capture_clock(dev: Device) -> tuple[dt.datetime, str] | None:
    """The newest clock reading in the device's own output, and where it was read: a clock
    the switch printed, else the newest dated timestamp a terminal logger gave its lines,
    else the newest log line."""
    best: tuple[dt.datetime, str] | None = None
    # 'show clock' names its zone; the '!Time:' line of a configuration is local time
    # without one (read as UTC): east of UTC it would run hours ahead. A zoned reading wins.
    # A terminal logger's timestamp (diag.reshape) is the clock of the machine that logged the
    # session: it counts only when the switch printed none.
    clocks = [f for f in dev.store.get("clock") if f.section.origin != "logger"]
    zoned = [f for f in clocks if f.section.command == "show clock"]
    for fact in zoned or clocks:
        now = fact.get("now")
        if not isinstance(now, dt.datetime):
            continue
        where = f"{fact.section.command} ({shown_path(fact.path)}:{fact.line})"
        if fact.get("zone") is not None:
            now, where = _site_zone(dev, fact, now, where)
        if best is None or now > best[0]:
            best = (now, where)
    if best is not None:
        return best
    for fact in dev.store.get("clock"):
        now = fact.get("now")
        if fact.section.origin == "logger" and isinstance(now, dt.datetime) and (best is None or now > best[0]):
            best = (now, f"{fact.section.params.get('what', 'terminal logger timestamp')} ({shown_path(fact.path)}:{fact.line})")
    if best is not None:
        return best
    for fact in dev.store.get("log.event"):
        when = fact.get("time")
        if isinstance(when, dt.datetime) and (best is None or when > best[0]):
            best = (when, f"newest log line ({shown_path(fact.path)}:{fact.line})")
    return best


def _site_zone(dev: Device, fact: Fact, now: dt.datetime, where: str) -> tuple[dt.datetime, str]:
    """A reading whose zone the configuration's 'clock timezone' or 'clock summer-time'
    names: that offset, whatever diag would take the name for (CST is China Standard Time
    on a switch configured 'clock timezone CST 8 0'). Else a zone diag does not know is
    read as UTC, and the source says so."""
    zone = fact.get("zone")
    known = fact.get("zone_known") is not False
    for conf in dev.store.get("config.clock_zone"):
        offset = conf.get("offset_minutes")
        if conf.get("zone") == zone and isinstance(offset, int):
            # undo the offset the reading was taken with (none for an unknown name)
            taken = round(ZONES.get(str(zone).lower(), 0) * 60) if known else 0
            sign = "+" if offset >= 0 else "-"
            return (now + dt.timedelta(minutes=taken - offset),
                    f"{where}, {zone} = UTC{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d} "
                    f"by the configuration ({shown_path(conf.path)}:{conf.line})")
    if known:
        return now, where
    return now, f"{where}, zone {zone} unknown to diag: read as UTC"


def file_clocks(placed) -> dict[str, list[tuple[int, dt.datetime, Fact, str, str]]]:
    """The clock readings of each file, from ``(path, section, facts, (key, name))``: per
    path, ``(line, time, fact, device key, device name)`` in line order."""
    out: dict[str, list] = {}
    for path, section, facts, (key, name) in placed:
        for fact in facts:
            now = fact.get("now") if fact.kind == "clock" else None
            if isinstance(now, dt.datetime):
                out.setdefault(path, []).append((fact.line, now, fact, key, name))
    for readings in out.values():
        readings.sort(key=lambda r: (r[0], r[1]))
    return out


def same_file_clock(dev: Device, readings: dict) -> tuple[dt.datetime, str] | None:
    """For a device with no clock of its own: a clock another device printed in one of its
    files (a session log visiting two switches), the last one before its outputs end, else
    the first after; the newest of its files'. Never a clock of a file it has no output in."""
    best = None
    ends: dict[str, int] = {}
    for section in dev.sections:
        ends[section.path] = max(ends.get(section.path, 0), section.end)
    for path, end in ends.items():
        theirs = [r for r in readings.get(path, ()) if r[3] != dev.key]
        if not theirs:
            continue
        before = [r for r in theirs if r[0] <= end]
        line, when, fact, _, name = before[-1] if before else theirs[0]
        if best is None or when > best[0]:
            source = "terminal logger timestamp" if fact.section.origin == "logger" else fact.section.command
            best = (when, f"no clock of its own: {source} of {name} in the same file ({path}:{line})")
    return best


def device_time(dev: Device, own, fixed, shared=None):
    """Set the time a device is judged at (``dev.now``, ``now_source``, ``now_detail``):
    ``--now`` when ``fixed`` (``(time, source, detail)``) is the option's; else its own clock
    (``capture_clock``); else ``shared``, a clock of its own files (``same_file_clock``); else
    the newest event of an output that cannot be current (``estimate_from_events``); else
    ``fixed``, this machine's. Returns the estimate when it was used."""
    now, source, detail = fixed
    if source != "option":
        if own is not None:
            now, source, detail = own[0], "capture", own[1]
        elif shared is not None:
            now, source, detail = shared[0], "capture", shared[1]
        else:
            estimate = estimate_from_events(dev, now)
            if estimate is not None:
                dev.now, dev.now_source, dev.now_detail = estimate[0], "capture", estimate[1]
                return estimate
    dev.now, dev.now_source, dev.now_detail = now, source, detail
    return None


def estimate_from_events(dev: Device, system_now: dt.datetime) -> tuple[dt.datetime, str] | None:
    """When the output cannot be current, the newest event it reports.

    A live Smart Agent reschedules its next attempt every time it runs, so a
    'next' date days in the past means the output was taken before that date:
    judging its deadlines against today would report problems that were not
    there. The newest past event in the output is then the best estimate of
    when it was captured.
    """
    scheduled = [f.get(name) for kind, name in _SCHEDULED for f in dev.store.get(kind)]
    scheduled = [d for d in scheduled if isinstance(d, dt.datetime)]
    if not scheduled or max(scheduled) + STALE_MARGIN > system_now:
        return None
    best: tuple[dt.datetime, str] | None = None
    for kind, names in _PAST_EVENTS:
        for fact in dev.store.get(kind):
            for name in names:
                when = max(_dates(fact.get(name)), default=None)
                if when is not None and (best is None or when > best[0]):
                    best = (when, f"newest event in {fact.section.command} ({shown_path(fact.path)}:{fact.line_of(name)}); "
                                  "the output's next scheduled attempts are already past")
    return best
