"""Lists written inside one paragraph: "※主要工作內容： 1.行銷管理。 2.顧客管理。 3.…" becomes lines.

Job postings copied from web forms, spreadsheet cells and flattened PDFs put a whole numbered list, and the labels
that head it, on one line. Such a line is split into the lines a writer would have typed: the text before the list,
each label (`※任职要求：`, `【 工作内容 】`), each item of a run numbered 1, 2, 3 … in order, and what follows
the last item's sentence. The outline builder then reads them as it reads any labelled list.
"""
from __future__ import annotations

import re
from dataclasses import replace

from kb.outline import LINE, Block

# An inline list marker: a number and its stop at the start, or after a space or a sentence's or clause's end.
INLINE_MARKER = re.compile(r"(?:^|(?<=[\s：:。；;！!？?）)]))(?P<n>\d{1,2})\s*[.．、](?!\d)\s*")
# An inline label heading the list after it: `※主要工作內容：`, `工作地點：`, `【 職務內容 】`.
INLINE_LABEL = re.compile(r"(?:^|(?<=\s))(?:[※*#]?[^\s，,。；;：:【】]{2,12}[：:]|【[^】]{1,20}】)(?=\s|$)")
SENTENCE_END = re.compile(r"[。！!？?](?=\s)")
MIN_INLINE_ITEMS = 2
MIN_ITEM_CHARS = 2  # an item says something: not a figure ("1. 2" in a version string)


def _runs(text: str) -> list[list[re.Match[str]]]:
    """The runs of markers numbered 1, 2, 3 … in order (a number out of sequence is part of an item's text)."""
    runs: list[list[re.Match[str]]] = []
    for m in INLINE_MARKER.finditer(text):
        n = int(m.group("n"))
        if runs and n == int(runs[-1][-1].group("n")) + 1:
            runs[-1].append(m)
        elif n == 1:
            runs.append([m])
    return [run for run in runs if len(run) >= MIN_INLINE_ITEMS]


def continues_inline_list(above: str, line: str) -> bool:
    """Whether a line opens with the number after the last marker of a list written inside the text above (not at
    its start): the text wrapped there ("… 1.行銷管理。" / "2.顧客管理…"), the line is no new item of its own."""
    opening = INLINE_MARKER.match(line)
    inside = [m for m in INLINE_MARKER.finditer(above) if m.start() > 0]
    return opening is not None and bool(inside) and int(inside[-1].group("n")) + 1 == int(opening.group("n"))


def _loose_parts(text: str) -> list[str]:
    """Text before a list: its labels (the last one heads the list) on lines of their own, the rest between them."""
    parts, start = [], 0
    for m in INLINE_LABEL.finditer(text):
        parts += [text[start:m.start()], m.group(0)]
        start = m.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _last_item(text: str) -> tuple[str, str]:
    """A run's last item ends with its first sentence; what follows belongs to the paragraph, not the item."""
    end = SENTENCE_END.search(text)
    return (text[:end.end()], text[end.end():]) if end else (text, "")


def split_line(text: str) -> list[str]:
    """The lines of a paragraph holding inline lists; the paragraph itself when it holds none."""
    runs = [run for run in _runs(text) if all(len(text[m.end():].strip()) >= MIN_ITEM_CHARS for m in run)]
    if not runs:
        return [text]
    lines: list[str] = []
    loose_start = 0
    for index, run in enumerate(runs):
        lines += _loose_parts(text[loose_start:run[0].start()])
        stop = runs[index + 1][0].start() if index + 1 < len(runs) else len(text)
        starts = [m.start() for m in run] + [stop]
        for i in range(len(run) - 1):
            lines.append(text[starts[i]:starts[i + 1]].strip())
        last, rest = _last_item(text[starts[-2]:stop])
        lines.append(last.strip())
        loose_start = stop - len(rest)
    lines.append(text[loose_start:].strip())  # after the last list: one paragraph, whatever colons it holds
    return [line for line in lines if line]


def split_inline_lists(blocks: list[Block]) -> list[Block]:
    """Every line block holding inline lists split into its lines (the first keeps the block's paragraph flag)."""
    out: list[Block] = []
    for block in blocks:
        lines = split_line(block.text) if block.kind == LINE else [block.text]
        if len(lines) == 1:
            out.append(block)
            continue
        out += [replace(block, text=line, paragraph=block.paragraph or i > 0) for i, line in enumerate(lines)]
    return out
