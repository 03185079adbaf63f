"""Answers: one path from a question to a checked, cited answer, streamed or not, extractive or LLM.

A question becomes one `Query` (kb.query; a follow-up is first resolved against the earlier
turns, kb.dialogue); retrieval steps find its chunks (kb.retrieve); the extractive draft is always
made (kb.units → kb.select → kb.levels → kb.firstline → kb.compose):
- answered: a direct first line derived from the quotes, then the quotes as written, each cited;
- partial: what the documents do not say, then the closest rules, cited;
- none: a plain "not covered" with nearby topics to ask about.
With an LLM, the model writes the answer from the same retrieved sources and its sentences are
checked (kb.llm); when none is supported, or the endpoint fails or times out, the extractive draft
is the answer (with a notice saying why). A question the documents do not cover at all (none) is
not sent to the model. The picked role means the same in both modes (see kb.query).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from kb.access import PUBLIC, Audience
from kb.blocks import strip_marker
from kb.clauses import chunk_kind, number_groups
from kb.compose import answer_of, write
from kb.expand import query_expansion
from kb.firstline import block_count, first_line
from kb.knowledge import KnowledgeBase
from kb.levels import Level, Verdict, judge
from kb.llm import LLMError, LLMSpec, build_messages, complete, llm_answer, stream_completion
from kb.normalize import normalize
from kb.query import (
    GENERIC_WORDS,
    Context,
    Query,
    QuestionType,
    build_query,
    clean_text,
    focus_words,
    topic_words,
)
from kb.records import Answer, Chunk, Hit, Role
from kb.retrieve import HybridRetriever, Retrieval
from kb.scope import Asked, see_also
from kb.select import Selection, Shape, duty_list, select
from kb.select import on_topic as quotes_on_topic
from kb.suggest import on_topic, topics
from kb.units import Scorer

__all__ = ["AnswerStream", "Answerer", "Draft", "strip_marker"]  # strip_marker: the hit-test page's import

ANSWER_CANDIDATES = 8
MIN_WORD_CHARS = 2  # single characters (带, 放) name nothing a first line can anchor on
LLM_FAILED = "大模型暂时无法回答，以下是原文摘录。（{error}）"
LLM_UNSUPPORTED = "大模型的回答无法用原文核实，以下是原文摘录。"


@dataclass
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

    def roles_in(self, match: str) -> list[str]:
        return list(self.kb.build.role_forms_in(match))

    def duty_chunk(self, role: Role, duty: str) -> Chunk | None:
        """The chunk of the role's own section that holds a duty item (a long list spans several)."""
        build = self.kb.build
        own = [build.chunks[build.position[cid]] for cid in role.chunk_ids if cid in build.position]
        return next((c for c in own if duty in c.text), own[0] if own else self.kb.build.chunk_for_role(role))

    def heading_of(self, chunk) -> str:
        return self.scorer.heading_of(self.kb.build.position[chunk.chunk_id])

    def query(self, question: str, role: str | None = None, audience: Audience = PUBLIC,
              context: Context | None = None, asked: str | None = None,
              excluded: frozenset[str] = frozenset()) -> Query:
        """The one Query of a question: cleaned, normalised, roles resolved, type and focus found."""
        text = clean_text(question)
        match = normalize(text)
        build = self.kb.build
        picked = frozenset(self.kb.resolve_role(role, audience)) if role else frozenset()
        mentioned = frozenset(self.kb.roles_mentioned(match, audience))
        forms = [f for f in build.role_forms_in(match) if build.role_names[f] & mentioned]
        tagged = build.lexical.tokenizer.tagged_words(match)
        focus = focus_words(tagged, build.role_names, forms)
        scope = self.kb.scope_of(Asked(match, mentioned, picked, tuple(forms)), audience)
        topic = topic_words(tagged, focus)
        return build_query(text, match, audience=audience, picked=picked, mentioned=mentioned,
                           asked=clean_text(asked) if asked else text, context=context, excluded=excluded,
                           focus=focus, topic=topic, scope=scope,
                           expansion=query_expansion(build.lexical, self.kb.settings, topic, tagged))

    def answer(self, question: str, role: str | None = None, llm: LLMSpec | None = None,
               audience: Audience = PUBLIC, context: Context | None = None) -> Answer:
        """The answer to one question from what `audience` may see."""
        return self.respond(self.query(question, role, audience, context), llm, streaming=False).run()

    def stream(self, question: str, role: str | None = None, llm: LLMSpec | None = None,
               audience: Audience = PUBLIC, context: Context | None = None) -> AnswerStream:
        return self.respond(self.query(question, role, audience, context), llm, streaming=True)

    def respond(self, query: Query, llm: LLMSpec | None = None, streaming: bool = True) -> AnswerStream:
        return AnswerStream(self, query, llm, streaming)

    def draft(self, query: Query) -> Draft:
        """Retrieve, select, judge the level and write the extractive answer."""
        retrieval = self.retriever.retrieve(query, k=ANSWER_CANDIDATES)
        hits = self.retriever.hits(retrieval, ANSWER_CANDIDATES)
        answer = self.extract(query, hits)
        answer.notice, answer.degraded = retrieval.notice, retrieval.degraded
        if query.scope and answer.level != Level.ANSWERED.value:
            answer.answer = "\n\n".join(p for p in (answer.answer, self.see_also(query, retrieval)) if p)
        return Draft(query, retrieval, hits, answer)

    def see_also(self, query: Query, retrieval: Retrieval) -> str:
        """Under a hedge, another organisation's closest rule with its organisation named (never the answer)."""
        outside = [h for h in self.retriever.outside_hits(retrieval, 1) if on_topic(h, query.topic)]
        if not outside:
            return ""
        chunk = outside[0].chunk
        organisation = self.kb.build.chunk_organisations()[self.kb.build.position[chunk.chunk_id]]
        return see_also(organisation, chunk.title, [p.text for p in chunk.parts] or [chunk.text], query.match,
                        query.asked)

    def extract(self, query: Query, hits: list[Hit]) -> Answer:
        build = self.kb.build
        visible = [r for r in self.kb.roles_for(query.audience) if query.scope.holds(build.role_organisation(r))]
        roles = [r for r in visible if r.name in query.duty_roles]
        if query.qtype is QuestionType.DUTY and roles and not query.focus:
            selection = duty_list(roles, self.duty_chunk)
            verdict = Verdict(Level.ANSWERED)
            return answer_of(query, write(query, selection, verdict, None, None, None), verdict, 1.0, [])
        units = self.scorer.units(query, hits)
        suggestions = topics(query, hits, visible)
        if not units:
            return answer_of(query, None, Verdict(Level.NONE), 0.0, suggestions)
        selection = select(query, self.scorer, units, self.roles_in)
        confidence = max(u.dense for u in units)
        settings = self.kb.settings
        subject = {r.source for r in visible if r.name in query.mentioned}
        verdict = judge(query, selection.quotes(self.heading_of), confidence, self.scorer, self.roles_in,
                        settings.abstain_below, settings.answer_above, subject)
        if verdict.level is Level.NONE:
            return answer_of(query, None, verdict, confidence, suggestions)
        if verdict.level is Level.PARTIAL:  # a hedge shows only the rules about what was asked, if any
            selection = quotes_on_topic(selection, query)
        first, source, count = self.first_line(query, selection)
        return answer_of(query, write(query, selection, verdict, first, source, count), verdict, confidence,
                         suggestions)

    def first_line(self, query: Query, selection: Selection) -> tuple[str | None, tuple | None, str | None]:
        """(direct answer, the key of the quote it came from, a block's count line)."""
        direct = query.qtype in (QuestionType.YESNO, QuestionType.QUANTITY, QuestionType.WHO)
        if selection.shape is Shape.BLOCK and selection.block is not None and not direct:
            return None, None, block_count(selection.block)
        quoted = [q for q in selection.lines if q.key is not None]
        if selection.lead in quoted:
            quoted.remove(selection.lead)
            quoted.insert(0, selection.lead)
        # a question about a role is answered from that role's own text first
        quoted.sort(key=lambda q: q.chunk is None or q.chunk.role not in query.mentioned)
        tokenizer = self.kb.build.lexical.tokenizer
        candidates = [*tokenizer.jieba_words(query.match), *tokenizer.content_bigrams(query.match)]
        words = tuple(dict.fromkeys(w for w in candidates
                                    if len(w) >= MIN_WORD_CHARS and w not in GENERIC_WORDS and w not in query.focus))
        found = first_line(query, [q.text for q in quoted], self.roles_in, words)
        if found is None:
            return None, None, None
        line, i = found
        return line, quoted[i].key, None


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

