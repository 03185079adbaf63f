"""`dutykb bench curation --chunks N`: how long after a trainer saves an entry the chat can answer from it.

A synthetic corpus of about N chunks (the `bench scale` generator) is indexed once under
<home>/bench/curation-N; then, several times, one entry is saved through the curation store
(a new duty item), the incremental ingest publishes a new build, and a reader opens it and
asks a question only the new item answers. Each round reports the save → answerable time and
its parts (read + parse of changed documents, embedding, build and publish, reader reopen). The reader
is kept across rounds and hands its build to each ingest, as the app's curation pages do.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

from apps.bench.scale import generate
from ingest.curation import CorpusStore
from ingest.pipeline import run_ingest
from kb.access import EVERYONE
from kb.settings import Settings

ROUNDS = 3
NEW_DUTY = "每周五下午复核一次第{n}号应急预案台账并签字确认。"
WARM_UP_QUERY = "预热"


def run_curation(settings: Settings, chunks: int, source: Path, rounds: int = ROUNDS) -> dict:
    from kb.knowledge import KnowledgeBase
    from kb.retrieve import HybridRetriever

    home = settings.home / "bench" / f"curation-{chunks}"
    corpus = home / "corpus"
    if not corpus.is_dir():
        generate(corpus, chunks, source)
    own = settings.with_overrides(home=home / "index", corpus=corpus, embedding_cache=home / "embeddings.sqlite",
                                  lock_wait=0.0)
    started = time.perf_counter()
    first = run_ingest(own, show_progress=False)
    setup_s = time.perf_counter() - started
    store = CorpusStore(corpus)
    kb = KnowledgeBase(own)  # as the app: one reader, its build handed to each ingest and the new one taken back
    kb.embedder.embed_query(WARM_UP_QUERY)
    doc_id = sorted(p.name for p in corpus.glob("*.md"))[0]
    timings: list[dict] = []
    for n in range(1, rounds + 1):
        entry = store.show(doc_id)
        duty = NEW_DUTY.format(n=n + int(time.time()) % 1000)
        began = time.perf_counter()
        store.edit(doc_id, entry.meta, entry.body.rstrip("\n") + f"\n9、{duty}\n", entry.sha, who="bench",
                   why="bench")
        report = run_ingest(own, show_progress=False, live=kb.build)
        ingested = time.perf_counter()
        kb.refresh(report.published)
        hits = HybridRetriever(kb).search(duty[:16], k=5, audience=EVERYONE)
        answerable = any(duty in h.chunk.text for h in hits)
        done = time.perf_counter()
        timings.append({"save_to_answerable_s": done - began, "ingest_s": ingested - began,
                        "reopen_and_search_s": done - ingested, "answerable": answerable,
                        "reprocessed": report.reprocessed, "embedded": report.embedded})
    return {"chunks": first.chunks, "documents": first.documents, "setup_s": setup_s, "rounds": timings,
            "median_s": statistics.median(t["save_to_answerable_s"] for t in timings)}
