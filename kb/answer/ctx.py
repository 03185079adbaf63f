"""What every stage of the answer path reads and none changes: the knowledge base and its per-build helpers.

A leaf of the answer path (kb.answer): it imports no stage.
"""
from __future__ import annotations

from dataclasses import dataclass

from kb.answer.terms import Scorer
from kb.knowledge import KnowledgeBase
from kb.retrieve import HybridRetriever


@dataclass(frozen=True)
class Ctx:
    kb: KnowledgeBase
    retriever: HybridRetriever
    scorer: Scorer

    def roles_in(self, match: str) -> list[str]:
        """Role names and aliases (match form) occurring in a match text."""
        return list(self.kb.build.role_forms_in(match))
