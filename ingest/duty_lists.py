"""What a node's duty list is: its list items, the items of its duty-labelled parts, of the areas its list is
divided into, or of the list its one paragraph introduces.
"""
from __future__ import annotations

import re

from ingest.role_names import heading_name, is_name_heading
from ingest.structure import LIST_PREFIX, SECTION_KINDS, Section, is_list_kind
from kb.jobtitles import ListKind, is_permission, label_kind
from kb.normalize import to_simplified
from kb.records import DutyItem
from kb.requirements import reads_as_requirements

RIGHTS_LABEL = re.compile(r"权利|权力|权限")
HEADING_PUNCT = re.compile(r"[，,。；;：:！？!?]")  # a name or heading has none: with one it is a sentence
LIST_INTRO_WORDS = ("如下", "以下", "下列")  # a paragraph ending so introduces the list after it
MAX_AREA_NAME_CHARS = 12  # an area of work a list is divided into is named in a few words (咨询客服, 信息管理)
BULLET_KIND = "bullet"


def numbered_children(node: Section) -> list[Section]:
    return [c for c in node.children if c.number is not None]


def list_items(node: Section) -> list[Section]:
    """The node's first list: its numbered children of the first list's kind, when they read as list items.

    A second list of another kind in the same section (a table's rows after the duty list) is not part of it.
    """
    items = numbered_children(node)
    if any(c.kind in SECTION_KINDS for c in items):
        return []
    items = [c for c in items if c.kind == items[0].kind] if items else []
    if items and _is_nested_list(items[0]):
        return items  # a bulleted list's nested bullets are parts of their item, not sections
    leaves = sum(1 for c in items if c.is_leaf)
    return items if leaves * 2 >= len(items) else []


def _is_nested_list(node: Section) -> bool:
    """An entry of a list the format nests (Markdown/DOCX list levels, bullets): what is under it is its detail."""
    return node.kind.startswith(LIST_PREFIX) or node.kind == BULLET_KIND


def part_kind(node: Section) -> ListKind | None:
    """The kind of list a node heads when its heading is a list label (岗位职责, （二）安全职责, 任职资格)."""
    if node.kind == "root" or node.role:
        return None
    return label_kind(heading_name(node))


def is_duty_label(node: Section) -> bool:
    return part_kind(node) is ListKind.DUTIES


def has_labelled_parts(node: Section) -> bool:
    return any(part_kind(c) is not None for c in node.children)


def part_duties(label: Section) -> list[DutyItem]:
    """A duty label's items; a label with no list but lines of its own has one duty per line. A label joining
    duties and rights (责任与权利) holds both: its permissions (可以…) are rights, not duties."""
    items = list_items(label)
    posts = sub_posts(label)
    parts = posts or _scoped_parts(label)
    if not items and parts:  # a duty label split by post (岗位职责: 居民维修网格长 1–6, 居民安检网格长 1–6) or by
        # the area each part covers (安全职责: 分管服务站 1–10, 分管综合 1–8): all their items are the label's
        split = [d for part in parts for d in duties_of(list_items(part))]
        return [DutyItem(n=i, text=d.text) for i, d in enumerate(split, 1)]
    if items:
        joined = label_kind(heading_name(label)) is ListKind.DUTIES and bool(RIGHTS_LABEL.search(
            to_simplified(heading_name(label))))
        return duties_of([c for c in items if not (joined and is_permission(c.content_text()))])
    return [DutyItem(n=i, text=line) for i, line in enumerate(label.lines, 1)]


def sub_posts(label: Section) -> list[Section]:
    """The headings under a duty label that name posts, each over its own list: the label's duties split by post."""
    return [c for c in label.children if c.number is None and not is_list_kind(c.kind) and list_items(c)
            and is_name_heading(heading_name(c), units=False)]


def _scoped_parts(label: Section) -> list[Section]:
    """The unnumbered sub-headings a duty label is divided into, each over its own list (by area, phase, scope)."""
    return [c for c in label.children if c.number is None and not is_list_kind(c.kind) and list_items(c)]


def area_items(node: Section) -> list[Section]:
    """A list divided into areas of work (1、咨询客服 (1)…(8) 2、信息管理 (1)…): numbered entries that are only
    a short name over a list of their own. All their items, in order; none when any entry is more than that."""
    entries = numbered_children(node)
    if not entries or not all(is_list_kind(c.kind) and not c.lines and len(heading_name(c)) <= MAX_AREA_NAME_CHARS
                              and not HEADING_PUNCT.search(heading_name(c)) and list_items(c) for c in entries):
        return []
    return [item for entry in entries for item in list_items(entry)]


def introduced_items(node: Section) -> list[Section]:
    """The list a node's one paragraph introduces (第7條（執行秘書）: 執行秘書由會長任命，職掌如下： 1. … 2. …)."""
    if len(node.children) != 1 or node.children[0].kind != "label" or node.lines:
        return []
    intro = node.children[0]
    return list_items(intro) if to_simplified(intro.heading).rstrip(":：").endswith(LIST_INTRO_WORDS) else []


def duty_list(node: Section) -> list[DutyItem]:
    """A role section's duties: the items of every duty label (岗位职责, 安全职责 …) when it has labelled parts,
    in order, numbered through; else its own items (all of its areas' items when its list is divided by area)."""
    if not has_labelled_parts(node):
        items = list_items(node) or introduced_items(node)
        if items and reads_as_requirements([c.content_text() for c in items]):
            # a job posting's plain list of what the applicant must have: the post's duty is its sentence, if any
            return [DutyItem(1, "\n".join(node.lines))] if node.lines else []
        if items:
            return duties_of(items)
        return [DutyItem(n=i, text=c.content_text()) for i, c in enumerate(area_items(node), 1)]
    parts = [part_duties(label) for label in node.children if is_duty_label(label)]
    if len(parts) == 1:
        return parts[0]
    return [DutyItem(n=i, text=d.text) for i, d in enumerate((d for part in parts for d in part), 1)]


def duties_of(items: list[Section]) -> list[DutyItem]:
    return [DutyItem(n=c.number or 0, text=c.content_text()) for c in items]
