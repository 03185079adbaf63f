"""Inputs that used to leak, hang or exhaust memory (issue 11, loader side): each is refused or bounded,
listed with its reason, and the rest of the corpus still ingests."""
import io
import time
import zipfile
from pathlib import Path

import pytest

from ingest.chunk import ChunkLimits, split_long
from ingest.formats.limits import MAX_TEXT_CHARS, FormatLimits, LimitExceeded
from ingest.load import LoadError, read_document, scan
from ingest.pipeline import run_ingest
from ingest.process import process_document
from kb.embed import MAX_EMBED_CHARS
from kb.knowledge import KnowledgeBase
from kb.retrieve import HybridRetriever

DUTY = "# 门卫岗位职责\n1、负责校门值守，登记外来人员。\n2、夜间每两小时巡查一次。\n"
SECRET = "root:x:0:0:绝密口令:/root:/bin/bash\n"


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "gate.md").write_text(DUTY, encoding="utf-8")
    return corpus


def test_symlink_out_of_the_corpus_is_not_followed_and_is_listed(tmp_path, make_settings):
    outside = tmp_path / "passwd"
    outside.write_text(SECRET, encoding="utf-8")
    corpus = _corpus(tmp_path)
    (corpus / "passwd.txt").symlink_to(outside)
    (corpus / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    (corpus / "inside.txt").symlink_to(corpus / "gate.md")  # a link inside the corpus is read
    found = scan([corpus])
    assert [p.name for p in found.files] == ["gate.md", "inside.txt"]
    refused = dict(found.refused)
    assert "outside the corpus" in refused[str(corpus / "passwd.txt")]
    assert "does not exist" in refused[str(corpus / "dangling.txt")]

    settings = make_settings(corpus)
    report = run_ingest(settings, show_progress=False)
    skipped = {s.path: s.reason for s in report.skipped}
    assert str(corpus / "passwd.txt") in skipped and str(corpus / "dangling.txt") in skipped
    assert "passwd.txt" in report.summary() and "dangling.txt" in report.summary()
    kb = KnowledgeBase(settings)
    assert not any("绝密口令" in c.text for c in kb.build.chunks)
    assert all("绝密口令" not in h.chunk.text for h in HybridRetriever(kb).search("root 绝密口令", k=5))


def test_utf16_with_a_bom_is_read(tmp_path):
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"duty-{encoding}.txt"
        bom = b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff"
        path.write_bytes(bom + DUTY.encode(encoding))
        doc = read_document(path, [tmp_path])
        assert doc.text.strip() == DUTY.strip() and doc.encoding == "utf_16"


def test_a_long_line_without_punctuation_is_cut_into_bounded_chunks(tmp_path):
    line = "值班人员应当巡查机房设备运行状态" * 1000  # 16,000 characters, no sentence punctuation at all
    path = tmp_path / "long.txt"
    path.write_text("夜班守则\n" + line + "\n", encoding="utf-8")
    limits = ChunkLimits(400, 1200)
    started = time.perf_counter()
    processed = process_document(read_document(path, [tmp_path]), limits)
    assert time.perf_counter() - started < 5
    assert len(processed.chunks) >= len(line) // limits.max_chars
    assert all(len(c.text) <= limits.role_max_chars for c in processed.chunks)
    assert all(len(p.text) <= limits.max_chars for c in processed.chunks for p in c.parts)
    assert "".join(p.text for c in processed.chunks for p in c.parts) == line  # nothing lost
    assert MAX_EMBED_CHARS >= limits.role_max_chars  # the embedder cap never cuts a real chunk


def test_split_long_prefers_clauses_then_width():
    text = "，".join(["检查设备"] * 200)
    pieces = split_long(text, 50)
    assert "".join(pieces) == text and all(len(p) <= 50 for p in pieces)
    assert all(p.endswith("，") for p in pieces[:-1])  # cut after a comma, not inside a word


def test_a_huge_one_line_text_file_is_refused_quickly(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("字" * (MAX_TEXT_CHARS + 1), encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(LoadError, match="too much text"):
        read_document(path, [tmp_path])
    assert time.perf_counter() - started < 10


def _docx_with_paragraphs(count: int) -> bytes:
    import docx

    document = docx.Document()
    for i in range(count):
        document.add_paragraph(f"第{i}段")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_docx_of_many_small_paragraphs_is_read_fast_or_refused(tmp_path):
    path = tmp_path / "many.docx"
    path.write_bytes(_docx_with_paragraphs(3000))
    started = time.perf_counter()
    doc = read_document(path, [tmp_path])
    assert len(doc.blocks) == 3000 and time.perf_counter() - started < 10  # issue 11: 87 s for a file like it
    with pytest.raises(LoadError, match="too many elements"):
        read_document(path, [tmp_path], FormatLimits(max_elements=1000))


def test_a_zip_bomb_docx_is_refused_before_it_is_inflated(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b"a" * (150 * 1024 * 1024) + b">")
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(LoadError, match="zip bomb"):
        read_document(path, [tmp_path])


def test_html_and_xlsx_element_counts_are_bounded(tmp_path):
    html = tmp_path / "big.html"
    html.write_text("<html><body>" + "<p>段落</p>" * 2000 + "</body></html>", encoding="utf-8")
    with pytest.raises(LoadError, match="too many elements"):
        read_document(html, [tmp_path], FormatLimits(max_elements=1000))
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "岗位"
    workbook.active["Z5000"] = "x"  # a sheet spanning 130,000 cells
    path = tmp_path / "wide.xlsx"
    workbook.save(path)
    with pytest.raises(LoadError, match="cells"):
        read_document(path, [tmp_path], FormatLimits(max_elements=50_000))


def test_a_file_that_takes_too_long_is_skipped_with_its_reason(tmp_path):
    path = tmp_path / "slow.docx"
    path.write_bytes(_docx_with_paragraphs(50))
    limits = FormatLimits(max_seconds=0.0)
    with pytest.raises(LoadError, match="took longer"):
        read_document(path, [tmp_path], limits)
    with pytest.raises(LimitExceeded):
        FormatLimits(max_seconds=0.0).tick()


def test_files_over_a_limit_are_skipped_and_the_rest_is_indexed(tmp_path, make_settings):
    corpus = _corpus(tmp_path)
    (corpus / "huge.txt").write_text("字" * (MAX_TEXT_CHARS + 1), encoding="utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b"a" * (150 * 1024 * 1024) + b">")
    (corpus / "bomb.docx").write_bytes(buffer.getvalue())
    started = time.perf_counter()
    report = run_ingest(make_settings(corpus), show_progress=False)
    assert time.perf_counter() - started < 120
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert "too much text" in reasons["huge.txt"] and "zip bomb" in reasons["bomb.docx"]
    assert report.documents == 1 and report.roles == 1
