"""A Markdown or text document as format-neutral elements: the parts a DOCX, PDF or XLSX rendering lays out.

Text is taken as a reader of the page sees it: a link as its text, emphasis markers (`**`, `__`) gone (a Word
author would set those words bold). A text file is one paragraph per line: its numbering is text, as in a Word
file typed by hand. evals reads documents through ingest's pipeline only (tests/test_layers.py), so the few
Markdown rules needed here are stated here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kb.frontmatter import split_front_matter

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})
HEADING = re.compile(r"^(#{1,6})(?:\s+|(?=[\u4e00-\u9fff\d（(]))(.+)$")  # as kb.outline reads Markdown headings
BULLET = re.compile(r"^(\s*)[-*+]\s+(.+)$")
ORDERED = re.compile(r"^(\s*)(\d{1,3})[.)、]\s*(.+)$")
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
SEPARATOR_CELL = re.compile(r"^\s*:?-+:?\s*$")
CELL_BREAK = re.compile(r"<br\s*/?>", re.I)
QUOTE = re.compile(r"^\s*>\s?")
FENCE = re.compile(r"^\s*(```|~~~)")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
STRONG = re.compile(r"\*\*|__")
ENCODINGS = ("utf-8-sig", "gb18030", "big5")


@dataclass(frozen=True)
class Heading:
    level: int  # 1 is the top
    text: str


@dataclass(frozen=True)
class Item:
    depth: int     # 0 = a top-level list
    ordered: bool
    number: int    # its place in its list (ordered: the number written)
    text: str


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]  # the first row is the header; a cell may hold several lines


Element = Heading | Item | Para | Table


@dataclass
class Source:
    path: Path
    title: str | None
    elements: list[Element] = field(default_factory=list)


def is_source(path: Path) -> bool:
    return path.suffix.lower() in MARKDOWN_SUFFIXES | TEXT_SUFFIXES


def plain_line(line: str) -> str:
    return STRONG.sub("", LINK.sub(r"\1", line))


def _decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("not decodable as UTF-8, GB18030 or Big5")


def read_source(path: Path) -> Source:
    text = _decode(path.read_bytes())
    if path.suffix.lower() in TEXT_SUFFIXES:
        return Source(path, None, [Para(line.strip()) for line in text.splitlines() if line.strip()])
    meta, body = split_front_matter(text, str(path))
    return Source(path, meta.title, markdown_elements(body))


def _cells(line: str) -> tuple[str, ...]:
    inner = line.strip()[1:-1].replace("\\|", "\x00")
    return tuple(CELL_BREAK.sub("\n", plain_line(c.strip())).replace("\x00", "|") for c in inner.split("|"))


class _Lists:
    """Depth and number of list items, from their indents (a deeper indent opens a nested list)."""

    def __init__(self) -> None:
        self.indents: list[int] = []
        self.numbers: list[int] = []

    def item(self, indent: int) -> tuple[int, int]:
        while self.indents and self.indents[-1] > indent:
            self.indents.pop()
            self.numbers.pop()
        if not self.indents or self.indents[-1] < indent:
            self.indents.append(indent)
            self.numbers.append(0)
        self.numbers[-1] += 1
        return len(self.indents) - 1, self.numbers[-1]

    def end(self) -> None:
        self.indents, self.numbers = [], []


def markdown_elements(body: str) -> list[Element]:
    elements: list[Element] = []
    lists = _Lists()
    lines = body.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if TABLE_ROW.match(line) and i + 1 < len(lines) and all(SEPARATOR_CELL.match(c) for c in _cells(lines[i + 1])):
            rows = [_cells(line)]
            i += 2
            while i < len(lines) and TABLE_ROW.match(lines[i]):
                rows.append(_cells(lines[i]))
                i += 1
            elements.append(Table(tuple(rows)))
            lists.end()
            continue
        i += 1
        if not line.strip() or FENCE.match(line):
            continue
        line = QUOTE.sub("", line)
        if heading := HEADING.match(line):
            elements.append(Heading(len(heading.group(1)), plain_line(heading.group(2).strip())))
            lists.end()
        elif bullet := BULLET.match(line):
            depth, number = lists.item(len(bullet.group(1).expandtabs(2)))
            elements.append(Item(depth, False, number, plain_line(bullet.group(2).strip())))
        elif ordered := ORDERED.match(line):
            depth, _ = lists.item(len(ordered.group(1).expandtabs(2)))
            elements.append(Item(depth, True, int(ordered.group(2)), plain_line(ordered.group(3).strip())))
        else:
            elements.append(Para(plain_line(line.strip())))
            if not line.startswith(" "):
                lists.end()
    return elements


CIRCLED_ONE, CIRCLED_MAX = 0x2460, 20  # ① … ⑳
BULLET_MARK = "•"


def item_label(item: Item) -> str:
    """An item's number or bullet as typed text, the way Word prints a list to PDF: 1. at the top, （1） below it,
    ① further down, • for bullets."""
    if not item.ordered:
        return f"{BULLET_MARK} "
    if item.depth == 0:
        return f"{item.number}. "
    if item.depth == 1 or item.number > CIRCLED_MAX:
        return f"（{item.number}）"
    return chr(CIRCLED_ONE + item.number - 1)
