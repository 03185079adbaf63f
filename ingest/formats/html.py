"""HTML: the page's title, h1–h6 as headings, paragraphs (split at <br>), lists, tables with their header labels.

Server-template directives and placeholders (`<%…%>`, `<!--#…-->`, `<#…>`, `${…}`, `$!{…}`,
`{{…}}`, `{%…%}`) are removed before parsing, and page furniture (navigation, breadcrumbs, share
bars, footers, blocks that are nothing but links) is left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.formats.grid import Cell, Grid
from ingest.formats.limits import FormatLimits
from ingest.tables import table_blocks
from kb.outline import HEADING, ITEM, LINE, Block

TEMPLATE = re.compile(
    r"<%.*?%>|<!--#.*?-->|</?#[^>]*>|</?@[^>]*>|\$!?\{[^{}]*\}|#\{[^{}]*\}|\{\{.*?\}\}|\{%.*?%\}", re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
DROP_TAGS = ["script", "style", "noscript", "iframe", "form", "nav", "header", "footer", "button", "select",
             "input", "textarea", "svg", "head"]
FURNITURE = re.compile(r"(^|[\s_-])(nav|navbar|menu|topbar|top-bar|breadcrumb|crumb|dqwz|footer|foot|sidebar|"
                       r"share|bdshare|copyright|toolbar|pager|pagination)($|[\s_-])", re.I)
BLOCK_TAGS = frozenset({"p", "div", "section", "article", "main", "blockquote", "pre", "center", "dl", "dd",
                        "address", "figure", "figcaption", "body", "html", "tbody", "thead", "li"})
HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}
TERM_LEVEL = len(HEADING_TAGS) + 1  # a <dt> term or a bold paragraph ranks below every heading
BOLD_TAGS = ["strong", "b"]
BOLD_HEADING_BLOCKS = frozenset({"p", "div"})
BOLD_WRAP_DEPTH = 2  # <p><span><strong>X</strong></span></p>: wrappers a bold heading may sit in
BOLD_HEADING_MAX_CHARS = 20  # a bold phrase this short on its own is a heading; longer, an emphasised sentence
SENTENCE_PUNCT = re.compile(r"[。；;！？!?，,]")
# A list item laid out as a card (a job posting's <li>: its name, its facts and its duty lists, each in a <div>)
# holds at least this many blocks of text of its own: its contents are read as blocks, not one line.
CARD_TEXT_BLOCKS = 3
CARD_BLOCK_TAGS = ["div", "p", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6"]
LINK_BLOCK_RATIO = 0.8  # a block whose text is mostly link text is navigation
MIN_LINKS_IN_NAV = 3
TITLE_SEPARATORS = re.compile(r"\s+[-|–—_]\s+|_|\s*\|\s*")
SPACES = re.compile(r"[\s\u3000]+")
PUNCT_SPACES = re.compile(r"[\s\u3000\-|–—_·:：,，.。]+")
WIDE = r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]"  # CJK characters and punctuation: no space between them
CJK_BREAK = re.compile(rf"(?<={WIDE})[ \t]*\r?\n\s*(?={WIDE})")
SOURCE_BREAK = re.compile(r"\s*\r?\n\s*")


@dataclass
class HtmlText:
    blocks: list[Block]
    title: str | None
    text: str


def _compact(text: str) -> str:
    return PUNCT_SPACES.sub("", text)


@dataclass
class _TextShare:
    """A block's visible text and the part of it inside links (compacted character counts), and its links."""

    text: int = 0
    linked: int = 0
    links: int = 0

    def add(self, other: _TextShare) -> None:
        self.text += other.text
        self.linked += other.linked
        self.links += other.links


def _text_shares(root) -> dict[int, _TextShare]:
    """Every tag's text share (by id), counted in one pass from the leaves up.

    Asking each block for its text and links walks its whole subtree: for blocks nested thousands
    deep that is quadratic (20,000 nested <div>s: minutes).
    """
    from bs4 import CData, NavigableString, Tag

    shares: dict[int, _TextShare] = {}
    for node in reversed(list(root.descendants)):  # every descendant of a node comes after it in document order
        if isinstance(node, Tag):
            own = shares.setdefault(id(node), _TextShare())
            if node.name == "a":
                own.linked, own.links = own.text, own.links + 1
        elif type(node) in (NavigableString, CData):  # the strings get_text() returns
            own = _TextShare(text=len(_compact(str(node))))
        else:
            continue
        shares.setdefault(id(node.parent), _TextShare()).add(own)
    return shares


def _is_furniture(tag, share: _TextShare) -> bool:
    names = " ".join(tag.get("class") or []) + " " + str(tag.get("id") or "")
    if FURNITURE.search(names):
        return True
    if share.links >= MIN_LINKS_IN_NAV:
        return share.text > 0 and share.linked >= LINK_BLOCK_RATIO * share.text
    return False


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name, 1)), 100))
    except (TypeError, ValueError):
        return 1


def _grid(table, limits: FormatLimits) -> Grid:
    """Cells of a table with rowspan/colspan spread over the places they cover (marked repeated)."""
    rows: list[list[Cell]] = []
    pending: dict[tuple[int, int], Cell] = {}
    for r, tr in enumerate(table.find_all("tr")):
        if tr.find_parent("table") is not table:
            continue
        row: list[Cell] = []
        col = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
            limits.count(1)
            text = "\n".join(s.strip() for s in _cell_text(cell).split("\n") if s.strip())
            first = Cell(text, header=cell.name == "th")
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            for dc in range(colspan):
                row.append(first if dc == 0 else Cell(text, repeated=True, header=first.header))
                for dr in range(1, rowspan):
                    pending[(r + dr, col + dc)] = Cell(text, repeated=True, header=first.header)
            col += colspan
        while (r, col) in pending:
            row.append(pending.pop((r, col)))
            col += 1
        rows.append(row)
    return Grid(rows)


def _source_text(text: str) -> str:
    """A text node as a browser shows it: a line break in the source is a space, or nothing between two CJK
    characters (a hand-wrapped line 登记来访人员的姓名、\n工作单位 reads as one line)."""
    return SOURCE_BREAK.sub(" ", CJK_BREAK.sub("", text))


def _bold_heading(block) -> str | None:
    """The text of a paragraph that is one short bold phrase (<p><strong>秘书处</strong></p>): a heading in all
    but name; None for anything else. Only the block's own children are looked at (and single wrappers below
    them), so nested blocks are not each read whole: reading stays linear in the page's depth."""
    if block.name not in BOLD_HEADING_BLOCKS:
        return None
    node = block
    for _ in range(BOLD_WRAP_DEPTH + 1):
        children = [c for c in node.children if not (isinstance(c, str) and not c.strip())]
        if len(children) != 1 or isinstance(children[0], str):
            return None
        node = children[0]
        if node.name in BOLD_TAGS:
            break
    else:
        return None
    text = SPACES.sub(" ", node.get_text(" ")).strip()
    if not text or len(text) > BOLD_HEADING_MAX_CHARS or SENTENCE_PUNCT.search(text):
        return None
    return text if not node.find(["table", "ul", "ol", "img"]) else None


def _is_card(li) -> bool:
    """A list item holding several blocks of text of its own (a card of facts and lists), not a line of text."""
    from bs4 import NavigableString

    own = 0
    for block in li.find_all(CARD_BLOCK_TAGS):
        if any(isinstance(c, NavigableString) and c.strip() for c in block.children):
            own += 1
            if own >= CARD_TEXT_BLOCKS:
                return True
    return False


def _cell_text(cell) -> str:
    from bs4 import NavigableString

    for node in cell.find_all(string=True):
        if type(node) is NavigableString and "\n" in node and node.find_parent("pre") is None:
            node.replace_with(_source_text(str(node)))
    for br in cell.find_all("br"):
        br.replace_with("\n")
    for block in cell.find_all(["p", "div", "li"]):
        block.insert_after("\n")
    return cell.get_text()


_FLUSH = object()  # on the walker's stack: the end of a block


class _Walker:
    """Blocks of a parsed page, walked with explicit stacks: pages nest tags thousands deep (unclosed <b>s)."""

    def __init__(self, limits: FormatLimits, shares: dict[int, _TextShare]) -> None:
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.limits = limits
        self.shares = shares

    def flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer = []
        lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
        lines = [line for line in lines if line]
        self.blocks += [Block(LINE, line, paragraph=i == 0) for i, line in enumerate(lines)]

    def walk(self, root) -> None:
        from bs4 import NavigableString, Tag

        pending: list = list(reversed(list(root.children)))
        while pending:
            child = pending.pop()
            if child is _FLUSH:
                self.flush()
                continue
            if isinstance(child, NavigableString):
                if type(child).__name__ not in ("Comment", "Doctype", "Declaration", "ProcessingInstruction"):
                    self.buffer.append(_source_text(str(child)))
                continue
            if not isinstance(child, Tag):
                continue
            self.limits.count(1)
            name = child.name
            if name == "br":
                self.buffer.append("\n")
            elif name in HEADING_TAGS:
                self.flush()
                text = SPACES.sub(" ", child.get_text(" ")).strip()
                if text:
                    self.blocks.append(Block(HEADING, text, level=HEADING_TAGS[name]))
            elif name == "dt":  # a definition list's term heads its definition (<dt>秘书</dt><dd>负责…</dd>)
                self.flush()
                text = SPACES.sub(" ", child.get_text(" ")).strip()
                if text:
                    self.blocks.append(Block(HEADING, text, level=TERM_LEVEL))
            elif name in ("ol", "ul"):
                self.flush()
                self.list_items(child)
            elif name == "table":
                self.flush()
                self.blocks += table_blocks(_grid(child, self.limits), len(HEADING_TAGS) + 1)
            elif name in BLOCK_TAGS and (bold := _bold_heading(child)) is not None:
                self.flush()
                self.blocks.append(Block(HEADING, bold, level=TERM_LEVEL))
            elif name in BLOCK_TAGS:
                self.flush()
                if not _is_furniture(child, self.shares.get(id(child), _TextShare())):
                    pending.append(_FLUSH)
                    pending += reversed(list(child.children))
            else:
                pending += reversed(list(child.children))

    def list_items(self, root) -> None:
        """Items of a list and, after each item, those of the lists nested in it (one level deeper)."""
        pending = [_OpenList(root, 0)]
        while pending:
            current = pending[-1]
            li = next(current.items, None)
            if li is None:
                pending.pop()
                continue
            if _is_card(li):
                self.walk(li)
                self.flush()
                continue
            nested = li.find_all(["ol", "ul"], recursive=False)
            for sub in nested:
                sub.extract()
            text = SPACES.sub(" ", li.get_text(" ")).strip()
            if text:
                ordered = current.tag.name == "ol"
                self.blocks.append(Block(ITEM, text, level=current.level, number=current.number if ordered else None))
                current.number += 1
            pending += [_OpenList(sub, current.level + 1) for sub in reversed(nested)]


class _OpenList:
    """A list whose items are being read: its remaining items and the number of the next one."""

    def __init__(self, tag, level: int) -> None:
        self.tag = tag
        self.level = level
        self.items = iter(tag.find_all("li", recursive=False))
        try:
            self.number = int(tag.get("start", 1))
        except (TypeError, ValueError):
            self.number = 1


def _title(soup, blocks: list[Block]) -> str | None:
    """<title> without its site name, or the page's h1 when the title holds it (the h1 then leaves the body)."""
    raw = soup.title.get_text() if soup.title else ""
    h1 = next((b for b in blocks if b.kind == HEADING and b.level == 1), None)
    if h1 is not None and (not raw or _compact(h1.text) in _compact(raw)):
        if sum(1 for b in blocks if b.kind == HEADING and b.level == 1) == 1:
            blocks.remove(h1)
            return h1.text
    parts = [p.strip() for p in TITLE_SEPARATORS.split(raw) if p.strip()]
    return parts[0] if parts else None


def read_html(html: str, limits: FormatLimits) -> HtmlText:
    from bs4 import BeautifulSoup

    html = COMMENT.sub(lambda m: "" if m.group(0).startswith("<!--#") else m.group(0), TEMPLATE.sub("", html))
    soup = BeautifulSoup(html, "html.parser")
    title_tag = soup.title
    title_text = title_tag.get_text() if title_tag else ""
    for tag in soup(DROP_TAGS):
        tag.decompose()
    root = soup.body or soup
    walker = _Walker(limits, _text_shares(root))
    walker.walk(root)
    walker.flush()
    blocks = walker.blocks
    holder = BeautifulSoup(f"<title>{title_text}</title>", "html.parser") if title_text else soup
    title = _title(holder, blocks)
    return HtmlText(blocks, title, "\n".join(b.text for b in blocks if b.text))
