"""Run evaluation suites from the app with the same `evaluate` that `dutykb eval` uses.

It scores the app's already-loaded knowledge base and answerer (no second copy of the
models), as the signed-in editor is answered, and saves into the same runs directory, so
runs from the app and the CLI form one history.
"""
from __future__ import annotations

from pathlib import Path

from apps.ui.resources import Services
from evals.runner import Progress
from evals.runs import RunStore, evaluate
from evals.suite import Suite
from kb.access import Audience


def run(services: Services, suites: list[Suite], progress: Progress, audience: Audience) -> Path:
    """Score every case, compare with the latest earlier run, save; returns the new report.json."""
    _, files = evaluate(services.kb, services.settings, suites, RunStore(services.settings.home),
                        audience=audience, progress=progress, answerer=services.answerer)
    return files.json
