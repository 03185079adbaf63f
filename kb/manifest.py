"""The manifest names the live build; it is replaced atomically, so readers see old or new, never half.

Layout under DUTYKB_HOME:
  manifest.json            which build is live
  builds/<build_id>/       chunks.jsonl, roles.json, docs.json, bm25/
  chroma/                  Chroma persistent store; collection per build
  cache/embeddings.sqlite  vectors by (model, text hash)
  ingest.lock              one writer at a time
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kb.atomic import atomic_write_text
from kb.errors import DutyKBError

MANIFEST_NAME = "manifest.json"
BUILDS_DIRNAME = "builds"
MANIFEST_VERSION = 1


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

    def build_dir(self, home: Path) -> Path:
        return home / BUILDS_DIRNAME / self.build_id


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
