"""Each format parses into the one outline: role names, duty counts and breadcrumbs from DOCX tables, XLSX
rows, PDF text and HTML pages (fixtures generated in format_fixtures.py)."""
from pathlib import Path

import pytest
from format_fixtures import (
    DOCX_DUTIES,
    PDF_HEADER,
    PDF_ROLES,
    XLSX_ROLES,
    make_docx,
    make_pdf,
    make_scanned_pdf,
    make_xlsx,
)

from ingest.chunk import ChunkLimits
from ingest.load import LoadError, read_document
from ingest.process import ProcessedDocument, process_document
from kb.outline import match_marker

LIMITS = ChunkLimits(400, 1200)


def _process(path: Path) -> ProcessedDocument:
    return process_document(read_document(path, [path.parent]), LIMITS)


def _chunk(processed: ProcessedDocument, phrase: str):
    return next(c for c in processed.chunks if phrase in c.text)


def test_docx_role_card_table(tmp_path):
    processed = _process(make_docx(tmp_path / "card.docx"))
    assert processed.title == "星河物流园区岗位说明书"
    assert [(r.name, len(r.duties), r.department) for r in processed.roles] == [("值班主管", 5, "运营部")]
    role = processed.roles[0]
    assert [d.text for d in role.duties] == DOCX_DUTIES  # the two rows under the merged 岗位职责 cell: one list
    duties = _chunk(processed, DOCX_DUTIES[0])
    assert duties.breadcrumb == "星河物流园区岗位说明书 › 一、值班主管岗位说明书 › 岗位职责"
    assert duties.items == [1, 2, 3, 4, 5] and duties.role == "值班主管"
    assert role.chunk_ids == [duties.chunk_id]
    # a merged cell is read once, however many grid columns it spans
    assert sum(c.text.count(DOCX_DUTIES[0]) for c in processed.chunks) == 1
    # requirements and prohibitions are the role's own labelled parts, not duties
    assert _chunk(processed, "大专及以上学历").section.endswith("› 任职要求")
    assert _chunk(processed, "不得擅离岗位").section.endswith("› 禁止行为")


def test_docx_shift_rows_keep_their_labels_and_word_numbering_is_counted(tmp_path):
    processed = _process(make_docx(tmp_path / "card.docx"))
    shifts = _chunk(processed, "夜班")
    assert shifts.section == "二、班次安排" and shifts.items == [1, 2]
    assert "班次：夜班" in shifts.text and "时间：23:00—07:00" in shifts.text
    steps = _chunk(processed, "核对交接记录")
    assert steps.section == "交接班流程" and steps.items == [1, 2, 3]  # List Number: numbers not in the text


def test_docx_tables_stay_in_reading_order(tmp_path):
    doc = read_document(make_docx(tmp_path / "card.docx"), [tmp_path])
    text = doc.text
    assert text.index("一、值班主管岗位说明书") < text.index("岗位名称") < text.index("二、班次安排") \
        < text.index("班次：早班") < text.index("交接班流程")


def test_xlsx_one_row_per_duty_with_merged_role_cells(tmp_path):
    processed = _process(make_xlsx(tmp_path / "duties.xlsx"))
    assert [(r.name, [d.text for d in r.duties]) for r in processed.roles] == list(XLSX_ROLES.items())
    assert all(r.department == "仓储部" for r in processed.roles)
    keeper = _chunk(processed, "保管库区钥匙")
    assert keeper.section == "岗位职责 › 星河仓储岗位职责表（2025版） › 仓管员"
    assert keeper.items == [1, 2, 3]
    assert sum(c.text.count("仓储部") for c in processed.chunks) == 2  # once per role, not once per row
    # the requirements sheet has a role column but no duty column: rows with their labels, no role
    requirement = _chunk(processed, "持叉车证优先")
    assert requirement.section == "任职要求" and "岗位：仓管员" in requirement.text and requirement.role is None


def test_pdf_running_headers_wrapped_lines_and_roles(tmp_path):
    processed = _process(make_pdf(tmp_path / "rules.pdf"))
    assert processed.title == "星河物流仓储作业规范"
    assert {r.name: len(r.duties) for r in processed.roles} == PDF_ROLES
    receiver = _chunk(processed, "核对送货单")
    assert receiver.breadcrumb == "星河物流仓储作业规范 › 第一部分 岗位职责 › 1.1 收货员"
    assert "报告仓库主管审核；" in receiver.text  # the line the PDF wrapped mid-word is joined back
    everything = "\n".join(c.text for c in processed.chunks)
    assert PDF_HEADER not in everything and "第 1 页" not in everything and "共 2 页" not in everything
    table = _chunk(processed, "收货差异率")
    assert "目标值：≤0.1%" in table.text and "考核岗位：收货员" in table.text


def test_scanned_pdf_is_refused_with_a_clear_reason(tmp_path):
    with pytest.raises(LoadError, match="no text layer"):
        read_document(make_scanned_pdf(tmp_path / "scan.pdf"), [tmp_path])


@pytest.mark.parametrize("name,advice", [("old.doc", ".docx"), ("old.xls", ".xlsx")])
def test_legacy_office_files_say_how_to_convert(tmp_path, name, advice):
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0legacy")
    with pytest.raises(LoadError) as info:
        read_document(path, [tmp_path])
    assert advice in info.value.reason and str(path) in str(info.value)


HTML_PAGE = """<%@ page contentType="text/html; charset=UTF-8"%>
<html><head><title>星河物流 - 门岗职责 | 园区服务</title></head><body>
<div class="topbar"><a href="${ctx}/a">首页</a> | <a href="${ctx}/b">通知</a> | <a href="${ctx}/c">服务</a></div>
<div class="breadcrumb">您的位置：首页 &gt; 职责</div>
<h1>星河物流门岗职责</h1>
<p class="meta">发布日期：${notice.date}　浏览次数：<span>12</span>【<a href="#">打印</a>】</p>
<h2>一、各岗位职责</h2>
<h3>（一）门卫</h3>
<ol><li>核验进出车辆证件。</li><li>登记访客信息。</li></ol>
<p>门卫当值时不得擅离岗位。</p>
<h3>（二）巡检员</h3>
<p>1．每两小时巡查一次；<br/>2．填写巡查记录。</p>
<p>巡检员分两组：A组：负责东区；B组：负责西区。</p>
<table><tr><th>班次</th><th>时间</th></tr><tr><th>早班</th><td>07:00—15:00</td></tr></table>
<div class="footer">版权所有 {{ year }}</div></body></html>"""


def test_html_page_outline_roles_and_no_template_noise(tmp_path):
    path = tmp_path / "gate.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    processed = _process(path)
    assert processed.title == "星河物流门岗职责"
    roles = {r.name: len(r.duties) for r in processed.roles}
    assert roles == {"门卫": 2, "巡检员": 2, "A组": 1, "B组": 1}
    guard = _chunk(processed, "核验进出车辆证件")
    assert guard.breadcrumb == "星河物流门岗职责 › 一、各岗位职责 › （一）门卫" and guard.items == [1, 2]
    # the paragraph after the list belongs to the section, not to the last duty
    assert not any("不得擅离岗位" in d.text for r in processed.roles for d in r.duties)
    everything = "\n".join(c.text for c in processed.chunks) + processed.title
    for noise in ["${", "<%", "{{", "首页", "浏览次数", "打印", "版权所有"]:
        assert noise not in everything, noise
    assert "班次：早班" in everything and all(c.section for c in processed.chunks)


def test_outline_markers_of_legal_and_numbered_styles():
    cases = {"第三部分 安全管理": ("part", 3), "第十二条 本规范自发布之日起施行。": ("tiao", 12),
             "1）检查设备": ("arabic_paren", 1), "1．检查设备": ("arabic", 1), "2.3　质检员": ("decimal2", 3),
             "B．夜间巡查": ("latin", 2), "㈡ 交接": ("paren_cn", 2), "（五）接受群众求助。": ("paren_cn", 5)}
    for line, (kind, number) in cases.items():
        marker = match_marker(line)
        assert marker is not None and (marker.kind, marker.number) == (kind, number), line
    assert match_marker("1.5米以下的货架") is None  # a measurement, not a section number


def test_word_nested_list_styles_nest_like_markdown_indents(tmp_path):
    """Word's built-in "List Bullet 2" is the second depth of a list (its numbering has no level of its own): a
    post's bullet over its duties in List Bullet 2 gives the same roles as the Markdown list it was written from."""
    import docx

    posts = [("保洁员", ["清扫楼道。", "清运垃圾。"]), ("保安", ["门岗值守。", "夜间巡逻。"])]
    lines = ["# 物业部分工", "", "## 各岗位工作", ""]
    document = docx.Document()
    document.add_heading("物业部分工", 1)
    document.add_heading("各岗位工作", 2)
    for post, duties in posts:
        lines += [f"- {post}", *(f"  - {d}" for d in duties)]
        document.add_paragraph(post, style="List Bullet")
        for duty in duties:
            document.add_paragraph(duty, style="List Bullet 2")
    (tmp_path / "posts.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    document.save(tmp_path / "posts.docx")

    def roles(name: str) -> dict[str, list[str]]:
        processed = process_document(read_document(tmp_path / name, [tmp_path]), ChunkLimits(400, 1200))
        return {r.name: [d.text for d in r.duties] for r in processed.roles}

    assert roles("posts.docx") == roles("posts.md") == dict(posts)


def test_a_word_document_opening_with_its_only_heading_1_is_titled_by_it_as_markdown_is(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("社区成员", 1)
    document.add_paragraph("本文描述社区中各角色的职责。")
    document.add_heading("维护者职责", 2)
    for duty in ("评审合并请求。", "制定发布计划。"):
        document.add_paragraph(duty, style="List Number")
    document.save(tmp_path / "members.docx")
    (tmp_path / "members.md").write_text(
        "# 社区成员\n\n本文描述社区中各角色的职责。\n\n## 维护者职责\n\n1. 评审合并请求。\n2. 制定发布计划。\n",
        encoding="utf-8")
    word, markdown = (process_document(read_document(tmp_path / name, [tmp_path]), ChunkLimits(400, 1200))
                      for name in ("members.docx", "members.md"))
    assert word.title == markdown.title == "社区成员"
    assert [(r.name, len(r.duties)) for r in word.roles] == [(r.name, len(r.duties)) for r in markdown.roles]


def test_a_pdf_cover_title_set_one_character_per_line_is_read_whole(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    width, height = A4
    path = tmp_path / "handbook.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 48)
    y = height - 120
    for character in "员工手册":  # a cover's title set vertically, in one large type
        c.drawCentredString(width / 2, y, character)
        y -= 70
    c.setFont("STSong-Light", 11)
    c.drawCentredString(width / 2, y, "版本号：2023版")
    c.drawString(60, y - 40, "第一条 员工应按时上下班。")
    c.save()
    assert _process(path).title == "员工手册"


def test_a_pdf_line_opening_with_the_next_number_of_an_inline_list_goes_on_that_list(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "posting.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 16)
    c.drawString(60, 760, "仓库主管岗位职责")
    c.setFont("STSong-Light", 11)
    # a posting's one paragraph, wrapped where a sentence of its inline list ends and the next number begins
    for y, line in ((720, "主要工作内容：1.负责货物入库验收。"), (704, "2.负责库存盘点并上报差异。3.保持"),
                    (688, "库区整洁。4.负责叉车日常保养。")):
        c.drawString(60, y, line)
    c.save()
    roles = {r.name: [d.text for d in r.duties] for r in _process(path).roles}
    duties = ["负责货物入库验收。", "负责库存盘点并上报差异。", "保持库区整洁。", "负责叉车日常保养。"]
    assert roles == {"仓库主管": duties}, roles
