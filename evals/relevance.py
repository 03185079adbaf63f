"""When a chunk or an answer finds what a case expects: the one rule behind every score.

`dutykb eval`, `dutykb bench retrieval|fusion`, the hit test's "mark as the answer" and the
feedback inbox all decide relevance here, so they cannot disagree about a case.
Phrases are compared in match form (Simplified, folded width), so a Traditional phrase finds
Simplified text and the other way round.
"""
from __future__ import annotations

from collections.abc import Iterable

from evals.suite import Case, Source
from kb.normalize import normalize
from kb.records import Answer, Chunk


def phrase_in(phrase: str, match_text: str) -> bool:
    """Whether the phrase occurs in text that is already in match form."""
    form = normalize(phrase)
    return bool(form) and form in match_text


def holds_evidence(chunk: Chunk, evidence: Iterable[str]) -> bool:
    return any(phrase_in(e, chunk.match_text) for e in evidence)


def matches_source(chunk: Chunk, source: Source) -> bool:
    """The chunk is from the source's document, under its section (a substring of the path), holding its item."""
    if source.doc != chunk.doc_id:
        return False
    if source.section and normalize(source.section) not in normalize(chunk.section):
        return False
    return source.item is None or source.item in chunk.items


def is_relevant(case: Case, chunk: Chunk) -> bool:
    """A chunk is relevant when it holds an evidence phrase or matches an expected source."""
    return holds_evidence(chunk, case.evidence) or any(matches_source(chunk, s) for s in case.sources)


def evidence_in_answer(case: Case, answer: Answer) -> bool:
    """An expected evidence phrase appears in the answer text or one of its quotes."""
    text = normalize(answer.answer + "\n" + "\n".join(c.quote for c in answer.citations))
    return any(normalize(e) in text for e in case.evidence)


def found_in_corpus(phrase: str, chunks: Iterable[Chunk]) -> bool:
    """Whether any chunk holds the phrase: a case whose evidence is nowhere can never pass."""
    return any(phrase_in(phrase, chunk.match_text) for chunk in chunks)


def item_holding(chunk: Chunk, phrase: str) -> int | None:
    """The number of the chunk's item that holds the phrase (None: an unnumbered part, or none)."""
    form = normalize(phrase)
    return next((part.n for part in chunk.parts if form in normalize(part.text)), None)
