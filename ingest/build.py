"""Write a complete build (files, BM25, Chroma collection) beside the live one, then publish it.

Nothing a reader can see changes until `publish` renames the new manifest into
place; a crash before that leaves an orphan build that the next run removes.
"""
from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ingest.collection import (
    Target,
    choose_target,
    prune_collections,
    read_vector_list,
    vector_id,
    write_vector_list,
)
from ingest.embedding import KnownParts, embed_chunks
from kb.atomic import atomic_write_text
from kb.buildfiles import (
    CHUNKS_FILE,
    DOCS_FILE,
    LEXICON_FILE,
    PART_VECTORS_FILE,
    ROLES_FILE,
    load_part_vectors,
)
from kb.embed import EmbedStats, make_embedder
from kb.embed_threads import EmbedThreads
from kb.knowledge import Build, assemble_build
from kb.lexical import LexicalIndex, load_terms
from kb.lexicon import Lexicon
from kb.manifest import BUILDS_DIRNAME, Manifest, checksum_build, read_manifest, write_manifest
from kb.records import Chunk, Role
from kb.role_history import record_build
from kb.settings import Settings
from kb.vectorstore import VectorRecord, VectorStore, open_store


def new_build_id() -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{uuid.uuid4().hex[:6]}"


def write_build_files(build_dir: Path, chunks: list[Chunk], roles: list[Role], docs: dict,
                      tokenizer: str, lexicon: Lexicon, previous_dir: Path | None = None) -> LexicalIndex:
    """The build's records and BM25 index (returned); terms of texts the previous build already segmented
    with the same tokenizer are reused from it."""
    build_dir.mkdir(parents=True, exist_ok=True)
    lines = "\n".join(json.dumps(c.to_dict(), ensure_ascii=False) for c in chunks)
    atomic_write_text(build_dir / CHUNKS_FILE, lines + ("\n" if lines else ""))
    # no indent: json's C encoder does not indent, and the Python one took a second on 10k roles
    atomic_write_text(build_dir / ROLES_FILE, json.dumps([r.to_dict() for r in roles], ensure_ascii=False))
    atomic_write_text(build_dir / DOCS_FILE, json.dumps(docs, ensure_ascii=False))
    atomic_write_text(build_dir / LEXICON_FILE, json.dumps(lexicon.to_dict(), ensure_ascii=False))
    splitter = lexicon.tokenizer(tokenizer, roles)
    known = load_terms(previous_dir, splitter) if previous_dir is not None else {}
    index = LexicalIndex.build([c.match_text for c in chunks], splitter, known)
    index.save(build_dir)
    return index


def save_vectors(path: Path, vectors: np.ndarray) -> None:
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, np.asarray(vectors, dtype=np.float32))
    tmp.replace(path)


def write_vectors(store: VectorStore, target: Target, chunks: list[Chunk], vectors: np.ndarray) -> None:
    """Add the chunks `target` lists, whose vectors are `vectors` in the same order."""
    if target.fresh:
        store.create(target.collection)
    added = [chunks[i] for i in target.add]
    store.add(target.collection, [VectorRecord(c.vector_key, c.doc_id, c.role, c.visibility) for c in added],
              vectors)


def publish(home: Path, manifest: Manifest) -> None:
    write_manifest(home, manifest)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def cleanup(home: Path, store: VectorStore, keep_previous: int) -> list[str]:
    """Drop builds that are neither live nor among the kept previous ones, and their vectors
    (ingest.collection); returns the removed build ids."""
    manifest = read_manifest(home)
    keep = set()
    if manifest is not None:
        keep = {manifest.build_id, *manifest.previous[:keep_previous]}
    builds = home / BUILDS_DIRNAME
    present = sorted(builds.iterdir()) if builds.is_dir() else []
    kept = [p for p in present if p.name in keep]
    dropped = [p for p in present if p.name not in keep]
    dropped_vectors = [read_vector_list(p) for p in dropped]
    for path in dropped:  # first: files go even when the store cannot be written (a full disk)
        shutil.rmtree(path, ignore_errors=True)
    prune_collections(store, kept, dropped_vectors)
    return [p.name for p in dropped]


def build_and_publish(settings: Settings, chunks: list[Chunk], roles: list[Role], docs: dict,
                      corpus_fingerprint: str, previous: Manifest | None, show: bool,
                      lexicon: Lexicon | None = None, reuse: bool = True,
                      previous_chunks: list[Chunk] | None = None) -> BuildResult:
    """Embed, write a new build beside the live one, flip the manifest, drop stale builds.

    With `reuse`, work the live build (`previous`, whose chunks are `previous_chunks`) already did for
    unchanged text is taken from it: BM25 terms, part vectors, and the vectors in its collection
    (ingest.collection).
    Returns the published manifest, what embedding cost (distinct texts, cache misses, characters, rate)
    and the build as a reader would load it.
    """
    home = settings.home
    store = open_store(settings)
    embedder = make_embedder(settings.embedder, EmbedThreads.of(settings))
    build_id = new_build_id()
    ids = [vector_id(c, settings.chunk_vector) for c in chunks]
    # a reused chunk may be shared with a reader of the live build: changed ids go on a copy
    chunks = [c if c.vector_id == v else replace(c, vector_id=v) for c, v in zip(chunks, ids, strict=True)]
    target = choose_target(store, previous, embedder.model_id, build_id, ids, reuse)
    known = None
    if reuse and previous is not None and previous.model_id == embedder.model_id:
        known = KnownParts.of(previous.build_dir(home), previous_chunks or [])
    embedded = embed_chunks(settings, embedder, chunks, target.add, known, show)
    manifest = Manifest(
        build_id=build_id, collection=target.collection, embedder=settings.embedder,
        model_id=embedder.model_id, tokenizer=settings.lexical_tokenizer, chunks=len(chunks), created=now_iso(),
        corpus_fingerprint=corpus_fingerprint,
        previous=([previous.build_id] + previous.previous)[: settings.keep_builds] if previous else [],
    )
    build_dir = manifest.build_dir(home)
    previous_dir = previous.build_dir(home) if previous is not None and reuse else None
    lexical = write_build_files(build_dir, chunks, roles, docs, settings.lexical_tokenizer, lexicon or Lexicon(),
                                previous_dir)
    save_vectors(build_dir / PART_VECTORS_FILE, embedded.part_vectors)
    write_vector_list(build_dir, target.collection, ids)
    write_vectors(store, target, chunks, embedded.vectors)
    manifest.checksums = checksum_build(build_dir)  # for the self-check (ingest.selfcheck)
    build = assemble_build(manifest, chunks, roles, docs, lexical, load_part_vectors(build_dir))
    publish(home, manifest)
    warnings = []
    try:  # after publishing, so every recorded build was live; the build stands even if this fails
        record_build(home, build_id, chunks, roles, docs)
    except OSError as exc:
        warnings.append(f"build {build_id} is live but missing from the role history (kb.role_history): {exc}")
    cleanup(home, store, settings.keep_builds)
    return BuildResult(manifest, embedded.stats, build, warnings)


@dataclass
class BuildResult:
    manifest: Manifest
    stats: EmbedStats
    build: Build  # what `load_build` would read back from the files (see KnowledgeBase.refresh)
    warnings: list[str] = field(default_factory=list)  # what went wrong after publishing
