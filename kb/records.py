"""Records that flow from ingest to the index and back out of search."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from kb.clauses import ITEM, clause_text
from kb.frontmatter import EntryMeta
from kb.normalize import normalize_name
from kb.outline import Block

BREADCRUMB_SEP = " › "


@dataclass(frozen=True)
class LoadedDocument:
    """A corpus file decoded to text, with its front matter (empty for raw files)."""

    doc_id: str
    path: str
    kind: str
    encoding: str
    text: str
    meta: EntryMeta = field(default_factory=EntryMeta)
    fingerprint: str = ""
    blocks: tuple[Block, ...] = ()  # typed reading-order blocks (formats with headings, lists, tables); () for text
    format_title: str | None = None  # the title the format states (HTML <title>/h1, DOCX Title style, PDF metadata)

    @property
    def title(self) -> str | None:
        return self.meta.title or self.format_title

    @property
    def retired(self) -> bool:
        return self.meta.retired


@dataclass(frozen=True)
class DutyItem:
    n: int
    text: str


ANCHOR_CHARS = 8


def item_anchor(text: str) -> str:
    """A duty item's stable anchor for review overrides: a short hash of its normalised text."""
    return hashlib.sha256(normalize_name(text).encode("utf-8")).hexdigest()[:ANCHOR_CHARS]


@dataclass
class Role:
    name: str
    aliases: list[str]
    source: str
    title: str
    section: str
    department: str | None
    duties: list[DutyItem]
    visibility: list[str] = field(default_factory=list)
    chunk_ids: list[str] = field(default_factory=list)  # the chunks holding the duty items, in order
    origin: str = ""  # where the document names it: heading, article, table, list, rules, title, front matter, review
    organisation: str = ""  # the organisation of its document (kb.scope); "" in builds made before

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)  # as Chunk.to_dict: asdict's deep copy is slow on a large registry
        data.update(aliases=list(self.aliases), visibility=list(self.visibility), chunk_ids=list(self.chunk_ids),
                    duties=[{"n": d.n, "text": d.text} for d in self.duties])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Role:
        duties = [DutyItem(**d) for d in data.get("duties", [])]
        return cls(**{**data, "duties": duties})


@dataclass(frozen=True)
class ChunkPart:
    """One numbered item (or an unnumbered paragraph, n=None) inside a chunk, original text."""

    n: int | None
    text: str


@dataclass
class Chunk:
    chunk_id: str
    doc_id: str
    title: str
    section: str
    role: str | None
    items: list[int]
    text: str
    match_text: str
    parts: list[ChunkPart]
    visibility: list[str] = field(default_factory=list)
    # A list too long for one chunk is cut into linked chunks: each carries the list's block id (shared),
    # its 0-based index and the number of pieces, so answers can gather the whole list back in order.
    block_id: str | None = None
    block_part: int = 0
    block_parts: int = 1
    # The id of the chunk's vector in the store (see ingest.collection); "" in builds made before: its chunk id.
    vector_id: str = ""
    organisation: str = ""  # the organisation of its document (kb.scope); "" in builds made before

    @property
    def vector_key(self) -> str:
        return self.vector_id or self.chunk_id

    @property
    def breadcrumb(self) -> str:
        return BREADCRUMB_SEP.join(p for p in (self.title, self.section) if p and not (p is self.section
                                                                                     and p == self.title))

    def to_dict(self) -> dict[str, Any]:
        # field by field rather than dataclasses.asdict, whose deep copy dominated writing a 10k-chunk build
        data = dict(self.__dict__)
        data.update(items=list(self.items), visibility=list(self.visibility),
                    parts=[{"n": p.n, "text": p.text} for p in self.parts])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        parts = [ChunkPart(**p) for p in data.get("parts", [])]
        return cls(**{**data, "parts": parts})


def by_document(chunks: list[Chunk], roles: list[Role]) -> tuple[dict[str, list[Chunk]], dict[str, list[Role]]]:
    """A build's chunks and roles grouped by their document (each list in build order)."""
    chunks_by_doc: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        chunks_by_doc.setdefault(chunk.doc_id, []).append(chunk)
    roles_by_doc: dict[str, list[Role]] = {}
    for role in roles:
        roles_by_doc.setdefault(role.source, []).append(role)
    return chunks_by_doc, roles_by_doc


@dataclass
class Hit:
    """A chunk returned by a retriever, with the ranks and scores behind its place."""

    chunk: Chunk
    score: float
    rank: int = 0
    ranks: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        c = self.chunk
        return {
            "rank": self.rank,
            "chunk_id": c.chunk_id,
            "doc_id": c.doc_id,
            "title": c.title,
            "section": c.section,
            "role": c.role,
            "items": list(c.items),
            "text": c.text,
            "score": round(float(self.score), 6),
        }


@dataclass
class Citation:
    """One numbered source of an answer: the chunk, the item numbers and the exact quoted text.

    `item_kind` says what the numbers are (kb.clauses: the document's own articles, 第k条, or list
    items, 第k项); `group` numbers the source card the citation shares with the others of its block
    (0: not grouped yet). Both have defaults, so citations stored before them still load."""

    n: int
    chunk_id: str
    doc_id: str
    title: str
    section: str
    items: list[int]
    quote: str
    item_kind: str = ITEM
    group: int = 0

    @property
    def where(self) -> str:
        """《title》 section — the block a new hire can look up (document words as written)."""
        return f"《{self.title}》" + (f" {self.section}" if self.section and self.section != self.title else "")

    @property
    def label(self) -> str:
        """《title》 section › 第k项 (or 第k条 for an article; the label's own words in Simplified)."""
        clause = clause_text(self.items, self.item_kind)
        return self.where + (BREADCRUMB_SEP + clause if clause else "")

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "chunk_id": self.chunk_id, "doc_id": self.doc_id, "title": self.title,
                "section": self.section, "items": list(self.items), "quote": self.quote,
                "item_kind": self.item_kind, "group": self.group}


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    mode: str
    citations: list[Citation] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    confidence: float = 0.0
    level: str = "answered"  # "answered" | "partial" | "none" (abstained is True exactly for none)
    understood_as: str = ""  # the question as answered (a follow-up resolved against earlier turns)
    notice: str | None = None  # something the reader must know: BM25-only search, the LLM failed …
    degraded: bool = False  # the vector store was unavailable: BM25 alone found the sources
    reasons: list[str] = field(default_factory=list)  # what the quoted text lacks for the question (kb.answer.level)

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer, "abstained": self.abstained, "mode": self.mode,
                "citations": [c.to_json() for c in self.citations], "suggestions": list(self.suggestions),
                "level": self.level, "degraded": self.degraded, "notice": self.notice}
