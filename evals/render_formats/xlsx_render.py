"""A document as organisations keep duty sheets in Excel: one row per line in column A (headings in bold and
larger, list items as their text with numbers and bullets typed, nested items indented with Excel's indent),
each table as a grid of cells set off by a blank row, the sheet named after the document's title."""
from __future__ import annotations

import re
from pathlib import Path

from evals.render_formats.source import Heading, Item, Para, Source, Table, item_label

SHEET_NAME_CHARS = 31  # Excel's limit
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
DEFAULT_SHEET = "Sheet1"
HEADING_SIZES = {1: 16, 2: 14, 3: 13, 4: 12}  # points; Excel's body text is 11
TITLE_SIZE = 18


def sheet_name(title: str | None) -> str:
    name = SHEET_NAME_FORBIDDEN.sub(" ", title or "").strip()[:SHEET_NAME_CHARS].strip()
    return name or DEFAULT_SHEET


def _title(source: Source) -> tuple[str | None, list]:
    """The document's title and the elements under it: its front-matter title, else its only top heading when it
    opens with it (as the Markdown reader takes it)."""
    elements = list(source.elements)
    if source.title:
        return source.title, elements
    tops = [e for e in elements if isinstance(e, Heading) and e.level == 1]
    if elements and len(tops) == 1 and elements[0] is tops[0]:
        return tops[0].text, elements[1:]
    return None, elements


def render_xlsx(source: Source, out: Path) -> Path:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    title, elements = _title(source)
    sheet.title = sheet_name(title)

    def line(text: str, font: Font | None = None, indent: int = 0) -> None:
        sheet.append([text])
        cell = sheet.cell(row=sheet.max_row, column=1)
        if font is not None:
            cell.font = font
        if indent:
            cell.alignment = Alignment(indent=indent)

    if title:
        line(title, Font(bold=True, size=TITLE_SIZE))
    for element in elements:
        if isinstance(element, Heading):
            line(element.text, Font(bold=True, size=HEADING_SIZES.get(element.level, min(HEADING_SIZES.values()))))
        elif isinstance(element, Item):
            line(item_label(element) + element.text, indent=element.depth)
        elif isinstance(element, Para):
            line(element.text)
        elif isinstance(element, Table):
            sheet.append([])
            for row in element.rows:
                sheet.append(list(row))
            sheet.append([])
    workbook.save(str(out))
    return out
