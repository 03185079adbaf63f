"""Vectors of a build's chunks and of their parts; every distinct text is embedded at most once.

A chunk's vector is, by the `chunk_vector` setting, the embedding of its match text or the mean of
its parts' vectors (plus its section labels' vector), so the text its items already cover need not
be embedded a second time. Part vectors let the answerer pick the item that answers a question
without embedding at query time. An incremental build takes the part vectors of unchanged chunks
from the live build (`KnownParts`) and computes chunk vectors only for the chunks its collection
lacks (ingest.collection), so a one-entry save neither normalises nor looks up the whole corpus.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from kb.buildfiles import PART_VECTORS_FILE
from kb.embed import Embedder, EmbeddingCache, EmbedStats, embed_distinct, mean_vector
from kb.normalize import normalize
from kb.records import BREADCRUMB_SEP, Chunk
from kb.settings import Settings

CONTEXT_LABELS = 2  # the section labels a chunk's context vector is made of (its heading and the one above)
WARM_UP_TEXT = "预热"  # loads the model before timing, so the measured rate is the embedder's own


@dataclass
class EmbeddedChunks:
    vectors: np.ndarray       # one per chunk to add to the collection, in `add` order (what Chroma holds)
    part_vectors: np.ndarray  # one per chunk part, in chunk then part order (what answers rank items by)
    stats: EmbedStats


class KnownParts:
    """The live build's part vectors by vector id (same id: same text, so the same parts)."""

    def __init__(self, matrix: np.ndarray, rows: dict[str, tuple[int, list[str]]]) -> None:
        self.matrix = matrix
        self.rows = rows  # vector id → (first row, the parts' texts)

    @classmethod
    def of(cls, build_dir: Path, chunks: list[Chunk]) -> KnownParts | None:
        try:
            # mapped, not read; as a plain ndarray, whose slices cost a tenth of np.memmap's
            matrix = np.asarray(np.load(build_dir / PART_VECTORS_FILE, mmap_mode="r"))
        except (OSError, ValueError):
            return None
        rows, offset = {}, 0
        for chunk in chunks:
            rows[chunk.vector_key] = (offset, [p.text for p in chunk.parts])
            offset += len(chunk.parts)
        return cls(matrix, rows) if offset == len(matrix) else None

    def parts_of(self, chunk: Chunk) -> np.ndarray | None:
        found = self.rows.get(chunk.vector_key)
        if found is None or found[1] != [p.text for p in chunk.parts]:
            return None
        return np.asarray(self.matrix[found[0]:found[0] + len(chunk.parts)], dtype=np.float32)


def context_text(chunk: Chunk) -> str:
    """The match form of the chunk's nearest section labels (the role or rule heading and its parent)."""
    labels = [p for p in chunk.section.split(BREADCRUMB_SEP) if p][-CONTEXT_LABELS:]
    return normalize(" ".join(labels))


def _chunk_vector(mode: str, chunk: Chunk, parts: list[np.ndarray], by_text: dict[str, np.ndarray]) -> np.ndarray:
    if mode == "embed":
        return by_text[chunk.match_text]
    context = context_text(chunk) if mode == "mean+context" else ""
    return mean_vector(parts + ([by_text[context]] if context else []))


def embed_chunks(settings: Settings, embedder: Embedder, chunks: list[Chunk], add: list[int],
                 known: KnownParts | None, show: bool) -> EmbeddedChunks:
    """Part vectors of every chunk and chunk vectors of the chunks at positions `add`."""
    mode = settings.chunk_vector
    reused = [known.parts_of(c) if known is not None else None for c in chunks]
    part_texts = [normalize(p.text) for c, r in zip(chunks, reused, strict=True) if r is None for p in c.parts]
    extra = [chunks[i].match_text for i in add] if mode == "embed" else \
        [context_text(chunks[i]) for i in add] if mode == "mean+context" else []
    cache = EmbeddingCache(settings.embedding_cache_path)
    try:
        with tqdm(total=0, desc="向量化", unit="text", disable=not show, file=sys.stderr) as bar:
            def plan(missing: int) -> None:
                bar.total = missing
                bar.refresh()
                if missing:
                    embedder.embed_passages([WARM_UP_TEXT])

            by_text, stats = embed_distinct(embedder, cache, part_texts + [t for t in extra if t],
                                            settings.embed_batch_size, progress=bar.update, plan=plan)
    finally:
        cache.close()
    dim = _dimension(by_text, known)
    per_chunk: list[np.ndarray] = []
    fresh = iter(part_texts)
    for chunk, rows in zip(chunks, reused, strict=True):
        if rows is None:
            texts = [next(fresh) for _ in chunk.parts]
            rows = np.stack([by_text[t] for t in texts]) if texts else np.zeros((0, dim), np.float32)
        per_chunk.append(rows)
    part_vectors = np.concatenate(per_chunk) if per_chunk else np.zeros((0, dim), np.float32)
    vectors = [_chunk_vector(mode, chunks[i], list(per_chunk[i]), by_text) for i in add]
    stacked = np.stack(vectors) if vectors else np.zeros((0, dim), np.float32)
    return EmbeddedChunks(stacked, part_vectors, stats)


def _dimension(by_text: dict[str, np.ndarray], known: KnownParts | None) -> int:
    if by_text:
        return next(iter(by_text.values())).shape[0]
    return known.matrix.shape[1] if known is not None and known.matrix.ndim == 2 else 0
