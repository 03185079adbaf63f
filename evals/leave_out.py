"""Leave-gold-out: public reading-comprehension questions made unanswerable against their own article.

Each sampled DRCD/CMRC question is answered twice over the file's paragraph index: as it is (its gold
paragraph is there: answerable), and with its gold paragraph excluded from every retrieval step
(`Query.excluded`): the rest of its article still covers the topic, the thing asked is gone. The levels
of both, over a range of abstention thresholds, calibrate `abstain_below` on many more cases than the
hand-written suites hold (`dutykb bench levels --squad FILE`).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from evals.squad import SquadSet
from kb.answer import Answerer
from kb.answer.level import Level, level_at
from kb.settings import Settings

CURVE = [round(0.84 + 0.005 * i, 3) for i in range(17)]


@dataclass(frozen=True)
class Pair:
    """One question's answer with its gold paragraph and without it."""

    with_gold: tuple[float, list[str]]  # (confidence, reasons)
    without_gold: tuple[float, list[str]]


def collect(settings: Settings, path: Path, sample: int | None, seed: int, show: bool = True) -> list[Pair]:
    squad = SquadSet(settings, path, sample, seed)
    answerer = Answerer(squad.retriever.kb)
    pairs = []
    for question, target in tqdm(squad.questions, desc=path.stem, unit="q", disable=not show, file=sys.stderr):
        gold = frozenset({squad.chunks[target].chunk_id})
        found = [answerer.respond(answerer.query(question, excluded=excluded), streaming=False).run()
                 for excluded in (frozenset(), gold)]
        with_gold, without_gold = ((a.confidence, a.reasons) for a in found)
        pairs.append(Pair(with_gold, without_gold))
    return pairs


def rates(pairs: list[Pair], threshold: float) -> dict[str, float]:
    def share(side: str, levels: tuple[Level, ...]) -> float:
        judged = [getattr(p, side) for p in pairs]
        return sum(level_at(confidence, reasons, threshold) in levels for confidence, reasons in judged) / max(
            1, len(pairs))

    return {"threshold": threshold,
            "with_gold_answered": share("with_gold", (Level.ANSWERED,)),
            "with_gold_none": share("with_gold", (Level.NONE,)),
            "without_gold_none_or_partial": share("without_gold", (Level.NONE, Level.PARTIAL)),
            "without_gold_none": share("without_gold", (Level.NONE,))}


def leave_gold_out(settings: Settings, path: Path, sample: int | None, seed: int, show: bool = True) -> dict:
    pairs = collect(settings, path, sample, seed, show)
    return {"file": str(path), "questions": len(pairs), "at_setting": rates(pairs, settings.abstain_below),
            "curve": [rates(pairs, t) for t in CURVE]}
