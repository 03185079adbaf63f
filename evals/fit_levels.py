"""Fit the level model (kb/level_model.json) on the dev suites, and ablate its features on other suites.

`dutykb eval --fit-levels` runs every dev case through the answer stages up to the level, reads the
features of each (kb.answer.features) and fits two L2-regularised logistic regressions by Newton's
method (plain NumPy, deterministic): off-topic (the case is tagged 无关问题) and answerable (the case
expects evidence). Their thresholds are the pair that refuses or hedges the most unanswerable cases
while at most `MAX_HEDGED` of the answerable ones are hedged or refused (cases the model does not
decide count too: a role's duty list is answered, a question with nothing to quote is not).

`dutykb eval --ablate SUITE…` refits without each feature in turn and scores the given suites with each
model, printing totals only (the held-out split's cases are never shown). Each case is run through the
stages once; the models only replay the level and compose stages on what the earlier stages found (a
dialogue's earlier turns are answered once, with the configured `level_method`).
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

import kb as kb_package
from evals.indexes import corpus_kb
from evals.metrics import CUTOFF
from evals.runner import OFF_TOPIC_TAG, CaseRunner
from evals.scoring import answer_metrics
from evals.suite import Case, Suite
from kb.access import EVERYONE
from kb.answer import Answerer, compose, level, retrieve, select, verify
from kb.answer.ctx import Ctx
from kb.answer.features import FEATURES, features
from kb.answer.levelmodel import SHIPPED, Head, LevelModel
from kb.answer.select import Shape
from kb.answer.verify import Verified
from kb.atomic import atomic_write_text
from kb.embed import Embedder
from kb.knowledge import KnowledgeBase
from kb.query import Query
from kb.retrieve import PerMode
from kb.settings import Settings

SHIPPED_PATH = Path(kb_package.__file__).parent / SHIPPED
FEATURES_TABLE = "level_features.json"  # beside this script: the dev features the shipped model was fitted on
FEATURES_PATH = Path(__file__).parent / FEATURES_TABLE
DEV_SUITES = ("seed.yaml", "real.yaml", "found_dev.yaml", "found_paraphrase_dev.yaml", "scope.yaml")
MAX_HEDGED = 0.05  # answerable dev cases hedged or refused, at most
L2 = 1.0  # ridge penalty on the standardised weights: few cases, several correlated features
NEWTON_STEPS = 50
NEWTON_TOLERANCE = 1e-10
ROUNDING = 6  # decimals kept in the model file
THRESHOLD_GRID = 101  # quantiles of the fitted probabilities tried as thresholds
SHOWN_METRICS = ("pass_rate", "answered_rate", "partial_rate", "unanswerable_hedged_or_none", "off_topic_none",
                 "false_abstain_rate", "false_hedge")


@dataclass(frozen=True)
class Row:
    """What fitting reads of one case: its features, and what level it should get."""

    suite: str
    id: str
    answerable: bool
    off_topic: bool  # tagged 无关问题: only none is right
    values: dict[str, float] | None  # the features (None: the model does not decide: a duty list, nothing quoted)
    refused: bool  # not decided by the model, and refused (nothing to quote)


@dataclass(frozen=True)
class Sample:
    """One case run through the stages up to the level, kept to replay the level and compose stages."""

    case: Case
    runner: CaseRunner
    query: Query
    verified: Verified
    per_mode: PerMode
    role_unknown: bool
    row: Row


def _kbs(settings: Settings, suites: list[Suite]) -> list[tuple[KnowledgeBase, list[Case]]]:
    """Each corpus's knowledge base with its suites' cases (the live index for suites naming no corpus)."""
    order: dict[Path | None, list[Case]] = {}
    for suite in suites:
        order.setdefault(suite.corpus, []).extend(suite.cases)
    shared: Embedder | None = None
    out = []
    for corpus, cases in order.items():
        kb = KnowledgeBase(settings, shared) if corpus is None else corpus_kb(settings, corpus, shared)[0]
        shared = shared or kb.embedder
        out.append((kb, cases))
    return out


def collect(settings: Settings, suites: list[Suite], progress: Callable[[], None] | None = None) -> list[Sample]:
    """Every case of `suites` run through retrieve, select and verify, with its features."""
    samples = []
    for kb, cases in _kbs(settings, suites):
        runner = CaseRunner(kb, EVERYONE, Answerer(kb))
        ctx = runner.answerer.ctx
        for case in cases:
            query, role_unknown = runner.understand(case)
            selected = select.run(ctx, retrieve.run(ctx, query))
            verified = verify.run(ctx, selected)
            duty_list = selected.selection is not None and selected.selection.shape is Shape.DUTY_LIST
            findings = verified.findings
            values = None if duty_list or findings is None else features(level.signals(ctx.scorer, selected, findings))
            row = Row(case.suite, case.id, case.answerable, OFF_TOPIC_TAG in case.tags, values,
                      values is None and not duty_list)
            samples.append(Sample(case, runner, query, verified, runner.retriever.search_each(query, k=CUTOFF),
                                  role_unknown, row))
            if progress is not None:
                progress()
    return samples


def logistic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Weights and bias of an L2-regularised logistic regression (classes weighted to balance), by Newton's method."""
    n, d = x.shape
    positives = max(int(y.sum()), 1)
    weight = np.where(y > 0, n / (2 * positives), n / (2 * max(n - positives, 1)))
    design = np.hstack([x, np.ones((n, 1))])
    penalty = np.diag([L2] * d + [0.0])  # the bias is not shrunk
    beta = np.zeros(d + 1)
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-design @ beta))
        gradient = design.T @ (weight * (p - y)) + penalty @ beta
        hessian = design.T @ (design * (weight * p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if float(np.abs(step).max()) < NEWTON_TOLERANCE:
            break
    return beta[:d], float(beta[d])


def _probabilities(x: np.ndarray, weights: np.ndarray, bias: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ weights + bias)))


def _grid(p: np.ndarray, beyond: float) -> np.ndarray:
    """Thresholds to try: quantiles of the probabilities, and one no probability reaches (or all do)."""
    return np.unique(np.append(np.quantile(p, np.linspace(0, 1, THRESHOLD_GRID)), beyond))


def thresholds(p_off: np.ndarray, p_ans: np.ndarray, answerable: np.ndarray, off_topic: np.ndarray,
               budget: int) -> tuple[float, float]:
    """(off-topic, answerable) thresholds: the most unanswerable cases not answered and off-topic ones refused,
    with at most `budget` answerable cases hedged or refused; on ties, fewer answerable ones hedged."""
    best: tuple[tuple[int, int, int], float, float] | None = None
    for t_off in _grid(p_off, np.inf):
        refused = p_off >= t_off
        for t_ans in _grid(p_ans, 0.0):
            hedged = ~refused & (p_ans < t_ans)
            lost = int((answerable & (refused | hedged)).sum())
            if lost > budget:
                continue
            caught = int((~answerable & (refused | hedged)).sum())
            key = (caught + int((off_topic & refused).sum()), -int((answerable & refused).sum()), -lost)
            if best is None or key > best[0]:
                best = (key, float(t_off), float(t_ans))
    assert best is not None  # refusing and hedging nothing is always within the budget
    return best[1], best[2]


def fit(rows: list[Row], names: tuple[str, ...] = FEATURES, about: dict | None = None) -> LevelModel:
    """The level model over features `names`, fitted on the rows the model decides."""
    decided = [(r, r.values) for r in rows if r.values is not None]
    raw = np.array([[values[n] for n in names] for _, values in decided], dtype=float)
    mean = raw.mean(axis=0)
    scale = raw.std(axis=0)
    scale[scale == 0] = 1.0  # a feature constant on the dev cases weighs nothing
    x = (raw - mean) / scale
    answerable = np.array([r.answerable for r, _ in decided])
    off_topic = np.array([r.off_topic for r, _ in decided])
    w_off, b_off = logistic(x, off_topic.astype(float))
    w_ans, b_ans = logistic(x, answerable.astype(float))
    # answerable cases refused before the model decides (nothing to quote) spend the budget too
    budget = int(MAX_HEDGED * sum(r.answerable for r in rows)) - sum(r.answerable and r.refused for r in rows)
    t_off, t_ans = thresholds(_probabilities(x, w_off, b_off), _probabilities(x, w_ans, b_ans), answerable,
                              off_topic, max(budget, 0))

    def rounded(values: np.ndarray) -> tuple[float, ...]:
        return tuple(round(float(v), ROUNDING) for v in values)

    return LevelModel(names, rounded(mean), rounded(scale),
                      Head(rounded(w_off), round(b_off, ROUNDING), round(t_off, ROUNDING)),
                      Head(rounded(w_ans), round(b_ans, ROUNDING), round(t_ans, ROUNDING)), about or {})


def about(rows: list[Row]) -> dict:
    """What a model was fitted on, for the reviewed file."""
    return {"fitted_by": "dutykb eval --fit-levels (evals/fit_levels.py)", "date": dt.date.today().isoformat(),
            "suites": sorted({r.suite for r in rows}), "cases": len(rows),
            "decided": sum(r.values is not None for r in rows), "answerable": sum(r.answerable for r in rows),
            "off_topic": sum(r.off_topic for r in rows), "max_hedged_answerable": MAX_HEDGED, "l2": L2,
            "features_table": f"evals/{FEATURES_TABLE}"}


def replay(samples: list[Sample], model: LevelModel | None) -> dict[str, float | None]:
    """Totals of the samples answered with `model` (None: the rules), from what their earlier stages found."""
    results = []
    for s in samples:
        ctx: Ctx = replace(s.runner.answerer.ctx, level_method="rules" if model is None else "fitted",
                           level_model=model)
        answer = compose.run(ctx, level.run(ctx, s.verified))
        results.append(s.runner.score(s.case, s.query, answer, 0.0, s.role_unknown, s.per_mode))
    metrics = answer_metrics(results)
    return {k: metrics[k] for k in SHOWN_METRICS}


def ablate(dev: list[Row], scored: list[Sample], names: tuple[str, ...] = FEATURES
           ) -> list[tuple[str, dict[str, float | None]]]:
    """Totals on `scored` of the rules, the model over `names`, and that model refitted without each feature."""
    rows: list[tuple[str, dict[str, float | None]]] = [("rules", replay(scored, None)),
                                                        ("all features", replay(scored, fit(dev, names)))]
    for name in names:
        rows.append((f"- {name}", replay(scored, fit(dev, tuple(n for n in names if n != name)))))
    return rows


def write(model: LevelModel, path: Path) -> None:
    atomic_write_text(path, json.dumps(model.to_json(), ensure_ascii=False, indent=1) + "\n")


def write_rows(rows: list[Row], path: Path) -> None:
    """The dev features a model was fitted on, so it can be refitted and reviewed without rerunning the suites."""
    lines = (json.dumps(asdict(r), ensure_ascii=False) for r in rows)
    atomic_write_text(path, "[\n" + ",\n".join(lines) + "\n]\n")


def read_rows(path: Path) -> list[Row]:
    return [Row(**row) for row in json.loads(path.read_text(encoding="utf-8"))]
