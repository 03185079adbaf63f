"""Curated corpus entries: create, edit, retire, with every previous version and an audit trail.

Entries are Markdown files with YAML front matter under the corpus directory.
Writes are atomic (temp file + rename). Every version is kept in
`.history/<doc_id>/v<N>.md` with an audit record (who, when, why, diff), journaled
so that a crash never leaves a change without its record (see `ingest.audit`).
An edit must name the content hash it started from; if the file changed since,
the edit is refused instead of overwriting someone else's work. The check and the
write happen under one lock (`.history/.lock`, a file lock: threads of one app and
separate processes such as the CLI exclude each other), so of two saves from the
same base exactly one is accepted.
"""
from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from filelock import FileLock, Timeout

from ingest import audit
from ingest.audit import AUDIT_FILE, AuditRecord, sha_of
from ingest.load import (
    KIND_BY_SUFFIX,
    LoadError,
    discover,
    read_document,
)
from kb.atomic import atomic_write_bytes, atomic_write_text
from kb.diskfull import DiskFullError, disk_full_as_error
from kb.errors import DutyKBError
from kb.frontmatter import RETIRED, EntryMeta, render_entry, split_front_matter

__all__ = ["AUDIT_FILE", "AuditRecord", "CorpusStore", "Entry", "EntryError", "StaleEditError", "sha_of"]

HISTORY_DIRNAME = ".history"
LOCK_NAME = ".lock"
# A save holds the lock for milliseconds; waiting this long means something is stuck.
SAVE_LOCK_WAIT_S = 30.0
DOC_ID_PATTERN = re.compile(r"^[\w\-./\u4e00-\u9fff]+\.md$")


class EntryError(DutyKBError):
    """An entry operation that cannot be done; the message says why."""


class StaleEditError(EntryError):
    """The entry changed since the editor loaded it."""


@dataclass
class Entry:
    doc_id: str
    meta: EntryMeta
    body: str
    sha: str
    kind: str = "markdown"

    @property
    def status(self) -> str:
        return self.meta.status

    def to_json(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "meta": self.meta.to_front_matter("json"), "body": self.body, "sha": self.sha,
                "kind": self.kind, "status": self.status}


def bytes_sha(data: bytes) -> str:
    """The sha recorded for an imported (non-Markdown) file."""
    return hashlib.sha256(data).hexdigest()[:16]


class CorpusStore:
    def __init__(self, corpus_dir: Path, lock_wait: float = SAVE_LOCK_WAIT_S) -> None:
        self.root = corpus_dir
        self.history_root = corpus_dir / HISTORY_DIRNAME
        self.lock_wait = lock_wait

    @contextmanager
    def _saving(self) -> Iterator[None]:
        """Writes into the corpus: a full disk is DiskFullError, another failed write (a read-only corpus, no
        permission) an EntryError naming the file; one line each, never a traceback."""
        try:
            with disk_full_as_error(self.root):
                yield
        except DiskFullError:
            raise
        except OSError as exc:
            raise EntryError(f"cannot write in the corpus {self.root}: {exc.strerror or exc}"
                             + (f" ({exc.filename})" if exc.filename else "")) from None

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the corpus's save lock (one FileLock per call: it excludes other threads and processes alike)."""
        with self._saving():
            self.history_root.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.history_root / LOCK_NAME), timeout=self.lock_wait)
            try:
                lock.acquire()
            except Timeout:
                raise EntryError(f"another save in {self.root} has held the lock {self.history_root / LOCK_NAME} "
                                 f"for {self.lock_wait:.0f}s; try again") from None
            try:
                yield
            finally:
                lock.release()

    def _current_sha(self, doc_id: str) -> str | None:
        """The sha its audit records give the file now on disk (None: no such file)."""
        path = self.path_of(doc_id)
        if not path.is_file():
            return None
        if path.suffix.lower() == ".md":
            return sha_of(path.read_text(encoding="utf-8", errors="replace"))
        return bytes_sha(path.read_bytes())

    def recover(self, doc_id: str) -> None:
        """Finish or undo a save of `doc_id` that a crash interrupted (see `ingest.audit`)."""
        history = self.history_of(doc_id)
        if audit.pending(history) is None:
            return
        with self._locked():
            audit.recover(history, self._current_sha(doc_id))

    def path_of(self, doc_id: str) -> Path:
        """The file of `doc_id`, refused unless it lies inside the corpus once symlinks are resolved (a
        symlinked folder or file in the corpus must not lead a read or a write elsewhere)."""
        pure = PurePosixPath(doc_id)
        if not pure.parts or pure.is_absolute() or ".." in pure.parts or pure.parts[0].startswith("."):
            raise EntryError(f"invalid entry id '{doc_id}'")
        path = self.root / pure
        try:
            real, root = path.resolve(), self.root.resolve()
        except (OSError, RuntimeError) as exc:  # a symlink loop
            raise EntryError(f"'{doc_id}' cannot be resolved inside {self.root}: {exc}") from None
        if not real.is_relative_to(root):
            raise EntryError(f"'{doc_id}' leads outside the corpus {self.root} (to {real} through a symlink); "
                             "entries are read and written only inside the corpus")
        return path

    def history_of(self, doc_id: str) -> Path:
        """The `.history/<doc_id>` folder of an entry whose id `path_of` accepts."""
        self.path_of(doc_id)
        return self.history_root / doc_id

    def entries(self) -> list[dict[str, Any]]:
        rows = []
        for path in discover([self.root]):
            doc_id = path.relative_to(self.root).as_posix()
            row: dict[str, Any] = {"doc_id": doc_id, "kind": KIND_BY_SUFFIX.get(path.suffix.lower(), "unknown")}
            try:
                doc = read_document(path, [self.root])
                row.update(title=doc.title or PurePosixPath(doc_id).stem, status=doc.meta.status,
                           roles=list(doc.meta.roles), visibility=list(doc.meta.visibility),
                           versions=len(self.history(doc_id)))
            except LoadError as exc:
                row.update(title=None, status="unreadable", error=exc.reason)
            rows.append(row)
        return rows

    def show(self, doc_id: str) -> Entry:
        path = self.path_of(doc_id)
        if not path.is_file():
            raise EntryError(f"no entry '{doc_id}' in {self.root}")
        text = path.read_text(encoding="utf-8") if path.suffix.lower() == ".md" else None
        if text is None:
            doc = read_document(path, [self.root])
            return Entry(doc_id, doc.meta, doc.text, doc.fingerprint[:16], doc.kind)
        meta, body = split_front_matter(text, doc_id)
        return Entry(doc_id, meta, body, sha_of(text))

    def add(self, doc_id: str, meta: EntryMeta, body: str, who: str, why: str) -> Entry:
        if not DOC_ID_PATTERN.match(doc_id):
            raise EntryError(f"entry id must be a relative path ending in .md, not '{doc_id}'")
        path = self.path_of(doc_id)
        with self._locked():
            audit.recover(self.history_of(doc_id), self._current_sha(doc_id))
            if path.exists():
                raise EntryError(f"entry '{doc_id}' already exists; edit it instead")
            return self._write(doc_id, meta.with_changes(version=1), body, who, why, "add", previous=None)

    def edit(self, doc_id: str, meta: EntryMeta, body: str, base_sha: str, who: str, why: str,
             action: str = "edit") -> Entry:
        with self._locked():
            return self._edit_locked(doc_id, lambda _current: meta, body, base_sha, who, why, action)

    def retire(self, doc_id: str, base_sha: str, who: str, why: str) -> Entry:
        with self._locked():
            current = self.show(doc_id)
            return self._edit_locked(doc_id, lambda current: current.meta.with_changes(status=RETIRED),
                                     current.body, base_sha, who, why, "retire")

    def _edit_locked(self, doc_id: str, new_meta, body: str, base_sha: str, who: str, why: str,
                     action: str) -> Entry:
        """The stale check and the write, with the save lock held by the caller."""
        audit.recover(self.history_of(doc_id), self._current_sha(doc_id))
        current = self.show(doc_id)
        if current.kind != "markdown":
            raise EntryError(f"'{doc_id}' is an imported {current.kind} file; add a curated .md entry instead")
        if current.sha != base_sha:
            raise StaleEditError(
                f"'{doc_id}' changed since you opened it (now {current.sha}, you edited {base_sha}); "
                "reload it and apply your change again"
            )
        recorded = audit.read_audit(self.history_of(doc_id))
        version = max([current.meta.version or len(recorded) or 1, *(r.version for r in recorded)]) + 1
        meta = new_meta(current).with_changes(version=version)
        return self._write(doc_id, meta, body, who, why, action, previous=current)

    def import_file(self, name: str, data: bytes, who: str, why: str) -> Entry:
        """Add an uploaded TXT/MD/HTML/DOCX file as a raw document, checked exactly as ingest reads it."""
        doc_id = PurePosixPath(name).name
        path = self.path_of(doc_id)
        if path.exists():
            raise EntryError(f"'{doc_id}' already exists in the corpus; rename the file or edit the entry")
        probe = self.root / f".import-{doc_id}"
        try:
            with self._saving():
                atomic_write_bytes(probe, data)
            doc = read_document(probe, [self.root])
        except LoadError as exc:
            raise EntryError(f"{doc_id}: {exc.reason}") from None
        finally:
            probe.unlink(missing_ok=True)
        digest = bytes_sha(data)
        record = AuditRecord(
            version=1, action="import", who=who.strip() or "unknown", why=why.strip(),
            when=datetime.now(UTC).isoformat(timespec="seconds"), sha=digest, previous_sha=None,
            diff=f"imported {len(data)} bytes ({doc.kind}, {doc.encoding})")
        history = self.history_of(doc_id)
        with self._locked():
            audit.recover(history, self._current_sha(doc_id))
            if path.exists():
                raise EntryError(f"'{doc_id}' already exists in the corpus; rename the file or edit the entry")
            audit.begin(history, record)
            atomic_write_bytes(path, data)
            audit.commit(history, record)
        return Entry(doc_id, doc.meta, doc.text, digest, doc.kind)

    def history(self, doc_id: str) -> list[AuditRecord]:
        self.recover(doc_id)
        return audit.read_audit(self.history_of(doc_id))

    def version_text(self, doc_id: str, version: int) -> str:
        path = self.history_of(doc_id) / f"v{version}.md"
        if not path.exists():
            raise EntryError(f"'{doc_id}' has no saved version {version}")
        return path.read_text(encoding="utf-8")

    def _write(self, doc_id: str, meta: EntryMeta, body: str, who: str, why: str, action: str,
               previous: Entry | None) -> Entry:
        if not meta.title:
            raise EntryError("front matter field 'title' is required")
        if not who.strip():
            raise EntryError("say who makes the change")
        text = render_entry(meta, body)
        path = self.path_of(doc_id)
        old_text = path.read_text(encoding="utf-8") if previous is not None else ""
        history = self.history_of(doc_id)
        version = meta.version or 1
        if previous is not None and not audit.version_path(history, version - 1).exists():
            atomic_write_text(audit.version_path(history, version - 1), old_text)  # written by hand, first edit
        atomic_write_text(audit.version_path(history, version), text)
        record = AuditRecord(
            version=version, action=action, who=who.strip(), why=why.strip(),
            when=datetime.now(UTC).isoformat(timespec="seconds"), sha=sha_of(text),
            previous_sha=previous.sha if previous else None,
            diff="".join(difflib.unified_diff(old_text.splitlines(True), text.splitlines(True),
                                              f"{doc_id}@{previous.sha if previous else 'none'}",
                                              f"{doc_id}@{sha_of(text)}")),
        )
        audit.begin(history, record)
        atomic_write_text(path, text)
        audit.commit(history, record)
        return Entry(doc_id, meta, body.strip() + "\n", record.sha)
