"""YAML from files people edit (front matter, lexicon, suites, users), read with bounds.

Anchors and aliases are refused: none of these files needs them, and a few nested aliases
expand into gigabytes once the data is walked ("billion laughs"). A key given twice in one
mapping is refused too: YAML says keys are unique, and PyYAML would silently keep the last
(`visibility: [hr]` then `visibility: [hr, ops]` must not quietly mean the second). A value
that looks like a date but is not one (`2024-02-30`) stays the text it is, so the field it
belongs to can say what is wrong with it instead of the whole file failing.
"""
from __future__ import annotations

from typing import Any

import yaml

from kb.errors import DutyKBError

MAX_YAML_CHARS = 2_000_000


class YamlError(DutyKBError):
    """A YAML file (or block) that cannot be read; the message names where and why."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with unique keys, and impossible dates kept as text; `first_line` numbers lines in messages."""

    first_line = 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):  # the base class reports any other node
            first: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    seen = first.setdefault(key, key_node)
                except TypeError:  # an unhashable key: the base class says so with its position
                    continue
                if seen is not key_node:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key '{key}' (also on line {seen.start_mark.line + self.first_line})",
                        key_node.start_mark)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # e.g. day is out of range for month
            return self.construct_scalar(node)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)


def _line(exc: yaml.YAMLError, first_line: int) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f" line {mark.line + first_line}" if mark is not None else ""


def load_yaml(text: str, where: str, first_line: int = 1) -> Any:
    """Parse YAML safely; `first_line` is the file line the text starts on (for messages)."""
    if len(text) > MAX_YAML_CHARS:
        raise YamlError(f"{where}: YAML too large ({len(text)} characters; limit {MAX_YAML_CHARS})")
    try:
        for event in yaml.parse(text, Loader=_StrictLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise YamlError(f"{where}: YAML anchors and aliases (&name, *name) are not allowed")
        loader = _StrictLoader(text)
        loader.first_line = first_line
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or exc
        raise YamlError(f"{where}{_line(exc, first_line)}: invalid YAML: {problem}") from None
