"""Retrieval quality per retriever (BM25, dense, fused) on a suite, with hybrid search latency."""
from __future__ import annotations

import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from tqdm import tqdm

from evals.metrics import CUTOFF, first_relevant_rank, rank_summary
from evals.relevance import is_relevant
from evals.suite import Case, load_suite
from kb.knowledge import KnowledgeBase
from kb.records import Chunk
from kb.retrieve import MODES, HybridRetriever
from kb.settings import Settings
from kb.stats import percentile

Target = TypeVar("Target")
P50, P95 = 50, 95
SCRIPT_TAGS = ("simplified", "traditional")


def score_queries(retriever: HybridRetriever, queries: Sequence[tuple[str, Any]],
                  relevant: Callable[[Chunk, Any], bool], label: str, show: bool = True) -> dict:
    """Rank metrics per retriever plus hybrid latency; `relevant(chunk, target)` decides a hit."""
    ranks: dict[str, list[int | None]] = {m: [] for m in MODES}
    latency: list[float] = []
    retriever.kb.clear_query_cache()  # latency must include embedding each question
    for question, target in tqdm(queries, desc=label, unit="q", disable=not show, file=sys.stderr):
        per_mode = retriever.search_each(question, k=CUTOFF)
        latency.append(per_mode.ms["hybrid"])  # hybrid runs first, so it pays for the query embedding
        for mode, hits in per_mode.hits.items():
            ranks[mode].append(first_relevant_rank([relevant(h.chunk, target) for h in hits]))
    result: dict[str, Any] = {mode: rank_summary(r) for mode, r in ranks.items()}
    result["latency_ms"] = {"p50": percentile(latency, P50), "p95": percentile(latency, P95)}
    return result


class SuiteSet:
    """A suite's answerable cases (optionally a seeded sample) over the live index."""

    def __init__(self, settings: Settings, path: Path, sample: int | None = None, seed: int = 13) -> None:
        suite = load_suite(path)
        cases = [c for c in suite.cases if c.answerable]
        if sample:
            cases = random.Random(seed).sample(cases, min(sample, len(cases)))
        self.name = suite.name
        self.cases = cases
        self.queries: list[tuple[str, Case]] = [(c.question, c) for c in cases]
        self.retriever = HybridRetriever(KnowledgeBase(settings))
        self.is_relevant: Callable[[Chunk, Case], bool] = lambda chunk, case: is_relevant(case, chunk)


def suite_retrieval(suite: SuiteSet, show: bool = True) -> dict:
    """All answerable cases, then the Simplified and Traditional questions separately."""
    out: dict[str, Any] = {"suite": suite.name,
                           "all": score_queries(suite.retriever, suite.queries, suite.is_relevant, suite.name, show)}
    for script in SCRIPT_TAGS:
        subset = [(c.question, c) for c in suite.cases if script in c.tags]
        if subset:
            out[script] = score_queries(suite.retriever, subset, suite.is_relevant, script, show=False)
    return out
