"""Roles grouped by the document and top-level section that define them (one organisation each, usually).

The chat's role picker and the 岗位 page list roles group by group, so a new hire finds theirs
without scrolling through another organisation's posts (a call centre's hire never sees a
basketball team's positions mixed into their list).
"""
from __future__ import annotations

from kb.blocks import clean_label, topic_name
from kb.records import BREADCRUMB_SEP, Role

GROUP_SEPARATOR = " › "


def group_label(role: Role) -> str:
    """《document》 › top-level section (just the document when the role sits at its top)."""
    title = clean_label(role.title) or role.source
    top = role.section.split(BREADCRUMB_SEP)[0] if role.section else ""
    name = topic_name(top) if top else ""
    return f"《{title}》" + (f"{GROUP_SEPARATOR}{name}" if name and name != clean_label(role.name) else "")


def group_roles(roles: list[Role]) -> dict[str, list[Role]]:
    """Groups in the order their first role appears (document order), roles in order within each."""
    groups: dict[str, list[Role]] = {}
    for role in roles:
        groups.setdefault(group_label(role), []).append(role)
    return groups
