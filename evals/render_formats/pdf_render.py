"""A document as a PDF printed from Word: A4 pages, body text wrapped at the page width (an item runs over two or
three lines, continuation lines hanging under its text), headings as larger lines, list numbers and bullets as
text, tables drawn as ruled grids that break across pages with their header row repeated, a running header
and a page-number footer on every page.

The CID font STSong-Light ships with reportlab (its CJK metrics; readers substitute the glyphs), so nothing
is downloaded. Bullets are drawn in a Latin font as Word does (its bullet comes from Symbol): the CID font's
encoding has no •. Where no such font is installed the bullet is ●, which the CID font has.
"""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from evals.render_formats.source import BULLET_MARK, Heading, Item, Para, Source, Table, item_label

FONT = "STSong-Light"
BODY_SIZE = 11
LEADING_RATIO = 1.5
HEADING_SIZES = {1: 18, 2: 15, 3: 13.5, 4: 12.5}  # deeper levels: the smallest, still above the body size
TITLE_SIZE = 20
MARGIN = 72  # points: one inch, Word's default page margin
INDENT_PER_DEPTH = 2 * BODY_SIZE
HANGING = 2 * BODY_SIZE  # room for the number or bullet before an item's text
CELL_SIZE = 10
FURNITURE_SIZE = 9
HEADER_GAP, FOOTER_GAP = 36, 30  # points from the page edge to the running header and the footer
BULLET_FONT = "BulletFont"
BULLET_FONT_FILES = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
                     Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"))
FALLBACK_BULLET = "●"


def _bullet() -> str:
    """The markup of a bullet: • in a Latin font when one is installed, else the CID font's ●."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    found = next((f for f in BULLET_FONT_FILES if f.exists()), None)
    if found is None:
        return FALLBACK_BULLET
    if BULLET_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(BULLET_FONT, str(found)))
    return f'<font name="{BULLET_FONT}">{BULLET_MARK}</font>'


def _styles():
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName=FONT, fontSize=BODY_SIZE, leading=BODY_SIZE * LEADING_RATIO,
                          wordWrap="CJK", spaceAfter=BODY_SIZE / 2)
    title = ParagraphStyle("title", parent=body, fontSize=TITLE_SIZE, leading=TITLE_SIZE * LEADING_RATIO,
                           alignment=TA_CENTER, spaceAfter=TITLE_SIZE)
    headings = {level: ParagraphStyle(f"h{level}", parent=body, fontSize=size, leading=size * LEADING_RATIO,
                                      spaceBefore=size / 2, spaceAfter=size / 2)
                for level, size in HEADING_SIZES.items()}
    cell = ParagraphStyle("cell", parent=body, fontSize=CELL_SIZE, leading=CELL_SIZE * LEADING_RATIO, spaceAfter=0)
    return body, title, headings, cell


def _item_style(body, depth: int):
    from reportlab.lib.styles import ParagraphStyle

    indent = depth * INDENT_PER_DEPTH + HANGING
    return ParagraphStyle(f"item{depth}", parent=body, leftIndent=indent, firstLineIndent=-HANGING)


def _text(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def _table(table: Table, cell_style, width: float):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, TableStyle
    from reportlab.platypus import Table as Grid

    columns = max(len(row) for row in table.rows)
    rows = [[Paragraph(_text(text), cell_style) for text in row] + [""] * (columns - len(row)) for row in table.rows]
    grid = Grid(rows, colWidths=[width / columns] * columns, repeatRows=1)
    grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return grid


def _furniture(running: str):
    def draw(canvas, document) -> None:
        width, height = document.pagesize
        canvas.saveState()
        canvas.setFont(FONT, FURNITURE_SIZE)
        canvas.drawString(MARGIN, height - HEADER_GAP, running)
        canvas.drawCentredString(width / 2, FOOTER_GAP, f"第 {canvas.getPageNumber()} 页")
        canvas.restoreState()
    return draw


def render_pdf(source: Source, out: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body, title, headings, cell = _styles()
    document = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                                 topMargin=MARGIN, bottomMargin=MARGIN)
    flow: list = []
    bullet = _bullet()
    if source.title:
        flow.append(Paragraph(_text(source.title), title))
    for element in source.elements:
        if isinstance(element, Heading):
            style = headings.get(element.level, headings[max(HEADING_SIZES)])
            flow.append(Paragraph(_text(element.text), style))
        elif isinstance(element, Item):
            label = bullet + " " if not element.ordered else _text(item_label(element))
            flow.append(Paragraph(label + _text(element.text), _item_style(body, element.depth)))
        elif isinstance(element, Para):
            flow.append(Paragraph(_text(element.text), body))
        elif isinstance(element, Table):
            flow += [_table(element, cell, document.width), Spacer(1, BODY_SIZE)]
    running = source.title or source.path.stem
    document.build(flow, onFirstPage=_furniture(running), onLaterPages=_furniture(running))
    return out
