"""Indexes of the corpora that suites name (`corpus:`): built with ingest, kept under the home, reused.

Each corpus gets its own home under `<home>/evals/corpora/`, sharing the main embedding cache,
so a re-run re-embeds nothing and an unchanged corpus is not rebuilt at all.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ingest.pipeline import IngestReport, run_ingest
from kb.embed import Embedder
from kb.knowledge import KnowledgeBase
from kb.settings import Settings

CORPORA_DIRNAME = Path("evals") / "corpora"
HOME_DIGEST_CHARS = 10
INGEST_WAIT_S = 600.0  # another evaluation may be indexing the same corpus: wait for it


def corpus_settings(settings: Settings, corpus: Path) -> Settings:
    resolved = corpus.resolve()
    digest = hashlib.sha1(str(resolved).encode()).hexdigest()[:HOME_DIGEST_CHARS]
    name = resolved.parent.name if resolved.name == "docs" else resolved.name
    return settings.with_overrides(home=settings.home / CORPORA_DIRNAME / f"{name}-{digest}", corpus=resolved,
                                   embedding_cache=settings.embedding_cache_path)


def corpus_kb(settings: Settings, corpus: Path, embedder: Embedder | None = None,
              show: bool = False) -> tuple[KnowledgeBase, IngestReport]:
    """A knowledge base of `corpus`, brought up to date first (incremental; waits for another ingest of it)."""
    own = corpus_settings(settings, corpus).with_overrides(lock_wait=INGEST_WAIT_S)
    report = run_ingest(own, show_progress=show)
    return KnowledgeBase(own, embedder), report
