"""Paragraph retrieval and extractive-answer span hits on SQuAD-format files (DRCD, CMRC2018).

Each paragraph becomes one chunk of a knowledge base built under `<home>/bench/` and
reused while the file, the embedder and the tokenizer are unchanged.
"""
from __future__ import annotations

import hashlib
import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from evals.metrics import CUTOFF, first_relevant_rank, rank_summary
from evals.retrieval_bench import score_queries
from ingest.build import build_and_publish
from kb.answer import Answerer
from kb.knowledge import KnowledgeBase
from kb.manifest import read_manifest
from kb.normalize import is_traditional, normalize, to_simplified, to_traditional
from kb.records import Chunk, ChunkPart
from kb.retrieve import HybridRetriever
from kb.settings import Settings
from kb.stats import percentile

BENCH_DIRNAME = "bench"
FINGERPRINT_CHARS = 12
SQUAD_LAYOUT = "paragraph-chunks-with-parts-v1"  # bump when squad_paragraphs changes what a chunk holds
P50, P95 = 50, 95


def squad_paragraphs(path: Path) -> tuple[list[Chunk], list[tuple[str, int]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    chunks: list[Chunk] = []
    questions: list[tuple[str, int]] = []
    for article in data["data"]:
        title = str(article.get("title") or article.get("id") or path.stem)
        for para in article["paragraphs"]:
            idx = len(chunks)
            context = para["context"]
            chunks.append(Chunk(chunk_id=f"p{idx}", doc_id=title, title=title, section="", role=None, items=[],
                                text=context, match_text=normalize(context), parts=[ChunkPart(None, context)]))
            questions.extend((qa["question"], idx) for qa in para["qas"])
    return chunks, questions


def gold_answers(path: Path) -> dict[str, list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {qa["question"]: [a["text"] for a in qa["answers"]]
            for article in data["data"] for para in article["paragraphs"] for qa in para["qas"]}


def squad_kb(settings: Settings, path: Path, chunks: list[Chunk]) -> KnowledgeBase:
    """A KB of the file's paragraphs under <home>/bench, built once and reused while nothing changed."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    fingerprint = hashlib.sha256(
        f"{digest}|{settings.embedder}|{settings.lexical_tokenizer}|{SQUAD_LAYOUT}".encode()).hexdigest()
    home = settings.home / BENCH_DIRNAME / f"{path.stem}-{digest[:FINGERPRINT_CHARS]}"
    bench_settings = settings.with_overrides(home=home)
    manifest = read_manifest(home)
    if manifest is None or manifest.corpus_fingerprint != fingerprint:
        build_and_publish(bench_settings, chunks, [], {}, fingerprint, manifest, show=True)
    return KnowledgeBase(bench_settings)


class SquadSet:
    """A (sampled) SQuAD file as questions over a paragraph knowledge base."""

    def __init__(self, settings: Settings, path: Path, sample: int | None = None, seed: int = 13) -> None:
        self.path = path
        self.chunks, questions = squad_paragraphs(path)
        if sample:
            questions = random.Random(seed).sample(questions, min(sample, len(questions)))
        self.questions = questions
        self.retriever = HybridRetriever(squad_kb(settings, path, self.chunks))
        position = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        self.is_relevant: Callable[[Chunk, int], bool] = lambda chunk, target: position[chunk.chunk_id] == target


def squad_retrieval(squad: SquadSet, cross_script: bool, show: bool = True) -> dict:
    """Retrieval per retriever, with the questions as written and (optionally) in the other script."""
    out = {"file": str(squad.path), "paragraphs": len(squad.chunks), "questions": len(squad.questions),
           "same_script": score_queries(squad.retriever, squad.questions, squad.is_relevant, squad.path.stem, show)}
    if cross_script:
        traditional = sum(is_traditional(q) for q, _ in squad.questions) > len(squad.questions) / 2
        convert = to_simplified if traditional else to_traditional
        crossed = [(convert(q), t) for q, t in squad.questions]
        out["cross_script"] = score_queries(squad.retriever, crossed, squad.is_relevant,
                                            f"{squad.path.stem} (cross-script)", show)
    return out


def squad_answers(squad: SquadSet, progress: Callable[[int], None] | None = None) -> dict:
    """Retrieval per retriever plus whether the first cited sentence holds a gold answer span."""
    answerer = Answerer(squad.retriever.kb)
    gold = gold_answers(squad.path)
    ranks: dict[str, list[int | None]] = {}
    span_hits, latencies = 0, []
    for question, target in squad.questions:
        for mode, hits in squad.retriever.search_each(question, k=CUTOFF).hits.items():
            ranks.setdefault(mode, []).append(first_relevant_rank([squad.is_relevant(h.chunk, target) for h in hits]))
        start = time.perf_counter()
        answer = answerer.answer(question)
        latencies.append((time.perf_counter() - start) * 1000)
        first = normalize(answer.citations[0].quote) if answer.citations else ""
        span_hits += any(normalize(g) in first for g in gold.get(question, []))
        if progress is not None:
            progress(1)
    return {"file": str(squad.path), "questions": len(squad.questions), "paragraphs": len(squad.chunks),
            "retrieval": {m: rank_summary(r) for m, r in ranks.items()},
            "first_citation_has_answer": span_hits / max(1, len(squad.questions)),
            "answer_latency_ms": {"p50": statistics.median(latencies) if latencies else 0.0,
                                  "p95": percentile(latencies, P95)}}
