"""`dutykb bench …`: quality (retrieval, fusion, ask) and performance (search, load, scale) benchmarks."""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from kb.errors import EXIT_ERROR, EXIT_OK
from kb.settings import Settings
from kb.stats import percentile

WARMUP_QUERIES = 5
DEFAULT_PAUSE_S = 0.5  # bench load: each asker asks about twice a second, far faster than people type
DEFAULT_SEARCH_ROUNDS = 200


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="bench", required=True, metavar="BENCH")
    for name, help_text in [("retrieval", "MRR@10 and Recall@1/5/10 for BM25, dense and fused"),
                            ("fusion", "compare fusion methods and weights on the same questions")]:
        _add_source_arguments(sub.add_parser(name, help=help_text))
    p = sub.add_parser("ask", aliases=["answers"], help="answer latency (warm and cold start), quality, abstention")
    p.add_argument("--suite", type=Path, default=Path("evals/suites/seed.yaml"), metavar="FILE",
                   help="questions to answer (default: evals/suites/seed.yaml)")
    p.add_argument("--calibrate", action="store_true", help="choose the abstention threshold on this suite")
    p.add_argument("--verbose", action="store_true", help="one line per case")
    p.add_argument("--home", help="index directory (default: $DUTYKB_HOME, else ./.dutykb)")
    p = sub.add_parser("levels", help="answer levels on SQuAD-format questions with and without their gold paragraph")
    p.add_argument("--squad", type=Path, required=True, metavar="FILE", help="DRCD or CMRC2018 dev JSON")
    p.add_argument("--sample", type=int, default=300, help="questions sampled (default 300)")
    p.add_argument("--seed", type=int, default=13, help="sampling seed (default 13)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--home", help="index directory (default: $DUTYKB_HOME, else ./.dutykb)")
    p = sub.add_parser("load", help="answer latency idle, with concurrent askers, while a busy loop holds a core "
                                    "and while `dutykb ingest --rebuild` runs (on a copy of the corpus and home)")
    p.add_argument("--askers", type=int, default=4, help="concurrent askers (threads sharing one knowledge base, "
                                                         "as the app's sessions; default 4)")
    p.add_argument("--seconds", type=float, default=30.0, help="how long each phase runs (default 30)")
    p.add_argument("--pause", type=float, default=DEFAULT_PAUSE_S, metavar="SECONDS",
                   help=f"an asker's mean pause between an answer and its next question (default {DEFAULT_PAUSE_S:g}; "
                        "0: ask at once, which saturates the cores)")
    p.add_argument("--ingest-own-session", action="store_true",
                   help="start the ingest in a session of its own, as from another terminal (where the kernel "
                        "groups CPU time by session, a nice value then ranks it only within that session)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--home", help="index directory (default: $DUTYKB_HOME, else ./.dutykb)")
    p = sub.add_parser("soak", help="readers, two curation writers and ingests together for N minutes: errors, "
                                    "lost edits, orphan files, disk, peak RSS")
    p.add_argument("--minutes", type=float, default=5.0, help="how long everything runs (default 5)")
    p.add_argument("--threads", type=int, default=2, help="reader threads in this process (default 2)")
    p.add_argument("--processes", type=int, default=2, help="reader processes (default 2)")
    p.add_argument("--ingest-every", type=float, default=30.0, metavar="SECONDS",
                   help="seconds between timed ingests, alternately plain and --rebuild (default 30)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--home", help="index directory (default: $DUTYKB_HOME, else ./.dutykb)")
    p = sub.add_parser("scale", help="synthetic corpus of N chunks: ingest throughput, search latency, memory, size")
    p.add_argument("--chunks", type=int, default=10_000, help="about how many chunks (default 10000)")
    p.add_argument("--source", default="corpus", help="corpus whose sentences seed the generator")
    p.add_argument("--home", help="index directory (default: $DUTYKB_HOME, else ./.dutykb)")
    p = sub.add_parser("curation", help="save an entry → answerable latency on a synthetic corpus of N chunks")
    p.add_argument("--chunks", type=int, default=1_000, help="about how many chunks (default 1000)")
    p.add_argument("--rounds", type=int, default=3, help="saves to time (default 3)")
    p.add_argument("--source", default="corpus", help="corpus whose sentences seed the generator")
    p.add_argument("--home", help="index directory (default: $DUTYKB_HOME, else ./.dutykb)")
    p = sub.add_parser("quiz", help="quiz generation time per role on the live index (p50/p95; target ≤ 200 ms)")
    p.add_argument("--rounds", type=int, default=5, help="quizzes per role, one seed each (default 5)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--home", help="index directory (default: $DUTYKB_HOME, else ./.dutykb)")
    p = sub.add_parser("search", help="warm search latency on the live index")
    p.add_argument("--rounds", type=int, default=DEFAULT_SEARCH_ROUNDS, help="timed searches (default 200)")
    p.add_argument("--home", help="index directory (default: $DUTYKB_HOME, else ./.dutykb)")


def _add_source_arguments(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--squad", type=Path, metavar="FILE",
                     help="SQuAD-format JSON (DRCD, CMRC2018): paragraph retrieval")
    src.add_argument("--suite", type=Path, metavar="FILE", help="a dutykb eval suite (YAML) against the live index")
    p.add_argument("--sample", type=int, help="score a seeded random sample of N questions")
    p.add_argument("--seed", type=int, default=13, help="sampling seed (default 13)")
    p.add_argument("--cross-script", action="store_true",
                   help="(--squad) also run with questions converted to the other script")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--home", help="index directory (default: $DUTYKB_HOME, else ./.dutykb)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.bench == "search":
        return bench_search(settings, args.rounds)
    if args.bench == "quiz":
        from apps.bench.quiz import print_quiz_bench

        return print_quiz_bench(settings, args.rounds, args.json)
    if args.bench == "levels":
        return bench_levels(settings, args.squad, args.sample, args.seed, args.json)
    if args.bench == "scale":
        from apps.bench.scale import run_scale

        r = run_scale(settings, args.chunks, Path(args.source))
        print(f"scale benchmark: {r['chunks']} chunks in {r['documents']} documents")
        print(f"  ingest: {r['ingest_s']:.1f} s ({r['ingest_chunks_per_s']:.1f} chunks/s, "
              f"{r['embedded_first_run']} embedded); with cached embeddings {r['ingest_cached_s']:.1f} s "
              f"({r['ingest_cached_chunks_per_s']:.1f} chunks/s)")
        print(f"  reader process: search p50 {r['search_p50_ms']:.1f} ms, p95 {r['search_p95_ms']:.1f} ms; "
              f"answer p50 {r['answer_p50_ms']:.1f} ms, p95 {r['answer_p95_ms']:.1f} ms; "
              f"peak RSS {r['reader_rss_mib']:.0f} MiB")
        for label, key in (("after open", "rss_open"), ("after the first question", "rss_first_query"),
                           (f"after {r['questions']} searches and answers", "rss_end")):
            m = r[key]
            if m:
                print(f"  reader RSS {label}: {m['rss']:.0f} MiB ({m['anon']:.0f} anonymous, {m['file']:.0f} "
                      "mapped files)")
        print(f"  index on disk {r['index_mib']:.1f} MiB")
        return EXIT_OK
    if args.bench == "curation":
        from apps.bench.curation import run_curation

        c = run_curation(settings, args.chunks, Path(args.source), args.rounds)
        print(f"curation benchmark: {c['chunks']} chunks in {c['documents']} documents "
              f"(first index {c['setup_s']:.1f} s)")
        for i, t in enumerate(c["rounds"], 1):
            print(f"  save {i}: answerable after {t['save_to_answerable_s']:.2f} s (ingest {t['ingest_s']:.2f} s, "
                  f"reopen + search {t['reopen_and_search_s']:.2f} s; {t['reprocessed']} document re-read, "
                  f"{t['embedded']} texts embedded; answerable: {t['answerable']})")
        print(f"  median save → answerable: {c['median_s']:.2f} s")
        return EXIT_OK if all(t["answerable"] for t in c["rounds"]) else EXIT_ERROR
    if args.bench == "soak":
        return print_soak(settings, args)
    if args.bench == "load":
        import json

        from apps.bench.load import passed, print_table, run_load

        result = run_load(settings, args.askers, args.seconds, args.pause, args.ingest_own_session)
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            print_table(result)
        return EXIT_OK if passed(result) else EXIT_ERROR
    from apps.bench import quality

    if args.bench in ("ask", "answers"):
        print(f"cold start to first answer (new process, existing index): {cold_start_seconds(settings):.2f} s")
        return quality.print_ask(settings, args.suite, args.calibrate, args.verbose)
    if args.bench == "fusion":
        return quality.print_fusion(settings, args.suite, args.squad, args.sample, args.seed, args.json)
    return quality.print_retrieval(settings, args.suite, args.squad, args.sample, args.seed, args.cross_script,
                                   args.json)


def print_soak(settings: Settings, args: argparse.Namespace) -> int:
    import json

    from apps.bench.soak import passed, run_soak

    r = run_soak(settings, args.minutes, args.threads, args.processes, args.ingest_every)
    if args.json:
        print(json.dumps(r, ensure_ascii=False))
        return EXIT_OK if passed(r) else EXIT_ERROR
    print(f"soak: {r['minutes']:g} min, {r['readers']} readers, 2 writers, timed ingests every {args.ingest_every:g} s")
    print(f"  calls {r['calls']}, errors {r['errors']} {r['first_errors']}")
    print(f"  saves accepted {r['saves']}, refused as stale {r['stale_refused']}, publishes {r['publishes']}")
    print(f"  lost edits {r['lost_edits']} {r['lost']}; saves not indexed at the end {len(r['unindexed'])} "
          f"{r['unindexed'][:3]}")
    print(f"  orphans {len(r['orphans'])} {r['orphans'][:5]}")
    print(f"  disk (builds + vector store) {r['disk_mib']:.1f} MiB = {r['builds_worth']:.2f} builds' worth "
          f"(one build {r['one_build_mib']:.1f} MiB); peak RSS {r['peak_rss_mib']:.0f} MiB")
    return EXIT_OK if passed(r) else EXIT_ERROR
def bench_levels(settings: Settings, squad: Path, sample: int, seed: int, as_json: bool) -> int:
    """Leave-gold-out (evals.leave_out): levels with the gold paragraph and without it, per threshold."""
    import json

    from evals.leave_out import leave_gold_out

    out = leave_gold_out(settings, squad, sample, seed)
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return EXIT_OK
    print(f"{Path(out['file']).name}: {out['questions']} questions, each with and without its gold paragraph")
    print(f"  {'abstain_below':>13s} {'gold: answered':>15s} {'gold: none':>11s} {'no gold: none/partial':>22s} "
          f"{'no gold: none':>14s}")
    for row in out["curve"]:
        mark = "  ← setting" if abs(row["threshold"] - settings.abstain_below) < 1e-9 else ""
        print(f"  {row['threshold']:13.3f} {row['with_gold_answered']:15.3f} {row['with_gold_none']:11.3f} "
              f"{row['without_gold_none_or_partial']:22.3f} {row['without_gold_none']:14.3f}{mark}")
    return EXIT_OK


def bench_search(settings: Settings, rounds: int) -> int:
    from kb.access import EVERYONE
    from kb.knowledge import KnowledgeBase
    from kb.retrieve import MODES, HybridRetriever, Mode

    kb = KnowledgeBase(settings)
    retriever = HybridRetriever(kb)
    roles = kb.roles_for(EVERYONE)
    queries = [f"{role.name}的职责" for role in roles] + [d.text[:12] for r in roles for d in r.duties[:2]]
    queries = queries or [c.text[:12] for c in kb.build.chunks[:20]]
    for q in queries[:WARMUP_QUERIES]:
        retriever.search(q)
    timings: dict[Mode, list[float]] = {mode: [] for mode in MODES}
    for i in range(rounds):
        q = queries[i % len(queries)]
        for mode, bucket in timings.items():
            kb.clear_query_cache()  # time the query embedding too, as for a new question
            start = time.perf_counter()
            retriever.search(q, mode=mode)
            bucket.append((time.perf_counter() - start) * 1000)
    print(f"warm search latency over {rounds} queries on {len(kb.build.chunks)} chunks (ms):")
    for mode, values in timings.items():
        print(f"  {mode:7s} p50 {statistics.median(values):6.2f}  p95 {percentile(values, 95):6.2f}  "
              f"max {max(values):6.2f}")
    return EXIT_OK


COLD_START_SCRIPT = """
import time
start = time.perf_counter()
from kb.settings import load_settings
from kb.knowledge import KnowledgeBase
from kb.answer import Answerer
Answerer(KnowledgeBase(load_settings(home={home!r}))).answer("交接班要提前多久到岗")
print(time.perf_counter() - start)
"""


def cold_start_seconds(settings: Settings) -> float:
    """Imports, index load, model load and one answer, in a fresh interpreter (what the app pays once)."""
    import subprocess
    import sys

    script = COLD_START_SCRIPT.format(home=str(settings.home))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])
