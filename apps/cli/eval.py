"""`dutykb eval`: run suites (or a SQuAD file), write reports, compare with a baseline, gate on thresholds."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from evals.gate import load_gate
from evals.render import reason_text
from evals.report import RunReport, parse_fail_under
from evals.runs import ReportFiles, RunStore, evaluate, write_report
from evals.suite import load_suite
from kb.errors import EXIT_OK, EXIT_REGRESSION
from kb.knowledge import KnowledgeBase
from kb.settings import Settings

DEFAULT_SQUAD_SEED = 13


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("suites", nargs="*", type=Path, help="suite YAML files (default: every *.yaml in the suites "
                                                         "folder, $DUTYKB_SUITES_DIR or ./evals/suites)")
    p.add_argument("--squad", type=Path, metavar="FILE", help="score a SQuAD-format file instead of suites")
    p.add_argument("--sample", type=int, help="(--squad) a seeded random sample of N questions")
    p.add_argument("--seed", type=int, default=DEFAULT_SQUAD_SEED, help="sampling seed (default 13)")
    p.add_argument("--report", type=Path, metavar="DIR", help="also write report.{json,md,html} here")
    p.add_argument("--baseline", type=Path, metavar="RUN.json",
                   help="compare with this run (default: the previous run under $DUTYKB_HOME/evals/runs)")
    p.add_argument("--no-baseline", action="store_true", help="do not compare with any earlier run")
    p.add_argument("--fail-under", action="append", default=[], metavar="METRIC=VALUE",
                   help="exit 4 when METRIC is below VALUE, e.g. retrieval.hybrid.R@5=0.95 (repeatable)")
    p.add_argument("--gate", type=Path, metavar="FILE",
                   help="exit 4 when a suite misses a figure in this gate file (e.g. evals/gate.yaml)")
    p.add_argument("--json", action="store_true", help="print the run JSON instead of the summary")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def print_summary(report: RunReport, files: ReportFiles) -> None:
    s = report.summary
    print(f"eval {report.run_id}: {s.cases} cases ({s.answerable} answerable)")
    for mode, m in s.retrieval.items():
        print(f"  {mode:7s} R@1 {m['R@1']:.3f}  R@5 {m['R@5']:.3f}  R@10 {m['R@10']:.3f}  "
              f"MRR@10 {m['MRR@10']:.3f}  nDCG@10 {m['nDCG@10']:.3f}")
    for name, value in s.answers.items():
        print(f"  {name:22s} {'–' if value is None else f'{value:.3f}'}")
    failing = [f"{c.id} ({reason_text(c.reason)})" for c in report.cases if not c.passed]
    print(f"  failing cases: {', '.join(failing) or 'none'}")
    if report.baseline:
        b = report.baseline
        print(f"  vs {b.run_id}: newly failing {b.newly_failing or 'none'}, newly passing {b.newly_passing or 'none'}")
    for t in report.thresholds:
        bound = f"min {t.min}" if t.min is not None else f"max {t.max}"
        print(f"  {'ok    ' if t.ok else 'MISSED'} {t.metric} = {t.value:.3f} ({bound})")
    print(f"  report: {files.html}")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.squad:
        from apps.bench.quality import print_squad_eval

        return print_squad_eval(settings, args.squad, args.sample, args.seed, args.json, args.quiet)
    suites = [load_suite(p) for p in args.suites or sorted(settings.suites_dir.glob("*.yaml"))]
    thresholds = [parse_fail_under(spec) for spec in args.fail_under] + (load_gate(args.gate) if args.gate else [])
    cases = sum(len(s.cases) for s in suites)
    with tqdm(total=cases, desc="评测", unit="case", disable=args.quiet, file=sys.stderr) as bar:
        report, files = evaluate(
            KnowledgeBase(settings), settings, suites, RunStore(settings.home),
            progress=lambda done, total, case_id: bar.update(1), baseline=args.baseline,
            compare_previous=not args.no_baseline, thresholds=thresholds)
    if args.report:
        files = write_report(report, args.report)
    if args.json:
        print(report.model_dump_json())
    else:
        print_summary(report, files)
    return EXIT_REGRESSION if report.missed_thresholds else EXIT_OK
