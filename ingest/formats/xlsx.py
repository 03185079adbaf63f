"""XLSX (openpyxl): each sheet a section, each block of rows a table read with its header labels.

A merged cell holds its value in its top-left cell only; it is given to every cell it covers
(marked repeated, so it is shown once). Blank rows separate tables within a sheet. A run of one-value rows
with bold or larger headings or indented bullets is a document kept one line per row (`xlsx_lines`).

The workbook's size is measured first by streaming its sheets (`xlsx_span`), which stops at the
cell limit; only a workbook within it is loaded whole (1M rows loaded took 720 MiB).
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

from ingest.formats.grid import Cell, Grid
from ingest.formats.limits import FormatLimits, LimitExceeded, check_zip
from ingest.formats.xlsx_lines import SheetLines, typed_rows
from ingest.formats.xlsx_span import check_workbook_span
from ingest.tables import table_blocks
from kb.outline import HEADING, Block

SHEET_LEVEL = 1
CAPTION_LEVEL = 2
# The names a spreadsheet program gives a new sheet (Sheet1, 工作表1): they say nothing of what it holds, so
# such a sheet is no section (nor a document's title, nor the post of a card that names none).
DEFAULT_SHEET_NAME = re.compile(r"^(?:sheet|工作表|表)\s*\d+$", re.I)


@dataclass
class XlsxText:
    blocks: list[Block]
    text: str


def _value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and not (value.hour or value.minute or value.second):
        return value.date().isoformat()
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def _sheet_rows(sheet, limits: FormatLimits) -> list[list[Cell]]:
    cells = sheet.max_row * sheet.max_column
    if cells > limits.max_elements:
        raise LimitExceeded(f"sheet '{sheet.title}' has {cells} cells (limit {limits.max_elements})")
    limits.count(cells)
    values = [[_value(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    repeated: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        top = values[merged.min_row - 1][merged.min_col - 1] if merged.min_row - 1 < len(values) else ""
        for r in range(merged.min_row - 1, min(merged.max_row, len(values))):
            for c in range(merged.min_col - 1, min(merged.max_col, len(values[r]))):
                if (r, c) != (merged.min_row - 1, merged.min_col - 1):
                    values[r][c] = top
                    repeated.add((r, c))
    return [[Cell(v, repeated=(r, c) in repeated) for c, v in enumerate(row)] for r, row in enumerate(values)]


def _tables(rows: list[list[Cell]]) -> list[tuple[range, Grid]]:
    """Runs of non-blank rows, with the row indices they span."""
    grids: list[tuple[range, Grid]] = []
    current: list[list[Cell]] = []
    for r, row in enumerate(rows + [[]]):
        if any(c.text for c in row):
            current.append(row)
        elif current:
            grids.append((range(r - len(current), r), Grid(current)))
            current = []
    return grids


def read_xlsx(data: bytes, limits: FormatLimits) -> XlsxText:
    check_zip(data, limits)
    check_workbook_span(data, limits)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for broken workbooks
        raise ValueError(f"not a valid XLSX file ({type(exc).__name__}: {exc})") from None
    blocks: list[Block] = []
    for sheet in workbook.worksheets:
        rows = _sheet_rows(sheet, limits)
        grids = _tables(rows)
        if not grids:
            continue
        named = DEFAULT_SHEET_NAME.match(sheet.title.strip()) is None
        if named:
            blocks.append(Block(HEADING, sheet.title, level=SHEET_LEVEL))
        lines = SheetLines(typed_rows(sheet), SHEET_LEVEL)
        for span, grid in grids:
            as_lines = lines.blocks(span)
            # a card naming no post stands for the sheet's
            blocks += as_lines if as_lines is not None else \
                table_blocks(grid, CAPTION_LEVEL, sheet.title if named else None)
    workbook.close()
    return XlsxText(blocks, "\n".join(b.text for b in blocks if b.text))
