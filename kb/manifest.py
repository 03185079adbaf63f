"""The manifest names the live build; it is replaced atomically, so readers see old or new, never half.

Layout under DUTYKB_HOME:
  manifest.json            which build is live
  builds/<build_id>/       chunks.jsonl, roles.json, docs.json, vectors.json, bm25/, bm25-terms.json
  chroma/                  Chroma persistent store; collections shared by builds (ingest.collection)
  cache/embeddings.sqlite  vectors by (model, text hash)
  ingest.lock              one writer at a time
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kb.atomic import atomic_write_text
from kb.errors import DutyKBError

MANIFEST_NAME = "manifest.json"
BUILDS_DIRNAME = "builds"
MANIFEST_VERSION = 1
HASH_CHUNK_BYTES = 1 << 20


class ManifestError(DutyKBError):
    """The manifest is missing or unreadable; the message says how to recover."""


@dataclass
class Manifest:
    build_id: str
    collection: str
    embedder: str
    model_id: str
    tokenizer: str
    chunks: int
    created: str
    corpus_fingerprint: str
    previous: list[str] = field(default_factory=list)
    version: int = MANIFEST_VERSION
    # sha256 of every file in the build directory, by path relative to it, taken just before
    # publishing; `dutykb ingest` compares them to find a damaged live build (empty: older builds).
    checksums: dict[str, str] = field(default_factory=dict)

    def build_dir(self, home: Path) -> Path:
        return home / BUILDS_DIRNAME / self.build_id


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(HASH_CHUNK_BYTES):
            digest.update(block)
    return digest.hexdigest()


def checksum_build(build_dir: Path) -> dict[str, str]:
    """sha256 of every file under a build directory, by relative POSIX path."""
    return {p.relative_to(build_dir).as_posix(): file_sha256(p) for p in sorted(build_dir.rglob("*")) if p.is_file()}


def damaged_files(home: Path, manifest: Manifest) -> list[str]:
    """Files of the live build that are missing or differ from the manifest's checksums, each with why."""
    build_dir = manifest.build_dir(home)
    problems = []
    for name, expected in manifest.checksums.items():
        path = build_dir / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif file_sha256(path) != expected:
            problems.append(f"{name} is damaged (checksum differs)")
    return problems


def write_manifest(home: Path, manifest: Manifest) -> None:
    atomic_write_text(home / MANIFEST_NAME, json.dumps(asdict(manifest), ensure_ascii=False, indent=2))


def read_manifest(home: Path) -> Manifest | None:
    """The live manifest, None when nothing was ever built; ManifestError when it is corrupt."""
    path = home / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Manifest(**data)
    except (ValueError, TypeError) as exc:
        raise ManifestError(
            f"{path} is unreadable ({exc}); rebuild from the corpus with: dutykb ingest --rebuild"
        ) from None
