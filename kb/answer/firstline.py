"""The direct first line of an answer, derived only from the quoted text (a helper of the compose stage).

- yes/no: 可以 / 不可以 / 需要 / 不需要 from the rule's own modal words (严禁、不得、禁止、必须、应、可以…),
  with 原则上 when the rule says so and the condition the rule gives ("原则上不可以；如有急事，必须经领班允许");
- a list or procedure: how many entries it has and its heading ("考勤制度包括以下4项：");
- who: the role or person the text names;
- how many / how long / when: the figure with its unit and the word that qualifies it ("提前10-15分钟").
Nothing is written that the quoted text does not say; without a clear modal word, role or figure
there is no first line. The caller writes it in the asker's script and cites the quote it came from.
"""
from __future__ import annotations

import re

from kb.answer.checks import NEGATIVE, NO_NEED, OBLIGED, PERMITTED, PERSON, RoleFinder
from kb.blocks import Block, is_intro, topic_name
from kb.normalize import normalize
from kb.query import Query, QuestionType
from kb.wants import Unit
from kb.wants import figure as find_figure

CLAUSE = re.compile(r"[^，,；;。：:！!？?\n]+")
CONDITION = re.compile(r"^(如有|如果|如遇|如|若|遇有|遇到|除了|除|但|经|凡)")
IN_PRINCIPLE = "原则上"
QUALIFIER = re.compile(r"(提前|超过|不超过|不少于|不低于|不高于|不多于|至少|最多|最少|每|以内|以上|满|达到|大于|小于|"
                       r"[<>≤≥＜＞])\s*$")
MAX_CONDITION_CHARS = 30
MAX_WHO_CHARS = 20
ITEM_NUMBER = re.compile(r"^\s*(?:[(（]?\d{1,3}[)）、.．]|[①-⑳])\s*")
EMPHASIS_MARKS = str.maketrans("", "", "*_")  # Markdown emphasis a figure may carry in the document


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in CLAUSE.findall(text) if c.strip()]


def _focus_clause(clauses: list[str], focus: tuple[str, ...]) -> int:
    """Index of the first clause holding a focus word (0 when none does)."""
    for i, clause in enumerate(clauses):
        if any(w in normalize(clause) for w in focus):
            return i
    return 0


def yes_no(query: Query, text: str, words: tuple[str, ...]) -> str | None:
    """可以 / 不可以 / 需要 / 不需要 from the modal word of the clause that names what is asked about (or of the
    clause right after it: "手機、呼機:原則上不允許帶入工作區"); `words`: the question's words, most specific first."""
    clauses = _clauses(text)
    for word_group in (query.focus, words):
        for i, clause in enumerate(clauses):
            if not any(w in normalize(clause) for w in word_group):
                continue
            for j in (i, i + 1):
                if j >= len(clauses):
                    break
                verdict = _polarity(normalize(clauses[j]), query.asks_permission)
                if verdict is None:
                    continue
                if IN_PRINCIPLE in normalize(clauses[j]):
                    verdict = IN_PRINCIPLE + verdict
                condition = _condition(clauses[j + 1:])
                return verdict + (f"；{condition}" if condition else "")
    return None


def _polarity(clause: str, asks_permission: bool) -> str | None:
    if NO_NEED.search(clause):
        return "不需要"
    if NEGATIVE.search(clause):
        return "不可以"
    if PERMITTED.search(clause) and asks_permission:
        return "可以"
    if OBLIGED.search(clause) and not asks_permission:
        return "需要"
    return None


def _condition(rest: list[str]) -> str | None:
    """A condition the rule attaches ("如有急事，必须经领班允许"): the conditional clause and, when it has no
    modal word of its own, the clause that completes it."""
    for i, clause in enumerate(rest):
        if not CONDITION.match(clause):
            continue
        text = clause
        if not (NEGATIVE.search(normalize(clause)) or OBLIGED.search(normalize(clause))) and i + 1 < len(rest):
            text += "，" + rest[i + 1]
        return text if len(text) <= MAX_CONDITION_CHARS else None
    return None


def figure(query: Query, text: str) -> str | None:
    """The asked figure as the text gives it, with the word that qualifies it ("提前10-15分钟")."""
    unit = query.wants.unit or Unit.ANY
    if unit is Unit.ANY and query.wants.money:  # "一天给多少钱": an amount, not any number
        unit = Unit.MONEY
    clauses = _clauses(text)
    order = [clauses[_focus_clause(clauses, query.focus)], *clauses] if clauses else []
    for clause in order:
        m = find_figure(normalize(clause), unit, query.wants.classifier)
        if m is None or len(normalize(clause)) != len(clause):
            continue
        before = QUALIFIER.search(clause[:m.start()])
        said = clause[m.start():m.end()].strip().translate(EMPHASIS_MARKS)  # 15元, not 15**元
        return (before.group(1) if before else "") + said
    return None


def who(text: str, roles_in: RoleFinder) -> str | None:
    """The clause that names the role or person ("每班後交給班長"), as written; None when none does."""
    for clause in _clauses(text):
        match = normalize(clause)
        if len(match) != len(clause) or len(clause) > MAX_WHO_CHARS:
            continue
        if any(True for _ in roles_in(match)) or PERSON.search(match):
            return ITEM_NUMBER.sub("", clause)
    return None


def block_count(block: Block) -> str | None:
    """'<heading>包括以下N项：' for a block of at least two entries."""
    entries = [line for line in block.lines if not (line.quotable and is_intro(line.text))
               and not (not line.quotable and line.text == block.heading)]
    if not entries:
        return None
    top = min(line.depth for line in entries)
    count = sum(line.depth == top for line in entries)
    if count < 2:
        return None
    label = topic_name(block.heading) if block.heading else ""
    intro = next((line.text for line in block.lines if line.quotable and is_intro(line.text)), "")
    if intro and (not label or block.heading.endswith("…")):
        label = topic_name(intro)
    return f"{label}包括以下{count}项：" if label else f"共{count}项："


def first_line(query: Query, texts: list[str], roles_in: RoleFinder, words: tuple[str, ...]) -> tuple[str, int] | None:
    """The direct answer for yes/no, who and how-many questions and the index of the quote it comes from (the
    first of `texts`, best first, that gives one); None when no quote gives a clear one."""
    for i, text in enumerate(texts):
        if query.qtype is QuestionType.YESNO:
            line = yes_no(query, text, words)
        elif query.qtype is QuestionType.QUANTITY:
            line = figure(query, text)
        elif query.qtype is QuestionType.WHO:
            line = who(text, roles_in)
        else:
            return None
        if line:
            return line, i
    return None
