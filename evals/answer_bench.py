"""`dutykb bench answers`: answer quality, abstention calibration and latency on a suite."""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from kb.stats import percentile
from evals.runner import evidence_in_answer
from evals.suite import Case, load_suite
from kb.answer import Answerer
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
    answerable = [o for o in outcomes if not o.case.abstain]
    unanswerable = [o for o in outcomes if o.case.abstain]

    def abstains(o: Outcome) -> bool:
        return o.answer.abstained or o.answer.confidence < threshold

    return {
        "evidence_in_answer": sum(o.evidence_found and not abstains(o) for o in answerable) / max(1, len(answerable)),
        "answerable_abstained": sum(abstains(o) for o in answerable) / max(1, len(answerable)),
        "unanswerable_abstained": sum(abstains(o) for o in unanswerable) / max(1, len(unanswerable)),
    }


def calibrate(outcomes: list[Outcome]) -> float:
    """The highest threshold that keeps answerable abstentions within MAX_ANSWERABLE_ABSTAIN."""
    scores = sorted({o.answer.confidence for o in outcomes})
    best = min(scores) if scores else 0.0
    for threshold in scores:
        if rates(outcomes, threshold)["answerable_abstained"] <= MAX_ANSWERABLE_ABSTAIN:
            best = threshold
    return round(best - THRESHOLD_STEP, 3)


def run(args: argparse.Namespace, settings: Settings) -> int:
    cases = load_suite(Path(args.suite)).cases
    outcomes = collect(settings.with_overrides(abstain_below=NO_ABSTENTION), cases)
    threshold = calibrate(outcomes) if args.calibrate else settings.abstain_below
    result = rates(outcomes, threshold)
    latencies = [o.ms for o in outcomes]
    print(f"{len(cases)} cases ({sum(not c.abstain for c in cases)} answerable), abstain_below={threshold}")
    for name, value in result.items():
        print(f"  {name:24s} {value:.3f}")
    print(f"  latency ms               p50 {statistics.median(latencies):.1f}  p95 {percentile(latencies, 95):.1f}")
    if args.verbose:
        for o in outcomes:
            state = "abstain" if o.answer.confidence < threshold else ("ok" if o.evidence_found else "MISS")
            if o.case.abstain:
                state = "ok" if o.answer.confidence < threshold else "ANSWERED"
            print(f"  {o.answer.confidence:6.3f} {state:8s} {o.case.id:32s} {o.case.question}")
    return 0
