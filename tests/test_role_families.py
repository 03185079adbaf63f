"""Each family of role layout found in real documents (issue 20), on small documents written for the test.

A role is a job-title node that owns labelled lists; the label names the kind of duties and is never the role.
These fixtures are written by us: they test the rules, the found corpus measures them.
"""
from pathlib import Path

import pytest

from ingest.chunk import ChunkLimits
from ingest.load import read_document
from ingest.process import process_document
from kb.jobtitles import (
    ListKind,
    addressed_title,
    is_job_title,
    label_kind,
    rule_agent,
    split_qualifier,
    without_translation,
)

LIMITS = ChunkLimits(400, 1200)


def _roles(tmp_path: Path, name: str, text: str) -> dict[str, object]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    processed = process_document(read_document(path, [tmp_path]), LIMITS)
    return {r.name: r for r in processed.roles}


@pytest.mark.parametrize("text,job_title", [
    ("仓库经理", True), ("安全岗（安全员）", True), ("值班人员", True), ("會計", True), ("贡献者 Contributor", True),
    ("安全", False), ("岗位职责", False), ("工作人员", False), ("安全工作", False), ("员工", False),
    ("交通协管员可以在交通警察指导下承担以下工作", False),
])
def test_what_a_job_title_is(text, job_title):
    assert is_job_title(text) is job_title


@pytest.mark.parametrize("text,kind", [
    ("岗位职责", ListKind.DUTIES), ("（二）安全职责", ListKind.DUTIES), ("安全职责", ListKind.DUTIES),
    ("主要职责如下", ListKind.DUTIES), ("任职资格", ListKind.REQUIREMENTS), ("岗位禁止\n行为", ListKind.PROHIBITIONS),
    ("责任与权利", ListKind.DUTIES), ("保安员职责", None), ("部门简介", None),
])
def test_what_a_list_label_says(text, kind):
    assert label_kind(text) is kind


def test_qualified_and_bilingual_posts_keep_both_names():
    assert split_qualifier("客服支持岗（配送员）") == ("客服支持岗", ["配送员"])
    assert split_qualifier("稽查员（安全稽查员、安全管理员）") == ("稽查员", ["安全稽查员", "安全管理员"])
    assert split_qualifier("维护者 Maintainer") == ("维护者", ["Maintainer"])


def test_an_article_titled_by_a_post_owns_every_duty_list_under_its_own_label(tmp_path):
    roles = _roles(tmp_path, "rules.txt", "\n".join([
        "某燃气公司客服部岗位职责", "第四章 岗位职责与安全职责",
        "第一条 客户服务经理", "（一）岗位职责", "1．建立健全部门管理制度。", "2．负责部门培训体系建设。",
        "（二）安全职责", "为本部门安全第一责任人，对本部门安全生产负全面责任：",
        "1.贯彻执行安全生产法规。", "2.组织每月安全检查。", "3.组织应急演练。",
        "（三）任职资格", "1.大专以上学历。", "2.五年以上客服管理经验。",
        "第二条 客服支持岗（配送员）", "（一）岗位职责", "1.按计划配送表具。", "2.做好配送记录。",
        "（二）安全职责", "1.遵守交通安全规定。",
    ]))
    assert set(roles) == {"客户服务经理", "客服支持岗"}  # 安全 (the label's qualifier) is never a role
    manager = roles["客户服务经理"]
    assert [d.text for d in manager.duties] == [
        "建立健全部门管理制度。", "负责部门培训体系建设。", "贯彻执行安全生产法规。",
        "组织每月安全检查。", "组织应急演练。"]
    assert "配送员" in roles["客服支持岗"].aliases and len(roles["客服支持岗"].duties) == 3


def test_a_heading_over_role_parts_is_the_role_whatever_its_name(tmp_path):
    roles = _roles(tmp_path, "community.md", "\n".join([
        "# 社区角色", "", "|角色|职责|", "|---|---|", "|Maintainer|项目Owner|", "|贡献者|提交代码|", "",
        "## 贡献者 Contributor", "贡献者是社区中持续活跃的成员。", "### 要求", "+ 提交过一个PR", "",
        "### 责任与权利", "+ 响应被分配的问题和PR", "+ 贡献的代码应该", "  + 经过良好的测试", "  + 能够让测试用例通过",
        "+ 可以通过 `/lgtm` 打开PR", "",
        "## Maintainer", "### 职责", "- 审核合并PR", "- 发布版本", "### 权限", "- 仓库管理权限", "",
    ]))
    assert set(roles) == {"贡献者", "Maintainer"}  # the summary table's rows merge into the sections' roles
    contributor = roles["贡献者"]
    assert "Contributor" in contributor.aliases
    assert len(contributor.duties) == 2  # sub-points stay inside their item; "可以…" is a right, not a duty
    assert "经过良好的测试" in contributor.duties[1].text
    assert [d.text for d in roles["Maintainer"].duties] == ["审核合并PR", "发布版本"]


def test_a_label_heading_is_never_a_role(tmp_path):
    roles = _roles(tmp_path, "labels.txt", "\n".join([
        "门店管理规定", "安全职责", "1、每日检查消防通道。", "2、每月检查灭火器。",
        "收银员岗位职责", "1、准确收款。", "2、保管备用金。",
    ]))
    assert set(roles) == {"收银员"}


def test_bilingual_items_are_counted_once(tmp_path):
    roles = _roles(tmp_path, "bilingual.txt", "\n".join([
        "前台接待员岗位职责",
        "1. 负责访客登记。", "1. Responsible for visitor registration.",
        "2. 接听总机电话。", "2. Answer calls to the switchboard promptly.",
    ]))
    duties = roles["前台接待员"].duties
    assert len(duties) == 2 and "visitor registration" in duties[0].text


def test_rules_that_name_their_doer_and_a_handbook_addressed_to_one_post(tmp_path):
    rules = _roles(tmp_path, "值班制度.txt", "\n".join([
        "值班管理制度", "1. 每日下班前由值班人员检查门窗水电。", "2. 节假日由值班人员每两小时巡查一次。",
        "3. 遇突发事件由值班领导统一指挥。", "4. 值班记录应保存一年。",
    ]))
    assert {name: len(r.duties) for name, r in rules.items()} == {"值班人员": 2}  # named once: a mention
    assert addressed_title("COSCUP 組長手冊") == "组长" and addressed_title("新员工手册") == "新员工"
    assert addressed_title("安全生产管理制度") is None
    assert rule_agent("报销单由财务人员审核后付款") == "财务人员" and rule_agent("由于天气原因由值班长决定") == "值班长"
    handbook = _roles(tmp_path, "组长手册.md", "# 组长手册\n\n1. 开会前一天确认组员名单。\n2. 活动结束后填写回顾。\n")
    assert {name: len(r.duties) for name, r in handbook.items()} == {"组长": 2}


def test_a_table_of_contents_is_not_an_outline(tmp_path):
    roles = _roles(tmp_path, "toc.txt", "\n".join([
        "岗位职责汇编", "第一章 总则......................1", "第二章 岗位职责..................3",
        "第一章 总则", "第一条 为明确职责，制定本汇编。", "第二章 岗位职责",
        "第二条 仓库管理员", "（一）岗位职责", "1．负责物资收发。", "2．每月盘点。",
    ]))
    assert {name: len(r.duties) for name, r in roles.items()} == {"仓库管理员": 2}


def _process_file(path: Path):
    return {r.name: r for r in process_document(read_document(path, [path.parent]), LIMITS).roles}


def test_a_word_card_names_its_post_beside_a_label_and_numbers_duty_rows_in_a_cell_of_their_own(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("岗位说明书")
    rows = [["岗位名称", "生产部经理", "所属部门", "生产管理部"], ["直接上级", "总经理", "直接下级", "班组长"],
            ["职责描述", "", "", ""], ["序号", "工作内容", "", "重要性"],
            ["1", "组织编制月度生产计划", "", "高"], ["2", "协调各车间生产进度", "", "中"], ["3", "", "", ""],
            ["4", "主持每周生产例会", "", "中"], ["任职资格", "本科以上学历，五年以上生产管理经验", "", ""]]
    table = document.add_table(rows=len(rows), cols=4)
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    table.cell(2, 0).merge(table.cell(2, 3))
    path = tmp_path / "card.docx"
    document.save(path)
    manager = _process_file(path)["生产部经理"]
    assert [d.text for d in manager.duties] == ["组织编制月度生产计划", "协调各车间生产进度", "主持每周生产例会"]
    assert manager.department == "生产管理部"


def test_a_workbook_of_cards_one_sheet_per_post_a_blank_post_named_by_its_sheet(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    for index, (sheet_name, post, duties) in enumerate([
            ("视觉", "视觉PM", "1.生成拍摄方案并执行；\n2.协调各方意见；\n3."),
            ("供应链", "", "1.工厂布局与比价；\n2.面料采购；\n3.跟进交期；")]):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = sheet_name
        sheet.append(["岗位职责确认函"])
        sheet.append(["姓名", None, "岗位名称", post or None, "入职日期", None])
        sheet.append(["岗位职责及任职资格", "岗位职责："])
        sheet.append([None, duties])
        sheet.append([None, "重点关注事项&指标："])
        sheet.append([None, "1.按时交付；\n2."])
        sheet.merge_cells("A3:A6")
    path = tmp_path / "cards.xlsx"
    workbook.save(path)
    roles = _process_file(path)
    assert {name: len(r.duties) for name, r in roles.items()} == {"视觉PM": 2, "供应链": 3}  # "3." is a placeholder


def test_a_roster_takes_the_post_column_that_varies_and_a_timetable_gives_each_post_its_tasks(tmp_path):
    roster = _roles(tmp_path, "roster.md", "\n".join([
        "# 管委会成员与职掌", "", "|职务|职称|姓名|职掌|", "|---|---|---|---|",
        "|管理委员会|主任委员|王某|综理会务，召集会议|", "|管理委员会|财务委员|李某|管理收支与账册|",
        "|管理委员会|监察委员|陈某|监督会务与财务|", "",
    ]))
    assert set(roster) == {"主任委员", "财务委员", "监察委员"}  # the committee on every row is no post
    schedule = _roles(tmp_path, "schedule.md", "\n".join([
        "# 活动当日分工", "", "|时间|议程组长|场务组长|", "|---|---|---|",
        "|08:00|确认讲者到场|开启会场设备|", "|12:00|主持午间议程|安排午餐动线|", "|17:00||关闭会场设备|", "",
    ]))
    assert {name: len(r.duties) for name, r in schedule.items()} == {"议程组长": 2, "场务组长": 3}
    assert schedule["议程组长"].duties[0].text == "08:00：确认讲者到场"


def test_nested_bullets_are_details_of_their_item_and_a_list_of_posts_gives_each_post_its_sub_list(tmp_path):
    roles = _roles(tmp_path, "plan.md", "\n".join([
        "# 年会筹备", "", "## 分工", "", "- 工作内容", "  - 摄影", "    - 安排拍摄人手",
        "      - 排班", "      - 备用电池", "    - 租借器材", "    - 会后整理照片", "      - 修图",
        "  - 签到", "    - 准备名牌", "    - 引导来宾", "",
        "## 方案", "", "讨论中的方案：", "", "- 组长", "    - 负责本组事务", "    - 出席协调会议",
        "      - 每周一次", "- 顾问", "    - 提供外部意见", "- 志愿者人数", "    - 约二十人",
    ]))
    assert len(roles["摄影"].duties) == 3  # 排班 / 备用电池 / 修图 are details of their items
    assert len(roles["签到"].duties) == 2
    assert len(roles["组长"].duties) == 2 and len(roles["顾问"].duties) == 1
    assert "志愿者人数" not in roles  # an entry that names no post is no role outside a duty list


def test_headings_naming_units_over_what_each_does_are_roles_in_a_page_not_titled_as_duties(tmp_path):
    page = ("<html><head><title>社团部门介绍</title></head><body><p>欢迎加入本社。</p>"
            "<h3>宣传部</h3><p>负责海报设计与社交媒体运营。</p>"
            "<h3>外联部</h3><p>联络校外单位，洽谈赞助。</p>"
            "<h3>招新须知</h3><p>每年九月招新，欢迎报名。</p>"
            "<h3>历史沿革</h3><p>本社成立于2001年。</p></body></html>")
    roles = _roles(tmp_path, "clubs.html", page)
    assert set(roles) == {"宣传部", "外联部"}  # a heading over information, not duties, is no role
    assert [d.text for d in roles["外联部"].duties] == ["联络校外单位，洽谈赞助。"]


def test_a_heading_naming_a_unit_before_a_duty_label_makes_the_unit_the_role(tmp_path):
    page = ("<html><head><title>检验科主要工作</title></head><body><p>检验科主要工作</p>"
            "<p>1、负责门诊标本检验。</p><p>2、负责检验质量控制。</p><p>3、参与院内感染监测。</p></body></html>")
    roles = _roles(tmp_path, "lab.html", page)
    assert list(roles) == ["检验科"] and len(roles["检验科"].duties) == 3
    assert label_kind("部门职责") is ListKind.DUTIES and label_kind("检验科主要工作") is None  # 部门 names no unit


def test_a_charter_gives_bodies_their_powers_members_their_obligations_and_a_post_its_one_charge(tmp_path):
    roles = _roles(tmp_path, "charter.txt", "\n".join([
        "某某校友会章程", "第三章 组织机构",
        "第十二条 监事会行使下列职权：", "（一）监督理事会的工作；", "（二）审查财务报告。",
        "第十三条 秘书长负责处理本会日常事务。", "第十四条 本会于每年十月召开年会。",
        "第十五条 会员履行下列义务：", "（一）遵守本会章程；", "（二）按时交纳会费；", "（三）参加本会活动。",
        "第十六条 会员享有下列权利：", "（一）参加本会活动；", "（二）提出建议。",
    ]))
    assert {n: len(r.duties) for n, r in roles.items()} == {"监事会": 2, "秘书长": 1, "会员": 3}


def test_a_who_does_what_list_under_any_heading_and_a_table_of_units_with_a_task_column(tmp_path):
    roles = _roles(tmp_path, "team.md", "\n".join([
        "# 字幕组简介", "", "## 成员", "", "字幕组由以下成员组成：", "",
        "- 听译：负责听写并翻译台词。", "- 时间轴：负责为字幕打上时间。", "- 压制：负责合成视频并上传。", "",
        "## 联系方式", "", "- 邮箱：team@example.org", "- 网站：example.org",
    ]))
    assert {n: len(r.duties) for n, r in roles.items()} == {"听译": 1, "时间轴": 1, "压制": 1}
    roles = _roles(tmp_path, "fair.md", "\n".join([
        "# 园游会分工", "", "| 组别 | 负责人 | 工作项目 |", "| --- | --- | --- |",
        "| 场地组 | 王老师 | 搭建摊位、布置会场 |", "| 餐饮组 | 李老师 | 采购食材 |",
    ]))
    assert set(roles) == {"场地组", "餐饮组"}


def test_headings_naming_posts_in_english_over_what_each_does_own_that_paragraph_only(tmp_path):
    roles = _roles(tmp_path, "members.md", "\n".join([
        "# 项目成员", "", "## Reviewer", "", "负责审查合并请求，保证代码质量。", "", "申请流程：", "", "- 发邮件申请",
        "- 例会表决", "", "## Release Manager", "", "负责每季度发布版本。", "", "## Sponsor", "",
        "Sponsor 是为项目提供资金的组织。",
    ]))
    assert {n: len(r.duties) for n, r in roles.items()} == {"Reviewer": 1, "Release Manager": 1}


def test_hand_wrapped_html_source_lines_stay_one_rule_and_rules_name_their_doer_after_a_condition(tmp_path):
    page = ("<html><head><title>图书室规定</title></head><body><table><tr><td><p>一、借阅制度<br>\n"
            "1．读者借书须出示借书证，管理员要核对证件并登记\n书名和日期。<br>\n"
            "2．如有图书损坏，管理员要\n按价登记赔偿。<br>\n"
            "3．读者须按期还书。<br>\n</p></td></tr></table></body></html>")
    path = tmp_path / "library.html"
    path.write_text(page, encoding="utf-8")
    processed = process_document(read_document(path, [tmp_path]), LIMITS)
    roles = {r.name: r for r in processed.roles}
    assert [d.text for d in roles["管理员"].duties] == [
        "读者借书须出示借书证，管理员要核对证件并登记书名和日期。", "如有图书损坏，管理员要按价登记赔偿。"]
    assert rule_agent("如遇火情，值班人员应立即报警") == "值班人员"


def test_an_article_labelled_by_its_subject_gives_that_subject_its_items(tmp_path):
    roles = _roles(tmp_path, "charter.txt", "\n".join([
        "某某商会章程", "第二章 会员",
        "第八条 本商会会员义务：", "（一）遵守章程；", "（二）交纳会费。",
        "第三章 组织机构",
        "第十条 本商会理事长的职权包括：", "（一）主持理事会；", "（二）代表商会签署文件；", "（三）提名秘书长。",
        "第十一条 理事会履行下列职责：", "（一）选举理事长；", "（二）审议年度报告。",
    ]))
    assert {n: len(r.duties) for n, r in roles.items()} == {"会员": 2, "理事长": 3, "理事会": 2}


def test_a_document_addressed_to_one_post_counts_its_duty_lists_and_bilingual_headings_are_read_once(tmp_path):
    roles = _roles(tmp_path, "captain.md", "\n".join([
        "# 队长手册", "", "本手册写给新任队长。", "", "## 你的职责", "", "1. 招募队员。", "2. 安排值班表。", "",
        "## 常见问题", "", "1. 请假找谁？副队长。",
    ]))
    assert {n: len(r.duties) for n, r in roles.items()} == {"队长": 2}  # the FAQ is no duty
    roles = _roles(tmp_path, "oncall.md", "\n".join([
        "# 值班工程师 / On-call Engineer", "", "## 职责 Responsibilities", "", "1. 处理新问题", "   Triage new issues",
        "2. 审核合并请求", "   Review pull requests",
    ]))
    assert {n: len(r.duties) for n, r in roles.items()} == {"值班工程师": 2}
    assert without_translation("职责 Responsibilities") == "职责"
    assert label_kind("职责 Responsibilities") is ListKind.DUTIES


def test_a_definition_list_of_posts_gives_each_term_its_definition(tmp_path):
    page = ("<html><head><title>办公室人员</title></head><body><dl><dt>干事</dt><dd>负责会议通知与记录。</dd>"
            "<dt>出纳</dt><dd>负责现金收付。</dd><dt>地址</dt><dd>行政楼三楼</dd></dl></body></html>")
    roles = _roles(tmp_path, "office.html", page)
    assert {n: len(r.duties) for n, r in roles.items()} == {"干事": 1, "出纳": 1}


def test_bold_paragraphs_head_what_follows_and_lines_naming_who_does_what_are_roles(tmp_path):
    page = ("<html><head><title>中心科室职责</title></head><body>"
            "<p><strong>信息科</strong></p><p>负责网络与系统维护。</p>"
            "<p><b>财务科</b></p><p>负责经费预算与核算。</p>"
            "<p>本中心设办公室、质控室。</p>"
            "<p>办公室：负责公文流转和会议组织。</p><p>质控室：负责质量检查。</p>"
            "<p>地址：人民路1号</p></body></html>")
    roles = _roles(tmp_path, "centre.html", page)
    assert {n: len(r.duties) for n, r in roles.items()} == {"信息科": 1, "财务科": 1, "办公室": 1, "质控室": 1}


def test_a_duty_label_split_by_post_gives_the_article_all_items_and_each_post_its_own(tmp_path):
    roles = _roles(tmp_path, "posts.txt", "\n".join([
        "某公司岗位职责", "第三章 岗位职责",
        "第五条 班组长岗（班长）", "（一）岗位职责", "早班班长", "1.安排早班人员。", "2.检查交接记录。",
        "晚班班长", "1.安排晚班人员。", "2.巡查设备。", "3.锁闭门窗。",
        "（二）安全职责", "1.组织安全检查。",
    ]))
    assert {n: len(r.duties) for n, r in roles.items()} == {"班组长岗": 6, "早班班长": 2, "晚班班长": 3}


def test_items_that_open_with_the_post_they_are_about_are_that_posts_duties(tmp_path):
    roles = _roles(tmp_path, "it.txt", "\n".join([
        "某厂信息化管理办法", "第二章 分工",
        "第六条 各方分工如下：", "（一）信息化领导小组职责，审定全厂信息化规划。",
        "（二）信息中心，负责系统建设与运行维护：", "1.制定年度计划；", "2.组织项目验收。",
        "（三）各车间应配合信息化工作。",
    ]))
    assert {n: len(r.duties) for n, r in roles.items()} == {"信息化领导小组": 1, "信息中心": 2}


def test_a_cards_duty_block_headed_only_by_what_it_holds_stays_under_its_duty_label(tmp_path):
    import docx

    document = docx.Document()
    rows = [["岗位名称", "主管", "所在部门", "仓储部"], ["岗位职责", "", "", ""], ["序号", "主要内容", "", ""],
            ["1", "编制仓储计划", "", ""], ["2", "组织月度盘点", "", ""], ["岗位权限", "", "", ""],
            ["1", "对仓管员考核的建议权", "", ""]]
    table = document.add_table(rows=len(rows), cols=4)
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    table.cell(1, 0).merge(table.cell(1, 3))
    table.cell(5, 0).merge(table.cell(5, 3))
    path = tmp_path / "card.docx"
    document.save(path)
    assert [d.text for d in _process_file(path)["主管"].duties] == ["编制仓储计划", "组织月度盘点"]


def test_an_html_table_inside_markdown_is_read_as_a_table(tmp_path):
    roles = _roles(tmp_path, "board.md", "\n".join([
        "---", "title: 理事会成员", "---", "", "本届理事如下：", "", "<table>",
        "<tr><th>职务</th><th>姓名</th><th>职掌</th></tr>",
        "<tr><td>理事长</td><td>王一</td><td>综理会务</td></tr>",
        "<tr><td>总干事</td><td>李二</td><td>执行理事会决议<br>管理会员名册</td></tr>", "</table>",
    ]))
    assert {n: len(r.duties) for n, r in roles.items()} == {"理事长": 1, "总干事": 2}


def test_an_html_list_inside_markdown_is_read_as_a_list(tmp_path):
    roles = _roles(tmp_path, "guide.md", "\n".join([
        "# 志愿者指南", "", "## 领队职责", "", "<ul>", "  <li>清点人数</li>", "  <li>分发物资</li>", "</ul>", "",
    ]))
    assert [d.text for d in roles["领队"].duties] == ["清点人数", "分发物资"]


def test_a_handover_is_addressed_to_the_post_and_a_description_column_of_duties_is_a_duty_column(tmp_path):
    roles = _roles(tmp_path, "handover.md", "\n".join([
        "# 实验室助理交接事项", "", "## 每日", "", "- 收发信件", "- 整理桌面", "", "## 每月", "", "- 办理报销",
    ]))
    assert {n: len(r.duties) for n, r in roles.items()} == {"实验室助理": 3}
    roles = _roles(tmp_path, "crew.md", "\n".join([
        "# 剧组分工", "", "| 角色 | 说明 |", "| --- | --- |", "| 场记 | 负责记录每场拍摄 |", "| 道具 | 负责准备道具 |",
    ]))
    assert set(roles) == {"场记", "道具"}


def test_units_over_lists_of_what_they_do_bold_names_in_a_who_does_what_list_and_a_bare_business_column(tmp_path):
    roles = _roles(tmp_path, "clubs.md", "\n".join([
        "# 社团部门", "", "## 宣传部", "", "- 负责海报设计", "- 管理公众号", "", "## 外联部", "", "- 联络校外单位",
        "- 负责赞助洽谈", "", "## 加入我们", "", "- 每年九月招新", "- 欢迎报名",
    ]))
    assert {n: len(r.duties) for n, r in roles.items()} == {"宣传部": 2, "外联部": 2}
    roles = _roles(tmp_path, "crew.md", "\n".join(["- **场记**：负责记录每场拍摄", "- **道具**：负责准备道具"]))
    assert set(roles) == {"场记", "道具"}
    page = ("<html><head><title>职员</title></head><body><table><tr><td>职称</td><td>姓名</td><td>业务</td></tr>"
            "<tr><td>干事</td><td>王</td><td>课程申请</td></tr><tr><td>主任</td><td>陈</td><td>综理业务</td></tr>"
            "</table></body></html>")
    assert set(_roles(tmp_path, "staff.html", page)) == {"干事", "主任"}


def test_a_heading_naming_posts_duties_over_headings_of_other_posts_titles_a_collection(tmp_path):
    """`# 某中心岗位职责` over `## 一、客服主管岗位职责`, `## 二、保安岗位职责`: the posts under it are the roles,
    and the heading is the document's title (before, the unit took every list under it as its own duties)."""
    path = tmp_path / "posts.md"
    path.write_text("\n".join([
        "# 物业服务中心岗位职责", "", "## 一、客服主管岗位职责", "", "1. 受理业主报修。", "2. 每月回访业主。", "",
        "## 二、保安岗位职责", "", "1. 门岗值守。", "2. 夜间巡逻。", "",
    ]), encoding="utf-8")
    processed = process_document(read_document(path, [tmp_path]), LIMITS)
    assert processed.title == "物业服务中心岗位职责"
    assert {r.name: len(r.duties) for r in processed.roles} == {"客服主管": 2, "保安": 2}


def test_a_post_heading_over_its_own_post_named_again_stays_the_post(tmp_path):
    roles = _roles(tmp_path, "one.md", "\n".join([
        "# 仓库管理员岗位说明书", "", "## 仓库管理员岗位职责", "", "1. 验收入库货物。", "2. 每月盘点。", "",
        "## 任职要求", "", "1. 高中以上学历。", "2. 会用电脑。", "",
    ]))
    assert set(roles) == {"仓库管理员"}
