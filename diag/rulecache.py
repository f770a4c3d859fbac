"""A cache of compiled rule sets, so that a small paste is checked in milliseconds.

Validating and compiling the rules (YAML, JSON Schema, conditions) costs far more
than checking a short capture. The compiled rule set and the fact catalogue are
kept in a pickle under the user's cache folder, keyed by the contents of every
rule file, diag's version and the modification stamps of the modules that
compile rules. Any change gives a new key; an unreadable or unwritable cache is
simply not used. ``DIAG_CACHE_DIR`` moves it, ``DIAG_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path
from typing import Any

from diag import __version__

_PACKAGE = Path(__file__).parent
# modules whose code decides what a compiled rule is: a change to any of them changes the key
_CODE = ("conditions.py", "rulebook.py", "facts.py", "commands.py", "types.py", "version.py", "devices.py",
         "parsers", "schema")


def folder() -> Path | None:
    if os.environ.get("DIAG_NO_CACHE"):
        return None
    base = os.environ.get("DIAG_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "diag"


def _stamp(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        return "-"
    return f"{st.st_size}:{st.st_mtime_ns}"


def _code_stamp() -> str:
    parts = []
    for name in _CODE:
        target = _PACKAGE / name
        if target.is_dir():
            parts += [f"{sub.name}={_stamp(sub)}" for sub in sorted(target.iterdir())]
        else:
            parts.append(f"{name}={_stamp(target)}")
    return ";".join(parts)


# Taken when diag is imported, so that it describes the code this process runs, not
# files edited on disk since (a process must never file its rules under newer code).
_CODE_STAMP = _code_stamp()
KEEP = 8  # cache files kept; older ones are removed when a new one is written


def _hasher():
    """BLAKE2 without hashlib: importing hashlib loads OpenSSL, a tenth of a small run."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - another Python implementation
        from hashlib import blake2b
    return blake2b(digest_size=16)


def key(rule_files: list[Path]) -> str:
    h = _hasher()
    h.update(f"{__version__}|{sys.version_info[:2]}|{_CODE_STAMP}|".encode())
    for path in rule_files:
        h.update(os.fsencode(path) + b"\0")  # any file name, not only UTF-8 ones
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"<unreadable>")  # the real load will report it
        h.update(b"\0")
    return h.hexdigest()[:32]


def read(k: str) -> Any | None:
    base = folder()
    if base is None:
        return None
    try:
        with open(base / f"rules-{k}.pickle", "rb") as fh:
            value = pickle.load(fh)  # noqa: S301 - written by diag itself, in the user's own cache
    except Exception:  # a missing, partial or stale cache is just a miss
        return None
    from diag.rulebook import RuleBook  # (imported here: rulebook imports this module)

    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], RuleBook)
            and isinstance(value[1], dict)):
        return None  # a file of another shape under our name: a miss too
    return value


def write(k: str, value: Any) -> None:
    base = folder()
    if base is None:
        return
    try:
        base.mkdir(parents=True, exist_ok=True)
        import tempfile  # only when the cache is written

        fd, tmp = tempfile.mkstemp(dir=base, prefix=".rules-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, base / f"rules-{k}.pickle")
        olds = sorted(base.glob("rules-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in olds[KEEP:]:
            old.unlink(missing_ok=True)
    except Exception:  # read-only home, full disk, unpicklable site rule: run without a cache
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except Exception:
            pass
