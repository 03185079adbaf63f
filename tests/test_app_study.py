"""The 入职学习 page through AppTest on a copy of the seed index: pick a role, read the study sheet, take a
5-question quiz, see the score and sources; the trainer's progress and most-missed questions."""
from __future__ import annotations

import shutil

import pytest
from app_driver import open_page
from conftest import CORPUS

from apps.ui import render, study_page
from kb.quiz import CLOZE, ORDERING
from kb.quiz_store import QUIZ_FILENAME, QuizStore

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
