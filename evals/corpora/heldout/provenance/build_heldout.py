"""Builds the written held-out documents (written by us):
docs/顺达快递城东营业部岗位职责.xlsx — one row per role, all duties in one cell ("1、…" lines), two sheets;
docs/瑞祥人壽理賠部職掌說明.docx — Traditional Chinese, one Word table per section with a merged header row.
The Big5 Markdown docs/好味軒餐廳廚房工作守則.md is typed directly (no script)."""
import sys
from pathlib import Path

from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "real" / "provenance"))
from docx_util import cell_lines, page_footer, set_cjk_font

DOCS = Path(__file__).resolve().parents[1] / "docs"

EXPRESS = [
    ("营业部经理", "区域经理", [
        "全面负责营业部的收派件、客服、安全和人员管理",
        "每日早会分配派件区域，督促快件当日派送",
        "审核派件员的签收异常和问题件处理",
        "负责营业部每日营业款的审核和上缴，营业款须当日存入公司账户",
        "处理客户升级投诉，投诉须在24小时内回复客户",
        "每月组织一次安全检查和业务培训",
    ]),
    ("派件员", "营业部经理", [
        "每天7:30前到营业部参加早会并领取快件",
        "按派件区域和路线派送，快件须当日派送完毕",
        "派送前电话联系收件人，收件人不在时按约定放置代收点或快递柜",
        "严格执行本人签收，代签须取得收件人同意并在系统中备注代签人",
        "发现快件破损、短少，须在收件人面前开箱验视并拍照",
        "收取到付款和代收货款，当日交回营业部",
        "遵守交通法规，电动车不得载人，不得逆行",
    ]),
    ("收件员", "营业部经理", [
        "接到收件任务后2小时内上门收件",
        "对寄递物品进行开箱验视，拒收禁寄物品",
        "核验寄件人有效身份证件，实名登记寄件信息",
        "按规定称重、计费，指导客户填写电子面单",
        "收件后当班交回营业部，不得私自留存快件",
    ]),
    ("客服专员", "营业部经理", [
        "接听客户来电，查询快件状态",
        "登记客户投诉并派发给责任人，跟踪至办结",
        "处理问题件，联系寄件人或收件人确认处理方式",
        "每日18:00前汇总当日问题件和投诉情况",
    ]),
    ("分拣员", "营业部经理", [
        "快件到达营业部后扫描卸车，核对件数",
        "按派件区域分拣快件，分拣时不得抛扔、踩踏快件",
        "发现破损件、湿件，单独放置并登记",
        "晚班负责出港快件的建包、封发和装车扫描",
    ]),
]

EXPRESS_RULES = [
    ("项目", "标准", "说明"),
    ("派件时限", "当日到件当日派送", "16:00后到达的快件可次日上午派送"),
    ("投诉回复", "24小时内", "升级投诉由营业部经理处理"),
    ("遗失赔偿", "未保价快件按实际损失赔偿，最高不超过运费的3倍", "保价快件按保价金额赔偿"),
    ("收件上门", "2小时内", "偏远地区4小时内"),
]


def build_xlsx():
    wb = Workbook()
    ws = wb.active
    ws.title = "岗位职责"
    ws.append(["岗位名称", "直接上级", "岗位职责", "备注"])
    for name, boss, duties in EXPRESS:
        ws.append([name, boss, "\n".join(f"{i}、{d}；" for i, d in enumerate(duties, 1)), ""])
    ws["D3"] = "持电动车驾驶培训合格证上岗"
    for row in ws.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["C"].width = 80
    ws2 = wb.create_sheet("服务标准")
    for r in EXPRESS_RULES:
        ws2.append(list(r))
    wb.save(DOCS / "顺达快递城东营业部岗位职责.xlsx")


INSURER = [
    ("理賠部經理", [
        "綜理理賠部業務，訂定理賠作業規範及授權額度。",
        "核定新臺幣五十萬元以上之理賠案件。",
        "督導理賠案件之處理時效，每月檢討逾期案件。",
        "處理理賠申訴及評議中心案件。",
        "審核疑似詐欺案件之調查報告，必要時移送司法機關。",
        "負責理賠人員之教育訓練及績效考核。",
    ]),
    ("理賠審核專員", [
        "受理保戶理賠申請，檢核申請文件是否齊全。",
        "文件不齊全者，應於收件後三個工作日內一次通知補件。",
        "依保單條款審核理賠責任，計算理賠金額。",
        "核定權限內之理賠案件，新臺幣十萬元以下由專員核定。",
        "超過權限之案件，簽報主管核定。",
        "理賠文件齊全後，應於十五日內給付理賠金。",
        "拒賠案件須以書面說明理由，並告知保戶申訴管道。",
    ]),
    ("理賠調查員", [
        "依審核專員之委託，對可疑案件進行現場查勘及調查。",
        "向醫療院所調閱病歷時，須出示保戶簽署之授權書。",
        "訪談相關人員並製作訪談紀錄，經受訪者簽名確認。",
        "調查完成後七個工作日內提出調查報告。",
        "對調查過程中知悉之保戶個人資料負保密義務。",
    ]),
    ("理賠客服人員", [
        "接聽理賠諮詢專線，說明理賠申請流程及應備文件。",
        "提供理賠案件進度查詢服務。",
        "受理保戶對理賠結果之申訴，轉交理賠部經理處理。",
        "每月統計理賠諮詢案件類型，提供改善建議。",
    ]),
]


def build_docx():
    doc = Document()
    set_cjk_font(doc, "新細明體", 11)
    section = doc.sections[0]
    section.header.paragraphs[0].text = "瑞祥人壽保險股份有限公司　內部規章　　　　機密等級：一般"
    page_footer(section)
    t = doc.add_paragraph()
    r = t.add_run("理賠部職掌說明")
    r.bold = True
    r.font.size = Pt(18)
    t.alignment = 1
    doc.add_paragraph("中華民國一一二年三月十五日第五屆第八次董事會修正通過")
    doc.add_paragraph("第一條　為明確理賠部各職位之工作職掌，提升理賠服務品質，特訂定本說明。")
    doc.add_paragraph("第二條　理賠部各職位之職掌如下表：")
    for name, duties in INSURER:
        table = doc.add_table(rows=3, cols=2)
        table.style = "Table Grid"
        head = table.cell(0, 0).merge(table.cell(0, 1))
        head.text = f"職位：{name}"
        table.cell(1, 0).text = "工作項目"
        cell_lines(table.cell(1, 1), [f"（{n}）{d}" for n, d in enumerate(duties, 1)])
        table.cell(2, 0).text = "備註"
        table.cell(2, 1).text = "依公司核決權限表辦理。" if name != "理賠調查員" else "調查員不得收受保戶或醫療院所任何餽贈。"
        doc.add_paragraph("")
    doc.add_paragraph("第三條　理賠申請流程：")
    for line in [
        "一、保戶或受益人填寫理賠申請書，檢附診斷證明書、收據等文件。",
        "二、理賠審核專員收件、檢核文件並登錄系統。",
        "三、需要調查之案件，委託理賠調查員調查。",
        "四、審核專員或主管依核決權限核定。",
        "五、核定後以匯款方式給付，並寄發理賠通知書。",
    ]:
        doc.add_paragraph(line)
    doc.add_paragraph("第四條　本說明經董事會通過後實施，修正時亦同。")
    doc.save(DOCS / "瑞祥人壽理賠部職掌說明.docx")


if __name__ == "__main__":
    build_xlsx()
    build_docx()
    print("ok")
