"""Chroma behind the `VectorStore` interface: embedded under <home>/chroma, or a `chroma run` server.

Chroma's metadata cannot hold lists, so an entry's visibility is stored as one boolean key
per group (`grp:<name>`) plus `public`; `VectorFilter` becomes a `where` clause over them here,
and nowhere else.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from kb.vectorstore import (
    VectorFilter,
    VectorHit,
    VectorRecord,
    VectorStore,
    VectorStoreUnavailable,
)

CHROMA_DIRNAME = "chroma"
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
                self._client = _persistent_client(str(self.path.resolve()))
        return self._client

    def _collection(self, name: str) -> Any:
        return self.client.get_collection(name, embedding_function=None)

    def do_create(self, collection: str) -> None:
        self.client.create_collection(collection, embedding_function=None, configuration={"hnsw": {"space": SPACE}})

    def do_max_batch(self) -> int:
        return int(self.client.get_max_batch_size())

    def do_upsert(self, collection: str, records: Sequence[VectorRecord], vectors: np.ndarray) -> None:
        self._collection(collection).upsert(
            ids=[r.chunk_id for r in records], embeddings=vectors, metadatas=[metadata(r) for r in records],
            documents=[r.text for r in records])

    def do_count(self, collection: str) -> int:
        return int(self._reading(lambda: self._collection(collection).count()))

    def do_query(self, collection: str, vector: np.ndarray, n: int, where: VectorFilter) -> list[VectorHit]:
        result = self._reading(lambda: self._collection(collection).query(
            query_embeddings=[vector], n_results=n, where=where_clause(where), include=["distances"]))
        return [VectorHit(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def do_texts(self, collection: str) -> list[str]:
        return list(self._collection(collection).get(include=["documents"])["documents"] or [])

    def do_names(self) -> list[str]:
        return [c.name for c in self.client.list_collections()]

    def do_drop(self, collection: str) -> None:
        self.client.delete_collection(collection)

    def _reading(self, call: Any) -> Any:
        """Run a read; a server that stopped answering becomes VectorStoreUnavailable (and a reconnect next time)."""
        try:
            return call()
        except VectorStoreUnavailable:
            raise
        except Exception as exc:
            if self.url and _is_connection_error(exc):
                self._client = None
                raise VectorStoreUnavailable(f"Chroma server {self.url} stopped answering: {exc}") from exc
            raise


_CLIENT_LOCK = threading.Lock()


def _persistent_client(path: str) -> Any:
    """One embedded client per store path per process, created under a lock.

    Chroma keeps one system per path and its client constructor is not thread-safe: two threads
    creating clients at once can make one fail, and the failing constructor stops the shared system
    under the other (KeyError on the path, 'no attribute bindings'). Measured with `dutykb bench load`.
    """
    with _CLIENT_LOCK:
        return _cached_persistent_client(path)


@cache
def _cached_persistent_client(path: str) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    Path(path).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=path, settings=ChromaSettings(anonymized_telemetry=False))


def _is_connection_error(exc: Exception) -> bool:
    import httpx

    return isinstance(exc, (httpx.TransportError, ConnectionError)) or "connect" in str(exc).lower()
