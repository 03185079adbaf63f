"""Where the app finds evaluation suites and files the cases that trainers and editors curate.

The suites ship beside app.py in evals/suites; `DUTYKB_SUITES_DIR` points the app
elsewhere (tests use a temporary directory so they never touch the shipped files).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from kb.normalize import normalize
from kb.records import Chunk
from apps.ui.pages import UI_DIR

SUITES_ENV = "DUTYKB_SUITES_DIR"
DEFAULT_SUITES_DIR = UI_DIR.parent.parent / "evals" / "suites"
SUITE_PATTERN = "*.yaml"
CURATED_SUITE = "curated.yaml"  # cases marked in the hit test
FEEDBACK_SUITE = "feedback.yaml"  # cases approved from the thumbs-down inbox
HIT_TAG, FEEDBACK_TAG = "hit-test", "feedback"
CASE_ID_DIGITS = 10


def suites_dir() -> Path:
    return Path(os.environ.get(SUITES_ENV) or DEFAULT_SUITES_DIR)


def suite_paths() -> list[Path]:
    return sorted(suites_dir().glob(SUITE_PATTERN))


def hit_case_id(question: str, chunk_id: str) -> str:
    """Stable per (question, chunk), so marking the same answer twice is refused as a duplicate."""
    digest = hashlib.sha1(f"{normalize(question)}\n{chunk_id}".encode()).hexdigest()[:CASE_ID_DIGITS]
    return f"hit-{digest}"


def feedback_case_id(feedback_id: int) -> str:
    return f"feedback-{feedback_id}"


def found_in_corpus(phrase: str, chunks: list[Chunk]) -> bool:
    """Whether any live chunk holds the phrase: a case whose evidence is nowhere can never pass."""
    form = normalize(phrase)
    return any(form in chunk.match_text for chunk in chunks)
