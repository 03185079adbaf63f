"""Small python-docx helpers shared by the build scripts (page-number fields, merged cells, borders)."""
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt


def add_field(paragraph, instr):
    """Insert a Word field (e.g. PAGE, NUMPAGES) into a paragraph as begin/instr/separate/end runs."""
    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instr} "
    run_with(text)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    paragraph.add_run("1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def page_footer(section, prefix="第 ", middle=" 页 共 ", suffix=" 页"):
    p = section.footer.paragraphs[0]
    p.alignment = 1
    p.add_run(prefix)
    add_field(p, "PAGE")
    p.add_run(middle)
    add_field(p, "NUMPAGES")
    p.add_run(suffix)


def set_cjk_font(doc, name="宋体", size=10.5):
    style = doc.styles["Normal"]
    style.font.name = name
    style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def cell_lines(cell, lines, bold_first=False):
    """Write lines into a cell, one paragraph each (the way people type numbered items in a Word cell)."""
    cell.text = ""
    first = True
    for line in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        run = p.add_run(line)
        if bold_first and first:
            run.bold = True
        first = False
