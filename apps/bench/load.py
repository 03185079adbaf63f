"""`dutykb bench load`: answer latency idle and under load, on a copy of the corpus and home.

Askers are threads of this process sharing one knowledge base and one answerer, as the app's
sessions do. Each asks, waits for its answer, pauses (a mean of `pause` seconds, drawn at random so
askers drift in and out of step) and asks again; every question's vector is forgotten before it is
asked, so each answer includes its query embedding. Phases, in order:

- idle: one asker, nothing else of ours running;
- busy: one asker while a busy-loop process holds a core;
- askers: N askers at once;
- askers+busy: N askers while the busy loop holds a core;
- askers+ingest: N askers while `dutykb ingest --rebuild` runs in another process on the copy,
  again and again, each time with an empty embedding cache so that it embeds the whole corpus; the
  phase lasts until its seconds are over, an ingest has published and every asker has answered
  from the new build. Askers reopen as the app does (every few questions; not timed) and must see
  no error and no citation outside the build they hold.

Without pauses N askers saturate the cores: by Little's law each then waits at least N / cores
times a lone answer, whatever the threads do, so that setting measures throughput, not latency.
The machine's load average is reported beside the figures: other jobs count as load too.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kb.embed_threads import EmbedThreads
from kb.settings import Settings
from kb.stats import percentile

QUESTIONS = ["值班长的职责是什么", "交接班要提前多久到", "排队超过10人怎么办", "機房可以帶易燃物品嗎",
             "外呼話務員做什麼", "过期的客户资料怎么处理", "考勤都记录哪些情况", "质检员的考核结果交给谁"]
REFRESH_EVERY = 5  # questions between checks for a newly published build
WARM_UP_ROUNDS = 2  # every question asked this often before the clock starts (first use is cold start)
PUBLISH_WAIT_S = 300.0  # how long the ingest phase may run on for its first publish
INGEST_POLL_S = 0.2
P50, P95, P99 = 50, 95, 99
PAUSE_SPREAD = (0.5, 1.5)  # an asker's pause is drawn from this range times the mean, so askers drift apart
SEED = 7


@dataclass
class Phase:
    name: str
    askers: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    builds: list[set[str]] = field(default_factory=list)  # per asker: the builds it answered from
    publishes: int = 0
    load_average: float = 0.0  # the 1-minute load average at the end of the phase

    def summary(self) -> dict:
        lat = self.latencies_ms
        return {"phase": self.name, "askers": self.askers, "answers": len(lat),
                "p50_ms": statistics.median(lat) if lat else 0.0, "p95_ms": percentile(lat, P95),
                "p99_ms": percentile(lat, P99), "max_ms": max(lat, default=0.0), "errors": len(self.errors),
                "first_errors": self.errors[:5], "publishes": self.publishes,
                "askers_on_last_build": sum(len(b) > 1 for b in self.builds) if self.publishes else None,
                "load_average": round(self.load_average, 2)}


def spin() -> None:
    """A job that holds one core (the busy loop of the busy phases)."""
    while True:
        pass


def prepare(settings: Settings) -> Settings:
    """A fresh copy of the corpus and its index under `<home>/bench/load` (the live home is never touched)."""
    from ingest.pipeline import run_ingest

    base = settings.home / "bench" / "load"
    shutil.rmtree(base, ignore_errors=True)
    corpus = base / "corpus"
    shutil.copytree(settings.corpus, corpus, ignore=shutil.ignore_patterns(".*"))
    copy = settings.with_overrides(home=base / "home", corpus=corpus, embedding_cache=settings.embedding_cache_path)
    run_ingest(copy, show_progress=False)
    return copy


class Askers:
    """N threads answering in a closed loop on one shared knowledge base, until `running()` says stop."""

    def __init__(self, settings: Settings, pause: float = 0.0) -> None:
        from kb.answer import Answerer
        from kb.knowledge import KnowledgeBase

        self.kb = KnowledgeBase(settings)
        self.answerer = Answerer(self.kb)
        self.pause = pause
        self.keys = {q: self.answerer.query(q).match for q in QUESTIONS}  # what each question's vector is kept by
        for question in QUESTIONS * WARM_UP_ROUNDS:
            self.answerer.answer(question)

    def ask(self, phase: Phase, index: int, running: Callable[[], bool]) -> None:
        builds: set[str] = set()
        phase.builds.append(builds)
        rng = random.Random(f"{SEED}{index}")
        i = index
        while running():
            question = QUESTIONS[i % len(QUESTIONS)]
            try:
                if i % REFRESH_EVERY == 0:
                    self.kb.refresh()
                build = self.kb.build
                builds.add(build.manifest.build_id)
                self.kb.forget_query(self.keys[question])
                begin = time.perf_counter()
                answer = self.answerer.answer(question)
                phase.latencies_ms.append((time.perf_counter() - begin) * 1000)
                stray = [c.chunk_id for c in answer.citations if c.chunk_id not in build.position]
                if stray:
                    phase.errors.append(f"citation {stray[0]} not in build {build.manifest.build_id}")
            except Exception as exc:  # a load test counts every failure instead of stopping at the first
                phase.errors.append(f"{type(exc).__name__}: {exc}")
            i += 1
            if self.pause:
                time.sleep(rng.uniform(*PAUSE_SPREAD) * self.pause)

    def run(self, phase: Phase, running: Callable[[], bool]) -> Phase:
        workers = [threading.Thread(target=self.ask, args=(phase, n, running)) for n in range(phase.askers)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        phase.load_average = os.getloadavg()[0]
        return phase


def for_seconds(seconds: float) -> Callable[[], bool]:
    deadline = time.monotonic() + seconds
    return lambda: time.monotonic() < deadline


def busy_phase(askers: Askers, phase: Phase, seconds: float) -> Phase:
    busy = mp.get_context("spawn").Process(target=spin, daemon=True)
    busy.start()
    try:
        return askers.run(phase, for_seconds(seconds))
    finally:
        busy.terminate()
        busy.join()


class IngestLoop:
    """`dutykb ingest --rebuild` on the copy in another process, restarted as each one finishes."""

    def __init__(self, settings: Settings, own_session: bool = False) -> None:
        self.settings = settings
        self.own_session = own_session
        self.caches = settings.home.parent / "ingest-caches"
        self.published = 0
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop)

    def command(self, run: int) -> tuple[list[str], dict[str, str]]:
        env = {**os.environ, "DUTYKB_CORPUS": str(self.settings.corpus),
               "DUTYKB_EMBEDDING_CACHE": str(self.caches / f"run-{run}.sqlite")}  # empty: embed everything
        return [sys.executable, "-m", "apps.cli.main", "ingest", "--rebuild", "--quiet",
                "--home", str(self.settings.home)], env

    def _loop(self) -> None:
        run = 0
        while not self._stop.is_set():
            args, env = self.command(run)
            done = subprocess.run(args, env=env, capture_output=True, text=True, start_new_session=self.own_session)
            if done.returncode == 0:
                self.published += 1
            else:
                self.failures.append(f"ingest exit {done.returncode}: {done.stderr.strip()[-300:]}")
            shutil.rmtree(self.caches, ignore_errors=True)
            run += 1

    def __enter__(self) -> IngestLoop:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()  # the running ingest finishes: a bench never leaves a half-written build behind

    def running(self, phase: Phase, seconds: float) -> Callable[[], bool]:
        """True until `seconds` have passed, an ingest has published and every asker has answered from the
        new build (at most PUBLISH_WAIT_S more)."""
        deadline = time.monotonic() + seconds
        give_up = deadline + PUBLISH_WAIT_S

        def moved() -> bool:
            return self.published > 0 and all(len(builds) > 1 for builds in phase.builds)

        return lambda: time.monotonic() < deadline or (not moved() and not self.failures
                                                        and time.monotonic() < give_up)


def ingest_phase(askers: Askers, phase: Phase, seconds: float, own_session: bool) -> Phase:
    with IngestLoop(askers.kb.settings, own_session) as ingest:
        askers.run(phase, ingest.running(phase, seconds))
        phase.publishes = ingest.published
    phase.errors += ingest.failures
    return phase


def run_load(settings: Settings, askers: int, seconds: float, pause: float = 0.0, own_session: bool = False) -> dict:
    copy = prepare(settings)
    team = Askers(copy, pause)
    threads = EmbedThreads.of(copy)
    idle = team.run(Phase("idle", 1), for_seconds(seconds))
    phases = [
        idle,
        busy_phase(team, Phase("busy", 1), seconds),
        team.run(Phase("askers", askers), for_seconds(seconds)),
        busy_phase(team, Phase("askers+busy", askers), seconds),
        ingest_phase(team, Phase("askers+ingest", askers), seconds, own_session),
    ]
    rows = [p.summary() for p in phases]
    idle_p95 = rows[0]["p95_ms"] or 1.0
    return {
        "corpus": str(settings.corpus), "chunks": len(team.kb.build.chunks), "askers": askers,
        "seconds": seconds, "pause_s": pause, "ingest_own_session": own_session, "cores": len(os.sched_getaffinity(0)),
        "embedder": {"spec": copy.embedder, "query_threads": threads.query, "batch_threads": threads.for_batch(),
                     "wait_policy": threads.wait_policy},
        "phases": rows, "p95_over_idle": {r["phase"]: round(r["p95_ms"] / idle_p95, 2) for r in rows},
        "errors": sum(r["errors"] for r in rows),
    }


def print_table(result: dict) -> None:
    e = result["embedder"]
    print(f"answer latency, {result['chunks']} chunks of {result['corpus']}, {result['cores']} cores; askers are "
          f"threads sharing one knowledge base; {result['seconds']:g} s per phase")
    print(f"embedder {e['spec']}: query threads {e['query_threads']}, batch threads {e['batch_threads']}, "
          f"wait policy {e['wait_policy']}")
    print(f"  {'phase':14s} {'askers':>6s} {'answers':>7s} {'p50 ms':>7s} {'p95 ms':>7s} {'p99 ms':>7s} "
          f"{'max ms':>7s} {'×idle p95':>9s} {'errors':>6s} {'load':>5s}")
    for r in result["phases"]:
        print(f"  {r['phase']:14s} {r['askers']:6d} {r['answers']:7d} {r['p50_ms']:7.1f} {r['p95_ms']:7.1f} "
              f"{r['p99_ms']:7.1f} {r['max_ms']:7.1f} {result['p95_over_idle'][r['phase']]:9.2f} "
              f"{r['errors']:6d} {r['load_average']:5.2f}")
    for r in result["phases"]:
        if r["publishes"]:
            print(f"  {r['phase']}: {r['publishes']} ingest(s) published; askers that moved to a new build: "
                  f"{r['askers_on_last_build']}/{r['askers']}")
        if r["first_errors"]:
            print(f"  {r['phase']} errors: {r['first_errors']}")
    print("  load: the machine's 1-minute load average at the end of the phase (other jobs count too)")


def passed(result: dict) -> bool:
    return result["errors"] == 0 and all(r["askers_on_last_build"] in (None, r["askers"]) for r in result["phases"])
