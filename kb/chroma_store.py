"""Chroma behind the `VectorStore` interface: embedded under <home>/chroma, or a `chroma run` server.

Chunk texts are not stored in Chroma: dutykb reads them from the build's chunks.jsonl, and
Chroma would index every stored document for full-text search (a trigram index larger than
the vectors, and most of what made chroma.sqlite3 grow from publish to publish).

Chroma's metadata cannot hold lists, so an entry's visibility is stored as one boolean key
per group (`grp:<name>`) plus `public`; `VectorFilter` becomes a `where` clause over them here,
and nowhere else.

Every failure of Chroma leaves this module as a dutykb error, so callers can act on it instead
of printing a traceback: a collection that no longer exists is `CollectionMissing` (reopen the
live build and retry); a store that cannot be reached, opened or read (server down, disk full,
deleted or garbled chroma.sqlite3) is `VectorStoreUnavailable` (BM25 can still answer); a write
that fails because the disk is full is `DiskFullError`. A Rust panic inside the embedded store is kept
off stderr (`kb.rust_panics`) and makes the error `VectorStoreDamaged`, named in its one line.
"""
from __future__ import annotations

import logging
import re
import shutil
import sqlite3
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, closing, nullcontext
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

import numpy as np

from kb.diskfull import is_disk_full
from kb.rust_panics import Captured, capture_panics
from kb.vectorstore import (
    CollectionMissing,
    VectorFilter,
    VectorHit,
    VectorRecord,
    VectorStore,
    VectorStoreDamaged,
    VectorStoreDiskFull,
    VectorStoreUnavailable,
)

T = TypeVar("T")
CHROMA_DIRNAME = "chroma"
CHROMA_DB_FILE = "chroma.sqlite3"
# Chroma keeps each collection's HNSW index in a directory named by its vector segment's id.
SEGMENT_DIR = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SEGMENT_IDS_SQL = "SELECT id FROM segments"
# What SQLite says about a file that is not (or no longer) a sound database: SQLITE_CORRUPT (11),
# SQLITE_NOTADB (26), or a schema without Chroma's tables. Anything else (busy, permissions, a full
# disk) is not damage: the store is left alone.
# SQLite never shrinks its file by itself: pages freed by dropped collections are reused only by later writes.
# When at least this share of chroma.sqlite3 is free pages after a drop, it is compacted (VACUUM).
VACUUM_FREE_SHARE = 0.2
VACUUM_BUSY_S = 5.0  # a reader inside a transaction holds the file; compacting waits this long, then skips
DAMAGE_MARKERS = ("(code: 11)", "(code: 26)", "malformed", "not a database", "no such table")
SPACE = "cosine"
DEFAULT_PORT = 8000
PUBLIC_KEY = "public"
GROUP_KEY_PREFIX = "grp:"
ROLE_KEY, DOC_KEY = "role", "doc_id"


def metadata(record: VectorRecord) -> dict[str, str | bool]:
    visibility = {PUBLIC_KEY: not record.visibility, **{GROUP_KEY_PREFIX + g: True for g in record.visibility}}
    return {DOC_KEY: record.doc_id, **({ROLE_KEY: record.role} if record.role else {}), **visibility}


def where_clause(where: VectorFilter) -> dict[str, Any] | None:
    """The Chroma `where` for a filter (None: no filter)."""
    clauses: list[dict[str, Any]] = []
    if where.roles:
        names = sorted(where.roles)
        clauses.append({ROLE_KEY: names[0]} if len(names) == 1 else {ROLE_KEY: {"$in": names}})
    audience = where.audience
    if audience is not None and not audience.unrestricted:
        seen = [{PUBLIC_KEY: True}] + [{GROUP_KEY_PREFIX + g: True} for g in sorted(audience.groups)]
        clauses.append(seen[0] if len(seen) == 1 else {"$or": seen})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class ChromaStore(VectorStore):
    def __init__(self, home: Path, url: str | None = None, token: str | None = None) -> None:
        self.path = home / CHROMA_DIRNAME
        self.url = url
        self.token = token
        self.name = url or str(self.path)
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            logging.getLogger("chromadb").setLevel(logging.ERROR)
            if self.url:
                parsed = urlparse(self.url)
                headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
                try:
                    self._client = chromadb.HttpClient(
                        host=parsed.hostname or "127.0.0.1", port=parsed.port or DEFAULT_PORT,
                        ssl=parsed.scheme == "https", headers=headers,
                        settings=ChromaSettings(anonymized_telemetry=False))
                except Exception as exc:  # the client raises bare ValueError/ConnectError types when down
                    raise VectorStoreUnavailable(f"Chroma server {self.url} is not reachable: {exc}") from exc
            else:
                return self._local_client()
        return self._client

    def _local_client(self) -> Any:
        """The process's shared client of this path (not kept here: it is replaced when the store is rebuilt)."""
        with capture_panics() as captured:
            try:
                return _persistent_client(str(self.path.resolve()))
            except BaseException as exc:
                if not _is_store_failure(exc):
                    raise
                raise self._unavailable("cannot be opened", exc, captured.panics()) from exc

    def _native(self) -> AbstractContextManager[Captured]:
        """Rust panics of the embedded store kept off stderr (a server's panics stay in its own log)."""
        return nullcontext(Captured()) if self.url else capture_panics()

    def _collection(self, name: str) -> Any:
        return self.client.get_collection(name, embedding_function=None)

    def do_create(self, collection: str) -> None:
        self._writing(lambda: self.client.create_collection(
            collection, embedding_function=None, configuration={"hnsw": {"space": SPACE}}))

    def do_max_batch(self) -> int:
        return int(self._reading(lambda: self.client.get_max_batch_size()))

    def do_upsert(self, collection: str, records: Sequence[VectorRecord], vectors: np.ndarray) -> None:
        self._writing(lambda: self._collection(collection).upsert(
            ids=[r.vector_id for r in records], embeddings=vectors, metadatas=[metadata(r) for r in records]))

    def do_ids(self, collection: str, ids: Sequence[str] | None) -> list[str]:
        wanted = list(ids) if ids is not None else None
        return list(self._reading(lambda: self._collection(collection).get(ids=wanted, include=[])["ids"],
                                  collection))

    def do_delete(self, collection: str, ids: Sequence[str]) -> None:
        self._writing(lambda: self._collection(collection).delete(ids=list(ids)))

    def do_count(self, collection: str) -> int:
        return int(self._reading(lambda: self._collection(collection).count(), collection))

    def do_query(self, collection: str, vector: np.ndarray, n: int, where: VectorFilter) -> list[VectorHit]:
        result = self._reading(lambda: self._collection(collection).query(
            query_embeddings=[vector], n_results=n, where=where_clause(where), include=["distances"]), collection)
        return [VectorHit(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def do_names(self) -> list[str]:
        return self._reading(lambda: [c.name for c in self.client.list_collections()])

    def do_drop(self, collection: str) -> None:
        self._writing(lambda: self.client.delete_collection(collection))

    def do_prune(self) -> list[str]:
        """Remove HNSW segment directories no collection uses any more.

        Chroma leaves a dropped collection's segment directory behind (after the second publish,
        one per publish: hundreds of MB at 100k chunks). The live segment ids are read from
        chroma.sqlite3; when they cannot be read nothing is removed.
        """
        if self.url or not self.path.is_dir():
            return []
        live = _segment_ids(self.path / CHROMA_DB_FILE)
        if live is None:
            return []
        removed = []
        for entry in self.path.iterdir():
            if entry.is_dir() and SEGMENT_DIR.match(entry.name) and entry.name not in live:
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry.name)
        _compact(self.path / CHROMA_DB_FILE)
        return removed

    def do_destroy(self) -> None:
        """Delete the embedded store's files (a damaged store is rebuilt from the corpus); servers are left alone."""
        if self.url:
            for name in self.names():
                self.drop(name)
            return
        self.reconnect()
        shutil.rmtree(self.path, ignore_errors=True)

    def reconnect(self) -> None:
        """Close the client, so the next call opens the store afresh."""
        self._client = None
        if not self.url:
            _forget_persistent_client(str(self.path.resolve()))

    def _unavailable(self, what: str, exc: BaseException, panics: Sequence[str] = ()) -> VectorStoreUnavailable:
        """The one-line error for a failed call; a Rust panic inside Chroma means its files are damaged."""
        where = f"the Chroma store {self.path}"
        if is_disk_full(exc, self.path):
            return VectorStoreDiskFull(f"{where} {what}: the disk is full ({exc}); free some space and run the "
                                       "command again (the published index was not changed)")
        if panics:
            return VectorStoreDamaged(f"{where} {what}: it is damaged (Chroma panicked: {panics[0]}); rebuild it "
                                      "with: dutykb ingest (it recreates a damaged store)")
        if any(marker in str(exc) for marker in DAMAGE_MARKERS):
            return VectorStoreDamaged(f"{where} {what}: it is damaged ({type(exc).__name__}: {exc}); "
                                      "rebuild it with: dutykb ingest (it recreates a damaged store)")
        return VectorStoreUnavailable(f"{where} {what} ({type(exc).__name__}: {exc})")

    def _reading(self, call: Callable[[], T], collection: str | None = None) -> T:
        """Run a read; every failure becomes CollectionMissing or VectorStoreUnavailable (see the module doc)."""
        with self._native() as captured:
            try:
                return call()
            except VectorStoreUnavailable:
                raise
            except BaseException as exc:
                if not _is_store_failure(exc):
                    raise
                if collection is not None and _is_missing_collection(exc):
                    raise CollectionMissing(
                        f"collection {collection} is no longer in {self.name} (a newer build replaced it, or the "
                        "store was deleted or rebuilt); reopen the live build") from exc
                if self.url:
                    if _is_connection_error(exc):
                        self._client = None
                        raise VectorStoreUnavailable(f"Chroma server {self.url} stopped answering: {exc}") from exc
                    raise VectorStoreUnavailable(
                        f"Chroma server {self.url} failed: {type(exc).__name__}: {exc}") from exc
                raise self._unavailable("cannot be read", exc, captured.panics()) from exc

    def _writing(self, call: Callable[[], T]) -> T:
        """Run a write; a full disk becomes VectorStoreDiskFull (a DiskFullError), any other failure
        VectorStoreUnavailable."""
        with self._native() as captured:
            try:
                return call()
            except VectorStoreUnavailable:
                raise
            except BaseException as exc:
                if not _is_store_failure(exc):
                    raise
                if self.url:
                    if _is_connection_error(exc):
                        self._client = None
                        raise VectorStoreUnavailable(f"Chroma server {self.url} stopped answering: {exc}") from exc
                else:
                    _abandon_persistent_client(str(self.path.resolve()))
                raise self._unavailable("cannot be written", exc, captured.panics()) from exc


_CLIENT_LOCK = threading.Lock()
_CLIENTS: dict[str, tuple[Any, int | None]] = {}  # store path → (client, inode of its chroma.sqlite3)


def _db_inode(path: str) -> int | None:
    try:
        return (Path(path) / CHROMA_DB_FILE).stat().st_ino
    except OSError:
        return None


def _persistent_client(path: str) -> Any:
    """One embedded client per store path per process, created under a lock.

    Chroma keeps one system per path and its client constructor is not thread-safe: two threads
    creating clients at once can make one fail, and the failing constructor stops the shared system
    under the other (KeyError on the path, 'no attribute bindings'). Seen when reader threads each opened
    their own knowledge base, as `dutykb bench soak`'s do.
    When chroma.sqlite3 is no longer the file the client opened (another process rebuilt a damaged
    store), the old client is closed and a new one opens the new file.
    """
    with _CLIENT_LOCK:
        cached = _CLIENTS.get(path)
        if cached is not None and cached[1] == _db_inode(path):
            return cached[0]
        if cached is not None:
            _close(path, cached[0])
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        Path(path).mkdir(parents=True, exist_ok=True)
        try:
            client = chromadb.PersistentClient(path=path, settings=ChromaSettings(anonymized_telemetry=False))
        except BaseException:
            _drop_half_started_system(path)
            raise
        _CLIENTS[path] = (client, _db_inode(path))
        return client


def _drop_half_started_system(path: str) -> None:
    """Forget the system a failed PersistentClient left in Chroma's per-path cache.

    Chroma registers a path's system before starting it; when starting fails (a garbled
    chroma.sqlite3, a full disk) the broken system stays registered and every later client of
    that path fails with "'RustBindingsAPI' object has no attribute 'bindings'", even after the
    store was repaired. Chroma has no public call for this, hence its private registry.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    system = SharedSystemClient._identifier_to_system.pop(path, None)
    SharedSystemClient._identifier_to_refcount.pop(path, None)
    if system is not None:
        try:
            system.stop()
        except Exception as exc:  # it never started; stopping is only to release what it did open
            logging.getLogger(__name__).debug("stopping a half-started Chroma system failed: %s", exc)


def _forget_persistent_client(path: str) -> None:
    """Close the shared client of `path` (before its files are deleted)."""
    with _CLIENT_LOCK:
        cached = _CLIENTS.pop(path, None)
        if cached is not None:
            _close(path, cached[0])


def _abandon_persistent_client(path: str) -> None:
    """Forget the shared client of `path` after a failed write, without stopping it.

    A write that fails inside Chroma (measured: on a full disk) can leave its Rust side waiting on
    itself: the next upsert through the same client never returned. Stopping that system can wait on
    the same lock, so it is left to the garbage collector and the next call opens a new one.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    with _CLIENT_LOCK:
        _CLIENTS.pop(path, None)
        SharedSystemClient._identifier_to_system.pop(path, None)
        SharedSystemClient._identifier_to_refcount.pop(path, None)


def _close(path: str, client: Any) -> None:
    _CLIENTS.pop(path, None)
    try:
        client.close()
    except Exception as exc:  # a client over a damaged or deleted store may fail to close; it is dropped either way
        logging.getLogger(__name__).debug("closing the Chroma client of %s failed: %s", path, exc)


def _segment_ids(db: Path) -> set[str] | None:
    """Ids of every segment chroma.sqlite3 lists (None: it cannot be read, so nothing may be pruned)."""
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            return {row[0] for row in conn.execute(SEGMENT_IDS_SQL)}
    except sqlite3.Error:
        return None


def _compact(db: Path) -> None:
    """VACUUM chroma.sqlite3 when enough of it is free pages (best effort: skipped while a reader holds it)."""
    try:
        with closing(sqlite3.connect(db, timeout=VACUUM_BUSY_S, isolation_level=None)) as conn:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            free = conn.execute("PRAGMA freelist_count").fetchone()[0]
            if pages and free / pages >= VACUUM_FREE_SHARE:
                conn.execute("VACUUM")
    except sqlite3.Error as exc:
        logging.getLogger(__name__).debug("compacting %s skipped: %s", db, exc)


def _is_store_failure(exc: BaseException) -> bool:
    """Any exception, and the Rust bindings' panics (which derive from BaseException), but not interrupts."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _is_missing_collection(exc: BaseException) -> bool:
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError) or "does not exist" in str(exc)


def _is_connection_error(exc: BaseException) -> bool:
    import httpx

    return isinstance(exc, (httpx.TransportError, ConnectionError)) or "connect" in str(exc).lower()
