"""A small SQLite file under DUTYKB_HOME shared by the app's session threads (feedback, quiz results, visits).

A connection per call, so threads never share one; each call is one transaction, rolled back on error.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

BUSY_TIMEOUT_S = 10.0  # several app sessions may write at once; SQLite serialises them


@contextmanager
def transaction(path: Path, schema: str) -> Iterator[sqlite3.Connection]:
    """A connection to `path` (made, with its folder, if missing) whose table `schema` creates if absent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # closing() closes the file; `with conn` makes the call one transaction
    with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)) as conn, conn:
        conn.execute(schema)
        yield conn
