"""NX-OS release numbers: parsing and ordering.

Accepted forms (knowledge file, section 8):

* old scheme ``X.Y(z)`` with an optional rebuild letter: ``6.2(14)``, ``8.4(2c)``;
* legacy trains with a designator: ``7.0(3)I7(8)``, ``6.0(2)U6(10)``, ``7.3(8)N1(1)``;
* current scheme ``A.B(C)[F|M]``: ``9.3(10)``, ``10.2(3)F``, ``10.2(5)M``;
* platform tags inside the parentheses: ``10.2(3t)`` (Nexus 3550-T).

Ordering compares major, minor and maintenance numerically (so 9.3(10) is
newer than 9.3(4)), then the rebuild letter (none < a < b ...), then a legacy
train and its rebuild numerically. ``F``/``M`` and the ``t`` platform tag are
metadata, not ordering keys: ``10.2(3)`` equals ``10.2(3)F`` and ``10.2(3t)``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

_RELEASE = re.compile(
    r"(?P<major>\d{1,2})\.(?P<minor>\d{1,2})"
    r"\((?P<maint>\d{1,3})(?P<letters>[a-z]{0,3})\)"
    r"(?:(?P<des>[A-Z]{1,3})(?P<train>\d{1,2})\((?P<rebuild>\d{1,3})(?P<rletters>[a-z]{0,3})\))?"
    r"(?P<kind>[FM](?![A-Za-z0-9]))?"
)
# Letters inside the parentheses that name a platform or image build, not a
# rebuild: ``t`` (Nexus 3550-T, 10.2(3t)) and ``uu`` (the non-disruptive
# upgrade image 9.3(6uu)I9(1uu), whose [build ...] is 9.3(6)).
PLATFORM_TAGS = frozenset({"t", "uu"})


@dataclass(frozen=True, order=True, slots=True)
class Release:
    """A parsed NX-OS release. Immutable, hashable, ordered by the fields compared, in
    their order here; the text, the platform tag and the kind are not compared."""

    major: int
    minor: int
    maint: int
    rebuild: str = ""  # the rebuild letters: none < a < b ...
    designator: str = ""  # a legacy train's, with its number and rebuild: I7(8) in 7.0(3)I7(8)
    train: int = 0
    train_rebuild: int = 0
    train_letters: str = ""
    text: str = field(default="", compare=False)
    tag: str = field(default="", compare=False)  # one of PLATFORM_TAGS, in place of a rebuild
    kind: str = field(default="", compare=False)  # "F" feature / "M" maintenance / "" unknown

    @classmethod
    def parse(cls, text: str) -> "Release | None":
        """Parse the first release found in ``text``; ``None`` if there is none."""
        m = _RELEASE.search(text) if text else None
        if not m:
            return None
        g = m.groupdict()
        tag = g["letters"] if g["letters"] in PLATFORM_TAGS else ""
        train_letters = "" if g["rletters"] in PLATFORM_TAGS else g["rletters"] or ""
        return cls(int(g["major"]), int(g["minor"]), int(g["maint"]), "" if tag else g["letters"], g["des"] or "",
                   int(g["train"] or 0), int(g["rebuild"] or 0), train_letters, m.group(0), tag, g["kind"] or "")

    @classmethod
    def coerce(cls, value: "Release | str") -> "Release":
        if isinstance(value, Release):
            return value
        rel = cls.parse(str(value))
        if rel is None:
            raise ValueError(f"not an NX-OS release: {value!r}")
        return rel

    def with_kind(self, kind: str) -> "Release":
        """The same release marked ``F``/``M`` (from ``[Feature Release]``); the text is kept."""
        kind = (kind or "").strip()[:1].upper()
        return dataclasses.replace(self, kind=kind) if kind in ("F", "M") and kind != self.kind else self

    def __repr__(self) -> str:
        return f"Release({self.text!r})"

    def __str__(self) -> str:
        return self.text


NO_SMART_LICENSING = re.compile(r"(?<!\d)30(?:16|64)(?!\d)")  # Nexus 3016 and 3064 (knowledge file, section 6)


def lacks_smart_licensing(platform: str) -> bool:
    """True for a model that never gets Smart Licensing (Nexus 3016, 3064), whatever it runs."""
    return bool(NO_SMART_LICENSING.search((platform or "").upper()))


def is_nexus_7000(platform: str) -> bool:
    return bool(re.search(r"7000|7700|\bN7K|\bC7\d{3}\b", platform.upper()))


def licensing_mode_for(release: Release | None, platform: str = "", smart_config: bool = False) -> str:
    """Licensing mode a release runs: traditional, classic (Smart Licensing) or slp.

    Nexus 3000/9000: before 9.3(3) traditional only; 9.3(3) to 10.1(x) classic
    Smart Licensing; 10.2(1) and later Smart Licensing Using Policy. Nexus 7000:
    classic Smart Licensing from 8.0(1) (an 8.x release with no platform known is
    one). Nexus 3016 and 3064 never get Smart Licensing. ``smart_config``: the
    configuration has ``license smart enable``, which only a release with classic Smart
    Licensing accepts. Unknown release: ``unknown``.
    """
    plat = (platform or "").upper()
    if lacks_smart_licensing(plat):
        return "traditional"  # whatever it runs, even when the release is not known
    if release is None:
        return "unknown"
    if is_nexus_7000(plat):
        return "classic" if release >= Release.coerce("8.0(1)") else "traditional"
    if release >= Release.coerce("10.2(1)"):
        return "slp"
    if release >= Release.coerce("9.3(3)") or smart_config:
        return "classic"
    if not plat and Release.coerce("8.0(1)") <= release < Release.coerce("9.0(1)"):
        return "classic"  # NX-OS 8.x is the Nexus 7000 line (Nexus 9000 went from 7.0(3)I7 to 9.2)
    return "traditional"
