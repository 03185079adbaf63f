"""One `Query` per question, built once and read by every retrieval and answer step.

It holds the cleaned question, its match form, who asks (audience, picked role), the roles it
names, what kind of answer it wants (question type) and the conversation context a follow-up
was resolved against. Steps never re-parse the question text.

The picked role ("我是…" in the app, `--role` on the CLI) is the asker's own role. It means the
same in extractive and LLM answers: it resolves self-references ("我的职责", "我可以…吗") to that
role and gives that role's passages a small ranking prior; it never filters, so rules that apply
to everyone still answer. A role the question names outranks the picked one for duty questions.
"""
from __future__ import annotations

import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from kb import answer_words as vocab
from kb.access import PUBLIC, Audience
from kb.errors import DutyKBError
from kb.expand import Expansion
from kb.scope import Scope
from kb.wants import Wants, wants_of

MAX_QUERY_CHARS = 2000
MIN_FOCUS_CHARS = 2
# jieba part-of-speech flags of focus words: nouns (n…), nominal verbs, set phrases, idioms, abbreviations,
# Latin words, and the build's own words the tagger does not know (x)
FOCUS_FLAGS = ("n", "vn", "l", "i", "j", "eng", "x")

MAX_YESNO_GAP = 24  # characters between a yes/no question's modal and its closing 吗


def _any(words: tuple[str, ...]) -> str:
    return "|".join(map(re.escape, words))


QUESTION_WORDS = frozenset(vocab.QUESTION_WORDS)
# a focus candidate holding a question word is split at it and only the other parts can be focus words
QUESTION_PARTS = re.compile(_any(vocab.QUESTION_PARTS))
GENERIC_WORDS = frozenset(vocab.GENERIC_WORDS)
GENERIC_VERBS = frozenset(vocab.GENERIC_VERBS)

DUTY = re.compile(f"{_any(vocab.DUTY_WORDS)}|(?:{_any(vocab.DUTY_VERBS)})些?(?:{_any(vocab.ASKING_WHAT)})")
SELF = re.compile(f"{_any(vocab.SELF_WORDS)}|我(?:{_any(vocab.SELF_MODALS)})")
SELF_DUTY = re.compile(f"{_any(vocab.SELF_DUTY_PHRASES)}|我(?:{_any(vocab.SELF_DUTY_MODALS)})"
                       f"(?:{_any(vocab.SELF_DUTY_VERBS)})些?(?:{_any(vocab.SELF_DUTY_ASKS)})")
LIST = re.compile(_any(vocab.LIST_WORDS))
LIST_COUNT = re.compile(_any(vocab.LIST_COUNT_WORDS))
PROCEDURE = re.compile(_any(vocab.PROCEDURE_WORDS))
YESNO = re.compile(f"(?:{_any(vocab.YESNO_MODALS)})[^？?。]{{0,{MAX_YESNO_GAP}}}[{vocab.YESNO_ENDINGS}][？?]?$|"
                   f"{_any(vocab.YESNO_WORDS)}")
PERMISSION = re.compile(_any(vocab.PERMISSION_WORDS))
OBLIGATION_ASK = re.compile(_any(vocab.OBLIGATION_ASKS))
WHO = re.compile(_any(vocab.WHO_WORDS))
QUANTITY = re.compile(f"{_any(vocab.QUANTITY_WORDS)}|几[{vocab.QUANTITY_COUNTERS}]")
LAST_CLAUSE = re.compile(r"[^，,；;。！!]*$")


class QuestionType(StrEnum):
    """What kind of answer the question wants (it decides the answer's shape and its first line)."""

    DUTY = "duty"  # a role's duties: the role's whole duty list
    LIST = "list"  # which ones / what requirements: the whole list
    PROCEDURE = "procedure"  # what to do, steps: the whole procedure
    YESNO = "yesno"  # may I / must I: 可以 / 不可以 / 需要 / 不需要
    WHO = "who"  # who is responsible: a role
    QUANTITY = "quantity"  # how many / how long / when: a number with its unit
    FACT = "fact"  # anything else: the best items


class QueryError(DutyKBError):
    """A query that cannot be searched (empty, whitespace only)."""


@dataclass(frozen=True)
class Context:
    """What earlier turns of a conversation contribute to this question."""

    roles: frozenset[str] = frozenset()  # roles the conversation is about (a ranking prior, like the picked role)
    previous: str = ""  # the previous turn as it was understood
    # the condition a follow-up adds to a duty question ("如果是夜班呢" → 是夜班), match form: the role's rule on it
    # answers, else the role's duties under a hedge (kb.answer.condition)
    condition: str = ""


@dataclass(frozen=True)
class Query:
    text: str  # cleaned question (as understood, after follow-up resolution)
    match: str  # normalised match form
    audience: Audience = PUBLIC
    picked: frozenset[str] = frozenset()  # canonical names of the asker's own role
    mentioned: frozenset[str] = frozenset()  # canonical names of roles the question names
    qtype: QuestionType = QuestionType.FACT
    asks_permission: bool = False  # a yes/no question about being allowed (else about having to)
    self_reference: bool = False  # "我的…", "我可以…": about the asker's own role
    asked: str = ""  # the question as the user typed it (differs from `text` when a follow-up was rewritten)
    context: Context = field(default_factory=Context)
    excluded: frozenset[str] = frozenset()  # chunk ids no step may return (leave-gold-out evaluation)
    focus: tuple[str, ...] = ()  # what is asked about: content words that are no question, generic or role word
    topic: tuple[str, ...] = ()  # focus words and the question's own verbs: all absent from the corpus → off-topic
    wants: Wants = field(default_factory=Wants)  # what kind of thing the answer must hold (a figure, money …)
    scope: Scope = field(default_factory=Scope)  # the organisations it is about (kb.scope): only theirs answer
    expansion: Expansion = field(default_factory=Expansion)  # the index's words for its topic words (kb.expand)

    @property
    def rewritten(self) -> bool:
        return bool(self.asked) and self.asked != self.text

    @property
    def prior_roles(self) -> frozenset[str]:
        """Roles whose passages get the ranking prior: named ones, else the picked role, else the conversation's."""
        return self.mentioned or self.picked or self.context.roles

    @property
    def duty_roles(self) -> frozenset[str]:
        """The roles a duty question asks about: those it names, else (for "my duties") the picked role."""
        if self.mentioned:
            return self.mentioned
        if self.self_reference or SELF_DUTY.search(self.match):
            return self.picked
        return self.context.roles if self.qtype is QuestionType.DUTY else frozenset()


def clean_text(question: str) -> str:
    text = "".join(ch for ch in question if ch.isprintable() or ch in "\n\t").strip()
    if not text:
        raise QueryError("query is empty")
    return text[:MAX_QUERY_CHARS]


def question_type(match: str) -> QuestionType:
    """The answer shape a question asks for, from its wording (match form). Order matters: 'who' and
    'how many' are more specific than a list ('哪些人' is who, '几项' is a list)."""
    if WHO.search(match) and not LIST.search(match.replace(vocab.WHO_GROUP, "")):
        return QuestionType.WHO
    last = LAST_CLAUSE.search(match.rstrip("？?。！! "))
    asks = last.group(0) if last and last.group(0).strip() else match
    if QUANTITY.search(asks) and not LIST_COUNT.search(asks):
        return QuestionType.QUANTITY
    if YESNO.search(match):
        return QuestionType.YESNO
    if DUTY.search(match) or SELF_DUTY.search(match):
        return QuestionType.DUTY
    if PROCEDURE.search(match):
        return QuestionType.PROCEDURE
    if LIST.search(match):
        return QuestionType.LIST
    return QuestionType.FACT


def focus_words(tagged: list[tuple[str, str]], role_forms: Container[str],
                mentioned_forms: Iterable[str]) -> tuple[str, ...]:
    """What the question asks about (match form): its nouns, nominal verbs and set phrases that are no question
    word, generic duty word, role name or part of a role name it mentions, nor a single character; in order."""
    inside = list(mentioned_forms)
    parts = [part for w, flag in tagged if flag.startswith(FOCUS_FLAGS) for part in QUESTION_PARTS.split(w)]
    kept = [w for w in parts if len(w) >= MIN_FOCUS_CHARS
            and w not in QUESTION_WORDS and w not in GENERIC_WORDS and w not in role_forms
            and not any(w in form for form in inside)]
    return tuple(dict.fromkeys(kept))


def topic_words(tagged: list[tuple[str, str]], focus: tuple[str, ...]) -> tuple[str, ...]:
    """The focus words and the question's non-generic verbs (体检, 调到): what the question is about at all."""
    verbs = [w for w, flag in tagged if flag.startswith("v") and len(w) >= MIN_FOCUS_CHARS
             and w not in QUESTION_WORDS and w not in GENERIC_WORDS and w not in GENERIC_VERBS]
    return tuple(dict.fromkeys([*focus, *verbs]))


def build_query(text: str, match: str, *, audience: Audience = PUBLIC, picked: frozenset[str] = frozenset(),
                mentioned: frozenset[str] = frozenset(), asked: str = "", context: Context | None = None,
                excluded: frozenset[str] = frozenset(), focus: tuple[str, ...] = (),
                topic: tuple[str, ...] = (), scope: Scope | None = None,
                expansion: Expansion | None = None) -> Query:
    qtype = question_type(match)
    return Query(text=text, match=match, audience=audience, picked=picked, mentioned=mentioned, qtype=qtype,
                 asks_permission=qtype is QuestionType.YESNO and bool(PERMISSION.search(match))
                 and not OBLIGATION_ASK.search(match),
                 self_reference=bool(SELF.search(match)),
                 asked=asked or text, context=context or Context(), excluded=excluded, focus=focus, topic=topic,
                 wants=wants_of(match, focus, qtype is QuestionType.QUANTITY), scope=scope or Scope(),
                 expansion=expansion or Expansion())

