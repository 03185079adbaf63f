"""Which roles and duty items no case asks about.

Coverage names roles and quotes duty items, so a report that lists a restricted role's name or
items is restricted too: `shown_visibility` gives the visibility of every restricted role the
coverage names, and the report adds them to what it quotes (only viewers who may see them get it).
"""
from __future__ import annotations

from pydantic import BaseModel

from evals.suite import Case
from kb.normalize import normalize
from kb.records import Role


class UncoveredItem(BaseModel):
    role: str
    n: int
    text: str


class Coverage(BaseModel):
    roles_total: int
    roles_covered: int
    roles_uncovered: list[str]
    items_total: int
    items_covered: int
    items_uncovered: list[UncoveredItem]


def coverage(roles: list[Role], cases: list[Case]) -> Coverage:
    """Coverage of the given roles (pass only those the report's readers may see)."""
    asked_roles = {normalize(c.role) for c in cases if c.role}
    evidence = [normalize(e) for c in cases if c.answerable for e in c.evidence]
    sourced = {(s.section, s.item) for c in cases for s in c.sources}
    roles_uncovered: list[str] = []
    items_uncovered: list[UncoveredItem] = []
    items_total = 0
    for role in roles:
        names = {normalize(n) for n in [role.name, *role.aliases]}
        if not names & asked_roles:
            roles_uncovered.append(role.name)
        for duty in role.duties:
            items_total += 1
            text = normalize(duty.text)
            hit = any(e in text or text in e for e in evidence) or any(
                item == duty.n and section and normalize(section) in normalize(role.section)
                for section, item in sourced)
            if not hit:
                items_uncovered.append(UncoveredItem(role=role.name, n=duty.n, text=duty.text))
    return Coverage(roles_total=len(roles), roles_covered=len(roles) - len(roles_uncovered),
                    roles_uncovered=roles_uncovered, items_total=items_total,
                    items_covered=items_total - len(items_uncovered), items_uncovered=items_uncovered)


def merge_coverage(parts: list[Coverage]) -> Coverage | None:
    """One coverage over several corpora (each scored on its own index)."""
    if not parts:
        return None
    return Coverage(
        roles_total=sum(p.roles_total for p in parts), roles_covered=sum(p.roles_covered for p in parts),
        roles_uncovered=[r for p in parts for r in p.roles_uncovered],
        items_total=sum(p.items_total for p in parts), items_covered=sum(p.items_covered for p in parts),
        items_uncovered=[i for p in parts for i in p.items_uncovered])


def shown_visibility(roles: list[Role], cov: Coverage) -> set[tuple[str, ...]]:
    """The `visibility` lists of the restricted roles whose name or items `cov` lists."""
    named = set(cov.roles_uncovered) | {item.role for item in cov.items_uncovered}
    return {tuple(role.visibility) for role in roles if role.visibility and role.name in named}
