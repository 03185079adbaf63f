"""The Streamlit app driven through AppTest against a real index of the shipped corpus (no mocks)."""
from __future__ import annotations

import re
import shutil
import socket
from pathlib import Path

import pytest
from fake_llm import FakeLLM, sources_in
from streamlit.testing.v1 import AppTest

from apps.ui import render
from apps.ui.chat_page import GROUP_KEY, NEW_CHAT_KEY, ROLE_KEY
from apps.ui.roles_page import ROLE_HEADING, SEARCH_KEY
from ingest.pipeline import run_ingest
from kb.answer import Answerer
from kb.clauses import ITEM
from kb.feedback import DOWN, FEEDBACK_FILENAME, UP, FeedbackStore
from kb.records import Citation
from kb.tokenize import Tokenizer

APP = Path(__file__).resolve().parent.parent / "app.py"
ROLES_PAGE = "apps/ui/roles_page.py"
TIMEOUT_S = 60  # the first run loads jieba, the embedder and the build
THUMBS_UP, THUMBS_DOWN = 1, 0
ESCAPE = re.compile(r"\\(.)")


def plain(markdown: str) -> str:
    """Markdown source without the backslash escapes the app adds to corpus and user text."""
    return ESCAPE.sub(r"\1", markdown)


def start(home, monkeypatch, **env: str) -> AppTest:
    monkeypatch.setenv("DUTYKB_HOME", str(home))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    assert not at.exception
    return at


def ask(at: AppTest, question: str):
    """Type `question`; returns the assistant message that answered it."""
    at.chat_input[0].set_value(question).run()
    assert not at.exception
    assert plain(at.chat_message[-2].markdown[0].value) == question
    return at.chat_message[-1]


def answer_text(message) -> str:
    return plain(message.markdown[0].value)


def role_names(at: AppTest) -> list[str]:
    """The role cards' names on the 岗位 page, highlights removed."""
    return [re.sub(r":orange\[\*\*(.*?)\*\*\]", r"\1", plain(m.value.removeprefix(ROLE_HEADING)))
            for m in at.markdown if m.value.startswith(ROLE_HEADING)]


@pytest.fixture
def app(seed_settings, monkeypatch) -> AppTest:
    return start(seed_settings.home, monkeypatch)


@pytest.fixture
def own_home(seed_settings, tmp_path):
    """A private copy of the seed index, for tests that write feedback into the home."""
    home = tmp_path / "home"
    shutil.copytree(seed_settings.home, home)
    return home


def test_first_screen_offers_role_questions_and_no_answer(app):
    assert app.title[0].value == "岗位职责助手"
    labels = [b.label for b in app.button]
    assert "值班长的岗位职责是什么" in labels  # the UI's script, whatever the document's
    assert not app.chat_message and app.chat_input


def test_simplified_question_is_answered_with_cited_sources(app):
    message = ask(app, "交接班要提前多久到")
    text = answer_text(message)
    assert text.startswith("提前10-15分钟")  # the direct answer, in the asker's script
    assert "提前10-15分鍾到達工作崗位" in text  # the quote, as the document writes it
    assert render.citation_marker(1) in message.markdown[0].value
    labels = [plain(e.label) for e in message.expander]
    assert labels and "一、交制度" in labels[0] and labels[0].startswith("[1–3] 《後場老師職責》")
    assert labels[0].endswith(render.clause_label([1, 2, 5], ITEM))  # the UI's words (Simplified), on one line
    quote = message.expander[0].markdown[0].value
    assert render.mark("提前") in quote  # matched words are highlighted in the Traditional quote
    assert "回答方式：原文摘录" in plain(message.caption[-1].value)


def test_traditional_question_is_answered_in_traditional(app):
    message = ask(app, "機房可以帶易燃物品嗎")
    assert "嚴禁攜帶易燃易爆物品進入機房" in answer_text(message)
    assert render.citation_marker(1) in message.markdown[0].value
    assert any("二、安全生產制度" in e.label for e in message.expander)


def test_out_of_corpus_question_abstains_with_suggestions_that_ask(app):
    message = ask(app, "明天北京会下雨吗")
    assert re.search("没有找到|沒有找到", answer_text(message))
    assert not message.expander and render.citation_marker(1) not in message.markdown[0].value
    suggestions = [b for b in message.button if b.key and b.key.startswith("suggest-")]
    assert suggestions
    question = plain(suggestions[0].label)
    assert question.endswith("？") and "…" not in question  # phrased as a question a new hire would ask
    suggestions[0].click().run()
    assert not app.exception
    asked = plain(app.chat_message[-2].markdown[0].value)
    assert asked == question  # a click asks what the button says


def test_role_picker_scopes_my_duties(app):
    app.selectbox(key=ROLE_KEY).set_value("值班長").run()
    message = ask(app, "我的岗位职责是什么")
    text = answer_text(message)
    assert "值班长的岗位职责（共7项）" in text and "負責漫遊客戶投訴的處理" in text
    [source] = message.expander  # the whole list is one source, not seven cards with one breadcrumb
    assert "三、值班長崗位職責" in source.label and source.label.endswith(render.clause_label(list(range(1, 8)), ITEM))
    quotes = source.markdown[0].value
    assert all(render.citation_marker(n) in quotes for n in range(1, 8)) and "負責漫遊客戶投訴的處理" in quotes
    assert "已选岗位：值班長" in plain(message.caption[-1].value)


def test_a_follow_up_is_understood_from_the_earlier_turn(app):
    ask(app, "值班长的职责是什么")
    message = ask(app, "那质检员呢？")
    captions = [plain(c.value) for c in message.caption]
    assert "理解为：质检员的职责是什么？" in captions
    text = answer_text(message)
    assert text.startswith("质检员的岗位职责（共3项）") and "配合值班長做好各類數據提取" in text
    assert all("四、質檢員崗位職責" in e.label for e in message.expander)


def test_role_picker_lists_one_organisation_at_a_time(app):
    groups = app.selectbox(key=GROUP_KEY).options
    call_centre = next(g for g in groups if "客服部門後台支撐崗位職責" in g)
    basketball = next(g for g in groups if "籃球" in g)
    assert call_centre != basketball
    app.selectbox(key=GROUP_KEY).set_value(call_centre).run()
    roles = app.selectbox(key=ROLE_KEY).options
    assert "值班長" in roles and "質檢員" in roles and not any("後衛" in r or "前鋒" in r for r in roles)


def test_starter_button_asks_its_question(app):
    next(b for b in app.button if b.label == "值班长的岗位职责是什么").click().run()  # UI text: Simplified
    assert not app.exception
    message = app.chat_message[-1]
    assert "負責漫遊客戶投訴的處理" in answer_text(message) and len(message.expander) == 1


def test_thumbs_are_saved_with_the_answer_and_can_be_changed(own_home, monkeypatch):
    at = start(own_home, monkeypatch)
    ask(at, "排队超过10人怎么办")
    store = FeedbackStore(own_home / FEEDBACK_FILENAME)
    at.feedback[0].set_value(THUMBS_UP).run()
    [row] = store.list()
    assert (row.question, row.rating, row.status, row.mode, row.role) == ("排队超过10人怎么办", UP, "new",
                                                                         "extractive", None)
    assert any("等待人數>10人" in c["quote"] for c in row.citations) and "[1]" in row.answer
    at.feedback[0].set_value(THUMBS_DOWN).run()
    assert [(r.id, r.rating) for r in store.list()] == [(row.id, DOWN)]
    assert store.list(rating=UP) == []


def test_new_conversation_clears_the_history(app):
    ask(app, "交接班要提前多久到")
    app.button(key=NEW_CHAT_KEY).click().run()
    assert not app.exception and not app.chat_message
    assert "值班长的岗位职责是什么" in [b.label for b in app.button]


def test_roles_page_lists_every_role_and_search_filters(app):
    app.switch_page(ROLES_PAGE).run()
    assert not app.exception
    names = role_names(app)
    assert "值班長" in names and "控球後衛" in names
    assert [plain(h.value) for h in app.subheader] == ["後場老師職責"]  # the document's title heads its roles
    sections = [plain(c.value) for c in app.caption if "个岗位" in c.value]  # one organisation's posts together
    assert "客服部門後台支撐崗位職責 · 9 个岗位" in sections and "籃球五個位置各要擔任什麼職責 · 5 个岗位" in sections
    assert names.index("值班長") > names.index("控球後衛")  # document order: ⑥ before ⑩
    duties = "".join(plain(m.value) for m in app.markdown)
    assert "負責漫遊客戶投訴的處理" in duties
    assert any("三、值班長崗位職責" in plain(c.value) for c in app.caption)

    app.text_input(key=SEARCH_KEY).set_value("投诉").run()  # Simplified query, Traditional duties
    names = role_names(app)
    assert "值班長" in names and "控球後衛" not in names
    assert any(render.mark("投訴") in m.value for m in app.markdown)

    app.text_input(key=SEARCH_KEY).set_value("point guard").run()  # an alias, any case
    assert role_names(app) == ["控球後衛"]

    app.text_input(key=SEARCH_KEY).set_value("年终奖").run()
    assert not role_names(app) and not app.subheader and "没有找到" in app.info[0].value


REAL_DOCS = Path(__file__).resolve().parent.parent / "evals" / "corpora" / "real" / "docs"
# two regulations nobody here wrote: articles numbered 第X条, some holding lists （一）（二）…; the traffic rules
# define a role inside an article whose heading is a whole sentence (第五条 交通协管员可以…承担以下工作：)
REGULATIONS = ("物业管理条例.md", "交通警察道路执勤执法工作规范.md")


@pytest.fixture(scope="module")
def regulations(tmp_path_factory, embedding_cache):
    from kb.settings import Settings

    corpus = tmp_path_factory.mktemp("regulations")
    for name in REGULATIONS:
        shutil.copy(REAL_DOCS / name, corpus / name)
    settings = Settings(home=tmp_path_factory.mktemp("regulations-home"), corpus=corpus,
                        embedding_cache=embedding_cache)
    run_ingest(settings, show_progress=False)
    return settings


@pytest.fixture
def regulation_app(regulations, monkeypatch) -> AppTest:
    return start(regulations.home, monkeypatch, DUTYKB_CORPUS=str(regulations.corpus))


def test_list_items_are_labelled_xiang_and_articles_tiao(regulation_app):
    message = ask(regulation_app, "业主有哪些义务")
    [source] = message.expander  # 第七条's six duties: one card
    label = plain(source.label)
    assert "第七条 业主在物业管理活动中" in label and label.endswith(render.clause_label(list(range(1, 7)), ITEM))

    message = ask(regulation_app, "物业服务企业可以将专项服务业务委托给专业性服务企业吗")
    quoted = next(e for e in message.expander if "第三十九条" in e.markdown[0].value)
    clause = plain(quoted.label).rsplit("› ", 1)[-1].replace(render.NO_BREAK, "")
    assert re.fullmatch(r"第39(、\d+)*条", clause), clause  # the document's own article numbers


def test_roles_page_heads_each_group_with_its_document_title_and_a_short_section(regulation_app):
    regulation_app.switch_page(ROLES_PAGE).run()
    assert not regulation_app.exception
    assert sorted(plain(h.value) for h in regulation_app.subheader) == sorted(
        ["物业管理条例", "交通警察道路执勤执法工作规范"])
    assert not regulation_app.header  # nothing on the page is sized like its title
    sections = [plain(c.value) for c in regulation_app.caption if "个岗位" in c.value]
    assert "第五条 · 1 个岗位" in sections  # the article's number, not its sentence
    assert not any("承担以下工作" in s for s in sections)


NIGHT_SHIFT_DOC = """---
title: 夜班值守规范
roles: [夜班值守员]
---
# 夜班值守员岗位职责
1、每两小时巡检一次机房温湿度并登记。
2、交班前整理夜班日志并当面交接。
"""


def test_a_newly_published_build_is_picked_up_without_a_restart(make_settings, seed_copy, monkeypatch):
    settings = make_settings(seed_copy)
    run_ingest(settings, show_progress=False)
    at = start(settings.home, monkeypatch)
    at.switch_page(ROLES_PAGE).run()
    before = len(role_names(at))
    assert "夜班值守员" not in role_names(at)
    assert f"{before} 个岗位" in at.sidebar.caption[-1].value

    (seed_copy / "night.md").write_text(NIGHT_SHIFT_DOC, encoding="utf-8")
    run_ingest(settings, show_progress=False)
    at.run()
    assert not at.exception and "夜班值守员" in role_names(at)
    assert f"{before + 1} 个岗位" in at.sidebar.caption[-1].value


def test_a_question_with_nothing_to_search_gets_a_hint(app):
    app.chat_input[0].set_value("\u200b").run()  # invisible characters only
    assert not app.exception and "没有可以检索的文字" in app.warning[0].value


def test_without_an_index_the_app_says_how_to_build_one(tmp_path, monkeypatch):
    at = start(tmp_path / "empty-home", monkeypatch)
    assert "还没有建立知识库索引" in plain(at.error[0].value)
    assert at.code[0].value == "dutykb ingest"
    assert not at.chat_input


def first_item_citing_source_one(messages) -> str:
    first_line = sources_in(messages)[1].splitlines()[0]
    return re.sub(r"^\d+、", "", first_line) + "[1]"


def test_llm_mode_answers_and_says_so(seed_settings, monkeypatch):
    with FakeLLM(first_item_citing_source_one) as llm:
        at = start(seed_settings.home, monkeypatch, DUTYKB_LLM=llm.spec())
        message = ask(at, "交接班要提前多久到")
    assert llm.requests and llm.requests[0]["stream"] is True
    assert render.citation_marker(1) in message.markdown[0].value
    assert "大模型 fake-qwen 生成" in plain(message.caption[-1].value)
    assert any("大模型 fake-qwen" in plain(c.value) for c in at.sidebar.caption)


def test_a_malformed_llm_setting_is_reported_and_quotes_are_used(seed_settings, monkeypatch):
    at = start(seed_settings.home, monkeypatch, DUTYKB_LLM="qwen2.5")
    assert any("大模型设置无效" in plain(w.value) for w in at.sidebar.warning)
    message = ask(at, "交接班要提前多久到")
    assert plain(message.caption[-1].value).startswith("回答方式：原文摘录")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_llm_falls_back_to_quotes_with_a_notice(seed_settings, monkeypatch):
    at = start(seed_settings.home, monkeypatch, DUTYKB_LLM=f"fake-qwen@http://127.0.0.1:{closed_port()}/v1")
    message = ask(at, "交接班要提前多久到")
    assert "大模型暂时无法回答" in message.warning[0].value
    assert "提前10-15分鍾到達工作崗位" in plain(message.markdown[0].value)
    assert message.expander


# Rendering helpers: corpus and user text must never become markup.

def test_markdown_in_corpus_text_is_shown_literally():
    hostile = "**粗体** <b>x</b> [链接](http://a.b) $x^2$ :red[红] # 标题 1. 列表 `代码` &amp;"
    escaped = render.escape_markdown(hostile)
    assert plain(escaped).replace(render.NO_LINK, "") == hostile  # the address also holds an invisible joiner
    assert not re.search(r"(?<!\\)[*<>\[\]()$:#`&]", escaped)


def test_highlight_finds_simplified_terms_in_traditional_text_and_escapes_the_rest():
    terms = render.question_terms("机房可以带易燃物品吗", Tokenizer("jieba+bigram"))
    marked = render.highlight("嚴禁攜帶易燃易爆物品進入機房*", terms)
    assert render.mark("機房") in marked and render.mark("物品") in marked
    assert marked.endswith("\\*") and "可以" not in terms


def test_answer_markers_become_badges_and_checker_marks_stand_out():
    rendered = render.answer_markdown("第一句。[1][2]\n第二句。〔无出处〕")
    assert render.citation_marker(1) + render.citation_marker(2) in rendered
    assert rendered.startswith("第一句。" + render.citation_marker(1)) and ":red[〔无出处〕]" in rendered


def test_feedback_store_round_trip(tmp_path, seed_kb):
    answer = Answerer(seed_kb).answer("交接班要提前多久到")
    store = FeedbackStore(tmp_path / "fb" / FEEDBACK_FILENAME)
    first = store.add(answer, DOWN, role="值班長")
    second = store.add(answer, UP)
    assert [r.id for r in store.list(rating=DOWN)] == [first]
    row = store.list()[0]
    assert row.role == "值班長" and row.status == "new" and not row.abstained
    assert [Citation(**c) for c in row.citations] == answer.citations
    store.set_rating(first, UP)
    store.remove(second)
    assert [(r.id, r.rating) for r in store.list()] == [(first, UP)]
    with pytest.raises(ValueError):
        store.add(answer, "meh")
