"""Roles named inside a list or a line rather than by a heading of their own: items that each name who and what,
entries naming groups or posts over their own lists, who-does-what lines, items that open with their post, and
"A组：…；B组：…" / "X职责：…" lines.
"""
from __future__ import annotations

import re

from ingest.article_roles import ARTICLE_KINDS, CLAUSES, article_subject, split_sentences
from ingest.duty_lists import HEADING_PUNCT, duties_of, list_items, numbered_children, part_kind
from ingest.role_names import (
    MENTIONS_DUTIES,
    ROLE_SUFFIX,
    aliases_for,
    heading_name,
    is_name_heading,
    role_name_from_heading,
)
from ingest.role_spans import RoleSpan, make_role
from ingest.section_roles import MIN_GROUP_ITEMS, lists_duties
from ingest.structure import Section, is_list_kind, path_label
from kb.jobtitles import ListKind, is_job_title, is_translation, label_kind, opens_with_duty
from kb.normalize import to_simplified
from kb.records import BREADCRUMB_SEP, DutyItem, Role

ITEM_ROLE = re.compile(
    r"^(?P<name>[\u4e00-\u9fffA-Za-z]{2,8})\s*(?:[(（](?P<alias>[A-Za-z][A-Za-z .\-]*)[)）])?\s*[:：]\s*(?P<desc>.+)$",
    re.S,
)
INLINE_GROUP = re.compile(
    r"(?:^|[；;。：:，,\s])(?P<name>[A-Za-z甲乙丙丁戊一二三四五六七八九十]{1,2}\s?[组組])\s*[:：]\s*(?P<desc>[^；;。]+)")
INLINE_DUTY = re.compile(rf"^(?P<name>[\u4e00-\u9fffA-Za-z]{{2,12}}?)的?{ROLE_SUFFIX}[:：]\s*(?P<desc>\S.+)$")
MAX_GROUP_NAME_CHARS = 24  # 命題研究委員會、研究發展委員會: two names joined
GROUP_JOIN = re.compile(r"[、／/]")
GROUP_BULLETS = "◆◇■□●○★☆▲△►▶•·-* "
MIN_ITEM_ROLES = 2
# the name, then a comma, a colon or a dash ("礼仪队经理——负责…", "联络员 — 对接…"), then what it does
ITEM_LEAD = re.compile(r"^(?P<name>[\u4e00-\u9fff]{2,12}?)(?P<label>的?职责)?"
                       r"\s*(?:[，,：:]|[—–－-]{1,2})\s*(?P<desc>.+)$", re.S)
DUTY_WORD = "负责"  # a clause that names what someone is responsible for, wherever it stands
CLAUSE_SPLIT = re.compile(r"[；;]")


def item_roles(node: Section, path: list[str], doc_id: str, title: str) -> list[RoleSpan]:
    """A list whose items each name who and say what (控球後衛：…): under a heading about duties, or when every
    item's description opens with a duty verb (选题：负责挑选文章; 校对：负责校对译文)."""
    items = numbered_children(node)
    if len(items) < MIN_ITEM_ROLES:
        return []
    matches = [ITEM_ROLE.match(c.content_text()) for c in items]
    if not all(matches):
        return []
    if not MENTIONS_DUTIES.search(node.heading or node.label) \
            and not all(m and opens_with_duty(m.group("desc")) for m in matches):
        return []
    spans = []
    for child, m in zip(items, matches, strict=True):
        assert m is not None
        name = m.group("name")
        alias = m.group("alias")
        duties = [DutyItem(n=i, text=s) for i, s in enumerate(split_sentences(m.group("desc")), 1)]
        role = Role(name=name, aliases=aliases_for(name, [alias.strip()] if alias else None), source=doc_id,
                    title=title, section=BREADCRUMB_SEP.join(path + [path_label(child.label)]), department=None,
                    duties=duties)
        spans.append(RoleSpan(role, child, per_item=True))
    return spans


def _group_name(node: Section) -> str | None:
    text = heading_name(node).lstrip(GROUP_BULLETS).strip()
    if not is_list_kind(node.kind) or not text or len(text) > MAX_GROUP_NAME_CHARS or label_kind(text) is not None:
        return None
    return None if HEADING_PUNCT.search(text) else text


def _group_duties(children: list[Section], index: int) -> list[DutyItem]:
    """A group entry's duties: its own sub-list, else its own lines, else the paragraph right after it."""
    entry = children[index]
    items = list_items(entry)
    if items:
        return duties_of(items)
    own = [line for line in entry.lines if not is_translation(line)]  # its English translation is no duty
    if own:
        return [DutyItem(1, "\n".join(own))]
    after = children[index + 1] if index + 1 < len(children) else None
    return [DutyItem(1, after.content_text())] if after is not None and after.kind == "para" else []


def group_roles(node: Section, path: list[str], doc_id: str, title: str) -> list[RoleSpan]:
    """A duty list whose entries name groups, units or posts, each with its own sub-list or paragraph
    (工作內容（分組）: 財務 → 管錢 …; 各單位職掌: ◆第一處 → 負責試題研發…): each entry is a role. Under any other
    heading, a list whose entries are posts' names (组长, 顾问), each over its own sub-list, is one too. An entry naming
    two (命題研究委員會、研究發展委員會) gives both the same duties."""
    labelled = part_kind(node) is ListKind.DUTIES
    found: list[tuple[Section, str, list[DutyItem]]] = []
    for index, child in enumerate(node.children):
        name = _group_name(child)
        if not labelled:  # under any other heading, only a post's name over its own sub-list is a role
            name = name if name and is_name_heading(name) and list_items(child) else None
        duties = _group_duties(node.children, index) if name else []
        if name and duties:
            found.extend((child, part, duties) for part in GROUP_JOIN.split(name) if part.strip())
    if len({id(c) for c, _, _ in found}) < MIN_GROUP_ITEMS:
        return []
    return [RoleSpan(make_role(name.strip(), None, duties, path + [path_label(child.label)], doc_id, title), child,
                     False, inline=len(GROUP_JOIN.split(_group_name(child) or "")) > 1)
            for child, name, duties in found]


def inline_roles(node: Section, path: list[str], doc_id: str, title: str) -> list[RoleSpan]:
    """Roles named inside a line: "A组：…；B组：…" (one duty each) and "X职责：…" (its clauses)."""
    spans: list[RoleSpan] = []
    texts = ([node.heading] if node.kind != "root" else []) + node.lines
    for text in texts:
        groups = list(INLINE_GROUP.finditer(text))
        if len(groups) >= MIN_ITEM_ROLES or (groups and groups[0].start() == 0):
            for g in groups:
                name = g.group("name").replace(" ", "")
                spans.append(RoleSpan(make_role(name, None, [DutyItem(1, g.group("desc").strip())], path, doc_id,
                                                title), node, False, inline=True))
            continue
        m = INLINE_DUTY.match(text.strip())
        if m:
            named = role_name_from_heading(f"{m.group('name')}职责")
            if named and is_name_heading(named[0], units=False):
                clauses = [c.strip() for c in CLAUSE_SPLIT.split(m.group("desc")) if c.strip()]
                duties = [DutyItem(i, c) for i, c in enumerate(clauses, 1)]
                spans.append(RoleSpan(make_role(named[0], named[1], duties, path, doc_id, title), node, False,
                                      inline=True))
    return spans


def who_does_lines(node: Section, path: list[str], doc_id: str, title: str) -> list[RoleSpan]:
    """Paragraphs that each name a unit or post and say what it does (秘书处：负责文电…; 综合处：负责文稿起草…):
    at least two under one node, each a role with that one duty."""
    texts = node.lines + [c.heading for c in node.children if c.kind == "para" and c.is_leaf]
    found = []
    for text in texts:
        m = ITEM_ROLE.match(text.strip())
        if m and is_job_title(m.group("name"), units=True) and opens_with_duty(m.group("desc")):
            found.append((m.group("name"), m.group("desc").strip()))
    if len(found) < MIN_ITEM_ROLES:
        return []
    return [RoleSpan(make_role(name, None, [DutyItem(1, desc)], path, doc_id, title), node, False, inline=True)
            for name, desc in found]


def lead_roles(node: Section, path: list[str], doc_id: str, title: str) -> list[RoleSpan]:
    """List items that open with the post or unit they are about, then its duty ((一)领导小组职责，确定…;
    (四)归口部门，负责…): at least two in one list, each a role with the item (or the item's own list)."""
    items = numbered_children(node)
    names = [_lead_name(item) for item in items]
    if any(names) and all(ITEM_LEAD.match(to_simplified(item.heading.strip())) for item in items):
        # a list of posts each described the same way ("礼仪队经理——负责…", "联络员——对接…"): one post said to be
        # responsible marks the list as posts and what they do, so its other posts' descriptions are their duties
        names = [name or _described_post(item) for name, item in zip(names, items, strict=True)]
    found = []
    for item, name in zip(items, names, strict=True):
        if name is None:
            continue
        original = item.heading.strip()[:len(name)]
        duties = duties_of(list_items(item)) or [DutyItem(1, item.content_text())]
        found.append(RoleSpan(make_role(original, None, duties, path + [path_label(item.label)], doc_id, title),
                              item, False, inline=True))
    return found if len(found) >= MIN_ITEM_ROLES else []


def _described_post(item: Section) -> str | None:
    """The post a list item names before what it says of it (联络员——对接…), whatever it says."""
    m = ITEM_LEAD.match(to_simplified(item.heading.strip()))
    return m.group("name") if m is not None and is_job_title(m.group("name")) else None


def _lead_name(item: Section) -> str | None:
    """The post or unit a list item opens with, when the item goes on to say what it does: after a comma or colon
    (归口部门，负责…; 行政部：会议及会费管理由其负责), or as the subject of the item (X负责…; 实施组由…组成 over
    a sub-list of what it does)."""
    text = to_simplified(item.heading.strip())
    m = ITEM_LEAD.match(text)
    if m is not None and is_job_title(m.group("name"), units=True):
        desc = m.group("desc")
        clauses = [c for c in CLAUSES.split(desc) if c.strip()]
        if m.group("label") or opens_with_duty(desc) or any(opens_with_duty(c) or DUTY_WORD in c for c in clauses):
            return m.group("name")
    subject = article_subject(text) if item.kind not in ARTICLE_KINDS else None  # an article's charge is its own
    if subject is None or not is_job_title(subject, units=True):
        return None
    return subject if opens_with_duty(text[len(subject):]) or lists_duties(item) else None
