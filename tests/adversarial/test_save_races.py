"""Two saves from the same base, a save killed half-way, a save during an ingest: no lost or unrecorded edit.

Real threads, real processes (multiprocessing and the `dutykb` CLI) and a real SIGKILL.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from ingest.curation import CorpusStore, StaleEditError
from kb.frontmatter import EntryMeta

REPO = Path(__file__).resolve().parents[2]
META = EntryMeta(title="夜班值守规范", roles=["夜班值守员"])
BODY = "# 夜班值守员岗位职责\n1、每两小时巡检一次机房温湿度并登记。\n"
THREAD_PAIRS = 50
PROCESS_PAIRS = 20
CLI_PAIRS = 4


def _versions_are_a_sequence(store: CorpusStore, doc_id: str) -> list[int]:
    versions = [r.version for r in store.history(doc_id)]
    assert versions == list(range(1, len(versions) + 1)), versions
    return versions


def _audit_matches_files(store: CorpusStore, doc_id: str) -> None:
    """Every version in the audit is on disk with the recorded sha, and the last one is the live file."""
    from ingest.audit import sha_of

    records = store.history(doc_id)
    for record in records:
        assert sha_of(store.version_text(doc_id, record.version)) == record.sha
    assert store.show(doc_id).sha == records[-1].sha


def _race(store: CorpusStore, base, tag: str, outcome: list, barrier) -> None:
    barrier.wait()
    try:
        store.edit("night.md", base.meta, BODY + f"2、{tag}\n", base.sha, tag, "race")
        outcome.append(tag)
    except StaleEditError:
        pass


def test_two_threads_saving_from_the_same_base_one_wins(tmp_path):
    store = CorpusStore(tmp_path)
    store.add("night.md", META, BODY, "a", "")
    for i in range(THREAD_PAIRS):
        base = store.show("night.md")
        accepted: list[str] = []
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=_race, args=(CorpusStore(tmp_path), base, f"t{i}-{side}", accepted,
                                                          barrier)) for side in "ab"]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(accepted) == 1, f"pair {i}: {accepted} both accepted"
        assert f"2、{accepted[0]}" in store.show("night.md").body
    assert len(_versions_are_a_sequence(store, "night.md")) == THREAD_PAIRS + 1
    _audit_matches_files(store, "night.md")


def _process_side(corpus: str, tag: str, pairs: int, barrier, results) -> None:
    store = CorpusStore(Path(corpus))
    for i in range(pairs):
        base = store.show("night.md")  # both sides read the same base before either writes
        barrier.wait()
        try:
            store.edit("night.md", base.meta, BODY + f"2、{tag}{i}\n", base.sha, tag, "race")
            results.put((i, tag))
        except StaleEditError:
            results.put((i, None))
        barrier.wait()


def test_two_processes_saving_from_the_same_base_one_wins(tmp_path):
    store = CorpusStore(tmp_path)
    store.add("night.md", META, BODY, "a", "")
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_process_side, args=(str(tmp_path), tag, PROCESS_PAIRS, barrier, results))
             for tag in ("p", "q")]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in range(2 * PROCESS_PAIRS)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    by_pair: dict[int, list[str]] = {}
    for i, tag in outcomes:
        by_pair.setdefault(i, []).extend([tag] if tag else [])
    assert all(len(winners) == 1 for winners in by_pair.values()), by_pair
    assert len(_versions_are_a_sequence(store, "night.md")) == PROCESS_PAIRS + 1
    _audit_matches_files(store, "night.md")


def test_two_cli_edits_from_the_same_base_one_wins(tmp_path):
    store = CorpusStore(tmp_path)
    store.add("night.md", META, BODY, "a", "")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    for i in range(CLI_PAIRS):
        base = store.show("night.md").sha
        procs = []
        for side in "ab":
            source = tmp_path.parent / f"edit-{i}-{side}.md"
            source.write_text(f"---\ntitle: 夜班值守规范\n---\n{BODY}2、{side}{i}\n", encoding="utf-8")
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "apps.cli.main", "corpus", "edit", "night.md", "--file", str(source),
                 "--base", base, "--corpus", str(tmp_path), "--no-ingest", "--who", side],
                cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        codes = sorted(p.wait(timeout=120) for p in procs)
        assert codes == [0, 1], [p.stderr.read() for p in procs]
    assert len(_versions_are_a_sequence(store, "night.md")) == CLI_PAIRS + 1
    _audit_matches_files(store, "night.md")


KILL_SCRIPT = """
import os, signal
from pathlib import Path
from ingest import audit
from ingest.curation import CorpusStore
store = CorpusStore(Path({corpus!r}))
entry = store.show("night.md")
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
{patch}
store.edit("night.md", entry.meta, "1、被打断的新版本\\n", entry.sha, "crash", "kill")
"""


def _killed_edit(corpus: Path, patch: str) -> None:
    script = KILL_SCRIPT.format(corpus=str(corpus), patch=textwrap.dedent(patch))
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO)
    assert proc.returncode == -signal.SIGKILL


def test_kill_between_rename_and_audit_append_keeps_the_change_recorded(tmp_path):
    store = CorpusStore(tmp_path)
    first = store.add("night.md", META, BODY, "a", "")
    _killed_edit(tmp_path, "audit.append_audit = die")
    assert "被打断的新版本" in (tmp_path / "night.md").read_text(encoding="utf-8")  # the rename happened
    history = store.history("night.md")
    assert [r.version for r in history] == [1, 2] and history[1].who == "crash"
    assert history[1].previous_sha == first.sha
    _audit_matches_files(store, "night.md")
    again = store.edit("night.md", store.show("night.md").meta, BODY, store.show("night.md").sha, "b", "")
    assert again.meta.version == 3 and [r.version for r in store.history("night.md")] == [1, 2, 3]


def test_kill_after_the_journal_before_the_rename_leaves_no_trace(tmp_path):
    store = CorpusStore(tmp_path)
    first = store.add("night.md", META, BODY, "a", "")
    _killed_edit(tmp_path, """
        real_commit, real_begin = audit.commit, audit.begin
        def begin_then_die(history, record):
            real_begin(history, record)
            die()
        audit.begin = begin_then_die
    """)
    assert store.show("night.md").sha == first.sha
    assert [r.version for r in store.history("night.md")] == [1]
    assert not (tmp_path / ".history" / "night.md" / "v2.md").exists()
    assert store.edit("night.md", first.meta, BODY + "2、新\n", first.sha, "b", "").meta.version == 2
    _audit_matches_files(store, "night.md")


def test_a_lock_held_too_long_is_a_clear_error(tmp_path):
    from filelock import FileLock

    from ingest.curation import EntryError

    store = CorpusStore(tmp_path, lock_wait=0.2)
    first = store.add("night.md", META, BODY, "a", "")
    with FileLock(str(tmp_path / ".history" / ".lock")), pytest.raises(EntryError, match="held the lock"):
        store.edit("night.md", first.meta, BODY + "2、x\n", first.sha, "b", "")
    assert json.loads(json.dumps(store.show("night.md").sha)) == first.sha


HOLD_LOCK = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("held", flush=True)
time.sleep(float(sys.argv[2]))
lock.release()
"""


def _hold_ingest_lock(home: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the ingest lock, as a running ingest does."""
    home.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(home / "ingest.lock"), str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_corpus_edit_during_an_ingest_waits_and_indexes_the_change(make_settings, seed_copy, capsys):
    from apps.cli.main import main
    from ingest.pipeline import run_ingest
    from kb.knowledge import KnowledgeBase

    settings = make_settings(seed_copy)
    run_ingest(settings, show_progress=False)
    store = CorpusStore(seed_copy)
    entry = store.add("night.md", META, BODY, "a", "")
    source = seed_copy.parent / "new.md"
    source.write_text("---\ntitle: 夜班值守规范\nroles: [夜班值守员]\n---\n" + BODY + "2、交班前核对机房门禁记录。\n",
                      encoding="utf-8")
    home = ["--home", str(settings.home), "--corpus", str(seed_copy)]
    holder = _hold_ingest_lock(settings.home, 3.0)
    try:
        code = main(["corpus", "edit", "night.md", "--file", str(source), "--base", entry.sha, "--wait", "120", *home])
    finally:
        holder.wait()
    assert code == 0, capsys.readouterr().err
    chunks = KnowledgeBase(settings).build.chunks
    assert any("门禁记录" in c.text for c in chunks)


def test_corpus_edit_while_an_ingest_outlasts_the_wait_says_saved_not_indexed(make_settings, seed_copy, capsys):
    from apps.cli.main import main
    from ingest.pipeline import run_ingest
    from kb.errors import EXIT_BUSY

    settings = make_settings(seed_copy)
    run_ingest(settings, show_progress=False)
    entry = CorpusStore(seed_copy).add("night.md", META, BODY, "a", "")
    source = seed_copy.parent / "new.md"
    source.write_text("---\ntitle: 夜班值守规范\n---\n" + BODY + "2、交班前核对机房门禁记录。\n", encoding="utf-8")
    holder = _hold_ingest_lock(settings.home, 5.0)
    try:
        code = main(["corpus", "edit", "night.md", "--file", str(source), "--base", entry.sha, "--wait", "0.5",
                     "--home", str(settings.home), "--corpus", str(seed_copy)])
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err
    assert code == EXIT_BUSY
    assert "night.md is saved but not indexed yet" in err and "dutykb ingest" in err
    assert "门禁记录" in (seed_copy / "night.md").read_text(encoding="utf-8")
    assert [r.version for r in CorpusStore(seed_copy).history("night.md")] == [1, 2]
