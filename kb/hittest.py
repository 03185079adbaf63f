"""Hit testing for trainers: one question, each retriever's ranks and scores side by side."""
from __future__ import annotations

from dataclasses import dataclass, field

from kb.access import PUBLIC, Audience
from kb.knowledge import KnowledgeBase
from kb.normalize import normalize
from kb.records import Chunk
from kb.retrieve import HybridRetriever, clean_query

MIN_TERM_CHARS = 2  # a single shared character (到, 的) says nothing about why a chunk matched
DEPTH = 20  # ranks looked up per retriever so a fused hit shows where BM25 and dense put it


@dataclass
class HitRow:
    chunk: Chunk
    ranks: dict[str, int | None]
    scores: dict[str, float | None]
    matched_terms: list[str] = field(default_factory=list)


def hit_test(kb: KnowledgeBase, question: str, k: int = 5, role: str | None = None,
             audience: Audience = PUBLIC) -> list[HitRow]:
    """The fused top-k the audience may see, each with its rank and score under every retriever and the
    query terms it contains."""
    retriever = HybridRetriever(kb)
    query = clean_query(question)
    per_mode = retriever.search_each(query, k=max(k, DEPTH), role=role, audience=audience).hits
    terms = list(dict.fromkeys(kb.build.lexical.terms(normalize(query))))
    rows = []
    for hit in per_mode["hybrid"][:k]:
        ranks: dict[str, int | None] = {}
        scores: dict[str, float | None] = {}
        for mode, hits in per_mode.items():
            found = next((h for h in hits if h.chunk.chunk_id == hit.chunk.chunk_id), None)
            ranks[mode] = found.rank if found else None
            scores[mode] = round(float(found.score), 4) if found else None
        chunk_terms = set(kb.build.lexical.terms(hit.chunk.match_text))
        matched = [t.lstrip("#") for t in terms if t in chunk_terms and len(t.lstrip("#")) >= MIN_TERM_CHARS]
        rows.append(HitRow(hit.chunk, ranks, scores, list(dict.fromkeys(matched))))
    return rows
