"""Retrieval quality per retriever (BM25, dense, fused) on a suite or a SQuAD-format file."""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

from tqdm import tqdm

from evals.metrics import first_relevant_rank, summarize
from kb.stats import percentile
from evals.suite import load_suite
from kb.knowledge import KnowledgeBase
from kb.normalize import is_traditional, normalize, to_simplified, to_traditional
from kb.records import Chunk, ChunkPart
from kb.retrieve import MODES, HybridRetriever
from kb.settings import Settings

CUTOFF = 10
BENCH_DIRNAME = "bench"
FINGERPRINT_CHARS = 12
SQUAD_LAYOUT = "paragraph-chunks-with-parts-v1"  # bump when squad_paragraphs changes what a chunk holds


def score_queries(retriever: HybridRetriever, queries: list[tuple[str, object]], is_relevant, label: str,
                  show: bool = True) -> dict:
    """Metrics per mode plus hybrid latency; `is_relevant(chunk, target)` decides a hit."""
    ranks: dict[str, list[int | None]] = {m: [] for m in MODES}
    latency: list[float] = []
    retriever.kb.clear_query_cache()  # latency must include embedding each question
    for question, target in tqdm(queries, desc=label, unit="q", disable=not show, file=sys.stderr):
        for mode in MODES:
            start = time.perf_counter()
            hits = retriever.search(question, k=CUTOFF, mode=mode)
            if mode == "hybrid":
                latency.append((time.perf_counter() - start) * 1000)
            ranks[mode].append(first_relevant_rank([is_relevant(h.chunk, target) for h in hits]))
    result = {mode: summarize(r) for mode, r in ranks.items()}
    result["latency_ms"] = {"p50": percentile(latency, 50), "p95": percentile(latency, 95)}
    return result


def format_result(title: str, result: dict) -> str:
    lines = [title, f"  {'retriever':9s} {'MRR@10':>7s} {'R@1':>7s} {'R@5':>7s} {'R@10':>7s}   n"]
    for mode in MODES:
        m = result[mode]
        lines.append(f"  {mode:9s} {m['MRR@10']:7.3f} {m['R@1']:7.3f} {m['R@5']:7.3f} {m['R@10']:7.3f}   {m['n']}")
    lat = result["latency_ms"]
    lines.append(f"  hybrid search latency p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms")
    return "\n".join(lines)


def evidence_relevant(chunk: Chunk, evidence: list[str]) -> bool:
    return any(normalize(e) in chunk.match_text for e in evidence)


def suite_queries(args: argparse.Namespace, settings: Settings):
    """(retriever, [(question, evidence)], relevance function, suite, cases) for a suite on the live index."""
    suite = load_suite(Path(args.suite))
    cases = [c for c in suite.cases if c.answerable]
    if args.sample:
        cases = random.Random(args.seed).sample(cases, min(args.sample, len(cases)))
    retriever = HybridRetriever(KnowledgeBase(settings))
    return retriever, [(c.question, c.evidence) for c in cases], evidence_relevant, suite.name, cases


def run_suite(args: argparse.Namespace, settings: Settings) -> dict:
    retriever, queries, relevant, name, cases = suite_queries(args, settings)
    out = {"suite": name, "all": score_queries(retriever, queries, relevant, name)}
    for script in ("simplified", "traditional"):
        subset = [(c.question, c.evidence) for c in cases if script in c.tags]
        if subset:
            out[script] = score_queries(retriever, subset, relevant, script, show=False)
    return out


def squad_paragraphs(path: Path) -> tuple[list[Chunk], list[tuple[str, int]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    chunks, questions = [], []
    for article in data["data"]:
        title = str(article.get("title") or article.get("id") or path.stem)
        for para in article["paragraphs"]:
            idx = len(chunks)
            context = para["context"]
            chunks.append(Chunk(chunk_id=f"p{idx}", doc_id=title, title=title, section="", role=None, items=[],
                                text=context, match_text=normalize(context), parts=[ChunkPart(None, context)]))
            questions.extend((qa["question"], idx) for qa in para["qas"])
    return chunks, questions


def squad_kb(settings: Settings, path: Path, chunks: list[Chunk]) -> KnowledgeBase:
    """A KB of the file's paragraphs under DUTYKB_HOME/bench, built once and reused while nothing changed."""
    from ingest.build import build_and_publish
    from kb.manifest import read_manifest

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    fingerprint = hashlib.sha256(
        f"{digest}|{settings.embedder}|{settings.lexical_tokenizer}|{SQUAD_LAYOUT}".encode()).hexdigest()
    home = settings.home / BENCH_DIRNAME / f"{path.stem}-{digest[:FINGERPRINT_CHARS]}"
    bench_settings = settings.with_overrides(home=home)
    manifest = read_manifest(home)
    if manifest is None or manifest.corpus_fingerprint != fingerprint:
        build_and_publish(bench_settings, chunks, [], {}, fingerprint, manifest, show=True)
    return KnowledgeBase(bench_settings)


def squad_queries(args: argparse.Namespace, settings: Settings):
    """(retriever, [(question, paragraph index)], relevance function, chunks) for a SQuAD-format file."""
    path = Path(args.squad)
    chunks, questions = squad_paragraphs(path)
    if args.sample:
        questions = random.Random(args.seed).sample(questions, min(args.sample, len(questions)))
    retriever = HybridRetriever(squad_kb(settings, path, chunks))
    position = {c.chunk_id: i for i, c in enumerate(chunks)}

    def relevant(chunk: Chunk, target: int) -> bool:
        return position[chunk.chunk_id] == target

    return retriever, questions, relevant, chunks


def run_squad(args: argparse.Namespace, settings: Settings) -> dict:
    path = Path(args.squad)
    retriever, questions, relevant, chunks = squad_queries(args, settings)
    out = {"file": str(path), "paragraphs": len(chunks), "questions": len(questions),
           "same_script": score_queries(retriever, questions, relevant, path.stem)}
    if args.cross_script:
        traditional = sum(is_traditional(q) for q, _ in questions) > len(questions) / 2
        convert = to_simplified if traditional else to_traditional
        crossed = [(convert(q), t) for q, t in questions]
        out["cross_script"] = score_queries(retriever, crossed, relevant, f"{path.stem} (cross-script)")
    return out


def run_fusion(args: argparse.Namespace, settings: Settings) -> int:
    from evals.fusion_grid import collect, format_grid, score_grid

    if args.suite:
        retriever, queries, relevant, label, _ = suite_queries(args, settings)
    else:
        retriever, queries, relevant, _ = squad_queries(args, settings)
        label = Path(args.squad).stem
    results = score_grid(collect(retriever, queries, relevant, label))
    if args.json:
        print(json.dumps({"source": label, "questions": len(queries), "variants": results}, ensure_ascii=False))
    else:
        print(format_grid(f"fusion grid on {label} ({len(queries)} questions)", results))
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.suite:
        out = run_suite(args, settings)
        blocks = [(f"suite {out['suite']} (all answerable)", out["all"])]
        blocks += [(f"suite {out['suite']} ({s})", out[s]) for s in ("simplified", "traditional") if s in out]
    else:
        out = run_squad(args, settings)
        head = f"{Path(out['file']).name}: {out['questions']} questions over {out['paragraphs']} paragraphs"
        blocks = [(f"{head} (same script)", out["same_script"])]
        if "cross_script" in out:
            blocks.append((f"{head} (questions converted to the other script)", out["cross_script"]))
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print("\n".join(format_result(title, result) for title, result in blocks))
    return 0
