"""Thumbs up/down on answers, kept in SQLite under DUTYKB_HOME.

Each row keeps the whole answer as it was shown (text, citations as JSON, role,
mode), because the index may have changed by the time anyone reads it. Rows
start with status 'new'; the evaluation page's inbox turns thumbs-down answers
into evaluation cases ('approved') or sets them aside ('dismissed').
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kb.access import PUBLIC, Audience
from kb.records import Answer
from kb.sqlite_file import transaction

FEEDBACK_FILENAME = "feedback.sqlite"
UP, DOWN = "up", "down"
RATINGS = (UP, DOWN)
STATUS_NEW, STATUS_APPROVED, STATUS_DISMISSED = "new", "approved", "dismissed"
STATUSES = (STATUS_NEW, STATUS_APPROVED, STATUS_DISMISSED)

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    role TEXT,
    mode TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('{UP}', '{DOWN}')),
    status TEXT NOT NULL DEFAULT '{STATUS_NEW}',
    audience TEXT NOT NULL DEFAULT ''
)
"""
# Files made before access control lack the audience column; their rows were all asked as the public.
ADD_AUDIENCE = "ALTER TABLE feedback ADD COLUMN audience TEXT NOT NULL DEFAULT ''"
COLUMNS = "id, created, question, answer, citations, role, mode, abstained, rating, status, audience"


@dataclass(frozen=True)
class FeedbackRecord:
    id: int
    created: str
    question: str
    answer: str
    citations: list[dict[str, Any]]
    role: str | None
    mode: str
    abstained: bool
    rating: str
    status: str
    audience: Audience = PUBLIC


def check_rating(rating: str) -> str:
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {RATINGS}, not {rating!r}")
    return rating


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
    return status


class FeedbackStore:
    """One SQLite file; a connection per call, so it can be shared by the app's session threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with transaction(self.path, SCHEMA) as conn:
            if "audience" not in {row[1] for row in conn.execute("PRAGMA table_info(feedback)")}:
                conn.execute(ADD_AUDIENCE)
            yield conn

    def add(self, answer: Answer, rating: str, role: str | None = None, audience: Audience = PUBLIC) -> int:
        """Store a rating of `answer` (asked with `role` picked, if any, by a reader who sees what `audience`
        sees); returns the row id."""
        citations = json.dumps([c.to_json() for c in answer.citations], ensure_ascii=False)
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO feedback (created, question, answer, citations, role, mode, abstained, rating, audience)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (created, answer.question, answer.answer, citations, role, answer.mode, int(answer.abstained),
                 check_rating(rating), str(audience)),
            )
            assert cursor.lastrowid is not None  # an INSERT always sets it
            return cursor.lastrowid

    def set_rating(self, feedback_id: int, rating: str) -> None:
        """A user who changes their mind replaces the rating rather than adding a second row."""
        with self._connect() as conn:
            conn.execute("UPDATE feedback SET rating = ? WHERE id = ?", (check_rating(rating), feedback_id))

    def remove(self, feedback_id: int) -> None:
        """A rating the user took back (clicked the selected thumb again)."""
        with self._connect() as conn:
            conn.execute("DELETE FROM feedback WHERE id = ?", (feedback_id,))

    def set_status(self, feedback_id: int, status: str) -> None:
        """Mark a row as handled by an editor (or back to 'new'); an unknown id is an error."""
        with self._connect() as conn:
            cursor = conn.execute("UPDATE feedback SET status = ? WHERE id = ?", (check_status(status), feedback_id))
            if cursor.rowcount == 0:
                raise KeyError(f"no feedback row {feedback_id}")

    def list(self, rating: str | None = None, status: str | None = None,
             visible_to: Audience = PUBLIC) -> list[FeedbackRecord]:
        """All rows oldest first, or only those with `rating` and/or `status`; only answers given to readers
        who saw no more than `visible_to` may see."""
        conditions, params = [], []
        if rating is not None:
            conditions.append("rating = ?")
            params.append(check_rating(rating))
        if status is not None:
            conditions.append("status = ?")
            params.append(check_status(status))
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {COLUMNS} FROM feedback{where} ORDER BY id", params).fetchall()
        records = [
            FeedbackRecord(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6], bool(row[7]),
                           row[8], row[9], Audience.parse(row[10]))
            for row in rows
        ]
        return [r for r in records if visible_to.covers(r.audience)]
