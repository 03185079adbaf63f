"""`dutykb eval`: run suites (or a SQuAD file), write reports, compare with a baseline, gate on thresholds."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from evals import fit_levels as levels
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
    p.add_argument("--fit-levels", action="store_true",
                   help="fit the level model on the dev suites (or the suites given) and write it (README \"Answer "
                        "levels\")")
    p.add_argument("--from-table", action="store_true",
                   help=f"(--fit-levels) refit from the stored dev features (evals/{levels.FEATURES_TABLE}) "
                        "instead of running the suites")
    p.add_argument("--level-model", type=Path, metavar="FILE", default=levels.SHIPPED_PATH,
                   help="(--fit-levels) where to write the model (default: the one shipped in the kb package)")
    p.add_argument("--ablate", action="store_true",
                   help="refit the level model (on the dev features of the shipped one) without each feature in "
                        "turn and print the totals on the suites given")


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


def print_totals(rows: list[tuple[str, dict[str, float | None]]]) -> None:
    print(f"  {'':24s}" + "".join(f"{name[:12]:>13s}" for name in levels.SHOWN_METRICS))
    for label, totals in rows:
        print(f"  {label:24s}" + "".join(f"{'–' if v is None else f'{v:.3f}':>13s}" for v in totals.values()))


def dev_suites(settings: Settings) -> list[Path]:
    return [settings.suites_dir / name for name in levels.DEV_SUITES]


def fit_level_model(args: argparse.Namespace, settings: Settings) -> int:
    if args.from_table:
        rows, samples = levels.read_rows(levels.FEATURES_PATH), []
    else:
        suites = [load_suite(p) for p in args.suites or dev_suites(settings)]
        with tqdm(total=sum(len(s.cases) for s in suites), desc="特征", disable=args.quiet, file=sys.stderr) as bar:
            samples = levels.collect(settings, suites, lambda: bar.update(1))
        rows = [s.row for s in samples]
        levels.write_rows(rows, levels.FEATURES_PATH)
    model = levels.fit(rows, about=levels.about(rows))
    levels.write(model, args.level_model)
    print(f"level model: {args.level_model} ({len(model.features)} features, thresholds off-topic "
          f"{model.off_topic.threshold:.3f}, answerable {model.answerable.threshold:.3f})")
    if samples:
        print_totals([("rules", levels.replay(samples, None)), ("fitted", levels.replay(samples, model))])
    return EXIT_OK


def ablate_levels(args: argparse.Namespace, settings: Settings) -> int:
    if not args.suites:
        raise SystemExit("--ablate needs the suites to score (e.g. a held-out suite)")
    scored = [load_suite(p) for p in args.suites]
    with tqdm(total=sum(len(s.cases) for s in scored), desc="特征", disable=args.quiet, file=sys.stderr) as bar:
        samples = levels.collect(settings, scored, lambda: bar.update(1))
    dev = levels.read_rows(levels.FEATURES_PATH)  # the dev features the shipped model was fitted on
    print(f"totals on {', '.join(p.name for p in args.suites)} ({len(samples)} cases); models fitted on "
          f"{len(dev)} dev cases (evals/{levels.FEATURES_TABLE})")
    print_totals(levels.ablate(dev, samples))
    return EXIT_OK


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.fit_levels:
        return fit_level_model(args, settings)
    if args.ablate:
        return ablate_levels(args, settings)
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
