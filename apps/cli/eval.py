"""`dutykb eval`: run suites (or a SQuAD file), write reports, compare with a baseline, gate on thresholds."""
from __future__ import annotations

import argparse
import json
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

from evals.coverage import coverage
from evals.report import REPORT_VERSION, check_thresholds, compare, write_reports
from evals.runner import run_cases
from evals.scoring import breakdown, summarize
from evals.suite import Suite, SuiteError, load_suite
from kb.access import EVERYONE, Audience
from kb.knowledge import KnowledgeBase
from kb.settings import Settings

RUNS_DIRNAME = Path("evals") / "runs"
RUN_ID_TIME = "%Y%m%dT%H%M%S"
RUN_ID_SUFFIX_CHARS = 4
EXIT_THRESHOLD_MISSED = 4


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("suites", nargs="*", type=Path, help="suite YAML files (default: evals/suites/*.yaml)")
    p.add_argument("--squad", type=Path, metavar="FILE", help="score a SQuAD-format file instead of suites")
    p.add_argument("--sample", type=int, help="(--squad) a seeded random sample of N questions")
    p.add_argument("--seed", type=int, default=13, help="sampling seed (default 13)")
    p.add_argument("--report", type=Path, metavar="DIR", help="also write report.{json,md,html} here")
    p.add_argument("--baseline", type=Path, metavar="RUN.json",
                   help="compare with this run (default: the previous run under $DUTYKB_HOME/evals/runs)")
    p.add_argument("--no-baseline", action="store_true", help="do not compare with any earlier run")
    p.add_argument("--fail-under", action="append", default=[], metavar="METRIC=VALUE",
                   help="exit non-zero when METRIC is below VALUE, e.g. retrieval.hybrid.R@5=0.95 (repeatable)")
    p.add_argument("--json", action="store_true", help="print the run JSON instead of the summary")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def runs_dir(settings: Settings) -> Path:
    return settings.home / RUNS_DIRNAME


def list_runs(settings: Settings) -> list[Path]:
    """Earlier run reports, oldest first."""
    return sorted(runs_dir(settings).glob("*/report.json"))


def _default_suites() -> list[Path]:
    return sorted(Path("evals/suites").glob("*.yaml"))


def shown_visibility(kb: KnowledgeBase, results: list) -> list[list[str]]:
    """The distinct `visibility` lists of restricted chunks a report quotes (retrieved or cited).

    Reports are shared files; the evals page shows a run only to viewers who may see all of these.
    """
    build = kb.build
    found = set()
    for result in results:
        for ref in [*result.retrieved, *result.citations]:
            position = build.position.get(ref["chunk_id"])
            if position is not None and build.chunks[position].visibility:
                found.add(tuple(build.chunks[position].visibility))
    return [list(v) for v in sorted(found)]


def may_view_report(report: dict, audience: Audience) -> bool:
    return all(audience.may_see(v) for v in report.get("shown_visibility", []))


def assemble_report(kb: KnowledgeBase, settings: Settings, suites: list[Suite], results: list,
                    audience: Audience = EVERYONE) -> dict:
    """The run JSON (stable, documented in README "Evaluation") from scored cases."""
    cases = [c for s in suites for c in s.cases]
    manifest = kb.build.manifest
    now = datetime.now(timezone.utc)
    return {
        "version": REPORT_VERSION,
        "run_id": now.strftime(RUN_ID_TIME) + "-" + uuid.uuid4().hex[:RUN_ID_SUFFIX_CHARS],
        "created": now.isoformat(timespec="seconds"),
        "suites": [{"name": s.name, "path": str(s.path), "cases": len(s.cases)} for s in suites],
        "index": {"build_id": manifest.build_id, "embedder": manifest.embedder, "chunks": manifest.chunks,
                  "fusion": settings.fusion},
        "summary": summarize(results),
        "by_suite": breakdown(results, lambda r: [r.suite]),
        "by_tag": breakdown(results, lambda r: r.tags),
        "by_role": breakdown(results, lambda r: [r.role] if r.role else []),
        "coverage": coverage(kb.roles_for(audience), cases),
        "audience": {"unrestricted": audience.unrestricted, "groups": sorted(audience.groups)},
        "shown_visibility": shown_visibility(kb, results),
        "cases": [r.to_json() for r in results],
        "baseline": None,
        "thresholds": [],
    }


def compare_with_previous(report: dict, settings: Settings, baseline: Path | None = None) -> None:
    """Fill report['baseline'] from the given run, else from the latest earlier run, if any."""
    previous = list_runs(settings)
    path = baseline or (previous[-1] if previous else None)
    if path:
        report["baseline"] = compare(report, json.loads(Path(path).read_text(encoding="utf-8")))


def build_report(settings: Settings, suite_paths: list[Path], show: bool) -> dict:
    suites = [load_suite(p) for p in suite_paths]
    kb = KnowledgeBase(settings)
    results = run_cases(kb, [c for s in suites for c in s.cases], show=show)
    return assemble_report(kb, settings, suites, results)


def print_summary(report: dict, paths: dict) -> None:
    s = report["summary"]
    print(f"eval {report['run_id']}: {s['cases']} cases ({s['answerable']} answerable)")
    for mode, m in s["retrieval"].items():
        print(f"  {mode:7s} R@1 {m['R@1']:.3f}  R@5 {m['R@5']:.3f}  R@10 {m['R@10']:.3f}  "
              f"MRR@10 {m['MRR@10']:.3f}  nDCG@10 {m['nDCG@10']:.3f}")
    for name, value in s["answers"].items():
        print(f"  {name:22s} {'–' if value is None else f'{value:.3f}'}")
    failing = [c["id"] for c in report["cases"] if not c["passed"]]
    print(f"  failing cases: {', '.join(failing) or 'none'}")
    if report["baseline"]:
        b = report["baseline"]
        print(f"  vs {b['run_id']}: newly failing {b['newly_failing'] or 'none'}, newly passing {b['newly_passing'] or 'none'}")
    for t in report["thresholds"]:
        print(f"  {'ok    ' if t['ok'] else 'MISSED'} {t['metric']} = {t['value']:.3f} (min {t['min']})")
    print(f"  report: {paths['html']}")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.squad:
        from evals.squad_eval import run_squad_eval

        return run_squad_eval(args, settings)
    try:
        report = build_report(settings, args.suites or _default_suites(), show=not args.quiet)
        if not args.no_baseline:
            compare_with_previous(report, settings, args.baseline)
        report["thresholds"] = check_thresholds(report, args.fail_under)
    except (SuiteError, ValueError, OSError) as exc:
        print(f"dutykb eval: {exc}", file=sys.stderr)
        return 2
    paths = write_reports(report, runs_dir(settings) / report["run_id"])
    if args.report:
        paths = write_reports(report, args.report)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print_summary(report, paths)
    return EXIT_THRESHOLD_MISSED if any(not t["ok"] for t in report["thresholds"]) else 0
