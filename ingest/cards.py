"""Role cards (岗位说明书, 岗位职责确认函): one table describing one post.

A card names its post in the cell beside a role label (岗位名称 / 职位 / 职务), wherever that cell sits, and
gives the post's lists under label cells (岗位职责, 任职资格, 重点关注事项 …): a label down the first
column with the list in the cell beside it, a label alone in its row with the list in the rows below, or a
duty block whose rows are numbered in a cell of their own (序号 | 工作内容 | 重要性). Each label becomes a
labelled section of the card, each numbered row an item, and short field rows `label：value` lines; the
post's name goes on the BEGIN block, so the section holding the table is the role (the anchor), and its
labelled lists are the role's parts.
"""
from __future__ import annotations

import re

from ingest.formats.grid import Cell
from kb.jobtitles import (
    DEPARTMENT_KEYS,
    DUTY_BLOCK_HEADERS,
    NUMBER_COLUMN,
    ROLE_NAME_KEYS,
    WEIGHT_COLUMN,
    ListKind,
    label_kind,
    plain,
)
from kb.outline import BEGIN, END, ITEM, LABEL, LINE, Block, match_marker

PAIR_VALUE_MAX_CHARS = 30  # a card value longer than this (or on several lines) is a labelled section
MIN_FIELD_KEYS_IN_FIRST_ROW = 2  # a card's first row pairs fields (岗位名称 | X | 所属部门 | Y)
FIELD_KEY_MAX_CHARS = 8    # 入职日期, 汇报对象: a field name is short
ROW_NUMBER = re.compile(r"^\d{1,3}[.、．]?$")
WEIGHT_VALUE = re.compile(r"^(?:[高中低]|[★☆*]{1,5}|\d{1,3}\s*%|[ABCD])$")
COLON = "："
PAIR_SEP = "\u3000"  # between a row's labelled cells: a space, not a sentence break, so a row stays one unit
# card fields that are no list of the post (beside the role and department keys)
FIELD_KEYS = frozenset({"直接上级", "直接下级", "上级", "下级", "汇报对象", "岗位编号", "编制人数", "定员", "姓名",
                        "入职日期", "管理对象", "岗位等级", "职级", "日期", "填表日期", "编号", "岗位目的", "岗位概述",
                        "工作目标"})
CARD_KEYS = ROLE_NAME_KEYS | DEPARTMENT_KEYS | FIELD_KEYS


def key(text: str) -> str:
    return plain(text).rstrip(":：")


def _own(row: list[Cell]) -> list[str]:
    """The texts a row gives for the first time (merged cells' other places skipped)."""
    return [c.text for c in row if c.text and not c.repeated]


def _is_list_label(text: str) -> bool:
    """A label over a list of the post (its duties, requirements, prohibitions …; not a reporting line)."""
    if len(text) > PAIR_VALUE_MAX_CHARS or "\n" in text:
        return False
    kind = label_kind(text)
    return kind is not None and kind is not ListKind.RELATIONS


def _is_header_cell(text: str) -> bool:
    k = key(text)
    return bool(NUMBER_COLUMN.match(k) or WEIGHT_COLUMN.match(k)) or label_kind(k) is ListKind.DUTIES \
        or k in DUTY_BLOCK_HEADERS


def cell_lines(text: str) -> list[str]:
    """A cell's lines; a line that is only a list marker (an empty placeholder item "2.") is dropped."""
    lines = []
    for line in (raw.strip() for raw in text.split("\n")):
        marker = match_marker(line) if line else None
        if line and not (marker is not None and marker.number is not None and not marker.heading.strip()):
            lines.append(line)
    return lines


def _identity(rows: list[list[Cell]]) -> tuple[str | None, str | None]:
    """The post and department a card names: the first non-key cell right of a role / department key."""
    role = department = None
    for index, row in enumerate(rows):
        cells = [c.text for c in row if c.text]
        if index == 0 and sum(1 for c in cells if key(c) in CARD_KEYS) < MIN_FIELD_KEYS_IN_FIRST_ROW:
            continue  # a header row (岗位 | 学历 | 其他要求) names columns: 学历 is no post
        for i, text in enumerate(cells[:-1]):
            value = cells[i + 1].strip()
            if key(value) in CARD_KEYS or key(value) == key(text):
                continue
            if key(text) in ROLE_NAME_KEYS and role is None:
                role = value.replace("\n", "")
            elif key(text) in DEPARTMENT_KEYS and department is None:
                department = value.replace("\n", "")
    return role, department


def _blank_post_row(row: list[Cell]) -> bool:
    """A card's field row whose post was left blank (姓名 | 岗位名称 | 　 | 入职日期): every cell a field key.
    A header row (岗位 | 学历 | 其他要求) names columns, not fields."""
    keys = [key(t) for t in _own(row)]
    return any(k in ROLE_NAME_KEYS for k in keys) and all(k in CARD_KEYS for k in keys)


def is_card(rows: list[list[Cell]], named_outside: bool = False) -> bool:
    """A card names a post (a role key with a value, or an empty role key when the post is named outside it)
    or has two card keys down its first column, and holds a labelled list."""
    keys = {key(t) for row in rows for t in _own(row)}
    first = {key(r[0].text) for r in rows if r and r[0].text}
    named = _identity(rows)[0] is not None or (named_outside and any(_blank_post_row(row) for row in rows))
    listed = any(label_kind(k) is not None for k in keys)
    return listed and (named or len(first & CARD_KEYS) >= 2)


def _field_line(cells: list[str]) -> str:
    """A row of fields: `名称：值` pairs, a key with no value left out."""
    parts: list[str] = []
    i = 0
    while i < len(cells):
        text = cells[i]
        nxt = cells[i + 1] if i + 1 < len(cells) else None
        if key(text) in CARD_KEYS and nxt is not None and key(nxt) not in CARD_KEYS:
            parts.append(f"{text.rstrip(':：')}{COLON}{nxt}")
            i += 2
            continue
        if key(text) not in CARD_KEYS:
            parts.append(text)
        i += 1
    return PAIR_SEP.join(parts)


def _numbered_row(cells: list[str]) -> Block | None:
    """序号 | 工作内容 | 重要性: a duty row numbered in its own cell (weights dropped)."""
    if len(cells) < 2 or not ROW_NUMBER.match(cells[0].strip()):
        return None
    text = PAIR_SEP.join(c for c in cells[1:] if not WEIGHT_VALUE.match(c.strip()))
    return Block(ITEM, text, number=int(cells[0].strip().rstrip(".、．"))) if text else None


def _lines(values: list[str]) -> list[Block]:
    return [Block(LINE, line) for v in values for line in cell_lines(v)]


def _row_blocks(row: list[Cell], in_label: bool) -> list[Block]:
    """One card row: a header of a duty block, a numbered duty, a label (alone, or with its list beside it),
    a row of fields, or lines that continue the open label."""
    cells = _own(row)
    if not cells:
        return []
    if len(cells) > 1 and all(_is_header_cell(c) for c in cells):
        duty = next((c for c in cells if label_kind(c) is ListKind.DUTIES), None)
        return [Block(LABEL, duty.rstrip(":："))] if duty and not in_label else []
    numbered = _numbered_row(cells)
    if numbered is not None:
        return [numbered]
    if len(cells) <= 2 and _is_list_label(cells[-1]):  # a label alone (after an outer group label)
        return [Block(LABEL, cells[-1].rstrip(":："))]
    if any(key(c) in CARD_KEYS for c in cells) and not _is_list_label(cells[0]):
        line = _field_line(cells)
        return [Block(LINE, line)] if line else []
    first_column = bool(row) and row[0].text == cells[0] and not row[0].repeated
    if first_column and len(cells) >= 2:
        label, value = cells[0], "\n".join(cells[1:])
        if _is_list_label(label) or in_label or len(value) > PAIR_VALUE_MAX_CHARS or "\n" in value:
            return [Block(LABEL, label.rstrip(":："))] + _lines([value])
        return [Block(LINE, f"{label.rstrip(':：')}{COLON}{value}")]
    return _lines(cells)


def card_blocks(rows: list[list[Cell]], post: str | None = None) -> list[Block] | None:
    """The blocks of a role card, or None when the table is no card; `post` names a card that names none."""
    post = post if post and label_kind(post) is None else None  # a sheet named 任职要求 names no post
    if not is_card(rows, post is not None):
        return None
    role, department = _identity(rows)
    role = role or post
    body: list[Block] = []
    for row in rows:
        body += _row_blocks(row, any(b.kind == LABEL for b in body))
    return [Block(BEGIN, role=role, department=department), *body, Block(END)]
