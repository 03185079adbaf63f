"""PDF with a text layer (pdfplumber): lines and tables in reading order, page furniture removed.

- Running headers and footers (a line at the top or bottom of most pages, digits aside) and page
  numbers (`第 1 页 共 5 页`, `- 3 -`, `頁次 1 / 3`) are dropped.
- A line that reaches the right margin without ending a sentence was wrapped by the PDF: it is
  joined with the next one (unless that one starts a numbered item).
- Tables are read as tables (a cell's line that stops short of the cell's edge ended there); a table
  that goes on at the top of the next page continues the same
  table, and a row cut by the page break is mended.
- Headings are told by their type (`pdf_fonts`): a short line set larger than the body, or wholly bold.
- Nested bulleted lists are told by their indent (`pdf_lists`).
- A PDF without any text (a scan) is refused with "no text layer".
"""
from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.formats.grid import Cell, Grid
from ingest.formats.limits import FormatLimits, LimitExceeded
from ingest.formats.pdf_fonts import HeadingTypes, Typed, is_bold
from ingest.formats.pdf_lists import BulletNesting
from ingest.formats.pdf_page import lay_out
from ingest.inline_lists import continues_inline_list
from ingest.tables import table_blocks
from kb.outline import HEADING, LINE, Block, match_marker

EDGE_LINES = 2  # lines at a page's top and bottom that may be running headers/footers
RUNNING_SHARE = 0.5  # a line on at least this share of pages (and on 2 or more) is a running header/footer
PAGE_NUMBER = re.compile(
    r"^(第\s*\d+\s*[页頁](\s*[,，/]?\s*共\s*\d+\s*[页頁])?|-\s*\d+\s*-|\d+|[页頁]次\s*\d+\s*/\s*\d+|"
    r"\d+\s*/\s*\d+|page\s*\d+(\s*of\s*\d+)?)$", re.I)
SENTENCE_END = re.compile(r"[。；;！？!?：:”」』）)]$")
FULL_LINE_SLACK_CHARS = 2.5  # a wrapped line ends within this many character widths of the right margin
CELL_SLACK_CHARS = 2.5       # a line wrapped in a table cell ends within this many character widths of its edge
CENTER_TOLERANCE = 0.08      # share of the page width a centred title line may be off centre
TITLE_MAX_LINES = 3
TITLE_MAX_CHARS = 40
TABLE_HEADING_LEVEL = 9
DIGITS = re.compile(r"\d+")


@dataclass
class PdfText:
    blocks: list[Block]
    title: str | None
    text: str


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    size: float
    bold: bool = False


@dataclass
class _Page:
    width: float
    lines: list[_Line] = field(default_factory=list)
    tables: list[tuple[float, list[list[str]]]] = field(default_factory=list)


def _join(a: str, b: str) -> str:
    return a + (" " if a[-1:].isascii() and b[:1].isascii() and a[-1:].isalnum() and b[:1].isalnum() else "") + b


def _cell_text(page, box) -> str:
    """A table cell's lines, with the lines the PDF wrapped inside the cell joined back: a line that reaches the
    cell's right edge goes on in the next one; a line that stops short of it ended there (a duty per line)."""
    if box is None:
        return ""
    out: list[str] = []
    joining = False
    for line in page.crop(box, strict=False).extract_text_lines(return_chars=True):
        text = line["text"].strip()
        if not text:
            continue
        if out and joining and match_marker(text) is None:
            out[-1] = _join(out[-1], text)
        else:
            out.append(text)
        sizes = [c.get("size", 0) for c in line.get("chars", [])]
        size = max(sizes) if sizes else 0.0
        joining = line["x1"] >= box[2] - CELL_SLACK_CHARS * size and not SENTENCE_END.search(text)
    return "\n".join(out)


def _read_page(page, limits: FormatLimits) -> _Page:
    lay_out(page, limits)
    result = _Page(float(page.width))
    boxes = []
    for table in page.find_tables():
        rows = [[_cell_text(page, box) for box in row.cells] for row in table.rows]
        limits.count(sum(len(r) for r in rows))
        result.tables.append((float(table.bbox[1]), rows))
        boxes.append(table.bbox)
    for line in page.extract_text_lines(return_chars=True):
        middle = (line["top"] + line["bottom"]) / 2
        if any(x0 - 1 <= (line["x0"] + line["x1"]) / 2 <= x1 + 1 and top - 1 <= middle <= bottom + 1
               for x0, top, x1, bottom in boxes):
            continue
        text = line["text"].strip()
        if not text:
            continue
        chars = [c for c in line.get("chars", []) if c.get("text", "").strip()]
        sizes = [c.get("size", 0) for c in chars]
        size = max(sizes) if sizes else (line["x1"] - line["x0"]) / max(len(text), 1)
        bold = is_bold(c.get("fontname", "") for c in chars)
        result.lines.append(_Line(text, float(line["x0"]), float(line["x1"]), float(line["top"]), float(size), bold))
    limits.count(len(result.lines))
    return result


def _furniture(pages: list[_Page]) -> set[str]:
    """Digit-folded texts of the lines that run along the top or bottom of most pages."""
    seen: Counter[str] = Counter()
    for page in pages:
        edge = page.lines[:EDGE_LINES] + page.lines[-EDGE_LINES:]
        seen.update({DIGITS.sub("#", line.text) for line in edge})
    needed = max(2, RUNNING_SHARE * len(pages))
    return {text for text, count in seen.items() if count >= needed}


def _drop_furniture(pages: list[_Page]) -> None:
    running = _furniture(pages)
    for page in pages:
        edge = {id(x) for x in page.lines[:EDGE_LINES] + page.lines[-EDGE_LINES:]}
        page.lines = [x for x in page.lines
                      if not (id(x) in edge and (DIGITS.sub("#", x.text) in running
                                                 or PAGE_NUMBER.match(x.text.replace(" ", ""))))]


def _counted_title_lines(lines: list[_Line]) -> list[_Line]:
    """A cover's title lines, a title set vertically (one character per line, in one type size) counting once."""
    return [line for i, line in enumerate(lines)
            if not (i and len(line.text.strip()) == 1 and line.size == lines[i - 1].size)]


def _title(pages: list[_Page]) -> str | None:
    """Leading centred short lines of the first page, joined."""
    if not pages or not pages[0].lines:
        return None
    page = pages[0]
    taken: list[_Line] = []
    for line in page.lines:
        centre = (line.x0 + line.x1) / 2
        if abs(centre - page.width / 2) > CENTER_TOLERANCE * page.width or match_marker(line.text):
            break
        if len(_counted_title_lines(taken + [line])) > TITLE_MAX_LINES:
            break
        if len(_counted_title_lines(taken)) < len(taken) and line.size != taken[-1].size:
            break  # after a title set vertically, a line in another type (a version, a date) is not the title's
        taken.append(line)
    title = "".join(line.text for line in taken)
    if not taken or len(title) > TITLE_MAX_CHARS:
        return None
    page.lines = page.lines[len(taken):]
    return title


def _paragraphs(page: _Page) -> list[tuple[float, Typed]]:
    """The page's lines with wrapped lines joined (a line joins the one above only in the same type). A line
    that runs to the margin goes on in the next unless it ends a sentence; a line opening with the next
    number of a list written inline above goes on that list even after a sentence's end."""
    if not page.lines:
        return []
    margin = max(line.x1 for line in page.lines)
    out: list[tuple[float, Typed]] = []
    above: _Line | None = None  # the line above when it ran to the margin
    for line in page.lines:
        joins = False
        if above is not None and (line.size, line.bold) == (above.size, above.bold):
            wrapped = not SENTENCE_END.search(above.text) and match_marker(line.text) is None
            joins = wrapped or continues_inline_list(out[-1][1].text, line.text)
        if joins:
            top, typed = out[-1]
            out[-1] = (top, Typed(_join(typed.text, line.text), typed.size, typed.bold, typed.x0))
        else:
            out.append((line.top, Typed(line.text, line.size, line.bold, line.x0)))
        above = line if line.x1 >= margin - FULL_LINE_SLACK_CHARS * line.size else None
    return out


def _merge_continued(previous: list[list[str]], rows: list[list[str]]) -> None:
    """A table going on at the top of a page: a first row without its label mends the row the break cut."""
    if rows and not rows[0][0].strip() and previous:
        last = previous[-1]
        for j, cell in enumerate(rows[0]):
            if cell and j < len(last):
                last[j] = _join(last[j], cell) if last[j] else cell
        rows = rows[1:]
    previous.extend(rows)


def _grid(rows: list[list[str]]) -> Grid:
    return Grid([[Cell(text) for text in row] for row in rows])


def _unopenable(exc: Exception) -> str:
    """Why pdfplumber could not open a PDF; it wraps pdfminer's error, whose text is often empty."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    detail = str(inner).strip()
    if isinstance(inner, PDFPasswordIncorrect):
        return ("encrypted: it needs a password to open; save a copy without the password "
                "(or print it to PDF) and ingest that")
    if isinstance(inner, PDFEncryptionError):
        return f"encrypted in a way that cannot be read ({detail or type(inner).__name__}); save an unencrypted copy"
    return f"not a readable PDF ({type(inner).__name__}{': ' + detail if detail else ''})"


def read_pdf(data: bytes, limits: FormatLimits) -> PdfText:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises its own types for broken files
        raise ValueError(_unopenable(exc)) from None
    with pdf:
        if len(pdf.pages) > limits.max_pages:
            raise LimitExceeded(f"too many pages ({len(pdf.pages)}; limit {limits.max_pages})")
        pages = []
        for source in pdf.pages:
            pages.append(_read_page(source, limits))
            source.close()  # its layout and characters: only the lines read from them are kept
    if not any(p.lines or p.tables for p in pages):
        raise ValueError("no text layer (a scanned PDF?): run OCR on it or use the source document")
    _drop_furniture(pages)
    title = _title(pages)
    blocks: list[Block] = []
    open_table: list[list[str]] | None = None
    paragraphs = [_paragraphs(page) for page in pages]
    typed_lines = [typed for page in paragraphs for _, typed in page]
    types, nesting = HeadingTypes(typed_lines), BulletNesting(typed_lines)
    for page, lines in zip(pages, paragraphs, strict=True):
        items: list[tuple[float, int, object]] = [(top, 0, typed) for top, typed in lines]
        items += [(top, 1, rows) for top, rows in page.tables]
        items.sort(key=lambda item: (item[0], item[1]))
        for position, (_, kind, payload) in enumerate(items):
            if kind == 1:
                rows = payload if isinstance(payload, list) else []
                if open_table is not None and position == 0 and rows and len(rows[0]) == len(open_table[0]):
                    _merge_continued(open_table, rows)
                    continue
                if open_table is not None:
                    blocks += table_blocks(_grid(open_table), TABLE_HEADING_LEVEL)
                open_table = [list(r) for r in rows]
                continue
            if open_table is not None:
                blocks += table_blocks(_grid(open_table), TABLE_HEADING_LEVEL)
                open_table = None
            assert isinstance(payload, Typed)
            level = types.level(payload)
            nested = nesting.item(payload)
            if level is not None:
                blocks.append(Block(HEADING, payload.text, level=level))
            else:
                blocks.append(nested or Block(LINE, payload.text))
    if open_table is not None:
        blocks += table_blocks(_grid(open_table), TABLE_HEADING_LEVEL)
    return PdfText(blocks, title, "\n".join(b.text for b in blocks if b.text))
