"""The one type of a quoted piece of text, from retrieval to citation.

Retrieval cuts the retrieved chunks into passages (an item or paragraph, or one sentence of a long
paragraph) and scores them; selection picks the passages an answer quotes and gives each its citation
key; the checks read them with the heading of their section; composing cites them. Every stage
returns new passages (`dataclasses.replace`), never changes one.
"""
from __future__ import annotations

from dataclasses import dataclass

from kb.records import Chunk


@dataclass(frozen=True)
class Passage:
    """A piece of a document's text as written, and where it is from.

    Lines with the same `key` (sentences of one paragraph) share one citation; a line without a key (a
    sub-heading from the breadcrumb) is shown, never cited."""

    text: str  # as written (a whole part, or one sentence of it)
    chunk: Chunk | None = None
    position: int = -1  # the chunk's position in the build
    part: int | None = None  # index into the chunk's parts (None: a sub-heading line)
    heading: str = ""  # the heading of its section, which the checks read beside the text
    role: str | None = None  # the role whose duty list it is quoted from (None: not quoted as a role's)
    key: tuple | None = None  # the citation it belongs to (None: not cited)
    n: int | None = None  # the document's own item number
    part_text: str = ""  # the whole part it is quoted from (a citation's quote spans it)
    depth: int = 0  # indent level inside a quoted block
    whole: bool = True  # the whole part (else one sentence of a long one)
    # retrieval scores (0 for a line that was not scored: a block's other lines, a registry duty)
    hit_rank: int = 0
    dense: float = 0.0  # the passage's own embedding similarity to the question
    coverage: float = 0.0  # question terms in heading, title and text
    heading_coverage: float = 0.0  # question terms in the heading alone
    score: float = 0.0

    @property
    def doc(self) -> str:
        """The document it is quoted from ('' for a text of no document)."""
        return self.chunk.doc_id if self.chunk is not None else ""
