"""A full disk, recognised in whatever form a library reports it, as one user-facing error.

Writes fail with OSError(ENOSPC) from Python, `sqlite3.OperationalError: database or disk
is full` from SQLite, and Chroma's `InternalError … (code: 13) database or disk is full`.
All of them mean the same to an operator: free space, then run the command again.
"""
from __future__ import annotations

import errno
from pathlib import Path

from kb.errors import DutyKBError

FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
FULL_PHRASES = ("disk is full", "no space left", "disk quota exceeded")


class DiskFullError(DutyKBError, OSError):
    """The disk holding a dutykb file is full; nothing live was replaced.

    Also an OSError, so callers that already handle failed writes as OSError keep working.
    """


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in FULL_ERRNOS:
        return True
    text = str(exc).lower()
    return any(phrase in text for phrase in FULL_PHRASES)


def disk_full_error(where: Path | str, exc: BaseException) -> DiskFullError:
    return DiskFullError(
        f"the disk holding {where} is full ({exc}); free some space and run the command again "
        "(the published index and the corpus were not changed)")
