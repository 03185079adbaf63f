"""Write a complete build (files, BM25, Chroma collection) beside the live one, then publish it.

Nothing a reader can see changes until `publish` renames the new manifest into
place; a crash before that leaves an orphan build that the next run removes.
"""
from __future__ import annotations

import json
import shutil
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from kb.atomic import atomic_write_text
from kb.buildfiles import (
    CHUNKS_FILE,
    DOCS_FILE,
    LEXICON_FILE,
    PART_VECTORS_FILE,
    ROLES_FILE,
)
from kb.embed import Embedder, EmbeddingCache, EmbedStats, embed_distinct, make_embedder, mean_vector
from kb.lexical import LexicalIndex
from kb.lexicon import Lexicon
from kb.manifest import BUILDS_DIRNAME, Manifest, read_manifest, write_manifest
from kb.normalize import normalize
from kb.records import BREADCRUMB_SEP, Chunk, Role
from kb.settings import Settings
from kb.vectorstore import COLLECTION_PREFIX, VectorRecord, VectorStore, open_store


def new_build_id() -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{uuid.uuid4().hex[:6]}"


def collection_name(build_id: str) -> str:
    return f"{COLLECTION_PREFIX}{build_id}".lower()


def write_build_files(build_dir: Path, chunks: list[Chunk], roles: list[Role], docs: dict,
                      tokenizer: str, lexicon: Lexicon) -> None:
    build_dir.mkdir(parents=True, exist_ok=True)
    lines = "\n".join(json.dumps(c.to_dict(), ensure_ascii=False) for c in chunks)
    atomic_write_text(build_dir / CHUNKS_FILE, lines + ("\n" if lines else ""))
    atomic_write_text(build_dir / ROLES_FILE, json.dumps([r.to_dict() for r in roles], ensure_ascii=False, indent=1))
    atomic_write_text(build_dir / DOCS_FILE, json.dumps(docs, ensure_ascii=False, indent=1))
    atomic_write_text(build_dir / LEXICON_FILE, json.dumps(lexicon.to_dict(), ensure_ascii=False))
    LexicalIndex.build([c.match_text for c in chunks], lexicon.tokenizer(tokenizer, roles)).save(build_dir)


def save_vectors(path: Path, vectors: np.ndarray) -> None:
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, np.asarray(vectors, dtype=np.float32))
    tmp.replace(path)


def write_collection(store: VectorStore, name: str, chunks: list[Chunk], vectors: np.ndarray) -> None:
    store.create(name)
    store.add(name, [VectorRecord(c.chunk_id, c.doc_id, c.role, c.visibility, c.text) for c in chunks], vectors)


def publish(home: Path, manifest: Manifest) -> None:
    write_manifest(home, manifest)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def cleanup(home: Path, store: VectorStore, keep_previous: int) -> list[str]:
    """Drop builds and collections that are neither live nor among the kept previous ones."""
    manifest = read_manifest(home)
    keep = set()
    if manifest is not None:
        keep = {manifest.build_id, *manifest.previous[:keep_previous]}
    removed = []
    builds = home / BUILDS_DIRNAME
    if builds.is_dir():
        for path in builds.iterdir():
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
    keep_collections = {collection_name(b) for b in keep}
    for name in store.names():
        if name not in keep_collections:
            store.drop(name)
    return removed


CONTEXT_LABELS = 2  # the section labels a chunk's context vector is made of (its heading and the one above)
WARM_UP_TEXT = "预热"  # loads the model before timing, so the measured rate is the embedder's own


@dataclass
class EmbeddedChunks:
    embedder: Embedder
    vectors: np.ndarray       # one per chunk (what Chroma holds)
    part_vectors: np.ndarray  # one per chunk part, in chunk then part order (what answers rank items by)
    stats: EmbedStats


def context_text(chunk: Chunk) -> str:
    """The match form of the chunk's nearest section labels (the role or rule heading and its parent)."""
    labels = [p for p in chunk.section.split(BREADCRUMB_SEP) if p][-CONTEXT_LABELS:]
    return normalize(" ".join(labels))


def _chunk_vector(mode: str, chunk: Chunk, parts: list[np.ndarray], by_text: dict[str, np.ndarray]) -> np.ndarray:
    if mode == "embed":
        return by_text[chunk.match_text]
    context = context_text(chunk) if mode == "mean+context" else ""
    return mean_vector(parts + ([by_text[context]] if context else []))


def embed_chunks(settings: Settings, chunks: list[Chunk], show: bool) -> EmbeddedChunks:
    """Vectors for chunks and for their parts (items/paragraphs); every distinct text is embedded once.

    A chunk's vector is, by the `chunk_vector` setting, the mean of its parts' vectors (plus its section
    labels' vector), so the text its items already cover is not embedded a second time. Part vectors let
    the answerer pick the item that answers a question without embedding at query time.
    """
    embedder = make_embedder(settings.embedder)
    mode = settings.chunk_vector
    cache = EmbeddingCache(settings.embedding_cache_path)
    part_texts = [normalize(p.text) for c in chunks for p in c.parts]
    extra = [c.match_text for c in chunks] if mode == "embed" else \
        [context_text(c) for c in chunks] if mode == "mean+context" else []
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
    dim = next(iter(by_text.values())).shape[0] if by_text else 0
    part_vectors = np.stack([by_text[t] for t in part_texts]) if part_texts else np.zeros((0, dim), np.float32)
    vectors, offset = [], 0
    for chunk in chunks:
        parts = list(part_vectors[offset:offset + len(chunk.parts)])
        offset += len(chunk.parts)
        vectors.append(_chunk_vector(mode, chunk, parts, by_text))
    stacked = np.stack(vectors) if vectors else np.zeros((0, dim), np.float32)
    return EmbeddedChunks(embedder, stacked, part_vectors, stats)


def build_and_publish(settings: Settings, chunks: list[Chunk], roles: list[Role], docs: dict,
                      corpus_fingerprint: str, previous: Manifest | None, show: bool,
                      lexicon: Lexicon | None = None) -> tuple[Manifest, EmbedStats]:
    """Embed, write a new build beside the live one, flip the manifest, drop stale builds.

    Returns the published manifest and what embedding cost (distinct texts, cache misses, characters, rate).
    """
    home = settings.home
    store = open_store(settings)
    embedded = embed_chunks(settings, chunks, show)
    embedder, vectors, part_vectors = embedded.embedder, embedded.vectors, embedded.part_vectors
    build_id = new_build_id()
    manifest = Manifest(
        build_id=build_id, collection=collection_name(build_id), embedder=settings.embedder,
        model_id=embedder.model_id, tokenizer=settings.lexical_tokenizer, chunks=len(chunks), created=now_iso(),
        corpus_fingerprint=corpus_fingerprint,
        previous=([previous.build_id] + previous.previous)[: settings.keep_builds] if previous else [],
    )
    write_build_files(manifest.build_dir(home), chunks, roles, docs, settings.lexical_tokenizer,
                      lexicon or Lexicon())
    save_vectors(manifest.build_dir(home) / PART_VECTORS_FILE, part_vectors)
    write_collection(store, manifest.collection, chunks, vectors)
    publish(home, manifest)
    cleanup(home, store, settings.keep_builds)
    return manifest, embedded.stats
