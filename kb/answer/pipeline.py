"""The answer path end to end: a Query through the stages to a checked, cited answer, streamed or not,
extractive or LLM.

The extractive draft is always made, stage by stage (kb.answer): retrieve → select → verify → level →
compose. With an LLM, the model writes the answer from the same retrieved sources and its sentences are
checked (kb.llm); when none is supported, or the endpoint fails or times out, the extractive draft is the
answer (with a notice saying why). A question the documents do not cover at all (none) is not sent to the
model. The picked role means the same in both modes (see kb.query).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from kb.access import PUBLIC, Audience
from kb.answer import compose, level, retrieve, select, verify
from kb.answer.ctx import Ctx
from kb.answer.level import Level
from kb.answer.terms import Scorer
from kb.clauses import chunk_kind, number_groups
from kb.knowledge import KnowledgeBase
from kb.llm import LLMError, LLMSpec, build_messages, complete, llm_answer, stream_completion
from kb.query import Context, Query
from kb.question import query_of
from kb.records import Answer, Hit
from kb.retrieve import HybridRetriever, Retrieval

LLM_FAILED = "大模型暂时无法回答，以下是原文摘录。（{error}）"
LLM_UNSUPPORTED = "大模型的回答无法用原文核实，以下是原文摘录。"
# in order: each stage's `run` takes the output of the one before
STAGES = ("retrieve", "select", "verify", "level", "compose")


@dataclass(frozen=True)
class Draft:
    """The extractive answer and what it was made from (the LLM path reuses the retrieval)."""

    query: Query
    retrieval: Retrieval
    hits: list[Hit]
    answer: Answer


class Answerer:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.retriever = HybridRetriever(kb)
        self.scorer = Scorer(kb)
        self.ctx = Ctx(kb, self.retriever, self.scorer)

    def roles_in(self, match: str) -> list[str]:
        return self.ctx.roles_in(match)

    def query(self, question: str, role: str | None = None, audience: Audience = PUBLIC,
              context: Context | None = None, asked: str | None = None,
              excluded: frozenset[str] = frozenset()) -> Query:
        """The one Query of a question (kb.question)."""
        return query_of(self.kb, question, role, audience, context, asked, excluded)

    def answer(self, question: str, role: str | None = None, llm: LLMSpec | None = None,
               audience: Audience = PUBLIC, context: Context | None = None) -> Answer:
        """The answer to one question from what `audience` may see."""
        return self.respond(self.query(question, role, audience, context), llm, streaming=False).run()

    def stream(self, question: str, role: str | None = None, llm: LLMSpec | None = None,
               audience: Audience = PUBLIC, context: Context | None = None) -> AnswerStream:
        return self.respond(self.query(question, role, audience, context), llm, streaming=True)

    def respond(self, query: Query, llm: LLMSpec | None = None, streaming: bool = True) -> AnswerStream:
        return AnswerStream(self, query, llm, streaming)

    def stages(self, query: Query) -> list[tuple[str, Any]]:
        """Each stage's output for `query`, in order: (stage name, output); the last output is the Answer."""
        modules = {"retrieve": retrieve, "select": select, "verify": verify, "level": level, "compose": compose}
        outputs: list[tuple[str, Any]] = []
        value: Any = query
        for name in STAGES:
            value = modules[name].run(self.ctx, value)
            outputs.append((name, value))
        return outputs

    def draft(self, query: Query) -> Draft:
        """Retrieve, select, verify, level and compose the extractive answer."""
        retrieved = retrieve.run(self.ctx, query)
        answer = compose.run(self.ctx, level.run(self.ctx, verify.run(self.ctx, select.run(self.ctx, retrieved))))
        return Draft(query, retrieved.retrieval, retrieved.hits, answer)


class AnswerStream:
    """Iterate for text pieces as they are produced; `result` holds the checked Answer afterwards."""

    def __init__(self, answerer: Answerer, query: Query, llm: LLMSpec | None, streaming: bool) -> None:
        self.answerer, self.query, self.llm, self.streaming = answerer, query, llm, streaming
        self.result: Answer | None = None

    def run(self) -> Answer:
        for _ in self:
            pass
        assert self.result is not None  # set at the end of every iteration
        return self.result

    def __iter__(self) -> Iterator[str]:
        draft = self.answerer.draft(self.query)
        if self.llm is None or draft.answer.level == Level.NONE.value:
            self.result = draft.answer
            yield from (line + "\n" for line in draft.answer.answer.split("\n"))
            return
        pieces: list[str] = []
        try:
            for piece in self._completion(draft):
                pieces.append(piece)
                yield piece
        except LLMError as exc:
            self.result = self._fallback(draft, LLM_FAILED.format(error=exc))
            yield "\n\n" + draft.answer.answer
            return
        checked = llm_answer(self.query.asked, "".join(pieces), draft.hits)
        if checked is None:
            self.result = self._fallback(draft, LLM_UNSUPPORTED)
            return
        self.result = self._llm_result(draft, checked)

    def _completion(self, draft: Draft) -> Iterator[str]:
        picked = "、".join(sorted(self.query.picked)) or None
        messages = build_messages(self.query.text, draft.hits, picked)
        if self.streaming:
            yield from stream_completion(self.llm, messages)  # type: ignore[arg-type]  # checked in __iter__
        else:
            yield complete(self.llm, messages)  # type: ignore[arg-type]

    @staticmethod
    def _fallback(draft: Draft, why: str) -> Answer:
        notice = "；".join(n for n in (draft.answer.notice, why) if n)
        return replace(draft.answer, notice=notice)

    def _llm_result(self, draft: Draft, checked: Answer) -> Answer:
        extractive = draft.answer
        text = checked.answer
        if extractive.level == Level.PARTIAL.value:  # say first what the documents do not cover
            lead = extractive.answer.split("\n", 1)[0]
            text = lead + "\n" + text
        chunks = {hit.chunk.chunk_id: hit.chunk for hit in draft.hits}
        citations = [replace(c, item_kind=chunk_kind(chunks[c.chunk_id], c.items)) if c.chunk_id in chunks else c
                     for c in checked.citations]
        number_groups(citations)
        return replace(checked, citations=citations, level=extractive.level, understood_as=extractive.understood_as,
                       notice=extractive.notice, degraded=extractive.degraded,
                       question=extractive.question, confidence=extractive.confidence)

