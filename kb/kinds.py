"""Whether a text holds anything of a kind: a figure, a person, an amount of money or a consequence.

A hedge ("文件没有写明具体的数字" / "没有写明由谁负责" / "没有写明相关的钱款") is only true when the quoted
lines hold nothing of the kind it names, in whatever form: a figure in any unit or counter (六级, 三楼, 四档),
a person named by any post or phrase (使用人, 当事人, 值班者, 甲方), money as any amount, cost or loss
(相关费用, 经济损失). So these checks are deliberately generous: the vocabulary below names the *shapes*
of each kind (a numeral before any character, a word ending like a person, a cost noun), not a list of
answers. A leaf module: it imports only text data and the tokenizer, so every stage can use it.
"""
from __future__ import annotations

import re
from enum import StrEnum

from kb.jobtitles import is_job_title
from kb.normalize import to_simplified
from kb.tokenize import stock_tagged_words
from kb.wants import (
    ANY_FIGURE,
    CLOCK_TEXT,
    COUNTERS,
    DATE_TEXT,
    FREQUENCY_TEXT,
    ITEM_MARKER,
    PENALTY_TEXT,
    UNIT_GAP,
)


class Kind(StrEnum):
    FIGURE = "figure"
    PERSON = "person"
    AMOUNT = "amount"
    CONSEQUENCE = "consequence"  # an amount, or a sanction (警告, 处分, 解除合同)


CJK_CHAR = r"[\u4e00-\u9fff]"
NUMERALS = "一二两三四五六七八九十百千万半〇零壹贰叁肆伍陆柒捌玖拾佰仟"
ONE = "一"
# Any numeral run that is more than a lone 一, before any character, counts something (三楼, 四档, 两人, 半天,
# 十一级); a lone 一 is a figure only before a counter or unit (一次, 一个月), since 一 also starts adverbs (一律).
MANY = re.compile(rf"(?:[{NUMERALS}]*[{NUMERALS.replace(ONE, '')}][{NUMERALS}]*|{ONE}[{NUMERALS}]+){CJK_CHAR}")
ONE_COUNTED = re.compile(rf"{ONE}\s*(?:{COUNTERS}|秒|分钟|小时|天|日|周|星期|月|年|季|期|楼|档|等|类|轮|趟|页|遍|回|"
                         rf"位|份|段|款|种|倍|成|半|起|笔|角|毛|块|斤|克|吨|升|公里|千米|平方)")
# Numerals inside words that count nothing (十分 "very", 千万 "by all means", 万一 "in case").
NOT_FIGURES = ("十分", "千万", "万一", "一一", "三番五次", "千方百计", "百货", "百姓", "半途", "万事", "七嘴八舌",
               "一五一十", "四周", "四处", "三心二意", "九泉")
# Time and rate expressions without a numeral: 每班, 按月, 当日, 次日, 隔天
RELATIVE_TIME = re.compile(rf"每{CJK_CHAR}|按(?:日|天|周|星期|月|季|季度|年|班|次|时)|当(?:日|天|周|月|年|班|晚)|"
                           r"次(?:日|月|年|周)|隔(?:日|天|周|月)")

# A person or post: a word ending like a person (…人, …者, …员, …方, …长, …师), a post (kb.jobtitles), a name, or
# a pronoun for one; words ending so that name no one are listed.
PERSON_ENDINGS = ("人", "者", "员", "方", "长", "师", "生", "手", "工", "家", "属", "户", "客", "主", "官", "士",
                  "卫", "警", "代表", "领导", "干部")
PERSON_WORDS = frozenset({"本人", "个人", "他人", "别人", "自己", "各自", "双方", "对方", "各方", "大家", "他", "她",
                          "他们", "她们"})
NOT_PERSONS = frozenset({
    "人", "者", "员", "方", "长", "师", "生", "手", "工", "家", "属", "户", "客", "主", "官", "士", "卫", "警",
    "或者", "再者", "甚者", "前者", "后者", "地方", "方面", "一方面", "另一方面", "上方", "下方", "前方", "后方",
    "处方", "配方", "药方", "比方", "大方", "多方", "四方", "东方", "西方", "南方", "北方", "平方", "立方",
    "延长", "增长", "成长", "擅长", "特长", "专长", "助长", "加长", "漫长", "冗长", "时长", "全长", "波长",
    "发生", "产生", "卫生", "人工", "分工", "施工", "加工", "手工", "完工", "开工", "停工", "竣工", "动员", "满员",
    "减员", "裁员", "增员", "超员", "定员", "自主", "民主", "为主", "国家", "住户", "账户", "门户", "窗户", "人数",
    "人次", "出手", "入手", "着手", "动手", "下手", "上手", "顺手", "随手", "扶手", "把手", "抓手", "金属", "附属",
    "所属", "隶属", "直属",
})
PERSON_PHRASE_TAILS = ("人", "者", "方")  # 使用|人, 值班|者, 甲|方: jieba splits the ending off a verb
NOUN_FLAG = "n"
NAME_FLAG = "nr"
PHRASE_HEAD_FLAGS = ("v", "n", "a")  # what a person phrase's ending can follow (使用人, 当事人, 负责人)
AGENT_MARKERS = frozenset({"由", "归", "经", "请"})  # 由X负责: X is whoever is asked about, a unit or a person

# Money, costs, losses and compensation: any of these in a text is an amount of the kind a money question asks.
AMOUNT_WORDS = ("钱", "费", "款", "薪", "酬", "赔", "罚", "扣", "损失", "工资", "奖金", "津贴", "补贴", "补助",
                "报销", "价格", "价款", "原价", "照价", "成本", "预算", "押金", "租金", "保证金", "现金", "资金",
                "人民币", "美元", "港币", "¥", "￥", "$", "经济责任", "奖励", "绩效")
NOT_AMOUNTS = ("浪费", "费力", "费劲", "费心", "费时", "费解", "条款", "扣子", "扣留", "纽扣", "款式")
NUMBERED_CLAUSE = re.compile(rf"第[\d{NUMERALS}]+款")  # a clause of an article, not money
MONEY_FIGURE = re.compile(rf"[\d{NUMERALS}]{UNIT_GAP}(?:万|千|百)?(?:元|块|角|圆)")


def _lines(text: str) -> list[str]:
    """The text's lines (Simplified), each without its own item number ("3、", "（二）"): that is no figure."""
    lines = []
    for line in to_simplified(text).splitlines():
        marker = ITEM_MARKER.match(line)
        lines.append(line[marker.end():] if marker else line)
    return lines


def _without(text: str, words: tuple[str, ...]) -> str:
    for word in words:
        text = text.replace(word, " " * len(word))
    return text


def has_figure(text: str) -> bool:
    """Any figure: a digit, a numeral with any unit or counter after it, a clock time, a date, a ratio, a rate
    (每月一次, 按月, 当日)."""
    for line in _lines(text):
        line = _without(line, NOT_FIGURES)
        if any(p.search(line) for p in (ANY_FIGURE, MANY, ONE_COUNTED, CLOCK_TEXT, DATE_TEXT, FREQUENCY_TEXT,
                                        RELATIVE_TIME)):
            return True
    return False


def _person_word(word: str, flag: str) -> bool:
    if word in NOT_PERSONS:
        return False
    if word in PERSON_WORDS or flag.startswith(NAME_FLAG):
        return True
    if not flag.startswith(NOUN_FLAG):
        return False
    return word.endswith(PERSON_ENDINGS) or is_job_title(word)


def has_person(text: str) -> bool:
    """Any person or post: a job title or unit (kb.jobtitles), a word ending like a person (当事人, 责任人,
    持卡人), a phrase jieba splits (使用|人, 值班|者), a name, a pronoun, or whoever 由/经 names."""
    words = stock_tagged_words(to_simplified(text))
    for i, (word, flag) in enumerate(words):
        if _person_word(word, flag):
            return True
        before = words[i - 1] if i else ("", "")
        if word in PERSON_PHRASE_TAILS and before[1].startswith(PHRASE_HEAD_FLAGS) and before[0] not in NOT_PERSONS:
            return True
        if before[0] in AGENT_MARKERS and flag.startswith((NOUN_FLAG, "r")):
            return True
    return False


def has_amount(text: str) -> bool:
    """Any money: an amount (300元), a currency, or a word for pay, a cost, a loss, a fine or compensation."""
    simple = NUMBERED_CLAUSE.sub(" ", _without(to_simplified(text), NOT_AMOUNTS))
    return bool(MONEY_FIGURE.search(simple)) or any(word in simple for word in AMOUNT_WORDS)


def has_consequence(text: str) -> bool:
    """Any consequence of breaking a rule: an amount (a fine, compensation, a deduction) or a sanction."""
    return has_amount(text) or bool(PENALTY_TEXT.search(to_simplified(text)))


CHECKS = {Kind.FIGURE: has_figure, Kind.PERSON: has_person, Kind.AMOUNT: has_amount,
          Kind.CONSEQUENCE: has_consequence}


def holds(kind: Kind, texts: list[str]) -> bool:
    """Whether any of the texts holds something of the kind."""
    check = CHECKS[kind]
    return any(check(text) for text in texts)
