"""The words the study sheet and the self-quiz read (data, Simplified; `kb.normalize.to_simplified` first).

- modal words of a rule and the word that says the opposite (a false true/false statement flips one);
- headings that mark a procedure (its numbered steps have an order worth asking about);
- jieba part-of-speech flags of words worth blanking in a cloze question, and words never blanked.
"""
from __future__ import annotations

import re

# A rule's modal word → the word that turns the rule into its opposite. Longest first where one holds another
# (不得 before 得); 应 alone is left out: it is mostly part of a word (应急, 相应, 应用).
MODAL_FLIPS: dict[str, str] = {
    "不可以": "可以", "不允许": "允许", "不应当": "应当", "不应该": "应该",
    "不得": "可以", "严禁": "可以", "禁止": "允许", "不准": "可以", "不许": "可以",
    "必须": "不必", "应当": "不应当", "应该": "不应该", "务必": "不必",
    "可以": "不得", "允许": "禁止",
}
# A modal word preceded by 不 belongs to a longer negative one (不可以 is not 可以).
MODAL = re.compile("|".join(rf"(?<!不){re.escape(w)}" if not w.startswith("不") else re.escape(w)
                            for w in sorted(MODAL_FLIPS, key=len, reverse=True)))

# A section whose heading ends so lists steps in their order (流程, 操作程序, 应急方案 …).
PROCEDURE_HEADING = re.compile(r"(流程|程序|步骤|顺序|规程|方法|办法|方案|操作)[:：]?$")
MIN_STEPS = 3
MAX_STEPS = 8

# jieba flags of content words: nouns (n, nr, ns, nt, nz, nl, ng), verbal nouns, time words, numerals with
# their measure words, English words. Verbs alone are not blanked: a missing verb is guessed from the rest.
CONTENT_FLAGS = ("n", "vn", "t", "m", "eng")  # str.startswith: "n" covers nr, ns, nt, nz, nl, ng
# Common nouns that carry no duty's content: a blank on them tests nothing.
NOT_BLANKED = frozenset("""
一个 一些 一定 一般 工作 情况 问题 事项 有关 相关 方面 内容 规定 要求
时候 时间 过程 人员 员工 本人 其他 其它 各项 各种 一切 所有
""".split())
MIN_BLANK_CHARS = 2
MAX_PHRASE_CHARS = 10  # nouns in a row form one key phrase up to this length (客户投诉处理)
