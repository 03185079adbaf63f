"""Run suite cases against a knowledge base: retrieval per retriever, then the answer, per case.

A dialogue case's earlier turns are answered first, in order, in one conversation; its last
turn is the one scored. The CLI (`dutykb eval`) and the app's 评测 page both call `run_cases`;
the app passes the signed-in editor's audience and a progress callback that moves its progress bar.

Levels: an answerable case passes only when answered (partial is a hedge, none an abstention);
an unanswerable case passes with none or partial, except an off-topic one (tag 无关问题), which
must be none.
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
from kb.dialogue import Conversation
from kb.knowledge import KnowledgeBase, UnknownRoleError
from kb.normalize import normalize
from kb.query import Query
from kb.records import Answer, Chunk, Citation
from kb.retrieve import HybridRetriever, PerMode

SHOWN_RETRIEVED = 5
SHOWN_TEXT_CHARS = 200
OFF_TOPIC_TAG = "无关问题"  # unanswerable and unrelated to the documents: only `none` is right
Progress = Callable[[int, int, str], None]  # (cases done, cases in all, id of the case just scored)


class Reason(StrEnum):
    """Why a case passed or failed; the UI and reports translate these codes."""

    EVIDENCE_CITED = "evidence_cited"
    ABSTAINED_AS_EXPECTED = "abstained_as_expected"
    HEDGED_AS_EXPECTED = "hedged_as_expected"
    ANSWERED_UNANSWERABLE = "answered_unanswerable"
    HEDGED_OFF_TOPIC = "hedged_off_topic"
    ABSTAINED_ANSWERABLE = "abstained_answerable"
    HEDGED_ANSWERABLE = "hedged_answerable"
    EVIDENCE_MISSING = "evidence_missing"
    PHRASE_MISSING = "phrase_missing"
    INCOMPLETE = "incomplete"


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
    level: str = "answered"  # answered | partial | none (reports written before levels: from `abstained`)
    off_topic: bool = False
    complete: bool | None = None  # every `all` phrase in the answer text (None: the case lists none)
    section_hits: int = 0  # citations from an expected section (cases with `sections`)
    section_total: int = 0
    turns: list[str] = Field(default_factory=list)  # a dialogue's earlier turns
    understood_as: str = ""
    role_unknown: bool = False  # the case's role is not a role of this index: answered without a picked role
    confidence: float = 0.0  # best item similarity (the level's threshold compares with it)
    reasons: list[str] = Field(default_factory=list)  # what the quotes lack (kb.answer.level), for the level curve
    # an answered case with expected sources: whether a citation is from another organisation than theirs
    other_org: bool | None = None


def judge(case: Case, answer: Answer, evidence_ok: bool, contains_ok: bool, complete: bool | None) -> tuple[
        bool, Reason]:
    level = answer.level
    if not case.answerable:
        if level == "none":
            return True, Reason.ABSTAINED_AS_EXPECTED
        if level == "partial":
            return (False, Reason.HEDGED_OFF_TOPIC) if OFF_TOPIC_TAG in case.tags else (
                True, Reason.HEDGED_AS_EXPECTED)
        return False, Reason.ANSWERED_UNANSWERABLE
    if level == "none":
        return False, Reason.ABSTAINED_ANSWERABLE
    if not evidence_ok:
        return False, Reason.EVIDENCE_MISSING
    if not contains_ok:
        return False, Reason.PHRASE_MISSING
    if complete is False:
        return False, Reason.INCOMPLETE
    if level == "partial":
        return False, Reason.HEDGED_ANSWERABLE
    return True, Reason.EVIDENCE_CITED


def in_expected_section(case: Case, citation: Citation) -> bool:
    """The citation is from an expected section: its path, or the heading line of a quoted sub-list
    ("3.1 入库作业流程" quoted with its steps is that section, whatever the chunk's breadcrumb says)."""
    lines = citation.quote.split("\n")
    own_heading = lines[0] if len(lines) > 1 else ""
    where = normalize(" ".join((citation.section, citation.title, own_heading)))
    return any(normalize(s) in where for s in case.sections)


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

    def other_org(self, case: Case, answer: Answer) -> bool | None:
        """Whether an answered case cites another organisation than its expected sources' (kb.scope); None
        for a case that is not answered or names no source of this index."""
        build = self.kb.build
        expected = {build.organisation_of(s.doc) for s in case.sources} - {""}
        if answer.level != "answered" or not case.answerable or not expected:
            return None
        return any(build.organisation_of(c.doc_id) not in expected for c in answer.citations)

    def understand(self, case: Case) -> tuple[Query, bool]:
        """The Query of the case's question, after its earlier turns (if any) were answered; and whether its role
        was unknown."""
        role = case.role
        try:
            if role:
                self.kb.resolve_role(role, self.audience)
        except UnknownRoleError:
            role = None
        conversation = Conversation()
        for turn in case.turns:
            query = conversation.understand(self.answerer, turn, role, self.audience)
            conversation.add(query, self.answerer.respond(query, streaming=False).run())
        return conversation.understand(self.answerer, case.question, role, self.audience), role != case.role

    def converse(self, case: Case) -> tuple[Query, Answer, bool]:
        """The Query and answer of the case's question, after its earlier turns (if any); and whether its role was
        unknown."""
        query, role_unknown = self.understand(case)
        return query, self.answerer.respond(query, streaming=False).run(), role_unknown

    def run(self, case: Case) -> CaseResult:
        start = time.perf_counter()
        query, answer, role_unknown = self.converse(case)
        latency = (time.perf_counter() - start) * 1000
        return self.score(case, query, answer, latency, role_unknown)

    def score(self, case: Case, query: Query, answer: Answer, latency: float, role_unknown: bool,
              per_mode: PerMode | None = None) -> CaseResult:
        """The case's result for this answer to `query` (`per_mode`: its retrieval per retriever, if known)."""
        # retrieval is scored on the Query the answer used: a dialogue's last turn as understood, with the
        # conversation's roles, the case's role as the asker's, the organisations it is about
        per_mode = per_mode or self.retriever.search_each(query, k=CUTOFF)
        relevance = {mode: [is_relevant(case, h.chunk) for h in hits] for mode, hits in per_mode.hits.items()}
        ranks = {mode: first_relevant_rank(flags) if case.answerable else None for mode, flags in relevance.items()}
        retrieved = [RetrievedHit(rank=h.rank, chunk_id=h.chunk.chunk_id, section=h.chunk.section, relevant=flag,
                                  text=h.chunk.text[:SHOWN_TEXT_CHARS])
                     for h, flag in zip(per_mode.hits["hybrid"][:SHOWN_RETRIEVED], relevance["hybrid"], strict=False)]
        evidence_ok = case.answerable and (
            evidence_in_answer(case, answer)
            or (not case.evidence and any(self._cites_relevant(case, c) for c in answer.citations)))
        text = normalize(answer.answer)
        contains_ok = all(normalize(p) in text for p in case.answer_contains)
        complete = all(normalize(p) in text for p in case.all) if case.all and case.answerable else None
        in_section = [in_expected_section(case, c) for c in answer.citations] if case.sections else []
        passed, reason = judge(case, answer, evidence_ok, contains_ok, complete)
        return CaseResult(
            id=case.id, suite=case.suite, question=case.question, role=case.role, tags=case.tags,
            answerable=case.answerable, ranks=ranks,
            relevant_total=sum(is_relevant(case, c) for c in self.kb.build.chunks) if case.answerable else 0,
            retrieved=retrieved, answer=answer.answer, abstained=answer.abstained, mode=answer.mode,
            citations=[c.to_json() for c in answer.citations],
            supported_citations=sum(self._cites_relevant(case, c) for c in answer.citations),
            evidence_in_answer=bool(evidence_ok), contains_ok=contains_ok, latency_ms=round(latency, 2),
            passed=passed, reason=reason.value, relevance=relevance, level=answer.level,
            off_topic=OFF_TOPIC_TAG in case.tags, complete=complete, section_hits=sum(in_section),
            section_total=len(in_section), turns=case.turns, understood_as=answer.understood_as,
            role_unknown=role_unknown, confidence=answer.confidence, reasons=answer.reasons,
            other_org=self.other_org(case, answer),
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
