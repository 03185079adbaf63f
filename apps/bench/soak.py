"""`dutykb bench soak`: readers, two curation writers and ingests together for N minutes.

Everything runs on a copy of the corpus under `<home>/bench/soak` (rebuilt each run) with real
processes: reader threads in this process and reader processes search and answer, reopening when
a build is published; two writer processes save the same curated entries from whatever they last
read (so they collide, and one of each colliding pair must be refused as stale), each save
followed by an incremental ingest as the app does; an ingest process publishes on a timer,
alternating plain and `--rebuild` ingests.

Afterwards it checks what must hold: every save a writer was told succeeded is in the entry's
audit with the text on disk (lost edits), the final index holds each entry's last version, no
orphan segment directories, builds, collections, journals or temp files are left, and the home
holds at most two builds' worth of data after all those publishes.
"""
from __future__ import annotations

import multiprocessing as mp
import random
import shutil
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from apps.bench.load import QUESTIONS, REFRESH_EVERY
from apps.bench.memory import peak_rss_mib
from kb.frontmatter import EntryMeta
from kb.settings import Settings

ENTRIES = 4  # curated entries both writers edit
WRITERS = ("甲", "乙")
WRITER_PAUSE_S = (0.2, 1.5)  # a trainer's pause between saves, drawn at random
INGEST_WAIT_S = 300.0  # writers and the ingest timer wait this long for the ingest lock
KEEP_BUILDS_WORTH = 2.0
KIB = 1024
SEED = 11
DUTIES = ["每两小时巡检一次机房温湿度并登记", "重大故障须在十五分钟内通知值班长", "交班前整理值班日志并签字",
          "发现门禁异常立即报告保卫部", "夜间来访人员须登记并核实身份", "每周检查一次应急照明"]


@dataclass
class Tally:
    """What one worker did; merged across threads and processes."""

    calls: int = 0
    errors: list[str] = field(default_factory=list)
    saves: list[tuple[str, str, str]] = field(default_factory=list)  # accepted: (doc_id, sha, marker)
    stale: int = 0
    publishes: int = 0
    rss_mib: float = 0.0  # the highest own peak RSS of the processes merged

    def merge(self, other: Tally) -> None:
        self.calls += other.calls
        self.errors += other.errors
        self.saves += other.saves
        self.stale += other.stale
        self.publishes += other.publishes
        self.rss_mib = max(self.rss_mib, other.rss_mib)


def entry_text(title: str, role: str, lines: list[str]) -> tuple[EntryMeta, str]:
    body = f"# {role}岗位职责\n" + "".join(f"{n}、{line}。\n" for n, line in enumerate(lines, 1))
    return EntryMeta(title=title, roles=[role]), body


def prepare(settings: Settings) -> Settings:
    """A fresh soak home and corpus (the configured corpus plus ENTRIES curated entries), ingested once."""
    from ingest.curation import CorpusStore
    from ingest.pipeline import run_ingest

    base = settings.home / "bench" / "soak"
    shutil.rmtree(base, ignore_errors=True)
    corpus = base / "corpus"
    shutil.copytree(settings.corpus, corpus, ignore=shutil.ignore_patterns(".*"))
    store = CorpusStore(corpus)
    for i in range(ENTRIES):
        meta, body = entry_text(f"夜班值守规范{i}", f"夜班值守员{i}", DUTIES[:3])
        store.add(f"soak-{i}.md", meta, body, "soak", "准备")
    soak = settings.with_overrides(home=base / "home", corpus=corpus, embedding_cache=settings.embedding_cache_path)
    run_ingest(soak, show_progress=False)
    return soak


def read_loop(settings: Settings, deadline: float) -> Tally:
    """Search and answer until the deadline, reopening every few calls; every failure is counted."""
    from kb.answer import Answerer
    from kb.knowledge import KnowledgeBase

    kb = KnowledgeBase(settings)
    answerer = Answerer(kb)
    tally = Tally()
    i = 0
    while time.time() < deadline:
        question = QUESTIONS[i % len(QUESTIONS)] if i % 3 else f"夜班值守员{i % ENTRIES}的职责是什么"
        try:
            if i % REFRESH_EVERY == 0:
                kb.refresh()
            build = kb.build
            if i % 2:
                ids = [c.chunk_id for c in answerer.answer(question).citations]
            else:
                ids = [h.chunk.chunk_id for h in answerer.retriever.search(question, k=5)]
            stray = [cid for cid in ids if cid and cid not in build.position]
            if stray:
                tally.errors.append(f"reader: hit {stray[0]} not in build {build.manifest.build_id}")
        except Exception as exc:  # a soak counts every failure instead of stopping at the first
            tally.errors.append(f"reader: {type(exc).__name__}: {exc}")
        tally.calls += 1
        i += 1
    tally.rss_mib = peak_rss_mib()
    return tally


def write_loop(settings: Settings, tag: str, deadline: float) -> Tally:
    """Save the curated entries in turn from what was last read, then ingest, as a trainer in the app does."""
    from ingest.curation import CorpusStore, StaleEditError
    from ingest.pipeline import run_ingest

    store = CorpusStore(settings.corpus)
    rng = random.Random(f"{SEED}{tag}")
    tally = Tally()
    n = 0
    while time.time() < deadline:
        doc_id = f"soak-{n % ENTRIES}.md"
        marker = f"第{n}次修订由{tag}写入"
        try:
            current = store.show(doc_id)
            time.sleep(rng.uniform(*WRITER_PAUSE_S))  # the other writer may save in between: a stale edit
            meta, body = entry_text(current.meta.title or doc_id, current.meta.roles[0],
                                    [*rng.sample(DUTIES, 3), marker])
            entry = store.edit(doc_id, meta, body, current.sha, f"soak-{tag}", "soak")
            tally.saves.append((doc_id, entry.sha, marker))
            run_ingest(settings.with_overrides(lock_wait=INGEST_WAIT_S), show_progress=False)
            tally.publishes += 1
        except StaleEditError:
            tally.stale += 1
        except Exception as exc:  # counted, not fatal: the soak reports every failure
            tally.errors.append(f"writer {tag}: {type(exc).__name__}: {exc}")
        tally.calls += 1
        n += 1
    tally.rss_mib = peak_rss_mib()
    return tally


def ingest_loop(settings: Settings, every_s: float, deadline: float) -> Tally:
    from ingest.pipeline import run_ingest

    tally = Tally()
    rebuild = False
    while time.time() + every_s < deadline:
        time.sleep(every_s)
        try:
            run_ingest(settings.with_overrides(lock_wait=INGEST_WAIT_S), rebuild=rebuild, show_progress=False)
            tally.publishes += 1
        except Exception as exc:  # counted, not fatal
            tally.errors.append(f"ingest: {type(exc).__name__}: {exc}")
        tally.calls += 1
        rebuild = not rebuild
    tally.rss_mib = peak_rss_mib()
    return tally


def _worker(kind: str, settings_json: str, deadline: float, arg: Any, out: Any) -> None:
    settings = Settings.model_validate_json(settings_json)
    if kind == "reader":
        tally = read_loop(settings, deadline)
    elif kind == "writer":
        tally = write_loop(settings, arg, deadline)
    else:
        tally = ingest_loop(settings, arg, deadline)
    out.put(tally)


def lost_edits(settings: Settings, saves: list[tuple[str, str, str]]) -> list[str]:
    """Accepted saves missing from the audit, and audit records whose version text or live file disagrees."""
    from ingest.audit import sha_of
    from ingest.curation import CorpusStore, EntryError

    store = CorpusStore(settings.corpus)
    problems = []
    for i in range(ENTRIES):
        doc_id = f"soak-{i}.md"
        records = store.history(doc_id)
        versions = [r.version for r in records]
        if versions != list(range(1, len(records) + 1)):
            problems.append(f"{doc_id}: audit versions {versions}")
        for record in records:
            try:
                if sha_of(store.version_text(doc_id, record.version)) != record.sha:
                    problems.append(f"{doc_id} v{record.version}: saved text differs from the audit")
            except EntryError as exc:
                problems.append(str(exc))
        if records and store.show(doc_id).sha != records[-1].sha:
            problems.append(f"{doc_id}: the file is not the last audited version")
        recorded = {r.sha for r in records}
        problems += [f"{doc_id}: accepted save {sha} not in the audit" for d, sha, _ in saves
                     if d == doc_id and sha not in recorded]
    return problems


def unindexed(settings: Settings, saves: list[tuple[str, str, str]]) -> list[str]:
    """Entries whose last accepted save is not in the live index."""
    from ingest.curation import CorpusStore
    from kb.knowledge import KnowledgeBase

    store = CorpusStore(settings.corpus)
    texts = "\n".join(c.text for c in KnowledgeBase(settings).build.chunks)
    missing = []
    for i in range(ENTRIES):
        doc_id = f"soak-{i}.md"
        last = store.history(doc_id)[-1].sha
        marker = next((m for d, sha, m in saves if d == doc_id and sha == last), None)
        if marker is not None and marker not in texts:
            missing.append(f"{doc_id}: {marker}")
    return missing


def orphans(settings: Settings) -> list[str]:
    """Files that no live or kept build uses: segment dirs, builds, collections, journals, temp files."""
    from ingest.audit import JOURNAL_FILE
    from ingest.collection import read_vector_list
    from kb.chroma_store import CHROMA_DB_FILE, CHROMA_DIRNAME, SEGMENT_DIR, _segment_ids
    from kb.manifest import BUILDS_DIRNAME, read_manifest
    from kb.vectorstore import open_store

    home = settings.home
    manifest = read_manifest(home)
    assert manifest is not None
    keep = {manifest.build_id, *manifest.previous[: settings.keep_builds]}
    found = [f"build {p.name}" for p in (home / BUILDS_DIRNAME).iterdir() if p.name not in keep]
    lists = [read_vector_list(home / BUILDS_DIRNAME / b) for b in keep]
    store = open_store(settings)
    found += [f"collection {n}" for n in store.names() if n not in {name for name, _ in lists}]
    for name in {name for name, ids in lists if ids}:
        stale = store.ids(name) - {i for n, ids in lists if n == name for i in ids}
        found += [f"{len(stale)} vectors no kept build uses in {name}"] if stale else []
    segments = _segment_ids(home / CHROMA_DIRNAME / CHROMA_DB_FILE) or set()
    found += [f"segment dir {p.name}" for p in (home / CHROMA_DIRNAME).iterdir()
              if p.is_dir() and SEGMENT_DIR.match(p.name) and p.name not in segments]
    found += [f"journal {p}" for p in settings.corpus.rglob(JOURNAL_FILE)]
    found += [f"temp file {p}" for root in (home, settings.corpus) for p in root.rglob(".*.tmp")]
    return found


def home_bytes(settings: Settings) -> int:
    """What builds and the vector store take (the embedding cache is shared and grows by design)."""
    from kb.chroma_store import CHROMA_DIRNAME
    from kb.manifest import BUILDS_DIRNAME

    return sum(p.stat().st_size for d in (BUILDS_DIRNAME, CHROMA_DIRNAME)
               for p in (settings.home / d).rglob("*") if p.is_file())


def run_soak(settings: Settings, minutes: float, reader_threads: int, reader_processes: int,
             ingest_every_s: float) -> dict:
    soak = prepare(settings)
    one_build = home_bytes(soak)  # right after the first publish: one build and one collection
    deadline = time.time() + minutes * 60
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    settings_json = soak.model_dump_json()
    jobs = [("reader", None)] * reader_processes + [("writer", tag) for tag in WRITERS] + \
        [("ingest", ingest_every_s)]
    procs = [ctx.Process(target=_worker, args=(kind, settings_json, deadline, arg, out)) for kind, arg in jobs]
    for p in procs:
        p.start()
    thread_tallies: list[Tally] = []
    threads = [threading.Thread(target=lambda: thread_tallies.append(read_loop(soak, deadline)))
               for _ in range(reader_threads)]
    for t in threads:
        t.start()
    total = Tally()
    for _ in procs:
        total.merge(out.get())
    for t in threads:
        t.join()
    for p in procs:
        p.join()
    for tally in thread_tallies:
        total.merge(tally)
    total.rss_mib = max(total.rss_mib, peak_rss_mib())
    lost = lost_edits(soak, total.saves)
    left = orphans(soak)
    disk = home_bytes(soak)
    return {
        "minutes": minutes, "readers": reader_threads + reader_processes, "calls": total.calls,
        "errors": len(total.errors), "first_errors": total.errors[:5], "saves": len(total.saves),
        "stale_refused": total.stale, "publishes": total.publishes, "lost_edits": len(lost), "lost": lost[:5],
        "unindexed": unindexed(soak, total.saves), "orphans": left, "disk_mib": disk / KIB / KIB,
        "one_build_mib": one_build / KIB / KIB, "builds_worth": disk / one_build if one_build else 0.0,
        "peak_rss_mib": total.rss_mib,
    }


def passed(result: dict) -> bool:
    return (not result["errors"] and not result["lost_edits"] and not result["orphans"] and not result["unindexed"]
            and result["builds_worth"] <= KEEP_BUILDS_WORTH)
