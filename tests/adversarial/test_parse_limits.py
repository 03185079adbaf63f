"""Limits that bind while a file is parsed, not after (issue: adversarial input, item 2).

A 55 KB PDF with two million text operators on one page took 139 s and 4.9 GiB before it was skipped
(the 60 s limit was checked only between pages); a 990 KB `.txt` of 55,000 numbered items was read whole
(the 50,000-element limit did not apply to text) and was still embedding after 150 s holding the ingest
lock; an XLSX was checked against the cell limit only after openpyxl had parsed all of it (1M rows:
720 MiB). Each hostile file is generated here; smaller limits keep the tests quick, and one check per
format shows that the real default binds.
"""
from __future__ import annotations

import io
import time
import tracemalloc
from pathlib import Path

import pytest

from ingest.formats.limits import MAX_ELEMENTS, MAX_PAGE_CHARS, MAX_PAGE_OPERATORS, FormatLimits
from ingest.load import LoadError, read_document
from ingest.pipeline import run_ingest

QUICK_SECONDS = 30  # each refusal takes under a second idle; the hostile files read whole took minutes
GATE = "# 门卫岗位职责\n1、负责校门值守，登记外来人员。\n2、夜间每两小时巡查一次。\n"
XLSX_REFUSE_SECONDS = 5.0  # about 0.05 s idle; openpyxl read-only mode opening the sheet: over 60 s
XLSX_PEAK_BYTES = 20 * 1024 * 1024  # the 50,000-row sheet loaded whole: ~47 MiB traced; streamed: ~4


def _pdf(operators: int, chars_per_operator: int = 1) -> bytes:
    """One page: a title line, then `operators` text-showing operators (compressed: a few KB)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pageCompression=1)
    page.drawString(72, 800, "Duty list")
    text = page.beginText(72, 700)
    for _ in range(operators):
        text.textOut("x" * chars_per_operator)
    page.drawText(text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _refused(path: Path, says: str, limits: FormatLimits | None = None) -> float:
    started = time.perf_counter()
    with pytest.raises(LoadError, match=says) as refused:
        read_document(path, [path.parent], limits)
    assert str(path) in str(refused.value)
    return time.perf_counter() - started


def test_a_pdf_page_of_many_operators_is_refused_while_it_is_read(tmp_path):
    path = tmp_path / "ops.pdf"
    path.write_bytes(_pdf(20_000))
    assert path.stat().st_size < 10_000
    assert _refused(path, "operators", FormatLimits(max_page_operators=5_000)) < QUICK_SECONDS
    assert read_document(path, [tmp_path], FormatLimits(max_page_operators=50_000, max_page_chars=50_000)).text


def test_a_pdf_page_of_too_many_characters_is_refused(tmp_path):
    path = tmp_path / "chars.pdf"
    path.write_bytes(_pdf(10, chars_per_operator=1_000))  # 10,000 characters in 10 operators
    assert _refused(path, "characters", FormatLimits(max_page_chars=5_000)) < QUICK_SECONDS


def test_the_default_pdf_limits_bind(tmp_path):
    operators = tmp_path / "ops.pdf"
    operators.write_bytes(_pdf(MAX_PAGE_OPERATORS + 1))
    assert _refused(operators, "operators") < QUICK_SECONDS
    chars = tmp_path / "chars.pdf"
    chars.write_bytes(_pdf(MAX_PAGE_CHARS // 1_000 + 1, chars_per_operator=1_000))
    assert _refused(chars, "characters") < QUICK_SECONDS


def test_the_time_limit_is_checked_within_a_page(tmp_path):
    """Checked only between pages, a one-page file ran over its time limit by the whole page."""
    path = tmp_path / "slow.pdf"
    path.write_bytes(_pdf(20_000))  # one page that takes a second or more to lay out in full
    unbounded = {"max_page_operators": 10**9, "max_page_chars": 10**9}
    started = time.perf_counter()
    read_document(path, [tmp_path], FormatLimits(**unbounded))
    whole = time.perf_counter() - started
    refused = _refused(path, "took longer", FormatLimits(max_seconds=whole / 10, **unbounded))
    assert refused < whole / 2, (refused, whole)


def _numbered(items: int) -> str:
    return "值守规定\n" + "".join(f"{i}、签到。\n" for i in range(1, items + 1))


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_a_text_file_of_too_many_lines_is_refused(tmp_path, suffix):
    path = tmp_path / f"items{suffix}"
    path.write_text(_numbered(1_000), encoding="utf-8")
    assert _refused(path, "too many elements", FormatLimits(max_elements=500)) < QUICK_SECONDS
    assert read_document(path, [tmp_path], FormatLimits(max_elements=2_000)).text


def test_the_default_element_limit_binds_for_text(tmp_path):
    path = tmp_path / "items.txt"
    path.write_text(_numbered(55_000), encoding="utf-8")
    assert path.stat().st_size < 1_000_000
    assert _refused(path, "too many elements") < QUICK_SECONDS
    blank_lines = tmp_path / "spaced.txt"  # blank lines are not elements
    blank_lines.write_text(_numbered(MAX_ELEMENTS // 2).replace("\n", "\n\n"), encoding="utf-8")
    assert read_document(blank_lines, [tmp_path]).text


def _xlsx(rows: int) -> bytes:
    """A write-only workbook: its sheet has no <dimension> (openpyxl's read-only mode scans such a sheet to
    its end just to open it), so only reading the rows tells its size."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("值班表")
    sheet.append(["岗位", "职责"])
    for i in range(rows):
        sheet.append([f"岗位{i}", "值守"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_is_refused_while_its_rows_stream_in(tmp_path):
    path = tmp_path / "rows.xlsx"
    path.write_bytes(_xlsx(50_000))
    tracemalloc.start()
    try:
        seconds = _refused(path, "cells", FormatLimits(max_elements=1_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < XLSX_PEAK_BYTES, f"{peak / 2**20:.0f} MiB"
    assert seconds < XLSX_REFUSE_SECONDS  # stopped at row 501, not after reading all 50,000


def test_the_default_cell_limit_binds_for_xlsx(tmp_path):
    path = tmp_path / "rows.xlsx"
    path.write_bytes(_xlsx(MAX_ELEMENTS // 2))  # two columns: just over the limit
    assert _refused(path, "cells") < QUICK_SECONDS
    small = tmp_path / "small.xlsx"
    small.write_bytes(_xlsx(100))
    assert "岗位99" in read_document(small, [tmp_path]).text


def test_hostile_files_are_skipped_quickly_and_the_rest_publishes(tmp_path, make_settings):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "gate.md").write_text(GATE, encoding="utf-8")
    (corpus / "items.txt").write_text(_numbered(55_000), encoding="utf-8")
    (corpus / "ops.pdf").write_bytes(_pdf(MAX_PAGE_OPERATORS + 1))
    started = time.perf_counter()
    report = run_ingest(make_settings(corpus), show_progress=False)
    assert time.perf_counter() - started < 3 * QUICK_SECONDS
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert "too many elements" in reasons["items.txt"] and "operators" in reasons["ops.pdf"]
    assert report.documents == 1 and report.roles == 1
