"""A full disk, recognised in whatever form a library reports it, as one user-facing error.

Writes fail with OSError(ENOSPC) from Python, `sqlite3.OperationalError: database or disk
is full` from SQLite, and Chroma's `InternalError … (code: 13) database or disk is full`.
All of them mean the same to an operator: free space, then run the command again.
"""
from __future__ import annotations

import errno
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kb.errors import DutyKBError

FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
FULL_PHRASES = ("disk is full", "no space left", "disk quota exceeded")
# SQLite and Chroma report some writes on a full disk only as "disk I/O error" (SQLite creating its WAL
# file) or "Error in compaction" (Chroma writing an HNSW segment, several MB at a time); a failed write
# on a disk with less than this free is taken as the disk being full.
NEARLY_FULL_BYTES = 8 << 20


class DiskFullError(DutyKBError, OSError):
    """The disk holding a dutykb file is full; nothing live was replaced.

    Also an OSError, so callers that already handle failed writes as OSError keep working.
    """


def free_bytes(where: Path) -> int | None:
    """Free space on the filesystem holding `where` (or its nearest existing parent); None if unknown."""
    path = Path(where)
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def is_disk_full(exc: BaseException, where: Path | None = None) -> bool:
    """Whether `exc` says the disk is full, or (given `where`, the path a failed write was for) whether the
    disk holding `where` is nearly full."""
    if isinstance(exc, OSError) and exc.errno in FULL_ERRNOS:
        return True
    if any(phrase in str(exc).lower() for phrase in FULL_PHRASES):
        return True
    free = free_bytes(where) if where is not None else None
    return free is not None and free < NEARLY_FULL_BYTES


def disk_full_error(where: Path | str, exc: BaseException) -> DiskFullError:
    return DiskFullError(
        f"the disk holding {where} is full ({exc}); free some space and run the command again "
        "(the published index and the corpus were not changed)")


@contextmanager
def disk_full_as_error(where: Path) -> Iterator[None]:
    """Turn whatever a full disk raises inside the block (OSError, SQLite errors) into DiskFullError."""
    import sqlite3

    try:
        yield
    except DiskFullError:
        raise
    except (OSError, sqlite3.Error) as exc:
        if is_disk_full(exc, where):
            raise disk_full_error(where, exc) from exc
        raise
