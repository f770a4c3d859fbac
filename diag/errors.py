"""Exceptions that the CLI maps to exit codes.

Library code raises these and never prints or exits; ``cli.py`` turns a
``DiagError`` into one line on stderr and exit code 2.
"""

from __future__ import annotations


class DiagError(Exception):
    """The tool could not do its job: bad usage, unreadable input, invalid rule file."""

    exit_code = 2


class InputError(DiagError):
    """An input file or stream could not be read as text."""

    def __init__(self, path: str, problem: str):
        from diag.model import shown_path

        super().__init__(f"{shown_path(path)}: {problem}")
        self.path = path
        self.problem = problem

    def __reduce__(self):  # an error travels back from a --jobs worker
        return type(self), (self.path, self.problem)


class RuleError(DiagError):
    """A rule file is invalid. The message names the file and the field."""

    def __init__(self, path: str, field: str, problem: str):
        where = f"{path}: {field}: " if field else f"{path}: "
        super().__init__(where + problem)
        self.path = path
        self.field = field
        self.problem = problem

    def __reduce__(self):
        return type(self), (self.path, self.field, self.problem)
