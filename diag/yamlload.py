"""YAML as diag reads it (rule files, ``.diag.yaml``): safe tags only, and a key given twice
in one mapping is an error naming its line, where plain YAML loaders keep the last value
without a word (``severity: warning`` then ``severity: info`` would load as info).
"""

from __future__ import annotations

import yaml
from yaml.constructor import ConstructorError

_MERGE = "tag:yaml.org,2002:merge"


class DuplicateKeyError(ConstructorError):
    """A mapping names ``key`` again on ``line`` (1-based); it was first on ``first_line``."""

    def __init__(self, key, line: int, first_line: int, mark):
        super().__init__(None, None, f"duplicate key '{key}' (first on line {first_line})", mark)
        self.key, self.line, self.first_line = key, line, first_line


class _UniqueKeys:
    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE:  # '<<: *base' keys may be overridden: that is what they are for
                    continue
                key = self.construct_object(key_node, deep=deep)  # kept: built once for both
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:  # an unhashable key: the constructor refuses it below
                    continue
                if first is not key_node:
                    raise DuplicateKeyError(key, key_node.start_mark.line + 1, first.start_mark.line + 1,
                                            key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


class Loader(_UniqueKeys, yaml.SafeLoader):
    """In Python: the loader of the configuration file, whose messages stay those of PyYAML."""


class FastLoader(_UniqueKeys, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Scanned and parsed in C (libyaml) where PyYAML has it: the loader of rule files."""
