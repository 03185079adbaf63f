"""Cut a section tree into retrieval chunks that never straddle two sections.

A section whose whole subtree fits becomes one chunk; a larger one emits its own
paragraphs, then packs consecutive children into chunks up to the size limit
and recurses into children too large to pack. A role's duty list is kept whole
up to a larger limit, so "what are X's duties" comes back in one piece.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from ingest.duty_lists import has_labelled_parts
from ingest.role_spans import RoleSpan
from ingest.structure import Section, path_label
from kb.normalize import normalize
from kb.records import BREADCRUMB_SEP, Chunk, ChunkPart
from kb.settings import Settings

SENTENCE_BREAK = re.compile(r"(?<=[。！？!?；;])")
CLAUSE_BREAK = re.compile(r"(?<=[，,、：:])")  # a sentence too long for a chunk is cut at its clauses, then by width
CONTEXT_LABELS = 2  # section labels prepended to the match text: the role/rule heading and its parent
CHUNK_ID_HASH_CHARS = 16
PART_SEPARATOR = "\n"


@dataclass
class ChunkLimits:
    max_chars: int
    role_max_chars: int

    @classmethod
    def of(cls, settings: Settings) -> ChunkLimits:
        return cls(settings.max_chunk_chars, settings.role_chunk_max_chars)


@dataclass
class _Pack:
    parts: list[ChunkPart] = field(default_factory=list)
    size: int = 0

    def add(self, part: ChunkPart) -> None:
        self.size += len(part.text) + (len(PART_SEPARATOR) if self.parts else 0)
        self.parts.append(part)

    def fits(self, text: str, limit: int) -> bool:
        return not self.parts or self.size + len(PART_SEPARATOR) + len(text) <= limit


def _pack_pieces(units: list[str], limit: int) -> list[str]:
    pieces, current = [], ""
    for unit in units:
        if current and len(current) + len(unit) > limit:
            pieces.append(current)
            current = ""
        current += unit
    if current:
        pieces.append(current)
    return pieces


def split_long(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` chars, cut at sentence ends, else at clause marks, else by width.

    Every piece is bounded, so no input (a 16k-character line without punctuation) makes one
    huge chunk or one huge text to embed.
    """
    if len(text) <= limit:
        return [text]
    units: list[str] = []
    for sentence in (s for s in SENTENCE_BREAK.split(text) if s):
        if len(sentence) <= limit:
            units.append(sentence)
            continue
        for clause in (c for c in CLAUSE_BREAK.split(sentence) if c):
            units += [clause[i:i + limit] for i in range(0, len(clause), limit)]
    return _pack_pieces(units, limit)


class _Chunker:
    def __init__(self, doc_id: str, title: str, roles: list[RoleSpan], limits: ChunkLimits):
        self.doc_id = doc_id
        self.title = title
        self.limits = limits
        self.role_of = {id(span.node): span for span in roles if not span.inline}
        self.chunks: list[Chunk] = []
        self._seen_ids: dict[str, int] = {}

    def emit(self, path: list[str], role: str | None, parts: list[ChunkPart]) -> None:
        if not parts:
            return
        text = PART_SEPARATOR.join(p.text for p in parts)
        section = BREADCRUMB_SEP.join(path)
        context = " ".join(path[-CONTEXT_LABELS:])
        digest = hashlib.sha1(f"{section}\n{text}".encode()).hexdigest()[:CHUNK_ID_HASH_CHARS]
        chunk_id = f"{self.doc_id}::{digest}"
        seen = self._seen_ids.get(chunk_id, 0)
        self._seen_ids[chunk_id] = seen + 1
        if seen:
            chunk_id = f"{chunk_id}-{seen}"
        items = [p.n for p in parts if p.n is not None]
        self.chunks.append(Chunk(
            chunk_id=chunk_id, doc_id=self.doc_id, title=self.title, section=section, role=role,
            items=items, text=text, match_text=normalize(f"{context}\n{text}"), parts=parts,
        ))

    def _paragraph_parts(self, lines: list[str]) -> list[ChunkPart]:
        return [ChunkPart(None, piece) for line in lines for piece in split_long(line, self.limits.max_chars)]

    def _emit_packed(self, path: list[str], role: str | None, parts: list[ChunkPart], limit: int) -> None:
        pack = _Pack()
        for part in parts:
            if not pack.fits(part.text, limit):
                self.emit(path, role, pack.parts)
                pack = _Pack()
            pack.add(part)
        self.emit(path, role, pack.parts)

    def visit(self, node: Section, path: list[str], role: str | None) -> None:
        here = path + [path_label(node.label)] if node.kind != "root" else path
        span = self.role_of.get(id(node))
        if span is not None:
            role = span.role.name
        limit = self.limits.role_max_chars if span is not None else self.limits.max_chars
        if node.kind != "root" and node.is_leaf:
            own = [ChunkPart(node.number, piece) for piece in split_long(node.label, self.limits.max_chars)]
            if not node.is_item:  # a heading: it is in the breadcrumb, its paragraphs are the content
                own = [] if node.lines else [ChunkPart(None, node.label)]
            self._emit_packed(here, role, own + self._paragraph_parts(node.lines), limit)
            return
        labelled = span is not None and has_labelled_parts(node)
        if node.kind != "root" and len(node.full_text()) <= limit and not self._has_role_below(node) \
                and not labelled:  # a role's labelled parts (职责 / 任职要求 / 禁止行为) are chunks of their own
            parts = self._paragraph_parts(node.lines) + [ChunkPart(c.number, c.full_text()) for c in node.children]
            self.emit(here, role, parts)
            return
        own = self._paragraph_parts(node.lines)
        if node.kind != "root" and path_label(node.label) != node.label:
            own = [ChunkPart(node.number, piece) for piece in split_long(node.label, self.limits.max_chars)] + own
        self._emit_packed(here, role, own, self.limits.max_chars)
        pack = _Pack()
        for child in node.children:
            text = child.full_text()
            if child.is_item and len(text) <= self.limits.max_chars and id(child) not in self.role_of:
                if not pack.fits(text, self.limits.max_chars):
                    self.emit(here, role, pack.parts)
                    pack = _Pack()
                pack.add(ChunkPart(child.number, text))
                continue
            self.emit(here, role, pack.parts)
            pack = _Pack()
            self.visit(child, here, role)
        self.emit(here, role, pack.parts)

    def _has_role_below(self, node: Section) -> bool:
        return any(id(n) in self.role_of for n in node.walk() if n is not node)


def link_split_blocks(chunks: list[Chunk]) -> None:
    """Consecutive chunks of one section are one block cut in pieces: give them a shared id and their order."""
    start = 0
    while start < len(chunks):
        end = start
        while end + 1 < len(chunks) and chunks[end + 1].section == chunks[start].section \
                and chunks[end + 1].doc_id == chunks[start].doc_id:
            end += 1
        if end > start:
            digest = hashlib.sha1(chunks[start].section.encode()).hexdigest()[:CHUNK_ID_HASH_CHARS]
            block_id = f"{chunks[start].doc_id}::block-{digest}"
            for i, chunk in enumerate(chunks[start:end + 1]):
                chunk.block_id, chunk.block_part, chunk.block_parts = block_id, i, end - start + 1
        start = end + 1


def chunk_document(doc_id: str, title: str, root: Section, roles: list[RoleSpan], limits: ChunkLimits) -> list[Chunk]:
    chunker = _Chunker(doc_id, title, roles, limits)
    chunker.visit(root, [], None)
    link_split_blocks(chunker.chunks)
    return chunker.chunks
