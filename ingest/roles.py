"""Find roles and their duty items in a section tree, from every place a document names a role.

- a heading that names one role: "三、值班長崗位職責", "班主任职责", "一、护士长岗位说明书";
- a heading that is a bare role name ("2.1 仓库经理", "（一）物業經理") inside a part about duties, or over a
  `岗位职责：` label;
- a table: a role-column cell or a 岗位名称 cell (the readers mark these sections with their role);
- a heading about duties in general whose items each start with a role name ("1、控球後衛(Point Guard):…");
- an article that assigns a subject its work ("第五条 交通协管员…承担以下工作：（一）…"), a chapter of
  obligations article by article ("第三章 权利和义务": 护士应当…), an article that sets up a post and
  gives it work ("设立专职法制员…法制员应当…");
- inline: "A组：…；B组：…" and "X职责：…" lines.

A role's duties are exactly its numbered items: when the role's section has labelled parts
(岗位职责 / 任职要求 / 禁止行为), only the duty part counts.
"""
from __future__ import annotations

import re

from ingest.article_roles import (
    ARTICLE_KINDS,
    CLAUSES,
    agent_roles,
    article_role,
    article_subject,
    charge_role,
    obligation_roles,
    post_role,
    set_up_role,
    split_sentences,
)
from ingest.cards import COLON, PAIR_SEP
from ingest.duty_lists import (
    HEADING_PUNCT,
    duties_of,
    duty_list,
    has_labelled_parts,
    is_duty_label,
    list_items,
    numbered_children,
    part_duties,
    part_kind,
)
from ingest.role_names import (
    MENTIONS_DUTIES,
    ROLE_SUFFIX,
    aliases_for,
    heading_name,
    is_name_heading,
    role_name_from_heading,
)
from ingest.role_spans import RoleSpan, make_role
from ingest.section_roles import (
    MIN_GROUP_ITEMS,
    NAME_HEADING_KINDS,
    lists_duties,
    lists_units,
    post_peers,
    section_role,
    sub_post_roles,
)
from ingest.structure import Section, is_list_kind, path_label
from kb.jobtitles import (
    ListKind,
    addressed_title,
    is_job_title,
    is_translation,
    label_kind,
    opens_with_duty,
    reader_post,
)
from kb.normalize import to_simplified
from kb.outline import inline_items
from kb.records import BREADCRUMB_SEP, DutyItem, Role

ITEM_ROLE = re.compile(
    r"^(?P<name>[\u4e00-\u9fffA-Za-z]{2,8})\s*(?:[(（](?P<alias>[A-Za-z][A-Za-z .\-]*)[)）])?\s*[:：]\s*(?P<desc>.+)$",
    re.S,
)
# Simplified forms, matched on to_simplified(text)
DUTY_CONTEXT = re.compile(r"职责|职掌|分工|岗位|职务")
INLINE_GROUP = re.compile(
    r"(?:^|[；;。：:，,\s])(?P<name>[A-Za-z甲乙丙丁戊一二三四五六七八九十]{1,2}\s?[组組])\s*[:：]\s*(?P<desc>[^；;。]+)")
INLINE_DUTY = re.compile(rf"^(?P<name>[\u4e00-\u9fffA-Za-z]{{2,12}}?)的?{ROLE_SUFFIX}[:：]\s*(?P<desc>\S.+)$")
MAX_GROUP_NAME_CHARS = 24  # 命題研究委員會、研究發展委員會: two names joined
GROUP_JOIN = re.compile(r"[、／/]")
GROUP_BULLETS = "◆◇■□●○★☆▲△►▶•·-* "
# A document titled as a list of duties (部门职责, 各單位職掌, 行政人員業務內容): every part of it is about duties
DOCUMENT_DUTY_CONTEXT = re.compile(r"职责|职掌|执掌|分工|业务内容|工作内容|岗位说明")
MIN_ITEM_ROLES = 2
# the name, then a comma, a colon or a dash ("礼仪队经理——负责…", "联络员 — 对接…"), then what it does
ITEM_LEAD = re.compile(r"^(?P<name>[\u4e00-\u9fff]{2,12}?)(?P<label>的?职责)?"
                       r"\s*(?:[，,：:]|[—–－-]{1,2})\s*(?P<desc>.+)$", re.S)
DUTY_WORD = "负责"  # a clause that names what someone is responsible for, wherever it stands
CLAUSE_SPLIT = re.compile(r"[；;]")


def _item_roles(node: Section, path: list[str], doc_id: str, title: str) -> list[RoleSpan]:
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


def _group_roles(node: Section, path: list[str], doc_id: str, title: str) -> list[RoleSpan]:
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


def _inline_roles(node: Section, path: list[str], doc_id: str, title: str) -> list[RoleSpan]:
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


def _who_does_lines(node: Section, path: list[str], doc_id: str, title: str) -> list[RoleSpan]:
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


def _lead_roles(node: Section, path: list[str], doc_id: str, title: str) -> list[RoleSpan]:
    """List items that open with the post or unit they are about, then its duty ((一)领导小组职责，确定…;
    (四)归口部门，负责…): at least two in one list, each a role with the item (or the item's own list)."""
    found = []
    for item in numbered_children(node):
        name = _lead_name(item)
        if name is None:
            continue
        original = item.heading.strip()[:len(name)]
        duties = duties_of(list_items(item)) or [DutyItem(1, item.content_text())]
        found.append(RoleSpan(make_role(original, None, duties, path + [path_label(item.label)], doc_id, title),
                              item, False, inline=True))
    return found if len(found) >= MIN_ITEM_ROLES else []


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


def _collects_posts(node: Section, name: str) -> bool:
    """A heading naming a role over headings naming other posts (物业服务中心岗位职责 › 客服主管岗位职责, 保安岗位职责)
    is the title of a collection of posts' duties, not a post itself: the posts under it are the roles."""
    own = to_simplified(name)
    for child in node.walk():
        if child is node or child.kind not in NAME_HEADING_KINDS or child.in_table:
            continue
        named = role_name_from_heading(heading_name(child))
        if named is not None and to_simplified(named[0]) != own:
            return True
    return False


def _under_anchor(top: Section, node: Section) -> bool:
    """Whether `node` sits inside another post's card below `top` (that card reports its own inline roles)."""
    return any(c.role and c.role != top.role and any(n is node for n in c.walk()) for c in top.children)


def find_roles(root: Section, doc_id: str, title: str, meta_roles: list[str] | None = None) -> list[RoleSpan]:
    """Every role in the document, in reading order."""
    spans: list[RoleSpan] = []

    def visit(node: Section, path: list[str], in_duties: bool, peer: bool = False) -> None:
        here = path + [path_label(node.label)] if node.kind != "root" else path
        spans.extend(_inline_roles(node, here, doc_id, title))
        spans.extend(_who_does_lines(node, here, doc_id, title))
        spans.extend(_lead_roles(node, here, doc_id, title))
        if node.kind != "root":
            found = section_role(node, here, doc_id, title, in_duties, peer) \
                or article_role(node, here, doc_id, title) or post_role(node, here, doc_id, title) \
                or charge_role(node, here, doc_id, title) or set_up_role(node, here, doc_id, title)
            if found and not found.inline and not node.role and _collects_posts(node, found.role.name):
                found = None
            if found:
                spans.append(found)
                spans.extend(sub_post_roles(node, here, doc_id, title))
                if not found.inline:
                    for child in node.walk():
                        if child is not node and not _under_anchor(node, child):
                            spans.extend(_inline_roles(child, here, doc_id, title))
                    for child in node.children:  # a card after this one is its own post
                        if child.role and child.role != node.role:
                            visit(child, here, in_duties)
                    return
            per_item = _item_roles(node, here, doc_id, title) or _group_roles(node, here, doc_id, title)
            if per_item:
                spans.extend(per_item)
                return
            spans.extend(obligation_roles(node, here, doc_id, title))
        else:  # a who-does-what list right at the top of a document
            spans.extend(_item_roles(node, here, doc_id, title))
        context = in_duties or (node.kind != "root" and bool(DUTY_CONTEXT.search(to_simplified(node.heading)))) \
            or is_duty_label(node) or lists_units(node)
        peers = post_peers(node)
        for child in node.children:
            visit(child, here, context, id(child) in peers)

    visit(root, [], bool(DOCUMENT_DUTY_CONTEXT.search(to_simplified(title))))
    if not any(not s.inline for s in spans):  # a rules document: posts named inside its rules, or its reader
        spans += agent_roles(root, doc_id, title)
        addressed = addressed_title(title)
        if addressed and not meta_roles:
            meta_roles = [addressed]
    reader = reader_post(title)
    if reader and not meta_roles:  # a handbook's reader is a role beside the posts it gives lists to
        meta_roles = [reader]
    spans = _merge_same_roles(spans + _front_matter_roles(root, doc_id, title, meta_roles or [], spans))
    for span in spans:
        span.role.origin = span.role.origin or origin_of(span)
    return spans


# where a role was found, for the trainer's review (岗位核对)
ORIGIN_BY_KIND = {"heading": "heading", "row": "table", "tiao": "article", "kuan": "article", "zhang": "heading",
                  "jie": "heading", "part": "heading", "label": "heading", "root": "document"}


def origin_of(span: RoleSpan) -> str:
    if span.per_item:
        return "list item"
    if span.node.role:
        return "table"
    if span.inline and span.node.kind == "root":
        return "rules"
    if span.inline:
        return "inline"
    return ORIGIN_BY_KIND.get(span.node.kind, "heading" if not is_list_kind(span.node.kind) else "list item")


def _row_duties(row: Section) -> list[DutyItem]:
    """A table row made a role: its first cell says what the row is about (工程维修, a post), the others what is
    done, each cell's numbered items one duty each (a cell of prose is one duty)."""
    cells = [cell.split(COLON, 1)[-1].strip() for cell in row.heading.split(PAIR_SEP)]
    texts = [t for cell in cells[1:] if cell for t in (inline_items(cell) or [cell])]
    return [DutyItem(i, t) for i, t in enumerate(texts, 1)]


def role_for_node(node: Section, section: str, name: str, doc_id: str, title: str) -> Role | None:
    """A role a trainer makes of an outline node (a heading, a table row, a sheet): its duty lists, else its own
    items, else its paragraph, else (a table row) its cells; None when the node holds nothing to do."""
    duties = duty_list(node) or ([DutyItem(1, "\n".join(node.lines))] if node.lines else []) \
        or (_row_duties(node) if node.in_table else [])
    if not duties:
        return None
    role = make_role(name, None, duties, section.split(BREADCRUMB_SEP) if section else [], doc_id, title)
    role.origin = "review"
    return role


def _forms(role: Role) -> set[str]:
    return {to_simplified(n).lower() for n in [role.name, *role.aliases]}


def _merge_same_roles(spans: list[RoleSpan]) -> list[RoleSpan]:
    """One role per post and document: a post named twice (a summary table row "Contributor", then its own
    section "贡献者 Contributor") keeps the fuller duty list and all the names."""
    kept: list[RoleSpan] = []
    for span in spans:
        same = next((k for k in kept if _forms(k.role) & _forms(span.role) and not span.inline and not k.inline
                     and k.role.name != span.role.name), None)
        if same is None:
            kept.append(span)
            continue
        keep, drop = (same, span) if len(same.role.duties) >= len(span.role.duties) else (span, same)
        extra = [f for f in [drop.role.name, *drop.role.aliases] if f != keep.role.name and f not in keep.role.aliases]
        keep.role.aliases.extend(extra)
        kept[kept.index(same)] = keep
    return kept


def _addressed_duties(root: Section, owned: set[int]) -> list[DutyItem]:
    """The duties of the one post a document is addressed to: the items of its duty labels (你的职责) when it has
    any, else every numbered item; lists other roles own (`owned` node ids) are theirs."""
    nodes = [n for n in root.walk() if id(n) not in owned]
    labelled = [d for node in nodes if is_duty_label(node) and not has_labelled_parts(node)
                for d in part_duties(node)]
    items = [n for n in nodes if n.number is not None and n.is_leaf]
    if labelled:
        return [DutyItem(n=i, text=d.text) for i, d in enumerate(labelled, 1)]
    return [DutyItem(n=i, text=n.content_text()) for i, n in enumerate(items, 1)]


def _front_matter_roles(root: Section, doc_id: str, title: str, names: list[str],
                        found: list[RoleSpan]) -> list[RoleSpan]:
    """Roles named in front matter but not as headings own the document's numbered items."""
    known = {to_simplified(s.role.name) for s in found}
    owned = {id(n) for s in found if not s.inline for n in s.node.walk()}
    extra = []
    for name in names:
        if to_simplified(name) in known:
            continue
        duties = _addressed_duties(root, owned)
        if not duties and addressed_title(title) == name:
            continue  # a title naming a post over nothing it must do (a staff list's page title)
        role = Role(name=name, aliases=aliases_for(name), source=doc_id, title=title, section="",
                    department=None, duties=duties, origin="title" if addressed_title(title) else "front matter")
        extra.append(RoleSpan(role, root, per_item=False))
    return extra
