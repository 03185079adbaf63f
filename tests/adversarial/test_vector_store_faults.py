"""Every failure of the vector store on the read path leaves kb.chroma_store as a dutykb error.

Real Chroma over real damage: a deleted, garbled or truncated chroma.sqlite3, a full disk (a real
tmpfs), a collection dropped by two publishes. BM25 keeps working in each case, so the retrieval
pipeline can answer from it.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import fill_disk

from ingest.pipeline import run_ingest
from kb.chroma_store import CHROMA_DB_FILE, CHROMA_DIRNAME, SEGMENT_DIR
from kb.knowledge import KnowledgeBase
from kb.retrieve import HybridRetriever
from kb.settings import Settings
from kb.vectorstore import CollectionMissing, VectorStoreDamaged, VectorStoreUnavailable

REPO = Path(__file__).resolve().parents[2]
QUESTION = "值班长的职责"
PUBLISHES = 6


def copy_home(seed_settings: Settings, target: Path) -> Settings:
    shutil.copytree(seed_settings.home, target)
    return seed_settings.with_overrides(home=target)


def damage(home: Path, how: str) -> None:
    db = home / CHROMA_DIRNAME / CHROMA_DB_FILE
    if how == "deleted":
        db.unlink()
    elif how == "garbled":
        db.write_bytes(b"not a database " * 4096)
    elif how == "truncated":
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize("how", ["deleted", "garbled", "truncated"])
def test_a_damaged_store_is_reported_and_bm25_still_answers(seed_settings, tmp_path, how):
    settings = copy_home(seed_settings, tmp_path / "home")
    damage(settings.home, how)
    retriever = HybridRetriever(KnowledgeBase(settings))
    with pytest.raises(VectorStoreUnavailable) as caught:
        retriever.search(QUESTION, mode="dense")
    message = str(caught.value)
    assert str(settings.home / CHROMA_DIRNAME) in message
    if how == "deleted":  # Chroma opens an empty store in its place: the build's collection is not in it
        assert isinstance(caught.value, CollectionMissing)
    else:
        assert isinstance(caught.value, VectorStoreDamaged) and "dutykb ingest" in message
    assert retriever.search(QUESTION, mode="bm25")


def test_a_store_garbled_under_an_open_reader_is_reported(seed_settings, tmp_path):
    settings = copy_home(seed_settings, tmp_path / "home")
    retriever = HybridRetriever(KnowledgeBase(settings))
    assert retriever.search(QUESTION, mode="dense")
    damage(settings.home, "garbled")
    retriever.kb.clear_query_cache()
    try:
        hits = retriever.search("交接班要提前多久到", mode="dense")
    except VectorStoreUnavailable:
        return  # reported as a dutykb error: what this test asks
    assert hits  # or still served from what the reader had loaded: also no traceback


def test_readers_on_a_full_disk_get_a_clear_error_not_a_traceback(seed_settings, tmpfs_disk):
    settings = copy_home(seed_settings, tmpfs_disk / "home")
    fill_disk(tmpfs_disk)
    retriever = HybridRetriever(KnowledgeBase(settings))
    with pytest.raises(VectorStoreUnavailable, match="disk is full"):
        retriever.search(QUESTION, mode="dense")
    assert retriever.search(QUESTION, mode="bm25")
    for command in (["search", QUESTION], ["ask", "交接班要提前多久到"]):
        done = subprocess.run([sys.executable, "-m", "apps.cli.main", *command, "--home", str(settings.home)],
                              cwd=REPO, capture_output=True, text=True)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode in (0, 1), done.stderr
        assert done.stdout.strip() or "disk is full" in done.stderr


def test_a_reader_that_slept_through_two_publishes_reopens_and_answers(make_settings, seed_copy):
    settings = make_settings(seed_copy)
    run_ingest(settings, show_progress=False)
    kb = KnowledgeBase(settings)
    retriever = HybridRetriever(kb)
    first = kb.build.manifest.build_id
    assert retriever.search(QUESTION)
    for _ in range(2):
        run_ingest(settings, rebuild=True, show_progress=False)
    kb.clear_query_cache()
    hits = retriever.search(QUESTION)  # its collection was dropped by the second publish
    assert hits and kb.build.manifest.build_id != first
    assert all(h.chunk.chunk_id in kb.build.position for h in hits)


def test_publishes_leave_no_orphan_segment_directories(make_settings, seed_copy):
    settings = make_settings(seed_copy)
    for _ in range(PUBLISHES):
        run_ingest(settings, rebuild=True, show_progress=False)
    store = KnowledgeBase(settings).store
    segment_dirs = [p for p in (settings.home / CHROMA_DIRNAME).iterdir() if p.is_dir() and SEGMENT_DIR.match(p.name)]
    collections = store.names()
    assert len(collections) == settings.keep_builds + 1
    assert len(segment_dirs) <= len(collections), sorted(p.name for p in segment_dirs)


def test_the_vector_store_holds_vectors_and_filters_not_chunk_text(seed_kb):
    collection = seed_kb.store.client.get_collection(seed_kb.build.manifest.collection, embedding_function=None)
    stored = collection.get(include=["documents", "metadatas"])
    assert len(stored["ids"]) == len(seed_kb.build.chunks)
    assert not any(stored["documents"] or [])
