"""Parse the numbered Chinese outline of a duty document into a section tree.

Recognised markers: Markdown headings, ①–⑳ (top-level question blocks *or*
deep list items, told apart by context), 第X章 / 第X節 / 第X條, 第一,(ordinal
paragraphs), 一、, (一), 1、 / 1. , (1) / ⑴, and bullets. Each marker kind
takes its level from where it first appears in the current branch, which is
how these documents are actually written: the same kind reappearing closes
everything opened below it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kb.outline import Marker, match_marker

LABEL_MAX_CHARS = 20
PATH_LABEL_MAX_CHARS = 40  # long "(2)…:" lines carry content; a breadcrumb shows their start only
ELLIPSIS = "…"
SECTION_KINDS = frozenset({"root", "heading", "circled", "zhang", "jie", "label"})


def path_label(label: str) -> str:
    return label if len(label) <= PATH_LABEL_MAX_CHARS else label[:PATH_LABEL_MAX_CHARS] + ELLIPSIS


@dataclass
class Section:
    """A node of the outline: its marker line, the unnumbered lines under it, and children."""

    kind: str
    number: int | None
    label: str
    heading: str
    lines: list[str] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    level: int = 0

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def is_item(self) -> bool:
        """A numbered or bulleted line with no sub-items: content, not a heading."""
        return self.is_leaf and self.kind not in SECTION_KINDS

    def own_text(self) -> str:
        return "\n".join(([self.label] if self.label else []) + self.lines)

    def full_text(self) -> str:
        """Original text of this node and everything below it."""
        parts = [self.own_text()] + [c.full_text() for c in self.children]
        return "\n".join(p for p in parts if p)

    def content_text(self) -> str:
        """Like full_text, but the first line without its marker (for duty item text)."""
        parts = [self.heading] + self.lines + [c.full_text() for c in self.children]
        return "\n".join(p for p in parts if p)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def _is_label(line: str) -> bool:
    return len(line) <= LABEL_MAX_CHARS and line.endswith((":", "：")) and "。" not in line


def _next_marker(lines: list[str], start: int) -> Marker | None:
    for raw in lines[start:]:
        line = raw.strip()
        if line:
            return match_marker(line)
    return None


class _OutlineBuilder:
    """Keeps the stack of open sections while lines are fed in order."""

    def __init__(self) -> None:
        self.root = Section("root", None, "", "")
        self.stack: list[Section] = []
        self.top_block = 0

    @property
    def current(self) -> Section:
        return self.stack[-1] if self.stack else self.root

    def add_body(self, line: str) -> None:
        self.current.lines.append(line)

    def _circled_kind(self, number: int, after_blank: bool) -> str:
        deep = [s for s in self.stack if s.kind == "circled_item"]
        if deep and deep[-1].number is not None and number == deep[-1].number + 1:
            return "circled_item"
        if number == self.top_block + 1 and after_blank:
            self.top_block = number
            return "circled"
        return "circled_item"

    def _pop_to_kind(self, kind: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].kind == kind:
                del self.stack[i:]
                return

    def add_marker(self, marker: Marker, line: str, after_blank: bool, following: Marker | None) -> None:
        kind = marker.kind
        if kind == "circled":
            kind = self._circled_kind(marker.number or 0, after_blank)
        if kind == "circled":
            self.stack.clear()
        elif kind == "heading":
            while self.stack and not (self.stack[-1].kind == "heading" and self.stack[-1].level < marker.level):
                self.stack.pop()
        elif kind == "label":
            if following is not None:
                self._pop_to_kind(following.kind)
            if self.stack and self.stack[-1].kind == "label":  # a new label closes the previous one
                self.stack.pop()
        else:
            self._pop_to_kind(kind)
        number = marker.number
        if kind == "bullet":
            number = sum(1 for c in self.current.children if c.kind == "bullet") + 1
        node = Section(kind, number, line, marker.heading, level=marker.level)
        self.current.children.append(node)
        self.stack.append(node)


def parse_structure(text: str) -> Section:
    """The section tree of a cleaned document (root node has kind 'root')."""
    builder = _OutlineBuilder()
    lines = text.split("\n")
    after_blank = True
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            after_blank = True
            continue
        marker = match_marker(line)
        following = None
        if marker is None and _is_label(line):
            following = _next_marker(lines, i + 1)
            if following is not None and following.number == 1:
                marker = Marker("label", None, line.rstrip(":："))
        if marker is None:
            builder.add_body(line)
        else:
            builder.add_marker(marker, line, after_blank, following)
        after_blank = False
    return builder.root
