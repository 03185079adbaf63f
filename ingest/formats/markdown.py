"""Markdown as outline blocks: lines through the marker grammar, pipe tables as tables, emphasis and link
syntax removed so a `**组长职责**` line reads as the heading it is.

Role tables, roster tables and role cards are written as pipe tables in wikis and handbooks
(`|角色|职责|要求|`); read as plain lines they lose which cell is the post and which the duty.
"""
from __future__ import annotations

import re

from ingest.formats.grid import Cell, Grid
from ingest.formats.html import read_html
from ingest.formats.limits import FormatLimits
from ingest.structure import text_blocks
from ingest.tables import table_blocks
from kb.outline import ITEM, Block

TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
SEPARATOR_CELL = re.compile(r"^\s*:?-{2,}:?\s*$")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
WHOLE_EMPHASIS = re.compile(r"^(\s*(?:[-*+]\s+|\d+[.、]\s*)?)(\*\*|__)(.+?)\2([:：]?)\s*$")
HTML_TABLE_START = re.compile(r"^\s*<table[\s>]", re.I)
HTML_BLOCK_START = re.compile(r"^\s*<(?:table|ul|ol|dl|div|p|h[1-6]|section|article|blockquote)[\s>]", re.I)
HTML_TABLE_END = re.compile(r"</table\s*>", re.I)
LEADING_STRONG_NAME = re.compile(r"^(\s*(?:[-*+]\s+|\d+[.、]\s*)?)(\*\*|__)([^*_\n]{1,20}?)\2(\s*[:：])")
CELL_BREAK = re.compile(r"<br\s*/?>", re.I)
ESCAPED_PIPE = "\\|"
PIPE_PLACEHOLDER = "\x00"
INDENT_WIDTH = 2  # Markdown nests a list item under the one above it when indented by two or more spaces
NESTED_ITEM = re.compile(r"^(?P<indent>(?: {2,}|\t+))(?:[-*+]|\d{1,3}[.)、])\s+(?P<text>\S.*)$")


def _cells(line: str) -> list[str]:
    inner = line.strip().replace(ESCAPED_PIPE, PIPE_PLACEHOLDER)[1:-1]
    return [CELL_BREAK.sub("\n", c).replace(PIPE_PLACEHOLDER, "|").strip() for c in inner.split("|")]


def _is_separator(line: str) -> bool:
    cells = _cells(line)
    return bool(cells) and all(SEPARATOR_CELL.match(c) for c in cells if c) and any(cells)


def plain_line(line: str) -> str:
    """A Markdown line without link syntax and without strong emphasis around the whole line or around the name
    that opens it (`- **选题**：负责…` reads 选题：负责…)."""
    line = LINK.sub(r"\1", line)
    m = WHOLE_EMPHASIS.match(line)
    return f"{m.group(1)}{m.group(3)}{m.group(4)}" if m else LEADING_STRONG_NAME.sub(r"\1\3\4", line)


def _nested_items(lines: list[str]) -> list[Block]:
    """Prose lines with indented list items (`  + 经过良好的测试`) as items one level below the item above them,
    so a sub-point stays part of its item instead of becoming a duty of its own."""
    blocks: list[Block] = []
    counters: dict[int, int] = {}
    plain: list[str] = []
    for line in lines:
        m = NESTED_ITEM.match(line)
        if m is None:
            plain.append(line)
            if line.strip() and not line.startswith(" "):
                counters.clear()
            continue
        blocks += text_blocks("\n".join(plain))
        plain = []
        level = len(m.group("indent").expandtabs(INDENT_WIDTH)) // INDENT_WIDTH
        counters = {lv: n for lv, n in counters.items() if lv <= level}
        counters[level] = counters.get(level, 0) + 1
        blocks.append(Block(ITEM, m.group("text").strip(), number=counters[level], level=level))
    return blocks + text_blocks("\n".join(plain))


def _table(lines: list[str]) -> list[Block]:
    header, body = _cells(lines[0]), [_cells(line) for line in lines[2:]]
    rows = [[Cell(plain_line(t), header=True) for t in header]] + [[Cell(plain_line(t)) for t in r] for r in body]
    return table_blocks(Grid(rows))


def _html_block_end(lines: list[str], start: int) -> int:
    """Where an HTML block that starts at `start` ends: after its closing </table> for a table (which may hold
    blank lines), else at the first blank line (CommonMark's rule for HTML blocks)."""
    if HTML_TABLE_START.match(lines[start]):
        return next((j for j in range(start, len(lines)) if HTML_TABLE_END.search(lines[j])), len(lines) - 1) + 1
    return next((j for j in range(start, len(lines)) if not lines[j].strip()), len(lines))


def markdown_blocks(text: str) -> list[Block]:
    """The blocks of a Markdown body (front matter already split off)."""
    blocks: list[Block] = []
    prose: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if TABLE_ROW.match(lines[i]) and i + 1 < len(lines) and _is_separator(lines[i + 1]):
            end = i + 2
            while end < len(lines) and TABLE_ROW.match(lines[end]):
                end += 1
            blocks += _nested_items(prose)
            prose = []
            blocks += _table(lines[i:end])
            i = end
            continue
        if HTML_BLOCK_START.match(lines[i]):  # HTML written inside the Markdown (wikis, static sites)
            end = _html_block_end(lines, i)
            blocks += _nested_items(prose)
            prose = []
            blocks += read_html("\n".join(lines[i:end]), FormatLimits()).blocks
            i = end
            continue
        prose.append(plain_line(lines[i]))
        i += 1
    return blocks + _nested_items(prose)
