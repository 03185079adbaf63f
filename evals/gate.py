"""The regression gate: the figures each shipped suite must keep, in a file editors review like code.

    # evals/gate.yaml
    seed:
      min: {retrieval.hybrid.R@5: 0.95, answers.evidence_in_answer: 0.89}
      max: {answers.false_abstain_rate: 0.05}

Metric names are those of the run report's summary (see README "Evaluation"); each is checked
on the named suite's own figures (`by_suite.<suite>.<metric>`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from evals.report import Threshold, ThresholdError
from kb.safeyaml import load_yaml

BOUNDS: tuple[Literal["min"], Literal["max"]] = ("min", "max")


def load_gate(path: Path) -> list[Threshold]:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        raise ThresholdError(f"{path}: cannot read the gate file ({exc.strerror})") from None
    if not isinstance(data, dict):
        raise ThresholdError(f"{path}: a gate file maps suite names to min/max metrics")
    thresholds = []
    for suite, bounds in data.items():
        if not isinstance(bounds, dict) or set(bounds) - set(BOUNDS):
            raise ThresholdError(f"{path}: suite '{suite}' must have 'min' and/or 'max' metric tables")
        for bound in BOUNDS:
            for metric, value in (bounds.get(bound) or {}).items():
                if not isinstance(value, (int, float)):
                    raise ThresholdError(f"{path}: {suite} {bound} {metric} must be a number")
                thresholds.append(Threshold(metric=f"by_suite.{suite}.{metric}", bound=bound, limit=float(value)))
    return thresholds
