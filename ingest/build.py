"""Write a complete build (files, BM25, Chroma collection) beside the live one, then publish it.

Nothing a reader can see changes until `publish` renames the new manifest into
place; a crash before that leaves an orphan build that the next run removes.
"""
from __future__ import annotations

import json
import shutil
import sys
import uuid
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
from kb.embed import EmbeddingCache, embed_with_cache, make_embedder
from kb.lexical import LexicalIndex
from kb.lexicon import Lexicon
from kb.manifest import BUILDS_DIRNAME, Manifest, checksum_build, read_manifest, write_manifest
from kb.normalize import normalize
from kb.records import Chunk, Role
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
    store.add(name, [VectorRecord(c.chunk_id, c.doc_id, c.role, c.visibility) for c in chunks], vectors)


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


def embed_chunks(settings: Settings, chunks: list[Chunk], show: bool):
    """Vectors for chunks and for their parts (items/paragraphs), from the cache where possible.

    Part vectors let the answerer pick the item that answers a question without embedding at query time.
    Returns (embedder, chunk vectors, part vectors, chunks that had to be embedded).
    """
    embedder = make_embedder(settings.embedder)
    cache = EmbeddingCache(settings.embedding_cache_path)
    part_texts = [normalize(p.text) for c in chunks for p in c.parts]
    try:
        with tqdm(total=len(chunks) + len(part_texts), desc="向量化", unit="text", disable=not show,
                  file=sys.stderr) as bar:
            vectors, computed = embed_with_cache(
                embedder, cache, [c.match_text for c in chunks], settings.embed_batch_size, progress=bar.update
            )
            bar.update(len(chunks) - computed)
            part_vectors, _ = embed_with_cache(embedder, cache, part_texts, settings.embed_batch_size,
                                               progress=bar.update)
    finally:
        cache.close()
    return embedder, vectors, part_vectors, computed


def build_and_publish(settings: Settings, chunks: list[Chunk], roles: list[Role], docs: dict,
                      corpus_fingerprint: str, previous: Manifest | None, show: bool,
                      lexicon: Lexicon | None = None) -> tuple[Manifest, int]:
    """Embed, write a new build beside the live one, flip the manifest, drop stale builds.

    Returns the published manifest and how many chunks had to be embedded (not cached).
    """
    home = settings.home
    store = open_store(settings)
    embedder, vectors, part_vectors, computed = embed_chunks(settings, chunks, show)
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
    manifest.checksums = checksum_build(manifest.build_dir(home))  # for the self-check (ingest.selfcheck)
    publish(home, manifest)
    cleanup(home, store, settings.keep_builds)
    return manifest, computed
