"""The roles an index found, checked against a corpus's hand-counted roles file (a suite's `roles:`).

    documents:
      - doc: 某市第二人民医院病区护理岗位说明书.docx
        roles:
          - {name: 护士长, duties: 10, section: 一、护士长岗位说明书}

A listed role is *found* when a role of that document has its name (either script, or an alias);
its duty count is *exact* when the found role has exactly the listed number of duties. Roles the
index found that the file does not list are *spurious* (noise taken for a role, or a list that is
not a role's duties); `spurious_per_doc` divides them by the documents the file lists.

    dutykb roles check CORPUS_DIR ROLES_FILE [--json]   # parse only (no embedding): quick to iterate
"""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from kb.errors import DutyKBError
from kb.normalize import normalize
from kb.records import Role
from kb.safeyaml import YamlError, load_yaml


class RolesFileError(DutyKBError):
    """A roles file that cannot be read."""


class ExpectedRole(BaseModel):
    doc: str
    name: str
    duties: int
    section: str | None = None
    aliases: list[str] = Field(default_factory=list)

    def forms(self) -> set[str]:
        return {normalize(n) for n in [self.name, *self.aliases]}


class RoleCheck(BaseModel):
    """How the index's roles compare with the hand count (figures are fractions of the listed roles)."""

    expected: int = 0
    found: int = 0
    exact_duties: int = 0
    found_rate: float = 0.0
    exact_rate: float = 0.0
    spurious_count: int = 0
    documents: int = 0
    spurious_per_doc: float = 0.0
    missing: list[str] = Field(default_factory=list)      # "doc: name"
    wrong_counts: list[str] = Field(default_factory=list)  # "doc: name expected N, found M"
    spurious: list[str] = Field(default_factory=list)     # "doc: name (N duties)"

    def figures(self) -> dict[str, float]:
        return {"found_rate": self.found_rate, "exact_rate": self.exact_rate, "spurious": float(self.spurious_count),
                "spurious_per_doc": self.spurious_per_doc}


def listed_documents(path: Path) -> list[str]:
    """The documents a roles file lists (those with no role too)."""
    data = load_yaml(path.read_text(encoding="utf-8"), str(path))
    return [str(e["doc"]) for e in data.get("documents") or [] if isinstance(e, dict) and "doc" in e]


def load_expected(path: Path) -> list[ExpectedRole]:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, YamlError) as exc:
        raise RolesFileError(f"{path}: cannot read the roles file ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise RolesFileError(f"{path}: a roles file has a 'documents' list of {{doc, roles}}")
    expected = []
    for entry in data["documents"]:
        if not isinstance(entry, dict) or "doc" not in entry:
            raise RolesFileError(f"{path}: each document needs 'doc' and 'roles'")
        for role in entry.get("roles") or []:
            try:
                expected.append(ExpectedRole(doc=str(entry["doc"]), **role))
            except (TypeError, ValueError) as exc:
                raise RolesFileError(f"{path}: {entry['doc']}: bad role entry {role!r} ({exc})") from None
    return expected


def _forms(role: Role) -> set[str]:
    return {normalize(n) for n in [role.name, *role.aliases]}


def check_roles(found: list[Role], expected: list[ExpectedRole], documents: int = 0) -> RoleCheck:
    by_doc: dict[str, list[Role]] = {}
    for role in found:
        by_doc.setdefault(role.source, []).append(role)
    matched: set[int] = set()
    check = RoleCheck(expected=len(expected))
    for want in expected:
        candidates = [r for r in by_doc.get(want.doc, []) if want.forms() & _forms(r)]
        if not candidates:
            check.missing.append(f"{want.doc}: {want.name}")
            continue
        best = next((r for r in candidates if len(r.duties) == want.duties), candidates[0])
        matched.update(id(r) for r in candidates)
        check.found += 1
        if len(best.duties) == want.duties:
            check.exact_duties += 1
        else:
            check.wrong_counts.append(f"{want.doc}: {want.name} expected {want.duties}, found {len(best.duties)}")
    check.spurious = [f"{r.source}: {r.name} ({len(r.duties)} duties)" for r in found if id(r) not in matched]
    check.spurious_count = len(check.spurious)
    check.documents = documents or len({e.doc for e in expected})
    check.spurious_per_doc = check.spurious_count / check.documents if check.documents else 0.0
    if expected:
        check.found_rate = check.found / len(expected)
        check.exact_rate = check.exact_duties / len(expected)
    return check

