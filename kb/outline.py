"""The Chinese outline marker grammar: which line starts a numbered item or heading, and its number.

Recognised markers: Markdown headings, ①–⑳, 第X章 / 第X節 / 第X條, 第一,(ordinal
paragraphs), 一、, (一), 1、 / 1. , (1) / ⑴, and bullets. Ingest builds the section
tree from them; answers use them to strip an item's number from a quote.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100}
CIRCLED_FIRST, CIRCLED_LAST = 0x2460, 0x2473
PAREN_DIGIT_FIRST, PAREN_DIGIT_LAST = 0x2474, 0x2487
CN_NUM = r"[一二三四五六七八九十百零〇两兩]+"

MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("heading", re.compile(r"^(#{1,6})\s+(.+)$")),
    ("zhang", re.compile(rf"^(第({CN_NUM}|\d+)章)\s*(.*)$")),
    ("jie", re.compile(rf"^(第({CN_NUM}|\d+)[節节])\s*(.*)$")),
    ("tiao", re.compile(rf"^(第({CN_NUM}|\d+)[條条])\s*(.*)$")),
    ("ordinal", re.compile(rf"^(第({CN_NUM})\s*[,，、:：])\s*(.+)$")),
    ("cn", re.compile(rf"^(({CN_NUM})\s*[、．.])\s*(.+)$")),
    ("paren_cn", re.compile(rf"^([(（]({CN_NUM})[)）])\s*(.+)$")),
    ("arabic", re.compile(r"^((\d{1,3})\s*(?:[、．]|\.(?!\d)))\s*(.+)$")),
    ("paren", re.compile(r"^([(（](\d{1,3})[)）])\s*(.+)$")),
    ("bullet", re.compile(r"^([-*+•·])\s+(.+)$")),
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


def match_marker(line: str) -> Marker | None:
    first = ord(line[0])
    if CIRCLED_FIRST <= first <= CIRCLED_LAST:
        return Marker("circled", first - CIRCLED_FIRST + 1, line[1:].strip())
    if PAREN_DIGIT_FIRST <= first <= PAREN_DIGIT_LAST:
        return Marker("paren", first - PAREN_DIGIT_FIRST + 1, line[1:].strip())
    for kind, pattern in MARKERS:
        m = pattern.match(line)
        if not m:
            continue
        if kind == "heading":
            return Marker("heading", None, m.group(2).strip(), level=len(m.group(1)))
        if kind == "bullet":
            return Marker("bullet", None, m.group(2).strip())
        return Marker(kind, cn_to_int(m.group(2)), m.group(3).strip())
    return None
