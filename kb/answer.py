"""Extractive answers: quote the duty items or sentences that answer a question, each one cited.

"What are X's duties" returns X's whole duty list from the role registry. Other
questions get the one to three items that best match, chosen by the item's own
embedding (computed at ingest) plus how much of the question's vocabulary it
covers. Below a calibrated confidence the answer abstains and suggests nearby
topics instead of pretending. Answers are written in the question's script;
quotes keep the document's wording.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from kb.access import PUBLIC, Audience
from kb.knowledge import KnowledgeBase
from kb.llm import LLMSpec, complete, llm_answer, stream_completion
from kb.normalize import normalize, to_script_of
from kb.outline import match_marker
from kb.records import Answer, Chunk, Citation, Hit, Role
from kb.retrieve import DUTY_QUESTION, HybridRetriever, clean_query

ANSWER_CANDIDATES = 8
MAX_UNITS = 3
MAX_LIST_UNITS = 12
LIST_QUESTION = re.compile(r"哪些|哪几|分别|都有什么|都有哪|包括什么|包含什么|什么内容|几个方面")
KEEP_RATIO = 0.85  # further units must score this close to the best one
SENTENCE_SPLIT_CHARS = 200  # longer paragraphs are quoted sentence by sentence
LEXICAL_WEIGHT = 0.15
ROLE_WEIGHT = 0.1  # prior for units of a role the question names
SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
SELF_DUTY = re.compile(r"我的(岗位)?(职责|工作)|我(该|要|应该|需要)(做|干)(什么|啥|哪些)|我负责(什么|哪些)")
MAX_SUGGESTIONS = 3


@dataclass
class Unit:
    """A quotable piece of a retrieved chunk: an item, a paragraph, or one sentence of a long paragraph."""

    hit_rank: int
    chunk: Chunk
    n: int | None
    text: str
    score: float = 0.0
    dense: float = 0.0
    coverage: float = 0.0


def strip_marker(text: str) -> str:
    marker = match_marker(text.strip()) if text.strip() else None
    return marker.heading if marker and marker.heading else text.strip()


class Answerer:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.retriever = HybridRetriever(kb)
        self._idf: tuple[str, dict[str, float], float] | None = None

    def idf(self) -> tuple[dict[str, float], float]:
        """Inverse document frequency of match-text terms over the live build (computed once per build)."""
        build = self.kb.build
        if self._idf is None or self._idf[0] != build.manifest.build_id:
            df = build.lexical.document_frequencies()
            total = len(build.chunks) + 1
            table = {t: math.log(total / (1 + f)) + 1 for t, f in df.items()}
            self._idf = (build.manifest.build_id, table, math.log(total) + 1)
        return self._idf[1], self._idf[2]

    def coverage(self, question_terms: set[str], text: str) -> float:
        """IDF-weighted share of the question's terms found in `text` (terms unknown to the corpus weigh most)."""
        if not question_terms:
            return 0.0
        table, unknown = self.idf()
        terms = set(self.kb.build.lexical.terms(normalize(text)))
        total = sum(table.get(t, unknown) for t in question_terms)
        return sum(table.get(t, unknown) for t in question_terms if t in terms) / total

    def answer(self, question: str, role: str | None = None, llm: LLMSpec | None = None,
               audience: Audience = PUBLIC) -> Answer:
        """The answer to one question from what `audience` may see; with `llm`, a checked LLM answer
        that falls back to extraction."""
        if llm is None:
            return self.extract(question, role, audience)
        query = clean_query(question)
        hits = self.retriever.search(query, k=ANSWER_CANDIDATES, role=role, audience=audience)
        return llm_answer(query, complete(llm, query, hits), hits, lambda: self.extract(question, role, audience))

    def stream(self, question: str, role: str | None = None, llm: LLMSpec | None = None,
               audience: Audience = PUBLIC) -> AnswerStream:
        return AnswerStream(self, question, role, llm, audience)

    def extract(self, question: str, role: str | None = None, audience: Audience = PUBLIC) -> Answer:
        query = clean_query(question)
        match_query = normalize(query)
        picked = self.kb.resolve_role(role, audience) if role else set()
        named = self.kb.roles_mentioned(match_query, audience)
        if DUTY_QUESTION.search(match_query) or SELF_DUTY.search(match_query):
            wanted = named or picked
            roles = [r for r in self.kb.roles_for(audience) if r.name in wanted]
            if roles:
                return self.duty_list(query, roles)
        hits = self.retriever.search(query, k=ANSWER_CANDIDATES, audience=audience)
        units = self.rank_units(match_query, hits, named)
        # Confidence is the best item similarity: of the features measured on the seed suite (BM25 score,
        # unknown-term share, score peakedness, coverage) it separated unanswerable questions best.
        confidence = max((u.dense for u in units), default=0.0)
        if confidence < self.kb.settings.abstain_below:
            return self.abstain(query, hits, confidence)
        best = units[0].score
        chosen = [u for u in units[:MAX_UNITS] if u.score >= best * KEEP_RATIO]
        if LIST_QUESTION.search(match_query):
            chosen = self.whole_list(units[0], units) or chosen
        chosen.sort(key=lambda u: (u.hit_rank, u.n or 0))  # reading order: by chunk, then item number
        citations, lines = [], []
        for i, unit in enumerate(chosen, 1):
            citations.append(Citation(i, unit.chunk.chunk_id, unit.chunk.doc_id, unit.chunk.title,
                                      unit.chunk.section, [unit.n] if unit.n is not None else [], unit.text))
            lines.append(f"{to_script_of(strip_marker(unit.text), query)}[{i}]")
        return Answer(query, "\n".join(lines), False, "extractive", citations, [], round(confidence, 4))

    @staticmethod
    def whole_list(best: Unit, units: list[Unit]) -> list[Unit]:
        """For 'which ones' questions: every numbered item of the best unit's chunk, in order."""
        same = [u for u in units if u.chunk.chunk_id == best.chunk.chunk_id and u.n is not None]
        if len({u.n for u in same}) < 2:
            return []
        by_item: dict[int, Unit] = {}
        for unit in same:
            if unit.n is not None:
                by_item.setdefault(unit.n, unit)
        return [by_item[n] for n in sorted(by_item)][:MAX_LIST_UNITS]

    def rank_units(self, match_query: str, hits: list[Hit], named: set[str]) -> list[Unit]:
        build = self.kb.build
        question_terms = set(build.lexical.terms(match_query))
        query_vector = self.kb.query_vector(match_query)
        units: list[Unit] = []
        vectors = build.part_vectors
        for hit in hits:
            chunk = hit.chunk
            offset = build.part_offsets[build.position[chunk.chunk_id]]
            for j, part in enumerate(chunk.parts or []):
                dense = float(vectors[offset + j] @ query_vector) if vectors is not None else 0.0
                pieces = [part.text]
                if len(part.text) > SENTENCE_SPLIT_CHARS:
                    pieces = [s for s in SENTENCE_END.split(part.text) if s.strip()]
                for piece in pieces:
                    coverage = self.coverage(question_terms, piece)
                    score = dense + LEXICAL_WEIGHT * coverage
                    if chunk.role and chunk.role in named:
                        score += ROLE_WEIGHT
                    units.append(Unit(hit.rank, chunk, part.n, piece.strip(), score, dense, coverage))
        units.sort(key=lambda u: -u.score)
        return units

    def duty_list(self, query: str, roles: list[Role]) -> Answer:
        citations: list[Citation] = []
        lines: list[str] = []
        for role in roles:
            chunk = self.kb.build.chunk_for_role(role)
            title = to_script_of(f"{role.name}的岗位职责（共{len(role.duties)}条）：", query)
            lines.append(title)
            for duty in role.duties:
                n = len(citations) + 1
                citations.append(Citation(
                    n, chunk.chunk_id if chunk else "", role.source, role.title, role.section, [duty.n],
                    duty.text,
                ))
                lines.append(f"{duty.n}. {to_script_of(duty.text, query)}[{n}]")
        return Answer(query, "\n".join(lines), False, "extractive", citations, [], 1.0)

    def abstain(self, query: str, hits: list[Hit], confidence: float) -> Answer:
        suggestions: list[str] = []
        for hit in hits:
            topic = hit.chunk.role or strip_marker(hit.chunk.section.split(" › ")[-1]).rstrip(":：")
            topic = to_script_of(topic, query)
            if topic and topic not in suggestions:
                suggestions.append(topic)
            if len(suggestions) == MAX_SUGGESTIONS:
                break
        text = f"知识库中没有找到能回答「{query}」的内容。"
        if suggestions:
            text += "可以试试问：" + "、".join(suggestions) + "。"
        return Answer(query, to_script_of(text, query), True, "extractive", [], suggestions, round(confidence, 4))


class AnswerStream:
    """Iterate for text pieces as they are produced; `result` holds the checked Answer afterwards."""

    def __init__(self, answerer: Answerer, question: str, role: str | None, llm: LLMSpec | None,
                 audience: Audience) -> None:
        self.answerer, self.question, self.role, self.llm = answerer, question, role, llm
        self.audience = audience
        self.result: Answer | None = None

    def __iter__(self):
        if self.llm is None:
            self.result = self.answerer.extract(self.question, self.role, self.audience)
            for line in self.result.answer.split("\n"):
                yield line + "\n"
            return
        query = clean_query(self.question)
        hits = self.answerer.retriever.search(query, k=ANSWER_CANDIDATES, role=self.role, audience=self.audience)
        pieces = []
        for piece in stream_completion(self.llm, query, hits):
            pieces.append(piece)
            yield piece
        self.result = llm_answer(query, "".join(pieces), hits,
                                 lambda: self.answerer.extract(self.question, self.role, self.audience))
