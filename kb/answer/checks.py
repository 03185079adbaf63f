"""The checks every stage of the answer path may share: what a passage holds of what a question asks for.

A leaf of the answer path (kb.answer): it imports no stage. Built on kb.kinds (whether a text holds a figure,
a person, an amount or a consequence in any form) and kb.wants (what a question asks for):
- a number question needs a figure of the asked unit (几点 → a clock time, 几年 → years, 几间 → 间,
  多少钱 → 元 …), and the thing counted ("多少录音" → 录音) must be in the text;
- a question about pay or fines needs money in the text, one about sanctions a sanction, one about
  a qualification (学历, 证书) that kind of qualification;
- a "who" question needs a role or person, a yes/no question a modal word (严禁、不得、必须、可以…);
- a duty question about a post that is no role of the index ("护理部主任有哪些职责") is not answered
  with another role's duties;
- a question word found in no document at all (工资, 碎纸机) may make the answer partial (kb.answer.level).
A check never fails for want of a kind the passages hold in a form no list here names (kb.kinds): a count
of no particular unit takes any figure (四档), "who" any person (使用人), money any amount or cost
(相关费用, 经济损失), a sanction any consequence.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from enum import StrEnum

from kb import answer_words as vocab
from kb.answer.passage import Passage
from kb.answer.terms import Scorer
from kb.jobtitles import ADDRESSEES, another_rank
from kb.kinds import has_amount, has_consequence, has_figure
from kb.kinds import has_person as names_person
from kb.normalize import normalize
from kb.query import DUTY, Query, QuestionType
from kb.tokenize import BIGRAM_PREFIX
from kb.wants import GENERIC_CLASSIFIER, GENERIC_MONEY, Unit, figure, rate_figure

CJK = "\u4e00-\u9fff"  # a character class: Chinese characters
NEGATIVE = re.compile("|".join(vocab.FORBIDDING))
NO_NEED = re.compile("|".join(vocab.NOT_NEEDED))
OBLIGED = re.compile("|".join(vocab.OBLIGING))
PERMITTED = re.compile("|".join(vocab.PERMITTING))
PERSON = re.compile("|".join([
    *vocab.PERSON_WORDS,
    rf"{vocab.RESPONSIBLE_BY}[^{vocab.CLAUSE_END}]{{1,{vocab.MAX_RESPONSIBLE_CHARS}}}"
    rf"({'|'.join(vocab.RESPONSIBLE_VERBS)})",
    rf"[{CJK}]{{1,{vocab.MAX_POST_STEM_CHARS}}}(?<![{vocab.NOT_STAFF_BEFORE}]){vocab.STAFF_ENDING}",
    rf"[{CJK}]{{1,{vocab.MAX_POST_STEM_CHARS}}}({'|'.join(vocab.POST_ENDINGS)})(?![{vocab.NOT_POST_AFTER}])"]))
ROLE_LIKE = re.compile(f"({'|'.join(vocab.ROLE_ENDINGS)})$")
MIN_OFF_TOPIC_WORDS = 2
MIN_POST_CHARS = 2  # a post is at least a two-character job title (会计, 主管)
DUTY_LEAD_IN = re.compile(f"(?:{'|'.join(vocab.DUTY_LEAD_IN)})+$")
CJK_TAIL = re.compile(f"[{CJK}]+$")
# a question may open as a follow-up does ("那联络员具体做什么"): the opener is no part of the post it names
OPENER = re.compile(f"^\\s*(?:{'|'.join(sorted(vocab.FOLLOW_UP_OPENERS, key=len, reverse=True))})")
WINDOW_SLACK = 2  # a focus word's characters may sit this many characters further apart ("病假" in "病事假")
RoleFinder = Callable[[str], Iterable[str]]  # role names and aliases (match form) occurring in a match text


class Missing(StrEnum):
    """What the chosen text lacks for this question (the partial answer says it in plain words)."""

    FIGURE = "figure"
    MONEY = "money"
    PENALTY = "penalty"
    QUALIFICATION = "qualification"
    WHO = "who"
    MODAL = "modal"
    ROLE = "role"
    SUBJECT = "subject"
    FOCUS = "focus"
    CONDITION = "condition"  # no rule of the role speaks of the condition a follow-up added ("如果是夜班呢")
    OFF_TOPIC = "off_topic"  # nothing the question is about occurs in any document


def has_modal(match: str) -> bool:
    return bool(NEGATIVE.search(match) or NO_NEED.search(match) or OBLIGED.search(match) or PERMITTED.search(match))


def has_person(match: str, roles_in: RoleFinder, asked: Collection[str] = ()) -> bool:
    """A person or post other than the roles the question itself names (`asked`, match form): a role of the index,
    or any person the generic check finds (kb.kinds: 使用人, 当事人, 甲方 …)."""
    if PERSON.search(match) or set(roles_in(match)) - set(asked):
        return True
    for name in sorted(asked, key=len, reverse=True):  # "谁给保安排班" is not answered by 保安
        match = match.replace(name, " ")
    return names_person(match)


def _chars_close(word: str, text: str) -> bool:
    """All characters of `word`, in order, within a window a little longer than the word."""
    first = text.find(word[0])
    while first >= 0:
        window = text[first:first + len(word) + WINDOW_SLACK]
        at = 0
        for ch in word:
            at = window.find(ch, at)
            if at < 0:
                break
            at += 1
        else:
            return True
        first = text.find(word[0], first + 1)
    return False


def near(word: str, text: str) -> bool:
    """The word is in the text, or its characters are, in order and close together (病假 in 病事假)."""
    return word in text or _chars_close(word, text)


def covers(word: str, match: str, terms: frozenset[str], synonyms: dict[str, str]) -> bool:
    """Whether text (match form, and its BM25 terms) covers a question word (match form)."""
    if word in match or synonyms.get(word, word) in terms:
        return True
    grams = [word[i:i + 2] for i in range(len(word) - 1)]
    if len(grams) >= 2 and sum(g in match for g in grams) * 2 >= len(grams):
        return True
    return _chars_close(word, match)


def covers_asked(query: Query, word: str, match: str, terms: frozenset[str], synonyms: dict[str, str]) -> bool:
    """Whether text covers a question word, or one of the index's words for it (kb.expand: 零食 by 食品)."""
    return any(covers(w, match, terms, synonyms) for w in (word, *query.expansion.of(word)))


def in_corpus(word: str, scorer: Scorer, synonyms: dict[str, str]) -> bool:
    """Whether any document has the word (as a jieba word, or most of its character bigrams)."""
    if scorer.known(synonyms.get(word, word)):
        return True
    grams = [word[i:i + 2] for i in range(len(word) - 1)]
    known = sum(scorer.known(BIGRAM_PREFIX + g) for g in grams)
    return bool(grams) and known * 2 >= len(grams) and (len(grams) >= 2 or known == len(grams))


def title_of(post: str) -> str:
    """The job title a post's name ends in (仓库主管 → 主管, 任课老师 → 师), or ''."""
    found = ROLE_LIKE.search(post)
    return found.group(0) if found else ""


def similar_post(post: str, role: str) -> bool:
    """A post named differently from the role that holds it (任课老师 for 任课教师, 实训指导老师 for
    实训指导教师): the same job title, and they share a character pair that is no generic job suffix, or the
    post's characters all occur, close together, in the role's name. 仓库主管 is not 仓库经理: one unit,
    two posts."""
    titles = title_of(post), title_of(role)
    if all(titles) and titles[0] != titles[1]:
        return False
    if post.endswith(role) and another_rank(post, len(post) - len(role)):  # 副秘书长 is another post than 秘书长
        return False
    shared = {post[i:i + 2] for i in range(len(post) - 1)} & {role[i:i + 2] for i in range(len(role) - 1)}
    return bool(shared - vocab.GENERIC_POST_PAIRS) or _chars_close(post, role)


def asked_post(query: Query) -> str:
    """The post a plain duty question names, from its wording ("护理部主任有哪些职责" → 护理部主任,
    "管理处的会计有什么职责" → 会计), or '' when what it names before the duty word is no job title, or more
    than a post and one owner word. Read from the text, not the focus words: the tagger takes 主任 and 会计
    for no nouns."""
    duty = DUTY.search(query.match)
    if duty is None:
        return ""
    before = DUTY_LEAD_IN.sub("", OPENER.sub("", query.match[:duty.start()]))
    run = CJK_TAIL.search(before)
    *owners, post = run.group(0).split("的") if run else [""]
    # "银行网点的保安": more is asked than one post; "LUG 的副会长": an owner in Latin letters is no CJK run
    if any(owner and owner not in query.focus and owner not in query.topic for owner in owners):
        return ""
    return post if len(post) >= MIN_POST_CHARS and ROLE_LIKE.search(post) else ""


def unknown_post(query: Query, roles_in: RoleFinder, answered_roles: Collection[str] = ()) -> str:
    """The post a duty question asks about when the index has no such role ('' when it names a known one, or
    when the quoted duties are those of a role named like it).

    Only a plain duty question counts ("学校食堂管理员的职责是什么", "管理处的会计有什么职责"): the post's
    words, possibly after "X的", are all the question names before its duty word."""
    if query.qtype is not QuestionType.DUTY or query.mentioned:
        return ""
    phrase = asked_post(query)
    if not phrase:
        return ""
    if normalize(phrase) in set(roles_in(normalize(phrase))):  # the whole post is a role (or an alias of one)
        return ""
    if any(similar_post(phrase, normalize(role)) for role in answered_roles):
        return ""
    return phrase


def key_word(query: Query, scorer: Scorer) -> str | None:
    """The question's most specific focus word that some document has (rarest; the longest on ties)."""
    synonyms = scorer.kb.build.lexical.tokenizer.synonyms
    known = [w for w in query.focus if in_corpus(w, scorer, synonyms)]
    return max(known, key=lambda w: (scorer.idf(w), len(w)), default=None)


def any_figure_asked(query: Query) -> bool:
    """The question asks for a figure of no particular unit ("几个档次", "多大"): any figure is of the asked kind."""
    wants = query.wants
    return (wants.unit is Unit.ANY and wants.classifier in (None, GENERIC_CLASSIFIER)) and wants.period is None


def figure_found(query: Query, quotes: list[Passage], scorer: Scorer) -> bool:
    """A quote holds a figure of the asked unit (any figure, in any unit or counter, when no unit is asked), and is
    about what is counted: it covers the counted word, else (no counted word) the question's most specific word,
    unless it is the best quote."""
    wants = query.wants
    if wants.unit is None:
        return True
    synonyms = scorer.kb.build.lexical.tokenizer.synonyms
    key = key_word(query, scorer)
    for i, quote in enumerate(quotes):
        # line by line: a quote of a list holds its sub-items' numbers ("2. 接洽老师\n1. 语种\n2. 报酬"), no figure
        lines = [normalize(line) for line in quote.text.splitlines() if line.strip()]
        if not any(rate_figure(line, wants) for line in lines) \
                and not (any_figure_asked(query) and has_figure(quote.text)):
            continue
        around = normalize(quote.text + "\n" + quote.heading)
        terms = scorer.terms(quote.text) | scorer.terms(quote.heading)
        if wants.measured is not None:
            if covers(wants.measured, around, terms, synonyms):
                return True
        elif i == 0 or key is None or covers(key, around, terms, synonyms):
            return True
    return False


def money_found(query: Query, quotes: list[Passage], scorer: Scorer) -> bool:
    word = query.wants.money
    if word is None:
        return True
    synonyms = scorer.kb.build.lexical.tokenizer.synonyms
    for quote in quotes:
        match = normalize(quote.text)
        terms = scorer.terms(quote.text)
        named = query.wants.money_stem in match and covers(normalize(word), match, terms, synonyms)
        # an amount of money in a sentence on the topic: one of its focus words as asked; a question with none
        # (中午吃饭…贴钱吗) by its topic words, in the document's words where it used everyday ones (吃饭 → 就餐)
        about = any(w in match for w in query.focus if w != word) if query.focus else \
            any(covers_asked(query, w, match, terms, synonyms) for w in query.topic if w != word)
        amount = figure(match, Unit.MONEY) or (query.wants.money_stem in GENERIC_MONEY and has_amount(quote.text))
        if named or (amount and about):
            return True
    return False


def satisfies(query: Query, quote: Passage, scorer: Scorer, roles_in: RoleFinder) -> bool:
    """Whether one passage holds what the question asks for (a figure, money, a person, a modal word …) and is
    about something the documents have."""
    return not typed_checks(query, [quote], scorer, roles_in) and not off_topic(query, scorer, [quote])


def off_topic(query: Query, scorer: Scorer, quotes: list[Passage]) -> bool:
    """Nothing the question is about (at least two words: its focus words and own verbs) occurs in any document,
    nor, written a little differently (病假 in 病事假), in the quotes. One such word alone is too often a
    paraphrase (制服 for 工服) to decide on."""
    if len(query.topic) < MIN_OFF_TOPIC_WORDS or query.mentioned:
        return False
    synonyms = scorer.kb.build.lexical.tokenizer.synonyms
    around = normalize("\n".join([q.text for q in quotes] + [q.heading for q in quotes]))
    terms = frozenset().union(*(scorer.terms(q.text) for q in quotes))
    return not any(in_corpus(w, scorer, synonyms) or covers_asked(query, w, around, terms, synonyms)
                   for w in query.topic)


def about_subject(query: Query, quotes: list[Passage], subject_docs: set[str]) -> list[Passage]:
    """The quotes that can answer for the role the question names: from that role's documents and no other
    role's duty list, or naming it. A question about 班主任 is not answered by the 学历 rule of a hospital's
    nurses, nor one about 房务员 by the 客房部经理's duty "每日抽查客房不少于十间". A handbook's addressee (员工,
    the reader a handbook gives its rules to) is no other post: its rules hold for every post of the document."""
    if not subject_docs:
        return quotes
    names = [normalize(n) for n in query.mentioned]

    def answers_for(quote: Passage) -> bool:
        own = quote.role is None or quote.role in query.mentioned or normalize(quote.role) in ADDRESSEES
        return (quote.doc in subject_docs and own) or any(n in normalize(quote.text) for n in names)

    return [q for q in quotes if answers_for(q)]


def typed_checks(query: Query, quotes: list[Passage], scorer: Scorer, roles_in: RoleFinder) -> list[Missing]:
    """What the quotes lack of what the question asks for (a figure, money, a sanction, a person …)."""
    match = normalize("\n".join(q.text for q in quotes))
    wants = query.wants
    asked = set(roles_in(query.match))  # a role the question names does not answer "who"
    failed = [
        (Missing.FIGURE, not figure_found(query, quotes, scorer)),
        (Missing.MONEY, not money_found(query, quotes, scorer)),
        (Missing.PENALTY, wants.penalty and not has_consequence(match)),
        (Missing.QUALIFICATION, wants.qualification is not None and not wants.qualification.search(match)),
        (Missing.WHO, query.qtype is QuestionType.WHO and not has_person(match, roles_in, asked)),
        # an item of the named role's own duty list is an obligation of that role, modal word or not
        (Missing.MODAL, query.qtype is QuestionType.YESNO and not has_modal(match)
         and not any(q.role is not None and q.role in query.mentioned for q in quotes)),
    ]
    return [missing for missing, fails in failed if fails]


def absent_words(query: Query, quotes: list[Passage], scorer: Scorer) -> list[str]:
    """Focus words that neither the quotes nor any document have."""
    synonyms = scorer.kb.build.lexical.tokenizer.synonyms
    around = normalize("\n".join([q.text for q in quotes] + [q.heading for q in quotes]))
    terms = frozenset().union(*(scorer.terms(q.text) | scorer.terms(q.heading) for q in quotes))
    return [w for w in query.focus
            if not covers_asked(query, w, around, terms, synonyms) and not in_corpus(w, scorer, synonyms)]
