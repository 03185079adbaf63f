"""`dutykb bench load`: concurrent readers (threads and processes) while an ingest publishes a new build.

Readers search and answer in a loop, reopening when a new build appears; every
call must succeed and every hit must belong to the build the reader holds. The
writer republishes the same corpus (`--rebuild`), so the answers stay comparable.
"""
from __future__ import annotations

import multiprocessing as mp
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from kb.stats import percentile

QUESTIONS = ["值班长的职责是什么", "交接班要提前多久到", "排队超过10人怎么办", "機房可以帶易燃物品嗎",
             "外呼話務員做什麼", "过期的客户资料怎么处理", "考勤都记录哪些情况", "质检员的考核结果交给谁"]
REFRESH_EVERY = 5  # calls between checks for a newly published build
PUBLISH_WAIT_S = 300.0  # how long readers keep going for a publish that has not finished by their deadline
P50, P95, P99 = 50, 95, 99


@dataclass
class ReaderStats:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    builds: set[str] = field(default_factory=set)


def _reader_loop(settings, seconds: float, start_at: float, published: Any = None) -> ReaderStats:
    """Search and answer until `seconds` have passed and, when a build is being published (`published`, an
    event set once the publish is over), until a refresh after the publish has shown this reader the new build.

    Waiting for the publish instead of a fixed window keeps the result the same on a loaded machine, where
    the publish may take longer than the window.
    """
    from kb.answer import Answerer
    from kb.knowledge import KnowledgeBase

    kb = KnowledgeBase(settings)
    answerer = Answerer(kb)
    stats = ReaderStats()
    while time.time() < start_at:
        time.sleep(0.01)
    deadline = time.time() + seconds
    give_up = deadline + PUBLISH_WAIT_S
    refreshed_after_publish = published is None
    i = 0
    while time.time() < deadline or (not refreshed_after_publish and time.time() < give_up):
        question = QUESTIONS[i % len(QUESTIONS)]
        try:
            publish_over = published is not None and published.is_set()
            if i % REFRESH_EVERY == 0 or (publish_over and not refreshed_after_publish):
                kb.refresh()
                refreshed_after_publish = refreshed_after_publish or publish_over
            build = kb.build
            stats.builds.add(build.manifest.build_id)
            begin = time.perf_counter()
            if i % 2:
                answer = answerer.answer(question)
                ids = [c.chunk_id for c in answer.citations]
            else:
                ids = [h.chunk.chunk_id for h in answerer.retriever.search(question, k=5)]
            stats.latencies_ms.append((time.perf_counter() - begin) * 1000)
            stray = [cid for cid in ids if cid and cid not in build.position]
            if stray:
                stats.errors.append(f"hit {stray[0]} not in build {build.manifest.build_id}")
        except Exception as exc:  # a load test counts every failure instead of stopping at the first
            stats.errors.append(f"{type(exc).__name__}: {exc}")
        i += 1
    return stats


def _process_reader(settings_json: str, seconds: float, start_at: float, published: Any, out: Any) -> None:
    from kb.settings import Settings

    stats = _reader_loop(Settings.model_validate_json(settings_json), seconds, start_at, published)
    out.put((stats.latencies_ms, stats.errors, sorted(stats.builds)))


def run_load(settings, threads: int, processes: int, seconds: float, publish: bool = True) -> dict:
    from ingest.pipeline import run_ingest
    from kb.knowledge import NoIndexError
    from kb.manifest import read_manifest

    start_at = time.time() + 3.0 + processes  # give every process time to load before the clock starts
    ctx = mp.get_context("spawn")
    published_event = ctx.Event() if publish else None
    thread_results: list[ReaderStats] = []
    workers = [threading.Thread(target=lambda: thread_results.append(
        _reader_loop(settings, seconds, start_at, published_event))) for _ in range(threads)]
    queue = ctx.Queue()
    procs = [ctx.Process(target=_process_reader,
                         args=(settings.model_dump_json(), seconds, start_at, published_event, queue))
             for _ in range(processes)]
    for w in workers + procs:
        w.start()
    live = read_manifest(settings.home)
    if live is None:
        raise NoIndexError(f"no index under {settings.home}; build one with: dutykb ingest")
    before = live.build_id
    published = None
    if published_event is not None:
        while time.time() < start_at + seconds / 3:
            time.sleep(0.05)
        try:
            published = run_ingest(settings, rebuild=True, show_progress=False).build_id
        finally:
            published_event.set()
    results = [queue.get() for _ in procs]
    for w in workers + procs:
        w.join()
    elapsed = time.time() - start_at
    latencies = [x for r in thread_results for x in r.latencies_ms] + [x for lat, _, _ in results for x in lat]
    errors = [e for r in thread_results for e in r.errors] + [e for _, errs, _ in results for e in errs]
    saw_new = sum(published in r.builds for r in thread_results) + sum(published in b for _, _, b in results)
    return {
        "threads": threads, "processes": processes, "seconds": elapsed, "calls": len(latencies),
        "throughput_per_s": len(latencies) / elapsed, "errors": len(errors), "first_errors": errors[:5],
        "p50_ms": statistics.median(latencies) if latencies else 0.0, "p95_ms": percentile(latencies, P95),
        "p99_ms": percentile(latencies, P99), "build_before": before, "build_published": published,
        "readers_on_new_build": saw_new, "readers": threads + processes,
    }
