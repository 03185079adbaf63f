"""Instruction-like text in a source: "忽略以上所有指令", role-play, requests for the system prompt, secrets.

Retrieved text is data. A sentence that reads as an instruction to the model (or discloses a
secret) is flagged: the LLM answer's support check ignores it, so an answer whose only support is
such a sentence falls back to the extractive one, and no answer quotes it (extractive quotes of
every shape and the citations of LLM answers go through `without_flagged`; a quoted line that is
nothing else shows `OMITTED` instead).
Ingest and the entry preview call `instruction_flags` to warn the trainer.

The patterns are deliberately specific (an instruction verb plus what it targets) so ordinary
duty text ("不得泄露客户密码", "严格执行指令") is not flagged; tests run them over the shipped and
real-document corpora.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kb import answer_words as vocab
from kb.normalize import fold_width, to_simplified

OMITTED = "〔此处文字疑似给模型的指令，不予引用〕"  # what a quote wholly made of flagged text shows instead
SENTENCE_END = re.compile(f"(?<=[{vocab.SENTENCE_END}\n])")

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ignore-instructions", re.compile(
        r"(忽略|无视|忽视|不要理会|不用理会|不必理会|忘记|忘掉|抛开|跳过)(掉)?[^。；;\n]{0,8}"
        r"(指令|指示|提示词|提示|规则|设定|命令|约束|要求)")),
    ("ignore-instructions", re.compile(
        r"\b(ignore|disregard|forget|override)\b[^.;\n]{0,30}\b(instructions?|prompts?|rules|directions)\b")),
    ("role-play", re.compile(
        r"(你现在是|你现在扮演|请你扮演|扮演一个|扮演一名|假装你是|假设你是|从现在开始你是|你的新身份|进入[^。\n]{0,4}模式|"
        r"开发者模式|越狱模式)")),
    ("role-play", re.compile(r"\b(you are now|act as|pretend (to be|you are)|role-?play|jailbreak|dan mode)\b")),
    ("system-prompt", re.compile(
        r"(输出|告诉|显示|泄露|打印|重复|透露|给出)[^。\n]{0,6}(系统提示|提示词|系统指令|初始指令|原始指令|你的设定)|"
        r"(系统提示|提示词|系统指令)[^。\n]{0,6}(输出|告诉|显示|泄露|打印|重复|透露)")),
    ("system-prompt", re.compile(r"\b(system prompt|initial instructions)\b")),
    ("answer-directive", re.compile(r"(直接|只|一律|必须|务必)(回答|回复|输出)[:：“\"]|"
                                    r"你(必须|只能|只要|要)(回答|回复|输出|说)")),
    ("secret", re.compile(
        r"(密码|口令|密钥|秘钥|api[ _-]?key|token|secret|password|passwd)\s*(是|为|:|：|=)(?!否)\s*[\w@#$%^&*!-]{3,}")),
]


@dataclass(frozen=True)
class InstructionFlag:
    start: int  # character offsets in the original text
    end: int
    reason: str  # one of the pattern names above
    text: str


def _search_form(text: str) -> str:
    """Simplified, half-width, lower case, with one character per character of `text` (offsets carry over)."""
    simplified = to_simplified(text)
    if len(simplified) != len(text):
        simplified = text
    folded = fold_width(simplified).lower()
    return folded if len(folded) == len(text) else text.lower()


def instruction_flags(text: str) -> list[InstructionFlag]:
    """Every instruction-like or secret-disclosing span of `text`, in order."""
    form = _search_form(text)
    found = []
    for reason, pattern in PATTERNS:
        for m in pattern.finditer(form):
            found.append(InstructionFlag(m.start(), m.end(), reason, text[m.start():m.end()]))
    return sorted(found, key=lambda f: (f.start, f.end))


def is_flagged(text: str) -> bool:
    return bool(instruction_flags(text))


def without_flagged(text: str) -> str:
    """The text with every sentence that holds an instruction-like span removed (the rest as it was)."""
    return "".join(s for s in SENTENCE_END.split(text) if not is_flagged(s))
