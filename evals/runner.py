"""Run suite cases against a knowledge base: retrieval per retriever, then the answer, per case.

The CLI (`dutykb eval`) and the app's 评测 page both call `run_cases`; the app passes the
signed-in editor's audience and a progress callback that moves its progress bar.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from evals.metrics import CUTOFF, first_relevant_rank
from evals.relevance import evidence_in_answer, is_relevant
from evals.suite import Case
from kb.access import EVERYONE, Audience
from kb.answer import Answerer
from kb.knowledge import KnowledgeBase
from kb.normalize import normalize
from kb.records import Answer, Chunk
from kb.retrieve import HybridRetriever

SHOWN_RETRIEVED = 5
SHOWN_TEXT_CHARS = 200
Progress = Callable[[int, int, str], None]  # (cases done, cases in all, id of the case just scored)


class Reason(StrEnum):
    """Why a case passed or failed; the UI and reports translate these codes."""

    EVIDENCE_CITED = "evidence_cited"
    ABSTAINED_AS_EXPECTED = "abstained_as_expected"
    ANSWERED_UNANSWERABLE = "answered_unanswerable"
    ABSTAINED_ANSWERABLE = "abstained_answerable"
    EVIDENCE_MISSING = "evidence_missing"
    PHRASE_MISSING = "phrase_missing"


class RetrievedHit(BaseModel):
    rank: int
    chunk_id: str
    section: str
    relevant: bool
    text: str


class CaseResult(BaseModel):
    """One case as scored: ranks per retriever, what was retrieved, the answer and the verdict."""

    id: str
    suite: str
    question: str
    role: str | None
    tags: list[str]
    answerable: bool
    ranks: dict[str, int | None]
    relevant_total: int
    retrieved: list[RetrievedHit]
    answer: str
    abstained: bool
    mode: str
    citations: list[dict[str, Any]]
    supported_citations: int
    evidence_in_answer: bool
    contains_ok: bool
    latency_ms: float
    passed: bool
    reason: str  # a Reason code (reports written before the codes hold English sentences)
    relevance: dict[str, list[bool]] = Field(default_factory=dict)


def judge(case: Case, answer: Answer, evidence_ok: bool, contains_ok: bool) -> tuple[bool, Reason]:
    if not case.answerable:
        return (True, Reason.ABSTAINED_AS_EXPECTED) if answer.abstained else (False, Reason.ANSWERED_UNANSWERABLE)
    if answer.abstained:
        return False, Reason.ABSTAINED_ANSWERABLE
    if not evidence_ok:
        return False, Reason.EVIDENCE_MISSING
    if not contains_ok:
        return False, Reason.PHRASE_MISSING
    return True, Reason.EVIDENCE_CITED


class CaseRunner:
    """Scores cases on one knowledge base as one audience would be answered."""

    def __init__(self, kb: KnowledgeBase, audience: Audience = EVERYONE, answerer: Answerer | None = None) -> None:
        self.kb = kb
        self.audience = audience
        self.retriever = HybridRetriever(kb)
        self.answerer = answerer or Answerer(kb)

    def _chunk(self, chunk_id: str) -> Chunk | None:
        build = self.kb.build
        position = build.position.get(chunk_id)
        return None if position is None else build.chunks[position]

    def _cites_relevant(self, case: Case, citation) -> bool:
        chunk = self._chunk(citation.chunk_id)
        return any(normalize(e) in normalize(citation.quote) for e in case.evidence) or (
            chunk is not None and is_relevant(case, chunk))

    def run(self, case: Case) -> CaseResult:
        per_mode = self.retriever.search_each(case.question, k=CUTOFF, audience=self.audience)
        relevance = {mode: [is_relevant(case, h.chunk) for h in hits] for mode, hits in per_mode.hits.items()}
        ranks = {mode: first_relevant_rank(flags) if case.answerable else None for mode, flags in relevance.items()}
        retrieved = [RetrievedHit(rank=h.rank, chunk_id=h.chunk.chunk_id, section=h.chunk.section, relevant=flag,
                                  text=h.chunk.text[:SHOWN_TEXT_CHARS])
                     for h, flag in zip(per_mode.hits["hybrid"][:SHOWN_RETRIEVED], relevance["hybrid"], strict=False)]
        start = time.perf_counter()
        answer = self.answerer.answer(case.question, role=case.role, audience=self.audience)
        latency = (time.perf_counter() - start) * 1000
        evidence_ok = case.answerable and (
            evidence_in_answer(case, answer)
            or (not case.evidence and any(self._cites_relevant(case, c) for c in answer.citations)))
        contains_ok = all(normalize(p) in normalize(answer.answer) for p in case.answer_contains)
        passed, reason = judge(case, answer, evidence_ok, contains_ok)
        return CaseResult(
            id=case.id, suite=case.suite, question=case.question, role=case.role, tags=case.tags,
            answerable=case.answerable, ranks=ranks,
            relevant_total=sum(is_relevant(case, c) for c in self.kb.build.chunks) if case.answerable else 0,
            retrieved=retrieved, answer=answer.answer, abstained=answer.abstained, mode=answer.mode,
            citations=[c.to_json() for c in answer.citations],
            supported_citations=sum(self._cites_relevant(case, c) for c in answer.citations),
            evidence_in_answer=bool(evidence_ok), contains_ok=contains_ok, latency_ms=round(latency, 2),
            passed=passed, reason=reason.value, relevance=relevance,
        )


def run_cases(kb: KnowledgeBase, cases: list[Case], audience: Audience = EVERYONE,
              progress: Progress | None = None, answerer: Answerer | None = None) -> list[CaseResult]:
    """Score every case as `audience` is answered; `progress` is called after each case."""
    runner = CaseRunner(kb, audience, answerer)
    _ = kb.build  # load the index once, before anything is timed
    results = []
    for done, case in enumerate(cases, 1):
        results.append(runner.run(case))
        if progress is not None:
            progress(done, len(cases), case.id)
    return results
