"""What YAML gives for each built-in rule file, kept between runs as JSON.

Importing the YAML library and parsing some sixty rule files costs a small paste more
than checking it. This cache keeps, for each built-in rule file, its text and the data
YAML gave for it, in one JSON file under the user's cache folder; a file whose text
differs from the one kept is parsed again (and the cache rewritten). Only plain data is
kept, and only data that JSON gives back exactly: the rules are compiled from it on
every run, as from the YAML. The folder and the file must be the user's own and
writable by no one else, or the cache is not used. ``DIAG_CACHE_DIR`` moves it,
``DIAG_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from diag import __version__

KEEP = 8  # cache files kept (one per installed rules folder); older ones are removed on a write


def folder() -> Path | None:
    if os.environ.get("DIAG_NO_CACHE") or not hasattr(os, "getuid"):
        return None
    base = os.environ.get("DIAG_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "diag"


def _ours(info: os.stat_result) -> bool:
    """Owned by this user and writable by no one else."""
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _file(base: Path, rules: Path) -> Path:
    import zlib  # (diag.capture has loaded it already)

    return base / f"rules-{zlib.crc32(os.fsencode(os.path.realpath(rules))):08x}.json"


def _trusted_folder(base: Path) -> bool:
    try:
        info = os.lstat(base)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and _ours(info)


def read(rules: Path) -> dict[str, list]:
    """File name (relative to ``rules``) -> [text, data], as kept; {} when nothing is kept or to be trusted."""
    base = folder()
    if base is None or not _trusted_folder(base):
        return {}
    try:
        fd = os.open(_file(base, rules), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not (stat.S_ISREG(info.st_mode) and _ours(info)):
                return {}
            import json

            value = json.loads(fh.read())
    except (OSError, ValueError, RecursionError):  # missing, unreadable, not JSON: nothing kept
        return {}
    if not (isinstance(value, dict) and value.get("diag") == __version__ and isinstance(value.get("files"), dict)):
        return {}
    return value["files"]


def write(rules: Path, files: dict[str, list]) -> None:
    """Keep ``files`` (as ``read`` gives them) for ``rules``; quietly nothing when it cannot."""
    base = folder()
    if base is None:
        return
    tmp = None
    try:
        import json

        text = json.dumps({"diag": __version__, "files": files}, ensure_ascii=False, allow_nan=False)
        if json.loads(text)["files"] != files:
            return  # a value JSON does not give back as it was (a key that is not text)
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted_folder(base):
            return
        import tempfile

        fd, tmp = tempfile.mkstemp(dir=base, prefix=".rules-", suffix=".tmp")  # mode 0600
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, _file(base, rules))
        tmp = None
        olds = sorted(base.glob("rules-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in olds[KEEP:]:
            old.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError, RecursionError):  # read-only home, full disk, a date in a rule
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
