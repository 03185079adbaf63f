"""`dutykb eval --squad FILE`: paragraph retrieval and extractive-answer span hits on DRCD/CMRC-style data."""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from tqdm import tqdm

from evals.metrics import first_relevant_rank
from kb.stats import percentile
from evals.metrics import summarize as rank_summary
from evals.retrieval_bench import squad_queries
from kb.answer import Answerer
from kb.normalize import normalize
from kb.retrieve import MODES

CUTOFF = 10


def gold_answers(path, questions) -> dict[str, list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    gold = {}
    for article in data["data"]:
        for para in article["paragraphs"]:
            for qa in para["qas"]:
                gold[qa["question"]] = [a["text"] for a in qa["answers"]]
    return gold


def run_squad_eval(args: argparse.Namespace, settings) -> int:
    retriever, questions, relevant, chunks = squad_queries(args, settings)
    answerer = Answerer(retriever.kb)
    gold = gold_answers(args.squad, questions)
    ranks = {m: [] for m in MODES}
    span_hits, latencies = 0, []
    for question, target in tqdm(questions, desc=args.squad.stem, unit="q", disable=args.quiet, file=sys.stderr):
        for mode in MODES:
            hits = retriever.search(question, k=CUTOFF, mode=mode)
            ranks[mode].append(first_relevant_rank([relevant(h.chunk, target) for h in hits]))
        start = time.perf_counter()
        answer = answerer.extract(question)
        latencies.append((time.perf_counter() - start) * 1000)
        first = normalize(answer.citations[0].quote) if answer.citations else ""
        span_hits += any(normalize(g) in first for g in gold.get(question, []))
    out = {"file": str(args.squad), "questions": len(questions), "paragraphs": len(chunks),
           "retrieval": {m: rank_summary(r) for m, r in ranks.items()},
           "first_citation_has_answer": span_hits / max(1, len(questions)),
           "answer_latency_ms": {"p50": statistics.median(latencies) if latencies else 0.0,
                                 "p95": percentile(latencies, 95)}}
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(f"{args.squad.name}: {len(questions)} questions over {len(chunks)} paragraphs")
    for mode, m in out["retrieval"].items():
        print(f"  {mode:7s} MRR@10 {m['MRR@10']:.3f}  R@1 {m['R@1']:.3f}  R@5 {m['R@5']:.3f}  R@10 {m['R@10']:.3f}")
    print(f"  first cited sentence contains the gold answer: {out['first_citation_has_answer']:.3f}")
    print(f"  answer latency p50 {out['answer_latency_ms']['p50']:.1f} ms, p95 {out['answer_latency_ms']['p95']:.1f} ms")
    return 0
