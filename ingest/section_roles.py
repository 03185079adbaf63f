"""Roles a section's heading names: a table's role, a role heading, a post's bare name over its lists (or among
headings naming posts), a unit's heading over what it does, and the posts a duty label is split by.
"""
from __future__ import annotations

import re

from ingest.article_roles import article_subject
from ingest.duty_lists import (
    HEADING_PUNCT,
    area_items,
    duties_of,
    duty_list,
    has_labelled_parts,
    introduced_items,
    is_duty_label,
    list_items,
    part_kind,
    sub_posts,
)
from ingest.role_names import ends_in_noun, heading_name, is_name_heading, role_name_from_heading
from ingest.role_spans import RoleSpan, make_role
from ingest.structure import SECTION_KINDS, Section, is_list_kind, path_label
from kb.jobtitles import CJK, ListKind, is_job_title, label_kind, opens_with_duty
from kb.normalize import to_simplified
from kb.records import DutyItem

MIN_GROUP_ITEMS = 2  # a duty list whose items are groups, each with its own list: at least two such groups
MIN_ROLE_PARTS = 2          # duties and another part of a post (requirements, authority) under one heading
MAX_ANCHOR_NAME_CHARS = 30  # a heading, not a sentence
# Headings naming posts that make a differently named sibling heading one too: at least this many, and this share
# of the siblings (two posts beside 值勤纪律 are a duty section with its rules, not a roster of posts).
MIN_PEER_POSTS = 3
PEER_POST_SHARE = 2 / 3
MIN_BARE_POST_ITEMS = 2  # a post's name over a plain list of at least this many items owns them
# kinds of node whose heading can be a post's name: format headings, outline headings, articles, table rows
NAME_HEADING_KINDS = SECTION_KINDS | frozenset({"cn", "paren_cn", "decimal2", "decimal1", "arabic", "tiao",
                                                "circled"})
LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z .&/\-]{0,30}$")  # a post named in English (Maintainer, Release Manager)
LIST_INTRO_ENDS = (":", "：", "如下", "如下。")  # a paragraph ending so introduces the list after it


def sub_post_roles(node: Section, path: list[str], doc_id: str, title: str) -> list[RoleSpan]:
    """Each post a role's duty label is split by is a role too, with its own part of the list."""
    return [RoleSpan(make_role(heading_name(sub), None, duties_of(list_items(sub)),
                               path + [path_label(label.label), path_label(sub.label)], doc_id, title), sub, False,
                     inline=True)
            for label in node.children if is_duty_label(label) for sub in sub_posts(label)]


def _owns_role_parts(node: Section, text: str) -> bool:
    """A short heading over labelled parts of a role (要求 / 职责 / 权限): whatever its name (Maintainer, PMC),
    a node that owns a duty list beside other parts of a post is the post."""
    kinds = {part_kind(c) for c in node.children} - {None}
    return ListKind.DUTIES in kinds and len(kinds) >= MIN_ROLE_PARTS and len(text) <= MAX_ANCHOR_NAME_CHARS \
        and not HEADING_PUNCT.search(text) and label_kind(text) is None


def _bare_post(node: Section, text: str, in_duties: bool, peer: bool = False) -> bool:
    """A heading that is only a post's name owns the lists under it: labelled parts (岗位职责, 安全职责) or, in a
    part about duties, its items; a person's post (not a unit) also owns a plain list of items right under it.
    A `peer` heading stands among headings naming posts, shaped as they are: it names a post whatever its words
    (總務, 公關暨美宣 beside 社長, 副社長)."""
    if node.kind not in NAME_HEADING_KINDS:
        return False
    if has_labelled_parts(node):
        return is_name_heading(text) or _owns_role_parts(node, text) or peer
    if in_duties:
        return is_name_heading(text) or peer
    items = list_items(node) or area_items(node) or introduced_items(node)
    return len(items) >= MIN_BARE_POST_ITEMS and (is_name_heading(text, units=False) or peer) \
        and all(is_list_kind(c.kind) and not c.in_table for c in items)


def post_peers(node: Section) -> set[int]:
    """The headings among a node's children that stand among post headings: each a short name with no sentence
    in it over a list of its own, at least MIN_PEER_POSTS and PEER_POST_SHARE of them naming posts; a peer's name
    ends in a noun, as a post's does (ids of the nodes)."""
    shaped = [c for c in node.children if c.kind in NAME_HEADING_KINDS and not c.in_table and list_items(c)
              and len(heading_name(c)) <= MAX_ANCHOR_NAME_CHARS and not HEADING_PUNCT.search(heading_name(c))
              and label_kind(heading_name(c)) is None]
    posts = sum(1 for c in shaped if role_name_from_heading(heading_name(c)) or is_name_heading(heading_name(c)))
    if posts < MIN_PEER_POSTS or posts < PEER_POST_SHARE * len(shaped):
        return set()
    return {id(c) for c in shaped if ends_in_noun(heading_name(c))}


def _subject_over_duty_labels(node: Section) -> bool:
    """A heading or article that says what a unit or post does (客户服务部主要负责…) over lists labelled as duties
    (部门业务职责, 部门安全职责): the unit or post it opens with owns them all."""
    if node.kind not in NAME_HEADING_KINDS or not any(is_duty_label(c) for c in node.children):
        return False
    subject = article_subject(node.heading)
    rest = to_simplified(node.heading.strip())[len(subject or ""):]
    return subject is not None and is_job_title(subject, units=True) and opens_with_duty(rest)


def _says_what_it_does(node: Section) -> bool:
    """A heading naming a unit or post (in any script: 秘书部, Maintainer) over a paragraph that says what it does
    (负责会议记录…, 负责看护项目架构…) rather than introducing a list (负责以下工作：)."""
    if node.kind not in NAME_HEADING_KINDS or not (node.lines and opens_with_duty(node.lines[0])
                                                   or not node.lines and lists_duties(node)):
        return False
    name = heading_name(node)
    named = is_name_heading(name) or (not CJK.search(name) and bool(LATIN_NAME.match(name)))
    return named and not (node.lines and node.lines[0].rstrip().endswith(LIST_INTRO_ENDS))


def lists_duties(node: Section) -> bool:
    """A list most of whose items say what to do (负责会议记录, 策划校园活动, 协助社团)."""
    items = list_items(node)
    return len(items) >= MIN_BARE_POST_ITEMS and sum(1 for c in items if opens_with_duty(c.heading)) * 2 > len(items)


def lists_units(node: Section) -> bool:
    """A part whose headings name units or posts, each over a paragraph of what it does (部门介绍: 秘书部 负责…,
    活动部 策划…): a part about duties, whatever its own heading says."""
    return sum(1 for c in node.children if _says_what_it_does(c)) >= MIN_GROUP_ITEMS


def section_role(node: Section, path: list[str], doc_id: str, title: str, in_duties: bool,
                 peer: bool = False) -> RoleSpan | None:
    """The role a section names (table role, role heading, or a post's name over its lists)."""
    duties = duty_list(node)
    text = heading_name(node)
    paragraph = in_duties and not node.role and _says_what_it_does(node) and role_name_from_heading(text) is None
    if paragraph:  # what it does is its first paragraph (what follows, how to become one, is no duty), or its list
        duties = [DutyItem(1, node.lines[0])] if node.lines else duties_of(list_items(node))
    elif not duties and in_duties and node.lines and not node.children and node.kind in NAME_HEADING_KINDS \
            and is_name_heading(text):
        duties = [DutyItem(1, "\n".join(node.lines))]  # in a part about duties, a unit's heading over a paragraph
    if not duties:
        return None
    if node.role:
        return RoleSpan(make_role(node.role, node.department, duties, path, doc_id, title), node, False)
    if paragraph:
        return RoleSpan(make_role(text, None, duties, path, doc_id, title), node, False)
    named = role_name_from_heading(text)
    if named is None and _bare_post(node, text, in_duties, peer):
        named = (text.rstrip(":："), None)
    if named is None and _subject_over_duty_labels(node):
        named = (article_subject(node.heading) or "", None)
    if named is None:
        return None
    name, department = named
    return RoleSpan(make_role(name, department, duties, path, doc_id, title), node, False)
