"""How hit-test rows are labelled and highlighted, shared by the hit-test, roles and evaluation pages."""
from __future__ import annotations

from kb.hittest import DEPTH, HitRow

MODE_LABELS = {"hybrid": "混合", "bm25": "BM25", "dense": "向量"}
SCORE_FORMAT = "{:.3f}"


def rank_cell(row: HitRow, mode: str) -> str:
    rank = row.ranks[mode]
    if rank is None:
        return f"前{DEPTH}外"
    return f"{rank}（{SCORE_FORMAT.format(row.scores[mode])}）"
