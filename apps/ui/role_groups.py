"""Roles grouped by the document and top-level section that define them (one organisation each, usually).

The chat's role picker and the 岗位 page list roles group by group, so a new hire finds theirs
without scrolling through another organisation's posts (a call centre's hire never sees a
basketball team's positions mixed into their list). A group is named by its document's title and
a short name of its section: a section whose heading is a sentence ("第五条 交通协管员可以在交通警察
指导下承担以下工作：") is named by its number (第五条), or its words cut short when it has none.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kb.blocks import ELLIPSIS, MAX_TOPIC_CHARS, clean_label, topic_name
from kb.outline import match_marker
from kb.records import BREADCRUMB_SEP, Role

GROUP_SEPARATOR = " › "


def short_section(label: str) -> str:
    """A top-level section's name, short enough for one line under its document's title."""
    name = topic_name(label)
    if len(name) <= MAX_TOPIC_CHARS:
        return name
    text = clean_label(label)
    marker = match_marker(text)
    if marker is not None and marker.heading and text.endswith(marker.heading):
        number = text[:len(text) - len(marker.heading)].strip()
        if number:
            return number
    return name[:MAX_TOPIC_CHARS] + ELLIPSIS


@dataclass(frozen=True)
class Placement:
    """Where a role is written: its document's title and its top-level section's short name ("" at the top)."""

    title: str
    section: str

    @property
    def label(self) -> str:
        """《document》 › section: one line in the role picker."""
        return f"《{self.title}》" + (f"{GROUP_SEPARATOR}{self.section}" if self.section else "")


def placement(role: Role) -> Placement:
    top = role.section.split(BREADCRUMB_SEP)[0] if role.section else ""
    name = short_section(top) if top else ""
    return Placement(clean_label(role.title) or role.source, name if name != clean_label(role.name) else "")


def group_roles(roles: list[Role]) -> dict[str, list[Role]]:
    """Groups by label, in the order their first role appears (document order), roles in order within each."""
    groups: dict[str, list[Role]] = {}
    for role in roles:
        groups.setdefault(placement(role).label, []).append(role)
    return groups


@dataclass
class DocumentGroup:
    """One document's roles on the 岗位 page: its title, then its sections' roles in document order."""

    title: str
    sections: dict[str, list[Role]] = field(default_factory=dict)
    organisation: str = ""  # the document's organisation (kb.scope; "" in builds made before)


def by_document(roles: list[Role]) -> list[DocumentGroup]:
    """Roles by document (one group per file, even when two share a title), then by section short name, each
    level in order of first appearance."""
    documents: dict[str, DocumentGroup] = {}
    for role in roles:
        where = placement(role)
        group = documents.setdefault(role.source, DocumentGroup(where.title, organisation=role.organisation))
        group.sections.setdefault(where.section, []).append(role)
    return list(documents.values())
