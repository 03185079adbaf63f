"""A self-quiz for one role, made from the documents themselves (no model): four kinds of question.

- **cloze** (填空): a duty or rule with one key phrase blanked: a figure with its unit or a time when it has one
  (kb.wants' figure patterns), else its longest run of content words by jieba's part of speech (nouns, verbal
  nouns, time words, numerals; never a particle or punctuation; kb.quizwords);
- **choice** (单选): "以下哪一项是X的职责" — the answer is one of X's duties, the distractors are duties of the
  other roles of X's organisation (kb.study) that are not X's duties after normalisation;
- **true_false** (判断): a sentence of a rule with a modal word (可以/不得/必须/应当 …), kept whole with its
  own condition; its false version says the opposite modal;
- **ordering** (排序): the numbered steps of one of the organisation's procedures, shuffled.

Every question carries its source (document, section, item), the exact source text and the evidence: the
words of the source that hold the answer. Deterministic: the same build, role and seed give the same quiz.
"""
from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field

from kb.access import Audience
from kb.blocks import clean_label, strip_marker
from kb.knowledge import Build
from kb.normalize import fold_width, normalize, to_script_of, to_simplified
from kb.quizwords import (
    CONTENT_FLAGS,
    MAX_PHRASE_CHARS,
    MAX_STEPS,
    MIN_BLANK_CHARS,
    MIN_STEPS,
    MODAL,
    MODAL_FLIPS,
    NOT_BLANKED,
    PROCEDURE_HEADING,
)
from kb.records import BREADCRUMB_SEP, Chunk, Role
from kb.study import Cited, Organisation, StudySheet, name_forms, study_sheet
from kb.wants import CLOCK_TEXT, COUNTERS, ITEM_MARKER, MEASURES, RANGE

CLOZE, CHOICE, TRUE_FALSE, ORDERING = "cloze", "choice", "true_false", "ordering"
KINDS = (CLOZE, CHOICE, TRUE_FALSE, ORDERING)
KIND_LABELS = {CLOZE: "填空", CHOICE: "单选", TRUE_FALSE: "判断", ORDERING: "排序"}
BLANK = "＿＿＿＿"
TRUE, FALSE = "正确", "错误"
MIN_CLOZE_CHARS = 8  # a shorter item ("管錢 + 管帳") leaves too little to recall the blank from
MIN_STATEMENT_CHARS = 6
MAX_DISTRACTORS = 3
MIN_DISTRACTORS = 2
ID_CHARS = 12
FIGURE = re.compile(rf"{RANGE}\s*(?:{MEASURES}|{COUNTERS})|{CLOCK_TEXT.pattern}")
ARTICLE = re.compile(r"^一\s*[个個位名件]$")  # 一个 is mostly "a", not a count
HAS_DIGIT = re.compile(r"\d|[一二两三四五六七八九十百千万]")
SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")
CJK = re.compile(r"[\u4e00-\u9fff]")
KEY_DROP = re.compile(r"[\s\W_]+")  # what normalisation ignores when comparing two duties


@dataclass(frozen=True)
class Source:
    document: str
    section: str
    item: int | None
    doc_id: str
    items: tuple[int, ...] = ()

    def to_json(self) -> dict:
        data: dict = {"document": self.document, "section": self.section, "item": self.item, "doc_id": self.doc_id}
        if self.items:
            data["items"] = list(self.items)
        return data


@dataclass(frozen=True)
class Question:
    kind: str
    question: str
    answer: str | list[str]
    source: Source
    source_text: str
    evidence: str  # the words of the source text that hold the answer
    choices: list[str] = field(default_factory=list)
    qid: str = ""

    def to_json(self) -> dict:
        return {"id": self.qid, "kind": self.kind, "question": self.question, "choices": list(self.choices),
                "answer": self.answer, "source": self.source.to_json(), "source_text": self.source_text,
                "evidence": self.evidence}

    def is_right(self, given: str | list[str] | None) -> bool:
        return given == self.answer


def duty_key(text: str) -> str:
    """Two duties are the same after normalisation when these are equal (script, width, case, punctuation)."""
    return KEY_DROP.sub("", normalize(strip_marker(text)))


def _qid(kind: str, cited: Cited | Source, evidence: str) -> str:
    where = f"{kind}|{cited.doc_id}|{cited.section if isinstance(cited, Source) else cited.section}|{evidence}"
    return hashlib.sha256(where.encode("utf-8")).hexdigest()[:ID_CHARS]


def _source(cited: Cited) -> Source:
    return Source(cited.document, cited.section, cited.item, cited.doc_id)


def _aligned(text: str) -> str | None:
    """The Simplified, half-width form of `text` when it has the same length (so positions carry over)."""
    simple = fold_width(to_simplified(text))
    return simple if len(simple) == len(text) else None


def _sentence_at(text: str, start: int) -> tuple[int, int]:
    for m in SENTENCE.finditer(text):
        if m.start() <= start < m.end():
            return m.start(), m.end()
    return 0, len(text)


def figure_blank(text: str) -> tuple[int, int] | None:
    """Where the first figure with its unit, or a clock time, is written (an item's own number is none)."""
    simple = _aligned(text)
    if simple is None:
        return None
    marker = ITEM_MARKER.match(simple)
    skip = marker.end() if marker else 0
    for m in FIGURE.finditer(simple, skip):
        if HAS_DIGIT.search(m.group()) and not ARTICLE.match(m.group()):
            return m.start(), m.start() + len(m.group().rstrip())
    return None


def phrase_blank(text: str, tagged: list[tuple[str, str]], skip: set[str]) -> tuple[int, int] | None:
    """The longest run of content words (jieba flags in CONTENT_FLAGS) up to MAX_PHRASE_CHARS, not a general
    word nor the role's own name; the first of the longest."""
    simple = _aligned(text)
    if simple is None:
        return None
    spans: list[tuple[int, int]] = []
    at, run = 0, None
    for word, flag in tagged:
        start = simple.find(word, at)
        if start < 0:
            continue
        at = start + len(word)
        content = flag.startswith(CONTENT_FLAGS) and word not in NOT_BLANKED and bool(CJK.search(word) or
                                                                                        word.isdigit())
        content = content and (len(word) >= MIN_BLANK_CHARS or run is not None)  # a run opens on a whole word
        if content and run is not None and run[1] == start and at - run[0] <= MAX_PHRASE_CHARS:
            run = (run[0], at)
        elif content:
            if run:
                spans.append(run)
            run = (start, at)
        else:
            if run:
                spans.append(run)
            run = None
    if run:
        spans.append(run)
    spans = [_trim(simple, s, tagged) for s in spans]
    good = [s for s in spans if s[1] - s[0] >= MIN_BLANK_CHARS and normalize(simple[s[0]:s[1]]) not in skip
            and simple[s[0]:s[1]] not in NOT_BLANKED]
    return max(good, key=lambda s: (s[1] - s[0], -s[0]), default=None)


def _trim(simple: str, span: tuple[int, int], tagged: list[tuple[str, str]]) -> tuple[int, int]:
    """A run without a one-character word at its end (時, 內: suffixes jieba tags as nouns)."""
    last = next((w for w, _ in reversed(tagged) if simple.find(w, span[0]) == span[1] - len(w)), "")
    return (span[0], span[1] - 1) if len(last) == 1 and span[1] - span[0] > MIN_BLANK_CHARS else span


def cloze(cited: Cited, build: Build, skip: set[str]) -> Question | None:
    text = cited.text
    if len(text) < MIN_CLOZE_CHARS:
        return None
    span = figure_blank(text)
    if span is None:
        simple = _aligned(text)
        span = phrase_blank(text, build.lexical.tokenizer.tagged_words(normalize(simple)) if simple else [], skip)
    if span is None:
        return None
    start, end = span
    s_start, s_end = _sentence_at(text, start)
    s_end = max(s_end, end)
    sentence = text[s_start:s_end].strip()
    offset = s_start + (len(text[s_start:s_end]) - len(text[s_start:s_end].lstrip()))
    shown = sentence[:start - offset] + BLANK + sentence[end - offset:]
    return Question(CLOZE, f"填空：{shown}", text[start:end], _source(cited), text, sentence,
                    qid=_qid(CLOZE, cited, sentence))


def choice(cited: Cited, role: Role, own_keys: set[str], others: list[tuple[str, str]], rng: random.Random
           ) -> Question | None:
    """`others`: (key, text) of the organisation's other roles' duties, none of them one of X's."""
    pool = [text for key, text in others if key not in own_keys]
    if len(pool) < MIN_DISTRACTORS:
        return None
    distractors = rng.sample(pool, min(MAX_DISTRACTORS, len(pool)))
    choices = [cited.text, *distractors]
    rng.shuffle(choices)
    return Question(CHOICE, f"以下哪一项是「{role.name}」的职责？", cited.text, _source(cited), cited.text,
                    cited.text, choices, _qid(CHOICE, cited, cited.text))


def true_false(cited: Cited, rng: random.Random) -> Question | None:
    """The first sentence of the item with a modal word: as written (true) or with the opposite modal (false)."""
    for m in SENTENCE.finditer(cited.text):
        sentence = m.group().strip()
        simple = _aligned(sentence)
        modal = MODAL.search(simple) if simple and len(sentence) >= MIN_STATEMENT_CHARS else None
        if modal is None:
            continue
        truth = rng.random() < 0.5
        flipped = to_script_of(MODAL_FLIPS[modal.group()], sentence)
        statement = sentence if truth else sentence[:modal.start()] + flipped + sentence[modal.end():]
        return Question(TRUE_FALSE, f"判断对错：{statement}", TRUE if truth else FALSE, _source(cited),
                        cited.text, sentence, [TRUE, FALSE], _qid(TRUE_FALSE, cited, sentence))
    return None


def _steps(chunk: Chunk) -> list[tuple[int, str]]:
    """A procedure's numbered steps 1…k in order (k within MIN_STEPS…MAX_STEPS), else []."""
    heading = clean_label(chunk.section.split(BREADCRUMB_SEP)[-1]) if chunk.section else ""
    if not PROCEDURE_HEADING.search(to_simplified(strip_marker(heading)).rstrip()):
        return []
    steps = [(p.n, strip_marker(p.text.strip().split("\n", 1)[0])) for p in chunk.parts if p.n is not None]
    numbers = [n for n, _ in steps]
    if not MIN_STEPS <= len(steps) <= MAX_STEPS or numbers != list(range(1, len(steps) + 1)):
        return []
    return steps if len({duty_key(t) for _, t in steps}) == len(steps) else []


def ordering(chunk: Chunk, rng: random.Random) -> Question | None:
    steps = _steps(chunk)
    if not steps:
        return None
    answer = [text for _, text in steps]
    shuffled = answer[:]
    while shuffled == answer:
        rng.shuffle(shuffled)
    heading = strip_marker(clean_label(chunk.section.split(BREADCRUMB_SEP)[-1]))
    source = Source(chunk.title, clean_label(chunk.section), steps[0][0], chunk.doc_id, tuple(n for n, _ in steps))
    source_text = "\n".join(p.text for p in chunk.parts if p.n is not None)
    return Question(ORDERING, f"请按正确顺序排列「{heading.rstrip(':：')}」的步骤", answer, source, source_text,
                    source_text, shuffled, _qid(ORDERING, source, "\n".join(answer)))


def _rng(seed: int, key: str) -> random.Random:
    return random.Random(f"{seed}:{key}")


def procedures(build: Build, org: Organisation, audience: Audience) -> list[Chunk]:
    return [c for c in build.chunks if org.holds(c) and audience.may_see(c.visibility) and _steps(c)]


def all_questions(build: Build, role: Role, audience: Audience, seed: int = 0,
                  sheet: StudySheet | None = None) -> list[Question]:
    """Every question the role's study sheet gives, by kind in document order."""
    sheet = sheet or study_sheet(build, role, audience)
    items = [c for g in sheet.groups for c in g.items] + sheet.related
    skip = set(name_forms(role))
    own_keys = {duty_key(d.text) for d in role.duties} | {duty_key(c.text) for c in sheet.duties}
    others = list({duty_key(d.text): d.text for r in sheet.organisation.roles for d in r.duties
                   if duty_key(d.text) and not _overlaps(duty_key(d.text), own_keys)}.items())
    found: list[Question | None] = [cloze(c, build, skip) for c in items]
    found += [choice(c, role, own_keys, others, _rng(seed, CHOICE + c.text)) for c in sheet.duties]
    found += [true_false(c, _rng(seed, TRUE_FALSE + c.text)) for c in items]
    found += [ordering(c, _rng(seed, ORDERING + c.chunk_id)) for c in procedures(build, sheet.organisation, audience)]
    unique: dict[str, Question] = {}
    for q in found:
        if q is not None:
            unique.setdefault(q.qid, q)
    return list(unique.values())


def _overlaps(key: str, own_keys: set[str]) -> bool:
    """A duty equal to one of X's, or holding one / held in one (a shared duty with a word added), is X's too."""
    return any(key == k or (k and (key in k or k in key)) for k in own_keys)


def _next(questions: list[Question], used: set[str]) -> Question:
    """The next question of a kind, one on a text the quiz has not asked about yet when there is one (a choice
    and a cloze on the same duty give each other away)."""
    fresh = next((i for i in range(len(questions) - 1, -1, -1) if questions[i].source_text not in used), None)
    return questions.pop(len(questions) - 1 if fresh is None else fresh)


def make_quiz(build: Build, role: Role, audience: Audience, n: int, seed: int = 0) -> list[Question]:
    """N questions of the role, kinds taken in turn (in an order the seed shuffles), each kind's in seeded order,
    no two on the same text while others are left."""
    rng = random.Random(seed)
    by_kind: dict[str, list[Question]] = {k: [] for k in KINDS}
    for q in all_questions(build, role, audience, seed):
        by_kind[q.kind].append(q)
    for questions in by_kind.values():
        rng.shuffle(questions)
    order = list(KINDS)
    rng.shuffle(order)
    picked: list[Question] = []
    used: set[str] = set()
    while len(picked) < n and any(by_kind.values()):
        for kind in order:
            if by_kind[kind] and len(picked) < n:
                picked.append(_next(by_kind[kind], used))
                used.add(picked[-1].source_text)
    return picked
