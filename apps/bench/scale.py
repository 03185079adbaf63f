"""`dutykb bench scale --chunks N`: a synthetic duty-style corpus of about N chunks, ingest and search figures.

The corpus is generated deterministically from clause fragments of the shipped
document, one role per file with numbered duties, so chunking, roles and BM25
see realistic text. Its home and embedding cache persist under
<home>/bench/scale-N, so a rerun measures ingest with cached embeddings.
"""
from __future__ import annotations

import multiprocessing
import random
import re
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from apps.bench.memory import memory_mib, peak_rss_mib
from kb.access import EVERYONE
from kb.settings import Settings
from kb.stats import percentile

ITEMS_PER_ROLE = 4
# Large organisations repeat the same duty items across branches and roles; drawing items from a
# bounded pool models that and keeps the embedding cost of a 100k-chunk corpus to its chunk texts.
ITEM_POOL = 3000
ROLE_PREFIXES = ["客服", "热线", "营业", "机房", "稽核", "金库", "质检", "外呼", "大客户", "后台"]
ROLE_SUFFIXES = ["专员", "班长", "主管", "值守员", "协调员", "管理员", "助理", "调度员"]
SEARCH_ROUNDS = 200
SEED = 7
KIB = 1024


def _fragments(corpus: Path) -> list[str]:
    text = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in sorted(corpus.glob("*.txt")))
    pieces = re.split(r"[，,；;。\n]", text)
    return [p.strip() for p in pieces if 6 <= len(p.strip()) <= 40]


def generate(target: Path, chunks: int, source_corpus: Path) -> int:
    """Write about `chunks` one-chunk role documents; returns how many files were written."""
    rng = random.Random(SEED)
    fragments = _fragments(source_corpus)
    pool = [f"{rng.choice(fragments)}，{rng.choice(fragments)}。" for _ in range(ITEM_POOL)]
    target.mkdir(parents=True, exist_ok=True)
    for i in range(chunks):
        role = f"{rng.choice(ROLE_PREFIXES)}{rng.choice(ROLE_SUFFIXES)}{i}"
        items = "\n".join(f"{n}、{item}" for n, item in enumerate(rng.sample(pool, ITEMS_PER_ROLE), start=1))
        (target / f"role-{i:06d}.md").write_text(f"---\ntitle: {role}岗位说明\n---\n# {role}岗位职责\n{items}\n",
                                                 encoding="utf-8")
    return chunks


def _size_mib(path: Path, skip: Path) -> float:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and skip not in p.parents)
    return total / KIB / KIB


def measure_reader(settings: Settings) -> dict:
    """Open the KB as the app does, in a fresh process, and time searches and answers.

    A separate process so its peak RSS is that of a reader, not of the ingest that built the index.
    Memory is taken after opening, after the first question (which loads the embedder, jieba's
    dictionary for the build and Chroma's HNSW index) and after the last, to tell what is loaded
    once from what grows with the questions.
    """
    from kb.answer import Answerer
    from kb.knowledge import KnowledgeBase

    kb = KnowledgeBase(settings)
    _ = kb.build
    after_open = memory_mib()
    answerer = Answerer(kb)
    retriever = answerer.retriever
    rng = random.Random(SEED)
    roles = kb.roles_for(EVERYONE)
    queries = [f"{r.name}的职责" if i % 2 else rng.choice(r.duties).text[:14]
               for i, r in enumerate(rng.sample(roles, min(SEARCH_ROUNDS, len(roles))))]
    search_ms, answer_ms = [], []
    after_first: dict[str, float] = {}
    for query in queries:
        kb.clear_query_cache()
        start = time.perf_counter()
        retriever.search(query, audience=EVERYONE)
        search_ms.append((time.perf_counter() - start) * 1000)
        kb.clear_query_cache()
        start = time.perf_counter()
        answerer.answer(query, audience=EVERYONE)
        answer_ms.append((time.perf_counter() - start) * 1000)
        after_first = after_first or memory_mib()
    return {
        "questions": len(queries), "rss_open": after_open, "rss_first_query": after_first, "rss_end": memory_mib(),
        "search_p50_ms": statistics.median(search_ms), "search_p95_ms": percentile(search_ms, 95),
        "answer_p50_ms": statistics.median(answer_ms), "answer_p95_ms": percentile(answer_ms, 95),
        "reader_rss_mib": peak_rss_mib(),
    }


def run_scale(settings: Settings, chunks: int, source_corpus: Path) -> dict:
    from ingest.pipeline import run_ingest

    base = settings.home / "bench" / f"scale-{chunks}"
    corpus = base / "corpus"
    if not corpus.exists():
        generate(corpus, chunks, source_corpus)
    scale = settings.with_overrides(home=base / "home", corpus=corpus, embedding_cache=base / "embeddings.sqlite")
    first = run_ingest(scale, rebuild=True, show_progress=True)  # embeds all only on the first ever run
    again = run_ingest(scale, rebuild=True, show_progress=False)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        reader = pool.submit(measure_reader, scale).result()
    return {
        "chunks": first.chunks, "documents": first.documents,
        "ingest_s": first.seconds, "ingest_chunks_per_s": first.chunks / first.seconds if first.seconds else 0.0,
        "embedded_first_run": first.embedded,
        "ingest_cached_s": again.seconds, "ingest_cached_chunks_per_s": again.chunks / again.seconds,
        **reader,
        "index_mib": _size_mib(scale.home, scale.home / "cache"),
    }
