"""A sheet kept as a document, one line per row: headings told by their type (bold, larger) and nested list items
by the cell's indent, as in a PDF (`pdf_fonts`, `pdf_lists`): a sheet has no heading or list styles either.

Only a run of rows that each hold one value (a column of lines, not a table) is read so, and only when some row
in it is typed as a heading or indented as a nested bullet; other runs are tables (`ingest.tables`).
"""
from __future__ import annotations

from ingest.formats.pdf_fonts import HeadingTypes, Typed
from ingest.formats.pdf_lists import BulletNesting
from kb.outline import HEADING, LINE, Block

DEFAULT_SIZE = 11.0   # points: Excel's body font when a cell names none
INDENT_POINTS = 9.0   # one step of Excel's cell indent, about three characters of the default font


def typed_rows(sheet) -> dict[int, Typed]:
    """Row index (0-based) → the typed text of each row that holds exactly one value."""
    typed: dict[int, Typed] = {}
    for r, row in enumerate(sheet.iter_rows()):
        filled = [cell for cell in row if cell.value is not None and str(cell.value).strip()]
        if len(filled) != 1:
            continue
        cell = filled[0]
        size = float(cell.font.sz) if cell.font is not None and cell.font.sz else DEFAULT_SIZE
        bold = bool(cell.font is not None and cell.font.b)
        indent = float(cell.alignment.indent or 0) if cell.alignment is not None else 0.0
        typed[r] = Typed(str(cell.value).strip(), size, bold, indent * INDENT_POINTS)
    return typed


class SheetLines:
    """The heading types and bullet depths of one sheet's single-value rows."""

    def __init__(self, typed: dict[int, Typed], level_below: int) -> None:
        self.typed = typed
        lines = list(typed.values())
        self.types = HeadingTypes(lines)
        self.nesting = BulletNesting(lines)
        self.level_below = level_below  # headings nest under the sheet's own heading

    def blocks(self, rows: range) -> list[Block] | None:
        """The blocks of a run of rows read as lines, or None when the run is a table or carries no type."""
        if any(r not in self.typed for r in rows):
            return None
        lines = [self.typed[r] for r in rows]
        if not any(self.types.level(x) is not None or x.x0 > 0 for x in lines):
            return None
        self.nesting.places = {}
        blocks: list[Block] = []
        for line in lines:
            level = self.types.level(line)
            if level is not None:
                blocks.append(Block(HEADING, line.text, level=self.level_below + level))
                self.nesting.item(line)  # a heading ends the lists above it
                continue
            nested = self.nesting.item(line)
            parts = [part.strip() for part in line.text.split("\n") if part.strip()]
            blocks += [nested] if nested else [Block(LINE, part) for part in parts]
        return blocks
