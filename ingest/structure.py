"""Parse a document's blocks into one outline (section tree), whatever the format.

Numbered lines follow the marker grammar of `kb.outline`: ①–⑳ (top-level question
blocks *or* deep list items, told apart by context), 第X编/部分/章/節/條/款, 第一,, 一、,
(一), 1、 / 1. / 1．, 1.1, 1）, (1) / ⑴, A., and bullets. Each marker kind takes its level
from where it first appears in the current branch, which is how these documents are
actually written: the same kind reappearing closes everything opened below it, and a
list that continues its numbering after an interruption goes back beside its items.

Format headings (Markdown #, DOCX heading styles, HTML h1–h6, sheet names, table
captions) nest by level. Unnumbered headings are short lines without sentence
punctuation that open a list (`籃球跑位:`, `岗位职责：`, `班主任职责`) or that read as a
role heading (`XX职责`, `XX岗位说明书`). A paragraph after a list closes the list: it
belongs to the list's parent, after the items. A table (between BEGIN and END blocks)
opens sections only inside the section it appears in.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from kb.jobtitles import is_job_title, is_translation, label_kind, post_field
from kb.outline import BEGIN, END, HEADING, ITEM, LABEL, LINE, ROLE, Block, Marker, match_marker

LABEL_MAX_CHARS = 20
WRAPPED_ITEM_MIN_CHARS = 16  # an item cut at the page's width is long; a short unpunctuated item is a heading
ITEM_ENDS = tuple("。；;！？!?：:）)」』”\"…")
CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
LATIN_FULL_STOP = "."
CJK_START = re.compile(r"^[\u4e00-\u9fff，、。；]")
HEADING_MAX_CHARS = 20  # an unnumbered heading is a short line; longer lines are sentences
PATH_LABEL_MAX_CHARS = 40  # long "(2)…:" lines carry content; a breadcrumb shows their start only
ELLIPSIS = "…"
SECTION_KINDS = frozenset({"root", "heading", "circled", "part", "zhang", "jie", "label", "row"})
# Kinds whose leaf nodes are list entries: a later paragraph closes them (articles 第X條 keep their paragraphs).
LIST_KINDS = frozenset({"arabic", "arabic_paren", "paren", "paren_cn", "latin", "bullet", "circled_item", "para"})
LIST_PREFIX = "list"  # items numbered by the format: list0, list1, … by nesting depth
# markers that open sections rather than lists: a short line before them is not a list's heading
HEADING_KINDS = frozenset({"heading", "part", "zhang", "jie", "circled"})
CARD_FIELD = re.compile(r"^[^：:，,。；;\s]{2,8}[：:]\s*\S")  # 工作地点：重庆市 — a fact of a posting's card
MAX_CARD_FIELDS = 8
SENTENCE_PUNCT = re.compile(r"[。；;！？!?，,]")
ROLE_HEADING_LINE = re.compile(
    r"^[\u4e00-\u9fffA-Za-z（）()、/·]{2,16}?(?:的)?(?:岗位工作职责|崗位工作職責|岗位职责|崗位職責|工作职责|工作職責|"
    r"主要职责|主要職責|岗位说明书|崗位說明書|工作职掌|工作職掌|职责|職責|职掌|職掌|工作守则|工作守則)[:：]?$")


# Legal units, outermost first. They are numbered through a whole regulation (第一条 … 第九十条 across
# chapters), so a number continuing the last article's says nothing about leaving the chapter opened since;
# and a unit closes the open units it outranks even when the document skipped its first one (no 第一章).
LEGAL_RANK = {"part": 0, "zhang": 1, "jie": 2, "tiao": 3, "kuan": 4}


def is_list_kind(kind: str) -> bool:
    return kind in LIST_KINDS or kind.startswith(LIST_PREFIX)


def path_label(label: str) -> str:
    return label if len(label) <= PATH_LABEL_MAX_CHARS else label[:PATH_LABEL_MAX_CHARS] + ELLIPSIS


@dataclass
class Section:
    """A node of the outline: its marker line, the unnumbered lines under it, and children."""

    kind: str
    number: int | None
    label: str
    heading: str
    lines: list[str] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    level: int = 0
    role: str | None = None  # a role a table names for this section (a role-column cell, a 岗位名称 cell)
    department: str | None = None
    in_table: bool = False  # a table's row or cell: a record, not a list someone wrote under a heading

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def is_item(self) -> bool:
        """A numbered or bulleted line with no sub-items: content, not a heading."""
        return self.is_leaf and self.kind not in SECTION_KINDS

    def own_text(self) -> str:
        return "\n".join(([self.label] if self.label else []) + self.lines)

    def full_text(self) -> str:
        """Original text of this node and everything below it."""
        parts = [self.own_text()] + [c.full_text() for c in self.children]
        return "\n".join(p for p in parts if p)

    def content_text(self) -> str:
        """Like full_text, but the first line without its marker (for duty item text)."""
        parts = [self.heading] + self.lines + [c.full_text() for c in self.children]
        return "\n".join(p for p in parts if p)

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()


def _is_label(line: str) -> bool:
    return len(line) <= LABEL_MAX_CHARS and line.endswith((":", "：")) and "。" not in line


def _wrapped(node: Section, line: str) -> bool:
    """Whether `line` continues a list item cut at the page's width: a long item stopping mid-sentence (no closing
    punctuation), followed by a line that is no heading of its own."""
    text = node.heading.rstrip()
    return is_list_kind(node.kind) and node.is_leaf and not node.lines and len(text) >= WRAPPED_ITEM_MIN_CHARS \
        and not text.endswith(ITEM_ENDS) and bool(CJK_START.match(line))


def is_role_heading_line(line: str) -> bool:
    return bool(ROLE_HEADING_LINE.match(line))


def _is_unnumbered_heading(line: str, following: Marker | None) -> bool:
    """A short line without sentence punctuation that opens a list, or a role heading (`X职责`)."""
    body = line.rstrip(":：")
    if len(line) > HEADING_MAX_CHARS or SENTENCE_PUNCT.search(body) or ":" in body or "：" in body:
        return False
    if not CJK_CHAR.search(line) and line.rstrip().endswith(LATIN_FULL_STOP):
        return False  # the end of an English sentence (a translation wrapped at the page's width), no heading
    opens_section = following is not None and following.kind in HEADING_KINDS  # a title over chapters or blocks
    opens_list = following is not None and following.number == 1 and not opens_section
    return opens_list or (is_role_heading_line(line) and not opens_section)


def _post_card_list(line: str, blocks: list[Block], start: int) -> Marker | None:
    """The list a post's card opens, when `line` is a post's name on a line of its own over a few facts as
    "key：value" lines (工作地点：…, 学历要求：…) and then a list numbered from 1 (a job posting laid out as a
    card); else None."""
    if len(line) > HEADING_MAX_CHARS or SENTENCE_PUNCT.search(line) or not is_job_title(line):
        return None
    for block in blocks[start:start + MAX_CARD_FIELDS + 1]:
        if block.kind != LINE:
            return None
        if not CARD_FIELD.match(block.text.strip()):
            marker = match_marker(block.text.strip())
            return marker if marker is not None and marker.number == 1 else None
    return None


def _block_marker(block: Block) -> Marker | None:
    if block.kind == LINE:
        return match_marker(block.text)
    if block.kind == ITEM:
        if block.number is None:
            return Marker("bullet", None, block.text)
        return Marker(f"{LIST_PREFIX}{block.level}", block.number, block.text)
    return None


def _next_marker(blocks: list[Block], start: int) -> Marker | None:
    for block in blocks[start:]:
        if block.kind in (LINE, ITEM) and block.text.strip():
            return _block_marker(block)
        if block.kind != LINE:
            return None
    return None


def _legal_kind(node: Section) -> str | None:
    """The legal unit a section is: its own marker, or the one its heading text starts with (## 第六章 …)."""
    if node.kind in LEGAL_RANK:
        return node.kind
    if node.kind != "heading":
        return None
    inner = match_marker(node.label.lstrip("#").strip())
    return inner.kind if inner is not None and inner.kind in LEGAL_RANK else None


def _outranks(node: Section, kind: str) -> bool:
    legal = _legal_kind(node)
    return legal is not None and LEGAL_RANK[legal] < LEGAL_RANK[kind]


class _OutlineBuilder:
    """Keeps the stack of open sections while blocks are fed in order; tables scope what they open."""

    def __init__(self) -> None:
        self.root = Section("root", None, "", "")
        self.stack: list[Section] = []
        self.top_block = 0
        self.scopes: list[int] = []
        self.after_table = False

    @property
    def base(self) -> int:
        return self.scopes[-1] if self.scopes else 0

    @property
    def current(self) -> Section:
        return self.stack[-1] if self.stack else self.root

    def _node_at(self, depth: int) -> Section:
        return self.stack[depth] if depth >= 0 else self.root

    def _truncate(self, depth: int) -> None:
        del self.stack[max(depth, self.base):]

    def add_body(self, line: str) -> None:
        self.current.lines.append(line)

    def close_list(self) -> None:
        """Pop list entries (and trailing paragraphs) that are leaves: what follows is their parent's."""
        while len(self.stack) > self.base and self.stack[-1].is_leaf and is_list_kind(self.stack[-1].kind):
            self.stack.pop()

    def add_paragraph(self, line: str) -> None:
        """An unnumbered paragraph after a list or a table: a `para` child of their section, after them."""
        top = self.current
        if _wrapped(top, line) and len(self.stack) > self.base:
            top.heading += line  # the rest of an item the page wrapped (…其成员不得为候选 / 者。)
            return
        if top.is_leaf and label_kind(top.heading) is not None and len(self.stack) > self.base:
            self.add_body(line)  # a list label's intro ("（二）安全职责", "为本部门安全第一责任人：") opens its list
            return
        if is_list_kind(top.kind) and top.is_leaf and len(self.stack) > self.base:
            self.close_list()
        if self.current.children and (is_list_kind(self.current.children[-1].kind) or self.after_table):
            node = Section("para", None, line, line)
            self.current.children.append(node)
            self.stack.append(node)
        else:
            self.add_body(line)
        self.after_table = False

    def _circled_kind(self, number: int, after_blank: bool) -> str:
        deep = [s for s in self.stack if s.kind == "circled_item"]
        if deep and deep[-1].number is not None and number == deep[-1].number + 1:
            return "circled_item"
        if number == self.top_block + 1 and after_blank and not self.scopes:
            self.top_block = number
            return "circled"
        return "circled_item"

    def _pop_to_kind(self, kind: str, number: int | None) -> None:
        for i in range(len(self.stack) - 1, self.base - 1, -1):
            if self.stack[i].kind == kind:
                del self.stack[i:]
                return
        if kind in LEGAL_RANK:
            self._close_outranked(kind)
        if number is None or number <= 1:
            return
        # not open: a list continuing its numbering after an interruption goes back beside its earlier items
        for i in range(len(self.stack) - 1, self.base - 2, -1):
            siblings = [c for c in self._node_at(i).children if c.kind == kind]
            if siblings and siblings[-1].number == number - 1:
                del self.stack[i + 1:]
                return
            if kind in LEGAL_RANK and _outranks(self._node_at(i), kind):
                return  # the chapter opened since the earlier articles is their parent

    def _close_outranked(self, kind: str) -> None:
        """A legal unit with none of its kind open closes the open units it outranks (第二章 closes 第二条 and
        its list); lists that are not inside such a unit stay open (一、总则 may hold 第一条)."""
        cut = None
        for i in range(len(self.stack) - 1, self.base - 1, -1):
            node = self.stack[i].kind
            if node in LEGAL_RANK:
                if LEGAL_RANK[node] <= LEGAL_RANK[kind]:
                    break
                cut = i
            elif not is_list_kind(node):
                break
        if cut is not None:
            del self.stack[cut:]

    def add_marker(self, marker: Marker, line: str, after_blank: bool, following: Marker | None) -> None:
        kind = marker.kind
        self.after_table = False
        if self.stack and self.stack[-1].kind == "para":
            self.stack.pop()
        if kind == "circled":
            kind = self._circled_kind(marker.number or 0, after_blank)
        if kind == "circled":
            self._truncate(0)
        elif kind == "heading":
            self._pop_headings(marker.level)
        elif kind == "label":
            if following is not None:
                self._pop_to_kind(following.kind, None)
            if len(self.stack) > self.base and self.stack[-1].kind == "label":  # a new label closes the previous
                self.stack.pop()
        else:
            self._pop_to_kind(kind, marker.number)
        number = marker.number
        if kind == "bullet":
            number = sum(1 for c in self.current.children if c.kind == "bullet") + 1
        node = Section(kind, number, line, marker.heading, level=marker.level, in_table=bool(self.scopes))
        self._push(node)

    def _push(self, node: Section) -> None:
        self.current.children.append(node)
        self.stack.append(node)

    def _pop_headings(self, level: int) -> None:
        while len(self.stack) > self.base and not (self.stack[-1].kind == "heading" and self.stack[-1].level < level):
            self.stack.pop()

    def add_heading(self, block: Block) -> None:
        self._pop_headings(block.level)
        inner = match_marker(block.text)
        heading = inner.heading if inner is not None and inner.kind != "heading" and inner.heading else block.text
        self._push(Section("heading", inner.number if inner else None, block.text, heading, level=block.level))

    def add_label(self, text: str) -> None:
        self._truncate(self.base)
        here = self.current
        if here.children and here.children[-1].kind == "label" and here.children[-1].heading == text:
            self.stack.append(here.children[-1])  # a label cell merged over several rows: one section
            return
        self._push(Section("label", None, text, text))

    def add_role(self, block: Block) -> None:
        self._truncate(self.base)
        self._push(Section("row", None, block.text, block.text, role=block.role, department=block.department))

    def add_post_anchor(self, post: str, line: str) -> None:
        """A field line naming a post (岗位名称：校长) opens that post's card: what follows, up to the next such line
        or a heading, is the post's. An earlier card, its labels and lists close; headings above stay open."""
        while len(self.stack) > self.base and self.stack[-1].kind not in HEADING_KINDS | {"root", "heading"}:
            self.stack.pop()
        self._push(Section("row", None, line, line, role=post))

    def begin_table(self, block: Block) -> None:
        if self.stack and self.stack[-1].kind == "para":
            self.stack.pop()
        self.close_list()
        if block.role and (self.current.kind == "root" or self.current.role not in (None, block.role)):
            self.add_post_anchor(block.role, block.role)  # one card after another: each opens its post's section
        if block.role:
            self.current.role = block.role
            self.current.department = self.current.department or block.department
        self.scopes.append(len(self.stack))

    def end_table(self) -> None:
        if self.scopes:
            del self.stack[self.scopes.pop():]
        self.after_table = True


def text_blocks(text: str) -> list[Block]:
    """A plain text as LINE blocks; a line after a blank line starts a paragraph."""
    blocks, paragraph = [], True
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            paragraph = True
            continue
        blocks.append(Block(LINE, line, paragraph=paragraph))
        paragraph = False
    return blocks


def _feed_line(builder: _OutlineBuilder, blocks: list[Block], i: int, block: Block) -> None:
    line = block.text.strip()
    post = post_field(line) if not builder.scopes else None  # inside a table, a field is a cell of a row
    if post is not None:
        builder.add_post_anchor(post, line)
        return
    marker = match_marker(line)
    if marker is not None and marker.number is not None and is_translation(marker.heading):
        builder.add_body(line)  # a numbered line repeating the item before it in English: one item, not two
        return
    following = None
    if marker is None:
        following = _next_marker(blocks, i + 1)
        opens_list = following is not None and following.number == 1
        card = _post_card_list(line, blocks, i + 1)
        if card is not None:
            following = card  # the card's list, past its facts: the new card closes the one before
        if (_is_label(line) and opens_list) or _is_unnumbered_heading(line, following) or card is not None:
            marker = Marker("label", None, line.rstrip(":："))
    if marker is not None:
        builder.add_marker(marker, line, block.paragraph, following)
    elif block.paragraph:
        builder.add_paragraph(line)
    else:
        builder.add_body(line)


def parse_blocks(blocks: list[Block]) -> Section:
    """The section tree of a document's (cleaned) blocks; the root node has kind 'root'."""
    builder = _OutlineBuilder()
    for i, block in enumerate(blocks):
        if block.kind == LINE:
            if block.text.strip():
                _feed_line(builder, blocks, i, block)
        elif block.kind == HEADING:
            builder.add_heading(block)
        elif block.kind == ITEM and is_translation(block.text):
            builder.add_body(block.text)
        elif block.kind == ITEM:
            marker = _block_marker(block)
            assert marker is not None
            label = f"{block.number}. {block.text}" if block.number is not None else block.text
            builder.add_marker(marker, label, True, None)
        elif block.kind == LABEL:
            builder.add_label(block.text)
        elif block.kind == ROLE:
            builder.add_role(block)
        elif block.kind == BEGIN:
            builder.begin_table(block)
        elif block.kind == END:
            builder.end_table()
    return builder.root


def parse_structure(text: str) -> Section:
    """The section tree of a cleaned plain-text document (root node has kind 'root')."""
    return parse_blocks(text_blocks(text))
