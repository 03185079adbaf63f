"""What the level model reads: the earlier stages' scores and findings of one question, as named numbers.

A leaf of the answer path (kb.answer): it imports no stage, so the level stage hands it plain values
(`Signals`). Each feature is a fact the rules of kb.answer.level weigh by hand (the best similarity,
a question word no document has, a failed typed check, nothing asked about anywhere …) or a score they
never read (margins between the best passages, BM25's best score, how much of the question the best
passage covers). The fitted level model (kb.answer.levelmodel, evals/fit_levels.py) weighs them.
"""
from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from kb.answer.checks import MIN_OFF_TOPIC_WORDS, Missing
from kb.answer.passage import Passage
from kb.query import Query

# the typed checks of kb.answer.checks, one flag each (FOCUS and OFF_TOPIC are the level's own conclusions)
CHECKS = (Missing.FIGURE, Missing.MONEY, Missing.PENALTY, Missing.QUALIFICATION, Missing.WHO, Missing.MODAL,
          Missing.ROLE, Missing.SUBJECT)
FEATURES = (
    "confidence",  # the best passage's own embedding similarity to the question
    "dense_margin",  # …minus the second best passage's
    "score_margin",  # the best passage's ranking score minus the second's
    "coverage",  # IDF-weighted share of the question's terms the best passage, its heading and title hold
    "bm25_best",  # log(1 + the best chunk's BM25 score)
    "bm25_margin",  # the best chunk's BM25 score minus the second's, as a share of the best
    "focus_words",  # how many focus words the question has
    "absent_share",  # share of the focus words no document has
    "uncovered_share",  # share of the focus words the quotes (and their headings) do not cover
    "key_uncovered",  # the question's most specific focus word some document has is not in the quotes
    "mostly_absent",  # at least two focus words in no document, and most of them
    "off_topic",  # nothing the question is about occurs in any document
    "mentioned",  # the question names a role of the index
    "block",  # the answer quotes a whole block (a list or procedure)
    "asks_kind",  # the question asks for a kind of thing (a figure, money, a sanction, a qualification, a person)
    *(f"missing_{m.value}" for m in CHECKS),
)


@dataclass(frozen=True)
class Signals:
    """What the stages before the level computed for one question, the best passage first."""

    query: Query
    passages: list[Passage]  # every retrieved passage, best first
    bm25: Mapping[int, float]  # BM25 score per chunk position (kb.retrieve)
    missing: Collection[Missing]  # the failed typed checks (kb.answer.verify)
    absent: Collection[str]  # focus words no document has
    uncovered: Collection[str]  # focus words the quotes do not cover
    key_uncovered: bool
    off_topic: bool
    block: bool
    asks_kind: bool


def _margin(values: list[float]) -> float:
    ordered = sorted(values, reverse=True)
    return ordered[0] - ordered[1] if len(ordered) > 1 else ordered[0] if ordered else 0.0


def features(signals: Signals) -> dict[str, float]:
    """The named features of one question (every name of FEATURES, in that order)."""
    query, passages = signals.query, signals.passages
    best = passages[0] if passages else None
    bm25 = sorted(signals.bm25.values(), reverse=True)
    focus = len(query.focus)
    absent = len(signals.absent)
    values = {
        "confidence": max((p.dense for p in passages), default=0.0),
        "dense_margin": _margin([p.dense for p in passages]),
        "score_margin": _margin([p.score for p in passages]),
        "coverage": best.coverage if best is not None else 0.0,
        "bm25_best": math.log1p(max(bm25[0], 0.0)) if bm25 else 0.0,
        "bm25_margin": (bm25[0] - bm25[1]) / bm25[0] if len(bm25) > 1 and bm25[0] > 0 else 0.0,
        "focus_words": float(focus),
        "absent_share": absent / focus if focus else 0.0,
        "uncovered_share": len(signals.uncovered) / focus if focus else 0.0,
        "key_uncovered": float(signals.key_uncovered),
        "mostly_absent": float(absent >= MIN_OFF_TOPIC_WORDS and absent * 2 > focus),
        "off_topic": float(signals.off_topic),
        "mentioned": float(bool(query.mentioned)),
        "block": float(signals.block),
        "asks_kind": float(signals.asks_kind),
    }
    values.update({f"missing_{m.value}": float(m in signals.missing) for m in CHECKS})
    return {name: values[name] for name in FEATURES}
