"""The text of a Markdown page that keeps its content in its front matter.

Static-site pages (a Hugo "about" page, a Jekyll profile) often have an empty body: what the page shows lives in
front-matter fields that its template lays out (`introduction: [...]`, `myPositions: {data: [...]}`). Such a
file is a document all the same, so its text is read from those fields, in file order: a field holding text is a
section headed by its key, a string in it a paragraph, a list of strings a list. Values that are not prose (URLs,
paths, layout switches, dates, numbers) are left out: they hold no CJK text.
"""
from __future__ import annotations

from typing import Any

from kb.jobtitles import CJK

MAX_HEADING_DEPTH = 6


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if CJK.search(value) else []
    if isinstance(value, list):
        return [t for v in value if not isinstance(v, dict | list) for t in _texts(v)]
    return []


def _lines(data: dict, depth: int) -> list[str]:
    lines: list[str] = []
    for key, value in data.items():
        heading = "#" * min(depth, MAX_HEADING_DEPTH) + f" {key}"
        if isinstance(value, dict):
            inner = _lines(value, depth + 1)
            lines += [heading, "", *inner] if inner else []
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            inner = [line for v in value if isinstance(v, dict) for line in _lines(v, depth + 1)]
            lines += [heading, "", *inner] if inner else []
        elif isinstance(value, list):
            items = _texts(value)
            lines += [heading, "", *(f"- {t}" for t in items), ""] if items else []
        elif texts := _texts(value):
            lines += [*texts, ""]
    return lines


def front_matter_text(fields: dict[str, Any]) -> str:
    """A Markdown body made of the front matter's text fields ("" when they hold none)."""
    return "\n".join(_lines(fields, 2)).strip()
