"""Find roles and their duty items in a section tree.

Two shapes occur in duty documents: a heading that names one role
("三、值班長崗位職責", "一、話務員工作守則", "X的工作職責是:") over its numbered
duties, and a heading about duties in general whose items each start with a
role name ("1、控球後衛(Point Guard):…").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.structure import SECTION_KINDS, Section, path_label
from kb.normalize import to_simplified, to_traditional
from kb.records import BREADCRUMB_SEP, DutyItem, Role

ROLE_SUFFIX = (
    r"(?:崗位工作職責|岗位工作职责|崗位職責|岗位职责|工作職責|工作职责|工作守則|工作守则|"
    r"主要職責|主要职责|職責|职责)"
)
ROLE_HEADING = re.compile(rf"^(?P<name>.+?)的?{ROLE_SUFFIX}(?:是|為|为|如下)?[:：]?$")
MENTIONS_DUTIES = re.compile(r"職責|职责|守則|守则")
QUESTION_WORDS = re.compile(r"什麼|什么|哪些|如何|怎麼|怎么|是否|嗎|吗|各要|各自|相關|相关|[?？]")
ORG_PREFIX = re.compile(r"^(?P<org>.{2,10}?(?:銀行|银行|公司|集團|集团|中心|部門|部门|營業部|营业部))(?P<role>.{2,})$")
ITEM_ROLE = re.compile(
    r"^(?P<name>[\u4e00-\u9fffA-Za-z]{2,8})\s*(?:[(（](?P<alias>[A-Za-z][A-Za-z .\-]*)[)）])?\s*[:：]\s*(?P<desc>.+)$",
    re.S,
)
GENERIC_NAMES = frozenset(
    {"工作", "岗位", "崗位", "主要", "基本", "部门", "部門", "相关", "相關", "本职", "本職", "人员", "人員"})
MAX_ROLE_NAME_CHARS = 12
MIN_ITEM_ROLES = 2
SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


@dataclass(frozen=True)
class RoleSpan:
    """A role and the section node its duties live under."""

    role: Role
    node: Section
    per_item: bool


def _clean_name(name: str) -> str:
    return name.strip(" :：,，、的")


def role_name_from_heading(heading: str) -> tuple[str, str | None] | None:
    """(role name, department) when the heading names a single role, else None."""
    m = ROLE_HEADING.match(heading.strip())
    if not m:
        return None
    name = _clean_name(m.group("name"))
    if not name or name in GENERIC_NAMES or QUESTION_WORDS.search(name):
        return None
    department = None
    org = ORG_PREFIX.match(name)
    if org:
        department, name = org.group("org"), _clean_name(org.group("role"))
    if len(name) > MAX_ROLE_NAME_CHARS or len(name) < 2:
        return None
    return name, department


def aliases_for(name: str, extra: list[str] | None = None) -> list[str]:
    forms: list[str] = []
    for base in [name, *(extra or [])]:
        for form in (base, to_simplified(base), to_traditional(base)):
            if form and form != name and form not in forms:
                forms.append(form)
    return forms


def _numbered_children(node: Section) -> list[Section]:
    return [c for c in node.children if c.number is not None]


def _duty_items(node: Section) -> list[Section]:
    """The node's numbered children when they read as duty items (not sub-sections)."""
    items = _numbered_children(node)
    if any(c.kind in SECTION_KINDS for c in items):
        return []
    leaves = sum(1 for c in items if c.is_leaf)
    return items if leaves * 2 >= len(items) else []


def _split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def _heading_role(node: Section, path: list[str], doc_id: str, title: str) -> RoleSpan | None:
    named = role_name_from_heading(node.heading)
    items = _duty_items(node)
    if not named or not items:
        return None
    name, department = named
    full = f"{department}{name}" if department else None
    duties = [DutyItem(n=c.number or 0, text=c.content_text()) for c in items]
    role = Role(name=name, aliases=aliases_for(name, [full] if full else None), source=doc_id,
                title=title, section=BREADCRUMB_SEP.join(path), department=department, duties=duties)
    return RoleSpan(role, node, per_item=False)


def _item_roles(node: Section, path: list[str], doc_id: str, title: str) -> list[RoleSpan]:
    items = _numbered_children(node)
    if len(items) < MIN_ITEM_ROLES or not MENTIONS_DUTIES.search(node.heading or node.label):
        return []
    matches = [ITEM_ROLE.match(c.content_text()) for c in items]
    if not all(matches):
        return []
    spans = []
    for child, m in zip(items, matches, strict=True):
        assert m is not None
        name = m.group("name")
        alias = m.group("alias")
        duties = [DutyItem(n=i, text=s) for i, s in enumerate(_split_sentences(m.group("desc")), 1)]
        role = Role(name=name, aliases=aliases_for(name, [alias.strip()] if alias else None), source=doc_id,
                    title=title, section=BREADCRUMB_SEP.join(path + [path_label(child.label)]), department=None,
                    duties=duties)
        spans.append(RoleSpan(role, child, per_item=True))
    return spans


def find_roles(root: Section, doc_id: str, title: str, meta_roles: list[str] | None = None) -> list[RoleSpan]:
    """Every role in the document, in reading order."""
    spans: list[RoleSpan] = []

    def visit(node: Section, path: list[str]) -> None:
        here = path + [path_label(node.label)] if node.kind != "root" else path
        found = _heading_role(node, here, doc_id, title) if node.kind != "root" else None
        if found:
            spans.append(found)
            return
        per_item = _item_roles(node, here, doc_id, title) if node.kind != "root" else []
        if per_item:
            spans.extend(per_item)
            return
        for child in node.children:
            visit(child, here)

    visit(root, [])
    return spans + _front_matter_roles(root, doc_id, title, meta_roles or [], spans)


def _front_matter_roles(root: Section, doc_id: str, title: str, names: list[str],
                        found: list[RoleSpan]) -> list[RoleSpan]:
    """Roles named in front matter but not as headings own the document's numbered items."""
    known = {to_simplified(s.role.name) for s in found}
    extra = []
    for name in names:
        if to_simplified(name) in known:
            continue
        items = [n for n in root.walk() if n.number is not None and n.is_leaf]
        duties = [DutyItem(n=i, text=n.content_text()) for i, n in enumerate(items, 1)]
        role = Role(name=name, aliases=aliases_for(name), source=doc_id, title=title, section="",
                    department=None, duties=duties)
        extra.append(RoleSpan(role, root, per_item=False))
    return extra
