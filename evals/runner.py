"""Run suite cases against a knowledge base: retrieval per retriever, then the answer, per case."""
from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from tqdm import tqdm

from evals.metrics import first_relevant_rank
from evals.suite import Case
from kb.access import EVERYONE, Audience
from kb.answer import Answerer
from kb.knowledge import KnowledgeBase
from kb.normalize import normalize
from kb.records import Answer, Chunk
from kb.retrieve import MODES, HybridRetriever

CUTOFF = 10
SHOWN_RETRIEVED = 5
_EMPTY_CHUNK = Chunk("", "", "", "", None, [], "", "", [])  # a cited chunk no longer in the build


@dataclass
class CaseResult:
    id: str
    suite: str
    question: str
    role: str | None
    tags: list[str]
    answerable: bool
    ranks: dict[str, int | None]
    relevant_total: int
    retrieved: list[dict[str, Any]]
    answer: str
    abstained: bool
    mode: str
    citations: list[dict[str, Any]]
    supported_citations: int
    evidence_in_answer: bool
    contains_ok: bool
    latency_ms: float
    passed: bool
    reason: str
    relevance: dict[str, list[bool]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def case_relevant(case: Case, chunk: Chunk) -> bool:
    """A chunk is relevant when it holds an evidence phrase or matches an expected source."""
    if any(normalize(e) in chunk.match_text for e in case.evidence):
        return True
    for source in case.sources:
        if source.doc != chunk.doc_id:
            continue
        if source.section and normalize(source.section) not in normalize(chunk.section):
            continue
        if source.item is not None and source.item not in chunk.items:
            continue
        return True
    return False


def evidence_in_answer(case: Case, answer: Answer) -> bool:
    """An expected evidence phrase appears in the answer text or one of its quotes (after normalisation)."""
    text = normalize(answer.answer + "\n" + "\n".join(c.quote for c in answer.citations))
    return any(normalize(e) in text for e in case.evidence)


def _judge(case: Case, answer: Answer, evidence_ok: bool, contains_ok: bool) -> tuple[bool, str]:
    if case.abstain:
        return (True, "abstained as expected") if answer.abstained else (False, "answered an unanswerable question")
    if answer.abstained:
        return False, "abstained on an answerable question"
    if not evidence_ok:
        return False, "expected evidence not in the answer or its citations"
    if not contains_ok:
        return False, "answer text lacks an expected phrase"
    return True, "evidence cited"


def run_case(case: Case, retriever: HybridRetriever, answerer: Answerer, audience: Audience) -> CaseResult:
    """Score one case as `audience` would be answered (evals in the app run as the signed-in editor)."""
    build = retriever.kb.build
    chunks = build.chunks

    def chunk_of(chunk_id: str) -> Chunk:
        return chunks[build.position[chunk_id]] if chunk_id in build.position else _EMPTY_CHUNK

    ranks, relevance, retrieved = {}, {}, []
    for mode in MODES:
        hits = retriever.search(case.question, k=CUTOFF, mode=mode, audience=audience)
        flags = [case_relevant(case, h.chunk) for h in hits]
        relevance[mode] = flags
        ranks[mode] = first_relevant_rank(flags) if case.answerable else None
        if mode == "hybrid":
            retrieved = [{"rank": h.rank, "chunk_id": h.chunk.chunk_id, "section": h.chunk.section,
                          "relevant": f, "text": h.chunk.text[:200]} for h, f in zip(hits[:SHOWN_RETRIEVED], flags)]
    start = time.perf_counter()
    answer = answerer.answer(case.question, role=case.role, audience=audience)
    latency = (time.perf_counter() - start) * 1000
    evidence_ok = case.answerable and (
        evidence_in_answer(case, answer)
        or (not case.evidence and any(case_relevant(case, chunk_of(c.chunk_id)) for c in answer.citations)))
    contains_ok = all(normalize(p) in normalize(answer.answer) for p in case.answer_contains)
    supported = sum(
        1 for c in answer.citations
        if any(normalize(e) in normalize(c.quote) for e in case.evidence)
        or case_relevant(case, chunk_of(c.chunk_id))
    )
    passed, reason = _judge(case, answer, evidence_ok, contains_ok)
    return CaseResult(
        id=case.id, suite=case.suite, question=case.question, role=case.role, tags=case.tags,
        answerable=case.answerable, ranks=ranks,
        relevant_total=sum(case_relevant(case, c) for c in chunks) if case.answerable else 0,
        retrieved=retrieved, answer=answer.answer, abstained=answer.abstained, mode=answer.mode,
        citations=[c.to_json() for c in answer.citations], supported_citations=supported,
        evidence_in_answer=bool(evidence_ok), contains_ok=contains_ok, latency_ms=round(latency, 2),
        passed=passed, reason=reason, relevance=relevance,
    )


def run_cases(kb: KnowledgeBase, cases: list[Case], show: bool = True,
              audience: Audience = EVERYONE) -> list[CaseResult]:
    retriever, answerer = HybridRetriever(kb), Answerer(kb)
    kb.build  # load once before timing anything
    results = []
    for case in tqdm(cases, desc="评测", unit="case", disable=not show, file=sys.stderr):
        results.append(run_case(case, retriever, answerer, audience))
    return results
