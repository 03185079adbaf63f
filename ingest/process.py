"""One document through clean → structure → roles → chunks (pure, no I/O)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from ingest.chunk import ChunkLimits, chunk_document
from ingest.clean import clean_text
from ingest.roles import find_roles
from ingest.structure import parse_structure
from kb.outline import match_marker
from kb.records import Chunk, LoadedDocument, Role

TITLE_MAX_CHARS = 40


@dataclass
class ProcessedDocument:
    doc_id: str
    title: str
    chunks: list[Chunk]
    roles: list[Role]
    removed_lines: list[str]


def _take_title(doc: LoadedDocument, lines: list[str]) -> str:
    """Front-matter title, else a short unnumbered first line (removed from the body), else the file stem."""
    if doc.title:
        return doc.title
    if lines and len(lines[0]) <= TITLE_MAX_CHARS and match_marker(lines[0]) is None:
        return lines.pop(0)
    return PurePosixPath(doc.doc_id).stem


def process_document(doc: LoadedDocument, limits: ChunkLimits) -> ProcessedDocument:
    cleaned = clean_text(doc.text)
    root = parse_structure(cleaned.text)
    title = _take_title(doc, root.lines)
    spans = find_roles(root, doc.doc_id, title, list(doc.meta.roles))
    department = doc.meta.department
    roles = [span.role for span in spans]
    if department:
        for role in roles:
            role.department = role.department or str(department)
    chunks = chunk_document(doc.doc_id, title, root, spans, limits)
    visibility = list(doc.meta.visibility)
    for chunk in chunks:
        chunk.visibility = visibility
    for role in roles:
        role.visibility = visibility
    return ProcessedDocument(doc.doc_id, title, chunks, roles, cleaned.removed)
