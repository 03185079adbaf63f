"""What every published build held of each document's roles and passages, kept after the build is dropped.

A build directory lives only until the next build or two replace it (`Settings.keep_builds`), so "what
changed for my role since March" needs its own record. Each publish writes, under
`$DUTYKB_HOME/role_history/`:

  docs/<key>.json                  one document as a build published it: its roles (with their duties) and
                                   its passages (every chunk part, with the role whose duty list holds it);
                                   the key hashes the document's fingerprint and pipeline key, so a document
                                   that did not change is written once, however many builds follow
  builds/<created>-<build_id>.json the build's moment and the key of each of its documents

Both are written atomically; a build's file is written after its manifest is published, so every build
listed here was live. Like the curation history (`corpus/.history`), nothing is ever dropped: a build adds
one small file, and only documents that changed add more.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kb.atomic import atomic_write_text
from kb.records import Chunk, Role, by_document

HISTORY_DIRNAME = "role_history"
DOCS_DIRNAME = "docs"
BUILDS_DIRNAME = "builds"
KEY_CHARS = 16
STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"  # microseconds: two saves in one second are two moments


@dataclass(frozen=True)
class Passage:
    """One chunk part of a document as published: an item (n) or a paragraph (n None)."""

    section: str
    n: int | None
    text: str
    role: str | None  # the role whose duty list holds it (None: a rule, a procedure, any other text)
    visibility: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentVersion:
    doc_id: str
    title: str
    roles: list[Role]
    passages: list[Passage]


@dataclass(frozen=True)
class BuildSnapshot:
    build_id: str
    created: datetime  # when it was published (UTC)
    docs: dict[str, str]  # doc id → key of its DocumentVersion


def history_dir(home: Path) -> Path:
    return home / HISTORY_DIRNAME


def version_key(doc_entry: dict) -> str:
    """A document's key from its docs.json entry: same bytes and same pipeline, same roles and passages."""
    basis = f"{doc_entry.get('fingerprint', '')}\n{doc_entry.get('pipeline', '')}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:KEY_CHARS]


def _version_json(doc_id: str, title: str, roles: list[Role], chunks: list[Chunk]) -> str:
    passages = [{"section": c.section, "n": p.n, "text": p.text, "role": c.role, "visibility": list(c.visibility)}
                for c in chunks for p in c.parts]
    return json.dumps({"doc_id": doc_id, "title": title, "roles": [r.to_dict() for r in roles],
                       "passages": passages}, ensure_ascii=False)


def record_build(home: Path, build_id: str, chunks: list[Chunk], roles: list[Role], docs: dict,
                 created: datetime | None = None) -> BuildSnapshot:
    """Write the documents this history lacks, then the build's own file (call it once the build is live)."""
    root = history_dir(home)
    chunks_by_doc, roles_by_doc = by_document(chunks, roles)
    keys = {}
    for doc_id, entry in docs.items():
        key = keys[doc_id] = version_key(entry)
        path = root / DOCS_DIRNAME / f"{key}.json"
        if not path.exists():
            atomic_write_text(path, _version_json(doc_id, entry.get("title") or doc_id,
                                                  roles_by_doc.get(doc_id, []), chunks_by_doc.get(doc_id, [])))
    snapshot = BuildSnapshot(build_id, created or datetime.now(UTC), keys)
    atomic_write_text(root / BUILDS_DIRNAME / f"{snapshot.created.strftime(STAMP_FORMAT)}-{build_id}.json",
                      json.dumps({"build_id": build_id, "created": snapshot.created.isoformat(), "docs": keys},
                                 ensure_ascii=False))
    return snapshot


def snapshots(home: Path) -> list[BuildSnapshot]:
    """Every recorded build, oldest first (a file that cannot be read is passed over)."""
    folder = history_dir(home) / BUILDS_DIRNAME
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found.append(BuildSnapshot(data["build_id"], datetime.fromisoformat(data["created"]), dict(data["docs"])))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(found, key=lambda s: s.created)


def load_version(home: Path, key: str) -> DocumentVersion | None:
    """A recorded document, None when its file is missing or unreadable."""
    path = history_dir(home) / DOCS_DIRNAME / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return DocumentVersion(data["doc_id"], data["title"], [Role.from_dict(r) for r in data["roles"]],
                               [Passage(p["section"], p["n"], p["text"], p["role"], tuple(p["visibility"]))
                                for p in data["passages"]])
    except (OSError, ValueError, KeyError, TypeError):
        return None
