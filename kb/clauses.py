"""How answers and pages name where a quote is written: clause numbers and the source cards of an answer.

第k条 is said only of a document's own articles (a part that opens with 第X条, as regulations
number them); every other numbered part is a list item, 第k项, whatever its marker (1、, (一), ①).
Numbers in a row read as a range (第1–11项). An answer's citations that quote one block (the same
document and section) share one source card: the card names the block once with the range of its
items, and each quote inside keeps its own [n], so the answer's markers still point at single items.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kb.outline import match_marker

if TYPE_CHECKING:
    from kb.records import Chunk, Citation

ARTICLE, ITEM = "article", "item"
CLAUSE_WORDS = {ARTICLE: "条", ITEM: "项"}
ARTICLE_MARKER = "tiao"  # kb.outline's kind for 第X条
RANGE_DASH = "–"
LIST_SEP = "、"


def numbers_text(numbers: Iterable[int]) -> str:
    """Numbers, runs of consecutive ones as ranges: [1, 2, 3, 4, 7] → 1–4、7."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return LIST_SEP.join(str(r[0]) if len(r) == 1 else f"{r[0]}{RANGE_DASH}{r[-1]}" for r in runs)


def clause_text(numbers: Iterable[int], kind: str = ITEM) -> str:
    """第1–11项 (list items) or 第39、43条 (articles); "" without numbers."""
    shown = numbers_text(numbers)
    return f"第{shown}{CLAUSE_WORDS[kind]}" if shown else ""


def kind_of_lines(lines: Iterable[str], n: int) -> str:
    """ARTICLE when one of `lines` opens with the article marker 第X条 numbered `n`, else ITEM."""
    for line in lines:
        marker = match_marker(line.strip()) if line.strip() else None
        if marker is not None and marker.kind == ARTICLE_MARKER and marker.number == n:
            return ARTICLE
    return ITEM


def chunk_kind(chunk: Chunk, items: list[int]) -> str:
    """Whether the chunk's item numbered first in `items` is an article or a list item (ITEM without numbers)."""
    if not items:
        return ITEM
    return kind_of_lines((p.text.split("\n", 1)[0] for p in chunk.parts if p.n == items[0]), items[0])


@dataclass
class SourceGroup:
    """The citations of an answer that quote one block: one source card."""

    citations: list[Citation] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return self.citations[0].doc_id

    @property
    def where(self) -> str:
        """《title》 section, shared by every citation of the block."""
        return self.citations[0].where

    @property
    def numbers(self) -> list[int]:
        return [c.n for c in self.citations]

    @property
    def clauses(self) -> list[str]:
        """The block's item ranges by kind, in order of first use (第1–11项; rarely 第39条 beside 第2项)."""
        by_kind: dict[str, list[int]] = {}
        for citation in self.citations:
            by_kind.setdefault(citation.item_kind, []).extend(citation.items)
        return [clause_text(sorted(set(numbers)), kind) for kind, numbers in by_kind.items() if numbers]


def source_key(citation: Citation) -> tuple[str, str, str]:
    return citation.doc_id, citation.title, citation.section


def group_citations(citations: list[Citation]) -> list[SourceGroup]:
    """Citations grouped by the block they quote, groups in order of first citation."""
    groups: dict[tuple[str, str, str], SourceGroup] = {}
    for citation in citations:
        key = source_key(citation)
        groups.setdefault(key, SourceGroup()).citations.append(citation)
    return list(groups.values())


def number_groups(citations: list[Citation]) -> None:
    """Set each citation's `group`: the 1-based number of its source card."""
    keys = {source_key(g.citations[0]): i for i, g in enumerate(group_citations(citations), 1)}
    for citation in citations:
        citation.group = keys[source_key(citation)]
