"""Three levels on the shipped corpus: answered, partial (topic covered, the thing asked is not), none."""
import pytest

from kb.answer import Answerer


@pytest.fixture(scope="module")
def answerer(seed_kb):
    return Answerer(seed_kb)


@pytest.mark.parametrize("question", [
    "话务员可以用公司电脑打游戏吗？",  # 打游戏/电脑 vs the rule's 玩游戲/系統終端
    "交接班要提前多久到？",
    "机房里对值机人员有什么要求？",
    "上班可以带手机吗？",
])
def test_answered(answerer, question):
    answer = answerer.answer(question)
    assert answer.level == "answered" and not answer.abstained and answer.citations


def test_paraphrase_is_answered_from_the_rule_that_answers_it(answerer):
    answer = answerer.answer("话务员可以用公司电脑打游戏吗？")
    assert answer.answer.splitlines()[0].startswith("不可以")
    assert any("不準利用系統終端玩游戲" in c.quote for c in answer.citations)


@pytest.mark.parametrize(("question", "says"), [
    ("病假要扣工资吗？", "工资"),  # 考勤 lists 病事假情況; nothing about pay exists
    ("质检员每个月要抽查多少录音？", "数字"),  # the inspector's duties give no quota
    ("金库中心每天几点开门？", "数字"),
    ("服務質量考核不及格會怎麼處理？", "处罚"),
])
def test_partial_says_what_is_not_covered_then_cites_the_closest_rules(answerer, question, says):
    answer = answerer.answer(question)
    assert answer.level == "partial" and not answer.abstained
    first, second = answer.answer.splitlines()[:2]
    assert says in first.replace("數", "数").replace("處罰", "处罚") and second.startswith(("相关规定", "相關規定"))
    assert answer.citations and all(f"[{c.n}]" in answer.answer for c in answer.citations)


def test_none_abstains_exactly(answerer):
    answer = answerer.answer("番茄炒蛋怎么做才好吃？")
    assert answer.level == "none" and answer.abstained and not answer.citations
    assert answer.to_json()["level"] == "none"
