"""A document written out as DOCX, PDF or XLSX the way organisations make them reads as the Markdown or text it
was written from (bugs found by `evals.metamorphic`; each document is built here with python-docx, reportlab or
openpyxl)."""
from pathlib import Path

from ingest.chunk import ChunkLimits
from ingest.load import read_document
from ingest.process import process_document

LIMITS = ChunkLimits(400, 1200)


def _roles(path: Path) -> dict[str, list[str]]:
    processed = process_document(read_document(path, [path.parent]), LIMITS)
    return {r.name: [d.text for d in r.duties] for r in processed.roles}


def _teams_markdown(path: Path, teams: list[tuple[str, list[str]]]) -> Path:
    """Teams as nested bullets under one group item, each team's duties a level below it."""
    lines = ["# 活动筹备工作", "", "需要完成以下工作：", "", "- 工作内容（分组）"]
    for team, duties in teams:
        lines += [f"  - {team}", *(f"    - {d}" for d in duties)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_list_item_or_heading_that_starts_like_an_ad_label_is_kept(tmp_path):
    """A scraped page's ad label (a plain line 赞助 / 广告) is boilerplate; a Word list item or heading with those
    words (a sponsorship team's duties) is the document's own, as `- 赞助` is in Markdown."""
    import docx

    teams = [("财务", ["编列预算。", "核销单据。"]), ("赞助", ["联系赞助方。", "确认赞助讯息露出。"])]
    document = docx.Document()
    document.add_heading("活动筹备工作", 1)
    document.add_paragraph("需要完成以下工作：")
    document.add_paragraph("工作内容（分组）", style="List Bullet")
    for team, duties in teams:
        document.add_paragraph(team, style="List Bullet 2")
        for duty in duties:
            document.add_paragraph(duty, style="List Bullet 3")
    document.save(tmp_path / "teams.docx")
    assert _roles(_teams_markdown(tmp_path / "teams.md", teams)) == dict(teams)
    assert _roles(tmp_path / "teams.docx") == dict(teams)


FONT = "STSong-Light"


def _canvas(path: Path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    width, height = A4
    return canvas.Canvas(str(path), pagesize=A4), width, height


POSTS = {"客服主管": ["受理业主报修，登记报修内容。", "回访维修结果。"],
         "保安员": ["门岗值守。", "夜间巡逻，记录异常情况。"]}


def _posts_markdown(path: Path) -> Path:
    lines = ["# 物业服务中心岗位说明", ""]
    for post, duties in POSTS.items():
        lines += [f"## {post}", "", *(f"- {d}" for d in duties), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_pdf_headings_are_told_by_their_type_size(tmp_path):
    """A PDF printed from Word has no heading styles: a short line set larger than the body is a heading, so a
    post's heading over its bulleted duties gives the roles the Markdown gives."""
    c, width, height = _canvas(tmp_path / "posts.pdf")
    c.setFont(FONT, 18)
    c.drawCentredString(width / 2, height - 80, "物业服务中心岗位说明")
    for number, (post, duties) in enumerate(POSTS.items(), 1):
        c.setFont(FONT, 9)
        c.drawString(72, height - 40, "物业服务中心 内部文件")
        c.drawCentredString(width / 2, 30, f"第 {number} 页")
        y = height - 120
        c.setFont(FONT, 15)
        c.drawString(72, y, post)
        c.setFont(FONT, 11)
        for duty in duties:
            y -= 22
            c.drawString(72, y, f"● {duty}")
        c.showPage()
    c.save()
    assert _roles(_posts_markdown(tmp_path / "posts.md")) == POSTS
    assert _roles(tmp_path / "posts.pdf") == POSTS


def test_pdf_nested_bullets_are_told_by_their_indent(tmp_path):
    """Word prints every level of a bulleted list with the same bullet: only the indent says a team's duties sit
    under the team, as the Markdown's nested list does."""
    teams = [("财务", ["编列预算。", "核销单据。"]), ("场务", ["主持场勘。", "布置会场。"])]
    c, width, height = _canvas(tmp_path / "teams.pdf")
    c.setFont(FONT, 18)
    c.drawCentredString(width / 2, height - 80, "活动筹备工作")
    c.setFont(FONT, 11)
    lines = [(0, "需要完成以下工作："), (0, "● 工作内容（分组）")]
    for team, duties in teams:
        lines += [(1, f"● {team}"), *((2, f"● {d}") for d in duties)]
    for row, (depth, text) in enumerate(lines):
        c.drawString(72 + 22 * depth, height - 120 - 22 * row, text)
    c.save()
    assert _roles(_teams_markdown(tmp_path / "teams.md", teams)) == dict(teams)
    assert _roles(tmp_path / "teams.pdf") == dict(teams)


def test_pdf_table_cell_lines_that_stop_short_of_the_cell_edge_are_separate_duties(tmp_path):
    """A duty table's cell with one duty per line (a line break, as Markdown's <br>) keeps its duties apart; a duty
    wrapped at the cell's edge stays one duty."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    wrapped = "负责楼道、电梯厅和地下车库的日常清扫，发现设施损坏的及时报告客服中心并登记在保洁日志上"
    duties = ["清扫楼道", "清运垃圾", wrapped]
    markdown = "# 保洁岗位\n\n| 岗位 | 职责 |\n|---|---|\n| 保洁员 | " + "<br>".join(duties) + " |\n"
    (tmp_path / "cells.md").write_text(markdown, encoding="utf-8")
    c, width, height = _canvas(tmp_path / "cells.pdf")
    c.setFont(FONT, 18)
    c.drawCentredString(width / 2, height - 80, "保洁岗位")
    style = ParagraphStyle("cell", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK")
    table = Table([[Paragraph("岗位", style), Paragraph("职责", style)],
                   [Paragraph("保洁员", style), Paragraph("<br/>".join(duties), style)]], colWidths=[100, 250])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    _, table_height = table.wrapOn(c, width, height)
    table.drawOn(c, 72, height - 120 - table_height)
    c.save()
    assert _roles(tmp_path / "cells.md") == {"保洁员": duties}
    assert _roles(tmp_path / "cells.pdf") == {"保洁员": duties}


def test_a_sheet_kept_one_line_per_row_has_bold_headings_and_indented_sub_items(tmp_path):
    """A duty sheet typed one line per row in column A: a bold (or larger) row is a heading, and an indented
    bullet row sits under the row above it, as the Markdown's headings and nested lists do."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    teams = [("财务", ["编列预算。", "核销单据。"]), ("场务", ["主持场勘。", "布置会场。"])]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "物业服务中心岗位说明"
    rows: list[tuple[str, Font | None, int]] = []
    for post, duties in POSTS.items():
        rows += [(post, Font(bold=True, size=12), 0), *((f"• {d}", None, 0) for d in duties)]
    rows += [("活动筹备", Font(bold=True, size=12), 0), ("需要完成以下工作：", None, 0),
             ("• 工作内容（分组）", None, 0)]
    for team, duties in teams:
        rows += [(f"• {team}", None, 1), *((f"• {d}", None, 2) for d in duties)]
    for text, font, indent in rows:
        sheet.append([text])
        cell = sheet.cell(row=sheet.max_row, column=1)
        if font is not None:
            cell.font = font
        cell.alignment = Alignment(indent=indent)
    workbook.save(tmp_path / "sheet.xlsx")
    assert _roles(tmp_path / "sheet.xlsx") == {**POSTS, **dict(teams)}
