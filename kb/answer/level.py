"""Stage 4, level: three honest levels for an answer: answered, partial (topic covered, the thing asked is not), none.

The best passage's similarity separates off-topic questions well (below `abstain_below`: none). For
on-topic questions the documents do not answer, no single score does (see issue 14), so the verify
stage's findings decide: any failed check gives `partial` (the answer says what is not covered, then
shows the closest rules); a question word found in no document (工资, 碎纸机) makes the answer partial
unless the match is strong (`answer_above`: paraphrases such as 零食 for 食品 usually score high); most
of the question's words in no document with a weak match, or nothing it is about anywhere, gives none.

With `level_method = "fitted"` the same findings and the retrieval's scores are features
(kb.answer.features) of a fitted model (kb.answer.levelmodel) instead: no finding vetoes an answer alone.
The failed checks still say what a partial answer lacks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kb.answer.checks import MIN_OFF_TOPIC_WORDS, Missing, RoleFinder, covers_asked, key_word
from kb.answer.ctx import Ctx
from kb.answer.features import Signals, features
from kb.answer.levelmodel import LevelModel, Outcome, shipped
from kb.answer.passage import Passage
from kb.answer.select import Selected, Shape
from kb.answer.terms import Scorer
from kb.answer.verify import Findings, Verified, check
from kb.normalize import normalize
from kb.query import Query

__all__ = ["Leveled", "Level", "Missing", "Verdict", "decide", "fitted", "judge", "level_at", "run", "signals"]


class Level(StrEnum):
    ANSWERED = "answered"
    PARTIAL = "partial"
    NONE = "none"


@dataclass(frozen=True)
class Verdict:
    level: Level
    missing: list[Missing] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # question words no document has
    role: str = ""  # the post a duty question asks about that the index has no role for


@dataclass(frozen=True)
class Leveled:
    verified: Verified
    verdict: Verdict


def run(ctx: Ctx, verified: Verified) -> Leveled:
    selected = verified.selected
    if selected.selection is not None and selected.selection.shape is Shape.DUTY_LIST:
        findings = verified.findings  # the registry's own list for the role asked about…
        if findings is None:
            return Leveled(verified, Verdict(Level.ANSWERED))
        return Leveled(verified, Verdict(Level.PARTIAL, list(findings.missing), list(findings.absent)))  # …closest
    settings = ctx.kb.settings
    if (ctx.level_method or settings.level_method) == "fitted":
        return Leveled(verified, fitted(ctx.level_model or shipped(), ctx.scorer, selected, verified.findings))
    verdict = decide(selected.retrieved.query, verified.findings, selected.confidence, settings.abstain_below,
                     settings.answer_above)
    return Leveled(verified, verdict)


def signals(scorer: Scorer, selected: Selected, findings: Findings) -> Signals:
    """What the level model reads of one question's retrieval, selection and findings."""
    retrieved = selected.retrieved
    query = retrieved.query
    quotes = selected.selection.quotes() if selected.selection is not None else []
    key = key_word(query, scorer)
    around = normalize("\n".join([q.text for q in quotes] + [q.heading for q in quotes]))
    terms = frozenset().union(*(scorer.terms(q.text) | scorer.terms(q.heading) for q in quotes))
    synonyms = scorer.kb.build.lexical.tokenizer.synonyms
    key_uncovered = key is not None and not covers_asked(query, key, around, terms, synonyms)
    return Signals(query, retrieved.passages, retrieved.retrieval.scores.get("bm25", {}), findings.missing,
                   findings.absent, key_uncovered)


def fitted(model: LevelModel, scorer: Scorer, selected: Selected, findings: Findings | None) -> Verdict:
    """The level the fitted model gives these findings (None: nothing quoted, so none). A partial answer says
    what the failed checks found lacking, and names the question words no document has."""
    if findings is None:
        return Verdict(Level.NONE)
    outcome = model.outcome(features(signals(scorer, selected, findings)))
    if outcome is Outcome.ANSWERED:
        return Verdict(Level.ANSWERED, role=findings.post)
    missing = list(findings.missing) + ([Missing.FOCUS] if findings.absent else [])
    if outcome is Outcome.NONE:
        missing.append(Missing.OFF_TOPIC)
        return Verdict(Level.NONE, missing, list(findings.absent), findings.post)
    return Verdict(Level.PARTIAL, missing, list(findings.absent), findings.post)


def decide(query: Query, findings: Findings | None, confidence: float, abstain_below: float,
           answer_above: float) -> Verdict:
    """The level of an answer with these findings (None: nothing quoted) and this best similarity. The findings
    count even when the level is none, so a report can tell what the level would be at another `abstain_below`."""
    if findings is None:
        return Verdict(Level.NONE)
    missing = list(findings.missing)
    absent = list(findings.absent)
    if absent and confidence < answer_above:
        missing.append(Missing.FOCUS)
    # most of what it is about is in no document, and the best match is too weak for a paraphrase
    # ("2022年世界杯冠军是哪个国家": 世界杯, 冠军 are in none; 国家 alone is in some)
    mostly_absent = (len(absent) >= MIN_OFF_TOPIC_WORDS and len(absent) * 2 > len(query.focus)
                     and confidence < answer_above and not query.mentioned)
    unrelated = mostly_absent or findings.off_topic
    if unrelated:
        missing.append(Missing.OFF_TOPIC)
    if confidence < abstain_below or unrelated:
        return Verdict(Level.NONE, missing, absent, findings.post)
    return Verdict(Level.PARTIAL if missing else Level.ANSWERED, missing, absent, findings.post)


def judge(query: Query, quotes: list[Passage], confidence: float, scorer: Scorer, roles_in: RoleFinder,
          abstain_below: float, answer_above: float, subject_docs: set[str] | None = None) -> Verdict:
    """Verify and level in one call: the level of an answer that quotes `quotes`, the best one first."""
    findings = check(query, quotes, scorer, roles_in, subject_docs) if quotes else None
    return decide(query, findings, confidence, abstain_below, answer_above)


def level_at(confidence: float, reasons: list[str], abstain_below: float) -> Level:
    """The level an answer with these check results would have at another abstention threshold."""
    if confidence < abstain_below or Missing.OFF_TOPIC.value in reasons:
        return Level.NONE
    return Level.PARTIAL if reasons else Level.ANSWERED
