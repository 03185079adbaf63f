"""Preview how an entry will be parsed and chunked, with warnings for what will hurt retrieval."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ingest.chunk import ChunkLimits
from ingest.clean import clean_text
from ingest.process import process_document
from ingest.structure import SECTION_KINDS, Section, parse_structure
from kb.frontmatter import EntryMeta, split_front_matter
from kb.normalize import normalize
from kb.outline import match_marker
from kb.records import Chunk, LoadedDocument, Role
from kb.settings import Settings
from kb.tokenize import stock_words

MIN_DUPLICATE_CHARS = 12  # shorter lines ("2、病事假情况;") repeat legitimately


@dataclass
class OutlineRow:
    depth: int
    kind: str
    number: int | None
    label: str


@dataclass
class ChunkPreview:
    breadcrumb: str
    role: str | None
    items: list[int]
    text: str
    chars: int
    match_text: str
    tokens: list[str]


@dataclass
class Preview:
    title: str
    outline: list[OutlineRow]
    roles: list[Role]
    chunks: list[ChunkPreview]
    removed_lines: list[str]
    warnings: list[str] = field(default_factory=list)  # what the trainer should fix
    notes: list[str] = field(default_factory=list)  # what ingest takes care of, said in plain words
    ignored_keys: list[str] = field(default_factory=list)  # front matter keys dutykb keeps but does not use


def _outline(root: Section) -> list[OutlineRow]:
    rows: list[OutlineRow] = []

    def visit(node: Section, depth: int) -> None:
        if node.kind != "root":
            rows.append(OutlineRow(depth, node.kind, node.number, node.label))
        for child in node.children:
            visit(child, depth + 1 if node.kind != "root" else 0)

    visit(root, 0)
    return rows


def _jieba_split(word: str) -> list[str]:
    return stock_words(normalize(word))


def _item_key(text: str) -> str:
    marker = match_marker(text.strip()) if text.strip() else None
    return normalize(marker.heading if marker and marker.heading else text)


def preview_text(doc_id: str, text: str, settings: Settings, existing: list[Chunk] | None = None,
                 tokens_of=None) -> Preview:
    """Parse `text` (Markdown with optional front matter, or raw) exactly as ingest would."""
    meta, body = split_front_matter(text, doc_id) if doc_id.endswith(".md") else (EntryMeta(), text)
    doc = LoadedDocument(doc_id=doc_id, path=doc_id, kind="markdown", encoding="utf_8", text=body, meta=meta,
                         fingerprint=hashlib.sha256(text.encode()).hexdigest())
    limits = ChunkLimits.of(settings)
    processed = process_document(doc, limits)
    root = parse_structure(clean_text(body).text)
    tokenize = tokens_of or (lambda t: t.split())
    chunks = [ChunkPreview(c.breadcrumb, c.role, c.items, c.text, len(c.text), c.match_text, tokenize(c.match_text))
              for c in processed.chunks]
    preview = Preview(processed.title, _outline(root), processed.roles, chunks, processed.removed_lines)
    preview.warnings = warnings_for(root, processed.roles, processed.chunks, limits, doc_id, existing or [])
    preview.notes = notes_for(processed.roles)
    preview.ignored_keys = list(meta.ignored)
    return preview


def notes_for(roles: list[Role]) -> list[str]:
    """Role names the stock word list would cut apart: ingest keeps each as one search word itself."""
    notes = []
    for role in roles:
        pieces = _jieba_split(role.name)
        if len(pieces) > 1:
            notes.append(f"岗位名「{role.name}」会作为一个整词检索（不会被拆成 {'、'.join(pieces)}），不需要处理。")
    return notes


def warnings_for(root: Section, roles: list[Role], chunks: list[Chunk], limits: ChunkLimits, doc_id: str,
                 existing: list[Chunk]) -> list[str]:
    warnings = []
    for node in root.walk():
        if node.kind in SECTION_KINDS and node.kind != "root" and not node.children and not node.lines:
            warnings.append(f"标题「{node.label}」下没有条目或正文")
    for chunk in chunks:
        limit = limits.role_max_chars if chunk.role else limits.max_chars
        if len(chunk.text) > limit:
            warnings.append(f"分块「{chunk.section or chunk.title}」有 {len(chunk.text)} 字，超过上限 {limit}")
    if not chunks:
        warnings.append("没有解析出任何可检索的内容")
    seen = {_item_key(p.text): c for c in existing if c.doc_id != doc_id for p in c.parts
            if len(p.text) >= MIN_DUPLICATE_CHARS}
    for chunk in chunks:
        for part in chunk.parts:
            other = seen.get(_item_key(part.text))
            if other is not None:
                warnings.append(f"「{part.text[:30]}」与已有文档 {other.doc_id}（{other.section}）重复")
    return warnings
