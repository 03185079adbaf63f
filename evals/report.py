"""The run report: what one evaluation run measured, compared with an earlier run and checked against thresholds.

The JSON form (`dutykb eval --json`, `<run>/report.json`) is documented in README "Evaluation";
metric names for thresholds are the dotted paths of `summary`, e.g. `retrieval.hybrid.R@5`.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from evals.coverage import Coverage, coverage, merge_coverage
from evals.coverage import shown_visibility as coverage_visibility
from evals.roles_check import RoleCheck, check_roles, listed_documents, load_expected
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
    corpus: str | None = None  # None: the live index; else the folder a suite named
    skipped: list[str] = Field(default_factory=list)  # corpus files that could not be indexed, with why


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


class Threshold(BaseModel):
    """A bound a metric must keep: at least (`min`) or at most (`max`) `limit`."""

    metric: str
    bound: Literal["min", "max"] = "min"
    limit: float


class ThresholdCheck(BaseModel):
    metric: str
    min: float | None = None
    max: float | None = None
    value: float
    ok: bool


class RunReport(BaseModel):
    version: int = REPORT_VERSION
    run_id: str
    created: str
    suites: list[SuiteRef]
    index: IndexInfo
    indexes: list[IndexInfo] = Field(default_factory=list)  # one per corpus the suites asked about
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
    roles: dict[str, RoleCheck] = Field(default_factory=dict)  # per suite with a hand-counted `roles:` file

    def viewable_by(self, audience: Audience) -> bool:
        """Reports are shared files: shown only to viewers who may see every restricted entry they quote."""
        return all(audience.may_see(v) for v in self.shown_visibility)

    def flat_metrics(self) -> dict[str, float]:
        """Metrics by dotted name: the summary's (`answers.pass_rate`) and each suite's (`by_suite.seed.…`)."""
        flat = flatten(self.summary.model_dump())
        for name, summary in self.by_suite.items():
            flat.update(flatten(summary.model_dump(), f"by_suite.{name}."))
        for name, check in self.roles.items():
            flat.update({f"by_suite.{name}.roles.{k}": v for k, v in check.figures().items()})
        return flat

    @property
    def missed_thresholds(self) -> list[ThresholdCheck]:
        return [t for t in self.thresholds if not t.ok]


def new_run_id(now: datetime) -> str:
    return now.strftime(RUN_ID_TIME) + "-" + uuid.uuid4().hex[:RUN_ID_SUFFIX_CHARS]


def run_time(run_id: str) -> datetime:
    """When a run was made, from its id; ValueError if it is not a run id."""
    return datetime.strptime(run_id.split("-", 1)[0], RUN_ID_TIME).replace(tzinfo=UTC)


def shown_visibility(kb: KnowledgeBase, results: list[CaseResult]) -> list[tuple[str, ...]]:
    """The distinct `visibility` lists of restricted chunks a report quotes (retrieved or cited)."""
    build = kb.build
    found = set()
    for result in results:
        for chunk_id in [r.chunk_id for r in result.retrieved] + [c["chunk_id"] for c in result.citations]:
            position = build.position.get(chunk_id)
            if position is not None and build.chunks[position].visibility:
                found.add(tuple(build.chunks[position].visibility))
    return sorted(found)


@dataclass
class Scored:
    """Cases of some suites scored on one knowledge base (the live index, or a suite's own corpus)."""

    kb: KnowledgeBase
    suites: list[Suite]
    results: list[CaseResult]
    corpus: Path | None = None
    skipped: list[str] = field(default_factory=list)

    def index_info(self, fusion: str) -> IndexInfo:
        manifest = self.kb.build.manifest
        return IndexInfo(build_id=manifest.build_id, embedder=manifest.embedder, chunks=manifest.chunks,
                         fusion=fusion, corpus=str(self.corpus) if self.corpus else None, skipped=self.skipped)


def assemble_report(groups: list[Scored], fusion: str, audience: Audience = EVERYONE) -> RunReport:
    """The report of a run as `audience`: coverage is computed over the roles that audience may see, and the
    report records the visibility of every restricted entry it quotes or names (see `RunReport.viewable_by`)."""
    results = [r for g in groups for r in g.results]
    now = datetime.now(UTC)
    indexes = [g.index_info(fusion) for g in groups]
    visible_roles = [g.kb.roles_for(audience) for g in groups]
    coverages = [(roles, coverage(roles, [c for s in g.suites for c in s.cases]))
                 for roles, g in zip(visible_roles, groups, strict=True)]
    shown = {v for g in groups for v in shown_visibility(g.kb, g.results)}
    shown |= {v for roles, cov in coverages for v in coverage_visibility(roles, cov)}
    return RunReport(
        run_id=new_run_id(now), created=now.isoformat(timespec="seconds"),
        suites=[SuiteRef(name=s.name, path=str(s.path), cases=len(s.cases)) for g in groups for s in g.suites],
        index=indexes[0] if indexes else IndexInfo(fusion=fusion), indexes=indexes,
        summary=summarize_results(results, curve=True),
        by_suite=breakdown(results, lambda r: [r.suite], curve=True),
        by_tag=breakdown(results, lambda r: r.tags),
        by_role=breakdown(results, lambda r: [r.role] if r.role else []),
        coverage=merge_coverage([cov for _, cov in coverages]),
        audience=AudienceInfo(unrestricted=audience.unrestricted, groups=sorted(audience.groups)),
        shown_visibility=[list(v) for v in sorted(shown)],
        cases=results,
        roles={s.name: check_roles(g.kb.roles_for(audience), load_expected(s.roles), len(listed_documents(s.roles)))
               for g in groups for s in g.suites if s.roles is not None},
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


def parse_fail_under(spec: str) -> Threshold:
    """`METRIC=VALUE`, e.g. answers.evidence_in_answer=0.9 (the metric must be at least VALUE)."""
    name, sep, value = spec.partition("=")
    if not sep:
        raise ThresholdError(f"--fail-under takes METRIC=VALUE, not '{spec}'")
    try:
        return Threshold(metric=name, bound="min", limit=float(value))
    except ValueError:
        raise ThresholdError(f"--fail-under {name}: '{value}' is not a number") from None


def check_thresholds(report: RunReport, thresholds: list[Threshold]) -> list[ThresholdCheck]:
    flat = report.flat_metrics()
    checks = []
    for t in thresholds:
        if t.metric not in flat:
            raise ThresholdError(f"unknown metric '{t.metric}'; known: {', '.join(sorted(flat))}")
        value = flat[t.metric]
        ok = value >= t.limit if t.bound == "min" else value <= t.limit
        checks.append(ThresholdCheck(metric=t.metric, value=value, ok=ok, **{t.bound: t.limit}))
    return checks
