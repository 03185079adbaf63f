"""A document as organisations keep duty sheets in Excel: one row per line in column A (headings and list items
as their text, numbers and bullets typed), each table as a grid of cells set off by a blank row, the sheet
named after the document."""
from __future__ import annotations

import re
from pathlib import Path

from evals.render_formats.source import Heading, Item, Para, Source, Table, item_label

SHEET_NAME_CHARS = 31  # Excel's limit
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
DEFAULT_SHEET = "Sheet1"


def sheet_name(title: str | None) -> str:
    name = SHEET_NAME_FORBIDDEN.sub(" ", title or "").strip()[:SHEET_NAME_CHARS].strip()
    return name or DEFAULT_SHEET


def render_xlsx(source: Source, out: Path) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_name(source.title)
    if source.title and sheet.title != source.title:  # a title the sheet's name cannot hold heads the sheet
        sheet.append([source.title])
    for element in source.elements:
        if isinstance(element, Heading):
            sheet.append([element.text])
        elif isinstance(element, Item):
            sheet.append([item_label(element) + element.text])
        elif isinstance(element, Para):
            sheet.append([element.text])
        elif isinstance(element, Table):
            sheet.append([])
            for row in element.rows:
                sheet.append(list(row))
            sheet.append([])
    workbook.save(str(out))
    return out
