"""A document as Word writes it: headings in heading styles, lists with Word's own numbering (List Number,
List Bullet, nested by numbering level), tables as Word tables, the title in the Title style."""
from __future__ import annotations

from pathlib import Path

from evals.render_formats.source import Heading, Item, Para, Source, Table

MAX_HEADING_LEVEL = 9
TABLE_STYLE = "Table Grid"


def _new_list(document, style: str) -> str:
    """A list of its own for the style's numbering, counting from 1 again, as Word makes each new list."""
    from docx.oxml.ns import qn

    style_num = document.styles[style].element.pPr.find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
    numbering = document.part.numbering_part.element
    abstract = numbering.num_having_numId(int(style_num)).abstractNumId.val
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return str(num.numId)


def _numbered(document, text: str, style: str, depth: int, num_id: str) -> None:
    """A list paragraph at `depth`, numbered by Word (the number is not in its text)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = document.add_paragraph(text, style=style)
    num_pr = OxmlElement("w:numPr")
    level = OxmlElement("w:ilvl")
    level.set(qn("w:val"), str(depth))
    number = OxmlElement("w:numId")
    number.set(qn("w:val"), num_id)
    num_pr.append(level)
    num_pr.append(number)
    paragraph._p.get_or_add_pPr().append(num_pr)


def _table(document, table: Table) -> None:
    width = max(len(row) for row in table.rows)
    grid = document.add_table(rows=len(table.rows), cols=width)
    grid.style = TABLE_STYLE
    for r, row in enumerate(table.rows):
        for c, text in enumerate(row):
            grid.cell(r, c).text = text


def render_docx(source: Source, out: Path) -> Path:
    import docx

    document = docx.Document()
    if source.title:
        document.add_paragraph(source.title, style="Title")
    lists: dict[str, str] = {}  # style → the numbering of the list going on
    for element in source.elements:
        if not isinstance(element, Item):
            lists = {}
        if isinstance(element, Heading):
            document.add_heading(element.text, level=min(element.level, MAX_HEADING_LEVEL))
        elif isinstance(element, Item):
            style = "List Number" if element.ordered else "List Bullet"
            if style not in lists:
                lists[style] = _new_list(document, style)
            _numbered(document, element.text, style, element.depth, lists[style])
        elif isinstance(element, Para):
            document.add_paragraph(element.text)
        elif isinstance(element, Table):
            _table(document, element)
    document.save(str(out))
    return out
