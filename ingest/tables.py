"""Read a table (from DOCX, HTML, PDF or XLSX alike) into outline blocks.

Three shapes occur in duty documents:

- a **role card** (岗位说明书): label cells down the first column (岗位名称, 岗位职责, 任职要求, 禁止行为…);
  each labelled row becomes a labelled section of the role (rows under one merged label are one
  section), short rows become `label：value` lines, and the 岗位名称 cell names the role;
- a **role table**: a role column (岗位/职称/职务) beside a duty column (职责/工作职掌/职责内容); each
  role becomes a section holding its duties — the numbered lines of its duty cell, or one duty per
  row when the table lists a duty per row (merged role cells are filled down, shown once);
- any other table with a header row: each row is a numbered entry whose text carries every cell
  with its column label (`班次：早班；时间：07:00–15:00`), so a row never loses what its values mean.

Caption rows above the header become a heading; note rows below (`注：…`) become lines after it.
"""
from __future__ import annotations

import re

from ingest.formats.grid import Cell, Grid
from kb.normalize import to_simplified
from kb.outline import BEGIN, END, HEADING, ITEM, LABEL, LINE, ROLE, Block, match_marker

HEADER_CELL_MAX_CHARS = 16
PAIR_VALUE_MAX_CHARS = 30  # a card value longer than this (or on several lines) is a labelled section
SENTENCE_PUNCT = re.compile(r"[。；;！？!?]")
ROLE_NAME_KEYS = frozenset({"岗位名称", "职位名称", "岗位", "职位", "职务", "职务名称", "职称", "岗位名"})
DEPARTMENT_KEYS = frozenset({"所属部门", "部门", "所在部门", "部门名称"})
CARD_KEYS = ROLE_NAME_KEYS | DEPARTMENT_KEYS | frozenset({
    "直接上级", "直接下级", "上级", "下级", "汇报对象", "岗位职责", "工作职责", "主要职责", "职责", "职责描述",
    "工作内容", "任职要求", "任职资格", "任职条件", "岗位要求", "资格要求", "禁止行为", "禁止事项", "岗位目的",
    "工作目标", "工作权限", "岗位权限", "考核指标", "工作关系", "岗位编号", "编制人数", "定员", "岗位概述"})
# keys whose rows are parts of the role (its duties, requirements, prohibitions): a labelled section even when short
PART_KEYS = frozenset({"岗位职责", "工作职责", "主要职责", "职责", "职责描述", "工作内容", "任职要求", "任职资格",
                       "任职条件", "岗位要求", "资格要求", "禁止行为", "禁止事项", "工作权限", "岗位权限", "考核指标"})
ROLE_COLUMN = ROLE_NAME_KEYS | frozenset({"岗位/职务", "工种"})
DUTY_COLUMN = re.compile(r"职责|职掌|工作内容|工作任务|主要任务")
NUMBER_COLUMN = re.compile(r"^(序号|编号|序|no\.?|#|步骤|职责序号|条目)$", re.I)
COLON = "："
PAIR_SEP = "\u3000"  # between a row's labelled cells: a space, not a sentence break, so a row stays one unit


def _key(text: str) -> str:
    return to_simplified(text).strip().rstrip(":：").replace(" ", "").replace("\u3000", "")


def _clean_rows(grid: Grid) -> list[list[Cell]]:
    rows = [[Cell(c.text.strip(), c.repeated, c.header) for c in row] for row in grid.padded()]
    rows = [r for r in rows if any(c.text for c in r)]
    if not rows:
        return []
    keep = [j for j in range(len(rows[0])) if any(r[j].text for r in rows)]
    return [[r[j] for j in keep] for r in rows]


def _single_text(row: list[Cell]) -> str | None:
    """The text of a row that holds one value only (a caption or note merged across the table)."""
    texts = {c.text for c in row if c.text}
    return next(iter(texts)) if len(texts) == 1 and sum(1 for c in row if c.text and not c.repeated) == 1 else None


def _is_header(row: list[Cell]) -> bool:
    if all(c.header for c in row if c.text) and any(c.text for c in row):
        return True
    texts = [c.text for c in row if c.text and not c.repeated]
    return len(texts) >= 2 and all(len(t) <= HEADER_CELL_MAX_CHARS and not SENTENCE_PUNCT.search(t)
                                   and not re.fullmatch(r"[\d.,%:：\-—–~～/ ]+", t) for t in texts)


def _cell_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _lines(text: str) -> list[Block]:
    return [Block(LINE, line) for line in _cell_lines(text)]


def _duty_blocks(text: str) -> list[Block]:
    """A duty cell: its numbered lines as they are, or (no numbers) one entry per line."""
    lines = _cell_lines(text)
    if any(match_marker(line) for line in lines):
        return [Block(LINE, line) for line in lines]
    return [Block(ITEM, line, number=i) for i, line in enumerate(lines, 1)]


def _card(rows: list[list[Cell]]) -> list[Block] | None:
    keys = {_key(r[0].text) for r in rows if r[0].text}
    if len(keys & CARD_KEYS) < 2 or not keys & (ROLE_NAME_KEYS | {"岗位职责", "工作职责", "主要职责", "职责"}):
        return None
    role = department = None
    body: list[Block] = []
    for row in rows:
        label = row[0].text.strip().rstrip(":：")
        values = [c.text for c in row[1:] if c.text and not c.repeated]
        if not label:
            body += [b for v in values for b in _lines(v)]
            continue
        pairs = [(label, values[0] if values else "")]
        rest = values[1:]
        if all(_key(v) in CARD_KEYS for v in rest[0::2]) and len(rest) % 2 == 0:
            pairs += list(zip(rest[0::2], rest[1::2], strict=True))
        else:
            pairs = [(label, "\n".join(values))]
        for key, value in pairs:
            if _key(key) in ROLE_NAME_KEYS and value and role is None:
                role = value.strip()
            if _key(key) in DEPARTMENT_KEYS and value and department is None:
                department = value.strip()
        long = any(len(v) > PAIR_VALUE_MAX_CHARS or "\n" in v for _, v in pairs)
        labelled = any(b.kind == LABEL for b in body)  # after a labelled part, a line would join that part
        if len(pairs) == 1 and (long or labelled or _key(label) in PART_KEYS):
            body.append(Block(LABEL, label))
            body += _lines(pairs[0][1])
        else:
            body.append(Block(LINE, PAIR_SEP.join(f"{k.rstrip(':：')}{COLON}{v}" for k, v in pairs if v)))
    return [Block(BEGIN, role=role, department=department), *body, Block(END)]


def _column_names(header_rows: list[list[Cell]]) -> list[str]:
    names = []
    for j in range(len(header_rows[0])):
        parts: list[str] = []
        for row in header_rows:
            text = row[j].text
            if text and text not in parts:
                parts.append(text)
        names.append(" ".join(parts))
    return names


def _fill_down(rows: list[list[Cell]], column: int) -> list[str]:
    values, last = [], ""
    for row in rows:
        cell = row[column]
        if cell.text and not cell.repeated:
            last = cell.text
        elif cell.text:
            last = cell.text
        values.append(last)
    return values


def _row_text(row: list[Cell], names: list[str], skip: set[int]) -> str:
    pairs = [(names[j], c.text) for j, c in enumerate(row) if j not in skip and c.text and not c.repeated]
    return PAIR_SEP.join(f"{name}{COLON}{value}" if name else value for name, value in pairs)


def _role_table(rows: list[list[Cell]], names: list[str]) -> list[Block] | None:
    keys = [_key(n) for n in names]
    numbers = {j for j, k in enumerate(keys) if NUMBER_COLUMN.match(k)}
    role_col = next((j for j, k in enumerate(keys) if k in ROLE_COLUMN), None)
    duty_col = next((j for j, k in enumerate(keys) if DUTY_COLUMN.search(k) and j != role_col and j not in numbers),
                    None)
    if role_col is None or duty_col is None:
        return None
    dept_col = next((j for j, k in enumerate(keys) if k in DEPARTMENT_KEYS), None)
    roles = _fill_down(rows, role_col)
    departments = _fill_down(rows, dept_col) if dept_col is not None else [""] * len(rows)
    blocks: list[Block] = [Block(BEGIN)]
    start = 0
    while start < len(rows):
        end = start
        while end + 1 < len(rows) and roles[end + 1] == roles[start]:
            end += 1
        group = rows[start:end + 1]
        name = roles[start].replace("\n", "")
        blocks.append(Block(ROLE, name, role=name, department=departments[start] or None))
        fixed = {role_col, duty_col, dept_col} | numbers
        constant = {j for j in range(len(names)) if j not in fixed
                    and len({r[j].text for r in group}) == 1 and group[0][j].text}
        for j in sorted(constant):
            blocks.append(Block(LINE, f"{names[j]}{COLON}{group[0][j].text}"))
        if dept_col is not None and departments[start]:
            blocks.append(Block(LINE, f"{names[dept_col]}{COLON}{departments[start]}"))
        if len(group) == 1:
            blocks += _duty_blocks(group[0][duty_col].text)
        else:
            skip = {j for j in fixed | constant if j is not None}
            for i, row in enumerate(group, 1):
                extra = _row_text(row, names, skip | {duty_col})
                text = row[duty_col].text + (PAIR_SEP + extra if extra else "")
                blocks.append(Block(ITEM, text, number=i))
        start = end + 1
    return [*blocks, Block(END)]


def _record_table(rows: list[list[Cell]], names: list[str]) -> list[Block]:
    numbers = [j for j, name in enumerate(names) if NUMBER_COLUMN.match(_key(name))]
    blocks: list[Block] = [Block(BEGIN)]
    for i, row in enumerate(rows, 1):
        number = i
        if numbers and re.fullmatch(r"\d{1,3}", row[numbers[0]].text):
            number = int(row[numbers[0]].text)
        text = _row_text(row, names, set(numbers))
        if text:
            blocks.append(Block(ITEM, text, number=number))
    return [*blocks, Block(END)]


def _plain_rows(rows: list[list[Cell]]) -> list[Block]:
    """A table without a header: each row as one line, its cells in order."""
    blocks: list[Block] = [Block(BEGIN)]
    for row in rows:
        cells = [c.text.replace("\n", " ") for c in row if c.text and not c.repeated]
        if len(cells) == 1:
            blocks += _lines(cells[0])
        elif cells:
            blocks.append(Block(LINE, f"{cells[0]}{COLON}" + PAIR_SEP.join(cells[1:])))
    return [*blocks, Block(END)]


def table_blocks(grid: Grid, heading_level: int = 0) -> list[Block]:
    """The blocks of one table; `heading_level` is the level a caption row takes (0: a plain line)."""
    rows = _clean_rows(grid)
    if not rows:
        return []
    before: list[Block] = []
    while len(rows) > 1 and (caption := _single_text(rows[0])) is not None and len(rows[0]) > 1:
        before.append(Block(HEADING, caption, level=heading_level) if heading_level else Block(LINE, caption))
        rows = rows[1:]
    after: list[Block] = []
    while len(rows) > 1 and (note := _single_text(rows[-1])) is not None and len(rows[-1]) > 1:
        after.insert(0, Block(LINE, note))
        rows = rows[:-1]
    card = _card(rows)
    if card is not None:
        return before + card + after
    if not _is_header(rows[0]) or len(rows) < 2:
        return before + _plain_rows(rows) + after
    header = [rows[0]]
    while len(rows) > len(header) + 1 and (any(c.repeated for c in header[-1])
                                           or all(c.header for c in rows[len(header)] if c.text)):
        header.append(rows[len(header)])
    names = _column_names(header)
    body = rows[len(header):]
    return before + (_role_table(body, names) or _record_table(body, names)) + after
