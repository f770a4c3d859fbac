"""``show version``: release, chassis, device name."""

from __future__ import annotations

from diag.facts import Fact
from diag.parsers.base import FactMap, Rows, TextFSMParser, unparsed_facts
from diag.version import Release


def _post(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    out = []
    for fact in facts:
        if fact.get("release") is None and fact.get("kickstart") is not None:
            fact.fields["release"] = fact.fields["kickstart"]
            fact.lines["release"] = fact.lines["kickstart"]
        release, kind = fact.get("release"), fact.get("release_kind")
        if isinstance(release, Release) and kind:
            fact.fields["release"] = release.with_kind(str(kind))  # [Feature Release] -> F
        chassis = fact.get("chassis")
        if chassis:
            fact.fields["platform"] = str(chassis).split()[-1]
            fact.lines["platform"] = fact.lines["chassis"]
        out.append(fact)
    if not any(f.get("release") for f in out):
        # it looked like show version but held no release: say so rather than stay silent
        first = [no for no, text in section.lines if text.strip()][:1]
        out.extend(unparsed_facts(section, first))
    return out


PARSER = TextFSMParser(
    "show version",
    "cisco_nxos_show_version.textfsm",
    [FactMap("version", "show version: software release and hardware", {
        "release": ("RELEASE", "release", "NX-OS release (NXOS:/system: line, else kickstart:)"),
        "release_text": ("RELEASE", "raw", "the release exactly as printed"),
        "kickstart": ("KICKSTART", "release", "kickstart release (older layouts)"),
        "build": ("BUILD", "raw", "the [build ...] string of interim or upgrade images"),
        "release_kind": ("RELEASE_KIND", "text", "Feature Release / Maintenance Release"),
        "bios": ("BIOS", "text", "BIOS version"),
        "image": ("IMAGE", "text", "NXOS / system image file"),
        "kickstart_image": ("KICKSTART_IMAGE", "text", "kickstart image file (older layouts)"),
        "chassis": ("CHASSIS", "text", "chassis description, e.g. Nexus9000 C93180YC-EX"),
        "serial": ("SERIAL", "text", "processor board id"),
        "device_name": ("DEVICE_NAME", "text", "Device name: the hostname"),
        "uptime": ("UPTIME", "text", "kernel uptime"),
        "reset_reason": ("RESET_REASON", "text", "last reset reason"),
    }, extra={"platform": ("text", "the model token of the chassis line, e.g. C93180YC-EX")})],
    post=_post,
)
