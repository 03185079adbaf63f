"""A damaged or full home: clear errors for readers and ingest, and `dutykb ingest` repairs what is damaged.

Real damage to real files (truncated, garbled, deleted), a real tmpfs that fills up, the real CLI
in a subprocess where a traceback would show.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import fill_disk

from ingest.pipeline import run_ingest
from kb.buildfiles import CHUNKS_FILE, PART_VECTORS_FILE
from kb.chroma_store import CHROMA_DB_FILE, CHROMA_DIRNAME
from kb.diskfull import DiskFullError
from kb.knowledge import KnowledgeBase
from kb.manifest import ManifestError, read_manifest
from kb.retrieve import HybridRetriever

REPO = Path(__file__).resolve().parents[2]
SMALL_ENTRY = ("---\ntitle: 夜班值守规范\nroles: [夜班值守员]\n---\n# 夜班值守员岗位职责\n"
               "1、每两小时巡检一次机房温湿度并登记。\n2、重大故障须在十五分钟内通知值班长。\n")
FREE_MARGINS = [0, 96 * 1024, 1024 * 1024]


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "apps.cli.main", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **env})


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def live_dir(settings) -> Path:
    manifest = read_manifest(settings.home)
    assert manifest is not None
    return manifest.build_dir(settings.home)


@pytest.fixture
def built(make_settings, seed_copy):
    settings = make_settings(seed_copy)
    run_ingest(settings, show_progress=False)
    return settings


@pytest.mark.parametrize("name", [PART_VECTORS_FILE, CHUNKS_FILE])
def test_a_damaged_build_file_is_a_clear_reader_error_and_ingest_rebuilds_it(built, name):
    damaged = read_manifest(built.home)
    truncate(live_dir(built) / name)
    done = cli("ask", "交接班要提前多久到", "--home", str(built.home))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "is damaged" in done.stderr and "dutykb ingest" in done.stderr
    report = run_ingest(built, show_progress=False)  # the corpus did not change: only the check notices
    assert not report.up_to_date and report.build_id != damaged.build_id
    assert any(name in w for w in report.warnings)
    assert HybridRetriever(KnowledgeBase(built)).search("交接班要提前多久到")
    assert run_ingest(built, show_progress=False).up_to_date  # repaired: the next check passes


def test_ingest_notices_a_build_file_damaged_in_a_way_readers_may_not(built):
    path = live_dir(built) / "roles.json"
    path.write_text(path.read_text(encoding="utf-8").replace("值班長", "值班员"), encoding="utf-8")
    report = run_ingest(built, show_progress=False)
    assert "roles.json is damaged" in " ".join(report.warnings) and not report.up_to_date


@pytest.mark.parametrize("how", ["garbled", "deleted"])
def test_a_damaged_chroma_store_is_recreated_by_a_plain_ingest(built, how):
    db = built.home / CHROMA_DIRNAME / CHROMA_DB_FILE
    if how == "garbled":
        db.write_bytes(b"garbage " * 2048)
    else:
        db.unlink()
    report = run_ingest(built, show_progress=False)
    assert report.warnings and not report.up_to_date
    hits = HybridRetriever(KnowledgeBase(built)).search("交接班要提前多久到", mode="dense")
    assert hits


def test_rebuild_recreates_a_corrupt_store_and_a_corrupt_embedding_cache_with_warnings(make_settings, tmp_path):
    corpus = tmp_path / "small"
    corpus.mkdir()
    (corpus / "night.md").write_text(SMALL_ENTRY, encoding="utf-8")
    settings = make_settings(corpus, embedding_cache=tmp_path / "own-cache" / "embeddings.sqlite")
    run_ingest(settings, show_progress=False)
    (settings.home / CHROMA_DIRNAME / CHROMA_DB_FILE).write_bytes(b"garbage " * 2048)
    cache = settings.embedding_cache_path
    for side in cache.parent.glob(cache.name + "-*"):
        side.unlink()
    cache.write_bytes(b"not a database " * 512)
    done = cli("ingest", "--rebuild", "-q", str(corpus), "--home", str(settings.home),
               DUTYKB_EMBEDDING_CACHE=str(cache))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "warning: the embedding cache" in out and "is damaged" in out
    assert "warning: the vector store" in out and "was damaged" in out
    assert list(cache.parent.glob(cache.name + ".corrupt-*"))
    assert HybridRetriever(KnowledgeBase(settings)).search("巡检机房", mode="dense")


@pytest.mark.parametrize("margin", FREE_MARGINS)
def test_ingest_on_a_full_disk_fails_clearly_and_the_live_build_keeps_serving(make_settings, seed_copy, tmpfs_disk,
                                                                              margin):
    settings = make_settings(seed_copy, home=tmpfs_disk / "home")
    run_ingest(settings, show_progress=False)
    live = read_manifest(settings.home)
    (seed_copy / "night.md").write_text(SMALL_ENTRY, encoding="utf-8")
    filler = fill_disk(tmpfs_disk, margin)
    done = cli("ingest", "-q", str(seed_copy), "--home", str(settings.home),
               DUTYKB_EMBEDDING_CACHE=str(settings.embedding_cache_path))
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "disk" in done.stderr and "full" in done.stderr
    with pytest.raises(DiskFullError):
        run_ingest(settings, show_progress=False)
    assert read_manifest(settings.home) == live
    builds = {p.name for p in (settings.home / "builds").iterdir()}
    assert builds <= {live.build_id, *live.previous}, builds
    bm25 = HybridRetriever(KnowledgeBase(settings)).search("交接班要提前多久到", mode="bm25")
    assert bm25 and all(h.chunk.doc_id != "night.md" for h in bm25)
    filler.unlink()
    report = run_ingest(settings, show_progress=False)
    assert report.build_id != live.build_id
    kb = KnowledgeBase(settings)
    assert any(c.doc_id == "night.md" for c in kb.build.chunks)
    assert HybridRetriever(kb).search("巡检机房温湿度", mode="dense")


def test_a_corrupt_manifest_is_a_clear_error_and_rebuild_recovers(built):
    (built.home / "manifest.json").write_text("{not json", encoding="utf-8")
    done = cli("search", "值班长", "--home", str(built.home))
    assert done.returncode == 1 and "Traceback" not in done.stderr and "--rebuild" in done.stderr
    with pytest.raises(ManifestError):
        run_ingest(built, show_progress=False)
    run_ingest(built, rebuild=True, show_progress=False)
    assert json.loads((built.home / "manifest.json").read_text(encoding="utf-8"))["checksums"]
    assert shutil.disk_usage(built.home).free > 0
