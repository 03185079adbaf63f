"""Chat state kept in `st.session_state`: the turns so far and a question waiting to be asked.

Buttons (starter questions, suggestions) do not answer in their own run: their
callbacks queue the question, and the next run answers it exactly as if it had
been typed, so there is one path from question to answer.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import streamlit as st

from apps.ui import auth
from kb.dialogue import Conversation
from kb.feedback import DOWN, UP, FeedbackStore
from kb.query import Query
from kb.records import Answer

HISTORY_KEY = "chat_history"
PENDING_KEY = "chat_pending"
THUMBS = {0: DOWN, 1: UP}  # st.feedback("thumbs") values


@dataclass
class Turn:
    question: str
    role: str | None
    answer: Answer
    notice: str | None = None  # e.g. the LLM failed and the extractive answer stands in
    query: Query | None = None  # the question as understood (follow-ups are resolved against earlier turns)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    feedback_id: int | None = None

    @property
    def feedback_key(self) -> str:
        return f"feedback-{self.id}"


def history() -> list[Turn]:
    return st.session_state.setdefault(HISTORY_KEY, [])


def context(turns: list[Turn]) -> Conversation:
    """The conversation so far, for understanding the next question."""
    return Conversation([t.query for t in turns if t.query is not None],
                        previous_answer=turns[-1].answer if turns else None)


def ask(question: str) -> None:
    """Button callback: answer `question` on the next run."""
    st.session_state[PENDING_KEY] = question


def take_pending() -> str | None:
    return st.session_state.pop(PENDING_KEY, None)


def clear() -> None:
    """Button callback for 新对话."""
    st.session_state[HISTORY_KEY] = []
    st.session_state.pop(PENDING_KEY, None)


def record_feedback(turn: Turn, store: FeedbackStore) -> None:
    """Feedback callback: one row per answer, updated or removed when the user changes the thumbs."""
    value = st.session_state.get(turn.feedback_key)
    if value is None:
        if turn.feedback_id is not None:
            store.remove(turn.feedback_id)
            turn.feedback_id = None
    elif turn.feedback_id is None:
        turn.feedback_id = store.add(turn.answer, THUMBS[value], turn.role, auth.current().audience)
    else:
        store.set_rating(turn.feedback_id, THUMBS[value])
