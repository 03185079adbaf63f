"""Printing for the quality benchmarks: `bench retrieval`, `bench fusion`, `bench ask` and `eval --squad`."""
from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from evals import answer_bench
from evals.fusion_grid import collect, score_grid
from evals.metrics import CUTOFF
from evals.retrieval_bench import SuiteSet, suite_retrieval
from evals.squad import SquadSet, squad_answers, squad_retrieval
from evals.suite import load_suite
from kb.errors import EXIT_OK
from kb.retrieve import MODES
from kb.settings import Settings
from kb.stats import percentile

P95 = 95
MRR = f"MRR@{CUTOFF}"


def format_result(title: str, result: dict) -> str:
    lines = [title, f"  {'retriever':9s} {MRR:>7s} {'R@1':>7s} {'R@5':>7s} {'R@10':>7s}   n"]
    for mode in MODES:
        m = result[mode]
        lines.append(f"  {mode:9s} {m[MRR]:7.3f} {m['R@1']:7.3f} {m['R@5']:7.3f} {m['R@10']:7.3f}   {m['n']}")
    lat = result["latency_ms"]
    lines.append(f"  hybrid search latency p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms")
    return "\n".join(lines)


def format_grid(title: str, results: dict[str, dict]) -> str:
    lines = [title, f"  {'variant':30s} {MRR:>7s} {'R@1':>7s} {'R@5':>7s} {'R@10':>7s}"]
    for name, m in results.items():
        lines.append(f"  {name:30s} {m[MRR]:7.3f} {m['R@1']:7.3f} {m['R@5']:7.3f} {m['R@10']:7.3f}")
    return "\n".join(lines)


def print_retrieval(settings: Settings, suite: Path | None, squad: Path | None, sample: int | None, seed: int,
                    cross_script: bool, as_json: bool) -> int:
    if suite:
        out = suite_retrieval(SuiteSet(settings, suite, sample, seed))
        blocks = [(f"suite {out['suite']} (all answerable)", out["all"])]
        blocks += [(f"suite {out['suite']} ({s})", out[s]) for s in ("simplified", "traditional") if s in out]
    else:
        assert squad is not None
        out = squad_retrieval(SquadSet(settings, squad, sample, seed), cross_script)
        head = f"{Path(out['file']).name}: {out['questions']} questions over {out['paragraphs']} paragraphs"
        blocks = [(f"{head} (same script)", out["same_script"])]
        if "cross_script" in out:
            blocks.append((f"{head} (questions converted to the other script)", out["cross_script"]))
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print("\n".join(format_result(title, result) for title, result in blocks))
    return EXIT_OK


def print_fusion(settings: Settings, suite: Path | None, squad: Path | None, sample: int | None, seed: int,
                 as_json: bool) -> int:
    chosen: SuiteSet | SquadSet
    if suite:
        chosen = SuiteSet(settings, suite, sample, seed)
        queries: Sequence[tuple[str, Any]] = chosen.queries
        label = chosen.name
    else:
        assert squad is not None
        chosen = SquadSet(settings, squad, sample, seed)
        queries, label = chosen.questions, squad.stem
    results = score_grid(collect(chosen.retriever, queries, chosen.is_relevant, label))
    if as_json:
        print(json.dumps({"source": label, "questions": len(queries), "variants": results}, ensure_ascii=False))
    else:
        print(format_grid(f"fusion grid on {label} ({len(queries)} questions)", results))
    return EXIT_OK


def print_squad_eval(settings: Settings, path: Path, sample: int | None, seed: int, as_json: bool,
                     quiet: bool) -> int:
    squad = SquadSet(settings, path, sample, seed)
    with tqdm(total=len(squad.questions), desc=path.stem, unit="q", disable=quiet, file=sys.stderr) as bar:
        out = squad_answers(squad, bar.update)
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return EXIT_OK
    print(f"{path.name}: {out['questions']} questions over {out['paragraphs']} paragraphs")
    for mode, m in out["retrieval"].items():
        print(f"  {mode:7s} {MRR} {m[MRR]:.3f}  R@1 {m['R@1']:.3f}  R@5 {m['R@5']:.3f}  R@10 {m['R@10']:.3f}")
    print(f"  first cited sentence contains the gold answer: {out['first_citation_has_answer']:.3f}")
    latency = out["answer_latency_ms"]
    print(f"  answer latency p50 {latency['p50']:.1f} ms, p95 {latency['p95']:.1f} ms")
    return EXIT_OK


def print_ask(settings: Settings, suite: Path, calibrate: bool, verbose: bool) -> int:
    cases = load_suite(suite).cases
    outcomes = answer_bench.collect(settings.with_overrides(abstain_below=answer_bench.NO_ABSTENTION), cases)
    threshold = answer_bench.calibrate(outcomes) if calibrate else settings.abstain_below
    result = answer_bench.rates(outcomes, threshold)
    latencies = [o.ms for o in outcomes]
    print(f"{len(cases)} cases ({sum(not c.abstain for c in cases)} answerable), abstain_below={threshold}")
    for name, value in result.items():
        print(f"  {name:24s} {value:.3f}")
    print(f"  latency ms               p50 {statistics.median(latencies):.1f}  p95 {percentile(latencies, P95):.1f}")
    if verbose:
        for o in outcomes:
            state = "abstain" if o.answer.confidence < threshold else ("ok" if o.evidence_found else "MISS")
            if o.case.abstain:
                state = "ok" if o.answer.confidence < threshold else "ANSWERED"
            print(f"  {o.answer.confidence:6.3f} {state:8s} {o.case.id:32s} {o.case.question}")
    return EXIT_OK
