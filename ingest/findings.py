"""What an ingest found in each document: its roles and their duty counts, documents with no role first.

A trainer reads this after every ingest to see at once which documents need a look in role review
(a handbook where no post was recognised, a post with no duties).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kb.errors import printable
from kb.records import Role

MAX_LISTED_DOCUMENTS = 40  # a large corpus lists the documents needing review, then the first others
NO_ROLE_NOTE = "no role found: review it"


@dataclass(frozen=True)
class RoleFinding:
    name: str
    duties: int


@dataclass(frozen=True)
class DocumentFindings:
    doc_id: str
    title: str
    roles: list[RoleFinding] = field(default_factory=list)

    @property
    def needs_review(self) -> bool:
        return not self.roles or any(r.duties == 0 for r in self.roles)

    def to_json(self) -> dict:
        return {"doc_id": self.doc_id, "title": self.title, "needs_review": self.needs_review,
                "roles": [{"name": r.name, "duties": r.duties} for r in self.roles]}

    def line(self) -> str:
        if not self.roles:
            return f"  {printable(self.doc_id)}: {NO_ROLE_NOTE}"
        listed = ", ".join(f"{printable(r.name)} {r.duties}" for r in self.roles)
        return f"  {printable(self.doc_id)}: {plural(len(self.roles), 'role')} ({listed})"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def document_findings(docs: dict[str, dict], roles: list[Role]) -> list[DocumentFindings]:
    """One entry per document of the build, those needing review first, each group by doc id."""
    by_doc: dict[str, list[RoleFinding]] = {doc_id: [] for doc_id in docs}
    for role in roles:
        by_doc.setdefault(role.source, []).append(RoleFinding(role.name, len(role.duties)))
    found = [DocumentFindings(doc_id, str(docs.get(doc_id, {}).get("title", "")), by_doc[doc_id])
             for doc_id in sorted(by_doc)]
    return sorted(found, key=lambda f: not f.needs_review)


def findings_lines(findings: list[DocumentFindings]) -> list[str]:
    """The summary's per-document block: at most MAX_LISTED_DOCUMENTS lines, then a count of the rest."""
    if not findings:
        return []
    review = sum(1 for f in findings if f.needs_review)
    lines = [f"documents ({review} to review):"] + [f.line() for f in findings[:MAX_LISTED_DOCUMENTS]]
    if len(findings) > MAX_LISTED_DOCUMENTS:
        lines.append(f"  … and {len(findings) - MAX_LISTED_DOCUMENTS} more (dutykb ingest --json lists all)")
    return lines
