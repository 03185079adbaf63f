"""DOCX: paragraphs and tables in reading order, heading styles as headings, Word numbering as numbers.

python-docx returns a merged cell once per grid column it spans (and a vertically merged
cell in every row): each cell's text is given once, its other places marked as repeated.
Word's automatic numbering (List Number, numbered headings) is not in the paragraph text;
it is counted here per list and level, as Word shows it.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from ingest.formats.grid import Cell, Grid
from ingest.formats.limits import FormatLimits, check_zip
from ingest.tables import table_blocks
from kb.outline import HEADING, ITEM, LINE, Block

HEADING_STYLE = re.compile(r"^(?:Heading|标题|標題)\s*(\d)$", re.I)
TITLE_STYLES = ("Title", "标题", "標題")
# Word's built-in styles for nested lists ("List Bullet 2", "List Number 3", "List 2"): the number is the depth,
# and their numbering gives no level of its own (each depth is a list of its own at level 0)
NESTED_LIST_STYLE = re.compile(r"^List(?: Bullet| Number| Continue)? ([2-9])$", re.I)
BULLET_FORMATS = frozenset({"bullet", "none"})
TABLE_HEADING_LEVEL = 9  # a caption row nests below every heading the document has


@dataclass
class DocxText:
    blocks: list[Block]
    title: str | None
    text: str


@dataclass
class _Numbering:
    """Counters of Word's numbered lists: (numId, level) → next number; formats from numbering.xml."""

    formats: dict[tuple[str, int], str] = field(default_factory=dict)
    counters: dict[tuple[str, int], int] = field(default_factory=dict)

    @classmethod
    def of(cls, document) -> _Numbering:
        from docx.oxml.ns import qn

        numbering = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return numbering
        abstract = {}
        for node in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in node.findall(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                levels[int(lvl.get(qn("w:ilvl")))] = fmt.get(qn("w:val")) if fmt is not None else "decimal"
            abstract[node.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = abstract.get(ref.get(qn("w:val")) if ref is not None else "", {})
            for level, fmt in levels.items():
                numbering.formats[(num.get(qn("w:numId")), level)] = fmt
        return numbering

    def next(self, num_id: str, level: int) -> int | None:
        """The number Word shows for the next paragraph of this list level (None for bullets)."""
        if self.formats.get((num_id, level), "decimal") in BULLET_FORMATS:
            return None
        for key in [k for k in self.counters if k[0] == num_id and k[1] > level]:
            del self.counters[key]  # a deeper level restarts under each new item
        self.counters[(num_id, level)] = self.counters.get((num_id, level), 0) + 1
        return self.counters[(num_id, level)]


class _Styles:
    """Paragraph styles by id, looked up once: python-docx resolves `paragraph.style` by scanning every style,
    which costs milliseconds per paragraph (a 15,000-paragraph file took over 20 s)."""

    def __init__(self, document) -> None:
        self.by_id = {s.style_id: s for s in document.styles}
        self.default = document.styles.default(_paragraph_type()) if self.by_id else None
        self._num: dict[str | None, object] = {}

    def of(self, paragraph):
        style_id = paragraph._p.style
        return self.by_id.get(style_id, self.default) if style_id else self.default

    def name(self, paragraph) -> str:
        style = self.of(paragraph)
        return style.name if style is not None and style.name else ""

    def num_pr(self, paragraph):
        """The numbering a paragraph's style (or a style it is based on) gives it."""
        from docx.oxml.ns import qn

        style = self.of(paragraph)
        key = style.style_id if style is not None else None
        if key not in self._num:
            found = None
            while style is not None and found is None:
                style_pr = style.element.pPr
                found = style_pr.find(qn("w:numPr")) if style_pr is not None else None
                style = style.base_style
            self._num[key] = found
        return self._num[key]


def _paragraph_type():
    from docx.enum.style import WD_STYLE_TYPE

    return WD_STYLE_TYPE.PARAGRAPH


def _num_pr(paragraph, styles: _Styles) -> tuple[str, int] | None:
    from docx.oxml.ns import qn

    pr = paragraph._p.pPr
    num_pr = pr.find(qn("w:numPr")) if pr is not None else None
    if num_pr is None:
        num_pr = styles.num_pr(paragraph)
    if num_pr is None:
        return None
    num_id = num_pr.find(qn("w:numId"))
    ilvl = num_pr.find(qn("w:ilvl"))
    if num_id is None or num_id.get(qn("w:val")) == "0":
        return None
    return num_id.get(qn("w:val")), int(ilvl.get(qn("w:val"))) if ilvl is not None else 0


def _style_depth(style: str) -> int:
    nested = NESTED_LIST_STYLE.match(style)
    return int(nested.group(1)) - 1 if nested else 0


def _paragraph_text(paragraph, numbering: _Numbering, styles: _Styles) -> str:
    """A paragraph inside a table cell: its text, with Word's number in front when it is numbered."""
    text = paragraph.text.strip()
    num = _num_pr(paragraph, styles) if text else None
    number = numbering.next(*num) if num else None
    return f"{number}．{text}" if number is not None else text


def _grid(table, numbering: _Numbering, styles: _Styles, limits: FormatLimits) -> Grid:
    text_of: dict[object, str] = {}  # keyed by the cell element itself: keeping it alive keeps lxml's proxy
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            key = cell._tc
            if key in text_of:  # a merged cell met again, in this row or a row below
                cells.append(Cell(text_of[key], repeated=True))
                continue
            limits.count(len(cell.paragraphs))
            text_of[key] = "\n".join(t for t in (_paragraph_text(p, numbering, styles) for p in cell.paragraphs) if t)
            cells.append(Cell(text_of[key]))
        rows.append(cells)
    return Grid(rows)


def read_docx(data: bytes, limits: FormatLimits) -> DocxText:
    check_zip(data, limits)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types for broken packages
        raise ValueError(f"not a valid DOCX file ({type(exc).__name__}: {exc})") from None
    numbering = _Numbering.of(document)
    styles = _Styles(document)
    blocks: list[Block] = []
    positions: dict[int, int] = {}  # the place of each list level's item in the list going on
    title = None
    for element in document.element.body.iterchildren():
        limits.tick()
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "tbl":
            blocks += table_blocks(_grid(Table(element, document), numbering, styles, limits), TABLE_HEADING_LEVEL)
            continue
        if tag != "p":
            continue
        limits.count(1)
        paragraph = Paragraph(element, document)
        text = paragraph.text.strip()
        if not text:
            continue
        style = styles.name(paragraph)
        heading = HEADING_STYLE.match(style)
        if style in TITLE_STYLES and title is None and not blocks:
            title = text.replace("\n", "")
            continue
        if heading:
            blocks.append(Block(HEADING, text.replace("\n", " "), level=int(heading.group(1))))
            positions = {}
            continue
        num = _num_pr(paragraph, styles)
        if num is not None:
            level = num[1] + _style_depth(style)
            positions = {lv: n for lv, n in positions.items() if lv <= level}
            positions[level] = positions.get(level, 0) + 1
            number = numbering.next(*num)
            if number is None and level > 0:  # a nested bullet: numbered by place, as Markdown's are, so it nests
                number = positions[level]
            blocks.append(Block(ITEM, text.replace("\n", " "), level=level, number=number))
            continue
        positions = {}  # any other paragraph ends the list
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        blocks += [Block(LINE, line, paragraph=i == 0) for i, line in enumerate(lines)]
    plain = "\n".join(b.text for b in blocks if b.text)
    return DocxText(blocks, title, plain)
