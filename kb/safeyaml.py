"""YAML from files people edit (front matter, lexicon, suites, users), read with bounds.

Anchors and aliases are refused: none of these files needs them, and a few nested aliases
expand into gigabytes once the data is walked ("billion laughs").
"""
from __future__ import annotations

from typing import Any

import yaml

from kb.errors import DutyKBError

MAX_YAML_CHARS = 2_000_000


class YamlError(DutyKBError):
    """A YAML file (or block) that cannot be read; the message names where and why."""


def _line(exc: yaml.YAMLError, first_line: int) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f" line {mark.line + first_line}" if mark is not None else ""


def load_yaml(text: str, where: str, first_line: int = 1) -> Any:
    """Parse YAML safely; `first_line` is the file line the text starts on (for messages)."""
    if len(text) > MAX_YAML_CHARS:
        raise YamlError(f"{where}: YAML too large ({len(text)} characters; limit {MAX_YAML_CHARS})")
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise YamlError(f"{where}: YAML anchors and aliases (&name, *name) are not allowed")
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise YamlError(f"{where}{_line(exc, first_line)}: invalid YAML: {getattr(exc, 'problem', None) or exc}") \
            from None
