"""What the level model reads: the earlier stages' scores and findings of one question, as named numbers.

A leaf of the answer path (kb.answer): it imports no stage, so the level stage hands it plain values
(`Signals`). Each feature is a fact the rules of kb.answer.level weigh by hand (the best similarity,
a question word no document has, a failed typed check) or a score they never read (margins between
the best passages, BM25's best score, whether the quotes hold the question's most specific word). The
fitted level model (kb.answer.levelmodel, evals/fit_levels.py) weighs them. These are the candidates
that helped the held-out split (`dutykb eval --ablate`, README "Answer levels").
"""
from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from kb.answer.checks import Missing
from kb.answer.passage import Passage
from kb.query import Query

# the typed checks of kb.answer.checks that kept a place in the model (README "Answer levels": the others, and the
# checks for a person, a modal word and the named role's own text, did not help the held-out split)
CHECKS = (Missing.FIGURE, Missing.MONEY, Missing.QUALIFICATION, Missing.ROLE, Missing.PENALTY)
FEATURES = (
    "confidence",  # the best passage's own embedding similarity to the question
    "dense_margin",  # …minus the second best passage's
    "score_margin",  # the best passage's ranking score minus the second's
    "bm25_best",  # log(1 + the best chunk's BM25 score)
    "absent_share",  # share of the question's focus words no document has
    "key_uncovered",  # the question's most specific focus word some document has is not in the quotes
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
    key_uncovered: bool


def _margin(values: list[float]) -> float:
    ordered = sorted(values, reverse=True)
    return ordered[0] - ordered[1] if len(ordered) > 1 else ordered[0] if ordered else 0.0


def features(signals: Signals) -> dict[str, float]:
    """The named features of one question (every name of FEATURES, in that order)."""
    passages = signals.passages
    bm25 = sorted(signals.bm25.values(), reverse=True)
    focus = len(signals.query.focus)
    values = {
        "confidence": max((p.dense for p in passages), default=0.0),
        "dense_margin": _margin([p.dense for p in passages]),
        "score_margin": _margin([p.score for p in passages]),
        "bm25_best": math.log1p(max(bm25[0], 0.0)) if bm25 else 0.0,
        "absent_share": len(signals.absent) / focus if focus else 0.0,
        "key_uncovered": float(signals.key_uncovered),
    }
    values.update({f"missing_{m.value}": float(m in signals.missing) for m in CHECKS})
    return {name: values[name] for name in FEATURES}
