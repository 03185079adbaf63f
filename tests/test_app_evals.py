"""The evaluation page driven through AppTest: run suites, read the report, triage thumbs-down answers."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from app_driver import click, open_page
from conftest import CORPUS
from streamlit.testing.v1 import AppTest

from apps.ui import evals_page, suites
from evals.runs import RunStore
from evals.suite import load_suite
from kb.answer import Answerer
from kb.feedback import (
    DOWN,
    FEEDBACK_FILENAME,
    STATUS_APPROVED,
    STATUS_DISMISSED,
    STATUS_NEW,
    UP,
    FeedbackStore,
)

EVALS_PAGE = "apps/ui/evals_page.py"
ESCAPE = re.compile(r"\\(.)")
SMALL_SUITE = """suite: small
cases:
  - id: handover
    question: 交接班要提前多久到
    expect:
      evidence: ["提前10-15分鍾到達工作崗位"]
    tags: [procedure]
  - id: bonus
    question: 公司年终奖怎么发
    expect:
      abstain: true
    tags: [unanswerable]
"""
QUEUE_EVIDENCE = "等待人數>10人"


def plain(markdown: str) -> str:
    return ESCAPE.sub(r"\1", markdown)


def texts(elements) -> str:
    return "\n".join(plain(str(e.value)) for e in elements)


@pytest.fixture
def home(seed_settings, tmp_path, monkeypatch) -> Path:
    """A private copy of the seed index (runs and feedback are written into the home) and a suites dir."""
    home = tmp_path / "home"
    shutil.copytree(seed_settings.home, home, ignore=shutil.ignore_patterns("runs"))  # no earlier eval runs
    suites_dir = tmp_path / "suites"
    suites_dir.mkdir()
    (suites_dir / "small.yaml").write_text(SMALL_SUITE, encoding="utf-8")
    monkeypatch.setenv("DUTYKB_HOME", str(home))
    monkeypatch.setenv("DUTYKB_CORPUS", str(CORPUS))
    monkeypatch.setenv("DUTYKB_EMBEDDING_CACHE", str(seed_settings.embedding_cache))
    monkeypatch.setenv("DUTYKB_SUITES_DIR", str(suites_dir))
    return home


def open_evals() -> AppTest:
    return open_page(EVALS_PAGE)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_run_a_suite_from_the_page_and_read_the_report(home, seed_settings):
    at = open_evals()
    assert "还没有运行过评测" in texts(at.info)
    assert at.multiselect(key=evals_page.SUITES_KEY).value == ["small.yaml"]

    click(at, evals_page.RUN_KEY)
    [run] = RunStore(home).paths()
    assert at.selectbox(key=evals_page.VIEW_KEY).value == str(run)
    assert metric(at, "通过率") == "1.000" and metric(at, "拒答召回率") == "1.000"
    retrieval = at.dataframe[0].value
    assert list(retrieval.index) == ["混合", "BM25", "向量"] and retrieval.loc["混合", "R@1"] == 1.0
    by_tag = at.dataframe[1].value
    assert set(by_tag["标签"]) == {"procedure", "unanswerable"}
    assert "提前10-15分鍾到達工作崗位" in texts(at.markdown)  # the drilled-into case's answer, quoted as written
    assert any(plain(e.label).startswith("[1–3] 《後場老師職責》") for e in at.expander)  # one card per block

    click(at, evals_page.RUN_KEY)  # a second run is compared with the first and joins the history
    assert len(RunStore(home).paths()) == 2
    assert "与上一次运行" in texts(at.caption) and "新失败 0 个" in texts(at.caption)
    history = at.dataframe[-1].value
    assert len(history) == 2 and list(history["通过率"]) == [1.0, 1.0]


def test_thumbs_down_inbox_approves_into_a_suite_and_dismisses(home, seed_kb, tmp_path):
    answerer = Answerer(seed_kb)
    store = FeedbackStore(home / FEEDBACK_FILENAME)
    queue = store.add(answerer.answer("排队超过10人怎么办"), DOWN, role="值班長")
    other = store.add(answerer.answer("交接班要提前多久到"), DOWN)
    store.add(answerer.answer("机房可以带易燃物品吗"), UP)  # a thumbs-up never reaches the inbox

    at = open_evals()
    assert at.tabs[2].label == "差评收件箱（2）"
    assert at.text_input(key=f"inbox-question-{queue}").value == "排队超过10人怎么办"
    click(at, f"inbox-approve-{queue}")
    assert "至少一条证据短语" in texts(at.error)
    assert store.list(status=STATUS_NEW)[0].id == queue

    at.text_input(key=f"inbox-question-{queue}").set_value("排队的人超过10个怎么办")
    at.text_area(key=f"inbox-evidence-{queue}").set_value(QUEUE_EVIDENCE).run()
    click(at, f"inbox-approve-{queue}")
    assert "已加入评测集 feedback.yaml" in texts(at.success)
    [case] = load_suite(tmp_path / "suites" / suites.FEEDBACK_SUITE).cases
    assert (case.id, case.question, case.evidence, case.role, case.tags) == (
        suites.feedback_case_id(queue), "排队的人超过10个怎么办", [QUEUE_EVIDENCE], "值班長", [suites.FEEDBACK_TAG])
    assert at.tabs[2].label == "差评收件箱（1）"

    click(at, f"inbox-dismiss-{other}")
    assert {r.id: r.status for r in store.list(rating=DOWN)} == {queue: STATUS_APPROVED, other: STATUS_DISMISSED}
    assert "没有待处理的差评" in texts(at.info)


def test_feedback_status_is_checked(tmp_path, seed_kb):
    store = FeedbackStore(tmp_path / FEEDBACK_FILENAME)
    row = store.add(Answerer(seed_kb).answer("交接班要提前多久到"), DOWN)
    store.set_status(row, STATUS_DISMISSED)
    assert [r.id for r in store.list(status=STATUS_DISMISSED)] == [row] and store.list(status=STATUS_NEW) == []
    with pytest.raises(ValueError):
        store.set_status(row, "done")
    with pytest.raises(KeyError):
        store.set_status(row + 1, STATUS_APPROVED)
