"""Shared fixtures: offline model hubs, a shared embedding cache, the shipped corpus indexed once."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SEED_NAME = "000_916eb7e6a919f6ca.txt"
SEED_SUITE = REPO / "evals" / "suites" / "seed.yaml"


@pytest.fixture(scope="session")
def embedding_cache(tmp_path_factory) -> Path:
    """One embedding cache for the whole run: the same texts are embedded once."""
    return tmp_path_factory.mktemp("cache") / "embeddings.sqlite"


@pytest.fixture
def make_settings(tmp_path, embedding_cache):
    from kb.settings import Settings

    def make(corpus: Path | None = None, **overrides):
        values = {"home": tmp_path / "home", "corpus": corpus or CORPUS, "embedding_cache": embedding_cache}
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory, embedding_cache):
    """Settings whose home holds an index of the shipped corpus (built once per run)."""
    from ingest.pipeline import run_ingest
    from kb.settings import Settings

    settings = Settings(home=tmp_path_factory.mktemp("seedhome"), corpus=CORPUS, embedding_cache=embedding_cache)
    run_ingest(settings, show_progress=False)
    return settings


@pytest.fixture(scope="session")
def seed_kb(seed_settings):
    from kb.knowledge import KnowledgeBase

    return KnowledgeBase(seed_settings)


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """A writable corpus directory holding a copy of the shipped seed document."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / SEED_NAME, corpus / SEED_NAME)
    return corpus
