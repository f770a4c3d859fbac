"""Group sections into devices; settle each device's release, platform, mode and clock.

A device is named by its prompt (``leaf01#``), a ``hostname``/``switchname``
line, or ``Device name:`` in ``show version``; otherwise it is the file.
Names that appear together (a prompt ``switch#`` above ``hostname leaf01``)
are the same device. Sections of one device in several files are merged.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field

from diag import platforms
from diag.facts import Fact, FactStore, declare
from diag.model import LICENSING_FIELDS, DeviceSummary
from diag.types import ZONES
from diag.version import Release, lacks_smart_licensing, licensing_mode_for

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

_FAMILY = [
    (re.compile(r"Nexus\s*3550|N3550|C3550|3550-T", re.I), "N3550"),
    (re.compile(r"Nexus\s*3016|\bC?3016\b", re.I), "N3K"),
    (re.compile(r"Nexus\s*3064|\bC?3064", re.I), "N3K"),
    (re.compile(r"Nexus\s*9\d{3}|N9K|\bC9[2-5]\d{2}|\bC9\d{3}[A-Z]", re.I), "N9K"),
    (re.compile(r"Nexus\s*3\d{3}|N3K|\bC3[0-6]\d{2}", re.I), "N3K"),
    (re.compile(r"Nexus\s*7\d{3}|N7K|N77|\bC7[07]\d{2}", re.I), "N7K"),
    (re.compile(r"Nexus\s*5\d{3}|N5K|\b5[56]\d{2}\b", re.I), "N5K"),
    (re.compile(r"Nexus\s*6\d{3}|N6K", re.I), "N6K"),
    (re.compile(r"MDS\s*9\d{3}|DS-C9", re.I), "MDS"),
]


def platform_family(text: str | None) -> str:
    if not text:
        return "unknown"
    for pattern, family in _FAMILY:
        if pattern.search(text):
            return family
    return "unknown"


@dataclass
class Device:
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

    @property
    def commands(self) -> list[str]:
        return sorted({s.command for s in self.sections if not s.command.startswith("(")})

    def summary(self, clock: tuple[dt.datetime, str] | None = None) -> DeviceSummary:
        """What the reports keep of the device once judged (``clock``: its own reading)."""
        licensing: dict[str, dict[str, object]] = {}
        for kind, names in LICENSING_FIELDS.items():
            facts = self.store.get(kind)
            if facts:
                fields: dict[str, object] = {}
                for name in names:
                    value = next((v for f in facts if (v := f.get(name)) is not None), None)
                    if value is not None:
                        fields[name] = value
                licensing[kind] = fields
        return DeviceSummary(self.key, self.name, list(self.inputs), self.platform, self.release, self.mode,
                             self.commands, self.now, self.now_source, clock, licensing)


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


def names_of(sections) -> list[tuple[str | None, list[str]]]:
    """What naming needs of a file's sections: each one's prompt and declared names."""
    return [(section.host, declared_names(section)) for section in sections]


def ordered(devices):
    """Devices in report order: by name, ties in the order they first appear."""
    return sorted(devices, key=lambda d: d.name.lower())


def place(files: list[tuple[str, list[tuple[str | None, list[str]]]]]) -> list[list[tuple[str, str]]]:
    """The device (key, name) of every section, from ``names_of`` each file.

    Names are equated per file first: a prompt ``switch#`` above ``hostname leaf01``
    makes that file's ``switch`` sections leaf01's. Across files, sections join by
    declared name; a prompt that no declared name explains in its own file joins the
    device it names elsewhere only when that is unambiguous: ``switch#`` above
    ``hostname leaf01`` in one file and above ``hostname leaf02`` in another are two
    devices, and a third file with a bare ``switch#`` belongs to neither. A section with
    neither belongs to its file's one device, else to a device named after the file.
    """
    names = _Names()  # global: declared names and unexplained prompt names
    # per file: the local group of each section, and each group's names
    local_files: list[tuple[str, list[str | None], dict[str, tuple[list[str], list[str]]]]] = []
    explains: dict[str, dict[str, str]] = {}  # prompt key -> {declared key: name} it stands for somewhere
    for path, sections in files:
        local = _Names()
        keys: list[str | None] = []
        for host, declared_names in sections:
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

    out: list[list[tuple[str, str]]] = []
    device: dict[str, tuple[str, str]] = {}  # one (key, name) per device, shared by its sections
    for path, keys in per_file:
        roots = {names.find(k) for k in keys if k is not None}
        default = next(iter(roots)) if len(roots) == 1 else None
        placed = []
        for key in keys:
            key = key if key is not None else default
            if key is None:
                name = file_device_name(path)
                placed.append((f"file:{name}", name))
            else:
                root = names.find(key)
                if root not in device:
                    device[root] = (f"name:{root}", names.name(root))
                placed.append(device[root])
        out.append(placed)
    return out


def build(placement: list[tuple[str, object, list[Fact], tuple[str, str]]]) -> dict[str, Device]:
    """Devices from ``(path, section, facts, (key, name))`` in input order, by key, in the
    order they first appear. A device's facts depend only on its own sections: the
    devices of part of a run are built alike from that part."""
    devices: dict[str, Device] = {}
    commands: dict[str, set[str]] = {}  # device key -> commands already placed
    known: dict[tuple, dict[str, set]] = {}  # (command, filtered, device key) -> kind -> what its facts say
    for path, section, facts, (dkey, dname) in placement:
        dev = devices.get(dkey)
        if dev is None:
            dev = devices[dkey] = Device(dkey, dname)
        if path not in dev.inputs:
            dev.inputs.append(path)
        dev.sections.append(section)
        dev.coverage |= set(section.coverage)
        seen = commands.setdefault(dkey, set())
        # a fragment never stands for a whole output, nor one filter for another: the facts
        # a filter proves whole (Section.shows) are judged on that filter's output alone
        command = (section.spec.name, section.filtered, _shown(section))
        if command in seen:
            # The same command captured again (a paste repeated, backups of one config):
            # a fact that says what an earlier one says adds nothing but more ways for a
            # rule to join facts (n copies of a config, n^4 bindings for a four-way join).
            facts = _new_facts(dev, known.setdefault(command + (dkey,), {}), facts, command)
        seen.add(command)
        dev.store.extend(facts)
    for dev in devices.values():
        _drop_fragments_of_whole_configs(dev)
    return devices


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


def _new_facts(dev: Device, known: dict[str, set], facts: list[Fact], command: tuple) -> list[Fact]:
    """The facts that no fact already in the device, read from outputs filtered alike,
    states (same kind, same fields)."""
    out = []
    for fact in facts:
        said = known.get(fact.kind)
        if said is None:
            said = known[fact.kind] = {_said(f) for f in dev.store.get(fact.kind)
                                       if (f.section.filtered, _shown(f.section)) == command[1:]}
        key = _said(fact)
        if key not in said:
            said.add(key)
            out.append(fact)
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
        outcome = (f"the device also shows lines only NX-OS prints ({where.path}:{no}), so its outputs were "
                   f"still judged as NX-OS: check that each output pasted here comes from the Nexus switch")
    fields = {"platform": platform, "marker": mark.marker.what, "judged": nxos is not None, "outcome": outcome}
    dev.store.add(Fact("capture.platform", fields, {k: mark.line for k in fields}, section, mark.line))


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

_PAST_EVENTS = (
    ("license.authorization", ("last_comm_date", "date")),
    ("license.registration", ("initial_date", "last_renewal_date")),
    ("license.usage_reporting", ("last_ack", "last_push")),
)
_SCHEDULED = (
    ("license.authorization", "next_comm"),
    ("license.registration", "next_renewal"),
    ("license.usage_reporting", "next_push"),
)
STALE_MARGIN = dt.timedelta(days=2)


def file_device_name(path: str) -> str:
    """The name of a device known only by its file, the same whatever the spelling of the
    path (``./leaf.cfg``, ``leaf.cfg``, absolute): relative to the working folder when the file
    is under it, else absolute; '/' between folders. Baselines and SARIF fingerprints hold
    it, so a file checked as part of a folder and on its own keeps its findings' identity."""
    if path == "-" or path.startswith("<"):
        return path  # standard input
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
        where = f"{fact.section.command} ({fact.path}:{fact.line})"
        if fact.get("zone") is not None:
            now, where = _site_zone(dev, fact, now, where)
        if best is None or now > best[0]:
            best = (now, where)
    if best is not None:
        return best
    for fact in dev.store.get("clock"):
        now = fact.get("now")
        if fact.section.origin == "logger" and isinstance(now, dt.datetime) and (best is None or now > best[0]):
            best = (now, f"{fact.section.params.get('what', 'terminal logger timestamp')} ({fact.path}:{fact.line})")
    if best is not None:
        return best
    for fact in dev.store.get("log.event"):
        when = fact.get("time")
        if isinstance(when, dt.datetime) and (best is None or when > best[0]):
            best = (when, f"newest log line ({fact.path}:{fact.line})")
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
                    f"by the configuration ({conf.path}:{conf.line})")
    if known:
        return now, where
    return now, f"{where}, zone {zone} unknown to diag: read as UTC"


def device_time(dev: Device, own, now: dt.datetime, source: str):
    """The time a device is judged at and where it comes from, given its own clock
    (``capture_clock``) and the run's (``now`` from ``source``), and the estimate from
    its events it was taken from, if any."""
    if source == "option":
        return (now, "option"), None
    if own is not None:
        return (own[0], "capture"), None
    estimate = estimate_from_events(dev, now) if source == "system" else None
    if estimate is not None:
        return (estimate[0], "capture"), estimate
    return (now, source), None


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
                when = fact.get(name)
                if isinstance(when, dt.datetime) and (best is None or when > best[0]):
                    best = (when, f"newest event in {fact.section.command} ({fact.path}:{fact.line_of(name)}); "
                                  "the output's next scheduled attempts are already past")
    return best
