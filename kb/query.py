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

# The question's own words: never a focus of what is asked about.
QUESTION_WORDS = frozenset(
    "什么 哪些 哪个 哪里 哪儿 哪 怎么 怎样 怎么办 如何 为什么 是否 有没有 多少 几 多久 多长 多长时间 谁 吗 呢 吧 啊 么 "
    "可以 能 能不能 可不可以 要不要 需不需要 需要 必须 应该 得 会 要 请问 请 一下 是 的 了 在 有 和 与 及 或 "
    "都 就 也 还 我 我们 你 你们 他 她 它 他们 这 那 这个 那个 一个 平常 平时 一般 主要 具体 时候 情况 啥 干".split())
# Question words the tagger may join with the words around them (干嘛, 由谁来, 哪些项目): a focus candidate
# holding one is split at it and only the other parts can be focus words.
QUESTION_PARTS = re.compile(r"什么|哪些|哪个|哪|谁|啥|嘛|怎么|怎样|多少|多久|几")
# Words every duty document is full of: they say which kind of passage is wanted, not which one.
GENERIC_WORDS = frozenset(
    "岗位 职责 工作 工作职责 岗位职责 职能 内容 规定 制度 要求 事情 事 任务 负责 做 干 管 处理 方面 员工 "
    "人员 公司 单位 部门 上班 规范 流程 步骤 程序 办法 注意 注意事项 守则 哪些事 主要职责 分别 包括 包含 列 "
    "一共 共 条 项".split())
# Verbs that say nothing about the topic ("要怎么申请", "安排几次"): never a topic word
GENERIC_VERBS = frozenset(
    "安排 进行 申请 提出 办理 使用 开始 发生 完成 参加 获得 知道 告诉 了解 属于 有关 相关 关于 应该 能够 还要 做好 "
    "管理 执行 遵守 提供 告知 需 计算 算 给 拿 找 用 去 来 到 想 看 说 问 叫".split())

DUTY = re.compile(r"职责|职能|守则|(负责|做|干|管)些?(什么|哪些|啥)|干嘛|工作内容|工作是什么|工作有哪些|任务|分工|本职")
SELF = re.compile(r"我的|我(该|要|应该|需要|得|可以|能|负责|是否|必须)|本岗位|我们岗位")
SELF_DUTY = re.compile(r"我的(岗位)?(职责|工作)|我(该|要|应该|需要)(做|干)些?(什么|啥|哪些)|我负责(什么|哪些)")
LIST = re.compile(r"哪些|哪几|分别|都有什么|都有哪|包括什么|包含什么|什么内容|几个方面|有什么要求|什么要求|"
                  r"哪几项|几项|列出")
PROCEDURE = re.compile(r"怎么办|怎么处理|如何处理|怎么做|如何做|流程|步骤|程序|怎样处理|该怎么|要怎么|应急|"
                       r"怎么应对|如何应对")
YESNO = re.compile(r"(可以|能|能够|允许|准|让|要|需要|必须|得|应该|应当|用|会|算|是)[^？?。]{0,24}[吗嘛][？?]?$|"
                   r"能不能|可不可以|可否|是否|要不要|需不需要|需要不需要|用不用|让不让|准不准|允不允许|必不必须|有没有规定")
PERMISSION = re.compile(r"可以|能|允许|准|让|可否|可不可以|能不能")
WHO = re.compile(r"谁|哪个岗位|哪个部门|哪位|什么人|哪些人|由谁|找谁|向谁|哪个人|什么岗位|哪一级")
QUANTITY = re.compile(r"多少|几[个次天日人名条点项小分周月年岁台间遍号级步层张份位成倍秒节通辆套]|"
                      r"多久|多长|多大|多远|多高|多重|几点|何时|什么时候|什么时间|哪天|比例|频率|多少钱|金额|"
                      r"时限|期限")
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
    if WHO.search(match) and not LIST.search(match.replace("哪些人", "")):
        return QuestionType.WHO
    last = LAST_CLAUSE.search(match.rstrip("？?。！! "))
    asks = last.group(0) if last and last.group(0).strip() else match
    if QUANTITY.search(asks) and not re.search(r"几项|几个方面|哪几", asks):
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
                 and not re.search(r"要不要|需不需要|需要|必须|是否要", match),
                 self_reference=bool(SELF.search(match)),
                 asked=asked or text, context=context or Context(), excluded=excluded, focus=focus, topic=topic,
                 wants=wants_of(match, focus, qtype is QuestionType.QUANTITY), scope=scope or Scope(),
                 expansion=expansion or Expansion())

