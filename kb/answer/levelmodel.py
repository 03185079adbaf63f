"""The fitted level model: two logistic regressions over the named features (kb.answer.features).

A leaf of the answer path (kb.answer): it imports no stage. One head tells questions about nothing the
documents hold (off-topic: the answer is none), the other questions the documents answer from those
they only touch on (partial). Each head has its threshold, chosen when it was fitted so that at most a
small share of the dev suites' answerable questions is hedged or refused (evals/fit_levels.py).

The model is a small JSON file reviewed like code (kb/level_model.json): feature names, the means and
scales that standardise them, each head's weights, bias and threshold, and what it was fitted on. It is
read once, on first use.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from kb.errors import DutyKBError

SHIPPED = "level_model.json"  # inside the kb package


class Outcome(StrEnum):
    """What the model says of one question (kb.answer.level turns it into a Level)."""

    ANSWERED = "answered"
    PARTIAL = "partial"
    NONE = "none"


class LevelModelError(DutyKBError):
    """A level model file that cannot be read or does not match the features."""


@dataclass(frozen=True)
class Head:
    """One logistic regression on the standardised features, and the probability it must reach."""

    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, x: list[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, x, strict=True))
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


@dataclass(frozen=True)
class LevelModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    off_topic: Head  # P(nothing the documents hold is asked about)
    answerable: Head  # P(the documents answer the question)
    about: dict[str, Any] = field(default_factory=dict)  # what it was fitted on, when, by which script

    def standardised(self, values: dict[str, float]) -> list[float]:
        try:
            return [(values[n] - m) / s for n, m, s in zip(self.features, self.mean, self.scale, strict=True)]
        except KeyError as exc:
            raise LevelModelError(f"the level model reads a feature the answer path does not compute: {exc}") from None

    def outcome(self, values: dict[str, float]) -> Outcome:
        x = self.standardised(values)
        if self.off_topic.probability(x) >= self.off_topic.threshold:
            return Outcome.NONE
        if self.answerable.probability(x) < self.answerable.threshold:
            return Outcome.PARTIAL
        return Outcome.ANSWERED

    def to_json(self) -> dict[str, Any]:
        def head(h: Head) -> dict[str, Any]:
            return {"weights": dict(zip(self.features, h.weights, strict=True)), "bias": h.bias,
                    "threshold": h.threshold}

        return {"about": self.about, "features": list(self.features),
                "mean": dict(zip(self.features, self.mean, strict=True)),
                "scale": dict(zip(self.features, self.scale, strict=True)),
                "off_topic": head(self.off_topic), "answerable": head(self.answerable)}


def from_json(data: dict[str, Any]) -> LevelModel:
    try:
        names = tuple(data["features"])

        def head(h: dict[str, Any]) -> Head:
            return Head(tuple(float(h["weights"][n]) for n in names), float(h["bias"]), float(h["threshold"]))

        return LevelModel(names, tuple(float(data["mean"][n]) for n in names),
                          tuple(float(data["scale"][n]) for n in names), head(data["off_topic"]),
                          head(data["answerable"]), dict(data.get("about") or {}))
    except (KeyError, TypeError, ValueError) as exc:
        raise LevelModelError(f"not a level model: {exc!r}") from None


def read(path: Path) -> LevelModel:
    try:
        return from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise LevelModelError(f"{path}: cannot read the level model ({exc})") from None


@cache
def shipped() -> LevelModel:
    """The level model shipped in the kb package, read once."""
    with resources.as_file(resources.files("kb") / SHIPPED) as path:
        return read(path)
