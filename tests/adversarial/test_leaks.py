"""Restricted text must not reach readers outside its groups through side doors.

Eval-report coverage, the 词典 page, a role's citation when a restricted entry defines a role
of the same name, and BM25 scores (IDF and average length) of public chunks.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from app_driver import APP, TIMEOUT_S
from conftest import CORPUS, HR_ENTRY, SEED_NAME
from streamlit.testing.v1 import AppTest

from apps.ui import lexicon_page
from evals.report import assemble_report
from evals.runs import score_groups
from evals.suite import load_suite
from ingest.pipeline import run_ingest
from kb.access import EVERYONE, PUBLIC, Audience
from kb.answer import Answerer
from kb.knowledge import KnowledgeBase
from kb.lexicon import load_lexicon
from kb.retrieve import HybridRetriever
from kb.users import set_user

PASSWORD = "correct horse"
PUBLIC_NIGHT = """---
title: 夜班值守规范
---
# 夜班值守员岗位职责
1、每两小时巡检一次机房温湿度并登记。
2、重大故障须在十五分钟内通知值班长。
"""
SECRET_NIGHT = """---
title: 夜班值守保密补充
visibility: [hr]
---
# 夜班值守员岗位职责
1、夜班值守员掌握金库备用密码，交接时口头核对。
"""
# Queries whose words occur in the restricted entry (so restricted chunks would change their IDF).
QUERIES = ["每月核算全员工资", "员工数据保存在哪里", "方案须经总监签字", "值班长的职责", "交接班要提前多久到"]
SUITE = """
cases:
  - id: one
    question: 交接班要提前多久到
    expect:
      evidence: ["提前15分鐘"]
"""


def build(tmp_path: Path, make_settings, name: str, files: dict[str, str]):
    corpus = tmp_path / name
    corpus.mkdir()
    shutil.copy(CORPUS / SEED_NAME, corpus / SEED_NAME)
    for file, text in files.items():
        (corpus / file).write_text(text, encoding="utf-8")
    settings = make_settings(corpus, home=tmp_path / f"{name}-home")
    run_ingest(settings, show_progress=False)
    return settings


def bm25_by_chunk(kb: KnowledgeBase, query: str, audience: Audience) -> dict[str, float]:
    hits = HybridRetriever(kb).search(query, k=20, mode="bm25", audience=audience)
    return {h.chunk.chunk_id: round(h.score, 4) for h in hits}


def test_a_public_chunks_bm25_score_does_not_depend_on_restricted_chunks(tmp_path, make_settings):
    plain = KnowledgeBase(build(tmp_path, make_settings, "plain", {}))
    with_hr = KnowledgeBase(build(tmp_path, make_settings, "with-hr", {"hr-pay.md": HR_ENTRY}))
    for query in QUERIES:
        public_view = bm25_by_chunk(with_hr, query, PUBLIC)
        assert public_view == bm25_by_chunk(plain, query, PUBLIC), query
    # the operator's scores do count the restricted entry: what the public view must not show
    operator = bm25_by_chunk(with_hr, QUERIES[0], EVERYONE)
    shared = set(operator) & set(bm25_by_chunk(plain, QUERIES[0], EVERYONE))
    assert any(operator[c] != bm25_by_chunk(plain, QUERIES[0], EVERYONE)[c] for c in shared)


def test_scoring_over_visible_chunks_equals_bm25s_when_all_are_visible(seed_kb):
    lexical = seed_kb.build.lexical
    everything = np.ones(lexical.size, dtype=bool)
    for query in QUERIES:
        expected = lexical.scores(query)
        assert np.allclose(lexical.scores(query, everything), expected, rtol=1e-4, atol=1e-5), query
    frequencies = lexical.document_frequencies()
    assert lexical.document_frequencies(everything) == frequencies


def test_a_public_roles_citation_never_points_at_a_restricted_chunk(tmp_path, make_settings):
    settings = build(tmp_path, make_settings, "roles", {"a-night.md": PUBLIC_NIGHT, "z-night-secret.md": SECRET_NIGHT})
    kb = KnowledgeBase(settings)
    restricted = {c.chunk_id for c in kb.build.chunks if c.visibility}
    assert restricted
    answer = Answerer(kb).answer("夜班值守员的职责是什么", audience=PUBLIC)
    assert answer.citations and "巡检一次机房" in answer.answer and "金库" not in answer.answer
    assert not {c.chunk_id for c in answer.citations} & restricted
    hr = Answerer(kb).answer("夜班值守员的职责是什么", audience=Audience.of(["hr"]))
    secret = [c for c in hr.citations if "金库" in c.quote]
    assert secret and all(c.chunk_id in restricted for c in secret)


def test_an_operators_eval_report_naming_restricted_roles_is_shown_only_to_their_groups(restricted_settings,
                                                                                        tmp_path):
    suite_file = tmp_path / "leak.yaml"
    suite_file.write_text(SUITE, encoding="utf-8")
    kb = KnowledgeBase(restricted_settings)
    groups = score_groups(kb, restricted_settings, [load_suite(suite_file)], EVERYONE)
    report = assemble_report(groups, restricted_settings.fusion, EVERYONE)
    assert report.coverage is not None and "薪酬专员" in report.coverage.roles_uncovered
    assert not report.viewable_by(PUBLIC) and not report.viewable_by(Audience.of(["finance"]))
    assert report.viewable_by(Audience.of(["hr", "finance"])) and report.viewable_by(EVERYONE)
    as_public = assemble_report(score_groups(kb, restricted_settings, [load_suite(suite_file)], PUBLIC),
                                restricted_settings.fusion, PUBLIC)
    assert as_public.coverage is not None and "薪酬专员" not in as_public.coverage.roles_uncovered
    assert as_public.viewable_by(PUBLIC)


LEXICON = "words: [首问责任制]\nsynonyms:\n  - [薪酬专员, 工资专员]\n  - [值班長, 值班主任]\n"


@pytest.fixture
def lexicon_env(tmp_path, make_settings, monkeypatch):
    settings = build(tmp_path, make_settings, "lex", {"hr-pay.md": HR_ENTRY, "lexicon.yaml": LEXICON})
    users = tmp_path / "users.yaml"
    set_user(users, "trainer", PASSWORD, "trainer", [], None)
    set_user(users, "hr_trainer", PASSWORD, "trainer", ["hr"], None)
    for name, value in {"DUTYKB_HOME": settings.home, "DUTYKB_CORPUS": settings.corpus, "DUTYKB_USERS_FILE": users,
                        "DUTYKB_EMBEDDING_CACHE": settings.embedding_cache_path}.items():
        monkeypatch.setenv(name, str(value))
    return settings


def lexicon_page_as(username: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    next(t for t in at.text_input if t.label == "用户名").set_value(username)
    next(t for t in at.text_input if t.label == "密码").set_value(PASSWORD)
    at.button[0].click().run()
    at.switch_page("apps/ui/lexicon_page.py").run()
    assert not at.exception, at.exception
    return at


def test_the_lexicon_page_hides_groups_naming_restricted_roles_and_keeps_them_on_save(lexicon_env):
    at = lexicon_page_as("trainer")
    groups = at.text_area(key=lexicon_page.GROUPS_KEY).value
    assert "值班主任" in groups and "薪酬专员" not in groups and "工资专员" not in groups
    at.text_area(key=lexicon_page.GROUPS_KEY).set_value(groups + "\n座席 坐席").run()
    at.button(key="lex_save").click().run()
    assert not at.exception, at.exception
    assert "薪酬" not in " ".join(s.value for s in at.success)
    saved = load_lexicon(lexicon_env.corpus)
    assert ["薪酬专员", "工资专员"] in saved.synonyms and ["座席", "坐席"] in saved.synonyms
    at.text_area(key=lexicon_page.GROUPS_KEY).set_value(groups + "\n工资专员 薪资专员").run()
    at.button(key="lex_save").click().run()
    assert any("无权查看" in e.value for e in at.error)
    assert ["薪酬专员", "工资专员"] in load_lexicon(lexicon_env.corpus).synonyms
    hr = lexicon_page_as("hr_trainer")
    assert "薪酬专员" in hr.text_area(key=lexicon_page.GROUPS_KEY).value
