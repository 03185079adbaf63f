"""BM25 over match-text tokens (bm25s), saved beside each build."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from kb.tokenize import tokenize

BM25_DIRNAME = "bm25"


class LexicalIndex:
    def __init__(self, retriever, tokenizer: str, size: int) -> None:
        self._retriever = retriever
        self.tokenizer = tokenizer
        self.size = size

    @classmethod
    def build(cls, match_texts: list[str], tokenizer: str) -> "LexicalIndex":
        import bm25s

        retriever = bm25s.BM25()
        tokens = [tokenize(t, tokenizer) or [""] for t in match_texts]
        if tokens:
            retriever.index(tokens, show_progress=False)
        return cls(retriever, tokenizer, len(match_texts))

    def save(self, directory: Path) -> None:
        if self.size:
            self._retriever.save(str(directory / BM25_DIRNAME))

    @classmethod
    def load(cls, directory: Path, tokenizer: str, size: int) -> "LexicalIndex":
        import bm25s

        if not size:
            return cls(None, tokenizer, 0)
        path = directory / BM25_DIRNAME
        if not path.is_dir():
            raise FileNotFoundError(f"BM25 index missing: {path}")
        return cls(bm25s.BM25.load(str(path)), tokenizer, size)

    def scores(self, match_query: str) -> np.ndarray:
        """BM25 score of every chunk (zeros when no query term is known)."""
        if not self.size:
            return np.zeros(0, dtype=np.float32)
        tokens = [t for t in tokenize(match_query, self.tokenizer) if t in self._retriever.vocab_dict]
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)
