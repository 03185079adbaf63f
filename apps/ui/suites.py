"""Which suite files the app lists, and how it names the cases that trainers and editors curate.

The folder is the `suites_dir` setting (default ./evals/suites; tests point it at a temporary
directory so they never touch the shipped files).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from kb.normalize import normalize

SUITE_PATTERN = "*.yaml"
CURATED_SUITE = "curated.yaml"  # cases marked in the hit test
FEEDBACK_SUITE = "feedback.yaml"  # cases approved from the thumbs-down inbox
HIT_TAG, FEEDBACK_TAG = "命中测试", "用户反馈"
CASE_ID_DIGITS = 10


def suite_paths(folder: Path) -> list[Path]:
    return sorted(folder.glob(SUITE_PATTERN))


def hit_case_id(question: str, chunk_id: str) -> str:
    """Stable per (question, chunk), so marking the same answer twice is refused as a duplicate."""
    digest = hashlib.sha1(f"{normalize(question)}\n{chunk_id}".encode()).hexdigest()[:CASE_ID_DIGITS]
    return f"hit-{digest}"


def feedback_case_id(feedback_id: int) -> str:
    return f"feedback-{feedback_id}"
