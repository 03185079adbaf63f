"""Small real documents in each format, generated the way organisations make them (python-docx, openpyxl,
reportlab), for the format tests: a DOCX with a role-card table, an XLSX with one row per duty, a PDF
with running headers, wrapped lines and a duty table."""
from __future__ import annotations

from pathlib import Path

DOCX_DUTIES = ["负责当班现场秩序与人员调配，是当班安全第一责任人。", "检查各岗位交接记录，发现问题当班处理。",
               "处理客户现场投诉，重大投诉1小时内上报。", "每日17:00前填写值班日志。", "组织每周一次应急演练。"]
DOCX_REQUIREMENTS = ["大专及以上学历。", "3年以上相关工作经验。"]


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("星河物流园区岗位说明书", style="Title")
    document.add_paragraph("为明确园区各岗位职责，制定本说明书。")
    document.add_paragraph("一、值班主管岗位说明书")
    table = document.add_table(rows=5, cols=4)
    for j, text in enumerate(["岗位名称", "值班主管", "所属部门", "运营部"]):
        table.cell(0, j).text = text
    table.cell(1, 0).merge(table.cell(2, 0)).text = "岗位职责"
    first = table.cell(1, 1).merge(table.cell(1, 3))
    first.text = "\n".join(f"{i}．{t}" for i, t in enumerate(DOCX_DUTIES[:3], 1))
    second = table.cell(2, 1).merge(table.cell(2, 3))
    second.text = "\n".join(f"{i}．{t}" for i, t in enumerate(DOCX_DUTIES[3:], 4))
    table.cell(3, 0).text = "任职要求"
    table.cell(3, 1).merge(table.cell(3, 3)).text = "\n".join(
        f"{i}．{t}" for i, t in enumerate(DOCX_REQUIREMENTS, 1))
    table.cell(4, 0).text = "禁止行为"
    table.cell(4, 1).merge(table.cell(4, 3)).text = "不得擅离岗位；不得代签交接记录。"
    document.add_paragraph("二、班次安排")
    shifts = document.add_table(rows=3, cols=3)
    for i, row in enumerate([["班次", "时间", "人员"], ["早班", "07:00—15:00", "主管1名"],
                             ["夜班", "23:00—07:00", "主管1名、巡检员2名"]]):
        for j, text in enumerate(row):
            shifts.cell(i, j).text = text
    document.add_paragraph("交接班流程", style="Heading 1")
    for step in ["提前15分钟到岗。", "核对交接记录并签字。", "巡查一遍园区。"]:
        document.add_paragraph(step, style="List Number")
    document.save(path)
    return path


XLSX_ROLES = {"仓管员": ["负责入库商品的清点与上架", "每日盘点高值商品", "保管库区钥匙"],
              "理货员": ["按单拣货并复核", "保持货架整洁"]}


def make_xlsx(path: Path) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "岗位职责"
    sheet.append(["星河仓储岗位职责表（2025版）"])
    sheet.merge_cells("A1:F1")
    sheet.append(["序号", "部门", "岗位", "职责序号", "职责内容", "频次"])
    row = 3
    serial = 1
    for name, duties in XLSX_ROLES.items():
        first = row
        for k, duty in enumerate(duties, 1):
            sheet.append([serial, "仓储部" if k == 1 else None, name if k == 1 else None, k, duty, "每日"])
            serial += 1
            row += 1
        sheet.merge_cells(f"B{first}:B{row - 1}")
        sheet.merge_cells(f"C{first}:C{row - 1}")
    sheet.append([])
    sheet.append(["说明：本表由人力资源部编制。"])
    requirements = workbook.create_sheet("任职要求")
    requirements.append(["岗位", "学历", "其他要求"])
    requirements.append(["仓管员", "高中及以上", "持叉车证优先"])
    workbook.save(path)
    return path


PDF_HEADER = "星河物流 质量管理体系文件 编号：XH-QP-003"
PDF_ROLES = {"收货员": 3, "叉车司机": 2}


def make_pdf(path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    width, height = A4
    left, size = 60, 11
    c = canvas.Canvas(str(path), pagesize=A4)
    pages = [
        [("center", "星河物流仓储作业规范"), ("left", "第一部分 岗位职责"), ("left", "1.1 收货员"),
         ("left", "（1）核对送货单与实物的品名、数量和批号；"),
         ("left", "（2）检查外包装，发现破损、受潮的，拍照留存并在送货单上注明，当班汇总后报告仓库主"),
         ("left", "管审核；"), ("left", "（3）在系统中完成收货确认。"),
         ("left", "1.2 叉车司机"), ("left", "（1）持证上岗，每班作业前点检叉车；"),
         ("left", "（2）库内行驶速度不得超过5km/h。")],
        [("left", "第二部分 考核"), ("left", "2.1 考核指标如下表：")],
    ]
    line_width = width - 2 * left
    for number, lines in enumerate(pages, 1):
        c.setFont("STSong-Light", 9)
        c.drawString(left, height - 40, PDF_HEADER)
        c.drawCentredString(width / 2, 30, f"第 {number} 页 共 {len(pages)} 页")
        c.setFont("STSong-Light", size)
        y = height - 90
        for align, text in lines:
            if align == "center":
                c.drawCentredString(width / 2, y, text)
            elif text.endswith("主"):  # a line the PDF wrapped: stretched to the right margin
                c.drawString(left, y, text, charSpace=(line_width - pdfmetrics.stringWidth(text, "STSong-Light",
                                                                                            size)) / len(text))
            else:
                c.drawString(left, y, text)
            y -= 22
        if number == len(pages):
            table = Table([["指标", "目标值", "考核岗位"], ["收货差异率", "≤0.1%", "收货员"]],
                          colWidths=[150, 120, 150])
            table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 10),
                                       ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
            _, table_height = table.wrapOn(c, line_width, 200)
            table.drawOn(c, left, y - table_height)
        c.showPage()
    c.save()
    return path


def make_scanned_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(100, 100, 300, 400, fill=1)  # an image of a page: no text layer
    c.showPage()
    c.save()
    return path
