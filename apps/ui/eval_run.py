"""Run evaluation suites from the app, case by case so the page can show progress.

The report is assembled by the same function `dutykb eval` uses and saved in the same
runs directory with the previous run as baseline, so runs from the app and the CLI form
one history. It scores the app's already-loaded knowledge base instead of a second copy.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from apps.cli.eval import RUN_ID_TIME, assemble_report, compare_with_previous, runs_dir
from evals.report import write_reports
from evals.runner import run_case
from evals.suite import Suite, load_suite
from kb.access import Audience
from kb.retrieve import HybridRetriever
from apps.ui.resources import Services

Progress = Callable[[int, int, str], None]  # (cases done, cases in all, id of the case just scored)


def load_suites(paths: list[Path]) -> list[Suite]:
    """Raises SuiteError naming the file and line of the first problem."""
    return [load_suite(path) for path in paths]


def run(services: Services, suites: list[Suite], progress: Progress, audience: Audience) -> tuple[dict, Path]:
    """Score every case as `audience` is answered, compare with the latest earlier run, save;
    returns (report, its report.json)."""
    cases = [case for suite in suites for case in suite.cases]
    retriever = HybridRetriever(services.kb)
    results = []
    for done, case in enumerate(cases, 1):
        results.append(run_case(case, retriever, services.answerer, audience))
        progress(done, len(cases), case.id)
    report = assemble_report(services.kb, services.settings, suites, results, audience)
    compare_with_previous(report, services.settings)
    paths = write_reports(report, runs_dir(services.settings) / report["run_id"])
    return report, paths["json"]


def run_time(report_path: Path) -> datetime:
    """When a run was made, from its directory name (no need to read the report); ValueError if not a run id."""
    stamp = report_path.parent.name.split("-", 1)[0]
    return datetime.strptime(stamp, RUN_ID_TIME).replace(tzinfo=UTC)
