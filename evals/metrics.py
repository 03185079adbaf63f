"""Rank metrics over the 1-based rank of the first relevant result (None: not found within CUTOFF)."""
from __future__ import annotations

import math

CUTOFF = 10  # results looked at per retriever: MRR@10, nDCG@10 and the deepest recall
RECALL_CUTOFFS = (1, 5, CUTOFF)


def recall_at(ranks: list[int | None], k: int) -> float:
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def mrr_at(ranks: list[int | None], k: int = CUTOFF) -> float:
    return sum(1.0 / r for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def rank_summary(ranks: list[int | None]) -> dict[str, float]:
    """MRR@10, R@1/5/10 and the number of questions, as benchmarks print them."""
    out = {f"MRR@{CUTOFF}": mrr_at(ranks)}
    out.update({f"R@{k}": recall_at(ranks, k) for k in RECALL_CUTOFFS})
    out["n"] = len(ranks)
    return out


def first_relevant_rank(relevance: list[bool]) -> int | None:
    for rank, relevant in enumerate(relevance, 1):
        if relevant:
            return rank
    return None


def ndcg_at(flags: list[bool], relevant_total: int, k: int = CUTOFF) -> float:
    """Binary-relevance nDCG@k; the ideal ranking puts min(relevant_total, k) relevant results first."""
    ideal_hits = min(relevant_total, k)
    if ideal_hits == 0:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 1) for i, rel in enumerate(flags[:k], 1) if rel)
    idcg = sum(1.0 / math.log2(i + 1) for i in range(1, ideal_hits + 1))
    return dcg / idcg
