"""The Chinese outline: the marker grammar of numbered lines, and the format-neutral blocks readers produce.

Recognised markers: Markdown headings, ①–⑳, 第X编/部分/章/節/條/款, 第一,(ordinal
paragraphs), 一、, (一) / （一） / ㈠, 1、 / 1. / 1． , 1.1 (decimal section numbers), 1）,
(1) / ⑴, A. / a), and bullets. Ingest builds the section tree from them; answers use
them to strip an item's number from a quote.

Every reader (text, Markdown, HTML, DOCX, PDF, XLSX) turns a file into `Block`s in
reading order: plain lines go through the marker grammar, while headings, list items
numbered by the format (Word auto-numbering, `<ol>`) and interpreted table parts
arrive typed, so one outline builder serves every format.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100}
CIRCLED_FIRST, CIRCLED_LAST = 0x2460, 0x2473
PAREN_DIGIT_FIRST, PAREN_DIGIT_LAST = 0x2474, 0x2487
PAREN_IDEOGRAPH_FIRST, PAREN_IDEOGRAPH_LAST = 0x3220, 0x3229  # ㈠–㈩
CN_NUM = r"[一二三四五六七八九十百零〇两兩]+"
SPACE = r"[\s\u3000]"

MARKERS: list[tuple[str, re.Pattern[str]]] = [
    # Markdown headings; many writers leave out the space before CJK text or a number (####2. 应付款规定).
    # Legal units may be written with spaces round an Arabic number (第 5 條, 第 2 章), as Taiwanese bylaws often are.
    ("heading", re.compile(r"^(#{1,6})(?:\s+|(?=[\u4e00-\u9fff\d（(]))(.+)$")),
    ("part", re.compile(rf"^(第{SPACE}*({CN_NUM}|\d+){SPACE}*(?:[编編篇]|部分))(?![的之]){SPACE}*(.*)$")),
    ("zhang", re.compile(rf"^(第{SPACE}*({CN_NUM}|\d+){SPACE}*章)\s*(.*)$")),
    ("jie", re.compile(rf"^(第{SPACE}*({CN_NUM}|\d+){SPACE}*[節节])\s*(.*)$")),
    ("tiao", re.compile(rf"^(第{SPACE}*({CN_NUM}|\d+){SPACE}*[條条])\s*(.*)$")),
    ("kuan", re.compile(rf"^(第{SPACE}*({CN_NUM}|\d+){SPACE}*款)\s*(.*)$")),
    ("ordinal", re.compile(rf"^(第({CN_NUM})\s*[,，、:：])\s*(.+)$")),
    ("decimal", re.compile(rf"^(\d{{1,2}}(?:\.\d{{1,2}}){{1,3}})(?![\d.]){SPACE}+(.+)$")),
    ("cn", re.compile(rf"^(({CN_NUM})\s*[、．.])\s*(.+)$")),
    ("paren_cn", re.compile(rf"^([(（]({CN_NUM})[)）])\s*(.+)$")),
    ("arabic", re.compile(r"^((\d{1,3})\s*(?:[、．]|\.(?!\d)))\s*(.+)$")),
    ("arabic_paren", re.compile(r"^((\d{1,3})[)）])\s*(.+)$")),
    ("paren", re.compile(r"^([(（](\d{1,3})[)）])\s*(.+)$")),
    ("latin", re.compile(r"^(([A-Za-z])[.．)）])\s*([\u4e00-\u9fff].*)$")),
    ("bullet", re.compile(r"^([-*+]\s|[•·●○■□◆◇▪►▶])\s*(.+)$")),
]


def cn_to_int(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105; Arabic digits pass through."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (current or 1) * CN_UNITS[ch]
            current = 0
    return total + current


@dataclass(frozen=True)
class Marker:
    kind: str
    number: int | None
    heading: str
    level: int = 0


def _decimal(number: str, heading: str) -> Marker:
    """1.1 → level 2 of the decimal family, number 1; each depth is its own kind so depths nest."""
    parts = number.split(".")
    return Marker(f"decimal{len(parts)}", int(parts[-1]), heading.strip(), level=len(parts))


def match_marker(line: str) -> Marker | None:
    if not line:
        return None
    first = ord(line[0])
    if CIRCLED_FIRST <= first <= CIRCLED_LAST:
        return Marker("circled", first - CIRCLED_FIRST + 1, line[1:].strip())
    if PAREN_DIGIT_FIRST <= first <= PAREN_DIGIT_LAST:
        return Marker("paren", first - PAREN_DIGIT_FIRST + 1, line[1:].strip())
    if PAREN_IDEOGRAPH_FIRST <= first <= PAREN_IDEOGRAPH_LAST:
        return Marker("paren_cn", first - PAREN_IDEOGRAPH_FIRST + 1, line[1:].strip())
    for kind, pattern in MARKERS:
        m = pattern.match(line)
        if not m:
            continue
        if kind == "heading":
            return Marker("heading", None, m.group(2).strip(), level=len(m.group(1)))
        if kind == "bullet":
            return Marker("bullet", None, m.group(2).strip())
        if kind == "decimal":
            return _decimal(m.group(1), m.group(2))
        if kind == "latin":
            return Marker(kind, ord(m.group(2).lower()) - ord("a") + 1, m.group(3).strip())
        return Marker(kind, cn_to_int(m.group(2)), m.group(3).strip())
    return None


def strip_marker_text(text: str) -> str:
    """The text of a numbered line without its marker (unchanged when it has none)."""
    marker = match_marker(text.strip()) if text.strip() else None
    return marker.heading if marker is not None and marker.heading else text.strip()


# "1. 维修公共设施。2. 做好维修记录。": arabic-numbered items written one after another in one cell or line, each
# opening the text or following a sentence end or a space
INLINE_ITEM = re.compile(r"(?:^|(?<=[。；;！!？?\s\u3000]))(?P<n>\d{1,2})[.、．)）](?!\d)\s*")
MIN_INLINE_ITEMS = 2


def inline_items(text: str) -> list[str]:
    """The items of a list numbered 1, 2, 3 … inside one line, in order; [] when it holds no such list."""
    starts, expected = [], 1
    for m in INLINE_ITEM.finditer(text):
        if int(m.group("n")) == expected:
            starts.append(m)
            expected += 1
    if len(starts) < MIN_INLINE_ITEMS:
        return []
    ends = [m.start() for m in starts[1:]] + [len(text)]
    return [text[m.end():end].strip() for m, end in zip(starts, ends, strict=True) if text[m.end():end].strip()]


# Block kinds. LINE goes through the marker grammar; the others are typed by the reader.
LINE = "line"          # a line of text (a paragraph of DOCX/HTML/PDF, a line of a text file)
HEADING = "heading"    # a format heading: Markdown-free DOCX heading style, HTML h1–h6, sheet name, table caption
ITEM = "item"          # a list item whose number the format gives (Word auto-numbering, <ol>, a table row)
LABEL = "label"        # a labelled part of a table (岗位职责, 任职要求): its lines follow
ROLE = "role"          # a heading that a table names as a role (a role-column cell)
BEGIN = "begin"        # a table starts: what it opens is closed again at END
END = "end"


@dataclass(frozen=True)
class Block:
    """One unit of a document in reading order, whatever its format."""

    kind: str
    text: str = ""
    level: int = 0             # HEADING: 1 is the top; ITEM: list nesting depth (0 = top list)
    number: int | None = None  # ITEM: the number the format shows but the text does not hold
    role: str | None = None    # ROLE, BEGIN: the role a table names (BEGIN: the table is that role's card)
    department: str | None = None
    paragraph: bool = True     # LINE: starts a paragraph (False: the next line of a plain-text paragraph)
