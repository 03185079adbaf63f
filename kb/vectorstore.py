"""Chroma access: one collection per build, vectors always supplied by us.

Chroma never embeds here (its default embedding function downloads a model),
so every call passes `embedding_function=None` and explicit vectors.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from kb.errors import DutyKBError

CHROMA_DIRNAME = "chroma"
COLLECTION_PREFIX = "dutykb-"
SPACE = "cosine"
DEFAULT_PORT = 8000


@dataclass(frozen=True)
class VectorHit:
    chunk_id: str
    similarity: float


class VectorStoreUnavailable(DutyKBError):
    """The Chroma server cannot be reached; the message names it."""


class VectorStore:
    """Chroma: embedded under DUTYKB_HOME/chroma, or a `chroma run` server when a URL is given."""

    def __init__(self, home: Path, url: str | None = None, token: str | None = None) -> None:
        self.path = home / CHROMA_DIRNAME
        self.url = url
        self.token = token
        self._client = None

    @property
    def client(self):
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            logging.getLogger("chromadb").setLevel(logging.ERROR)
            settings = ChromaSettings(anonymized_telemetry=False)
            if self.url:
                parsed = urlparse(self.url)
                headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
                try:
                    self._client = chromadb.HttpClient(
                        host=parsed.hostname or "127.0.0.1", port=parsed.port or DEFAULT_PORT,
                        ssl=parsed.scheme == "https", headers=headers, settings=settings)
                except Exception as exc:  # the client raises bare ValueError/ConnectError types when down
                    raise VectorStoreUnavailable(f"Chroma server {self.url} is not reachable: {exc}") from exc
            else:
                self._client = _persistent_client(str(self.path.resolve()))
        return self._client

    def create(self, name: str):
        return self.client.create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": SPACE}}
        )

    def get(self, name: str):
        return self.client.get_collection(name, embedding_function=None)

    def add(self, name: str, ids: list[str], vectors: np.ndarray, metadatas: list[dict],
            documents: list[str]) -> None:
        collection = self.get(name)
        step = self.client.get_max_batch_size()
        for start in range(0, len(ids), step):
            end = start + step
            collection.upsert(ids=ids[start:end], embeddings=vectors[start:end], metadatas=metadatas[start:end],
                              documents=documents[start:end])

    def query(self, name: str, vector: np.ndarray, n: int, where: dict | None = None) -> list[VectorHit]:
        try:
            collection = self.get(name)
            n = min(n, collection.count())
            if n <= 0:
                return []
            result = collection.query(query_embeddings=[vector], n_results=n, where=where, include=["distances"])
        except VectorStoreUnavailable:
            raise
        except Exception as exc:
            if self.url and _is_connection_error(exc):
                self._client = None  # reconnect on the next call: the server may be back
                raise VectorStoreUnavailable(f"Chroma server {self.url} stopped answering: {exc}") from exc
            raise
        return [VectorHit(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], result["distances"][0])]

    def names(self) -> list[str]:
        return [c.name for c in self.client.list_collections() if c.name.startswith(COLLECTION_PREFIX)]

    def drop(self, name: str) -> None:
        self.client.delete_collection(name)


_CLIENT_LOCK = threading.Lock()


def _persistent_client(path: str):
    """One embedded client per store path per process, created under a lock.

    Chroma keeps one system per path and its client constructor is not thread-safe: two threads
    creating clients at once can make one fail, and the failing constructor stops the shared system
    under the other (KeyError on the path, 'no attribute bindings'). Measured with `dutykb bench load`.
    """
    with _CLIENT_LOCK:
        return _cached_persistent_client(path)


@lru_cache(maxsize=None)
def _cached_persistent_client(path: str):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    Path(path).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=path, settings=ChromaSettings(anonymized_telemetry=False))


def _is_connection_error(exc: Exception) -> bool:
    import httpx

    return isinstance(exc, (httpx.TransportError, ConnectionError)) or "connect" in str(exc).lower()


def store_for(settings) -> VectorStore:
    return VectorStore(settings.home, settings.chroma_url, settings.chroma_token)
