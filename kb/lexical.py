"""BM25 over match-text tokens (bm25s, its index built array-wise by kb.bm25_arrays), saved beside each build.

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

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb.tokenize import Tokenizer

BM25_DIRNAME = "bm25"
POSTINGS_DIRNAME = "bm25-postings"
TERMS_FILE = "bm25-terms.json"
TERMS_FORMAT = 2
# Terms are jieba words and CJK bigrams, never spaced (a term that were is not saved, only recomputed);
# a space also needs no escaping in JSON.
TERM_SEPARATOR = " "
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
        self._terms: dict[str, list[str]] | None = None  # match text → terms, kept by a new index for `save`

    def terms(self, match_text: str) -> list[str]:
        return self.tokenizer.terms(match_text)

    @classmethod
    def build(cls, match_texts: list[str], tokenizer: Tokenizer,
              known: Mapping[str, list[str]] | None = None) -> LexicalIndex:
        """Index `match_texts`; `known` holds terms already made by this tokenizer (see `load_terms`),
        so a build that changes one document does not segment the whole corpus again."""
        from kb.bm25_arrays import ArrayBM25

        retriever = ArrayBM25()
        index = cls(retriever, tokenizer, len(match_texts))
        known = known or {}
        index._terms = {}
        tokens = []
        for text in match_texts:
            terms = known.get(text)
            if terms is None:
                terms = index.terms(text)
            index._terms[text] = terms
            tokens.append(terms or EMPTY_DOC)
        if tokens:
            retriever.index(tokens, show_progress=False)
            # kept by ArrayBM25 for its Lucene index; without them a reader scores with bm25s alone
            index._postings = Postings(*retriever.postings) if retriever.postings is not None else None
        return index

    def save(self, directory: Path) -> None:
        if self.size:
            self._retriever.save(str(directory / BM25_DIRNAME))
        if self._postings is not None:
            self._postings.save(directory / POSTINGS_DIRNAME)
        if self._terms is not None:
            # one joined string per text: a tenth of the objects of a list of terms, so it loads fast
            joined = {text: TERM_SEPARATOR.join(terms) for text, terms in self._terms.items()}
            joined = {text: line for text, line in joined.items()
                      if line.count(TERM_SEPARATOR) == max(len(self._terms[text]) - 1, 0)}
            payload = {"format": TERMS_FORMAT, "tokenizer": self.tokenizer.fingerprint, "terms": joined}
            (directory / TERMS_FILE).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
            self._terms = None  # kept only to be saved: a reader of this index needs the postings, not these

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
        return self.term_scores(self.terms(match_query), visible)

    def has(self, term: str, visible: np.ndarray | None = None) -> bool:
        """Whether some chunk holds the term (some chunk of `visible`, a mask over chunks, when given: what an
        audience may not see must not decide anything it is shown)."""
        if not self.size or term not in self._retriever.vocab_dict:
            return False
        if visible is None:
            return True
        if self._postings is not None:
            return bool(visible[self._postings.term(self._retriever.vocab_dict[term])[0]].any())
        return bool((self.term_scores([term]) > 0)[visible].any())

    def term_scores(self, terms: list[str], visible: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every chunk for query terms already made (`scores` of a text's terms)."""
        if not self.size:
            return np.zeros(0, dtype=np.float32)
        vocab = self._retriever.vocab_dict
        tokens = [t for t in terms if t in vocab]
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


class KnownTerms(Mapping[str, list[str]]):
    """Terms of match texts as a previous build saved them (see `load_terms`), split when asked for."""

    def __init__(self, joined: dict[str, str]) -> None:
        self._joined = joined

    def __getitem__(self, text: str) -> list[str]:
        joined = self._joined[text]
        return joined.split(TERM_SEPARATOR) if joined else []

    def __iter__(self) -> Iterator[str]:
        return iter(self._joined)

    def __len__(self) -> int:
        return len(self._joined)


def load_terms(directory: Path, tokenizer: Tokenizer) -> Mapping[str, list[str]]:
    """The terms a build's index was made of, by match text; empty when they were made by another
    tokenizer (other dictionary words, synonyms or method), or the build has none or they are unreadable."""
    try:
        payload = json.loads((directory / TERMS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(payload, dict) or payload.get("format") != TERMS_FORMAT \
            or payload.get("tokenizer") != tokenizer.fingerprint:
        return {}
    terms = payload.get("terms")
    return KnownTerms(terms) if isinstance(terms, dict) else {}
