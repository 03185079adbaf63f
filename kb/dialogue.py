"""Follow-up questions, resolved against the earlier turns of a conversation.

- "那X呢？" / "X呢？" / a bare role name: the previous question asked about X instead (a role
  replaces the previous role; a topic replaces the previous topic word; anything else — a
  condition such as "超过一天" — is added to the previous question);
- "如果…呢？" / "要是…怎么办": the previous question's subject, under that condition;
- 他 / 她 / 这个岗位 …: the role the conversation is about;
- anything else stands alone, but the conversation's role stays a ranking prior.
The rewritten question is what is answered and what the app shows as 理解为：….
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.access import PUBLIC, Audience
from kb.normalize import normalize
from kb.query import Context, Query

TERMINAL = "？?。！!，,~～ "
THAT_ONE = re.compile(r"^(?:那么|那|还有|那要是)?\s*(?P<x>[^，,。？?]{1,16}?)\s*(?:呢|怎么样|又如何|又怎样|如何)[？?。！!～~]*$")
CONDITION = re.compile(r"^(?:那么|那)?\s*(?:如果|要是|假如|若是|万一|若|如)(?P<x>[^？?]{1,30}?)"
                       r"\s*(?:呢|怎么办|该怎么办|怎么处理|咋办)?[？?。！!～~]*$")
PRONOUN = re.compile(r"他们|她们|该岗位|这个岗位|此岗位|这个职位|该职位|这个角色|这位|他|她|ta|TA")
QUESTION_TAIL = re.compile(r"(?:的岗位职责|的职责|主要|平时|平常|每天|一般|都|还)?"
                           r"(?:要|需要|应该|该|得)?(?:做些什么|做什么|干什么|负责什么|负责哪些|是什么|有哪些|有什么|"
                           r"怎么办|怎么做|如何做|几点|多少|多久|吗|呢)[^，,。]*$")
MAX_TOPIC_WORD_CHARS = 8
CONDITION_TEMPLATE = "{subject}，如果{condition}怎么办？"


@dataclass
class Conversation:
    """The turns so far (each as understood); `understand` turns a new user turn into its Query."""

    turns: list[Query] = field(default_factory=list)

    def understand(self, answerer, text: str, role: str | None = None, audience: Audience = PUBLIC) -> Query:
        """The Query for a new turn: resolved against the previous one when it is a follow-up."""
        plain = answerer.query(text, role, audience)
        if not self.turns:
            return plain
        previous = self.turns[-1]
        context = Context(roles=previous.mentioned or previous.context.roles, previous=previous.text)
        understood = resolve(plain, previous, answerer.kb.build.role_forms_in)
        return answerer.query(understood, role, audience, context, asked=text)

    def add(self, query: Query) -> None:
        self.turns.append(query)


def _role_form(query: Query, role_forms_in) -> str | None:
    """The role name or alias the question names, as written (longest first)."""
    forms = sorted(role_forms_in(query.match), key=len, reverse=True)
    for form in forms:
        at = query.match.find(form)
        if at >= 0 and len(query.match) == len(query.text):
            return query.text[at:at + len(form)]
    return forms[0] if forms else None


def _strip_tail(text: str) -> str:
    core = text.rstrip(TERMINAL)
    stripped = QUESTION_TAIL.sub("", core).rstrip(TERMINAL)
    return stripped or core


def _replace_once(text: str, old: str, new: str) -> str | None:
    at = normalize(text).find(normalize(old)) if len(normalize(text)) == len(text) else text.find(old)
    return None if at < 0 else text[:at] + new + text[at + len(old):]


def resolve(current: Query, previous: Query, role_forms_in) -> str:
    """The question the user means by `current` after `previous` (its text when it is no follow-up)."""
    text = current.text.strip()
    before = previous.text.rstrip(TERMINAL)
    old_role = _role_form(previous, role_forms_in) or next(iter(sorted(previous.picked)), None)
    condition = CONDITION.match(text)
    if condition:
        return CONDITION_TEMPLATE.format(subject=_strip_tail(before), condition=condition.group("x").strip())
    bare = text.rstrip(TERMINAL)
    that = THAT_ONE.match(text)
    x = that.group("x").strip() if that else (bare if current.mentioned and normalize(bare) in
                                               {f for f in role_forms_in(normalize(bare))} else None)
    if x:
        new_role = _role_form(current, role_forms_in) if current.mentioned else None
        if new_role and old_role:
            swapped = _replace_once(before, old_role, new_role)
            if swapped:
                return swapped + "？"
        if new_role:
            return f"{new_role}{before}？" if not previous.mentioned else f"{new_role}的岗位职责是什么？"
        topic = next((w for w in previous.focus if len(w) <= MAX_TOPIC_WORD_CHARS), None)
        if topic and len(x) <= MAX_TOPIC_WORD_CHARS and not current.focus[1:]:
            swapped = _replace_once(before, topic, x)
            if swapped:
                return swapped + "？"
        return f"{before}，{x}呢？"
    if old_role and not current.mentioned and PRONOUN.search(text):
        return PRONOUN.sub(old_role, text, count=1)
    return current.text
