"""Project configuration: ``.diag.yaml`` or ``[tool.diag]`` in ``pyproject.toml``.

Found by walking up from the working directory (the first folder that has one
wins; ``.diag.yaml`` before ``pyproject.toml`` in the same folder). Keys:

    select: [rule-id, ...]          run only these rules
    ignore: [rule-id, ...]          never run these
    severity: {rule-id: error|warning|info}   this project's severity for a rule
    fail-on: error|warning|info     lowest severity that fails the run
    rules: [folder, ...]            extra rule folders, relative to the config file
    baseline: file                  accepted findings (see --write-baseline)
    whole-config: [glob, ...]       files that hold whole running-configs even without a
                                    'version' line or '!Command:' header, relative to the file

Command-line options win over the file. An unknown key is an error naming the
file and the key, like every other configuration mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from diag.errors import DiagError

SEVERITIES = ("error", "warning", "info")
KEYS = {"select", "ignore", "severity", "fail-on", "rules", "baseline", "whole-config", "repository"}


@dataclass
class Config:
    """A project's settings (``.diag.yaml`` or ``[tool.diag]`` in pyproject.toml)."""

    path: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str | None = None
    rules: tuple[str, ...] = ()
    baseline: str | None = None
    whole_config: tuple[str, ...] | None = None  # absolute globs; None: the key is not set
    repository: bool = False  # a configuration repository: no show command is asked for


def glob_patterns(globs, base: Path | str, where: str) -> tuple[str, ...]:
    """Globs of files (``configs/**/*.cfg``) made absolute from ``base``; ``DiagError`` for a
    value that is not a list of non-empty patterns. ``*`` and ``?`` stay within a folder,
    ``**`` stands for any number of folders."""
    if isinstance(globs, str):
        globs = [globs]
    if not isinstance(globs, (list, tuple)) or not all(isinstance(g, str) and g.strip() and "\0" not in g
                                                        for g in globs):
        raise DiagError(f"{where}: 'whole-config' must be a list of file patterns (globs), e.g. "
                        "[\"configs/**/*.cfg\"]")
    import os

    out = tuple(os.path.normpath(os.path.join(os.path.abspath(base), g.strip())).replace(os.sep, "/")
                for g in globs)
    for given, pattern in zip(globs, out):
        try:
            _compiled_glob(pattern)
        except (re.error, RecursionError, OverflowError):
            raise DiagError(f"{where}: 'whole-config': '{given}' is not a valid file pattern "
                            "(a '[...]' set that holds no character?)") from None
    return out


def _glob_regex(pattern: str) -> re.Pattern:
    parts = pattern.split("/")
    out = ""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            out += ".*" if last else "(?:[^/]*/)*"
            continue
        k = 0
        while k < len(part):
            c = part[k]
            if c == "*":
                out += "[^/]*"
            elif c == "?":
                out += "[^/]"
            elif c == "[" and "]" in part[k + 2:]:
                end = part.index("]", k + 2)
                body = part[k + 1:end]
                negate = body.startswith("!")
                body = body[1:] if negate else body
                out += "[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]"
                k = end
            else:
                out += re.escape(c)
            k += 1
        if not last:
            out += "/"
    return re.compile(out + r"\Z")


def matches_glob(path: str, patterns: tuple[str, ...]) -> bool:
    """Whether a file (as given) matches one of the absolute ``patterns`` (glob_patterns)."""
    if path == "-" or not patterns:
        return False
    import os

    full = os.path.normpath(os.path.abspath(path)).replace(os.sep, "/")
    return any(_compiled_glob(p).match(full) is not None for p in patterns)


_GLOBS: dict[str, re.Pattern] = {}


def _compiled_glob(pattern: str) -> re.Pattern:
    found = _GLOBS.get(pattern)
    if found is None:
        found = _GLOBS[pattern] = _glob_regex(pattern)
    return found


# What marks the root of a repository: the search for a configuration stops there (a
# .diag.yaml in a home folder above a checkout must not turn its rules off unseen).
REPOSITORY_MARKS = (".git", ".hg", ".svn")


def find(start: Path | None = None) -> Path | None:
    """The ``.diag.yaml`` or ``pyproject.toml`` with ``[tool.diag]`` nearest ``start`` (the
    working folder), in it or a folder above it up to the root of its repository."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / ".diag.yaml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_diag(pyproject):
            return pyproject
        if any((folder / mark).exists() for mark in REPOSITORY_MARKS):
            return None
    return None


_MAY_CONFIGURE = re.compile(r"tool\s*\.\s*[\"']?diag|^\s*\[\s*[\"']?tool[\"']?\s*\]", re.M)
_TOOL_DIAG = re.compile(r"^\s*\[\s*tool\s*\.\s*diag\s*[\].]", re.M)


def _has_tool_diag(path: Path) -> bool:
    """Whether the file configures diag. A file that is not valid TOML but has a
    ``[tool.diag]`` table counts: loading it then says what is wrong, rather than
    running silently without the configuration its author wrote."""
    try:
        text = read_small(path, CONFIG_LIMIT, "configuration file")
    except (OSError, DiagError):
        return False
    if _MAY_CONFIGURE.search(text) is None:
        return False  # no [tool] table and no tool.diag key: nothing for diag, no TOML parser
    import tomllib

    try:
        return "diag" in tomllib.loads(text).get("tool", {})
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return _TOOL_DIAG.search(text) is not None


def read_small(path: Path | str, limit: int, what: str) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes (a configuration or a
    baseline: never a device, a pipe or a file that does not end)."""
    import os
    import stat

    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise DiagError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)):  # a pipe: <(cmd)
        raise DiagError(f"{path}: the {what} must be a file, not a device or a folder")
    if info.st_size > limit:
        raise DiagError(f"{path}: too large for a {what} ({info.st_size} bytes; at most {limit})")
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise DiagError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise DiagError(f"{path}: too large for a {what} (more than {limit} bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise DiagError(f"{path}: the {what} is not UTF-8 text") from None


CONFIG_LIMIT = 1 << 20  # a configuration file of more than a megabyte is not one


def load(path: Path) -> Config:
    where = str(path)
    try:
        text = read_small(path, CONFIG_LIMIT, "configuration file")
    except FileNotFoundError:
        raise DiagError(f"{where}: cannot read: no such file") from None
    if path.name == "pyproject.toml":
        import tomllib

        try:
            data = tomllib.loads(text).get("tool", {}).get("diag", {})
        except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:  # also 5,000-digit numbers, deep nesting
            raise DiagError(f"{where}: invalid TOML: {str(exc)[:200]}") from None
        where = f"{path} [tool.diag]"
    else:
        import yaml

        from diag.yamlload import DuplicateKeyError, Loader

        try:
            data = yaml.load(text, Loader=Loader) or {}  # noqa: S506 - a safe loader
        except DuplicateKeyError as exc:
            raise DiagError(f"{where}: line {exc.line}: invalid YAML: {exc.problem}") from None
        except yaml.YAMLError as exc:
            problem = " ".join(str(getattr(exc, "problem", None) or exc).split())  # one line
            raise DiagError(f"{where}: invalid YAML: {problem}") from None
        except (ValueError, RecursionError) as exc:  # a 5,000-digit number; nesting the loader cannot follow
            raise DiagError(f"{where}: invalid YAML: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise DiagError(f"{where}: the configuration must be a mapping of keys")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise DiagError(f"{where}: unknown key '{unknown[0]}' (known: {', '.join(sorted(KEYS))})")

    def ids(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DiagError(f"{where}: '{key}' must be a list of rule ids")
        return tuple(value)

    severity = data.get("severity", {})
    if not isinstance(severity, dict):
        raise DiagError(f"{where}: 'severity' must map rule ids to error, warning or info")
    for rule_id, level in severity.items():
        if level not in SEVERITIES:
            raise DiagError(f"{where}: severity of '{rule_id}' must be error, warning or info, not '{level}'")
    fail_on = data.get("fail-on")
    if fail_on is not None and fail_on not in SEVERITIES:
        raise DiagError(f"{where}: 'fail-on' must be error, warning or info, not '{fail_on}'")
    folders = data.get("rules", [])
    if isinstance(folders, str):
        folders = [folders]
    if not isinstance(folders, list) or not all(isinstance(v, str) for v in folders):
        raise DiagError(f"{where}: 'rules' must be a list of folders")
    baseline = data.get("baseline")
    if baseline is not None and not isinstance(baseline, str):
        raise DiagError(f"{where}: 'baseline' must be a file name")
    repository = data.get("repository", False)
    if not isinstance(repository, bool):
        raise DiagError(f"{where}: 'repository' must be true or false")
    base = path.parent
    whole = None
    if "whole-config" in data:  # set, even empty: this project says which files are whole
        whole = glob_patterns(data["whole-config"] or [], base, where)
    return Config(
        path=path, select=ids("select"), ignore=ids("ignore"), severity=dict(severity), fail_on=fail_on,
        rules=tuple(str(base / f) for f in folders),
        baseline=str(base / baseline) if baseline else None, whole_config=whole, repository=repository,
    )


def check_rule_ids(config: Config, known: set[str]) -> None:
    """Rule ids in the configuration must exist (after extra rule folders are loaded)."""
    for key, values in (("select", config.select), ("ignore", config.ignore), ("severity", tuple(config.severity))):
        for rule_id in values:
            if rule_id not in known:
                raise DiagError(f"{config.path}: {key}: unknown rule id '{rule_id}'")
