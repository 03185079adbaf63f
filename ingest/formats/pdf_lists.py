"""Nested bulleted lists of a PDF, told by their indent: a PDF keeps no list levels, and Word prints every level's
bullet alike (•), so only how far a bullet line is indented says which item it belongs under.

The document's bullet lines are ranked by indent: the shallowest is the top list and reads as the line it is;
each deeper indent is a list one level down, its items numbered by place as Markdown's and Word's nested bullets
are, so they nest under the item above them instead of standing beside it.
"""
from __future__ import annotations

from ingest.formats.pdf_fonts import Typed
from kb.outline import ITEM, Block, match_marker

INDENT_STEP = 4.0  # points: bullets whose indents differ by less than this are one list level
BULLET_KIND = "bullet"


def _indent(x0: float) -> float:
    return round(x0 / INDENT_STEP) * INDENT_STEP


def _bullet(text: str) -> str | None:
    """The text after a line's bullet, or None for a line that is no bullet item."""
    marker = match_marker(text)
    return marker.heading if marker is not None and marker.kind == BULLET_KIND else None


class BulletNesting:
    """List depths of a PDF's bullet lines by indent, and the place of each nested item in its list."""

    def __init__(self, lines: list[Typed]) -> None:
        indents = sorted({_indent(line.x0) for line in lines if _bullet(line.text) is not None})
        self.depths = {indent: depth for depth, indent in enumerate(indents)}
        self.places: dict[int, int] = {}

    def item(self, line: Typed) -> Block | None:
        """The ITEM block of a bullet nested below the top list; None for any other line (it reads as it is). A
        line that is no bullet ends the lists."""
        text = _bullet(line.text)
        if text is None:
            self.places = {}
            return None
        depth = self.depths.get(_indent(line.x0), 0)
        self.places = {d: n for d, n in self.places.items() if d <= depth}
        self.places[depth] = self.places.get(depth, 0) + 1
        return Block(ITEM, text, level=depth, number=self.places[depth]) if depth else None
