"""Curation pages driven through AppTest on a writable copy of the corpus with its own index (no mocks)."""
from __future__ import annotations

import json
import re

import pytest
from app_driver import click, open_page, switch
from conftest import SEED_NAME
from streamlit.testing.v1 import AppTest

from apps.cli.main import main as cli_main
from apps.ui import curation_page as cur
from apps.ui import lexicon_page, suites
from apps.ui.hittest_page import QUESTION_KEY
from evals.suite import load_suite
from ingest.curation import CorpusStore
from ingest.pipeline import run_ingest
from kb.frontmatter import EntryMeta
from kb.knowledge import KnowledgeBase
from kb.lexicon import load_lexicon

CHAT_PAGE = "apps/ui/chat_page.py"
CURATION_PAGE = "apps/ui/curation_page.py"
HITTEST_PAGE = "apps/ui/hittest_page.py"
LEXICON_PAGE = "apps/ui/lexicon_page.py"
ROLES_PAGE = "apps/ui/roles_page.py"
ESCAPE = re.compile(r"\\(.)")

NIGHT_BODY = """# 夜班值守员岗位职责
1、每两小时巡检一次机房温湿度并登记。
2、交班前整理夜班日志并当面交接。
# 附录
"""
NIGHT_QUESTION = "夜班值守员的职责是什么"
FIRST_ITEM, EDITED_ITEM = "每两小时巡检一次机房温湿度", "每小时巡检一次机房温湿度"


def plain(markdown: str) -> str:
    """Markdown source without the backslash escapes the app adds to corpus and user text."""
    return ESCAPE.sub(r"\1", markdown)


def texts(elements) -> str:
    return "\n".join(plain(str(e.value)) for e in elements)


@pytest.fixture
def settings(make_settings, seed_copy, tmp_path, monkeypatch, embedding_cache):
    """Its own corpus copy and home, indexed once; the app and its suites point there."""
    settings = make_settings(seed_copy)
    run_ingest(settings, show_progress=False)
    monkeypatch.setenv("DUTYKB_HOME", str(settings.home))
    monkeypatch.setenv("DUTYKB_CORPUS", str(seed_copy))
    monkeypatch.setenv("DUTYKB_EMBEDDING_CACHE", str(embedding_cache))
    monkeypatch.setenv("DUTYKB_SUITES_DIR", str(tmp_path / "suites"))
    return settings


def ask(at: AppTest, question: str) -> str:
    switch(at, CHAT_PAGE)
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return plain(at.chat_message[-1].markdown[0].value)


def new_entry(at: AppTest, file_name: str, title: str, roles: str, body: str) -> None:
    at.radio(key=cur.VIEW_KEY).set_value(cur.VIEW_NEW).run()
    at.text_input(key=cur.FILE_KEY).set_value(file_name)
    at.text_input(key="new_title").set_value(title)
    at.text_input(key="new_roles").set_value(roles)
    at.text_area(key="new_body").set_value(body)
    at.text_input(key=cur.WHO_KEY).set_value("王老师")
    at.text_input(key="new_why").set_value("新增夜班规范").run()


def test_create_preview_save_answer_edit_retire_restore_and_history(settings):
    at = open_page(CURATION_PAGE)
    new_entry(at, "night", "夜班值守规范", "夜班值守员", NIGHT_BODY)

    click(at, "new_preview")
    warnings = texts(at.warning)
    assert "「# 附录」下没有条目或正文" in warnings and "夜班值守员" not in warnings
    assert "岗位名「夜班值守员」会作为一个整词检索" in texts(at.info)  # handled by ingest: an info note
    assert "夜班值守员：2 条职责" in texts(at.markdown)
    assert not (settings.corpus / "night.md").exists()  # a preview writes nothing

    click(at, "new_save")
    assert "已新建《夜班值守规范》（night.md）" in texts(at.success)
    assert re.search(r"从保存到对话可以回答用时 \d+\.\d 秒", texts(at.caption))
    assert at.radio(key=cur.VIEW_KEY).value == cur.VIEW_EDIT  # the new entry is open for editing
    assert at.text_input(key="edit_title").value == "夜班值守规范"
    assert FIRST_ITEM in ask(at, NIGHT_QUESTION)

    switch(at, CURATION_PAGE)  # the edit form is still loaded after the detour to the chat
    at.text_area(key="edit_body").set_value(NIGHT_BODY.replace(FIRST_ITEM, EDITED_ITEM))
    at.text_input(key="edit_why").set_value("改为每小时巡检").run()
    click(at, "edit_save")
    assert "已保存《夜班值守规范》第 2 版" in texts(at.success)
    answer = ask(at, NIGHT_QUESTION)
    assert EDITED_ITEM in answer and FIRST_ITEM not in answer

    switch(at, CURATION_PAGE)
    click(at, "edit_status")
    assert "已废止《夜班值守规范》" in texts(at.success)
    assert EDITED_ITEM not in ask(at, NIGHT_QUESTION)
    assert (settings.corpus / "night.md").exists()  # retired entries stay on disk

    switch(at, CURATION_PAGE)
    click(at, "edit_status")  # retired by mistake: bring it back
    assert "已恢复启用《夜班值守规范》" in texts(at.success)
    assert EDITED_ITEM in ask(at, NIGHT_QUESTION)

    switch(at, CURATION_PAGE)
    history = at.dataframe[0].value
    assert list(history["操作"]) == ["恢复启用", "废止", "修改", "新建"] and set(history["修改人"]) == {"王老师"}
    assert "改为每小时巡检" in list(history["原因"])
    at.selectbox(key=cur.HISTORY_KEY).set_value(1).run()
    assert FIRST_ITEM in at.code[-1].value and EDITED_ITEM not in at.code[-1].value
    at.selectbox(key=cur.HISTORY_KEY).set_value(2).run()
    assert f"+1、{EDITED_ITEM}" in at.code[0].value  # the diff of version 2
    assert EDITED_ITEM in at.code[-1].value


def test_a_stale_edit_is_refused_and_the_file_is_kept(settings):
    store = CorpusStore(settings.corpus)
    store.add("night.md", EntryMeta(title="夜班值守规范"), NIGHT_BODY, "王老师", "")
    at = open_page(CURATION_PAGE)
    at.radio(key=cur.VIEW_KEY).set_value(cur.VIEW_EDIT).run()
    at.selectbox(key=cur.DOC_KEY).set_value("night.md").run()
    assert at.text_area(key="edit_body").value == NIGHT_BODY.strip()

    behind = store.show("night.md")  # someone else saves while the page holds the old version
    store.edit("night.md", behind.meta, NIGHT_BODY.replace("两小时", "三小时"), behind.sha, "李老师", "并发修改")
    on_disk = (settings.corpus / "night.md").read_text(encoding="utf-8")

    at.text_area(key="edit_body").set_value(NIGHT_BODY.replace("两小时", "四小时"))
    at.text_input(key=cur.WHO_KEY).set_value("王老师").run()
    click(at, "edit_save")
    assert "保存被拒绝" in texts(at.error)
    assert (settings.corpus / "night.md").read_text(encoding="utf-8") == on_disk
    assert [r.who for r in store.history("night.md")] == ["王老师", "李老师"]

    click(at, "edit_reload")
    assert "三小时" in at.text_area(key="edit_body").value


def test_hit_test_mark_as_answer_makes_a_case_that_dutykb_eval_runs(settings, tmp_path, capsys):
    at = open_page(HITTEST_PAGE)
    at.text_input(key=QUESTION_KEY).set_value("交接班要提前多久到").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns[1:4]) == ["混合", "BM25", "向量"]  # rank (score) per retriever
    assert table.iloc[0]["混合"].startswith("1（")
    mark = next(b for b in at.button if b.key.startswith("hit-mark-"))
    chunk_id = mark.key.removeprefix("hit-mark-")
    assert at.text_input(key=f"hit-evidence-{chunk_id}").value == "人員要提前10-15分鍾到達工作崗位,做好交准備。"

    mark.click().run()
    assert "已加入评测集 curated.yaml" in texts(at.success)
    path = tmp_path / "suites" / suites.CURATED_SUITE
    [case] = load_suite(path).cases
    assert case.question == "交接班要提前多久到" and case.tags == [suites.HIT_TAG]
    assert (case.sources[0].doc, case.sources[0].item) == (SEED_NAME, 1)
    click(at, f"hit-mark-{chunk_id}")
    assert "已经标记过" in texts(at.info) and len(load_suite(path).cases) == 1

    report_dir = tmp_path / "report"
    assert cli_main(["eval", str(path), "-q", "--no-baseline", "--report", str(report_dir),
                     "--home", str(settings.home)]) == 0
    capsys.readouterr()
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    assert [(c["id"], c["passed"]) for c in report["cases"]] == [(case.id, True)]


def test_hit_test_opens_the_entry_in_the_curation_page(settings):
    at = open_page(HITTEST_PAGE)
    at.text_input(key=QUESTION_KEY).set_value("交接班要提前多久到").run()
    click(at, next(b.key for b in at.button if b.key.startswith("hit-open-")))
    assert at.title[0].value == "条目管理"
    assert at.selectbox(key=cur.DOC_KEY).value == SEED_NAME
    assert "导入的原始文件" in texts(at.info)  # the seed is a raw .txt: shown, not editable


def test_import_reports_a_bad_file_and_ingests_a_good_one(settings):
    at = open_page(CURATION_PAGE)
    at.radio(key=cur.VIEW_KEY).set_value(cur.VIEW_IMPORT).run()
    at.text_input(key=cur.WHO_KEY).set_value("王老师")
    at.file_uploader(key=cur.UPLOAD_KEY).set_value(("bad.docx", b"not a zip", "application/octet-stream")).run()
    click(at, "import_save")
    assert "无法导入" in texts(at.error) and "zip" in texts(at.error)
    assert not (settings.corpus / "bad.docx").exists()

    duty = "二、機房夜班崗位職責\n1、負責夜間機房設備的巡視和記錄。\n".encode("big5")
    at.file_uploader(key=cur.UPLOAD_KEY).set_value(("機房夜班.txt", duty, "text/plain")).run()
    click(at, "import_save")
    assert "已导入 機房夜班.txt" in texts(at.success)
    kb = KnowledgeBase(settings)
    assert any(r.name == "機房夜班" for r in kb.roles_for())


def test_lexicon_page_validates_and_saves(settings):
    at = open_page(LEXICON_PAGE)
    at.text_area(key=lexicon_page.GROUPS_KEY).set_value("座席\n值班長 值班主任").run()
    click(at, "lex_check")
    assert "第 1 行只有一个词" in texts(at.error)
    at.text_area(key=lexicon_page.GROUPS_KEY).set_value("座席 坐席\n值班長 值班主任").run()
    click(at, "lex_check")
    assert "值班長 ← 值班主任" in texts(at.markdown)
    click(at, "lex_save")
    assert "词典已保存" in texts(at.success)
    assert load_lexicon(settings.corpus).synonyms == [["座席", "坐席"], ["值班長", "值班主任"]]
    assert KnowledgeBase(settings).resolve_role("值班主任") == {"值班長"}


def test_role_detail_shows_related_rules_and_edits_aliases(settings):
    at = open_page(ROLES_PAGE)
    at.toggle(key="role-detail-000_916eb7e6a919f6ca.txt-值班長").set_value(True).run()
    assert not at.exception
    assert "相关规定与流程" in texts(at.markdown)
    related = [plain(c.value) for c in at.caption if "提到该岗位" in plain(c.value)]
    assert related and any("轉單員崗位職責" in c for c in related)  # 转单员 hands unsolved cases to 值班長
    at.text_input(key="role-aliases-000_916eb7e6a919f6ca.txt-值班長").set_value("值班主任，现场主管").run()
    click(at, "role-aliases-save-000_916eb7e6a919f6ca.txt-值班長")
    assert "已更新“值班長”的别名" in texts(at.success)
    assert load_lexicon(settings.corpus).synonyms == [["值班長", "值班主任", "现场主管"]]
    assert any("值班主任" in plain(c.value) for c in at.caption)  # the role list shows the new alias


HUGO_ENTRY = """---
title: 夜班值守规范
date: 2024-01-15
draft: false
uid: 20240115083000
summary: 夜班巡检和交接
---
# 夜班值守员岗位职责
1、每两小时巡检一次机房温湿度并登记。
"""


def test_an_imported_entry_with_foreign_front_matter_shows_its_unused_keys_and_keeps_them(settings):
    at = open_page(CURATION_PAGE)
    at.radio(key=cur.VIEW_KEY).set_value(cur.VIEW_IMPORT).run()
    at.text_input(key=cur.WHO_KEY).set_value("王老师")
    at.file_uploader(key=cur.UPLOAD_KEY).set_value(("hugo.md", HUGO_ENTRY.encode(), "text/markdown")).run()
    click(at, "import_save")
    assert "已导入 hugo.md" in texts(at.success)

    at.radio(key=cur.VIEW_KEY).set_value(cur.VIEW_EDIT).run()
    at.selectbox(key=cur.DOC_KEY).set_value("hugo.md").run()
    click(at, "edit_preview")
    assert "未使用的键：date、draft、uid、summary" in texts(at.caption)
    at.text_input(key="edit_department").set_value("客服中心")
    at.text_input(key="edit_why").set_value("加部门").run()
    click(at, "edit_save")
    saved = (settings.corpus / "hugo.md").read_text(encoding="utf-8")
    assert "department: 客服中心" in saved and "uid: 20240115083000" in saved and "date: 2024-01-15" in saved
