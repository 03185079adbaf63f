"""What a question asks for, beyond its topic: a figure in some unit, money, a penalty, a qualification.

"几点开门" wants a clock time, "保存几年" a number of years, "多少钱" an amount of money, "会受到
什么处分" a sanction, "需要什么学历" a level of education. Text that answers the question holds
such a thing; text that is only about the same topic does not. These are properties of Chinese
question wording, not of any document, so the same rules hold for every corpus.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from kb import answer_words as vocab

NUM = r"(?:\d+(?:[.．]\d+)?|[一二两三四五六七八九十百千万半]+)"
RANGE = rf"{NUM}(?:\s*[-－~～至到—–]\s*{NUM})?"
# between a figure and its unit: spaces, or the marks of Markdown emphasis around the figure (金额为**15**元)
UNIT_GAP = r"[\s*_]*"


class Unit(StrEnum):
    CLOCK = "clock"
    DATE = "date"
    WHEN = "when"  # a clock time, a date or a period
    FREQUENCY = "frequency"  # how often: 每月一次, 每2小时, 班检
    DURATION = "duration"
    SECOND = "second"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    TIMES = "times"
    PEOPLE = "people"
    MONEY = "money"
    DEGREE = "degree"
    SCORE = "score"
    LENGTH = "length"
    PERCENT = "percent"
    ANY = "any"


# units of a question asking when, how often or how long
TIME_UNITS = frozenset({Unit.CLOCK, Unit.DATE, Unit.WHEN, Unit.FREQUENCY, Unit.DURATION, Unit.SECOND, Unit.MINUTE,
                        Unit.HOUR, Unit.DAY, Unit.WEEK, Unit.MONTH, Unit.YEAR})

UNIT_TEXT = {
    Unit.SECOND: r"秒",
    Unit.MINUTE: r"分钟|分鐘|分鍾",
    Unit.HOUR: r"个?小时|个?钟头|学时|课时",
    Unit.DAY: r"个?工作日|天|日",
    Unit.WEEK: r"个?星期|周",
    Unit.MONTH: r"个月|月",
    Unit.YEAR: r"周年|年",
    Unit.TIMES: r"次|遍|回",
    Unit.PEOPLE: r"人|名|位",
    Unit.MONEY: r"万?元|块钱|块",
    Unit.DEGREE: r"度|℃",
    Unit.SCORE: r"分(?!钟|鐘|鍾)",
    Unit.LENGTH: r"米|厘米|公分|cm",
    Unit.PERCENT: r"%|％|成",  # also 百分之N, see figure()
}
# a date on the calendar (2007年, 2023年12月20日, 3月8日): a point in time, not a length of time
CALENDAR_DATE = re.compile(r"(?:1[89]|20)\d{2}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?|"
                           r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]")
DURATION_UNITS = (Unit.SECOND, Unit.MINUTE, Unit.HOUR, Unit.DAY, Unit.WEEK, Unit.MONTH, Unit.YEAR)
CLOCK_TEXT = re.compile(r"\d{1,2}\s*[:：]\s*\d{2}|" + NUM + UNIT_GAP + r"[点點時时](?![间間])")
DATE_TEXT = re.compile(NUM + UNIT_GAP + r"[号號日]|" + NUM + UNIT_GAP + r"月")
PERIOD = r"(?:班|日|天|周|星期|月|季|季度|年|个?小时|个?钟头|分钟|分鐘)"
FREQUENCY_TEXT = re.compile(rf"每[一两二三四五六七八九十\d]*个?{PERIOD}"
                            rf"(?:[^，,。；;]{{0,6}}?[一两二三四五六七八九十\d]+\s*[次遍回])?|"
                            rf"{PERIOD}[检查]|每隔")  # a count alone ("一次") says nothing about how often
COUNTERS = r"个|名|人|次|件|间|台|条|项|节|张|份|组|班|通|本|辆|套|家|所|处|层|级|步|单|箱|车|批|倍|元|%|％|米|岁|℃|度"
# a figure of any kind: a digit, a counted or measured number ("三十分钟"; not "十分", which is mostly "very")
MEASURES = "|".join(text for unit, text in UNIT_TEXT.items() if unit is not Unit.SCORE)
# a figure with its unit comes first: the first match is the figure a first line quotes (15元, not 1)
ANY_FIGURE = re.compile(rf"{RANGE}{UNIT_GAP}(?:{COUNTERS}|{MEASURES})|\d+(?:[.．]\d+)?|[<>≤≥＜＞]|百分之|"
                        r"[一二两三四五六七八九十]分之")
ITEM_MARKER = re.compile(r"^\s*(?:[(（]?\d{1,3}[)）、.．]|[①-⑳]|第[一二三四五六七八九十]+[，,、:：]|"
                         r"[一二三四五六七八九十]+[、.．]|"
                         r"[(（][一二三四五六七八九十]+[)）])\s*")

# question wording → the unit it asks for; explicit units before the generic 多久 / 多少
DATES = re.compile(r"几号|哪天|哪一天|几月份|什么日期|哪个月|几月")
FREQUENCY_ASK = re.compile(r"(多久|多长时间|几天|几个月|几小时|几周)\S{0,8}一次|频率|多久一次")
QUESTION_UNITS: list[tuple[re.Pattern[str], Unit]] = [
    (re.compile(r"多长时间|多少时间|多久|多长"), Unit.DURATION),
    (re.compile(r"几点|几时"), Unit.CLOCK),
    (re.compile(r"什么时候|何时|什么时间"), Unit.WHEN),
]
EXPLICIT = re.compile(r"(?:几|多少)\s*(个)?\s*(秒|分钟|小时|钟头|工作日|天|日|星期|周|月|年|次|遍|回|人|名|位|"
                      r"元|块|钱|度|分|米|"
                      r"厘米|公分|学时|课时)")
EXPLICIT_UNIT = {"秒": Unit.SECOND, "分钟": Unit.MINUTE, "小时": Unit.HOUR, "钟头": Unit.HOUR, "工作日": Unit.DAY,
                 "天": Unit.DAY, "日": Unit.DAY, "星期": Unit.WEEK, "周": Unit.WEEK, "月": Unit.MONTH,
                 "年": Unit.YEAR, "次": Unit.TIMES, "遍": Unit.TIMES, "回": Unit.TIMES, "人": Unit.PEOPLE,
                 "名": Unit.PEOPLE, "位": Unit.PEOPLE, "元": Unit.MONEY, "块": Unit.MONEY, "钱": Unit.MONEY,
                 "度": Unit.DEGREE, "分": Unit.SCORE, "米": Unit.LENGTH, "厘米": Unit.LENGTH, "公分": Unit.LENGTH,
                 "学时": Unit.HOUR, "课时": Unit.HOUR}
CLASSIFIER = re.compile(r"(?:几|多少)\s*(个|件|间|台|条|项|节|张|份|组|班|通|本|辆|套|家|所|处|层|级|步|单|箱|车|批)")
OTHER_UNITS = [(re.compile(r"身高|多高|多远|多宽"), Unit.LENGTH), (re.compile(r"比例|百分之|几成"), Unit.PERCENT),
               (re.compile(r"多少钱|金额|价格|多少费用"), Unit.MONEY), (re.compile(r"多少分|几分"), Unit.SCORE)]
UNIT_WORD = re.compile(r"学时|课时|小时|分钟|工作日|星期|公里|厘米|公分")
GENERIC_CLASSIFIER = "个"  # 几个 counts anything: 名, 人, 件 … answer it as well
MEASURED_GAP = re.compile(rf"^\s*(?:个|{'|'.join(EXPLICIT_UNIT)}|{COUNTERS})?\s*的?\s*")
QUANTITY_WORD = re.compile(r"多少|几|多久|多长|多高|多大|多远|何时|什么时候|比例")
# a rate's period before what is counted ("一个月要上几个夜班", "每周多少节课"): the figure must be per that period
PERIOD_ASK = re.compile(r"(?<!第)(?:每|一|平均每?)个?(天|日|周|星期|礼拜|月|年|班|季度|季|学期)")
PERIOD_TEXT = {"天": "天|日", "日": "天|日", "周": "周|星期|礼拜", "星期": "周|星期|礼拜", "礼拜": "周|星期|礼拜",
               "月": "月", "年": "年", "班": "班", "季度": "季", "季": "季", "学期": "学期"}

MONEY = re.compile(r"[\u4e00-\u9fff]{0,2}(工资|薪水|薪酬|年薪|月薪|钱|费|奖金|津贴|补贴|补助|罚款|罚金|扣钱|"
                   r"扣款|赔|报销|待遇|提成|绩效奖|报酬|酬劳|酬金|薪资)")
# money words that ask about money in general (出钱, 赔钱, 费用): any amount, cost or loss in the text is of the kind
# asked; a named kind of pay (奖金, 工资, 加班费) must itself be in the text
GENERIC_MONEY = frozenset({"钱", "赔", "费"})
PENALTY = re.compile(r"处分|处罚|惩罚|开除|辞退|扣分|后果|会怎么样|会被怎么|受到什么|怎么处罚|记过|"
                     r"(不及格|不合格|违反|违规|没做到|未履职|没履职|出错|迟到|旷工|泄露|丢失).{0,8}(怎么处理|如何处理|怎么办)")
PENALTY_TEXT = re.compile(r"处分|处罚|警告|开除|辞退|罚|扣|追究|记过|通报|解除|赔偿|吊销|暂停")
QUALIFICATIONS: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"学历|文凭"), re.compile(r"学历|学位|本科|大专|专科|中专|高中|研究生|硕士|博士|毕业")),
    (re.compile(r"证书|证件|资格证|会计证|上岗证|执照|证明"),
     re.compile(r"证书|证件|证明|资格|执照|持证|上岗证|执业证")),
    (re.compile(r"什么条件|哪些条件|条件是"), re.compile(r"条件|满足|符合|达到|具备|不低于|不少于")),
    (re.compile(r"职称"), re.compile(r"职称|[护药技医]师|工程师|主任")),
    (re.compile(r"工作经验|几年经验|经验"), re.compile(r"经验|工作满|从事.{0,8}年|年以上")),
]


@dataclass(frozen=True)
class Wants:
    """What the question asks for (match form); None / False: nothing beyond its topic."""

    unit: Unit | None = None
    classifier: str | None = None  # "几间房" asks for a count of 间
    measured: str | None = None  # the focus word being counted ("多少录音" → 录音)
    money: str | None = None  # the money word asked about ("加班费")
    money_stem: str = ""  # its money part ("费"), which the text itself must have
    penalty: bool = False
    qualification: re.Pattern[str] | None = None  # what text holding the asked qualification contains
    period: re.Pattern[str] | None = None  # a rate's period the figure must be stated with ("一个月" → 月)


def asked_unit(match: str) -> tuple[Unit | None, str | None]:
    if FREQUENCY_ASK.search(match):
        return Unit.FREQUENCY, None
    if DATES.search(match):
        return Unit.DATE, None
    explicit = EXPLICIT.search(match)
    if explicit:
        return EXPLICIT_UNIT[explicit.group(2)], None
    for pattern, unit in QUESTION_UNITS:
        if pattern.search(match):
            return unit, None
    for pattern, unit in OTHER_UNITS:
        if pattern.search(match):
            return unit, None
    classifier = CLASSIFIER.search(match)
    if classifier:
        return Unit.ANY, classifier.group(1)
    return (Unit.ANY, None) if QUANTITY_WORD.search(match) else (None, None)


def wants_of(match: str, focus: tuple[str, ...], quantity: bool) -> Wants:
    unit, classifier = asked_unit(match) if quantity else (None, None)
    measured = None
    at = QUANTITY_WORD.search(match)
    if unit is not None and at is not None:  # the word right after 多少/几个 (and its unit) is what is counted
        rest = match[at.end():]
        gap = MEASURED_GAP.match(rest)
        rest = rest[gap.end():] if gap else rest
        measured = next((w for w in focus if rest.startswith(w) and not UNIT_WORD.fullmatch(w)), None)
    qualification = next((text for ask, text in QUALIFICATIONS if ask.search(match)), None)
    period = None
    if unit is not None and at is not None:
        rate = PERIOD_ASK.search(match[:at.start()])
        period = re.compile(PERIOD_TEXT[rate.group(1)]) if rate else None
    # "几号能领到钱", "工资多久发一次": the money is what the rule is about; the answer is a time, not an amount
    money = MONEY.search(match) if unit not in TIME_UNITS else None
    stem = money.group(1) if money else ""
    word = next((w for w in focus if stem and stem in w), stem) if money else None  # 加班费, else just 罚款
    return Wants(unit, classifier, measured, word, stem,
                 bool(PENALTY.search(match)), qualification, period)


SENTENCE_END = re.compile(f"[{vocab.SENTENCE_END}\n]")


def rate_figure(match: str, wants: Wants) -> bool:
    """A figure of the asked unit in a sentence that states the asked period (always, when none is asked)."""
    if wants.unit is None:
        return True
    if wants.period is None:
        return figure(match, wants.unit, wants.classifier) is not None
    return any(figure(s, wants.unit, wants.classifier) is not None and wants.period.search(s)
               for s in SENTENCE_END.split(match))


def figure(match: str, unit: Unit, classifier: str | None = None) -> re.Match[str] | None:
    """The first figure in `match` (match form) of the asked unit, or None (an item's own number is no figure)."""
    marker = ITEM_MARKER.match(match)
    if marker:
        match = " " * marker.end() + match[marker.end():]
    if unit is Unit.CLOCK:
        return CLOCK_TEXT.search(match)
    if unit is Unit.DATE:
        return DATE_TEXT.search(match)
    if unit is Unit.FREQUENCY:
        return FREQUENCY_TEXT.search(match)
    if unit is Unit.WHEN:
        return CLOCK_TEXT.search(match) or DATE_TEXT.search(match) or figure(match, Unit.DURATION)
    if classifier == GENERIC_CLASSIFIER:
        return re.search(rf"{RANGE}{UNIT_GAP}(?:{COUNTERS})", match)
    if classifier:
        return re.search(rf"{RANGE}{UNIT_GAP}{classifier}", match)
    if unit is Unit.PERCENT:
        return re.search(rf"{RANGE}{UNIT_GAP}(?:%|％|成)|百分之|分之", match)
    units = DURATION_UNITS if unit is Unit.DURATION else (unit,) if unit is not Unit.ANY else ()
    if not units:
        return ANY_FIGURE.search(match)
    if set(units) <= set(DURATION_UNITS):  # "多久" is not answered by the year something happened
        match = CALENDAR_DATE.sub(lambda m: " " * len(m.group(0)), match)
    return re.search(rf"{RANGE}{UNIT_GAP}(?:{'|'.join(UNIT_TEXT[u] for u in units)})", match)
