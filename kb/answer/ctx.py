"""What every stage of the answer path reads and none changes: the knowledge base and its per-build helpers.

A leaf of the answer path (kb.answer): it imports no stage.
"""
from __future__ import annotations

from dataclasses import dataclass

from kb.answer.levelmodel import LevelModel
from kb.answer.terms import Scorer
from kb.knowledge import KnowledgeBase
from kb.retrieve import HybridRetriever


@dataclass(frozen=True)
class Ctx:
    kb: KnowledgeBase
    retriever: HybridRetriever
    scorer: Scorer
    # the level decider, in place of the settings' `level_method` and the shipped model (evals/fit_levels.py
    # replays the level stage with models it fits)
    level_method: str | None = None
    level_model: LevelModel | None = None

    def roles_in(self, match: str) -> list[str]:
        """Role names and aliases (match form) occurring in a match text."""
        return list(self.kb.build.role_forms_in(match))
