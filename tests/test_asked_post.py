"""A duty question about a post the knowledge base has no role for is told so (issue 21): a rank word before a
known post's name makes it another post (副秘书长 is not 秘书长), and an organisation named in Latin letters before
"的" does not hide the post ("LUG 的执行会长")."""
from __future__ import annotations

import pytest

from kb.answer.checks import asked_post
from kb.jobtitles import another_rank
from kb.query import build_query

CHARTER = """# 星光协会章程

本会英文简称 SGA。

## 会长职责

1. 主持协会全面工作。
2. 召集理事会会议。

## 秘书长职责

1. 负责协会日常事务。
2. 管理协会档案。
"""
NO_ROLE = "文件没有列出「{post}」这个岗位的职责。"


@pytest.fixture(scope="module")
def charter(answerer_of):
    return answerer_of({"星光协会章程.md": CHARTER})


@pytest.mark.parametrize(("text", "start", "other"), [
    ("执行副会长", 2, True), ("副秘书长", 1, True), ("总经理助理", 1, False),
    ("值班保安", 2, False), ("秘书长", 0, False),
])
def test_a_rank_word_before_a_post_names_another_post(text, start, other):
    assert another_rank(text, start) is other


@pytest.mark.parametrize(("question", "post"), [
    ("副秘书长有哪些职责？", "副秘书长"),
    ("SGA 的执行会长要负责哪些工作？", "执行会长"),
])
def test_a_post_of_another_rank_is_not_answered_with_the_known_posts_duties(charter, question, post):
    answer = charter.answer(question)
    assert answer.level != "answered" and answer.answer.splitlines()[0] == NO_ROLE.format(post=post), answer.answer


@pytest.mark.parametrize("opener", ["那", "那么", "还有"])
def test_a_question_opened_as_a_follow_up_names_the_post_after_its_opener(opener):
    question = f"{opener}联络员具体做什么？"
    assert asked_post(build_query(question, question)) == "联络员"


def test_the_known_post_itself_is_answered(charter):
    answer = charter.answer("星光协会的秘书长有哪些职责？")
    assert answer.level == "answered" and "管理协会档案" in answer.answer, answer.answer


POSTING = """# 康宁口腔诊所招聘

## 口腔科护士

1. 护理专业中专以上学历，持护士执业资格证书
2. 两年以上口腔护理工作经验
3. 普通话标准，有良好的沟通能力

## 前台接待员

### 岗位职责

1. 负责接待来访患者并登记预约。
2. 负责整理候诊区。

## 保安队长

### 岗位职责

1. 负责对保安员的管理、督导训练及考核。
2. 定期组织消防训练和应急演习。
"""


@pytest.fixture(scope="module")
def clinic(answerer_of):
    return answerer_of({"康宁口腔诊所招聘.md": POSTING})


def test_a_post_with_requirements_only_asked_after_its_workplace_is_told_unknown(clinic):
    answer = clinic.answer("诊所的口腔科护士具体负责哪些工作？")
    assert answer.level != "answered" and answer.answer.splitlines()[0] == NO_ROLE.format(post="口腔科护士")
