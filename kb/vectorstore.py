"""Chroma access: one collection per build, vectors always supplied by us.

Chroma never embeds here (its default embedding function downloads a model),
so every call passes `embedding_function=None` and explicit vectors.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHROMA_DIRNAME = "chroma"
COLLECTION_PREFIX = "dutykb-"
SPACE = "cosine"


@dataclass(frozen=True)
class VectorHit:
    chunk_id: str
    similarity: float


class VectorStore:
    """Embedded Chroma under DUTYKB_HOME/chroma."""

    def __init__(self, home: Path) -> None:
        self.path = home / CHROMA_DIRNAME
        self._client = None

    @property
    def client(self):
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            logging.getLogger("chromadb").setLevel(logging.ERROR)
            self.path.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(
                path=str(self.path), settings=ChromaSettings(anonymized_telemetry=False)
            )
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
        collection = self.get(name)
        n = min(n, collection.count())
        if n <= 0:
            return []
        result = collection.query(query_embeddings=[vector], n_results=n, where=where, include=["distances"])
        return [VectorHit(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], result["distances"][0])]

    def names(self) -> list[str]:
        return [c.name for c in self.client.list_collections() if c.name.startswith(COLLECTION_PREFIX)]

    def drop(self, name: str) -> None:
        self.client.delete_collection(name)
