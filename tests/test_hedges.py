"""Hedges that are true (issue 21, item 2) and on topic (issue 18, item 4), on small corpora of their own.

A partial answer says what the documents do not state ("文件没有写明具体的数字" / "由谁负责" / "相关的钱款"). It
once said so while the quoted line held exactly that, written in a form the word lists lacked: a figure in 档 or
in a rate (三班倒), a person as 使用人 or 当事人, money as 相关费用 or 经济损失. And its 相关规定 quoted rules on other
topics (a question about probation got the shift rules).
"""
from __future__ import annotations

import pytest

from kb.normalize import normalize

HANDBOOK = """# 恒信物业公司员工守则

## 一、安全规定

1. 风力达到六级以上时，停止一切高空作业。
2. 消防器材存放在办公楼三楼东侧。

## 二、绩效考核

1. 年终考核结果分为优秀、良好、合格、不合格四档。
2. 考核结果与年终评优挂钩。

## 三、设备管理

1. 公司配发的笔记本电脑由使用人保管。
2. 笔记本电脑遗失的，由当事人照价赔偿。

## 四、培训

1. 员工参加外部培训须提前报部门审批。
2. 外部培训的相关费用由公司承担。

## 五、排班规定

1. 保安实行三班倒，每班八小时。
2. 排班表每月底由班长公布。
3. 换班须经班长同意。

## 六、试用期

1. 新员工试用期为三个月。
2. 试用期满经考核合格后转正。

## 七、值班要求

1. 值班期间保持通讯畅通。
2. 值班期间不得擅自离岗。

## 八、事故处理

1. 因违规操作造成经济损失的，依照公司制度处理。

## 九、外聘讲师

1. 联系培训场地。
2. 接洽外聘讲师：
   1. 课程
   2. 报酬
   3. 课时安排
"""

# A shop's handbook with shift, attendance and dress rules, and nothing on probation.
SHOP = """# 便民超市员工手册

## 一、排班规定

1. 门店实行早晚两班制，早班7:00-15:00，晚班15:00-23:00。
2. 排班表于每周五由店长公布。
3. 员工换班须提前一天经店长同意。

## 二、考勤规定

1. 员工上班须打卡签到。
2. 迟到三次按旷工一天处理。

## 三、着装规定

1. 上班须穿着统一工服，佩戴工牌。
"""

# A job posting copied from a web form as one paragraph: the year the shop opened, then its list of duties.
POSTING = ("# 某某家居储备店长招聘\n\n某某家居于2007年进驻本市，现有51间门店。 ※主要工作内容："
           " 1.顾客管理(维持良好的顾客关系)。 2.商品管理(提高商品陈列技巧)。 3.人员管理(制定排班与培训计划)。\n")

FIGURE, PERSON, MONEY = "文件没有写明具体的数字", "文件没有写明由谁负责", "文件没有写明相关的钱款"


@pytest.fixture(scope="module")
def handbook(answerer_of):
    return answerer_of({"恒信物业员工守则.md": HANDBOOK})


@pytest.fixture(scope="module")
def shop(answerer_of):
    return answerer_of({"便民超市员工手册.md": SHOP})


@pytest.mark.parametrize(("question", "hedge", "held"), [
    ("年终考核结果分几个档次？", FIGURE, "四档"),  # 档: a counter no list had
    ("保安一天上几个班？", FIGURE, "三班倒"),  # a figure, though not stated per day
    ("笔记本电脑谁保管？", PERSON, "使用人"),
    ("笔记本电脑丢了谁负责？", PERSON, "当事人"),
    ("外部培训要自己出钱吗？", MONEY, "相关费用"),
    ("违规操作造成损失要赔钱吗？", MONEY, "经济损失"),
])
def test_no_hedge_says_a_kind_is_missing_that_the_quote_holds(handbook, question, hedge, held):
    answer = handbook.answer(question)
    assert answer.level != "none" and any(held in c.quote for c in answer.citations), answer.answer
    assert hedge not in answer.answer.splitlines()[0], answer.answer


@pytest.mark.parametrize(("question", "hedge"), [
    ("外部培训费用多少？", FIGURE),  # the cost rule gives no amount
    ("值班时手机多久检查一次？", FIGURE),
    ("谁评定年终考核结果？", PERSON),  # the grading rules name no one
    ("试用期工资是多少？", MONEY),
    ("外聘讲师的报酬是多少？", FIGURE),  # the quote names 报酬 among numbered sub-items: their numbers are no figure
])
def test_a_true_hedge_is_still_said(handbook, question, hedge):
    answer = handbook.answer(question)
    assert answer.level == "partial" and answer.answer.splitlines()[0].startswith(hedge), answer.answer
    assert answer.citations


def test_how_long_is_not_answered_with_the_year_something_happened(answerer_of):
    posting = answerer_of({"某某家居储备店长招聘.md": POSTING})
    answer = posting.answer("储备店长多久可以升为店长？")
    assert answer.level != "answered", answer.answer
    assert "2007" not in answer.answer.splitlines()[0], answer.answer


def test_a_hedge_about_probation_quotes_no_shift_rules(shop):
    """The shop's handbook has shift and attendance rules, none on probation: the hedge quotes none of them and
    says there is nothing related."""
    answer = shop.answer("试用期员工每周休息几天？")
    assert answer.level in ("partial", "none"), answer.answer
    shifts = ("排班", "换班", "迟到", "两班")
    assert not any(word in c.quote for c in answer.citations for word in shifts), answer.answer
    if answer.level == "partial":
        assert "没有与此直接相关的其他规定" in answer.answer


def test_a_hedge_keeps_the_rules_about_the_topic(handbook):
    answer = handbook.answer("试用期可以请假吗？")
    assert answer.level == "partial" and answer.citations, answer.answer
    assert all("试用期" in normalize(c.quote) for c in answer.citations), answer.answer


# Benefits written in Markdown, the figures in bold as handbooks often have them.
BENEFITS = """# 恒信物业福利制度

## 一、现金福利

- 就餐补贴：员工工作日在公司就餐的，公司补贴**15**元/日，按实际出勤天数计算。
- 生日津贴：公司为正式员工提供面值为**100**元的生日礼券。

## 二、工作时间

1. 每天工作8小时，中午为午休时间。
"""


def test_an_amount_in_bold_answers_a_money_question_in_everyday_words(answerer_of):
    answer = answerer_of({"恒信物业福利制度.md": BENEFITS}).answer("中午吃饭公司会贴点钱吗？一天给多少？")
    assert answer.level == "answered" and answer.answer.splitlines()[0].startswith("15元"), answer.answer
