"""What a list of requirements on a post's holder reads like, when no label (任职要求) says so.

Job postings often set a post's name over a plain list of what the applicant must have (学历, 经验, 证书, 优先…)
and no duties at all. Such a list is no duty list, and the post over it is no role. The words are data
(Simplified match form); a list reads as requirements when two thirds of its items hold one and none says what the
holder does (负责…).
"""
from __future__ import annotations

from collections.abc import Sequence

from kb.normalize import normalize

# Words of a requirement on the holder: education, experience, certificates, age and looks, skills, preferences.
REQUIREMENT_MARKS = tuple(
    "学历 文化程度 毕业 学位 经验 经历 证书 资格证 执业 持证 优先 年龄 周岁 身高 形象 气质 品貌 五官 性格 "
    "普通话 英语 外语 口语 能力 善于 具备 熟练 精通 吃苦耐劳 团队合作 责任心 身体健康 无犯罪".split())
# Words that open an item saying what the holder does: such an item is a duty, whatever else it holds.
DUTY_OPENERS = tuple("负责 协助 组织 完成 制定 执行 落实 管理 维护 做好".split())
REQUIREMENT_SHARE = 2 / 3  # at least this share of the items must read as requirements
MIN_REQUIREMENT_ITEMS = 2  # one sentence is too little to tell


def reads_as_requirements(items: Sequence[str]) -> bool:
    """Whether a list's items (as written) are requirements on the holder rather than duties."""
    if len(items) < MIN_REQUIREMENT_ITEMS:
        return False
    texts = [normalize(item) for item in items]
    if any(text.startswith(DUTY_OPENERS) for text in texts):
        return False
    marked = sum(any(mark in text for mark in REQUIREMENT_MARKS) for text in texts)
    return marked >= REQUIREMENT_SHARE * len(texts)
