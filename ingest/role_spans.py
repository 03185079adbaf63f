"""A role found in a section tree with the node its duties live under, and the Role a name and its duties make."""
from __future__ import annotations

from dataclasses import dataclass

from ingest.role_names import aliases_for, split_alias
from ingest.structure import Section
from kb.jobtitles import owner_and_post
from kb.records import BREADCRUMB_SEP, DutyItem, Role


@dataclass(frozen=True)
class RoleSpan:
    """A role and the section node its duties live under."""

    role: Role
    node: Section
    per_item: bool
    inline: bool = False  # named inside a line: the section belongs to something else


def make_role(name: str, department: str | None, duties: list[DutyItem], path: list[str], doc_id: str,
              title: str, extra_aliases: list[str] | None = None) -> Role:
    owner, post = owner_and_post(name)
    if post != name.strip():
        extra_aliases = [*(extra_aliases or []), name.strip()]
        name, department = post, department or owner
    name, paren = split_alias(name)
    extra = list(extra_aliases or []) + paren
    if department and not name.startswith(department):
        extra.append(f"{department}{name}")
    return Role(name=name, aliases=aliases_for(name, extra), source=doc_id, title=title,
                section=BREADCRUMB_SEP.join(path), department=department, duties=duties)
