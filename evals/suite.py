"""Question suites (YAML): schema, loading, and validation errors that name the file and line.

A suite:
    suite: seed                      # name (default: file stem)
    description: …
    corpus: ../corpora/real/docs     # optional: the documents the suite asks about, relative to this file
                                     # (indexed on its own); default: the live index (the shipped corpus)
    roles: ../corpora/real/roles.yaml  # optional: the hand-counted roles of that corpus
    defaults: {role: null, tags: []} # merged into every case
    cases:
      - id: b10-duty-01              # unique
        question: 值班长要负责哪些事情？
        role: 值班長                  # optional: the asker's role, and the role the case is about
        expect:
          evidence: [負責漫遊客戶投訴的處理]   # phrases a relevant chunk / the answer must contain (any one)
          sources: [{doc: 000_….txt, section: 三、值班長崗位職責, item: 6}]
          answer_contains: [漫游]             # phrases the answer text must contain
          all: [現場管理, 漫遊客戶投訴]       # phrases that must all be in the answer text (a whole list/procedure)
          sections: [三、值班長崗位職責]      # citations must come from sections containing one of these
          abstain: true                       # the corpus cannot answer: the answer must abstain
        tags: [值班长, 岗位职责, simplified]
      - id: follow-up-01             # a dialogue: the user's turns, oldest first; `expect` is about the last
        dialogue: [值班长的职责是什么, 那话务班长呢？]
        expect: {evidence: [...]}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kb.errors import DutyKBError
from kb.safeyaml import YamlError, load_yaml

CASE_KEYS = {"id", "question", "dialogue", "role", "expect", "tags"}
EXPECT_KEYS = {"evidence", "sources", "answer_contains", "all", "sections", "abstain"}
SOURCE_KEYS = {"doc", "section", "item"}
SUITE_KEYS = {"suite", "description", "corpus", "roles", "defaults", "cases"}
MIN_DIALOGUE_TURNS = 2


class SuiteError(DutyKBError):
    pass


@dataclass
class Source:
    doc: str
    section: str | None = None
    item: int | None = None


@dataclass
class Case:
    id: str
    question: str
    role: str | None = None
    evidence: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    answer_contains: list[str] = field(default_factory=list)
    all: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    abstain: bool = False
    tags: list[str] = field(default_factory=list)
    suite: str = ""
    line: int = 0
    turns: list[str] = field(default_factory=list)  # a dialogue's earlier turns, oldest first (question is the last)

    @property
    def answerable(self) -> bool:
        return not self.abstain


@dataclass
class Suite:
    name: str
    path: Path
    cases: list[Case]
    description: str = ""
    corpus: Path | None = None  # the suite's own corpus (absolute); None: the live index
    roles: Path | None = None  # the hand-counted roles file of that corpus


def _lines_of_cases(text: str) -> list[int]:
    """1-based line of each case, from the YAML node tree, for error messages."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "cases" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _strings(value: Any, where: str, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    raise SuiteError(f"{where}: '{name}' must be a string or a list of strings")


def _sources(value: Any, where: str) -> list[Source]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SuiteError(f"{where}: 'sources' must be a list of {{doc, section, item}}")
    out = []
    for source in value:
        if not isinstance(source, dict) or "doc" not in source or set(source) - SOURCE_KEYS:
            raise SuiteError(f"{where}: each source needs 'doc' and may have 'section' and 'item'")
        item = source.get("item")
        if item is not None and not isinstance(item, int):
            raise SuiteError(f"{where}: source 'item' must be a whole number")
        out.append(Source(str(source["doc"]), source.get("section"), item))
    return out


def _case(raw: Any, where: str, defaults: dict, suite: str, line: int) -> Case:
    if not isinstance(raw, dict):
        raise SuiteError(f"{where}: a case must be a mapping")
    unknown = set(raw) - CASE_KEYS
    if unknown:
        raise SuiteError(f"{where}: unknown field(s) {sorted(unknown)}; allowed: {sorted(CASE_KEYS)}")
    dialogue = _strings(raw.get("dialogue"), where, "dialogue")
    if raw.get("dialogue") is not None and (len(dialogue) < MIN_DIALOGUE_TURNS or "question" in raw):
        raise SuiteError(f"{where}: 'dialogue' is a list of at least {MIN_DIALOGUE_TURNS} user turns, "
                         "instead of 'question'")
    question = dialogue[-1] if dialogue else str(raw.get("question") or "")
    if not raw.get("id") or not question.strip():
        raise SuiteError(f"{where}: every case needs 'id' and 'question' (or 'dialogue')")
    expect = raw.get("expect") or {}
    if not isinstance(expect, dict) or set(expect) - EXPECT_KEYS:
        raise SuiteError(f"{where} ({raw['id']}): 'expect' may hold only {sorted(EXPECT_KEYS)}")
    case = Case(
        id=str(raw["id"]), question=question, role=raw.get("role", defaults.get("role")),
        evidence=_strings(expect.get("evidence"), where, "evidence"),
        sources=_sources(expect.get("sources"), where),
        answer_contains=_strings(expect.get("answer_contains"), where, "answer_contains"),
        all=_strings(expect.get("all"), where, "all"),
        sections=_strings(expect.get("sections"), where, "sections"),
        abstain=bool(expect.get("abstain", False)),
        tags=_strings(defaults.get("tags"), where, "tags") + _strings(raw.get("tags"), where, "tags"),
        suite=suite, line=line, turns=dialogue[:-1],
    )
    if case.abstain and (case.evidence or case.sources or case.answer_contains or case.all or case.sections):
        raise SuiteError(f"{where} ({case.id}): an abstain case cannot also expect evidence, sources or phrases")
    if not case.abstain and not (case.evidence or case.sources):
        raise SuiteError(f"{where} ({case.id}): expect needs 'evidence' or 'sources', or 'abstain: true'")
    return case


def load_suite(path: Path) -> Suite:
    try:
        text = path.read_text(encoding="utf-8")
        data = load_yaml(text, str(path))
    except OSError as exc:
        raise SuiteError(f"{path}: cannot read ({exc.strerror})") from None
    except YamlError as exc:
        raise SuiteError(str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise SuiteError(f"{path}: a suite is a mapping with a 'cases' list")
    unknown = set(data) - SUITE_KEYS
    if unknown:
        raise SuiteError(f"{path}: unknown top-level field(s) {sorted(unknown)}")
    name = str(data.get("suite") or path.stem)
    defaults = data.get("defaults") or {}
    lines = _lines_of_cases(text)
    cases, seen = [], set()
    for i, raw in enumerate(data["cases"]):
        line = lines[i] if i < len(lines) else 0
        case = _case(raw, f"{path} line {line} (case {i + 1})", defaults, name, line)
        if case.id in seen:
            raise SuiteError(f"{path} line {line}: duplicate case id '{case.id}'")
        seen.add(case.id)
        cases.append(case)
    return Suite(name=name, path=path, cases=cases, description=str(data.get("description") or ""),
                 corpus=_path_beside(path, data.get("corpus"), "corpus", must_be_dir=True),
                 roles=_path_beside(path, data.get("roles"), "roles", must_be_dir=False))


def _path_beside(suite: Path, value: Any, name: str, must_be_dir: bool) -> Path | None:
    """A path given in the suite, relative to the suite file; it must exist."""
    if value is None:
        return None
    path = (suite.parent / str(value)).resolve()
    if not (path.is_dir() if must_be_dir else path.is_file()):
        raise SuiteError(f"{suite}: '{name}' {value} is not a {'folder' if must_be_dir else 'file'} "
                         f"(paths are relative to the suite file)")
    return path


def append_case(path: Path, case_id: str, question: str, evidence: list[str], tags: list[str],
                source: Source | None = None, role: str | None = None) -> Case:
    """Add a case to a suite file (created if missing); it is validated before the file is replaced."""
    from kb.atomic import atomic_write_text

    existing = load_suite(path) if path.exists() else None
    if existing and any(c.id == case_id for c in existing.cases):
        raise SuiteError(f"{path}: a case with id '{case_id}' already exists")
    entry: dict[str, Any] = {"id": case_id, "question": question}
    if role:
        entry["role"] = role
    expect: dict[str, Any] = {"evidence": evidence}
    if source is not None:
        expect["sources"] = [{k: v for k, v in {"doc": source.doc, "section": source.section,
                                                 "item": source.item}.items() if v is not None}]
    entry["expect"] = expect
    entry["tags"] = tags
    case = _case(entry, f"{path} (new case)", {}, existing.name if existing else path.stem, 0)
    text = path.read_text(encoding="utf-8") if existing else f"suite: {path.stem}\ncases:\n"
    block = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, default_flow_style=None)
    atomic_write_text(path, text.rstrip("\n") + "\n" + "".join(f"  {line}\n" for line in block.splitlines()))
    return case
