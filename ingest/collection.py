"""Which vector collection a build writes to, what it adds there, and what cleanup removes from it.

A chunk's vector is stored under its `vector_id`: the chunk id plus a digest of everything the vector
and its filter metadata depend on, so a chunk that did not change keeps its vector, under the same
id, from build to build. A new build therefore shares the live build's collection and adds only the
vectors it lacks: a one-entry save on a 10k-chunk corpus upserts a few vectors instead of 10k (which
took 1.7 s of HNSW inserts). Readers keep only the hits of their own build (`Build.vector_position`)
and ask the store for as many extra hits as the collection holds vectors beyond their build.

A fresh collection is started instead when rebuilding, when the embedding model changed, or when
more than `FRESH_COLLECTION_SHARE` of the build's vectors are new, so the vectors kept only for the
previous builds' readers stay a small share of a collection. Each build lists its collection and
vector ids in vectors.json; cleanup deletes from a collection the ids that no kept build lists, and
drops collections that no kept build uses.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from kb.atomic import atomic_write_text
from kb.manifest import Manifest
from kb.records import Chunk
from kb.vectorstore import COLLECTION_PREFIX, VectorStore

VECTORS_FILE = "vectors.json"
VECTOR_DIGEST_CHARS = 12
FRESH_COLLECTION_SHARE = 0.5


def collection_name(build_id: str) -> str:
    return f"{COLLECTION_PREFIX}{build_id}".lower()


def vector_id(chunk: Chunk, chunk_vector: str) -> str:
    """The chunk id and a digest of what its vector (text, context, how it is made) and metadata depend on."""
    basis = json.dumps([chunk_vector, chunk.match_text, chunk.role, sorted(chunk.visibility)], ensure_ascii=False)
    return f"{chunk.chunk_id}#{hashlib.sha1(basis.encode()).hexdigest()[:VECTOR_DIGEST_CHARS]}"


@dataclass
class Target:
    """Where a build's vectors go: the collection, whether it must be created, and which chunks to add."""

    collection: str
    fresh: bool
    add: list[int]  # positions of the chunks whose vectors the collection lacks


def choose_target(store: VectorStore, previous: Manifest | None, model_id: str, build_id: str,
                  ids: list[str], reuse: bool) -> Target:
    shared = reuse and previous is not None and previous.model_id == model_id \
        and previous.collection in store.names()
    if shared and previous is not None:
        present = store.present(previous.collection, ids)
        missing = [i for i, v in enumerate(ids) if v not in present]
        if len(missing) <= FRESH_COLLECTION_SHARE * len(ids):
            return Target(previous.collection, False, missing)
    return Target(collection_name(build_id), True, list(range(len(ids))))


def write_vector_list(build_dir: Path, collection: str, ids: list[str]) -> None:
    atomic_write_text(build_dir / VECTORS_FILE, json.dumps({"collection": collection, "ids": ids}))


def read_vector_list(build_dir: Path) -> tuple[str, list[str]]:
    """(collection, vector ids) of a build; a build made before vectors.json had its own collection."""
    try:
        data = json.loads((build_dir / VECTORS_FILE).read_text(encoding="utf-8"))
        return str(data["collection"]), [str(i) for i in data["ids"]]
    except (OSError, ValueError, KeyError, TypeError):
        return collection_name(build_dir.name), []


def prune_collections(store: VectorStore, kept: list[Path], dropped: list[tuple[str, list[str]]]) -> None:
    """Drop collections no kept build uses; delete from the others the ids no kept build lists.

    The ids of the dropped builds (`dropped`: their collections and vector ids) are the usual candidates;
    when a collection still holds more than the kept builds list (an ingest that failed after adding
    vectors, or a cleanup that could not write), every id is checked.
    """
    referenced: dict[str, set[str]] = {}
    for build_dir in kept:
        name, ids = read_vector_list(build_dir)
        referenced.setdefault(name, set()).update(ids)
    names = set(store.names())
    for name in names - set(referenced):
        store.drop(name)
    candidates: dict[str, set[str]] = {}
    for name, ids in dropped:
        candidates.setdefault(name, set()).update(ids)
    for name, wanted in referenced.items():
        if not wanted or name not in names:
            continue  # builds made before vectors.json: the collection is the build's own
        stale = sorted(candidates.get(name, set()) - wanted)
        if stale:
            store.delete(name, stale)
        if store.count(name) > len(wanted):
            store.delete(name, sorted(store.ids(name) - wanted))
