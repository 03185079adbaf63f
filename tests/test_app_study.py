"""The 入职学习 page through AppTest on a copy of the seed index: pick a role, read the study sheet, take a
5-question quiz, see the score and sources; the trainer's progress and most-missed questions. Then, on a corpus a
trainer edits through the curation store, what changed for the role since the hire's last visit."""
from __future__ import annotations

import shutil

import pytest
from app_driver import open_page
from conftest import CORPUS

from apps.ui import render, study_page
from ingest.curation import CorpusStore
from ingest.pipeline import run_ingest
from kb.frontmatter import EntryMeta
from kb.quiz import CLOZE, ORDERING
from kb.quiz_store import QUIZ_FILENAME, QuizStore
from kb.users import set_user
from kb.visits import VisitStore

STUDY_PAGE = "apps/ui/study_page.py"


@pytest.fixture
def study_app(seed_settings, monkeypatch, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(seed_settings.home, home)  # the quiz store is written under the home
    monkeypatch.setenv("DUTYKB_HOME", str(home))
    monkeypatch.setenv("DUTYKB_CORPUS", str(CORPUS))
    monkeypatch.setenv("DUTYKB_EMBEDDING_CACHE", str(seed_settings.embedding_cache_path))
    return home


def answer(at, i, q, right: bool):
    key = f"study-q-{i}-{q.qid}"
    if q.kind == CLOZE:
        at.text_input(key=key).input(q.answer if right else "不知道")
    elif q.kind == ORDERING:
        at.multiselect(key=key).set_value(q.answer if right else list(reversed(q.answer)))
    else:
        at.radio(key=key).set_value(q.answer if right else next(c for c in q.choices if c != q.answer))


def test_a_new_hire_reads_the_sheet_takes_a_quiz_and_the_trainer_sees_it(study_app):
    at = open_page(STUDY_PAGE)
    roles = at.selectbox(key=study_page.ROLE_KEY)
    index = next(i for i in roles.options if i.startswith("值班長"))
    at.selectbox(key=study_page.ROLE_KEY).set_value(roles.options.index(index)).run()
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "具體負責熱線服務中心現場管理" in text and "相关规定与流程" in text and "有什么变化" in text
    assert at.get("download_button")
    at.button[0].click().run()  # 开始自测, 5 questions by default
    questions = at.session_state[study_page.QUIZ_KEY][2]
    assert len(questions) == study_page.DEFAULT_QUESTIONS
    for i, q in enumerate(questions, 1):
        answer(at, i, q, right=i > 1)
    next(b for b in at.button if b.label == "提交答案").click().run()
    assert not at.exception, at.exception
    assert any(s.value == f"得分：4 / {len(questions)}" for s in at.success)
    captions = " ".join(c.value for c in at.caption)
    assert "出处：《後場老師職責》" in captions
    # the source is shown as the page escapes it: whatever kind came first (an ordering question's "(1)…" included)
    assert any(m.value == render.escape_markdown(questions[0].source_text) for m in at.markdown)
    # the trainer's view (open mode: every page) counts the quiz and lists the missed question first
    store = QuizStore(study_app / QUIZ_FILENAME)
    assert store.most_missed()[0].qid == questions[0].qid
    at.run()
    tables = [t.value for t in at.dataframe]
    assert any("值班長" in set(t["岗位"]) for t in tables)
    assert any(render.escape_markdown(questions[0].question) in m.value for m in at.markdown)


def study_as(username: str, role: str):
    """A signed-in user's new session on the study page, with `role` picked; returns the page's markdown and
    captions, unescaped."""
    from test_app_access import sign_in
    from test_app_curation import plain

    at = sign_in(username)
    at.switch_page(STUDY_PAGE).run()
    picker = at.selectbox(key=study_page.ROLE_KEY)
    label = next(o for o in picker.options if o.startswith(role))
    picker.set_value(picker.options.index(label)).run()
    assert not at.exception, at.exception
    return [plain(m.value) for m in at.markdown], "\n".join(plain(c.value) for c in at.caption)


def test_the_study_page_shows_what_changed_for_the_role_since_the_hires_last_visit(
        make_settings, monkeypatch, embedding_cache, tmp_path):
    from test_app_access import PASSWORD
    from test_role_changes import ADDED_DUTY, AFTER, BEFORE, DOC, ROLE, edit

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    store = CorpusStore(corpus)
    store.add(DOC, EntryMeta(title="物业客服岗位职责"), BEFORE, "王老师", "first version")
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    users = tmp_path / "users.yaml"
    set_user(users, "hire1", PASSWORD, "reader", [], None)
    for name, value in (("DUTYKB_HOME", settings.home), ("DUTYKB_CORPUS", corpus),
                        ("DUTYKB_EMBEDDING_CACHE", embedding_cache), ("DUTYKB_USERS_FILE", users)):
        monkeypatch.setenv(name, str(value))

    shown, captions = study_as("hire1", ROLE)
    assert f"**{study_page.CHANGES_TITLE}**" in shown
    assert "上次查看" not in captions and "没有变更" in captions  # a first visit, one build: nothing to compare
    assert VisitStore.under(settings.home).last("hire1", ROLE) is not None

    edit(store, AFTER, "职责调整")  # the trainer's save on the 条目管理 page, then the re-ingest it starts
    run_ingest(settings, show_progress=False)
    shown, captions = study_as("hire1", ROLE)
    assert "自上次查看" in captions and "没有变更" not in captions
    changes = next(m for m in shown if "新增" in m)
    assert ADDED_DUTY in changes and "删除" in changes and "整理投诉台账" in changes
    assert "每月回访业主。 → 2. 每月电话回访业主一次。" in changes
    assert any("提到该岗位的规定" in m and "夜间报修由客服专员安排维修人员处理" in m for m in shown)
    # the other role of the document did not change
    _, captions = study_as("hire1", "保洁员")
    assert "没有变更" in captions
