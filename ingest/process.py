"""One document through clean → structure → roles → chunks (pure, no I/O)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ingest.chunk import ChunkLimits, chunk_document
from ingest.clean import clean_blocks, clean_text
from ingest.formats.markdown import markdown_blocks
from ingest.inline_lists import split_inline_lists
from ingest.overrides import Override, apply_overrides, node_paths
from ingest.role_names import role_name_from_heading
from ingest.roles import find_roles
from ingest.structure import is_list_kind, parse_blocks, text_blocks
from kb.outline import HEADING, LINE, Block, match_marker, strip_marker_text
from kb.records import BREADCRUMB_SEP, Chunk, LoadedDocument, Role
from kb.scope import Origin, document_organisation

TITLE_MAX_CHARS = 40
TITLE_MAX_LINES = 3
TITLE_LEVEL = 1  # a format's top heading (Word's Heading 1, HTML's h1)
DUTY_PROBE_CHARS = 20  # a duty's opening words find the chunk that quotes it
MARKDOWN_TITLE = re.compile(r"^#\s+(.+)$")
MARKDOWN_HEADING = re.compile(r"^#{2,6}\s+(.+)$")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass
class ProcessedDocument:
    doc_id: str
    title: str
    chunks: list[Chunk]
    roles: list[Role]
    removed_lines: list[str]
    unmatched_overrides: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    organisation: str = ""  # whose document it is (kb.scope), and where that was read
    organisation_from: str = Origin.DOCUMENT.value
    table_rows: list[str] = field(default_factory=list)  # paths of its tables' rows: nodes a trainer may make roles


def _take_title(doc: LoadedDocument, blocks: list[Block]) -> str:
    """Front-matter or format title, else a short unnumbered first line (removed from the body), else the file stem.

    A document that opens with its only top heading (`# heading`, Word's Heading 1, h1) takes it as the title
    (regulations are published so), unless that heading names a role.
    """
    if doc.title:
        return doc.title
    if doc.blocks and blocks and blocks[0].kind == LINE:
        lines = [blocks[0].text] + [b.text for b in blocks[1:TITLE_MAX_LINES] if b.kind == LINE and not b.paragraph]
        joined = "".join(lines)
        if len(lines) > 1 and len(joined) <= TITLE_MAX_CHARS and not any(match_marker(x) for x in lines):
            del blocks[:len(lines)]  # a title set on two lines of one paragraph ("某医院" / "岗位说明书")
            return joined
    if blocks and blocks[0].kind == HEADING and blocks[0].level == TITLE_LEVEL \
            and sum(1 for b in blocks if b.kind == HEADING and b.level == TITLE_LEVEL) == 1 \
            and not _heads_one_role(blocks[0].text, blocks):
        return blocks.pop(0).text.strip()  # a Word or web page that opens with its only top heading, as above
    if blocks and blocks[0].kind == LINE:
        first = blocks[0].text
        heading = MARKDOWN_TITLE.match(first) if doc.kind == "markdown" else None
        if heading and sum(1 for b in blocks if b.kind == LINE and MARKDOWN_TITLE.match(b.text)) == 1 \
                and not _heads_one_role(heading.group(1), blocks):
            blocks.pop(0)
            return heading.group(1).strip()
        if len(first) <= TITLE_MAX_CHARS and match_marker(first) is None:
            return blocks.pop(0).text
    return PurePosixPath(doc.doc_id).stem


def _heads_one_role(heading: str, blocks: list[Block]) -> bool:
    """A role heading stays the role's heading, unless headings under it name other posts: then it titles a
    collection of posts' duties (物业服务中心岗位职责 over 客服主管岗位职责 and 保安岗位职责)."""
    named = role_name_from_heading(heading)
    if named is None:
        return False
    below = [m.group(1) for b in blocks if b.kind == LINE and (m := MARKDOWN_HEADING.match(b.text))]
    below += [b.text for b in blocks[1:] if b.kind == HEADING]
    others = (role_name_from_heading(strip_marker_text(text)) for text in below)
    return not any(o is not None and o[0] != named[0] for o in others)


def document_blocks(doc: LoadedDocument) -> tuple[list[Block], list[str]]:
    """The document's cleaned blocks and the boilerplate lines removed."""
    if doc.blocks:
        cleaned_blocks = clean_blocks(list(doc.blocks))
        return split_inline_lists(cleaned_blocks.blocks), cleaned_blocks.removed
    text = HTML_COMMENT.sub("", doc.text) if doc.kind == "markdown" else doc.text
    cleaned = clean_text(text)
    blocks = markdown_blocks(cleaned.text) if doc.kind == "markdown" else text_blocks(cleaned.text)
    return split_inline_lists(blocks), cleaned.removed


def duty_chunks(role: Role, chunks: list[Chunk]) -> list[str]:
    """The chunks under the role's section that hold its duty items (a long list: several, in order)."""
    def holds(chunk: Chunk) -> bool:
        return any(d.text[:DUTY_PROBE_CHARS] in chunk.text for d in role.duties)

    under = [c for c in chunks if c.section == role.section or c.section.startswith(role.section + BREADCRUMB_SEP)]
    return [c.chunk_id for c in under if holds(c)] or [c.chunk_id for c in chunks if holds(c)]


def process_document(doc: LoadedDocument, limits: ChunkLimits,
                     overrides: Sequence[Override] = ()) -> ProcessedDocument:
    blocks, removed = document_blocks(doc)
    title = _take_title(doc, blocks)
    root = parse_blocks(blocks)
    spans = find_roles(root, doc.doc_id, title, list(doc.meta.roles))
    department = doc.meta.department
    detected = [span.role for span in spans]
    chunks = chunk_document(doc.doc_id, title, root, spans, limits)
    applied = apply_overrides(detected, list(overrides), root, doc.doc_id, title)
    roles = applied.roles
    if department:
        for role in roles:
            role.department = role.department or str(department)
    relabel_chunks(chunks, detected, roles)
    for chunk in chunks:
        chunk.section = chunk.section or title  # text before the first heading sits under the title
    for role in roles:
        role.chunk_ids = duty_chunks(role, chunks)
    visibility = list(doc.meta.visibility)
    for chunk in chunks:
        chunk.visibility = visibility
    for role in roles:
        role.visibility = visibility
    organisation, origin = document_organisation(doc.doc_id, title, doc.meta.organisation, applied.organisation)
    for chunk in chunks:
        chunk.organisation = organisation
    for role in roles:
        role.organisation = organisation
    rows = [path for path, node in node_paths(root) if node.in_table and is_list_kind(node.kind)]
    return ProcessedDocument(doc.doc_id, title, chunks, roles, removed, applied.unmatched, applied.failed_checks,
                             organisation, origin.value, rows)


def relabel_chunks(chunks: list[Chunk], detected: list[Role], roles: list[Role]) -> None:
    """Chunks follow the reviewed roles: a renamed role's chunks carry its new name, a dropped one's none, and
    a role added from an outline node owns the chunks under that node's section."""
    names = {r.name for r in roles}
    renamed = {r.name: next((k.name for k in roles if r.name in k.aliases), None) for r in detected
               if r.name not in names}
    for chunk in chunks:
        if chunk.role in renamed:
            chunk.role = renamed[chunk.role]
    for role in roles:
        if role.origin == "review" and role.section:
            for chunk in chunks:
                if chunk.section == role.section or chunk.section.startswith(role.section + BREADCRUMB_SEP):
                    chunk.role = role.name
