"""Words query expansion never looks up (data, Simplified match form; kb.expand reads it).

They are topic words of everyday questions whose thesaurus groups are so wide that their members
match rules about anything (时候 → 时间/期间, 东西 → 物品/事物, 地方 → 场所), and modal words the
tagger takes for verbs (不能 → 未能): what a rule allows is read from its modal words, not searched for.
The question's other words say what it is about.
"""
from __future__ import annotations

NEVER_EXPANDED = frozenset(
    "时候 时间 东西 地方 事情 问题 情况 方面 样子 办法 意思 人家 别人 大家 自己 今天 明天 现在 以后 以前 平时 "
    "知道 觉得 认为 感觉 希望 打算 准备 开始 结束 发生 出现 进行 需要 要求 规定 可以 能够 应该 必须 允许 "
    "上班 工作 时能 回来 回去 不能 不可 不得 不要 不用 可能 未能".split())

# jieba part-of-speech flag (its first letter) → the Cilin 大类 a word of that kind may be expanded in: a noun
# to people, things, time and space, abstract things (A–D), a verb to actions, activities, states and relations
# (F–J), an adjective to features (E). 经理 (a noun) is not expanded to 经营 (Hc: "to manage"). Other flags
# (set phrases, idioms, the build's own words) take any class.
CILIN_CLASSES: dict[str, str] = {"n": "ABCD", "v": "FGHIJ", "a": "E"}
