"""BM25 over match-text tokens (bm25s), saved beside each build."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from kb.tokenize import Tokenizer

BM25_DIRNAME = "bm25"


class LexicalIndex:
    """A build's BM25 index and the tokenizer it was made with (queries must be split the same way)."""

    def __init__(self, retriever: Any, tokenizer: Tokenizer, size: int) -> None:
        self._retriever = retriever
        self.tokenizer = tokenizer
        self.size = size

    def terms(self, match_text: str) -> list[str]:
        return self.tokenizer.terms(match_text)

    @classmethod
    def build(cls, match_texts: list[str], tokenizer: Tokenizer) -> LexicalIndex:
        import bm25s

        index = cls(bm25s.BM25(), tokenizer, len(match_texts))
        tokens = [index.terms(t) or [""] for t in match_texts]
        if tokens:
            index._retriever.index(tokens, show_progress=False)
        return index

    def save(self, directory: Path) -> None:
        if self.size:
            self._retriever.save(str(directory / BM25_DIRNAME))

    @classmethod
    def load(cls, directory: Path, tokenizer: Tokenizer, size: int) -> LexicalIndex:
        import bm25s

        if not size:
            return cls(None, tokenizer, 0)
        path = directory / BM25_DIRNAME
        if not path.is_dir():
            raise FileNotFoundError(f"BM25 index missing: {path}")
        return cls(bm25s.BM25.load(str(path)), tokenizer, size)

    def document_frequencies(self) -> dict[str, int]:
        """How many chunks contain each term, read from the index (no re-tokenising of the corpus)."""
        if not self.size:
            return {}
        counts = np.diff(self._retriever.scores["indptr"])  # term-major sparse matrix: one column per term
        return {term: int(counts[i]) for term, i in self._retriever.vocab_dict.items() if i < len(counts)}

    def scores(self, match_query: str) -> np.ndarray:
        """BM25 score of every chunk (zeros when no query term is known)."""
        if not self.size:
            return np.zeros(0, dtype=np.float32)
        tokens = [t for t in self.terms(match_query) if t in self._retriever.vocab_dict]
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)
