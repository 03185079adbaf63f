"""Quiz results per user, kept in SQLite under DUTYKB_HOME (quiz.sqlite).

One row per answered question: who (the signed-in user's name, or an anonymous session id when sign-in is
off), the role, the question's id, kind, text and source, the answer given and whether it was right. The
question is kept as it was asked, because the documents may change before a trainer reads the results.
A trainer reads per-role and per-user progress and the questions most often missed.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kb.quiz import Question
from kb.sqlite_file import transaction

QUIZ_FILENAME = "quiz.sqlite"
ANONYMOUS_PREFIX = "匿名-"  # user names of anonymous sessions (sign-in off) start so
MOST_MISSED = 10

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    user TEXT NOT NULL,
    quiz TEXT NOT NULL,
    role TEXT NOT NULL,
    qid TEXT NOT NULL,
    kind TEXT NOT NULL,
    question TEXT NOT NULL,
    source TEXT NOT NULL,
    given TEXT NOT NULL,
    correct INTEGER NOT NULL
)
"""


@dataclass(frozen=True)
class Progress:
    """Answers of one user (or all users) for one role: how many quizzes, questions, right answers."""

    user: str
    role: str
    quizzes: int
    answered: int
    right: int
    last: str

    @property
    def score(self) -> float:
        return self.right / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class Missed:
    role: str
    qid: str
    kind: str
    question: str
    source: dict
    asked: int
    missed: int


class QuizStore:
    """One SQLite file; a connection per call, so the app's session threads can share it."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path, SCHEMA)

    def record(self, user: str, quiz: str, role: str, answers: list[tuple[Question, str | list[str] | None]]) -> int:
        """Store one finished quiz (`quiz`: its id); returns the number of right answers."""
        created = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [(created, user, quiz, role, q.qid, q.kind, q.question,
                 json.dumps(q.source.to_json(), ensure_ascii=False), json.dumps(given, ensure_ascii=False),
                 int(q.is_right(given))) for q, given in answers]
        with self._connect() as conn:
            conn.executemany("INSERT INTO answers (created, user, quiz, role, qid, kind, question, source, given, "
                             "correct) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        return sum(row[-1] for row in rows)

    def progress(self, user: str | None = None) -> list[Progress]:
        """Per (user, role), newest first; `user`: only theirs."""
        where, args = ("WHERE user = ?", (user,)) if user is not None else ("", ())
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT user, role, COUNT(DISTINCT quiz), COUNT(*), SUM(correct), MAX(created) FROM answers {where} "
                "GROUP BY user, role ORDER BY MAX(created) DESC", args).fetchall()
        return [Progress(*row) for row in rows]

    def by_role(self) -> list[Progress]:
        """Per role over every user (user: how many users took it)."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT COUNT(DISTINCT user), role, COUNT(DISTINCT quiz), COUNT(*), SUM(correct), MAX(created) "
                "FROM answers GROUP BY role ORDER BY role").fetchall()
        return [Progress(str(users), role, quizzes, answered, right, last)
                for users, role, quizzes, answered, right, last in rows]

    def most_missed(self, role: str | None = None, limit: int = MOST_MISSED) -> list[Missed]:
        """Questions answered wrongly most often (then most asked), over every user."""
        where, args = ("WHERE role = ?", (role,)) if role is not None else ("", ())
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT role, qid, kind, question, source, COUNT(*), COUNT(*) - SUM(correct) FROM answers {where} "
                "GROUP BY role, qid HAVING COUNT(*) > SUM(correct) "
                "ORDER BY COUNT(*) - SUM(correct) DESC, COUNT(*) DESC, qid LIMIT ?", (*args, limit)).fetchall()
        return [Missed(r, qid, kind, question, json.loads(source), asked, missed)
                for r, qid, kind, question, source, asked, missed in rows]
