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

This module walks the tree with the finders of each place (ingest.section_roles for headings, ingest.line_roles
for list entries and lines, ingest.article_roles for articles and rules), merges a post named twice, and adds
the roles front matter or a title names.
"""
from __future__ import annotations

import re

from ingest.article_roles import agent_roles, article_role, charge_role, obligation_roles, post_role, set_up_role
from ingest.cards import COLON, PAIR_SEP
from ingest.duty_lists import duty_list, has_labelled_parts, is_duty_label, part_duties
from ingest.line_roles import group_roles, inline_roles, item_roles, lead_roles, who_does_lines
from ingest.role_names import aliases_for, heading_name, is_name_heading, role_name_from_heading
from ingest.role_spans import RoleSpan, make_role
from ingest.section_roles import NAME_HEADING_KINDS, lists_units, post_peers, section_role, sub_post_roles
from ingest.structure import Section, is_list_kind, path_label
from kb.jobtitles import addressed_title, reader_post
from kb.normalize import to_simplified
from kb.outline import inline_items
from kb.records import BREADCRUMB_SEP, DutyItem, Role

# Simplified forms, matched on to_simplified(text)
DUTY_CONTEXT = re.compile(r"职责|职掌|分工|岗位|职务")
# A document titled as a list of duties (部门职责, 各單位職掌, 行政人員業務內容): every part of it is about duties
DOCUMENT_DUTY_CONTEXT = re.compile(r"职责|职掌|执掌|分工|业务内容|工作内容|岗位说明")


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
        spans.extend(inline_roles(node, here, doc_id, title))
        spans.extend(who_does_lines(node, here, doc_id, title))
        spans.extend(lead_roles(node, here, doc_id, title))
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
                            spans.extend(inline_roles(child, here, doc_id, title))
                    for child in node.children:  # a card after this one is its own post
                        if child.role and child.role != node.role:
                            visit(child, here, in_duties)
                    return
            per_item = item_roles(node, here, doc_id, title) or group_roles(node, here, doc_id, title)
            if per_item:
                spans.extend(per_item)
                return
            spans.extend(obligation_roles(node, here, doc_id, title))
        else:  # a who-does-what list right at the top of a document
            spans.extend(item_roles(node, here, doc_id, title))
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
        if not meta_roles:
            spans += _lone_post_role(root, doc_id, title)
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
    labelled = _labelled_duties(nodes)
    if labelled:
        return labelled
    items = [n for n in nodes if n.number is not None and n.is_leaf]
    return [DutyItem(n=i, text=n.content_text()) for i, n in enumerate(items, 1)]


def _labelled_duties(nodes: list[Section]) -> list[DutyItem]:
    """The items of every duty label among the nodes (你的职责, 岗位职责), numbered through."""
    labelled = [d for node in nodes if is_duty_label(node) and not has_labelled_parts(node)
                for d in part_duties(node)]
    return [DutyItem(n=i, text=d.text) for i, d in enumerate(labelled, 1)]


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


def _lone_post_role(root: Section, doc_id: str, title: str) -> list[RoleSpan]:
    """A job-detail page: its duty lists (岗位职责) belong to the one post it names on a line of its own
    (职位详情 · 仓库管理员 · 月薪…) when no heading names a post."""
    duties = _labelled_duties(list(root.walk()))
    names = {heading_name(n).strip() for n in root.walk()
             if n.kind != "root" and n.is_leaf and not n.lines and is_name_heading(heading_name(n), units=False)}
    if not duties or len(names) != 1:
        return []
    name = names.pop()
    role = Role(name=name, aliases=aliases_for(name), source=doc_id, title=title, section="", department=None,
                duties=duties, origin="list item")
    return [RoleSpan(role, root, per_item=False)]
