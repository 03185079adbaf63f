"""Builds docs/晨曦大飯店客房部作業手冊.pdf (written by us, Traditional Chinese).

A Word file whose roles sit in one three-column table (職稱 | 直屬主管 | 工作職掌, numbered items inside the
cell, rows breaking across pages), followed by a procedure and a shift table with row labels; printed to PDF by
LibreOffice with a running header and a 頁次 X / Y footer. The intermediate .docx is not kept.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).parent))
from docx_util import add_field, cell_lines, set_cjk_font

NAME = "晨曦大飯店客房部作業手冊"
OUT_DIR = Path(__file__).resolve().parents[1] / "docs"

ROLES = [
    ("客房部經理", "總經理", [
        "綜理客房部一切業務，包括房務、公共區域清潔、布巾室及洗衣房之管理。",
        "擬定部門年度預算及工作計畫，控制客房備品及清潔用品成本。",
        "督導各樓層客房清潔品質，每日抽查客房不少於十間。",
        "處理貴賓（VIP）房之佈置與檢查，VIP抵達前須親自驗收。",
        "處理房客對客房之客訴，重大客訴須於當日向總經理報告。",
        "與前檯、工務部協調房態及維修事宜，確保可售房數。",
        "負責部門人員之招募、排班、訓練及考核。",
        "制定並執行客房部緊急應變程序，每半年參加一次消防演練。",
    ]),
    ("房務領班", "客房部經理", [
        "每日上班前召開早會，分配房務員之清掃樓層及房號。",
        "檢查房務員清掃完畢之客房，合格後於系統內將房態改為「空房已檢查」。",
        "掌握樓層房態，每日10:00及15:00兩次與前檯核對房態。",
        "處理房客臨時需求，如加床、嬰兒床、熨斗等借用物品。",
        "督導樓層工作車、備品間之整潔與備品補充。",
        "登記並處理房客遺留物品。",
        "協助經理進行房務員之在職訓練。",
    ]),
    ("房務員", "房務領班", [
        "依領班分配之房號，依序清掃退房及續住客房。",
        "進房前須先按門鈴並報「房務員」，確認無人回應後方可進入。",
        "更換床單、被套、枕套及毛巾，續住房依房客意願更換。",
        "清潔浴室，馬桶、洗臉台、浴缸須使用不同之抹布。",
        "補充客房備品及迷你吧飲料，並將迷你吧消費登記交領班。",
        "檢查客房設備，發現故障即填寫維修單交領班。",
        "發現房客遺留物品，須立即交領班登記，不得私自處理。",
        "清掃完畢後填寫房務工作報表。",
        "保持工作車整潔，工作車停放於房門口，不得阻擋走道。",
    ]),
    ("公共區域清潔員", "房務領班", [
        "負責大廳、電梯、走廊、公共洗手間之清潔。",
        "大廳地面每小時巡視清潔一次，雨天加強入口處防滑處理。",
        "公共洗手間每小時檢查一次，並於檢查表上簽名。",
        "清潔電梯轎廂及按鈕，每日消毒兩次。",
        "清運各樓層垃圾至垃圾處理室，並作好分類。",
        "依排程進行地毯吸塵、大理石地面打蠟等定期清潔工作。",
    ]),
    ("布巾室管理員", "客房部經理", [
        "負責客房布巾及員工制服之收發、點數及保管。",
        "每日與洗衣廠核對送洗及收回之布巾數量，差異須當日追查。",
        "破損布巾須登記報廢，報廢須經客房部經理核准。",
        "每月底盤點布巾庫存，布巾存量須維持客房數之三套以上。",
        "保持布巾室乾燥整潔，布巾須離地存放。",
    ]),
    ("夜間房務員", "值班經理", [
        "23:00至翌日07:00值勤，處理夜間房客之房務需求。",
        "為入住之房客提供開夜床服務（VIP房）。",
        "補充夜間所需之備品，整理次日早班之工作車。",
        "夜間巡查各樓層走道、逃生門及消防設備，每兩小時一次。",
        "發現可疑人物或緊急狀況，立即通報安全室及值班經理。",
        "填寫夜班交接簿，於07:00向早班領班交班。",
    ]),
]

BANS = [
    "禁止事項：",
    "一、不得使用客房內之電話、電視、浴室及任何設備。",
    "二、不得私自收取房客之小費以外之財物，亦不得向房客索取小費。",
    "三、不得為任何人開啟客房房門，房客忘記攜帶房卡時，應請其至前檯辦理。",
    "四、不得翻閱房客之文件、行李及私人物品。",
]

STEPS = [
    "退房客房清掃程序：",
    "（一）按門鈴、敲門並報「房務員」，等候十秒後開門進入，房門保持敞開。",
    "（二）拉開窗簾，打開窗戶通風，檢查有無房客遺留物品及設備損壞。",
    "（三）撤除使用過之布巾及垃圾。",
    "（四）鋪床：依序鋪床單、套被套、套枕套，床面須平整無皺摺。",
    "（五）清潔浴室，補充浴室備品。",
    "（六）除塵：由上而下、由內而外擦拭家具。",
    "（七）補充客房備品，吸塵。",
    "（八）環視檢查，關窗、關燈，鎖門後於工作報表上記錄完成時間。",
    "每間退房之標準清掃時間為三十分鐘，續住房為十五分鐘。",
]

SHIFTS = [
    ("班別", "時間", "人員", "備註"),
    ("早班", "07:00–15:30", "房務領班、房務員、公共區域清潔員", "07:00交接"),
    ("中班", "15:00–23:30", "房務領班一名、房務員兩名、公共區域清潔員", "負責開夜床"),
    ("夜班", "23:00–07:30", "夜間房務員一名", "由值班經理督導"),
]


def main():
    doc = Document()
    set_cjk_font(doc, "文泉驛正黑", 10.5)
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    section.header.paragraphs[0].text = "文件編號：HK-SOP-001　　　　版次：第三版　　　　修訂日期：2023/05/10"
    footer = section.footer.paragraphs[0]
    footer.alignment = 2
    footer.add_run("晨曦大飯店　客房部作業手冊　　頁次 ")
    add_field(footer, "PAGE")
    footer.add_run(" / ")
    add_field(footer, "NUMPAGES")

    t = doc.add_paragraph()
    r = t.add_run("晨曦大飯店\n客房部作業手冊")
    r.bold = True
    r.font.size = Pt(20)
    t.alignment = 1
    doc.add_paragraph("第一章　部門簡介").runs[0].bold = True
    doc.add_paragraph(
        "客房部為飯店營收之主要部門，負責全館三百二十間客房及公共區域之清潔維護，確保房客享有清潔、舒適、"
        "安全之住宿環境。本手冊適用於客房部全體同仁，新進同仁應於報到一週內研讀完畢，並由領班考核。"
    )
    doc.add_paragraph("第二章　工作職掌").runs[0].bold = True
    table = doc.add_table(rows=1 + len(ROLES), cols=3)
    table.style = "Table Grid"
    head = table.rows[0].cells
    head[0].text, head[1].text, head[2].text = "職稱", "直屬主管", "工作職掌"
    for i, (title, boss, duties) in enumerate(ROLES, 1):
        cells = table.rows[i].cells
        cells[0].text = title
        cells[1].text = boss
        cell_lines(cells[2], [f"{n}. {d}" for n, d in enumerate(duties, 1)])
    table.autofit = False
    for col, width in zip(table.columns, (Cm(2.6), Cm(2.4), Cm(12))):
        col.width = width
    for row in table.rows:
        row.cells[0].width = Cm(2.6)
        row.cells[1].width = Cm(2.4)
        row.cells[2].width = Cm(12)
    for line in BANS:
        doc.add_paragraph(line)
    doc.add_paragraph("第三章　作業程序").runs[0].bold = True
    for line in STEPS:
        doc.add_paragraph(line)
    doc.add_paragraph("第四章　班別及交接").runs[0].bold = True
    table = doc.add_table(rows=len(SHIFTS), cols=4)
    table.style = "Table Grid"
    for i, row in enumerate(SHIFTS):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    doc.add_paragraph("交接時須當面點交樓層總鑰匙（Master Key）、對講機及交接簿，總鑰匙遺失須立即通報安全室。")
    doc.add_paragraph("第五章　附則").runs[0].bold = True
    doc.add_paragraph("本手冊經總經理核定後實施，修訂時亦同。")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"{NAME}.docx"
        doc.save(src)
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(OUT_DIR), str(src)],
                       check=True, capture_output=True)
    print(OUT_DIR / f"{NAME}.pdf")


if __name__ == "__main__":
    main()
