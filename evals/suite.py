"""Question suites (YAML): loading and validation with errors that name the file and case."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml


class SuiteError(ValueError):
    pass


@dataclass
class Case:
    id: str
    question: str
    role: str | None = None
    evidence: list[str] = field(default_factory=list)
    abstain: bool = False
    tags: list[str] = field(default_factory=list)

    @property
    def answerable(self) -> bool:
        return not self.abstain


@dataclass
class Suite:
    name: str
    path: Path
    cases: list[Case]


def load_suite(path: Path) -> Suite:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise SuiteError(f"{path}{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise SuiteError(f"{path}: a suite is a mapping with a 'cases' list")
    cases, seen = [], set()
    for i, raw in enumerate(data["cases"], 1):
        where = f"{path}: case {i}"
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("question"):
            raise SuiteError(f"{where}: every case needs 'id' and 'question'")
        if raw["id"] in seen:
            raise SuiteError(f"{where}: duplicate id '{raw['id']}'")
        seen.add(raw["id"])
        expect = raw.get("expect") or {}
        evidence = expect.get("evidence") or []
        if isinstance(evidence, str):
            evidence = [evidence]
        abstain = bool(expect.get("abstain", False))
        if not evidence and not abstain:
            raise SuiteError(f"{where} ({raw['id']}): expect needs 'evidence' or 'abstain: true'")
        cases.append(Case(id=str(raw["id"]), question=str(raw["question"]), role=raw.get("role"),
                          evidence=[str(e) for e in evidence], abstain=abstain,
                          tags=[str(t) for t in raw.get("tags") or []]))
    return Suite(name=str(data.get("suite") or path.stem), path=path, cases=cases)
