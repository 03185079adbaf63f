"""Skipped files are reported in one line naming the file and the problem (issue: adversarial input, item 9).

An encrypted PDF was skipped with an empty reason ("not a readable PDF (PdfminerException: )"); a symlink
loop was said to have a target that does not exist; control characters in file names (an escape sequence
that clears the screen, a newline that forges a second report line, a bidi override) were printed raw to
the terminal; and a file name that is not UTF-8 (a GBK name unpacked from a zip) ended the whole ingest in
a UnicodeEncodeError.
"""
from __future__ import annotations

import io
import os
import unicodedata
from pathlib import Path

import pytest

from apps.cli.main import main
from ingest.load import LoadError, read_document, scan
from ingest.pipeline import run_ingest

GATE = "# 门卫岗位职责\n1、负责校门值守，登记外来人员。\n2、夜间每两小时巡查一次。\n"
HOSTILE_NAMES = {  # file name → how a message must show it
    "clear\x1b[2J\nforged.txt": "clear\\x1b[2J\\nforged.txt",
    "bidi\u202etxt.md": "bidi\\u202etxt.md",
    "csi\x9b31m.txt": "csi\\x9b31m.txt",
}
UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}  # controls, format (bidi), lone surrogates, line separators


def _pdf(**encryption) -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=StandardEncryption(**encryption) if encryption else None)
    page.drawString(72, 700, "Duty list: guard the gate")
    page.save()
    return buffer.getvalue()


def _unsafe(text: str) -> list[str]:
    return [repr(ch) for ch in text if ch != "\n" and unicodedata.category(ch) in UNSAFE_CATEGORIES]


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "gate.md").write_text(GATE, encoding="utf-8")
    return corpus


def test_an_encrypted_pdf_is_skipped_saying_it_needs_its_password(tmp_path):
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(_pdf(userPassword="secret", ownerPassword="owner"))
    with pytest.raises(LoadError, match="password") as refused:
        read_document(locked, [tmp_path])
    assert refused.value.reason.startswith("encrypted") and not refused.value.reason.endswith(": )")
    restricted = tmp_path / "restricted.pdf"  # no password to open it, only an owner password: readable
    restricted.write_bytes(_pdf(userPassword="", ownerPassword="owner", canCopy=0))
    assert "guard the gate" in read_document(restricted, [tmp_path]).text


def test_a_symlink_loop_is_named_a_loop(tmp_path):
    corpus = _corpus(tmp_path)
    (corpus / "self.txt").symlink_to(corpus / "self.txt")
    (corpus / "a.txt").symlink_to(corpus / "b.txt")
    (corpus / "b.txt").symlink_to(corpus / "a.txt")
    (corpus / "dangling.txt").symlink_to(corpus / "missing.txt")
    refused = dict(scan([corpus]).refused)
    for name in ("self.txt", "a.txt", "b.txt"):
        assert "loop" in refused[str(corpus / name)] and "does not exist" not in refused[str(corpus / name)]
    assert "does not exist" in refused[str(corpus / "dangling.txt")]


def test_control_characters_in_file_names_are_escaped_in_every_message(tmp_path, make_settings):
    corpus = _corpus(tmp_path)
    for name in HOSTILE_NAMES:
        (corpus / name).write_bytes(b"")  # empty: skipped, so its name is printed
    (corpus / "link\x1b]0;owned\x07.txt").symlink_to(corpus / "missing.txt")
    with pytest.raises(LoadError) as refused:
        read_document(corpus / "clear\x1b[2J\nforged.txt", [corpus])
    assert not _unsafe(str(refused.value)) and "\n" not in str(refused.value)

    report = run_ingest(make_settings(corpus), show_progress=False)
    summary = report.summary()
    assert not _unsafe(summary), _unsafe(summary)
    lines = summary.splitlines()
    # the head, the per-document findings (indented), then one line per skipped file: no forged line
    assert all(line.startswith(("published build", "documents (", "  ", "skipped ")) for line in lines), lines
    assert sum(line.startswith("skipped ") for line in lines) == len(HOSTILE_NAMES) + 1
    for shown in HOSTILE_NAMES.values():
        assert any(shown in line and line.startswith("skipped ") for line in lines), shown
    assert any("link\\x1b]0;owned\\x07.txt" in line for line in lines)
    assert report.documents == 1


def test_the_cli_prints_no_raw_control_characters(tmp_path, make_settings, capsys, monkeypatch):
    corpus = _corpus(tmp_path)
    (corpus / "clear\x1b[2J\nforged.txt").write_bytes(b"")
    settings = make_settings(corpus)
    monkeypatch.setenv("DUTYKB_EMBEDDING_CACHE", str(settings.embedding_cache_path))
    assert main(["ingest", str(corpus), "--home", str(settings.home), "--quiet"]) == 0
    assert main(["ingest", str(corpus / "missing\x1b[2J"), "--home", str(settings.home), "--quiet"]) != 0
    captured = capsys.readouterr()
    assert not _unsafe(captured.out + captured.err)
    assert "clear\\x1b[2J\\nforged.txt" in captured.out and "missing\\x1b[2J" in captured.err


def test_a_file_name_that_is_not_utf8_is_skipped_and_the_rest_publishes(tmp_path, make_settings):
    corpus = _corpus(tmp_path)
    gbk_name = os.fsdecode(bytes(corpus) + b"/" + "岗位.txt".encode("gbk"))
    Path(gbk_name).write_text(GATE, encoding="utf-8")
    report = run_ingest(make_settings(corpus), show_progress=False)
    reasons = {s.path: s.reason for s in report.skipped}
    assert "UTF-8" in reasons[gbk_name] and "rename" in reasons[gbk_name]
    summary = report.summary()
    assert not _unsafe(summary) and summary.encode("utf-8")
    assert report.documents == 1
