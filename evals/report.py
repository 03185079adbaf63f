"""The run report: what one evaluation run measured, compared with an earlier run and checked against thresholds.

The JSON form (`dutykb eval --json`, `<run>/report.json`) is documented in README "Evaluation";
metric names for thresholds are the dotted paths of `summary`, e.g. `retrieval.hybrid.R@5`.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from evals.coverage import Coverage, coverage
from evals.runner import CaseResult
from evals.scoring import Summary, breakdown, flatten, summarize_results
from evals.suite import Suite
from kb.access import EVERYONE, Audience
from kb.errors import DutyKBError
from kb.knowledge import KnowledgeBase

REPORT_VERSION = 1
RUN_ID_TIME = "%Y%m%dT%H%M%S"
RUN_ID_SUFFIX_CHARS = 4


class ThresholdError(DutyKBError):
    """A --fail-under spec that names no metric or has no value."""


class SuiteRef(BaseModel):
    name: str
    path: str
    cases: int


class IndexInfo(BaseModel):
    build_id: str | None = None
    embedder: str | None = None
    chunks: int | None = None
    fusion: str | None = None


class AudienceInfo(BaseModel):
    unrestricted: bool = True
    groups: list[str] = Field(default_factory=list)


class Delta(BaseModel):
    before: float
    after: float
    delta: float


class Comparison(BaseModel):
    run_id: str | None
    deltas: dict[str, Delta]
    newly_failing: list[str]
    newly_passing: list[str]


class ThresholdCheck(BaseModel):
    metric: str
    min: float
    value: float
    ok: bool


class RunReport(BaseModel):
    version: int = REPORT_VERSION
    run_id: str
    created: str
    suites: list[SuiteRef]
    index: IndexInfo
    summary: Summary
    by_suite: dict[str, Summary] = Field(default_factory=dict)
    by_tag: dict[str, Summary] = Field(default_factory=dict)
    by_role: dict[str, Summary] = Field(default_factory=dict)
    coverage: Coverage | None = None
    audience: AudienceInfo = Field(default_factory=AudienceInfo)
    shown_visibility: list[list[str]] = Field(default_factory=list)
    cases: list[CaseResult] = Field(default_factory=list)
    baseline: Comparison | None = None
    thresholds: list[ThresholdCheck] = Field(default_factory=list)

    def viewable_by(self, audience: Audience) -> bool:
        """Reports are shared files: shown only to viewers who may see every restricted entry they quote."""
        return all(audience.may_see(v) for v in self.shown_visibility)

    def flat_metrics(self) -> dict[str, float]:
        return flatten(self.summary.model_dump())

    @property
    def missed_thresholds(self) -> list[ThresholdCheck]:
        return [t for t in self.thresholds if not t.ok]


def new_run_id(now: datetime) -> str:
    return now.strftime(RUN_ID_TIME) + "-" + uuid.uuid4().hex[:RUN_ID_SUFFIX_CHARS]


def run_time(run_id: str) -> datetime:
    """When a run was made, from its id; ValueError if it is not a run id."""
    return datetime.strptime(run_id.split("-", 1)[0], RUN_ID_TIME).replace(tzinfo=UTC)


def shown_visibility(kb: KnowledgeBase, results: list[CaseResult]) -> list[list[str]]:
    """The distinct `visibility` lists of restricted chunks a report quotes (retrieved or cited)."""
    build = kb.build
    found = set()
    for result in results:
        for chunk_id in [r.chunk_id for r in result.retrieved] + [c["chunk_id"] for c in result.citations]:
            position = build.position.get(chunk_id)
            if position is not None and build.chunks[position].visibility:
                found.add(tuple(build.chunks[position].visibility))
    return [list(v) for v in sorted(found)]


def assemble_report(kb: KnowledgeBase, fusion: str, suites: list[Suite], results: list[CaseResult],
                    audience: Audience = EVERYONE) -> RunReport:
    cases = [c for s in suites for c in s.cases]
    manifest = kb.build.manifest
    now = datetime.now(UTC)
    return RunReport(
        run_id=new_run_id(now), created=now.isoformat(timespec="seconds"),
        suites=[SuiteRef(name=s.name, path=str(s.path), cases=len(s.cases)) for s in suites],
        index=IndexInfo(build_id=manifest.build_id, embedder=manifest.embedder, chunks=manifest.chunks,
                        fusion=fusion),
        summary=summarize_results(results),
        by_suite=breakdown(results, lambda r: [r.suite]),
        by_tag=breakdown(results, lambda r: r.tags),
        by_role=breakdown(results, lambda r: [r.role] if r.role else []),
        coverage=coverage(kb.roles_for(audience), cases),
        audience=AudienceInfo(unrestricted=audience.unrestricted, groups=sorted(audience.groups)),
        shown_visibility=shown_visibility(kb, results),
        cases=results,
    )


def compare(current: RunReport, baseline: RunReport) -> Comparison:
    """Per-metric deltas and the cases that newly fail or newly pass."""
    now, before = current.flat_metrics(), baseline.flat_metrics()
    deltas = {k: Delta(before=before[k], after=v, delta=v - before[k]) for k, v in now.items() if k in before}
    old = {c.id: c.passed for c in baseline.cases}
    new = {c.id: c.passed for c in current.cases}
    return Comparison(
        run_id=baseline.run_id, deltas=deltas,
        newly_failing=sorted(i for i, ok in new.items() if not ok and old.get(i) is True),
        newly_passing=sorted(i for i, ok in new.items() if ok and old.get(i) is False),
    )


def check_thresholds(report: RunReport, specs: list[str]) -> list[ThresholdCheck]:
    """`METRIC=VALUE` specs against the summary, e.g. answers.evidence_in_answer=0.9."""
    flat = report.flat_metrics()
    checks = []
    for spec in specs:
        name, sep, value = spec.partition("=")
        if not sep:
            raise ThresholdError(f"--fail-under takes METRIC=VALUE, not '{spec}'")
        if name not in flat:
            raise ThresholdError(f"unknown metric '{name}'; known: {', '.join(sorted(flat))}")
        try:
            minimum = float(value)
        except ValueError:
            raise ThresholdError(f"--fail-under {name}: '{value}' is not a number") from None
        checks.append(ThresholdCheck(metric=name, min=minimum, value=flat[name], ok=flat[name] >= minimum))
    return checks
