"""File names inside a build directory and their readers (the writers live in ingest.build)."""
from __future__ import annotations

import json
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


def load_part_vectors(build_dir: Path):
    """Vectors of every chunk part, in chunk then part order; None for builds made without them.

    Memory-mapped: the answerer reads a few rows per question, and at 100k chunks the
    file is about a gigabyte that readers should share through the page cache, not copy.
    """
    import numpy as np

    path = build_dir / PART_VECTORS_FILE
    return np.load(path, mmap_mode="r") if path.exists() else None


def load_build_lexicon(build_dir: Path):
    """The lexicon the build was indexed with (empty for builds made without one)."""
    from kb.lexicon import Lexicon

    path = build_dir / LEXICON_FILE
    return Lexicon(**json.loads(path.read_text(encoding="utf-8"))) if path.exists() else Lexicon()
