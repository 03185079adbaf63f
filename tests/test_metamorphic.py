"""The metamorphic format check keeps working: a small Markdown document rendered as DOCX, PDF and XLSX reads back
with the roles the Markdown gives, and a rendering that loses a role is reported as a difference."""
from pathlib import Path

from evals.metamorphic import check_document, compare, main, roles
from evals.render_formats.source import Heading, Item, Table, read_source
from ingest.pipeline import ChunkLimits

LIMITS = ChunkLimits(400, 1200)
DOCUMENT = """---
title: 物业服务中心岗位职责
---
## 一、客服主管岗位职责

1. 受理业主报修，登记报修内容并派单给维修班组，跟进维修进度直至完成，当日汇总未完成的报修。
2. 回访维修结果。

## 二、保安员岗位职责

1. 门岗值守。
2. 夜间巡逻，记录异常情况。

| 岗位 | 职责 |
|---|---|
| 保洁员 | 清扫楼道<br>清运垃圾 |
"""


def _source(tmp_path: Path) -> Path:
    path = tmp_path / "src" / "duties.md"
    path.parent.mkdir()
    path.write_text(DOCUMENT, encoding="utf-8")
    return path


def test_source_elements_keep_headings_items_and_tables(tmp_path):
    source = read_source(_source(tmp_path))
    assert source.title == "物业服务中心岗位职责"
    assert Heading(2, "一、客服主管岗位职责") in source.elements
    assert Item(0, True, 2, "回访维修结果。") in source.elements
    assert Table((("岗位", "职责"), ("保洁员", "清扫楼道\n清运垃圾"))) in source.elements


def test_every_rendering_of_a_small_document_reads_back_with_its_roles(tmp_path):
    path = _source(tmp_path)
    expected = roles(path, LIMITS)
    assert {"客服主管", "保安员"} <= set(expected)
    out = tmp_path / "out"
    out.mkdir()
    found = check_document(path, ["docx", "pdf", "xlsx"], out, LIMITS)
    assert {name: d.lines() for name, d in found.items()} == {"docx": [], "pdf": [], "xlsx": []}
    assert sorted(p.name for p in out.iterdir()) == ["duties.docx", "duties.pdf", "duties.xlsx"]


def test_a_lost_role_or_duty_is_a_difference():
    difference = compare({"客服主管": 2, "保安员": 2}, {"客服主管": 1, "巡逻": 1})
    assert not difference.identical
    assert difference.lines() == ["missing 保安员 (2)", "extra 巡逻 (1)", "客服主管: 2 → 1 duties"]


def test_the_command_prints_a_total_per_format(tmp_path, capsys):
    _source(tmp_path)
    assert main([str(tmp_path / "src"), "--formats", "docx,xlsx", "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "docx: 1/1 identical" in printed and "xlsx: 1/1 identical" in printed
