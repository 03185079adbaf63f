"""`dutykb bench fusion`: score fusion methods and weights offline, on cached per-retriever rankings.

Each question is searched once per retriever (top-N with scores); every fusion
variant is then computed from those lists, so the grid costs no extra searches.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from tqdm import tqdm

from evals.metrics import CUTOFF, first_relevant_rank, rank_summary
from kb.retrieve import HybridRetriever, convex_fuse, rrf_fuse

GRID_CANDIDATES = 50
RRF_KS = (10, 60)
RRF_BM25_WEIGHTS = (1.0, 2.0, 3.0, 4.0, 6.0)
CONVEX_ALPHAS = (0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass
class Lists:
    bm25: list[tuple[int, float]]
    dense: list[tuple[int, float]]
    relevant: set[int]


def collect(retriever: HybridRetriever, queries, is_relevant, label: str) -> list[Lists]:
    chunks = retriever.kb.build.chunks
    out = []
    for question, target in tqdm(queries, desc=label, unit="q", file=sys.stderr):
        searched = retriever.search_each(question, k=GRID_CANDIDATES, modes=("bm25", "dense")).hits
        per_mode = {mode: [(retriever.kb.build.position[h.chunk.chunk_id], h.score) for h in hits]
                    for mode, hits in searched.items()}
        candidates = {i for lst in per_mode.values() for i, _ in lst}
        relevant = {i for i in candidates if is_relevant(chunks[i], target)}
        out.append(Lists(per_mode["bm25"], per_mode["dense"], relevant))
    return out


Fusion = Callable[[Lists], list[int]]


def _rrf(k: int, bm25_weight: float) -> Fusion:
    def fuse(lists: Lists) -> list[int]:
        rankings = {"bm25": [i for i, _ in lists.bm25], "dense": [i for i, _ in lists.dense]}
        return [i for i, _ in rrf_fuse(rankings, {"bm25": bm25_weight, "dense": 1.0}, k)]
    return fuse


def _convex(alpha: float) -> Fusion:
    def fuse(lists: Lists) -> list[int]:
        return [i for i, _ in convex_fuse({"bm25": lists.bm25, "dense": lists.dense},
                                          {"bm25": alpha, "dense": 1 - alpha})]
    return fuse


def variants() -> dict[str, Fusion]:
    table: dict[str, Fusion] = {
        "bm25 only": lambda lists: [i for i, _ in lists.bm25],
        "dense only": lambda lists: [i for i, _ in lists.dense],
    }
    for k in RRF_KS:
        for w in RRF_BM25_WEIGHTS:
            table[f"rrf k={k} bm25:dense={w:g}:1"] = _rrf(k, w)
    for a in CONVEX_ALPHAS:
        table[f"convex alpha(bm25)={a:g}"] = _convex(a)
    return table


def score_grid(lists: list[Lists]) -> dict[str, dict]:
    results = {}
    for name, fuse in variants().items():
        ranks = [first_relevant_rank([i in L.relevant for i in fuse(L)[:CUTOFF]]) for L in lists]
        results[name] = rank_summary(ranks)
    return results
