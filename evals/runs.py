"""Evaluation runs: score suites, compare with the previous run, check thresholds, keep every report.

`dutykb eval` and the app's 评测 page both call `evaluate`, so runs from either form one
history under `<home>/evals/runs/<run_id>/report.{json,md,html}`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from evals.indexes import corpus_kb
from evals.render import to_html, to_markdown
from evals.report import RunReport, Scored, Threshold, assemble_report, check_thresholds, compare
from evals.runner import Progress, run_cases
from evals.suite import Suite
from kb.access import EVERYONE, Audience
from kb.answer import Answerer
from kb.atomic import atomic_write_text
from kb.embed import Embedder
from kb.errors import DutyKBError
from kb.knowledge import KnowledgeBase
from kb.settings import Settings

RUNS_DIRNAME = Path("evals") / "runs"
REPORT_JSON, REPORT_MD, REPORT_HTML = "report.json", "report.md", "report.html"


class BaselineError(DutyKBError):
    """The run given as the baseline cannot be read."""


@dataclass(frozen=True)
class ReportFiles:
    json: Path
    md: Path
    html: Path


def write_report(report: RunReport, directory: Path) -> ReportFiles:
    directory.mkdir(parents=True, exist_ok=True)
    files = ReportFiles(directory / REPORT_JSON, directory / REPORT_MD, directory / REPORT_HTML)
    atomic_write_text(files.json, report.model_dump_json(indent=1))
    atomic_write_text(files.md, to_markdown(report))
    atomic_write_text(files.html, to_html(report))
    return files


def read_report(path: Path) -> RunReport | None:
    """A saved report, or None when the file is missing or not a report."""
    try:
        return RunReport.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, ValidationError):
        return None


class RunStore:
    """The reports of earlier runs, one directory per run, oldest first by run id."""

    def __init__(self, home: Path) -> None:
        self.root = home / RUNS_DIRNAME

    def paths(self) -> list[Path]:
        return sorted(self.root.glob(f"*/{REPORT_JSON}"))

    def latest(self) -> Path | None:
        paths = self.paths()
        return paths[-1] if paths else None

    def save(self, report: RunReport) -> ReportFiles:
        return write_report(report, self.root / report.run_id)


def score_groups(kb: KnowledgeBase, settings: Settings, suites: list[Suite], audience: Audience = EVERYONE,
                 progress: Progress | None = None, answerer: Answerer | None = None) -> list[Scored]:
    """Score suites grouped by corpus: suites without `corpus` on `kb` (the live index), the others each on an
    index of their own corpus (built or updated first). One embedder serves every index."""
    order: dict[Path | None, list[Suite]] = {}
    for suite in suites:
        order.setdefault(suite.corpus, []).append(suite)
    total = sum(len(s.cases) for s in suites)
    done = 0

    def step(_done: int, _total: int, case_id: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, case_id)

    groups: list[Scored] = []
    # the live index's embedder (already loaded in the app) serves the suites with their own corpus too
    shared: Embedder | None = kb.embedder if None in order else None
    for corpus, members in order.items():
        skipped: list[str] = []
        if corpus is None:
            group_kb, group_answerer = kb, answerer
        else:
            group_kb, ingest_report = corpus_kb(settings, corpus, shared)
            group_answerer = None
            skipped = [f"{s.path}: {s.reason}" for s in ingest_report.skipped]
        shared = shared or group_kb.embedder
        cases = [case for suite in members for case in suite.cases]
        results = run_cases(group_kb, cases, audience=audience, progress=step, answerer=group_answerer)
        groups.append(Scored(group_kb, members, results, corpus, skipped))
    return groups


def evaluate(kb: KnowledgeBase, settings: Settings, suites: list[Suite], store: RunStore,
             audience: Audience = EVERYONE, progress: Progress | None = None, baseline: Path | None = None,
             compare_previous: bool = True, thresholds: list[Threshold] | None = None,
             answerer: Answerer | None = None) -> tuple[RunReport, ReportFiles]:
    """Score every case of `suites` as `audience`, compare with `baseline` (default: the latest run), check
    `thresholds`, and save the report in `store`."""
    groups = score_groups(kb, settings, suites, audience, progress, answerer)
    report = assemble_report(groups, settings.fusion, audience)
    report.thresholds = check_thresholds(report, thresholds or [])
    earlier = baseline or (store.latest() if compare_previous else None)
    previous = read_report(earlier) if earlier else None
    if baseline is not None and previous is None:
        raise BaselineError(f"{baseline}: not a dutykb eval report (report.json of an earlier run)")
    if previous is not None:
        report.baseline = compare(report, previous)
    return report, store.save(report)
