"""Role review (岗位核对): what the next ingest will publish for a document's roles, with the trainer's overrides.

Used by `dutykb roles review` and the app's review page alike. A document is read from the corpus as ingest
reads it, with `corpus/roles.yaml` applied, so the review shows the roles, their duties (each with its anchor),
where each was found, the outline nodes a role can be made of, and the overrides that no longer match.
"""
from __future__ import annotations

from pathlib import Path

from ingest.chunk import ChunkLimits
from ingest.load import LoadError, discover, doc_id_for, read_document
from ingest.overrides import Action, Override, checked_role, load_overrides
from ingest.process import process_document
from kb.access import EVERYONE, Audience
from kb.errors import DutyKBError
from kb.records import BREADCRUMB_SEP, Role, item_anchor
from kb.settings import Settings


class UnknownDocument(DutyKBError):
    """The document named is not in the corpus."""


def review_document(corpus: Path, doc_id: str, settings: Settings, audience: Audience = EVERYONE) -> dict:
    """One document's review; a document the audience may not see is reported as absent (never shown)."""
    paths = {doc_id_for(p, [corpus]): p for p in discover([corpus])}
    doc = read_document(paths[doc_id], [corpus]) if doc_id in paths else None
    if doc is None or not audience.may_see(doc.meta.visibility):
        raise UnknownDocument(f"{doc_id}: no such document in {corpus}")
    overrides = load_overrides(corpus)
    processed = process_document(doc, ChunkLimits.of(settings), overrides)
    sections = _outline_nodes(list(dict.fromkeys(c.section for c in processed.chunks if c.section)),
                              processed.table_rows)
    mine = [o for o in overrides if o.doc == doc_id]
    unmatched = set(processed.unmatched_overrides)
    return {
        "doc": doc_id, "title": processed.title,
        "organisation": processed.organisation, "organisation_from": processed.organisation_from,
        "roles": [{"name": r.name, "aliases": r.aliases, "origin": r.origin, "section": r.section,
                   "duties": [{"n": d.n, "text": d.text, "anchor": item_anchor(d.text)} for d in r.duties]}
                  for r in processed.roles],
        "sections": sections,
        "overrides": [{**o.model_dump(exclude_defaults=True, mode="json"), "applies": o.describe() not in unmatched}
                      for o in mine],
        "unmatched_overrides": processed.unmatched_overrides, "failed_checks": processed.failed_checks,
        "checks": [_check(o, processed.roles) for o in mine if o.action is Action.EXPECT],
    }


def _outline_nodes(sections: list[str], rows: list[str]) -> list[str]:
    """The nodes a trainer may make a role of, in reading order: each section, then its tables' rows."""
    def parent(row: str) -> str:
        return row.rsplit(BREADCRUMB_SEP, 1)[0]

    nodes = [node for section in sections for node in [section, *(r for r in rows if parent(r) == section)]]
    return nodes + [r for r in rows if r not in nodes]


def _check(o: Override, roles: list[Role]) -> dict:
    """A duty-count check: the count expected and the count the role has (None: no such role any more)."""
    role = checked_role(o, roles)
    return {"role": o.role, "section": o.section, "expected": o.duties,
            "found": len(role.duties) if role is not None else None}


def review_corpus(corpus: Path, settings: Settings, audience: Audience = EVERYONE) -> list[dict]:
    """Every document the audience may see, with its roles' names and duty counts, documents with no role first."""
    overrides = load_overrides(corpus)
    rows: list[dict] = []
    for path in discover([corpus]):
        doc_id = doc_id_for(path, [corpus])
        try:
            doc = read_document(path, [corpus])
        except LoadError as exc:
            rows.append({"doc": doc_id, "error": str(exc), "roles": []})
            continue
        if not audience.may_see(doc.meta.visibility):
            continue
        processed = process_document(doc, ChunkLimits.of(settings), overrides)
        rows.append({"doc": doc_id, "title": processed.title,
                     "roles": [{"name": r.name, "duties": len(r.duties)} for r in processed.roles],
                     "unmatched_overrides": processed.unmatched_overrides})
    return sorted(rows, key=lambda r: (bool(r["roles"]), r["doc"]))


def corpus_roles(corpus: Path, settings: Settings) -> tuple[list, list[str]]:
    """The roles the next ingest would publish for a corpus folder (overrides applied), without embedding or
    indexing anything; and the files that could not be read, with their reasons."""
    overrides = load_overrides(corpus)
    roles, skipped = [], []
    for path in discover([corpus]):
        try:
            roles += process_document(read_document(path, [corpus]), ChunkLimits.of(settings), overrides).roles
        except LoadError as exc:
            skipped.append(f"{path.name}: {exc}")
    return roles, skipped
