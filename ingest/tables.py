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

from ingest.cards import COLON, PAIR_SEP, card_blocks, cell_lines, key
from ingest.formats.grid import Cell, Grid
from kb.jobtitles import (
    CJK,
    DEPARTMENT_KEYS,
    DESCRIPTION_KEYS,
    DUTY_COLUMN,
    NUMBER_COLUMN,
    ROLE_NAME_KEYS,
    UNIT_NAME_KEYS,
    is_job_title,
    opens_with_duty,
)
from kb.outline import BEGIN, END, HEADING, ITEM, LINE, ROLE, Block, match_marker

HEADER_CELL_MAX_CHARS = 16
SENTENCE_PUNCT = re.compile(r"[。；;！？!?]")
ROLE_COLUMN = ROLE_NAME_KEYS
PAGE_CELL_CHARS = 200  # longer than any label or value: the page's own text
PAGE_CELL_LINES = 3
MIN_TASK_CJK = 2  # a task cell says what to do in words; a headcount or a figure is no task
MIN_SCHEDULE_POSTS = 2  # a timetable names at least two posts in its header (one is just a table about a post)


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


def _lines(text: str) -> list[Block]:
    return [Block(LINE, line) for line in cell_lines(text)]


def _duty_blocks(text: str) -> list[Block]:
    """A duty cell: its numbered lines as they are, or (no numbers) one entry per line."""
    lines = cell_lines(text)
    if any(match_marker(line) for line in lines):
        return [Block(LINE, line) for line in lines]
    return [Block(ITEM, line, number=i) for i, line in enumerate(lines, 1)]


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
    keys = [key(n) for n in names]
    numbers = {j for j, k in enumerate(keys) if NUMBER_COLUMN.match(k)}
    role_col = _post_column(rows, [j for j, k in enumerate(keys) if k in ROLE_COLUMN])
    by_unit = role_col is None  # no post column: a table of units (组别 | 负责人 | 工作项目), each unit its row's role
    if by_unit:
        role_col = _post_column(rows, [j for j, k in enumerate(keys) if k in UNIT_NAME_KEYS])
    duty_col = next((j for j, k in enumerate(keys) if DUTY_COLUMN.search(k) and j != role_col and j not in numbers),
                    None)
    if duty_col is None and role_col is not None:
        duty_col = next((j for j, k in enumerate(keys) if k in DESCRIPTION_KEYS and _says_duties(rows, j)), None)
    if role_col is None or duty_col is None:
        return None
    dept_col = None if by_unit else next((j for j, k in enumerate(keys) if k in DEPARTMENT_KEYS), None)
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


def _says_duties(rows: list[list[Cell]], column: int) -> bool:
    """Whether most filled cells of a description column say what the row's post does (负责…, 协助…)."""
    cells = [r[column].text for r in rows if r[column].text]
    return bool(cells) and sum(1 for c in cells if opens_with_duty(c)) * 2 > len(cells)


def _post_column(rows: list[list[Cell]], candidates: list[int]) -> int | None:
    """Of the columns headed like a post (职务, 职称), the one whose values tell the rows apart: a roster repeats
    the committee's title on every row (a constant column names the body, not each holder's post)."""
    def distinct(j: int) -> int:
        return len({r[j].text for r in rows if r[j].text})

    varying = [j for j in candidates if distinct(j) > 1 or len(rows) == 1]
    return max(varying, key=distinct) if varying else None


def _schedule_table(rows: list[list[Cell]], names: list[str]) -> list[Block] | None:
    """A timetable with a column per post (时间 | 值班员 | 保安员): each filled cell is that post's task at that
    row's time, so each post column becomes the post's section with one item per filled cell."""
    posts = [j for j, name in enumerate(names) if j > 0 and is_job_title(name)]
    if len(posts) < MIN_SCHEDULE_POSTS or is_job_title(names[0]):
        return None
    cells = [r[j].text for r in rows for j in posts if r[j].text]
    if sum(1 for c in cells if len(CJK.findall(c)) >= MIN_TASK_CJK) * 2 < len(cells):
        return None  # figures per post (a staffing plan: 早班 | 1 | 4): no tasks
    blocks: list[Block] = [Block(BEGIN)]
    for j in posts:
        blocks.append(Block(ROLE, names[j], role=names[j]))
        filled = [(r[0].text, r[j].text) for r in rows if r[j].text and not r[j].repeated]
        blocks += [Block(ITEM, f"{when}{COLON}{task}" if when else task, number=i)
                   for i, (when, task) in enumerate(filled, 1)]
    return [*blocks, Block(END)]


def _role_table_header(row: list[Cell]) -> bool:
    """A first row naming a role column and a duty column: a table of many roles, not one role's card."""
    keys = [key(c.text) for c in row if c.text]
    return any(k in ROLE_COLUMN or k in UNIT_NAME_KEYS for k in keys) and any(DUTY_COLUMN.search(k) for k in keys)


def _record_table(rows: list[list[Cell]], names: list[str]) -> list[Block]:
    numbers = [j for j, name in enumerate(names) if NUMBER_COLUMN.match(key(name))]
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
    """A table without a header: each row as one line, its cells in order. A frame around text (every row one
    value: a box drawn round a page's articles) is no table: its lines go on with the outline it interrupts."""
    if all(len({c.text for c in row if c.text and not c.repeated}) <= 1 for row in rows):
        return [b for row in rows for c in row if c.text and not c.repeated for b in _lines(c.text)]
    blocks: list[Block] = [Block(BEGIN)]
    for row in rows:
        own = [c.text for c in row if c.text and not c.repeated]
        if len(own) == 1 or any(_is_page_cell(t) for t in own):
            blocks += [b for text in own for b in _lines(text)]  # a page laid out in a table: its text as lines
        elif own:
            cells = [t.replace("\n", " ") for t in own]
            blocks.append(Block(LINE, f"{cells[0]}{COLON}" + PAIR_SEP.join(cells[1:])))
    return [*blocks, Block(END)]


def _is_page_cell(text: str) -> bool:
    """A cell holding running text of its own (a layout table's content cell), not a value of the row."""
    return len(text) > PAGE_CELL_CHARS or text.count("\n") + 1 >= PAGE_CELL_LINES


def table_blocks(grid: Grid, heading_level: int = 0, post: str | None = None) -> list[Block]:
    """The blocks of one table; `heading_level` is the level a caption row takes (0: a plain line); `post` is
    the post a role card stands for when it names none itself (a sheet of one card: the sheet's name)."""
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
    card = None if _role_table_header(rows[0]) else card_blocks(rows, post)
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
    table = _role_table(body, names) or _schedule_table(body, names) or _record_table(body, names)
    return before + table + after
