"""A save re-does only what changed: vectors in the live build's collection, BM25 terms, file hashes.

Each test compares the incremental result with what a full `--rebuild` of the same corpus gives,
so reuse can never change what a reader finds.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from apps.bench.soak import orphans
from ingest.collection import VECTORS_FILE, read_vector_list
from ingest.pipeline import run_ingest
from kb.buildfiles import DOCS_FILE
from kb.knowledge import KnowledgeBase, load_build
from kb.lexical import load_terms
from kb.lexicon import LEXICON_FILE, Lexicon
from kb.retrieve import HybridRetriever
from kb.tokenize import Tokenizer

NIGHT = """---
title: 夜班值守规范
---
# 夜班值守员岗位职责
1、每两小时巡检一次机房温湿度并登记。
2、重大故障须在十五分钟内通知值班长。
"""
NEW_ITEM = "3、交班前清点备用钥匙并签字确认。\n"
QUERIES = ["交班前要清点什么", "机房温湿度多久巡检一次", "话务员排队超过多少人要上报", "重大故障通知谁"]


def _corpus(seed_copy: Path) -> Path:
    (seed_copy / "night.md").write_text(NIGHT, encoding="utf-8")
    return seed_copy


def _rankings(settings, mode: str) -> dict[str, list[str]]:
    retriever = HybridRetriever(KnowledgeBase(settings))
    return {q: [h.chunk.chunk_id for h in retriever.search(q, k=8, mode=mode)] for q in QUERIES}


def _save(corpus: Path, extra: str) -> None:
    path = corpus / "night.md"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")


def test_a_one_entry_save_adds_only_its_changed_vectors_to_the_live_collection(make_settings, seed_copy, tmp_path):
    corpus = _corpus(seed_copy)
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    before = KnowledgeBase(settings)
    collection, count = before.build.manifest.collection, before.store.count(before.build.manifest.collection)
    old_ids = {c.vector_key for c in before.build.chunks}
    _save(corpus, NEW_ITEM)
    run_ingest(settings, show_progress=False)
    after = KnowledgeBase(settings)
    new_ids = {c.vector_key for c in after.build.chunks}
    assert after.build.manifest.collection == collection  # shared, not rebuilt
    assert 0 < len(new_ids - old_ids) <= 2  # the edited entry's chunk (and nothing else) is new
    assert after.store.count(collection) == count + len(new_ids - old_ids)  # the previous build still reads it
    dense = HybridRetriever(after).search("交班前清点备用钥匙并签字确认", k=5, mode="dense")
    assert any("备用钥匙" in h.chunk.text for h in dense)  # the new vector is found
    fresh = make_settings(corpus, home=tmp_path / "fresh")
    run_ingest(fresh, show_progress=False)
    for mode in ("dense", "bm25", "hybrid"):
        assert _rankings(settings, mode) == _rankings(fresh, mode), mode


def test_vectors_no_kept_build_lists_are_deleted_and_nothing_is_left_over(make_settings, seed_copy):
    corpus = _corpus(seed_copy)
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    for n in range(settings.keep_builds + 2):
        _save(corpus, f"{n + 3}、第{n + 1}次补充的交接事项。\n")
        run_ingest(settings, show_progress=False)
    kb = KnowledgeBase(settings)
    collection = kb.build.manifest.collection
    manifest = kb.build.manifest
    kept = [manifest.build_id, *manifest.previous[:settings.keep_builds]]
    listed = set().union(*(read_vector_list(manifest.build_dir(settings.home).parent / b)[1] for b in kept))
    assert kb.store.ids(collection) == listed
    assert orphans(settings) == []


def test_a_rebuild_or_a_mostly_new_corpus_starts_a_fresh_collection(make_settings, seed_copy):
    corpus = _corpus(seed_copy)
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    first = KnowledgeBase(settings).build.manifest.collection
    run_ingest(settings, rebuild=True, show_progress=False)
    rebuilt = KnowledgeBase(settings).build.manifest
    assert rebuilt.collection != first
    assert json.loads((rebuilt.build_dir(settings.home) / VECTORS_FILE).read_text())["collection"] == rebuilt.collection
    for path in corpus.iterdir():
        if path.name != "night.md":
            path.unlink()  # most chunks gone, the rest new relative to what is left: a fresh collection
    _save(corpus, NEW_ITEM)
    run_ingest(settings, show_progress=False)
    kb = KnowledgeBase(settings)
    assert kb.build.manifest.collection != rebuilt.collection
    assert kb.store.count(kb.build.manifest.collection) == len(kb.build.chunks)


def test_bm25_terms_are_reused_only_from_a_build_split_by_the_same_tokenizer(make_settings, seed_copy, tmp_path):
    corpus = _corpus(seed_copy)
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    build_dir = KnowledgeBase(settings).build.manifest.build_dir(settings.home)
    same = Lexicon().tokenizer(settings.lexical_tokenizer, KnowledgeBase(settings).build.roles)
    assert load_terms(build_dir, same)
    assert load_terms(build_dir, Tokenizer(settings.lexical_tokenizer, ["交班清点"])) == {}
    (corpus / LEXICON_FILE).write_text("words: [备用钥匙, 交班前]\n", encoding="utf-8")  # changes every split
    _save(corpus, NEW_ITEM)
    run_ingest(settings, show_progress=False)
    fresh = make_settings(corpus, home=tmp_path / "fresh")
    run_ingest(fresh, show_progress=False)
    assert _rankings(settings, "bm25") == _rankings(fresh, "bm25")
    ours, theirs = KnowledgeBase(settings).build.lexical, KnowledgeBase(fresh).build.lexical
    for query in QUERIES:
        assert ours.terms(query) == theirs.terms(query)
        assert (ours.scores(query) == theirs.scores(query)).all(), query


def test_an_unchanged_file_is_trusted_by_its_stat_and_a_changed_one_is_read(make_settings, seed_copy):
    corpus = _corpus(seed_copy)
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    docs = json.loads((KnowledgeBase(settings).build.manifest.build_dir(settings.home) / DOCS_FILE).read_text())
    night = corpus / "night.md"
    assert docs["night.md"]["stat"] == [night.stat().st_size, night.stat().st_mtime_ns]
    os.utime(night)  # touched, same bytes: hashed once, found unchanged
    assert run_ingest(settings, show_progress=False).up_to_date
    same_size = NIGHT.replace("十五分钟", "二十分钟")
    assert len(same_size.encode()) == len(NIGHT.encode())
    night.write_text(same_size, encoding="utf-8")
    report = run_ingest(settings, show_progress=False)
    assert not report.up_to_date and report.reprocessed == 1
    assert any("二十分钟" in c.text for c in KnowledgeBase(settings).build.chunks)


def test_the_build_an_ingest_hands_over_is_the_one_its_files_hold(make_settings, seed_copy):
    corpus = _corpus(seed_copy)
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    reader = KnowledgeBase(settings)
    held = reader.build
    _save(corpus, NEW_ITEM)
    report = run_ingest(settings, show_progress=False, live=held)
    assert report.published is not None and reader.refresh(report.published)
    assert reader.build is report.published  # taken as it is, not read back
    assert held.chunks and all(c.vector_id for c in held.chunks)  # the live build it was given is unchanged
    from_disk = load_build(settings.home, reader.build.manifest)
    ours = reader.build
    assert [c.to_dict() for c in ours.chunks] == [c.to_dict() for c in from_disk.chunks]
    assert [r.to_dict() for r in ours.roles] == [r.to_dict() for r in from_disk.roles]
    assert ours.docs == from_disk.docs and ours.role_names == from_disk.role_names
    assert ours.vector_position == from_disk.vector_position
    for query in QUERIES:
        assert (ours.lexical.scores(query) == from_disk.lexical.scores(query)).all(), query
    assert ours.part_vectors is not None and from_disk.part_vectors is not None
    assert all((ours.part_vectors[i] == from_disk.part_vectors[i]).all() for i in range(len(from_disk.part_vectors)))


def test_a_held_build_that_is_no_longer_live_is_not_used(make_settings, seed_copy):
    corpus = _corpus(seed_copy)
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    stale = KnowledgeBase(settings).build
    _save(corpus, NEW_ITEM)
    run_ingest(settings, show_progress=False)  # another writer published meanwhile
    _save(corpus, "4、离岗须锁屏。\n")
    report = run_ingest(settings, show_progress=False, live=stale)
    texts = "\n".join(c.text for c in KnowledgeBase(settings).build.chunks)
    assert "备用钥匙" in texts and "离岗须锁屏" in texts  # built on the live build, not on the stale one
    reader = KnowledgeBase(settings)
    reader.refresh(stale)  # not the live build: read from the files instead
    assert reader.build.manifest.build_id == report.build_id
