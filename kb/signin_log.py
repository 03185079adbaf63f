"""Failed sign-ins, recorded in SQLite under DUTYKB_HOME and throttled per user name and per client address.

Policy, for each of the two keys: the first `free` failures cost nothing; after that the next try must
wait `delay` seconds after the latest failure, doubling with each further failure; at `lockout_after`
failures the key is locked for `lockout` seconds (also the longest wait). Only failures within the last
`window` seconds count, and a user's successful sign-in clears their failures, also from the address's
count (they were that user's own typos). A try made while a wait is in force is refused without checking
the password and recorded, but is not a failure.

A try is claimed before its password is checked (a 'pending' row, written in an exclusive transaction),
so tries made in parallel, from several tabs or processes, count against each other.
"""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

SIGNIN_FILENAME = "signin.sqlite"
BUSY_TIMEOUT_S = 10.0  # several app sessions may sign in at once; SQLite serialises them
RETAIN_S = 30 * 86400  # rows are kept this long for whoever looks into an attack, then pruned
PENDING, FAILED, REFUSED, SUCCEEDED = "pending", "failed", "refused", "succeeded"

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('{PENDING}', '{FAILED}', '{REFUSED}', '{SUCCEEDED}'))
);
CREATE INDEX IF NOT EXISTS attempts_username ON attempts (username, at);
CREATE INDEX IF NOT EXISTS attempts_address ON attempts (address, at);
"""
# Failures (claimed tries count until they end) of one key inside the window, not followed by a success of
# the same user. `{key}` is a column name chosen in code, never input.
COUNT = f"""
SELECT COUNT(*), MAX(a.at) FROM attempts a
WHERE a.{{key}} = ? AND a.outcome IN ('{PENDING}', '{FAILED}') AND a.at > ?
  AND NOT EXISTS (SELECT 1 FROM attempts s
                  WHERE s.username = a.username AND s.outcome = '{SUCCEEDED}' AND s.at >= a.at)
"""


@dataclass(frozen=True)
class SigninPolicy:
    free_failures: int
    lockout_failures: int
    address_free_failures: int
    address_lockout_failures: int
    delay: float
    lockout: float
    window: float

    def wait(self, failures: int, free: int, lockout_after: int) -> float:
        """Seconds a key with `failures` recent failures must wait after the latest of them."""
        if failures >= lockout_after:
            return self.lockout
        if failures < free:
            return 0.0
        return min(self.delay * 2 ** (failures - free), self.lockout)


@dataclass(frozen=True)
class Attempt:
    """A try that may go ahead: check the password, then `SigninLog.finish` it."""
    id: int
    username: str


@dataclass(frozen=True)
class Refusal:
    until: float  # Unix time from which a try may be made again
    locked: bool  # locked out, not only delayed


def normalize_username(username: str) -> str:
    """The name as the login widget looks it up (it lowercases and strips what was typed)."""
    return username.strip().lower()


class SigninLog:
    """One SQLite file; a connection per call, so it can be shared by the app's session threads."""

    def __init__(self, path: Path | str, policy: SigninPolicy) -> None:
        self.path = Path(path)
        self.policy = policy

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """An exclusive write transaction: the check and the claim of a try cannot interleave with another's."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)) as conn:
            conn.executescript(SCHEMA)
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _refusal(self, conn: sqlite3.Connection, username: str, address: str, now: float) -> Refusal | None:
        """The wait in force for this user name and address at `now`, if any."""
        since = now - self.policy.window
        limits = (("username", username, self.policy.free_failures, self.policy.lockout_failures),
                  ("address", address, self.policy.address_free_failures, self.policy.address_lockout_failures))
        refusals = []
        for key, value, free, lockout_after in limits:
            failures, latest = conn.execute(COUNT.format(key=key), (value, since)).fetchone()
            wait = self.policy.wait(failures, free, lockout_after)
            if wait and latest + wait > now:
                refusals.append(Refusal(latest + wait, failures >= lockout_after))
        return max(refusals, key=lambda r: r.until) if refusals else None

    def _record(self, conn: sqlite3.Connection, username: str, address: str, outcome: str, now: float) -> int:
        conn.execute("DELETE FROM attempts WHERE at < ?", (now - RETAIN_S,))
        cursor = conn.execute("INSERT INTO attempts (at, username, address, outcome) VALUES (?, ?, ?, ?)",
                              (now, username, address, outcome))
        assert cursor.lastrowid is not None  # an INSERT always sets it
        return cursor.lastrowid

    def begin(self, username: str, address: str, now: float | None = None) -> Attempt | Refusal:
        """Claim a try for `username` from `address`, or refuse it (recorded) while a wait is in force."""
        now = time.time() if now is None else now
        username = normalize_username(username)
        with self._transaction() as conn:
            refusal = self._refusal(conn, username, address, now)
            if refusal:
                self._record(conn, username, address, REFUSED, now)
                return refusal
            return Attempt(self._record(conn, username, address, PENDING, now), username)

    def finish(self, attempt: Attempt, ok: bool, now: float | None = None) -> Refusal | None:
        """Record how a claimed try ended; after a failure, returns the wait now in force for the next one."""
        now = time.time() if now is None else now
        with self._transaction() as conn:
            conn.execute("UPDATE attempts SET outcome = ?, at = ? WHERE id = ?",
                         (SUCCEEDED if ok else FAILED, now, attempt.id))
            if ok:
                return None
            (address,) = conn.execute("SELECT address FROM attempts WHERE id = ?", (attempt.id,)).fetchone()
            return self._refusal(conn, attempt.username, address, now)
