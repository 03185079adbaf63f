"""Check a home before an ingest writes to it, and repair what is damaged instead of failing.

- The live build's files are compared with the checksums its manifest recorded at publish time
  (a plain `dutykb ingest` only; `--rebuild` replaces the build anyway). Damage means the
  corpus is rebuilt even when it has not changed, so "corpus unchanged" never hides a broken build.
- The embedded Chroma store must open and hold the live collection with at least the manifest's count.
  A store whose files are corrupt is deleted and recreated by the rebuild (a Chroma server is
  never deleted: a missing collection there is rebuilt, an unreachable server is an error).
- The embedding cache must pass SQLite's quick check; a corrupt one is moved aside (kept for
  inspection) and a new one fills as the rebuild embeds.

Each repair is reported as a warning line in the ingest summary.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kb.manifest import Manifest, damaged_files
from kb.settings import Settings
from kb.vectorstore import CollectionMissing, VectorStore, VectorStoreDamaged

QUICK_CHECK_OK = "ok"
CORRUPT_SUFFIX = ".corrupt-"
CACHE_TIMEOUT_S = 30.0  # another home's ingest may be writing to a shared cache
# What SQLite says about a file that is not a sound database; other errors (busy, cannot open) are not damage.
CORRUPT_MARKERS = ("not a database", "malformed", "corrupt")


@dataclass
class Repairs:
    """What the check found and did: warnings for the summary, and whether the build must be redone."""

    warnings: list[str] = field(default_factory=list)
    rebuild: bool = False


def check_and_repair(settings: Settings, store: VectorStore, manifest: Manifest | None, rebuild: bool) -> Repairs:
    repairs = Repairs()
    _check_cache(settings.embedding_cache_path, repairs)
    _check_store(store, manifest, repairs)
    if manifest is not None and not rebuild:
        problems = damaged_files(settings.home, manifest)
        if problems:
            repairs.warnings.append(f"live build {manifest.build_id} is damaged ({'; '.join(problems)}); "
                                    "rebuilt from the corpus")
            repairs.rebuild = True
    return repairs


def _check_store(store: VectorStore, manifest: Manifest | None, repairs: Repairs) -> None:
    try:
        if manifest is None:
            store.names()
            return
        count = store.count(manifest.collection)
    except VectorStoreDamaged as exc:
        store.destroy()
        repairs.warnings.append(f"the vector store {store.name} was damaged ({exc.__cause__ or exc}); deleted it "
                                "and rebuilt every collection from the corpus")
        repairs.rebuild = True
        return
    except CollectionMissing:
        repairs.warnings.append(f"the live collection {manifest.collection if manifest else ''} is missing from "
                                f"{store.name}; rebuilt from the corpus")
        repairs.rebuild = True
        return
    if count < manifest.chunks:  # it may hold more: vectors of the previous builds (ingest.collection)
        repairs.warnings.append(f"the live collection {manifest.collection} holds {count} vectors, fewer than "
                                f"the build's {manifest.chunks}; rebuilt from the corpus")
        repairs.rebuild = True


def _check_cache(path: Path, repairs: Repairs) -> None:
    problem = cache_problem(path)
    if problem is None:
        return
    aside = path.with_name(path.name + CORRUPT_SUFFIX + datetime.now(UTC).strftime("%Y%m%dT%H%M%S"))
    path.replace(aside)
    for suffix in ("-wal", "-shm"):  # SQLite's side files belong to the corrupt database
        Path(str(path) + suffix).unlink(missing_ok=True)
    repairs.warnings.append(f"the embedding cache {path} is damaged ({problem}); moved it to {aside.name} and "
                            "started a new one (texts are embedded again)")


def cache_problem(path: Path) -> str | None:
    """Why the embedding cache cannot be used (None: it is sound, or does not exist yet)."""
    if not path.exists():
        return None
    conn = sqlite3.connect(path, timeout=CACHE_TIMEOUT_S)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as exc:
        return str(exc) if any(marker in str(exc) for marker in CORRUPT_MARKERS) else None
    finally:
        conn.close()
    if not result or result[0] != QUICK_CHECK_OK:
        return str(result[0] if result else "no answer to quick_check")
    return None


def discard_partial_build(home: Path, store: VectorStore, keep: int) -> None:
    """After a failed ingest, remove what the unpublished build wrote (best effort: the disk may be full)."""
    from ingest.build import cleanup

    try:
        cleanup(home, store, keep)
    except Exception as exc:  # a store that cannot even drop now is left for the next ingest's cleanup
        import logging

        logging.getLogger(__name__).debug("could not remove the unpublished build: %s", exc)
