import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

from ingest.pipeline import IngestBusy, run_ingest
from kb.chroma_store import ChromaStore
from kb.knowledge import KnowledgeBase
from kb.manifest import ManifestError, read_manifest
from kb.retrieve import HybridRetriever

KILLED_LINES = 400  # enough new text that embedding it outlasts the wait before the kill
EXTRA_DOC = """---
title: 夜班值守规范
department: 客服中心
roles: [夜班值守员]
---
# 夜班值守员岗位职责
1、每两小时巡检一次机房温湿度并登记。
2、夜间接到重大故障申告须在十五分钟内电话通知值班长。
3、交班前整理夜班日志并当面交接。
"""


def _corpus_with_extra(seed_copy: Path) -> Path:
    (seed_copy / "night.md").write_text(EXTRA_DOC, encoding="utf-8")
    return seed_copy


def test_ingest_reports_and_reingest_with_no_change_embeds_nothing(make_settings, seed_copy):
    settings = make_settings(_corpus_with_extra(seed_copy))
    first = run_ingest(settings, show_progress=False)
    assert first.documents == 2 and first.chunks > 50 and first.roles == 17
    assert first.embedded + first.reused == first.texts  # distinct texts: each embedded once or cached
    assert first.texts > first.chunks  # parts and section labels, shared texts counted once
    again = run_ingest(settings, show_progress=False)
    assert again.up_to_date and again.embedded == 0 and again.build_id == first.build_id
    rebuilt = run_ingest(settings, rebuild=True, show_progress=False)
    assert rebuilt.build_id != first.build_id and rebuilt.embedded == 0 and rebuilt.reused == first.texts


@pytest.mark.parametrize("mode,fresh", [("embed", 2), ("mean", 1)])
def test_changed_file_reembeds_only_its_chunks(make_settings, seed_copy, tmp_path, mode, fresh):
    settings = make_settings(_corpus_with_extra(seed_copy), embedding_cache=tmp_path / "own-cache.sqlite",
                             chunk_vector=mode)
    first = run_ingest(settings, show_progress=False)
    assert first.embedded == first.texts and first.embedded_chars > 0 and first.embed_seconds > 0
    (seed_copy / "night.md").write_text(EXTRA_DOC.replace("十五分钟", "十分钟"), encoding="utf-8")
    second = run_ingest(settings, show_progress=False)
    # the changed item's text, and (mode embed) the text of the chunk holding it; 'mean' derives the chunk's vector
    assert second.embedded == fresh
    assert second.reused == second.texts - fresh
    hits = HybridRetriever(KnowledgeBase(settings)).search("夜里有重大故障多久内要通知值班长", k=1)
    assert "十分钟内电话通知值班长" in hits[0].chunk.text


def test_removed_file_leaves_the_index(make_settings, seed_copy):
    settings = make_settings(_corpus_with_extra(seed_copy))
    run_ingest(settings, show_progress=False)
    (seed_copy / "night.md").unlink()
    report = run_ingest(settings, show_progress=False)
    kb = KnowledgeBase(settings)
    assert report.documents == 1
    assert all(c.doc_id != "night.md" for c in kb.build.chunks)
    assert "夜班值守员" not in {r.name for r in kb.roles_for()}


def test_bad_files_are_reported_and_the_rest_ingests(make_settings, seed_copy):
    (seed_copy / "broken.md").write_text("---\ntitle: [oops\n---\n正文", encoding="utf-8")
    (seed_copy / "blob.txt").write_bytes(b"\x00\xff\x00" * 100)
    (seed_copy / "empty.txt").write_bytes(b"")
    report = run_ingest(make_settings(seed_copy), show_progress=False)
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert set(reasons) == {"broken.md", "blob.txt", "empty.txt"}
    assert "front matter" in reasons["broken.md"]
    assert report.documents == 1 and report.roles == 16
    assert "skipped" in report.summary() and "broken.md" in report.summary()


def test_a_file_that_turns_bad_keeps_its_indexed_version(make_settings, seed_copy):
    settings = make_settings(_corpus_with_extra(seed_copy))
    run_ingest(settings, show_progress=False)
    (seed_copy / "night.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    report = run_ingest(settings, show_progress=False)
    assert report.skipped and report.skipped[0].kept_previous
    kb = KnowledgeBase(settings)
    assert any(c.doc_id == "night.md" for c in kb.build.chunks)
    assert "夜班值守员" in {r.name for r in kb.roles_for()}


def test_strict_exit_code(seed_copy, tmp_path, embedding_cache):
    (seed_copy / "broken.md").write_text("---\nstatus: maybe\n---\n正文", encoding="utf-8")
    env = {**os.environ, "DUTYKB_EMBEDDING_CACHE": str(embedding_cache)}
    cmd = [sys.executable, "-m", "apps.cli.main", "ingest", str(seed_copy), "--home", str(tmp_path / "h"), "-q"]
    relaxed = subprocess.run(cmd, capture_output=True, text=True, env=env)
    strict = subprocess.run(cmd + ["--strict"], capture_output=True, text=True, env=env)
    assert relaxed.returncode == 0 and "broken.md" in relaxed.stdout
    assert strict.returncode == 3 and "--strict" in strict.stderr


def test_retired_documents_are_left_out(make_settings, seed_copy):
    retired = EXTRA_DOC.replace("roles: [夜班值守员]", "roles: [夜班值守员]\nstatus: retired")
    (seed_copy / "night.md").write_text(retired, encoding="utf-8")
    report = run_ingest(make_settings(seed_copy), show_progress=False)
    assert report.retired == 1 and report.documents == 1


def test_second_ingest_is_refused_while_one_holds_the_lock(make_settings, seed_copy):
    settings = make_settings(seed_copy)
    settings.home.mkdir(parents=True)
    with FileLock(str(settings.home / "ingest.lock")):
        with pytest.raises(IngestBusy, match="another dutykb ingest is running"):
            run_ingest(settings, show_progress=False)


def test_killed_ingest_leaves_previous_index_serving(make_settings, seed_copy, tmp_path):
    settings = make_settings(seed_copy)
    run_ingest(settings, show_progress=False)
    live = read_manifest(settings.home)
    # many new lines and nothing cached: the child spends seconds embedding before it could publish
    many = "\n".join(f"{n}、第{n}号库房每日{n % 24}时由值班员巡查并登记温湿度。" for n in range(1, KILLED_LINES + 1))
    (seed_copy / "night.md").write_text(EXTRA_DOC + "\n" + many + "\n", encoding="utf-8")
    fresh_cache = tmp_path / "fresh-cache.sqlite"
    env = {**os.environ, "DUTYKB_HOME": str(settings.home), "DUTYKB_CORPUS": str(seed_copy),
           "DUTYKB_EMBEDDING_CACHE": str(fresh_cache)}
    child = subprocess.Popen([sys.executable, "-m", "apps.cli.main", "ingest", "-q"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not fresh_cache.exists() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    time.sleep(0.5)
    assert child.poll() is None, "ingest finished before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    assert read_manifest(settings.home) == live
    hits = HybridRetriever(KnowledgeBase(settings)).search("值班长的职责", k=1)
    assert hits and hits[0].chunk.role == "值班長"

    # leave what a crash between writing a build and publishing it would leave, then recover
    orphan = settings.home / "builds" / "20990101T000000-dead00"
    orphan.mkdir(parents=True)
    ChromaStore(settings.home).create("dutykb-20990101t000000-dead00")
    report = run_ingest(settings, show_progress=False)
    assert report.build_id != live.build_id and report.documents == 2
    assert not orphan.exists()
    assert "dutykb-20990101t000000-dead00" not in ChromaStore(settings.home).names()


def test_corrupt_manifest_gives_a_recovery_command(make_settings, seed_copy):
    settings = make_settings(seed_copy)
    run_ingest(settings, show_progress=False)
    (settings.home / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ManifestError, match="dutykb ingest --rebuild"):
        _ = KnowledgeBase(settings).build
    with pytest.raises(ManifestError):
        run_ingest(settings, show_progress=False)
    report = run_ingest(settings, rebuild=True, show_progress=False)
    assert report.chunks > 0 and KnowledgeBase(settings).build.chunks


def test_missing_bm25_files_are_reported(make_settings, seed_copy):
    settings = make_settings(seed_copy)
    run_ingest(settings, show_progress=False)
    manifest = read_manifest(settings.home)
    for path in (manifest.build_dir(settings.home) / "bm25").iterdir():
        path.unlink()
    with pytest.raises(ManifestError, match="damaged"):
        _ = KnowledgeBase(settings).build


def test_reader_picks_up_a_new_build(make_settings, seed_copy):
    settings = make_settings(seed_copy)
    run_ingest(settings, show_progress=False)
    kb = KnowledgeBase(settings)
    assert not any(c.doc_id == "night.md" for c in kb.build.chunks)
    (seed_copy / "night.md").write_text(EXTRA_DOC, encoding="utf-8")
    run_ingest(settings, show_progress=False)
    assert kb.refresh() is True
    hits = HybridRetriever(kb).search("夜班多久巡检一次机房", k=3)
    assert any(h.chunk.doc_id == "night.md" for h in hits)
    assert json.loads((settings.home / "manifest.json").read_text())["chunks"] == len(kb.build.chunks)


def test_summary_lists_each_documents_roles_with_roleless_documents_first(make_settings, seed_copy):
    (seed_copy / "night.md").write_text(EXTRA_DOC, encoding="utf-8")
    (seed_copy / "notice.md").write_text("# 关于元旦放假的通知\n\n元旦放假一天，请各部门提前安排。\n", encoding="utf-8")
    settings = make_settings(seed_copy)
    report = run_ingest(settings, show_progress=False)
    assert report.first_build and "all read and parsed" in report.summary()
    by_doc = {f.doc_id: f for f in report.findings}
    assert report.findings[0].doc_id == "notice.md" and by_doc["notice.md"].needs_review
    assert [(r.name, r.duties) for r in by_doc["night.md"].roles] == [("夜班值守员", 3)]
    lines = report.summary().splitlines()
    assert "documents (1 to review):" in lines
    assert lines[lines.index("documents (1 to review):") + 1] == "  notice.md: no role found: review it"
    assert "  night.md: 1 role (夜班值守员 3)" in lines
    (seed_copy / "notice.md").write_text("# 关于元旦放假的通知\n\n元旦放假两天。\n", encoding="utf-8")
    again = run_ingest(settings, show_progress=False)
    assert not again.first_build and "1 read and parsed, the rest reused" in again.summary()
    assert [f.doc_id for f in again.findings] == [f.doc_id for f in report.findings]


def test_ingest_json_prints_findings_per_document(seed_copy, tmp_path, embedding_cache):
    (seed_copy / "night.md").write_text(EXTRA_DOC, encoding="utf-8")
    env = {**os.environ, "DUTYKB_HOME": str(tmp_path / "home"), "DUTYKB_EMBEDDING_CACHE": str(embedding_cache)}
    out = subprocess.run([sys.executable, "-m", "apps.cli.main", "ingest", str(seed_copy), "--json"],
                         capture_output=True, text=True, env=env, check=True).stdout
    data = json.loads(out)
    assert data["documents"] == 2 and data["first_build"] is True and not data["skipped"]
    night = next(f for f in data["findings"] if f["doc_id"] == "night.md")
    assert night == {"doc_id": "night.md", "title": "夜班值守规范", "needs_review": False,
                     "roles": [{"name": "夜班值守员", "duties": 3}]}
