"""Headings of a PDF told by their type: a PDF printed from Word keeps no heading styles, only each line's font.

The body size is the size most of the document's characters are set in. A short line set larger than the body
is a heading; the larger its size, the higher its level (the largest size is level 1). A short line set wholly
in a bold face of the body size is a heading one level below the sized ones (Word's run-in headings). A line
that ends a sentence is body text, whatever its type.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

HEADING_SIZE_RATIO = 1.1   # a heading is set at least this much larger than the body (Word: 11 pt body, 13+ headings)
SIZE_STEP = 0.5            # sizes closer than this are one size (PDF producers round differently)
HEADING_MAX_CHARS = 40
BOLD_FACE = re.compile(r"bold|heavy|black|semibold|demibold|[-,]bd\b|黑体|黑體", re.I)
SENTENCE_END = re.compile(r"[。；;！？!?]$")


@dataclass(frozen=True)
class Typed:
    """One line's text and type (its largest character size, whether every character is in a bold face) and where
    it starts on the page."""

    text: str
    size: float
    bold: bool
    x0: float = 0.0


def _size_key(size: float) -> float:
    return round(size / SIZE_STEP) * SIZE_STEP


def is_bold(font_names: Iterable[str]) -> bool:
    names = list(font_names)
    return bool(names) and all(BOLD_FACE.search(name) for name in names)


class HeadingTypes:
    """A document's heading levels by type, learned from all its lines."""

    def __init__(self, lines: list[Typed]) -> None:
        chars: Counter[float] = Counter()
        bold_chars = 0
        for line in lines:
            chars[_size_key(line.size)] += len(line.text)
            bold_chars += len(line.text) if line.bold else 0
        self.body = chars.most_common(1)[0][0] if chars else 0.0
        bold_body = bold_chars * 2 < sum(chars.values())  # bold marks headings only where most text is not bold
        larger = sorted({_size_key(x.size) for x in lines if self._short(x)
                         and _size_key(x.size) >= self.body * HEADING_SIZE_RATIO}, reverse=True)
        self.levels = {size: level for level, size in enumerate(larger, 1)}
        self.bold_level = len(larger) + 1 if bold_body else None

    @staticmethod
    def _short(line: Typed) -> bool:
        return len(line.text) <= HEADING_MAX_CHARS and not SENTENCE_END.search(line.text)

    def level(self, line: Typed) -> int | None:
        """The heading level of a (joined) line, or None for body text."""
        if not self._short(line):
            return None
        key = _size_key(line.size)
        if key in self.levels:
            return self.levels[key]
        if line.bold and key >= self.body:  # bold, at the body size or a little above it
            return self.bold_level
        return None
