"""Hybrid retrieval: BM25 and dense results fused (convex score fusion by default, or weighted RRF).

When the question asks for a role's duties ("值班长要做什么"), the chunks of that role's
duty list join the fusion as a third ranking: a 2-character role name is a
weak lexical signal next to the many words a duty list shares with others.

The method and weights were chosen with `dutykb bench fusion` on the seed suite
and DRCD/CMRC dev; see README "Retrieval choices" for the figures.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from kb.access import PUBLIC, Audience
from kb.errors import DutyKBError
from kb.knowledge import KnowledgeBase
from kb.normalize import normalize
from kb.records import Hit
from kb.vectorstore import CollectionMissing, VectorFilter

Mode = Literal["hybrid", "bm25", "dense"]
MODES: tuple[Mode, ...] = ("hybrid", "bm25", "dense")
MAX_QUERY_CHARS = 2000
DUTY_QUESTION = re.compile(r"职责|职能|守则|负责(什么|哪些|啥)|做(什么|哪些|啥)|干(什么|啥|嘛)|工作内容|任务|分工|本职")


class QueryError(DutyKBError):
    """A query that cannot be searched (empty, whitespace only)."""


@dataclass
class PerMode:
    """One query searched by several retrievers: each one's hits, and how long each search took."""

    hits: dict[str, list[Hit]] = field(default_factory=dict)
    ms: dict[str, float] = field(default_factory=dict)


def rrf_fuse(rankings: dict[str, list[int]], weights: dict[str, float], k: int) -> list[tuple[int, float]]:
    """Weighted RRF: score(d) = sum_r w_r / (k + rank_r(d)), ranks from 1; best first, ties by index."""
    scores: dict[int, float] = {}
    for name, ranking in rankings.items():
        weight = weights.get(name, 1.0)
        for rank, idx in enumerate(ranking, 1):
            scores[idx] = scores.get(idx, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def convex_fuse(scored: dict[str, list[tuple[int, float]]], weights: dict[str, float]) -> list[tuple[int, float]]:
    """Weighted sum of min-max normalised scores (a list's missing documents count 0); best first."""
    fused: dict[int, float] = {}
    for name, items in scored.items():
        if not items:
            continue
        values = [s for _, s in items]
        low, high = min(values), max(values)
        span = (high - low) or 1.0
        for idx, score in items:
            fused[idx] = fused.get(idx, 0.0) + weights.get(name, 1.0) * (score - low) / span
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


def clean_query(query: str) -> str:
    text = "".join(ch for ch in query if ch.isprintable() or ch in "\n\t")
    text = text.strip()
    if not text:
        raise QueryError("query is empty")
    return text[:MAX_QUERY_CHARS]


class HybridRetriever:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def _allowed(self, role: str | None, audience: Audience) -> np.ndarray | None:
        visible = self.kb.build.visible(audience)
        if not role:
            return visible
        names = self.kb.resolve_role(role, audience)
        in_role = np.array([c.role in names for c in self.kb.build.chunks], dtype=bool)
        return in_role if visible is None else in_role & visible

    def bm25_ranking(self, match_query: str, n: int, allowed: np.ndarray | None,
                     visible: np.ndarray | None = None) -> tuple[list[int], np.ndarray]:
        """BM25 ranking among `allowed` chunks, scored over the `visible` ones only (see kb.lexical)."""
        scores = self.kb.build.lexical.scores(match_query, visible)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        positive = np.flatnonzero(scores > 0)
        order = positive[np.argsort(-scores[positive], kind="stable")][:n]
        return order.tolist(), scores

    def dense_ranking(self, match_query: str, n: int, role: str | None,
                      audience: Audience = PUBLIC) -> tuple[list[int], dict[int, float]]:
        build = self.kb.build
        where = VectorFilter(audience=audience if build.visible(audience) is not None else None,
                             roles=frozenset(self.kb.resolve_role(role, audience)) if role else frozenset())
        vector = self.kb.query_vector(match_query)
        hits = self.kb.store.query(build.manifest.collection, vector, n, where)
        ranking = [build.position[h.chunk_id] for h in hits if h.chunk_id in build.position]
        sims = {build.position[h.chunk_id]: h.similarity for h in hits if h.chunk_id in build.position}
        return ranking, sims

    def _fuse(self, rankings: dict[str, list[int]], bm25_scores: np.ndarray,
              dense_sims: dict[int, float]) -> list[tuple[int, float]]:
        settings = self.kb.settings
        weights = {"bm25": settings.bm25_weight, "dense": settings.dense_weight, "role": settings.role_weight}
        if settings.fusion == "rrf":
            return rrf_fuse(rankings, weights, settings.rrf_k)
        scored = {"bm25": [(i, float(bm25_scores[i])) for i in rankings["bm25"]],
                  "dense": [(i, dense_sims[i]) for i in rankings["dense"]]}
        fused = dict(convex_fuse(scored, weights))
        for i in rankings.get("role", []):  # a named role's duty list: a flat bonus, it has no score scale
            fused[i] = fused.get(i, 0.0) + weights["role"]
        return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))

    def search(self, query: str, k: int | None = None, role: str | None = None, mode: Mode = "hybrid",
               audience: Audience = PUBLIC) -> list[Hit]:
        try:
            return self._search(query, k, role, mode, audience)
        except CollectionMissing:
            # The build this reader holds was dropped (two publishes since it last looked): reopen, retry once.
            if not self.kb.refresh():
                raise
            return self._search(query, k, role, mode, audience)

    def _search(self, query: str, k: int | None, role: str | None, mode: Mode, audience: Audience) -> list[Hit]:
        settings = self.kb.settings
        k = k or settings.top_k
        match_query = normalize(clean_query(query))
        build = self.kb.build
        n = max(settings.candidates, k)
        rankings: dict[str, list[int]] = {}
        bm25_scores: np.ndarray | None = None
        dense_sims: dict[int, float] = {}
        if mode in ("hybrid", "bm25"):
            rankings["bm25"], bm25_scores = self.bm25_ranking(match_query, n, self._allowed(role, audience),
                                                              build.visible(audience))
        if mode in ("hybrid", "dense"):
            rankings["dense"], dense_sims = self.dense_ranking(match_query, n, role, audience)
        asks_duties = mode == "hybrid" and not role and DUTY_QUESTION.search(match_query)
        mentioned = self.kb.roles_mentioned(match_query, audience) if asks_duties else set()
        if mentioned:
            candidates = dict.fromkeys(rankings["bm25"] + rankings["dense"])
            rankings["role"] = [i for i in candidates if build.chunks[i].role in mentioned]
        if mode == "dense":
            fused = [(i, dense_sims[i]) for i in rankings["dense"]]
        else:
            assert bm25_scores is not None  # computed for both other modes above
            fused = ([(i, float(bm25_scores[i])) for i in rankings["bm25"]] if mode == "bm25"
                     else self._fuse(rankings, bm25_scores, dense_sims))
        hits = []
        for rank, (idx, score) in enumerate(fused[:k], 1):
            ranks = {name: r.index(idx) + 1 for name, r in rankings.items() if idx in r}
            scores = {}
            if bm25_scores is not None:
                scores["bm25"] = float(bm25_scores[idx])
            if idx in dense_sims:
                scores["dense"] = dense_sims[idx]
            hits.append(Hit(build.chunks[idx], score, rank, ranks, scores))
        return hits


    def search_each(self, query: str, k: int, role: str | None = None, audience: Audience = PUBLIC,
                    modes: tuple[Mode, ...] = MODES) -> PerMode:
        """The same query under each retriever (evaluations, benchmarks and hit tests compare them)."""
        result = PerMode()
        for mode in modes:
            start = time.perf_counter()
            result.hits[mode] = self.search(query, k=k, role=role, mode=mode, audience=audience)
            result.ms[mode] = (time.perf_counter() - start) * 1000
        return result


class KBRetriever(BaseRetriever):
    """The hybrid retriever as a langchain `BaseRetriever` (chunk text as page_content)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    kb: KnowledgeBase
    k: int = 5
    role: str | None = None
    audience: Audience = PUBLIC

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = HybridRetriever(self.kb).search(query, k=self.k, role=self.role, audience=self.audience)
        documents = []
        for hit in hits:
            metadata = {k: v for k, v in hit.to_json().items() if k != "text"}
            documents.append(Document(page_content=hit.chunk.text,
                                      metadata={**metadata, "breadcrumb": hit.chunk.breadcrumb}))
        return documents
