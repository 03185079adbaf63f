"""Aggregate per-case results into retrieval and answer metrics, overall and per suite/tag/role."""
from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable

from pydantic import BaseModel, Field

from evals.metrics import CUTOFF, RECALL_CUTOFFS, mrr_at, ndcg_at, recall_at
from evals.runner import CaseResult
from kb.answer.compose import hedged_kind
from kb.answer.level import Level, level_at
from kb.kinds import holds
from kb.retrieve import MODES
from kb.stats import percentile

P50, P95 = 50, 95
CURVE_FROM, CURVE_TO, CURVE_STEP = 0.84, 0.92, 0.005  # abstain_below values the level curve is drawn over


class CurvePoint(BaseModel):
    """Levels the cases would get at one abstention threshold (`abstain_below`), the other checks unchanged."""

    threshold: float
    answered: float | None  # answerable cases answered
    answerable_none: float | None  # answerable cases abstained (false abstention)
    unanswerable_hedged_or_none: float | None
    off_topic_none: float | None


class Summary(BaseModel):
    """Metrics of a group of cases; metric names are the documented keys (R@5, evidence_in_answer, …)."""

    cases: int
    answerable: int
    retrieval: dict[str, dict[str, float]]
    answers: dict[str, float | None]
    level_curve: list[CurvePoint] = Field(default_factory=list)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def retrieval_metrics(results: list[CaseResult]) -> dict[str, dict[str, float]]:
    answerable = [r for r in results if r.answerable]
    out: dict[str, dict[str, float]] = {}
    for mode in MODES:
        ranks = [r.ranks.get(mode) for r in answerable]
        metrics = {f"R@{k}": recall_at(ranks, k) for k in RECALL_CUTOFFS}
        metrics[f"MRR@{CUTOFF}"] = mrr_at(ranks)
        metrics[f"nDCG@{CUTOFF}"] = (statistics.fmean(ndcg_at(r.relevance.get(mode, []), r.relevant_total)
                                                      for r in answerable) if answerable else 0.0)
        out[mode] = metrics
    return out


def false_hedge(result: CaseResult) -> bool:
    """The answer says the documents do not state something of a kind (a figure, a person, money, a consequence)
    that one of its quoted lines holds (kb.kinds, the check the answer path itself uses)."""
    kind = hedged_kind(result.answer)
    return kind is not None and holds(kind, [str(c.get("quote", "")) for c in result.citations])


def answer_metrics(results: list[CaseResult]) -> dict[str, float | None]:
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    off_topic = [r for r in unanswerable if r.off_topic]
    abstained = [r for r in results if r.abstained]
    listed = [r for r in answerable if r.complete is not None]
    dialogues = [r for r in results if r.turns]
    citations = sum(len(r.citations) for r in answerable)
    latencies = [r.latency_ms for r in results]
    placed = [r for r in results if r.other_org is not None]
    return {
        "pass_rate": _ratio(sum(r.passed for r in results), len(results)),
        "evidence_in_answer": _ratio(sum(r.evidence_in_answer and not r.abstained for r in answerable),
                                     len(answerable)),
        "completeness": _ratio(sum(bool(r.complete) and not r.abstained for r in listed), len(listed)),
        "section_precision": _ratio(sum(r.section_hits for r in answerable),
                                    sum(r.section_total for r in answerable)),
        "citation_precision": _ratio(sum(r.supported_citations for r in answerable), citations),
        "answered_rate": _ratio(sum(r.level == "answered" for r in answerable), len(answerable)),
        "partial_rate": _ratio(sum(r.level == "partial" for r in answerable), len(answerable)),
        "unanswerable_hedged_or_none": _ratio(sum(r.level != "answered" for r in unanswerable), len(unanswerable)),
        "off_topic_none": _ratio(sum(r.level == "none" for r in off_topic), len(off_topic)),
        "dialogue_pass_rate": _ratio(sum(r.passed for r in dialogues), len(dialogues)),
        "abstain_precision": _ratio(sum(not r.answerable for r in abstained), len(abstained)),
        "abstain_recall": _ratio(sum(r.abstained for r in unanswerable), len(unanswerable)),
        "false_abstain_rate": _ratio(sum(r.abstained for r in answerable), len(answerable)),
        "false_hedge": sum(false_hedge(r) for r in results),  # a count: any false hedge is one too many
        # answered cases citing another organisation than their expected sources' (kb.scope)
        "other_org_rate": _ratio(sum(bool(r.other_org) for r in placed), len(placed)),
        "latency_p50_ms": percentile(latencies, P50),
        "latency_p95_ms": percentile(latencies, P95),
    }


def level_curve(results: list[CaseResult]) -> list[CurvePoint]:
    """Levels vs. the abstention threshold: each case's level recomputed from its confidence and check results
    (an LLM answer's level is its extractive draft's)."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    off_topic = [r for r in unanswerable if r.off_topic]
    points = []
    steps = round((CURVE_TO - CURVE_FROM) / CURVE_STEP)
    for i in range(steps + 1):
        t = round(CURVE_FROM + i * CURVE_STEP, 4)

        def share(group: list[CaseResult], levels: tuple[Level, ...], t: float = t) -> float | None:
            return _ratio(sum(level_at(r.confidence, r.reasons, t) in levels for r in group), len(group))

        points.append(CurvePoint(threshold=t, answered=share(answerable, (Level.ANSWERED,)),
                                 answerable_none=share(answerable, (Level.NONE,)),
                                 unanswerable_hedged_or_none=share(unanswerable, (Level.NONE, Level.PARTIAL)),
                                 off_topic_none=share(off_topic, (Level.NONE,))))
    return points


def summarize_results(results: list[CaseResult], curve: bool = False) -> Summary:
    """Metrics of the cases; with `curve`, also the levels-vs-threshold curve."""
    return Summary(cases=len(results), answerable=sum(r.answerable for r in results),
                   retrieval=retrieval_metrics(results), answers=answer_metrics(results),
                   level_curve=level_curve(results) if curve else [])


def breakdown(results: list[CaseResult], keys: Callable[[CaseResult], Iterable[str]],
              curve: bool = False) -> dict[str, Summary]:
    groups: dict[str, list[CaseResult]] = {}
    for result in results:
        for key in keys(result):
            groups.setdefault(key, []).append(result)
    return {key: summarize_results(group, curve) for key, group in sorted(groups.items())}


def flatten(metrics: dict, prefix: str = "") -> dict[str, float]:
    """{'retrieval': {'hybrid': {'R@5': x}}} → {'retrieval.hybrid.R@5': x}; None values dropped."""
    flat: dict[str, float] = {}
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            flat[name] = float(value)
    return flat
