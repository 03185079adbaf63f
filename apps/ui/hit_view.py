"""How hit-test rows are labelled and highlighted, shared by the hit-test, roles and evaluation pages."""
from __future__ import annotations

from kb.hittest import DEPTH, HitRow

MODE_LABELS = {"hybrid": "混合", "bm25": "BM25", "dense": "向量"}
SCORE_FORMAT = "{:.3f}"
RANGE_DASH = "–"


def rank_cell(row: HitRow, mode: str) -> str:
    rank = row.ranks[mode]
    if rank is None:
        return f"前{DEPTH}外"
    return f"{rank}（{SCORE_FORMAT.format(row.scores[mode])}）"


def items_text(items: list[int]) -> str:
    """Item numbers, runs of consecutive ones as ranges: [1, 2, 3, 4, 7] → 1–4、7 (short enough for a table cell)."""
    runs: list[list[int]] = []
    for n in items:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "、".join(str(r[0]) if len(r) == 1 else f"{r[0]}{RANGE_DASH}{r[-1]}" for r in runs)
