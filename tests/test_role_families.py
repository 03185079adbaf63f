"""Each family of role layout found in real documents (issue 20), on small documents written for the test.

A role is a job-title node that owns labelled lists; the label names the kind of duties and is never the role.
These fixtures are written by us: they test the rules, the found corpus measures them.
"""
from pathlib import Path

import pytest

from ingest.chunk import ChunkLimits
from ingest.load import read_document
from ingest.process import process_document
from kb.jobtitles import ListKind, addressed_title, is_job_title, label_kind, rule_agent, split_qualifier

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
    assert len(contributor.duties) == 3  # sub-points stay inside their item
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
