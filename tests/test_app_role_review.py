"""岗位核对 page driven through AppTest on its own corpus and index (no mocks): a trainer adds a role the parser
missed and drops one it made up, the corrections land in corpus/roles.yaml, the chat's knowledge base follows,
and the corrections hold after the document is edited and re-ingested."""
from __future__ import annotations

import re

import pytest
from app_driver import click, open_page, switch
from streamlit.testing.v1 import AppTest
from test_app_curation import plain, texts

from apps.ui import role_review_forms as forms
from apps.ui import role_review_page as page
from ingest.overrides import OVERRIDES_FILE, Action, load_overrides
from ingest.pipeline import run_ingest
from kb.knowledge import KnowledgeBase
from kb.records import item_anchor

PAGE = "apps/ui/role_review_page.py"
CHAT_PAGE = "apps/ui/chat_page.py"
DOC = "handbook.txt"
# 三、工程维修 is a post the parser does not take for one (no 岗位/职责 word); 业主 (the owners) is no post
HANDBOOK = "\n".join([
    "物业服务中心岗位职责", "一、客服主管岗位职责", "1、受理业主报修。", "2、每月回访业主。",
    "二、业主职责", "1、按时缴纳物业费。", "2、爱护公共设施。",
    "三、工程维修", "1、维修公共设施。", "2、做好维修记录。",
])
NOTICE = "关于元旦放假的通知\n元旦放假一天。\n"
REPAIR_DUTIES = ["维修公共设施。", "做好维修记录。"]


@pytest.fixture
def settings(make_settings, tmp_path, monkeypatch, embedding_cache):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / DOC).write_text(HANDBOOK, encoding="utf-8")
    (corpus / "notice.txt").write_text(NOTICE, encoding="utf-8")
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    monkeypatch.setenv("DUTYKB_HOME", str(settings.home))
    monkeypatch.setenv("DUTYKB_CORPUS", str(corpus))
    monkeypatch.setenv("DUTYKB_EMBEDDING_CACHE", str(embedding_cache))
    return settings


def key(at: AppTest, scope: int | str, name: str) -> str:
    """A form field's key on the page as it is now (every save starts the forms afresh, under new keys)."""
    saves = at.session_state[forms.GENERATION_KEY] if forms.GENERATION_KEY in at.session_state else 0
    return forms.field_key(DOC, str(scope), name, saves)


def role_names(at: AppTest) -> list[str]:
    return [plain(s.value) for s in at.subheader if s.value != "已保存的更正"]


def kb_roles(settings) -> dict:
    return {r.name: r for r in KnowledgeBase(settings).roles_for()}


def open_document(doc: str = DOC) -> AppTest:
    at = open_page(PAGE)
    at.radio(key=page.DOC_KEY).set_value(doc).run()
    assert not at.exception, at.exception
    return at


def add_role(at: AppTest, section: str, name: str, why: str) -> None:
    at.selectbox(key=key(at, "add", "section")).set_value(section)
    at.text_input(key=key(at, "add", "to")).set_value(name)
    at.text_input(key=key(at, "add", "why")).set_value(why)
    click(at, key(at, "add", "save"))


def correct(at: AppTest, role: str, action: Action, why: str, **fields: object) -> None:
    """Open `role`'s correction form at `action`, fill `fields` (text or select boxes by field name), save."""
    index = role_names(at).index(role)
    at.button_group(key=key(at, index, "action")).set_value(action).run()
    for name, value in fields.items():
        widgets = [w for w in [*at.text_input, *at.selectbox, *at.number_input] if w.key == key(at, index, name)]
        widgets[0].set_value(value)
    at.text_input(key=key(at, index, "why")).set_value(why)
    click(at, key(at, index, "save"))


def test_documents_without_a_role_come_first_with_a_badge(settings):
    at = open_page(PAGE)
    docs = at.radio(key=page.DOC_KEY)
    assert docs.options[0].startswith(page.PENDING_BADGE) and "关于元旦放假的通知" in docs.options[0]
    assert page.PENDING_BADGE not in docs.options[1]
    assert "共 2 个文档，其中 1 个没有找到岗位" in texts(at.caption)
    assert "选择一个文档开始核对" in texts(at.info)
    docs.set_value("notice.txt").run()
    assert "这个文档里没有找到岗位" in texts(at.info)
    assert [e.label for e in at.expander][-2:] == ["从大纲节点添加岗位", "所属单位：关于元旦放假的通知"]


def test_a_missed_role_added_and_a_spurious_one_dropped_reach_the_chat_and_survive_an_edit(settings):
    at = open_document()
    assert role_names(at) == ["客服主管", "业主"]
    assert "来源：标题" in texts(at.caption)
    sections = at.selectbox(key=key(at, "add", "section")).options
    assert sections == ["一、客服主管岗位职责", "二、业主职责", "三、工程维修"]

    add_role(at, "三、工程维修", "维修工", "标题里没有“岗位”二字，解析漏掉了")
    assert "已保存更正（handbook.txt）：从大纲节点添加岗位：维修工（三、工程维修）" in texts(at.success)
    assert re.search(r"从保存到对话可以回答用时 \d+\.\d 秒", texts(at.caption))
    assert role_names(at) == ["客服主管", "业主", "维修工"]
    assert "来源：人工添加" in texts(at.caption) and "维修公共设施。" in texts(at.markdown)

    correct(at, "业主", Action.NOT_A_ROLE, "业主须知，不是岗位")
    assert "已保存更正（handbook.txt）：不是岗位：业主" in texts(at.success)
    assert role_names(at) == ["客服主管", "维修工"]
    history = texts(at.markdown)
    assert "生效] 从大纲节点添加岗位：维修工（三、工程维修）" in history
    assert "匿名 · " in history and "原因：业主须知，不是岗位" in history  # who (sign-in is off), when, why

    saved = load_overrides(settings.corpus)
    assert [(o.action, o.section, o.to, o.role, o.by) for o in saved] == [
        (Action.ADD, "三、工程维修", "维修工", None, "匿名"), (Action.NOT_A_ROLE, None, None, "业主", "匿名")]
    assert saved[1].why == "业主须知，不是岗位" and all(o.at for o in saved)
    assert "action: not_a_role" in (settings.corpus / OVERRIDES_FILE).read_text(encoding="utf-8")
    roles = kb_roles(settings)  # what the chat answers from: the live build the save published
    assert [d.text for d in roles["维修工"].duties] == REPAIR_DUTIES and "业主" not in roles
    switch(at, CHAT_PAGE)
    at.chat_input[0].set_value("维修工的职责有哪些").run()
    answer = plain(at.chat_message[-1].markdown[0].value)
    assert "维修工的岗位职责（共2项）" in answer and all(d in answer for d in REPAIR_DUTIES)

    # the document is edited around both anchors (a new first section, a new item under each) and re-ingested
    edited = HANDBOOK.replace("物业服务中心岗位职责", "物业服务中心岗位职责\n零、总则\n本职责自发布之日起施行。")
    edited = edited.replace("2、做好维修记录。", "2、做好维修记录。\n3、每周检查电梯运行。")
    edited = edited.replace("2、爱护公共设施。", "2、爱护公共设施。\n3、装修前向物业申报。")
    (settings.corpus / DOC).write_text(edited, encoding="utf-8")
    report = run_ingest(settings, show_progress=False)
    assert not report.unmatched_overrides and not report.skipped
    roles = kb_roles(settings)
    assert [d.text for d in roles["维修工"].duties] == [*REPAIR_DUTIES, "每周检查电梯运行。"]
    assert "业主" not in roles and "客服主管" in roles
    at = open_document()
    assert role_names(at) == ["客服主管", "维修工"] and not at.warning


def test_moving_an_item_a_failed_count_check_and_a_correction_whose_anchor_is_gone(settings):
    at = open_document()
    add_role(at, "三、工程维修", "维修工", "漏掉的岗位")
    correct(at, "客服主管", Action.MOVE, "回访由维修工做", item=item_anchor("每月回访业主。"), to="维修工")
    assert "已保存更正（handbook.txt）：移动条目：「每月回访业主。」 → 维修工" in texts(at.success)
    assert [d.text for d in kb_roles(settings)["维修工"].duties] == [*REPAIR_DUTIES, "每月回访业主。"]
    assert (Action.MOVE, item_anchor("每月回访业主。")) in [(o.action, o.item) for o in load_overrides(settings.corpus)]

    correct(at, "客服主管", Action.EXPECT, "制度规定客服主管有两条职责", duties=2)
    assert "1 项职责条数核对未通过" in texts(at.error) and "客服主管：现有 1 条，应为 2 条" in texts(at.error)
    assert "核对未通过] 职责条数核对：客服主管 应有 2 条" in texts(at.markdown)

    # the moved item is reworded: the move no longer matches, is listed on top, and moves nothing else
    (settings.corpus / DOC).write_text(HANDBOOK.replace("每月回访业主。", "每季度回访业主。"), encoding="utf-8")
    run_ingest(settings, show_progress=False)
    at = open_document()
    stale = texts(at.warning)
    assert "1 条更正已不再匹配：" in stale and f"移动条目：条目 {item_anchor('每月回访业主。')} → 维修工" in stale
    assert "不再匹配] 移动条目" in texts(at.markdown)
    assert not at.error  # 客服主管 has its two items again
    assert [d.text for d in kb_roles(settings)["维修工"].duties] == REPAIR_DUTIES
    assert page.STALE_BADGE in at.radio(key=page.DOC_KEY).options[1]


def test_rename_alias_and_merge_and_a_form_left_incomplete_writes_nothing(settings):
    at = open_document()
    click(at, key(at, "add", "save"))
    assert "请选择小节。" in texts(at.error)
    index = role_names(at).index("客服主管")
    at.button_group(key=key(at, index, "action")).set_value(Action.RENAME).run()
    click(at, key(at, index, "save"))
    assert "请填写新名称。" in texts(at.error) and not (settings.corpus / OVERRIDES_FILE).exists()

    correct(at, "客服主管", Action.RENAME, "新版组织架构", to="客服主任")
    correct(at, "客服主任", Action.ALIAS, "员工习惯的叫法", aliases="客服经理，前台主管")
    correct(at, "业主", Action.MERGE, "测试合并", into="客服主任")
    assert role_names(at) == ["客服主任"]
    merged = kb_roles(settings)["客服主任"]
    assert {"客服主管", "客服经理", "前台主管", "业主"} <= set(merged.aliases) and len(merged.duties) == 4
    assert "合并：业主 并入 客服主任" in texts(at.markdown)
    assert at.button_group(key=key(at, 0, "action")).value is None  # the forms start empty after a save



def test_a_trainer_sets_a_documents_organisation_and_the_live_build_follows(settings):
    at = open_document()
    assert "现在：物业服务中心岗位职责（未写明单位，按独立单位处理）" in texts(at.caption)  # the title, nothing named
    click(at, key(at, "organisation", "save"))
    assert "请填写单位名称。" in texts(at.error) and not (settings.corpus / OVERRIDES_FILE).exists()

    at.text_input(key=key(at, "organisation", "to")).set_value("幸福里物业")
    at.text_input(key=key(at, "organisation", "why")).set_value("总部的物业服务中心")
    click(at, key(at, "organisation", "save"))
    assert "已保存更正（handbook.txt）：所属单位：幸福里物业" in texts(at.success)
    assert "现在：幸福里物业（人工设定）" in texts(at.caption)
    assert "生效] 所属单位：幸福里物业" in texts(at.markdown)  # the saved corrections list names it too
    assert [(o.action, o.to) for o in load_overrides(settings.corpus)] == [(Action.ORGANISATION, "幸福里物业")]
    build = KnowledgeBase(settings).build
    assert build.organisation_of(DOC) == "幸福里物业" and build.organisation_of("notice.txt") != "幸福里物业"
