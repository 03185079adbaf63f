"""Builds docs/江城职业技术学校教职工岗位职责汇编.docx (written by us).

No tables: unnumbered Word headings (Heading 1/2 styles) and duty items in Word's automatic "List Number"
numbering, so the numbers a reader sees are not part of the paragraph text; footer "- N -" page numbers.
"""
import sys
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

sys.path.insert(0, str(Path(__file__).parent))
from docx_util import add_field, set_cjk_font

OUT = Path(__file__).resolve().parents[1] / "docs" / "江城职业技术学校教职工岗位职责汇编.docx"

PARTS = [
    ("行政管理岗位", [
        ("校长职责", [
            "全面主持学校工作，贯彻执行党和国家的教育方针、政策和法规。",
            "组织制定学校发展规划、年度工作计划，并督促实施。",
            "主持校务会议，研究决定学校重大事项，重大事项须经集体讨论决定。",
            "负责教职工队伍建设，组织教职工的聘任、考核和培训。",
            "深入课堂听课，每学期听课不少于20节。",
            "负责学校财务管理，审批经费开支，单笔5万元以上支出须经校务会议研究。",
            "做好校企合作工作，拓展学生实习和就业渠道。",
        ]),
        ("教务处主任职责", [
            "在分管副校长领导下，负责全校教学管理工作。",
            "编制学期教学计划、课程表和校历，并组织实施。",
            "组织期中、期末考试及技能鉴定考试，负责试卷的印制、保密和成绩管理。",
            "每学期组织两次教学检查，检查教案、作业批改和教学进度。",
            "负责调课、代课的审批，教师调课须提前一天申请。",
            "管理学生学籍，办理转学、休学、复学手续。",
            "组织教研活动和公开课，每学期每个教研组至少安排一次公开课。",
        ]),
    ]),
    ("教学岗位", [
        ("班主任职责", [
            "全面负责本班学生的思想教育和日常管理工作。",
            "每周召开一次主题班会，做好记录。",
            "每天早读和晚自习到班检查学生出勤情况，学生无故缺勤须当天联系家长。",
            "审批学生一天以内的请假，超过一天的报学生科审批。",
            "每学期对每位学生至少家访或电话家访一次。",
            "指导班委会和团支部开展工作，组织学生参加学校各项活动。",
            "关注学生心理健康，发现异常及时报告学生科和心理咨询室。",
            "负责学生操行评定，学期末写出学生评语。",
            "协助做好学生实习期间的管理和联络工作。",
        ]),
        ("任课教师职责", [
            "按照教学计划和课程标准认真备课，提前一周写好教案。",
            "按课表准时上课，不得迟到、早退、拖堂，不得私自调课。",
            "认真批改作业，理论课每周布置作业不少于一次。",
            "做好课堂管理，上课期间不得使用手机处理与教学无关的事务。",
            "对学习有困难的学生进行个别辅导。",
            "按时完成考试命题、监考、阅卷和成绩登录工作。",
            "积极参加教研活动，每学期听课不少于10节。",
            "上课期间发生学生安全事故，须立即处置并报告班主任和学生科。",
        ]),
        ("实训指导教师职责", [
            "负责实训室的设备管理和日常维护，建立设备台账。",
            "实训课前检查设备安全状况，向学生讲解安全操作规程。",
            "指导学生按操作规程进行实训，实训过程中不得离开实训室。",
            "负责实训耗材的申领和使用登记。",
            "实训结束后组织学生清理场地，切断电源、水源、气源。",
            "发生设备故障或安全事故，立即停止实训，并报告教务处和设备科。",
        ]),
    ]),
    ("后勤服务岗位", [
        ("宿舍管理员职责", [
            "负责学生宿舍的日常管理，实行24小时值班。",
            "每晚22:00熄灯后查寝，发现学生未归的，立即报告班主任和学生科值班人员。",
            "做好来访人员登记，异性及校外人员不得进入学生宿舍。",
            "检查宿舍卫生和内务，每周公布一次检查结果。",
            "检查违章电器，发现后暂扣并登记，期末由班主任领回。",
            "负责宿舍水电设施的报修，并跟踪维修情况。",
            "学生生病时，及时联系校医和班主任。",
        ]),
        ("门卫职责", [
            "负责校门的值守，上课期间学生凭班主任签字的出门条出校。",
            "外来人员须登记身份证件，电话联系被访人同意后方可进入。",
            "外来车辆未经允许不得进入校园。",
            "上下学时段在校门口维护秩序，防止拥堵。",
            "夜间每两小时巡查校园一次，并做好巡查记录。",
        ]),
    ]),
]

LEAVE = [
    "学生请假按以下权限审批：",
    "请假一天以内（含一天），由班主任审批；",
    "请假一天以上三天以内（含三天），由班主任签署意见后报学生科审批；",
    "请假三天以上，由学生科签署意见后报分管副校长审批。",
    "学生请假须由家长电话或书面确认，病假须附医院证明。销假时学生须本人到班主任处销假。",
]


def numbered(doc, text):
    # Word's built-in numbering: the visible "1." is generated, not typed
    return doc.add_paragraph(text, style="List Number")


def restart_numbering(doc, paragraph):
    """Give each role's list its own numbering instance so it restarts at 1."""
    numbering = doc.part.numbering_part.numbering_definitions._numbering
    style_num = paragraph.style.element.pPr.numPr.numId.val
    abstract = numbering.num_having_numId(style_num).abstractNumId.val
    num = numbering.add_num(abstract)
    override = OxmlElement("w:lvlOverride")
    override.set(qn("w:ilvl"), "0")
    start = OxmlElement("w:startOverride")
    start.set(qn("w:val"), "1")
    override.append(start)
    num.append(override)
    return num.numId


def set_num(paragraph, num_id):
    ppr = paragraph._p.get_or_add_pPr()
    numpr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), "0")
    nid = OxmlElement("w:numId")
    nid.set(qn("w:val"), str(num_id))
    numpr.append(ilvl)
    numpr.append(nid)
    ppr.append(numpr)


def main():
    doc = Document()
    set_cjk_font(doc)
    for name in ("Heading 1", "Heading 2", "Title"):
        rpr = doc.styles[name].element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), "黑体")
    section = doc.sections[0]
    section.header.paragraphs[0].text = "江城职业技术学校内部管理制度汇编（第二分册）"
    footer = section.footer.paragraphs[0]
    footer.alignment = 1
    footer.add_run("- ")
    add_field(footer, "PAGE")
    footer.add_run(" -")

    doc.add_paragraph("江城职业技术学校教职工岗位职责汇编", style="Title")
    doc.add_paragraph("江职校〔2021〕15号")
    doc.add_paragraph(
        "为加强学校管理，使每一位教职工明确自己的工作职责，做到各司其职、各负其责，经校务会议研究，"
        "现将修订后的教职工岗位职责汇编印发给你们，请认真遵照执行。各部门负责人要对照职责加强检查，"
        "检查结果纳入教职工年度考核。"
    )
    for part, roles in PARTS:
        doc.add_paragraph(part, style="Heading 1")
        for title, duties in roles:
            doc.add_paragraph(title, style="Heading 2")
            first = numbered(doc, duties[0])
            num_id = restart_numbering(doc, first)
            first._p.pPr.remove(first._p.pPr.find(qn("w:numPr"))) if first._p.pPr.find(qn("w:numPr")) is not None else None
            set_num(first, num_id)
            for d in duties[1:]:
                p = numbered(doc, d)
                set_num(p, num_id)
    doc.add_paragraph("学生请假审批规定", style="Heading 1")
    for line in LEAVE:
        doc.add_paragraph(line)
    doc.add_paragraph("本汇编自印发之日起执行，由校长办公室负责解释。")
    doc.add_paragraph("江城职业技术学校\n2021年9月1日").alignment = 2
    doc.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
