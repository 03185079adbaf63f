"""Answer quality, abstention calibration and latency on a suite (`dutykb bench ask`)."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from tqdm import tqdm

from evals.relevance import evidence_in_answer
from evals.suite import Case
from kb.answer import Answerer
from kb.answer.level import Level, level_at
from kb.knowledge import KnowledgeBase
from kb.records import Answer
from kb.settings import Settings

NO_ABSTENTION = float("-inf")
MAX_ANSWERABLE_ABSTAIN = 0.05
THRESHOLD_STEP = 0.005
WARMUP = 3


@dataclass
class Outcome:
    case: Case
    answer: Answer
    evidence_found: bool
    ms: float


def collect(settings: Settings, cases: list[Case], show: bool = True) -> list[Outcome]:
    answerer = Answerer(KnowledgeBase(settings))
    for case in cases[:WARMUP]:
        answerer.answer(case.question)
    answerer.kb.clear_query_cache()
    out = []
    for case in tqdm(cases, desc="answers", unit="q", disable=not show, file=sys.stderr):
        start = time.perf_counter()
        answer = answerer.answer(case.question)
        ms = (time.perf_counter() - start) * 1000
        out.append(Outcome(case, answer, not case.abstain and evidence_in_answer(case, answer), ms))
    return out


def rates(outcomes: list[Outcome], threshold: float) -> dict[str, float]:
    """Level rates with `threshold` as abstain_below (each answer's checks unchanged, see kb.answer.level.level_at)."""
    answerable = [o for o in outcomes if not o.case.abstain]
    unanswerable = [o for o in outcomes if o.case.abstain]

    def level(o: Outcome) -> Level:
        return level_at(o.answer.confidence, o.answer.reasons, threshold)

    return {
        "evidence_in_answer": sum(o.evidence_found and level(o) is not Level.NONE for o in answerable)
        / max(1, len(answerable)),
        "answerable_answered": sum(level(o) is Level.ANSWERED for o in answerable) / max(1, len(answerable)),
        "answerable_abstained": sum(level(o) is Level.NONE for o in answerable) / max(1, len(answerable)),
        "unanswerable_abstained": sum(level(o) is Level.NONE for o in unanswerable) / max(1, len(unanswerable)),
        "unanswerable_hedged_or_none": sum(level(o) is not Level.ANSWERED for o in unanswerable)
        / max(1, len(unanswerable)),
    }


def calibrate(outcomes: list[Outcome]) -> float:
    """The highest threshold that keeps answerable abstentions (level none) within MAX_ANSWERABLE_ABSTAIN."""
    scores = sorted({o.answer.confidence for o in outcomes})
    best = min(scores) if scores else 0.0
    for threshold in scores:
        if rates(outcomes, threshold)["answerable_abstained"] <= MAX_ANSWERABLE_ABSTAIN:
            best = threshold
    return round(best - THRESHOLD_STEP, 3)
