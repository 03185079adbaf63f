"""Hybrid retrieval as small steps over one `Query`: lexical, dense, role prior, fusion.

Each step reads the query and adds to a `Retrieval` (rankings per retriever, the fused order,
notices); a reranker would be one more step after fusion. BM25 and dense results are fused by
convex score fusion by default (or weighted RRF), chosen with `dutykb bench fusion` on the seed
suite and DRCD/CMRC dev (README "Retrieval choices").

Role prior: when a duty question names a role ("值班长要做什么"), that role's duty-list chunks
join the fusion with a flat bonus (a two-character role name is a weak lexical signal next to
the many words duty lists share); for other questions the roles the question names, else the
asker's picked role, else the conversation's, get a smaller bonus (see `kb.query`).

Scope: a question about some of the knowledge base's organisations (kb.scope; `Query.scope`) is answered
from their passages only: the other organisations' passages are masked out of BM25 and dropped from the
dense hits before fusion. The best of them are kept apart (`Retrieval.outside`), for a hedge to point to
with their organisation named, never as answer candidates.

Degraded mode: when the vector store cannot be read (server down, disk full, damaged store, or it
no longer holds the live build's collection) a hybrid search continues from BM25 alone and says so
in `Retrieval.notice`; the next search tries the store again, so it recovers by itself.
"""
from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from kb.access import PUBLIC, Audience
from kb.knowledge import KnowledgeBase
from kb.query import Query, QueryError, QuestionType, clean_text
from kb.question import query_of
from kb.records import Hit
from kb.vectorstore import CollectionMissing, VectorFilter, VectorStoreUnavailable

__all__ = ["MODES", "HybridRetriever", "KBRetriever", "Mode", "PerMode", "QueryError", "Retrieval",
           "clean_query", "convex_fuse", "rrf_fuse"]

Mode = Literal["hybrid", "bm25", "dense"]
MODES: tuple[Mode, ...] = ("hybrid", "bm25", "dense")
DEGRADED_NOTICE = "向量检索暂时不可用（{store}），本次只用关键词（BM25）检索，结果可能不如平时完整；恢复后会自动改回。"
COLLECTION_GONE = ("the live build's collection {collection} is not in {store} (was the store deleted?); "
                   "rebuild it with: dutykb ingest")

OUTSIDE_KEPT = 5  # out-of-scope candidates kept per retriever, for the hedge's pointer to another organisation
SCOPE_OVERFETCH = 4  # dense hits asked per candidate beyond the scope's (others' are dropped after the store answers)
clean_query = clean_text  # the name callers have used; one cleaning rule for every entry point


@dataclass
class PerMode:
    """One query searched by several retrievers: each one's hits, and how long each search took."""

    hits: dict[str, list[Hit]] = field(default_factory=dict)
    ms: dict[str, float] = field(default_factory=dict)


@dataclass
class Retrieval:
    """What the steps found for one query: rankings (chunk positions, best first) and scores per retriever,
    the fused order, and a notice when a retriever was unavailable."""

    query: Query
    n: int
    role_filter: frozenset[str] = frozenset()
    rankings: dict[str, list[int]] = field(default_factory=dict)
    scores: dict[str, dict[int, float]] = field(default_factory=dict)
    fused: list[tuple[int, float]] = field(default_factory=list)
    notice: str | None = None
    in_scope: np.ndarray | None = None  # mask of the chunks of the query's organisations (None: no scope)
    # out-of-scope candidates per retriever, (chunk position, score) best first: never fused into the answer
    outside: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    @property
    def degraded(self) -> bool:
        return self.notice is not None


class Step(ABC):
    """One retrieval step: reads the query, adds to the retrieval."""

    @abstractmethod
    def apply(self, kb: KnowledgeBase, r: Retrieval) -> None: ...


def _allowed(kb: KnowledgeBase, r: Retrieval) -> np.ndarray | None:
    build = kb.build
    mask = build.visible(r.query.audience)
    if r.role_filter:
        in_role = np.array([c.role in r.role_filter for c in build.chunks], dtype=bool)
        mask = in_role if mask is None else in_role & mask
    if r.query.excluded:
        keep = np.array([c.chunk_id not in r.query.excluded for c in build.chunks], dtype=bool)
        mask = keep if mask is None else keep & mask
    return mask


class Scoped(Step):
    """The mask of the chunks of the organisations the question is about (kb.scope); none without a scope."""

    def apply(self, kb: KnowledgeBase, r: Retrieval) -> None:
        scope = r.query.scope
        if scope:
            r.in_scope = np.array([o in scope.organisations for o in kb.build.chunk_organisations()], dtype=bool)


class Lexical(Step):
    """BM25 over the build's match-text terms, masked to what the audience may see."""

    def apply(self, kb: KnowledgeBase, r: Retrieval) -> None:
        # scored as if the index held only what the audience may see, so IDF cannot reveal restricted words
        lexical, visible = kb.build.lexical, kb.build.visible(r.query.audience)
        scores = lexical.scores(r.query.match, visible)
        expansion = r.query.expansion
        if expansion:  # the index's words for the question's everyday ones, weighted below its own words
            extra = [t for word in expansion.words for t in lexical.terms(word)]
            scores = scores + kb.settings.expansion_weight * lexical.term_scores(extra, visible)
        allowed = _allowed(kb, r)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        if r.in_scope is not None:
            r.outside["bm25"] = _best(np.where(r.in_scope, 0.0, scores), OUTSIDE_KEPT)
            scores = np.where(r.in_scope, scores, 0.0)
        best = _best(scores, r.n)
        r.rankings["bm25"] = [i for i, _ in best]
        r.scores["bm25"] = dict(best)


def _best(scores: np.ndarray, n: int) -> list[tuple[int, float]]:
    positive = np.flatnonzero(scores > 0)
    order = positive[np.argsort(-scores[positive], kind="stable")][:n]
    return [(int(i), float(scores[i])) for i in order]


class Dense(Step):
    """Nearest chunk vectors in the vector store; with `degrade`, an unavailable store leaves a notice.

    `gone`: the live build's own collection is missing from the store (the store was deleted), so it is
    not asked again in this search: BM25 answers alone, with the notice.
    """

    def __init__(self, degrade: bool, gone: bool = False) -> None:
        self.degrade = degrade
        self.gone = gone

    def apply(self, kb: KnowledgeBase, r: Retrieval) -> None:
        build = kb.build
        if self.gone:
            _without_dense(kb, r, COLLECTION_GONE.format(collection=build.manifest.collection, store=kb.store.name))
            return
        audience = r.query.audience
        where = VectorFilter(audience=audience if build.visible(audience) is not None else None,
                             roles=r.role_filter)
        extra = len(r.query.excluded)  # excluded chunks are dropped after the store answers
        if r.in_scope is not None:  # and so are other organisations' chunks: ask for some of theirs too
            extra += min(int(np.count_nonzero(~r.in_scope)), r.n * SCOPE_OVERFETCH)
        try:
            # the collection may also hold other builds' vectors (ingest.collection): only this build's count
            hits = kb.store.query(build.manifest.collection, kb.query_vector(r.query.match), r.n + extra, where,
                                  own=len(build.chunks))
        except CollectionMissing:
            raise  # the reader's build was dropped: HybridRetriever.retrieve reopens and retries
        except VectorStoreUnavailable as exc:
            if not self.degrade:
                raise
            _without_dense(kb, r, str(exc))
            return
        positions = [(build.vector_position.get(h.vector_id), h.similarity) for h in hits]
        kept = [(i, similarity) for i, similarity in positions
                if i is not None and build.chunks[i].chunk_id not in r.query.excluded]
        if r.in_scope is not None:
            r.outside["dense"] = [(i, s) for i, s in kept if not r.in_scope[i]][:OUTSIDE_KEPT]
            kept = [(i, s) for i, s in kept if r.in_scope[i]]
        kept = kept[:r.n]
        r.rankings["dense"] = [i for i, _ in kept]
        r.scores["dense"] = dict(kept)


def _without_dense(kb: KnowledgeBase, r: Retrieval, why: str) -> None:
    r.rankings["dense"], r.scores["dense"] = [], {}
    r.notice = DEGRADED_NOTICE.format(store=kb.store.name) + f"（{why}）"


class RolePrior(Step):
    """Chunks of the roles a question is about, as a ranking of their own (fused with a flat bonus)."""

    def apply(self, kb: KnowledgeBase, r: Retrieval) -> None:
        q = r.query
        roles = q.duty_roles if q.qtype is QuestionType.DUTY else q.prior_roles
        if not roles or r.role_filter:
            return
        chunks = kb.build.chunks
        candidates = dict.fromkeys(r.rankings.get("bm25", []) + r.rankings.get("dense", []))
        name = "role" if q.qtype is QuestionType.DUTY else "prior"
        r.rankings[name] = [i for i in candidates if chunks[i].role in roles]


class Fusion(Step):
    """Convex (weighted min-max normalised scores) or weighted RRF, plus the role bonuses."""

    def apply(self, kb: KnowledgeBase, r: Retrieval) -> None:
        s = kb.settings
        weights = {"bm25": s.bm25_weight, "dense": s.dense_weight, "role": s.role_weight,
                   "prior": s.role_prior_weight}
        if s.fusion == "rrf":
            r.fused = rrf_fuse(r.rankings, weights, s.rrf_k)
            return
        scored: dict[str, list[tuple[int, float]]] = {
            name: [(i, r.scores[name][i]) for i in r.rankings[name]]
            for name in ("bm25", "dense") if name in r.rankings}
        fused = dict(convex_fuse(scored, weights))
        for name in ("role", "prior"):  # role lists have no score scale: a flat bonus
            for i in r.rankings.get(name, []):
                fused[i] = fused.get(i, 0.0) + weights[name]
        r.fused = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


class Single(Step):
    """One retriever's own order as the result (bm25 or dense mode)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def apply(self, kb: KnowledgeBase, r: Retrieval) -> None:
        r.fused = [(i, r.scores[self.name][i]) for i in r.rankings[self.name]]


def steps_for(mode: Mode, collection_gone: bool = False) -> list[Step]:
    if mode == "bm25":
        return [Lexical(), Single("bm25")]
    if mode == "dense":
        return [Dense(degrade=False), Single("dense")]
    return [Scoped(), Lexical(), Dense(degrade=True, gone=collection_gone), RolePrior(), Fusion()]


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


class HybridRetriever:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def retrieve(self, query: Query, k: int | None = None, mode: Mode = "hybrid",
                 role_filter: frozenset[str] = frozenset()) -> Retrieval:
        """Run the mode's steps over `query`; the retrieval's `hits(k)` are the top results."""
        k = k or self.kb.settings.top_k
        try:
            return self._run(query, k, mode, role_filter)
        except CollectionMissing:
            # The build this reader holds was dropped (two publishes since it last looked): reopen, retry once.
            if self.kb.refresh():
                return self._run(query, k, mode, role_filter)
            if mode == "dense":
                raise
            # No newer build: the live build's own collection is gone (its store was deleted).
            return self._run(query, k, mode, role_filter, collection_gone=True)

    def _run(self, query: Query, k: int, mode: Mode, role_filter: frozenset[str],
             collection_gone: bool = False) -> Retrieval:
        r = Retrieval(query, max(self.kb.settings.candidates, k), role_filter)
        for step in steps_for(mode, collection_gone):
            step.apply(self.kb, r)
        return r

    def hits(self, r: Retrieval, k: int) -> list[Hit]:
        chunks = self.kb.build.chunks
        out = []
        for rank, (idx, score) in enumerate(r.fused[:k], 1):
            ranks = {name: ranking.index(idx) + 1 for name, ranking in r.rankings.items() if idx in ranking}
            scores = {name: table[idx] for name, table in r.scores.items() if idx in table}
            out.append(Hit(chunks[idx], score, rank, ranks, scores))
        return out

    def outside_hits(self, r: Retrieval, k: int) -> list[Hit]:
        """The best passages of the organisations the question is not about (fused as the answer's are)."""
        if not r.outside:
            return []
        s = self.kb.settings
        fused = convex_fuse(r.outside, {"bm25": s.bm25_weight, "dense": s.dense_weight})
        chunks = self.kb.build.chunks
        return [Hit(chunks[idx], score, rank) for rank, (idx, score) in enumerate(fused[:k], 1)]

    def query(self, text: str, audience: Audience = PUBLIC) -> Query:
        """The one Query of a question (kb.question), as a search asks it: no picked role, no conversation."""
        return query_of(self.kb, text, audience=audience)

    def search(self, query: str, k: int | None = None, role: str | None = None, mode: Mode = "hybrid",
               audience: Audience = PUBLIC) -> list[Hit]:
        """The top-k chunks for a question; `role` keeps only that role's chunks (a filter, for searches)."""
        k = k or self.kb.settings.top_k
        return self.hits(self.search_full(query, k, role, mode, audience), k)

    def search_full(self, query: str, k: int, role: str | None = None, mode: Mode = "hybrid",
                    audience: Audience = PUBLIC) -> Retrieval:
        names = frozenset(self.kb.resolve_role(role, audience)) if role else frozenset()
        return self.retrieve(self.query(query, audience), k, mode, names)

    def search_each(self, query: str | Query, k: int, role: str | None = None, audience: Audience = PUBLIC,
                    modes: tuple[Mode, ...] = MODES) -> PerMode:
        """The same query under each retriever (evaluations, benchmarks and hit tests compare them). A Query is
        searched as it was built, as its audience: evaluation scores the Query the answer used."""
        built = query if isinstance(query, Query) else self.query(query, audience)
        names = frozenset(self.kb.resolve_role(role, built.audience)) if role else frozenset()
        result = PerMode()
        for mode in modes:
            start = time.perf_counter()
            result.hits[mode] = self.hits(self.retrieve(built, k, mode, names), k)
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
