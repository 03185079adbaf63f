"""Suggestions after a refusal or a hedge are about the question's topic, and from the organisation asked about.

Two organisations' documents in one knowledge base (a shop and a sports club): a question about the shop's
office equipment once got the club's match rules as suggestions, and a question about the shop's post got the
club's sections (issue 18, item 4).
"""
from __future__ import annotations

import pytest

from ingest.pipeline import run_ingest
from kb.answer import Answerer
from kb.knowledge import KnowledgeBase
from kb.normalize import normalize

SHOP = """# 星光超市员工手册

## 一、店员岗位职责

1. 负责货架商品的整理和补货。
2. 负责收银台的清洁。
3. 协助顾客查找商品。

## 二、办公设备使用规定

1. 办公设备由行政部统一登记管理。
2. 使用打印机后应及时关闭电源。
3. 办公设备损坏应及时报修。

## 三、试用期规定

新员工试用期为两个月，试用期内须参加岗前培训。
"""

CLUB = """# 青年篮球俱乐部训练规定

## 一、教练岗位职责

1. 负责制定每周训练计划。
2. 负责比赛阵容安排。

## 二、比赛规则

1. 每场比赛分为四节。
2. 球员犯规满五次应下场。

## 三、器材管理

1. 篮球和训练器材由器材管理员保管。
2. 器材损坏应及时登记。
"""

CLUB_TOPICS = {"教练", "比赛规则", "器材管理", "青年篮球俱乐部训练规定"}


@pytest.fixture(scope="module")
def answerer(tmp_path_factory, embedding_cache):
    from kb.settings import Settings

    corpus = tmp_path_factory.mktemp("two_orgs")
    (corpus / "星光超市员工手册.md").write_text(SHOP, encoding="utf-8")
    (corpus / "青年篮球俱乐部训练规定.md").write_text(CLUB, encoding="utf-8")
    settings = Settings(home=tmp_path_factory.mktemp("home"), corpus=corpus, embedding_cache=embedding_cache)
    run_ingest(settings, show_progress=False)
    return Answerer(KnowledgeBase(settings))


def test_a_hedged_question_suggests_only_topics_that_share_its_words(answerer):
    answer = answerer.answer("办公设备的保修期是多久？")
    assert answer.level in ("partial", "none")
    assert answer.suggestions, answer.answer
    assert not set(answer.suggestions) & CLUB_TOPICS
    assert all("办公设备" in s or "试用期" in s or "保修" in s for s in answer.suggestions)


def test_a_question_about_one_organisations_post_suggests_nothing_from_another(answerer):
    answer = answerer.answer("店员的年终奖金是多少？")
    assert answer.level in ("partial", "none")
    assert not set(answer.suggestions) & CLUB_TOPICS


def test_an_off_topic_question_is_pointed_to_the_roles_the_knowledge_base_covers(answerer):
    answer = answerer.answer("明天北京会下雨吗？")
    assert answer.level == "none" and answer.suggestions
    roles = {normalize(r.name) for r in answerer.kb.roles_for()}
    assert all(normalize(s) in roles for s in answer.suggestions)
