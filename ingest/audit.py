"""The audit trail of a corpus entry, and the journal that keeps every change in it even across a crash.

Under `<corpus>/.history/<doc_id>/`:
  audit.jsonl    one record per accepted change (who, when, why, diff), appended and fsynced
  v<N>.md        the text of version N
  pending.json   the record of a save that is in progress (the journal)

A save writes v<N>.md, then the journal, then renames the new entry into place, then appends
the audit record and removes the journal. A process killed anywhere in between leaves either
no journal (nothing changed, or everything was recorded) or a journal that `recover` resolves
the next time the entry is touched: the entry holds the journal's version (the rename happened)
→ its audit record is appended; it still holds the previous version → the save never happened
and its v<N>.md is removed. So no change is ever on disk without its audit record.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kb.atomic import atomic_write_text

AUDIT_FILE = "audit.jsonl"
JOURNAL_FILE = "pending.json"


@dataclass
class AuditRecord:
    version: int
    action: str
    who: str
    why: str
    when: str
    sha: str
    previous_sha: str | None
    diff: str
    extra: dict[str, Any] = field(default_factory=dict)


def sha_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def version_path(history: Path, version: int) -> Path:
    return history / f"v{version}.md"


def read_audit(history: Path) -> list[AuditRecord]:
    path = history / AUDIT_FILE
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [AuditRecord(**json.loads(line)) for line in handle if line.strip()]


def append_audit(history: Path, record: AuditRecord) -> None:
    history.mkdir(parents=True, exist_ok=True)
    with (history / AUDIT_FILE).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def begin(history: Path, record: AuditRecord) -> None:
    """Journal a save before the entry is replaced (see the module doc)."""
    atomic_write_text(history / JOURNAL_FILE, json.dumps(asdict(record), ensure_ascii=False))


def commit(history: Path, record: AuditRecord) -> None:
    """The entry was replaced: record it, then drop the journal."""
    append_audit(history, record)
    (history / JOURNAL_FILE).unlink(missing_ok=True)


def pending(history: Path) -> AuditRecord | None:
    path = history / JOURNAL_FILE
    if not path.exists():
        return None
    try:
        return AuditRecord(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError):  # the journal itself was cut short: the entry was never replaced
        path.unlink(missing_ok=True)
        return None


def recover(history: Path, current_sha: str | None) -> AuditRecord | None:
    """Finish or undo a save a crash interrupted; returns the record appended, if any.

    `current_sha` is the sha of the entry as it is on disk now (None: no such file). Call with the
    store's lock held.
    """
    record = pending(history)
    if record is None:
        return None
    recorded = any(r.version == record.version and r.sha == record.sha for r in read_audit(history))
    if current_sha == record.sha and not recorded:
        commit(history, record)
        return record
    if current_sha != record.sha and not recorded:
        version_path(history, record.version).unlink(missing_ok=True)
    (history / JOURNAL_FILE).unlink(missing_ok=True)
    return None
