"""What a run produces: findings, the rules it could not evaluate, what to collect next,
a summary of each device, and the report that holds them with the run's options.

Reporters, the policy and ``redact`` import this module, never the code that runs the
analysis (``diag.api``): a report is data, whoever made it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from diag import __version__

NOW_SYSTEM = "now"  # Options.now for '--now now': judge at this machine's clock
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
FAIL_ON = ("error", "warning", "info")
MAX_EVIDENCE = 8

STDIN = "-"  # standard input, as given on the command line and as its path in the JSON report
STDIN_NAME = "<stdin>"  # standard input, as every text meant for a person names it


def shown_path(path: str) -> str:
    """An input's path as a person reads it: standard input (``-``) is ``<stdin>``
    (``-:21:`` reads as nothing). The JSON report and ``diag parse`` keep ``-``
    (DESIGN.md section 2); SARIF and GitHub annotations give stdin no file at all."""
    return STDIN_NAME if path == STDIN else path


@dataclass(frozen=True, slots=True)
class Evidence:
    """A line of a capture a finding quotes."""

    path: str
    line: int
    text: str

    def to_json(self) -> dict:
        return {"path": self.path, "line": self.line, "text": self.text}


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule that holds on a device (``status``: confirmed, or suspected from its
    signature), with where it points, its evidence, the fix and how to verify it."""

    rule_id: str
    severity: str
    confidence: str
    title: str
    message: str
    device: str
    path: str
    line: int
    end_line: int
    evidence: tuple[Evidence, ...]
    fix: str
    verify: tuple[str, ...]
    references: tuple[str, ...]
    verify_expect: tuple[tuple[str, str | None], ...] = ()  # every verify command with what it should show
    # 'confirmed': the rule's condition holds on what was captured. 'suspected': the rule
    # could not be evaluated (what confirms it was not captured) but its signature is there
    # (the rule's 'suspect:' block): low confidence, counted at the rule's severity.
    status: str = "confirmed"
    confirm_with: tuple[str, ...] = ()  # suspected: the commands whose output confirms it or rules it out
    confirmed_by: str = ""  # suspected: what that output shows when the suspect is confirmed
    ruled_out_by: str = ""  # suspected: the evidence that rules it out

    @property
    def suspected(self) -> bool:
        return self.status == "suspected"

    def sort_key(self) -> tuple:
        return (self.device.lower(), self.path, self.line, self.rule_id)

    def to_json(self) -> dict:
        out = {
            "rule_id": self.rule_id, "severity": self.severity, "confidence": self.confidence,
            "title": self.title, "message": self.message, "device": self.device,
            "path": self.path, "line": self.line, "end_line": self.end_line,
            "evidence": [e.to_json() for e in self.evidence],
            "fix": self.fix, "verify": list(self.verify), "references": list(self.references),
            "verify_output": [{"command": c, "expect": e} for c, e in self.verify_expect],
            "status": self.status,
        }
        if self.suspected:
            out.update(confirm_with=list(self.confirm_with), confirmed_by=self.confirmed_by,
                       ruled_out_by=self.ruled_out_by)
        return out


@dataclass(frozen=True, slots=True)
class RuledOut:
    """A cause rule (one that ``explains`` symptoms) that the capture rules out on a device:
    evaluated without a finding, or its ``rule_out`` evidence holds. ``evidence``: the lines
    that show it (the rule_out bindings, else the outputs it was judged on); ``note``: what
    they say."""

    rule_id: str
    device: str
    key: str
    evidence: tuple[Evidence, ...]
    note: str


@dataclass(frozen=True, slots=True)
class NotEvaluated:
    """A rule a device's captures cannot settle, with the commands that would."""

    rule_id: str
    device: str
    needs: tuple[str, ...]
    severity: str
    key: str = ""  # the device's key: two devices may share a name (a file and a hostname)
    reason: str = ""  # why what was captured does not settle it, when diag can say more than 'needs'

    def to_json(self) -> dict:
        out = {"rule_id": self.rule_id, "device": self.device, "needs": list(self.needs)}
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True, slots=True)
class Collect:
    """A command to collect next on a device, with the rules its output settles."""

    device: str
    command: str
    settles: tuple[str, ...]
    scope: str
    key: str = ""  # the device's key (see NotEvaluated)
    confirms: tuple[str, ...] = ()  # suspected findings this command's output confirms or rules out

    def sort_key(self) -> tuple[str, str]:
        return self.device.lower(), self.key

    def to_json(self) -> dict:
        out = {"device": self.device, "command": self.command, "settles": list(self.settles)}
        if self.confirms:
            out["confirms"] = list(self.confirms)
        return out


def share(objects, pool: dict) -> None:
    """Make the text and tuple fields of some frozen report objects (and of the ``Evidence``
    they hold) the pool's copy of an equal value: a fleet's findings repeat the same fix,
    verify commands, notes and configuration lines device after device, and a worker's
    results arrive as copies of their own. Values are unchanged; only copies are let go."""
    for obj in objects:
        for name in type(obj).__slots__:
            value = getattr(obj, name)
            kind = type(value)
            if kind is tuple and value and type(value[0]) is Evidence:
                share(value, pool)
            if kind is str or kind is tuple:
                kept = pool.setdefault(value, value)
                if kept is not value:
                    object.__setattr__(obj, name, kept)


@dataclass
class Outcome:
    """The findings, rules not evaluated, commands to collect and ruled-out causes of
    one device, or of a run."""

    findings: list[Finding] = field(default_factory=list)
    not_evaluated: list[NotEvaluated] = field(default_factory=list)
    collect_next: list[Collect] = field(default_factory=list)
    ruled_out: list[RuledOut] = field(default_factory=list)  # cause rules the capture rules out

    def share(self, pool: dict) -> None:
        """Its entries' equal texts shared with the rest of the run (``share``)."""
        for entries in (self.findings, self.not_evaluated, self.collect_next, self.ruled_out):
            share(entries, pool)

    @classmethod
    def joined(cls, parts) -> "Outcome":
        """The outcomes of the devices of a run, given in report order, in report order
        (stable: each device's entries keep their order)."""
        out = cls()
        for part in parts:
            out.findings.extend(part.findings)
            out.not_evaluated.extend(part.not_evaluated)
            out.collect_next.extend(part.collect_next)
            out.ruled_out.extend(part.ruled_out)
        out.findings.sort(key=Finding.sort_key)
        out.not_evaluated.sort(key=lambda n: (n.device.lower(), n.rule_id))
        out.collect_next.sort(key=Collect.sort_key)
        return out


# The licensing fields a device summary keeps (the first value each has in the device's
# output): the states and dates the markdown case note and the timeline show.
LICENSING_FIELDS = {
    "license.smart": ("enabled",),
    "license.registration": ("status", "smart_account", "virtual_account", "initial_date", "last_renewal_result",
                             "last_renewal_date", "next_renewal", "expires"),
    "license.authorization": ("status", "date", "eval_remaining", "last_comm_result", "last_comm_date",
                              "comm_failure_reason", "next_comm", "deadline"),
    "license.summary": ("enabled", "registration_status", "smart_account", "virtual_account", "authorization_status",
                        "authorization_date", "eval_remaining", "last_comm_result", "last_renewal_result",
                        "next_renewal", "registration_expires", "next_comm", "deadline"),
    "license.slp": ("enabled",),
    "license.transport": ("type", "url", "cslu"),
    "license.usage_reporting": ("last_ack", "last_ack_text", "next_ack_deadline", "push_interval", "next_push",
                                "last_push"),
    "license.trust_code": ("installed",),
}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One capture of a device at a time of its own: the captures of one switch whose clocks
    are more than a day apart are snapshots; the newest is judged, the older ones are its
    history (``diag.devices.snapshots``)."""

    when: dt.datetime | None  # the newest clock reading of its outputs (None: no clock at all)
    where: str  # which reading, and where it was read
    inputs: tuple[str, ...]
    lines: tuple[tuple[str, int, int], ...]  # (path, first line, last line) of its outputs per file
    state: tuple[str, ...]  # the licensing state its outputs show, e.g. ("UNREGISTERED", "EVAL MODE")
    current: bool = False  # the snapshot judged
    undated: tuple[str, ...] = ()  # files without any clock that joined it

    def to_json(self) -> dict:
        from diag.types import to_json

        out = {"now": to_json(self.when), "now_detail": self.where, "current": self.current,
               "inputs": list(self.inputs), "lines": [{"path": p, "line": a, "end_line": b} for p, a, b in self.lines],
               "state": list(self.state)}
        if self.undated:
            out["undated_inputs"] = list(self.undated)
        return out


@dataclass(frozen=True, slots=True)
class Superseded:
    """An output shown again later in the same capture (before and after a change typed in
    the session): the later one is the current state, the earlier one history."""

    command: str  # as typed
    path: str
    line: int
    by_path: str
    by_line: int

    def to_json(self) -> dict:
        return {"command": self.command, "path": self.path, "line": self.line,
                "superseded_by": {"path": self.by_path, "line": self.by_line}}


@dataclass(slots=True)
class DeviceSummary:
    """What the reports show of a device once it has been judged and let go: its identity,
    the clock it was judged at, and its licensing state (not its sections and facts)."""

    key: str
    name: str
    inputs: list[str]
    platform: str | None = None
    release: object = None  # a diag.version.Release
    mode: str = "unknown"
    commands: list[str] = field(default_factory=list)
    now: dt.datetime | None = None
    now_source: str = "system"
    clock: tuple[dt.datetime, str] | None = None  # the device's own clock reading, and where
    licensing: dict[str, dict[str, object]] = field(default_factory=dict)  # kind -> field -> first value
    now_detail: str = ""  # which clock it was judged at, and where it was read
    snapshots: list[Snapshot] = field(default_factory=list)  # oldest first, the judged one included; [] for one
    superseded: list[Superseded] = field(default_factory=list)  # outputs read as history within a capture
    events: tuple = ()  # its dated licensing events (diag.timeline.Event), sorted by date

    def share(self, pool: dict) -> None:
        """Its events' and licensing fields' equal texts shared with the rest of the run."""
        share(self.events, pool)
        for fields in self.licensing.values():
            for name, value in fields.items():
                if type(value) is str:
                    fields[name] = pool.setdefault(value, value)
        self.commands = [pool.setdefault(c, c) for c in self.commands]

    def state(self, kind: str, name: str):
        """The first value of a licensing field in the device's output, or None."""
        return self.licensing.get(kind, {}).get(name)


@dataclass
class InputInfo:
    """What was read of one input: its lines, sections and what was skipped."""

    path: str
    lines: int = 0
    sections: int = 0
    skipped: Counter = field(default_factory=Counter)
    skipped_lines: int = 0
    unrecognised_lines: int = 0
    encoding: str = "utf-8"
    note: str | None = None  # a problem that did not stop the analysis (truncated gzip)
    suppressions: list = field(default_factory=list)  # diag.split.Suppression
    foreign: str | None = None  # the first line only another platform prints (diag.platforms.describe)
    reshaped: str | None = None  # what the paste added to every line, removed before reading (diag.reshape)
    # outputs of commands diag reads, in a form it does not read (| json, run together with
    # the command): what each is (split.unread_form); said in ``note``
    unread: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        out = {
            "path": self.path, "lines": self.lines, "sections_used": self.sections,
            "sections_skipped": sum(self.skipped.values()), "unrecognised_lines": self.unrecognised_lines,
            "encoding": self.encoding,
        }
        if self.note:
            out["note"] = self.note
        if self.reshaped:
            out["reshaped"] = self.reshaped
        return out


@dataclass
class Options:
    """The options of a run (``diag check``'s, or an API caller's)."""

    now: dt.datetime | str | None = None  # a time, or NOW_SYSTEM ('--now now'): this machine's clock
    rules_dirs: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "warning"
    system_now: dt.datetime | None = None  # for tests: what "today" is
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> severity this project gives it
    baseline: str | None = None  # findings accepted earlier: only new ones count
    context: tuple[str, ...] = ()  # more files read only for device context (pre-commit)
    # absolute globs (config.glob_patterns) of files whose configurations without a header are
    # whole running-configs (whole-config, --whole-config)
    whole_config: tuple[str, ...] = ()
    whole_files: frozenset[str] = frozenset()  # files declared whole by name (redacted copies of declared ones)
    config_file: str | None = None  # the .diag.yaml or pyproject.toml the settings came from
    repository: bool = False  # a configuration repository (its config says so): no show command is asked for
    jobs: int = 1  # worker processes that judge devices
    progress: object = None  # a diag.progress.Progress for long runs on a terminal


@dataclass
class Report:
    """What a run produces, for every reporter: its clock, devices, findings and inputs."""

    now: dt.datetime
    now_source: str
    now_detail: str
    devices: list[DeviceSummary]
    outcome: Outcome
    inputs: list[InputInfo]
    unread: list[tuple[str, str]]  # (path, problem) for inputs that could not be read
    skipped_files: list[tuple[str, str]]  # files of a folder walk that are not text captures
    rules: object  # the diag.rulebook.RuleBook the run used
    version: str = __version__
    suppressed: list = field(default_factory=list)  # policy.Suppressed: findings an inline comment silenced
    baselined: list = field(default_factory=list)  # findings the baseline already accepts
    context_inputs: int = 0  # files read only for device context
    context_mode: bool = False  # a --context run (pre-commit): configurations, not sessions
    config_file: str | None = None  # the project configuration read (Options.config_file)
    diagnoses: list = field(default_factory=list)  # diag.diagnosis.Diagnosis, one per device, in device order

    @property
    def findings(self):
        return self.outcome.findings

    def summary(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in self.outcome.findings:
            counts[f.severity] += 1
        return counts

    def skipped_sections(self) -> Counter:
        total: Counter = Counter()
        for info in self.inputs:
            total.update(info.skipped)
        return total

    def exit_code(self, fail_on: str = "warning") -> int:
        if self.unread:
            return 2
        threshold = SEVERITY_RANK[fail_on]
        if any(SEVERITY_RANK[f.severity] >= threshold for f in self.outcome.findings):
            return 1
        return 0
