"""Blocks: a section of a document reassembled from its chunks, in reading order, for whole-list answers.

A chunk never straddles two sections, but a long list or procedure is cut into several chunks
(and its sub-steps sit in sub-sections). A block is every chunk of one document whose section
path starts with the block's path, in build order (which is document order): the intro, every
item and sub-step, with sub-headings taken from the breadcrumb and an indent depth per line.
It works on any chunking that keeps sections in breadcrumbs; a finer structure from ingest only
makes the blocks more exact.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kb.outline import match_marker
from kb.records import BREADCRUMB_SEP, Chunk

ELLIPSIS = "…"  # ingest shortens long heading labels in breadcrumbs with it
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s*")
MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__|`)")
ANNOUNCES_LIST = re.compile(r"([:：]|如下|以下|下列|几点|几项)\s*$")
MAX_TOPIC_CHARS = 16  # a suggestion or label is a topic name, not a sentence


@dataclass(frozen=True)
class Line:
    position: int  # the chunk's position in the build
    part: int | None  # index into the chunk's parts; None for a sub-heading taken from the breadcrumb
    text: str  # as written
    depth: int  # indent level inside the block

    @property
    def quotable(self) -> bool:
        return self.part is not None


@dataclass
class Block:
    doc_id: str
    path: tuple[str, ...]
    lines: list[Line]

    @property
    def heading(self) -> str:
        return self.path[-1] if self.path else ""

    @property
    def items(self) -> list[Line]:
        return [line for line in self.lines if line.quotable]

    @property
    def size(self) -> int:
        return sum(len(line.text) for line in self.lines)


def strip_marker(text: str) -> str:
    """An item's text without its number marker ("1、人員要提前…" → "人員要提前…")."""
    marker = match_marker(text.strip()) if text.strip() else None
    return marker.heading if marker and marker.heading else text.strip()


def clean_label(label: str) -> str:
    """A breadcrumb label without Markdown syntax (`# 护士条例` → `护士条例`)."""
    return MARKDOWN_EMPHASIS.sub("", MARKDOWN_HEADING.sub("", label.strip())).strip()


def clean_section(section: str) -> str:
    return BREADCRUMB_SEP.join(clean_label(s) for s in section.split(BREADCRUMB_SEP) if s.strip())


def topic_name(label: str) -> str:
    """A heading as a topic: no number marker, no Markdown, cut at its first colon or sentence end."""
    text = clean_label(label).rstrip(ELLIPSIS)
    marker = match_marker(text) if text else None
    if marker and marker.heading:
        text = marker.heading
    text = re.split(r"[:：。；;！!？?]", text, maxsplit=1)[0]
    return re.split(r"[,，]", text, maxsplit=1)[0] if len(text) > MAX_TOPIC_CHARS else text



def is_intro(text: str) -> bool:
    """A line that announces a list ("…制定出以下应急方案:", "考勤内容:") rather than stating a rule."""
    first = text.strip().split("\n", 1)
    return len(first) == 1 and bool(ANNOUNCES_LIST.search(first[0]))


def _path(chunk: Chunk) -> tuple[str, ...]:
    return tuple(s for s in chunk.section.split(BREADCRUMB_SEP) if s) if chunk.section else ()


def _continues(label: str, text: str) -> bool:
    """Whether a shortened breadcrumb label is the beginning of this part (the part is the heading itself)."""
    return label.endswith(ELLIPSIS) and text.startswith(label[:-1])


class Outline:
    """The build's chunks by document and section path (built once per build)."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        self.paths = [_path(c) for c in chunks]
        self.by_doc: dict[str, list[int]] = {}
        for i, chunk in enumerate(chunks):
            self.by_doc.setdefault(chunk.doc_id, []).append(i)

    def chain(self, position: int) -> list[tuple[str, ...]]:
        """The chunk's section path and each ancestor path, innermost first (the document root excluded)."""
        path = self.paths[position]
        return [path[:end] for end in range(len(path), 0, -1)]

    def block(self, position: int, path: tuple[str, ...]) -> Block:
        doc = self.chunks[position].doc_id
        lines: list[Line] = []
        shown: tuple[str, ...] = ()
        for pos in self.by_doc[doc]:
            full = self.paths[pos]
            if full[:len(path)] != path:
                continue
            rel = full[len(path):]
            parts = self.chunks[pos].parts
            common = 0
            while common < min(len(shown), len(rel)) and shown[common] == rel[common]:
                common += 1
            for depth in range(common, len(rel)):
                last = depth == len(rel) - 1
                if not (last and parts and _continues(rel[depth], parts[0].text)):
                    lines.append(Line(pos, None, rel[depth], depth))
            shown = rel
            for j, part in enumerate(parts):
                heading_part = j == 0 and rel and _continues(rel[-1], part.text)
                lines.append(Line(pos, j, part.text, len(rel) - 1 if heading_part else len(rel)))
        intro = self.parent_intro(position, path)
        if intro is not None:  # the list this block is one entry of is announced above it: show that first
            heading = Line(position, None, path[-1], 0)
            lines = [intro, heading, *(Line(line.position, line.part, line.text, line.depth + 1) for line in lines)]
        return Block(doc, path, lines)

    def parent_intro(self, position: int, path: tuple[str, ...]) -> Line | None:
        """The line that announces the list a sub-block belongs to ("…制定出以下應急方案:" above "第一,…"):
        the parent heading's own text, when it is a part of a chunk at the parent's path."""
        if len(path) < 2:
            return None
        parent = path[:-1]
        for pos in self.by_doc[self.chunks[position].doc_id]:
            if self.paths[pos] != parent:
                continue
            for j, part in enumerate(self.chunks[pos].parts):
                if _continues(parent[-1], part.text) and is_intro(part.text):
                    return Line(pos, j, part.text, 0)
        return None

    def section_block(self, position: int) -> Block:
        return self.block(position, self.paths[position])
