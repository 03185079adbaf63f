"""Stage 1, retrieve: the question's chunks (kb.retrieve), cut into passages and scored for the question.

A passage is an item or paragraph of a chunk (a part), or one sentence of a long paragraph. Its
score is its own embedding's similarity to the question (computed at ingest), plus how much of the
question's vocabulary it, its section heading and its document's title cover (IDF-weighted), plus
how much its heading alone covers, plus a prior for the roles the question is about. Sentences that
read as instructions to a model are never passages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kb import answer_words as vocab
from kb.answer.ctx import Ctx
from kb.answer.passage import Passage
from kb.answer.terms import Scorer
from kb.injection import is_flagged
from kb.query import Query, QuestionType
from kb.records import Hit
from kb.retrieve import Retrieval

ANSWER_CANDIDATES = 8
SENTENCE_SPLIT_CHARS = 200  # longer paragraphs are quoted sentence by sentence
SENTENCE_END = re.compile(f"(?<=[{vocab.SENTENCE_END}])")
LEXICAL_WEIGHT = 0.15  # question terms covered by the passage and its heading
HEADING_WEIGHT = 0.05  # question terms covered by the section heading alone: headings say what a block is about
ROLE_WEIGHT = 0.1  # passages of a role the question names
# …of the asker's picked role or the conversation's, or of a role a permission question names: a rule on
# what one may do is usually everyone's, not the role's own
WEAK_ROLE_WEIGHT = 0.03


@dataclass(frozen=True)
class Retrieved:
    query: Query
    retrieval: Retrieval  # rankings per retriever, the fused order, notices (kb.retrieve)
    hits: list[Hit]  # the fused top chunks
    passages: list[Passage]  # every passage of the hits, best first


def run(ctx: Ctx, query: Query) -> Retrieved:
    retrieval = ctx.retriever.retrieve(query, k=ANSWER_CANDIDATES)
    hits = ctx.retriever.hits(retrieval, ANSWER_CANDIDATES)
    return Retrieved(query, retrieval, hits, passages(ctx.scorer, query, hits))


def passages(scorer: Scorer, query: Query, hits: list[Hit]) -> list[Passage]:
    """Every passage of the hits, best first."""
    scorer.refresh()
    build = scorer.kb.build
    question = scorer.question_terms(query)
    vector = scorer.kb.query_vector(query.match)
    vectors = build.part_vectors
    roles = query.prior_roles
    named = bool(query.mentioned) and query.qtype is not QuestionType.YESNO
    role_weight = ROLE_WEIGHT if named else WEAK_ROLE_WEIGHT
    found: list[Passage] = []
    for hit in hits:
        position = build.position[hit.chunk.chunk_id]
        offset = build.part_offsets[position]
        heading_text = scorer.heading_of(position)
        heading_terms = scorer.terms(heading_text)
        heading = scorer.coverage(question, heading_terms)
        # the document's title says which of several documents a text is from ("…超市门店岗位职责表")
        context = heading_terms | scorer.terms(hit.chunk.title)
        prior = role_weight if hit.chunk.role and hit.chunk.role in roles else 0.0
        for j, part in enumerate(hit.chunk.parts):
            dense = float(vectors[offset + j] @ vector) if vectors is not None else 0.0
            pieces = [part.text]
            if len(part.text) > SENTENCE_SPLIT_CHARS or is_flagged(part.text):
                pieces = [s for s in SENTENCE_END.split(part.text) if s.strip()]
            for piece in pieces:
                if is_flagged(piece):  # an instruction to a model inside a document is never quoted
                    continue
                coverage = scorer.expanded_coverage(query, question, context | scorer.terms(piece))
                score = dense + LEXICAL_WEIGHT * coverage + HEADING_WEIGHT * heading + prior
                found.append(Passage(piece.strip(), hit.chunk, position, j, heading_text, whole=len(pieces) == 1,
                                     hit_rank=hit.rank, dense=dense, coverage=coverage, heading_coverage=heading,
                                     score=score))
    found.sort(key=lambda p: -p.score)
    return found
