"""The vector store interface: collections of chunk vectors shared by builds, filtered in dutykb's terms.

A collection may hold vectors of several builds (see ingest.collection): a reader says how many of
its vectors are its own build's (`own`), and the store asks for as many more as it holds beyond them.

Public methods do the bookkeeping (batching, empty collections, turning a backend's transport
errors into `VectorStoreUnavailable`); a backend implements the `do_*` methods and translates
`VectorFilter` into its own filter language. Vectors are always supplied by dutykb: no backend
may embed on its own (Chroma's default embedding function downloads a model).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from kb.access import Audience
from kb.diskfull import DiskFullError
from kb.errors import DutyKBError

if TYPE_CHECKING:
    from kb.settings import Settings

COLLECTION_PREFIX = "dutykb-"


class VectorStoreUnavailable(DutyKBError):
    """The vector store cannot be reached, opened or read; the message names it and what to do."""


class VectorStoreDamaged(VectorStoreUnavailable):
    """The store's own files are corrupt (not merely unreachable or out of space); rebuild it from the corpus."""


class VectorStoreDiskFull(VectorStoreUnavailable, DiskFullError):
    """The store cannot be opened or written because its disk is full (nothing in it was changed)."""


class CollectionMissing(VectorStoreUnavailable):
    """The build's collection is gone: a newer build replaced it (reopen the live build and retry)."""


@dataclass(frozen=True)
class VectorRecord:
    """What the store keeps beside a chunk's vector: enough to filter (the text stays in the build's files)."""

    vector_id: str
    doc_id: str
    role: str | None
    visibility: Sequence[str]


@dataclass(frozen=True)
class VectorFilter:
    """Which chunks a query may return: those the audience may see (None: no visibility filter, because
    the build has no restricted entries) and, when given, only those of these roles."""

    audience: Audience | None = None
    roles: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class VectorHit:
    vector_id: str
    similarity: float


class VectorStore(ABC):
    """A named collection per build; see the module docstring for the split of responsibilities."""

    name: str  # shown in messages, e.g. the server's URL

    def create(self, collection: str) -> None:
        self.do_create(collection)

    def add(self, collection: str, records: Sequence[VectorRecord], vectors: np.ndarray) -> None:
        step = self.do_max_batch()
        for start in range(0, len(records), step):
            self.do_upsert(collection, records[start:start + step], vectors[start:start + step])

    def query(self, collection: str, vector: np.ndarray, n: int, where: VectorFilter = VectorFilter(),
              own: int | None = None) -> list[VectorHit]:
        """The n nearest vectors; with `own` (how many of the collection's vectors the caller's build holds),
        n more for every vector beyond those, so that n of the caller's own are among the hits."""
        total = self.do_count(collection)
        if own is not None:
            n += max(0, total - own)
        n = min(n, total)
        return self.do_query(collection, vector, n, where) if n > 0 else []

    def count(self, collection: str) -> int:
        return self.do_count(collection)

    def present(self, collection: str, ids: Sequence[str]) -> set[str]:
        """Which of `ids` the collection holds."""
        found: set[str] = set()
        step = self.do_max_batch()
        for start in range(0, len(ids), step):
            found.update(self.do_ids(collection, ids[start:start + step]))
        return found

    def ids(self, collection: str) -> set[str]:
        """Every id the collection holds."""
        return set(self.do_ids(collection, None))

    def delete(self, collection: str, ids: Sequence[str]) -> None:
        step = self.do_max_batch()
        for start in range(0, len(ids), step):
            self.do_delete(collection, ids[start:start + step])

    def names(self) -> list[str]:
        return [name for name in self.do_names() if name.startswith(COLLECTION_PREFIX)]

    def drop(self, collection: str) -> None:
        """Drop a collection and whatever files of dropped collections the backend left behind."""
        self.do_drop(collection)
        self.do_prune()

    def destroy(self) -> None:
        """Remove every collection and the store's own files, to recreate a damaged store from the corpus."""
        self.do_destroy()

    @abstractmethod
    def reconnect(self) -> None:
        """Open the store afresh on the next call (after another process rebuilt it)."""

    def do_prune(self) -> list[str]:
        """Remove files no collection uses any more; returns what was removed (default: nothing to prune)."""
        return []

    @abstractmethod
    def do_destroy(self) -> None: ...

    @abstractmethod
    def do_create(self, collection: str) -> None: ...

    @abstractmethod
    def do_max_batch(self) -> int: ...

    @abstractmethod
    def do_upsert(self, collection: str, records: Sequence[VectorRecord], vectors: np.ndarray) -> None: ...

    @abstractmethod
    def do_count(self, collection: str) -> int: ...

    @abstractmethod
    def do_query(self, collection: str, vector: np.ndarray, n: int, where: VectorFilter) -> list[VectorHit]: ...

    @abstractmethod
    def do_ids(self, collection: str, ids: Sequence[str] | None) -> list[str]:
        """Those of `ids` the collection holds (None: all of its ids)."""

    @abstractmethod
    def do_delete(self, collection: str, ids: Sequence[str]) -> None: ...

    @abstractmethod
    def do_names(self) -> list[str]: ...

    @abstractmethod
    def do_drop(self, collection: str) -> None: ...


def open_store(settings: Settings) -> VectorStore:
    """The configured store: a Chroma server when `chroma_url` is set, else embedded Chroma under the home."""
    from kb.chroma_store import ChromaStore

    return ChromaStore(settings.home, settings.chroma_url, settings.chroma_token)
