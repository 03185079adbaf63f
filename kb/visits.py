"""When each user last looked at a role, kept in SQLite under DUTYKB_HOME ("what changed since my last visit").

One row per (user, role; the role in its normalised form, so 值班長 and 值班长 are one): the moment of the
visit before the current one is what a page compares against, so a page reads it first and records the new
visit after.
"""
from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from kb.normalize import normalize_name
from kb.sqlite_file import transaction

VISITS_FILENAME = "visits.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS visits (
    user TEXT NOT NULL,
    role TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (user, role)
)
"""


class VisitStore:
    """One SQLite file; a connection per call, so it can be shared by the app's session threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @classmethod
    def under(cls, home: Path) -> VisitStore:
        return cls(home / VISITS_FILENAME)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path, SCHEMA)

    def last(self, user: str, role: str) -> datetime | None:
        """The user's last recorded visit of the role (UTC), None if never."""
        with self._connect() as conn:
            row = conn.execute("SELECT at FROM visits WHERE user = ? AND role = ?",
                               (user, normalize_name(role))).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def record(self, user: str, role: str, at: datetime | None = None) -> None:
        moment = (at or datetime.now(UTC)).astimezone(UTC).isoformat()
        with self._connect() as conn:
            conn.execute("INSERT INTO visits (user, role, at) VALUES (?, ?, ?) "
                         "ON CONFLICT (user, role) DO UPDATE SET at = excluded.at",
                         (user, normalize_name(role), moment))
