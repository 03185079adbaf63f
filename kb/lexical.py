"""BM25 over match-text tokens (bm25s), saved beside each build.

bm25s bakes each term's IDF and the average chunk length of the whole build into its scores.
A reader who may not see every chunk must not be scored against the chunks hidden from them:
their words would change the IDF of a shared term, so the score of a public chunk would tell
a public reader something about restricted text. So the index also keeps its postings (term →
chunks with term frequencies, and chunk lengths), and a reader with a visibility mask is scored
with BM25 computed over the chunks they may see: the same formula as bm25s's default (Lucene)
variant, with N, document frequencies and the average length taken over the visible chunks only.
With every chunk visible both give the same scores.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb.tokenize import Tokenizer

BM25_DIRNAME = "bm25"
POSTINGS_DIRNAME = "bm25-postings"
POSTING_ARRAYS = ("indptr", "docs", "tfs", "lengths")
EMPTY_DOC = [""]  # bm25s needs at least one token per chunk
LUCENE = "lucene"


@dataclass(frozen=True)
class Postings:
    """Term-major postings: chunks of term t are docs[indptr[t]:indptr[t+1]] with frequencies tfs[…]."""

    indptr: np.ndarray
    docs: np.ndarray
    tfs: np.ndarray
    lengths: np.ndarray  # tokens per chunk, as bm25s counts them

    @classmethod
    def of(cls, token_lists: list[list[str]], vocab: dict[str, int]) -> Postings:
        terms, docs, tfs = [], [], []
        for doc, tokens in enumerate(token_lists):
            for term, tf in Counter(vocab[t] for t in tokens).items():
                terms.append(term)
                docs.append(doc)
                tfs.append(tf)
        order = np.argsort(np.asarray(terms, dtype=np.int64), kind="stable")
        counts = np.bincount(np.asarray(terms, dtype=np.int64), minlength=len(vocab))
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls(indptr, np.asarray(docs, dtype=np.int32)[order], np.asarray(tfs, dtype=np.float32)[order],
                   np.asarray([len(t) for t in token_lists], dtype=np.float32))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for name in POSTING_ARRAYS:
            np.save(directory / f"{name}.npy", getattr(self, name))

    @classmethod
    def load(cls, directory: Path) -> Postings | None:
        """Memory-mapped (shared through the page cache by every reader); None for builds made without them."""
        if not directory.is_dir():
            return None
        return cls(*(np.load(directory / f"{name}.npy", mmap_mode="r") for name in POSTING_ARRAYS))

    def term(self, term_id: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = int(self.indptr[term_id]), int(self.indptr[term_id + 1])
        return np.asarray(self.docs[start:end]), np.asarray(self.tfs[start:end])


class LexicalIndex:
    """A build's BM25 index and the tokenizer it was made with (queries must be split the same way)."""

    def __init__(self, retriever: Any, tokenizer: Tokenizer, size: int, postings: Postings | None = None) -> None:
        self._retriever = retriever
        self.tokenizer = tokenizer
        self.size = size
        self._postings = postings

    def terms(self, match_text: str) -> list[str]:
        return self.tokenizer.terms(match_text)

    @classmethod
    def build(cls, match_texts: list[str], tokenizer: Tokenizer) -> LexicalIndex:
        import bm25s

        index = cls(bm25s.BM25(), tokenizer, len(match_texts))
        tokens = [index.terms(t) or EMPTY_DOC for t in match_texts]
        if tokens:
            index._retriever.index(tokens, show_progress=False)
            index._postings = Postings.of(tokens, index._retriever.vocab_dict)
        return index

    def save(self, directory: Path) -> None:
        if self.size:
            self._retriever.save(str(directory / BM25_DIRNAME))
        if self._postings is not None:
            self._postings.save(directory / POSTINGS_DIRNAME)

    @classmethod
    def load(cls, directory: Path, tokenizer: Tokenizer, size: int) -> LexicalIndex:
        import bm25s

        if not size:
            return cls(None, tokenizer, 0)
        path = directory / BM25_DIRNAME
        if not path.is_dir():
            raise FileNotFoundError(f"BM25 index missing: {path}")
        return cls(bm25s.BM25.load(str(path)), tokenizer, size, Postings.load(directory / POSTINGS_DIRNAME))

    def document_frequencies(self, visible: np.ndarray | None = None) -> dict[str, int]:
        """How many chunks contain each term, read from the index (no re-tokenising of the corpus);
        with `visible`, counting only the chunks the mask lets through."""
        if not self.size:
            return {}
        vocab = self._retriever.vocab_dict
        if visible is not None and self._postings is not None:  # terms only hidden chunks hold are left out
            counted = {term: int(visible[self._postings.term(i)[0]].sum()) for term, i in vocab.items()}
            return {term: n for term, n in counted.items() if n}
        counts = np.diff(self._retriever.scores["indptr"])  # term-major sparse matrix: one column per term
        return {term: int(counts[i]) for term, i in vocab.items() if i < len(counts)}

    def scores(self, match_query: str, visible: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every chunk (zeros when no query term is known).

        `visible` (a mask over chunks, None: all) scores as if the index held only those chunks;
        hidden chunks score 0.
        """
        if not self.size:
            return np.zeros(0, dtype=np.float32)
        vocab = self._retriever.vocab_dict
        tokens = [t for t in self.terms(match_query) if t in vocab]
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        if visible is None or self._postings is None or self._retriever.method != LUCENE:
            scores = np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)
            return scores if visible is None else np.where(visible, scores, np.float32(0.0))
        return self._visible_scores([vocab[t] for t in tokens], visible)

    def _visible_scores(self, term_ids: list[int], visible: np.ndarray) -> np.ndarray:
        """Lucene BM25 (bm25s's default) with N, df and the average length over the visible chunks."""
        postings = self._postings
        assert postings is not None
        k1, b = self._retriever.k1, self._retriever.b
        lengths = np.asarray(postings.lengths)
        total = int(visible.sum())
        scores = np.zeros(self.size, dtype=np.float32)
        if not total:
            return scores
        average = float(lengths[visible].mean())
        for term_id in term_ids:  # a repeated query term counts again, as in bm25s
            docs, tfs = postings.term(term_id)
            seen = visible[docs]
            docs, tfs = docs[seen], tfs[seen]
            if not len(docs):
                continue
            idf = math.log(1 + (total - len(docs) + 0.5) / (len(docs) + 0.5))
            norm = k1 * (1 - b + b * lengths[docs] / average)
            scores[docs] += (idf * tfs / (tfs + norm)).astype(np.float32)
        return scores
