"""File names inside a build directory and their readers (the writers live in ingest.build)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from kb.records import Chunk, Role

CHUNKS_FILE = "chunks.jsonl"
ROLES_FILE = "roles.json"
DOCS_FILE = "docs.json"
PART_VECTORS_FILE = "parts.npy"
LEXICON_FILE = "lexicon.json"


def load_chunks(build_dir: Path) -> list[Chunk]:
    with (build_dir / CHUNKS_FILE).open(encoding="utf-8") as handle:
        return [Chunk.from_dict(json.loads(line)) for line in handle if line.strip()]


def load_roles(build_dir: Path) -> list[Role]:
    return [Role.from_dict(d) for d in json.loads((build_dir / ROLES_FILE).read_text(encoding="utf-8"))]


def load_docs(build_dir: Path) -> dict:
    path = build_dir / DOCS_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


class PartVectors:
    """Rows of parts.npy read on demand with pread.

    The answerer reads a few rows per question, and at 100k chunks the file is about 600 MB.
    Loading it would copy all of it into every reader; memory-mapping it made each reader's RSS
    creep towards the whole file, because every page fault maps the pages around it too (the
    kernel's fault-around), so after a few hundred questions most of the file was resident in the
    process. Reading rows with pread keeps the file in the shared page cache and out of the reader.
    """

    def __init__(self, path: Path) -> None:
        import numpy as np

        with path.open("rb") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
                np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read_header(handle)
            self._offset = handle.tell()
        if fortran or len(shape) != 2:
            raise ValueError(f"{path}: expected a C-ordered matrix, got shape {shape}")
        self.rows, self.dim = int(shape[0]), int(shape[1])
        self.dtype = dtype
        self._row_bytes = self.dim * dtype.itemsize
        if path.stat().st_size < self._offset + self.rows * self._row_bytes:
            raise ValueError(f"{path} is truncated")
        self._fd = os.open(path, os.O_RDONLY)

    def __len__(self) -> int:
        return self.rows

    def __getitem__(self, row: int):
        import numpy as np

        if not 0 <= row < self.rows:
            raise IndexError(f"part vector {row} out of range ({self.rows})")
        data = os.pread(self._fd, self._row_bytes, self._offset + row * self._row_bytes)
        return np.frombuffer(data, dtype=self.dtype)

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)


def load_part_vectors(build_dir: Path) -> PartVectors | None:
    """Vectors of every chunk part, in chunk then part order; None for builds made without them."""
    path = build_dir / PART_VECTORS_FILE
    return PartVectors(path) if path.exists() else None


def load_build_lexicon(build_dir: Path):
    """The lexicon the build was indexed with (empty for builds made without one)."""
    from kb.lexicon import Lexicon

    path = build_dir / LEXICON_FILE
    return Lexicon(**json.loads(path.read_text(encoding="utf-8"))) if path.exists() else Lexicon()
