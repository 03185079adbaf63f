"""What a question asks for (a figure of some unit, money, a sanction …), and finding it in text."""
import pytest

from kb.kinds import has_amount, has_figure
from kb.normalize import normalize
from kb.query import QuestionType, question_type
from kb.wants import PERIOD_TEXT, Unit, figure, rate_figure, wants_of


@pytest.mark.parametrize(("question", "unit"), [
    ("金库中心每天几点开门？", Unit.CLOCK),
    ("排班表每個月幾號公佈？", Unit.DATE),
    ("交接班要提前多久到？", Unit.DURATION),
    ("婚假可以休幾天？", Unit.DAY),
    ("受理单归档以后要保存几年？", Unit.YEAR),
    ("考勤多久公布一次？", Unit.FREQUENCY),
    ("机房的温度要保持在多少度？", Unit.DEGREE),
    ("管理费每平方米收多少钱？", Unit.MONEY),
])
def test_the_asked_unit(question, unit):
    match = normalize(question)
    assert question_type(match) is QuestionType.QUANTITY
    assert wants_of(match, (), True).unit is unit


@pytest.mark.parametrize(("text", "unit", "found"), [
    ("人員要提前10-15分鍾到達工作崗位", Unit.DURATION, "10-15分钟"),
    ("网点营业时间为每日8:30至17:00", Unit.CLOCK, "8:30"),
    ("建立考勤登記制,每月公布一次。", Unit.FREQUENCY, "每月公布一次"),
    ("员工的平均周工作长不超过40小时", Unit.DAY, None),  # hours do not answer "how many days"
    ("1、遲到、早退、脫崗、曠工情況;", Unit.ANY, None),  # an item's own number is no figure
    ("单据按月装订，保存期限为三年。", Unit.YEAR, "三年"),
])
def test_figures_of_the_asked_unit(text, unit, found):
    m = figure(normalize(text), unit)
    assert (m.group(0) if m else None) == found


def test_the_counted_thing_money_sanction_and_qualification():
    wants = wants_of(normalize("质检员每个月要抽查多少录音？"), ("录音",), True)
    assert wants.measured == "录音"
    assert wants_of(normalize("加班費怎麼算？"), ("加班费",), False).money == "加班费"
    assert wants_of(normalize("旷工一天会受到什么处分？"), (), False).penalty
    assert wants_of(normalize("施工员需要什么学历？"), (), False).qualification is not None


def test_a_how_question_with_a_count_earlier_is_a_procedure():
    assert question_type(normalize("前面幾步調人都扛不住話務高峰的話，最後該怎麼辦？")) is QuestionType.PROCEDURE


@pytest.mark.parametrize(("text", "unit", "found"), [
    ("一级护理患者每2小时巡视1次", Unit.FREQUENCY, "每2小时巡视1次"),  # hours are a period too
    ("按巡逻路线每两小时巡逻一次", Unit.FREQUENCY, "每两小时巡逻一次"),
    ("每间退房之标准清扫时间为三十分钟", Unit.ANY, "三十分钟"),  # a measured number is a figure
    ("服务态度十分重要", Unit.ANY, None),  # 十分 is "very", not a score
])
def test_periods_in_hours_and_measured_numbers_are_figures(text, unit, found):
    m = figure(normalize(text), unit)
    assert (m.group(0) if m else None) == found


@pytest.mark.parametrize(("question", "period", "text", "answers"), [
    ("夜班护士一个月要上几个夜班？", "月", "主要人员：夜班护士2名", False),  # 2 nurses a shift, not shifts a month
    ("夜班护士一个月要上几个夜班？", "月", "每月夜班不超过8个", True),
    ("任课教师每周要上多少节课？", "周", "每学期听课不少于10节。", False),
    ("任课教师每周要上多少节课？", "周", "提前一周写好教案；每周授课12节。", True),
    ("公司每年安排几次员工体检？", "年", "建立考勤登记制，每月公布一次。", False),
    ("第一天上班要几点到？", None, "8:30前到岗", True),  # 第一天 is no rate
])
def test_a_rate_needs_its_figure_stated_per_the_asked_period(question, period, text, answers):
    match = normalize(question)
    wants = wants_of(match, (), question_type(match) is QuestionType.QUANTITY)
    assert (wants.period.pattern if wants.period else None) == (PERIOD_TEXT[period] if period else None)
    assert rate_figure(normalize(text), wants) is answers


@pytest.mark.parametrize(("text", "unit", "found"), [
    ("本店于2007年进驻本市。", Unit.DURATION, None),  # the year it happened is no length of time
    ("2023年12月20日起试用期6个月。", Unit.DURATION, "6个月"),
    ("3月8日下午放假0.5天。", Unit.DAY, "0.5天"),
    ("档案保存3年。", Unit.YEAR, "3年"),
    ("2007年进驻本市。", Unit.DATE, None),
])
def test_a_date_on_the_calendar_is_no_duration(text, unit, found):
    m = figure(normalize(text), unit)
    assert (m.group(0) if m else None) == found


@pytest.mark.parametrize(("text", "unit", "said"), [
    ("金额为**15**元/日", Unit.MONEY, "15**元"),  # Markdown emphasis around the figure
    ("试用期为__3__个月", Unit.DURATION, "3__个月"),
    ("每班不少于 2 人", Unit.ANY, "2 人"),  # any figure: the whole of it with its counter, not its first digit
    ("押金 300 元", Unit.ANY, "300 元"),
])
def test_a_figure_is_found_whole_with_its_unit(text, unit, said):
    found = figure(normalize(text), unit)
    assert found is not None and found.group(0) == said


def test_an_amount_in_markdown_emphasis_is_money():
    assert has_amount("金额为**15**元/日") and has_figure("共**两**台")


@pytest.mark.parametrize(("question", "money"), [
    ("每个月几号能领到上个月的钱？", None),  # a date is asked: the pay is the topic
    ("工资多久发一次？", None),
    ("加班费一小时给多少钱？", "加班费"),
])
def test_money_is_wanted_only_when_no_time_is_asked(question, money):
    match = normalize(question)
    focus = tuple(w for w in ("加班费",) if w in match)
    assert wants_of(match, focus, question_type(match) is QuestionType.QUANTITY).money == money


def test_a_date_in_markdown_emphasis_is_a_date():
    assert figure(normalize("次月**20**日发放上月薪资"), Unit.DATE) is not None
