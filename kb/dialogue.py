"""Follow-up questions, resolved against the earlier turns of a conversation.

- "那X呢？" / "X呢？" / a bare role name: the previous question asked about X instead (a role
  replaces the previous role; a topic replaces the previous topic word; anything else — a
  condition such as "超过一天" — is added to the previous question);
- "如果…呢？" / "要是…怎么办": the previous question's subject, under that condition;
- 他 / 她 / 这个岗位 …: the role the conversation is about;
- "第三条是什么意思" / "第2项呢": the previous answer's quoted item of that number, asked about by its text;
- anything else stands alone, but the conversation's role stays a ranking prior.
The rewritten question is what is answered and what the app shows as 理解为：….
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb import answer_words as vocab
from kb.access import PUBLIC, Audience
from kb.jobtitles import is_job_title
from kb.normalize import normalize
from kb.outline import cn_to_int, match_marker, strip_marker_text
from kb.query import Context, Query, QuestionType
from kb.records import Answer

MAX_CHANGED_CHARS = 16  # what "那X呢" changes is a word or a short phrase
MAX_CONDITION_CHARS = 30
MAX_ITEM_DIGITS = 4
MAX_TOPIC_WORD_CHARS = 8
MIN_SUBJECT_CHARS = 2


def _any(words: tuple[str, ...]) -> str:
    return "|".join(words)


QUESTION_END = f"[{vocab.QUESTION_END}]*$"
THAT_ONE = re.compile(rf"^(?:{_any(vocab.FOLLOW_UP_OPENERS)})?\s*"
                      rf"(?P<x>[^{vocab.CLAUSE_BREAK}]{{1,{MAX_CHANGED_CHARS}}}?)\s*(?:{_any(vocab.HOW_ABOUT)}){QUESTION_END}")
CONDITION = re.compile(rf"^(?:{_any(vocab.CONDITION_OPENERS)})?\s*(?:{_any(vocab.IF_WORDS)})"
                       rf"(?P<x>[^{vocab.QUESTION_MARKS}]{{1,{MAX_CONDITION_CHARS}}}?)"
                       rf"\s*(?:{_any(vocab.WHAT_THEN)})?{QUESTION_END}")
PRONOUN = re.compile(_any(vocab.PRONOUNS))
QUESTION_WORD = re.compile(_any(vocab.SUBJECT_QUESTION_WORDS))
SUBJECT_TAIL = re.compile(f"({_any(vocab.SUBJECT_TAILS)})$")
MODAL = re.compile(_any(vocab.SUBJECT_MODALS))
CONDITION_TEMPLATE = "{subject}，如果{condition}怎么办？"
ITEM_REFERENCE = re.compile(rf"^(?:{_any(vocab.ITEM_OPENERS)})?\s*{vocab.ITEM_ORDINAL}\s*"
                            rf"(?P<n>[{vocab.ITEM_NUMERALS}]{{1,{MAX_ITEM_DIGITS}}})\s*(?:{_any(vocab.ITEM_COUNTERS)})\s*"
                            rf"(?:{_any(vocab.ITEM_ASKS)})?{QUESTION_END}")
ITEM_TEMPLATE = "「{text}」是什么意思？"  # a title in the question would read as a post to look up


@dataclass
class Conversation:
    """The turns so far (each as understood); `understand` turns a new user turn into its Query."""

    turns: list[Query] = field(default_factory=list)
    previous_answer: Answer | None = None  # what the last turn was answered: its items can be asked about

    def understand(self, answerer, text: str, role: str | None = None, audience: Audience = PUBLIC) -> Query:
        """The Query for a new turn: resolved against the previous one when it is a follow-up."""
        plain = answerer.query(text, role, audience)
        if not self.turns:
            return plain
        previous = self.turns[-1]
        role_forms_in = answerer.kb.build.role_forms_in
        # "那组长呢" about a post the documents lack: the earlier role is no longer what is asked about
        roles = frozenset() if unknown_post_named(text, role_forms_in) else previous.mentioned or previous.context.roles
        tokenizer = answerer.kb.build.lexical.tokenizer
        context = Context(roles=roles, previous=previous.text, condition=added_condition(text, previous))
        understood = item_question(text, self.previous_answer) or resolve(
            plain, previous, role_forms_in, tokenizer.tagged_words)
        return answerer.query(understood, role, audience, context, asked=text)

    def add(self, query: Query, answer: Answer | None = None) -> None:
        self.turns.append(query)
        self.previous_answer = answer


def unknown_post_named(text: str, role_forms_in) -> str | None:
    """The X of "那X呢" when X is named like a post (a job-title ending) but is no role or alias of the index."""
    that = THAT_ONE.match(text.strip())
    x = that.group("x").strip() if that else ""
    return x if x and is_job_title(x) and normalize(x) not in set(role_forms_in(normalize(x))) else None


def added_condition(text: str, previous: Query) -> str:
    """The condition "如果是夜班呢" adds to a previous duty question (match form; '' when the text adds none, or the
    previous question asked no role's duties)."""
    condition = CONDITION.match(text.strip())
    if condition is None or previous.qtype is not QuestionType.DUTY or not previous.duty_roles:
        return ""
    return normalize(condition.group("x").strip())


def item_question(text: str, answer: Answer | None) -> str | None:
    """"第三条是什么意思" after an answer that quoted item 3: that item asked about by its own words
    (None when the text names no item or the answer quoted none of that number)."""
    reference = ITEM_REFERENCE.match(text.strip())
    if reference is None or answer is None:
        return None
    n = cn_to_int(reference.group("n"))
    cited = next((c for c in answer.citations if n in c.items), None)
    if cited is None:
        return None
    words = strip_marker_text(_item_line(cited.quote, n, cited.items)).rstrip(vocab.ITEM_END)
    return ITEM_TEMPLATE.format(text=words)


def _item_line(quote: str, n: int, items: list[int]) -> str:
    """The line of `quote` that holds item `n`: the one numbered n, else the n-th of as many lines as items."""
    lines = [ln for ln in quote.splitlines() if ln.strip()]
    numbered = next((ln for ln in lines if (m := match_marker(ln.strip())) is not None and m.number == n), None)
    if numbered is not None:
        return numbered
    return lines[items.index(n)] if len(lines) == len(items) else quote


def _role_form(query: Query, role_forms_in) -> str | None:
    """The role name or alias the question names, as written (longest first)."""
    forms = sorted(role_forms_in(query.match), key=len, reverse=True)
    for form in forms:
        at = query.match.find(form)
        if at >= 0 and len(query.match) == len(query.text):
            return query.text[at:at + len(form)]
    return forms[0] if forms else None


def _strip_tail(text: str) -> str:
    """The subject of a question: what comes before its modal verb or its first question word."""
    core = text.rstrip(vocab.TERMINAL)
    cut = [m.start() for m in (MODAL.search(core), QUESTION_WORD.search(core)) if m and m.start() >= MIN_SUBJECT_CHARS]
    subject = core[:min(cut)] if cut else core
    while True:
        shorter = SUBJECT_TAIL.sub("", subject)
        if shorter == subject or len(shorter) < MIN_SUBJECT_CHARS:
            return subject
        subject = shorter


def _is_noun_phrase(text: str, tagged) -> bool:
    pairs = tagged(normalize(text))
    return bool(pairs) and all(flag.startswith(("n", "x", "j", "eng")) for _, flag in pairs)


def _replace_once(text: str, old: str, new: str) -> str | None:
    at = normalize(text).find(normalize(old)) if len(normalize(text)) == len(text) else text.find(old)
    return None if at < 0 else text[:at] + new + text[at + len(old):]


def resolve(current: Query, previous: Query, role_forms_in, tagged) -> str:
    """The question the user means by `current` after `previous` (its text when it is no follow-up)."""
    text = current.text.strip()
    before = previous.text.rstrip(vocab.TERMINAL)
    old_role = _role_form(previous, role_forms_in) or next(iter(sorted(previous.picked)), None)
    condition = CONDITION.match(text)
    if condition:
        return CONDITION_TEMPLATE.format(subject=_strip_tail(before), condition=condition.group("x").strip())
    bare = text.rstrip(vocab.TERMINAL)
    that = THAT_ONE.match(text)
    x = that.group("x").strip() if that else (bare if current.mentioned and normalize(bare) in
                                               set(role_forms_in(normalize(bare))) else None)
    if x:
        return _that_one(current, previous, x, before, old_role, role_forms_in, tagged)
    if old_role and not current.mentioned and PRONOUN.search(text):
        return PRONOUN.sub(old_role, text, count=1)
    if not current.focus and not current.mentioned:  # "多久公布一次？": about what the previous turn was about
        return _strip_tail(before) + text
    return current.text


def _that_one(current: Query, previous: Query, x: str, before: str, old_role: str | None, role_forms_in,
              tagged) -> str:
    """"那X呢": the previous question about X (a role, or any post-like name, for the previous role — so a post the
    documents lack is asked about and refused, not added to the old question; a thing for the previous topic word);
    anything else (a condition) is added to the previous question."""
    new_role = _role_form(current, role_forms_in) if current.mentioned else None
    if new_role is None and old_role and is_job_title(x):  # a post the documents may not have: asked all the same
        new_role = x
    if new_role and old_role:
        swapped = _replace_once(before, old_role, new_role)
        if swapped:
            return swapped + "？"
    if new_role:
        return f"{new_role}的岗位职责是什么？" if previous.mentioned or not previous.focus else f"{new_role}{before}？"
    topic = next((w for w in previous.focus if len(w) <= MAX_TOPIC_WORD_CHARS), None)
    if topic and len(x) <= MAX_TOPIC_WORD_CHARS and _is_noun_phrase(x, tagged):
        swapped = _replace_once(before, topic, x)
        if swapped:
            return swapped + "？"
    return f"{before}，{x}呢？"
