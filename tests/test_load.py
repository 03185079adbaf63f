from pathlib import Path

import pytest

from ingest.load import LoadError, decode_bytes, discover, read_document

SIMPLIFIED = "二、话务班长岗位职责\n1、负责中心内工作、人员、安全生产的管理；\n2、落实完成服务工作指标。\n"
TRADITIONAL = "二、話務班長崗位職責\n1、負責中心內工作、人員、安全生產的管理；\n2、落實完成服務工作指標。\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("text,encoding", [
    (SIMPLIFIED, "gbk"), (SIMPLIFIED, "gb18030"), (TRADITIONAL, "big5"), (TRADITIONAL, "utf-8"),
    (TRADITIONAL, "utf-8-sig"),
])
def test_encodings_are_detected(tmp_path, text, encoding):
    doc = read_document(_write(tmp_path, "duty.txt", text.encode(encoding)), [tmp_path])
    assert doc.text.strip() == text.strip()
    assert doc.doc_id == "duty.txt"


def test_big5_is_not_mistaken_for_gbk():
    text, encoding = decode_bytes(TRADITIONAL.encode("big5"))
    assert encoding == "big5" and "話務班長" in text


def test_markdown_front_matter(tmp_path):
    md = "---\ntitle: 值班长岗位职责\nroles: 值班长, 值班主任\nstatus: active\n---\n1、具体负责现场管理。\n"
    doc = read_document(_write(tmp_path, "a.md", md.encode()), [tmp_path])
    assert doc.title == "值班长岗位职责"
    assert doc.meta.roles == ["值班长", "值班主任"]
    assert doc.text.startswith("1、具体负责")


def test_html_text_without_scripts(tmp_path):
    html = ("<html><head><script>var x='广告';</script></head>"
            "<body><h1>转单员职责</h1><p>1、受理投诉<br>2、转交值班长</p></body></html>")
    doc = read_document(_write(tmp_path, "a.html", html.encode("gb18030")), [tmp_path])
    assert "转单员职责" in doc.text and "1、受理投诉" in doc.text and "广告" not in doc.text


def test_docx(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("質檢員崗位職責")
    document.add_paragraph("1、監督當班話務員履行崗位職責；")
    path = tmp_path / "q.docx"
    document.save(path)
    doc = read_document(path, [tmp_path])
    assert doc.kind == "docx" and "1、監督當班話務員" in doc.text


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty"),
    ("blank.md", b"   \n\n", "empty"),
    ("bin.txt", b"\x00\x01\x02binary\x00" * 50, "NUL"),
    ("fake.docx", b"this is not a zip", "not a zip"),
    ("bad.md", "---\ntitle: [unclosed\n---\n正文".encode(), "front matter"),
    ("status.md", "---\nstatus: draft\n---\n正文".encode(), "status"),
    ("image.png", b"\x89PNG\r\n", "unsupported"),
])
def test_bad_files_raise_load_error_naming_file_and_reason(tmp_path, name, data, reason):
    path = _write(tmp_path, name, data)
    with pytest.raises(LoadError) as info:
        read_document(path, [tmp_path])
    assert str(path) in str(info.value)
    assert reason.lower() in info.value.reason.lower()


def test_discover_skips_hidden_files(tmp_path):
    _write(tmp_path, "a.txt", b"x")
    (tmp_path / ".git").mkdir()
    _write(tmp_path / ".git", "b.txt", b"x")
    _write(tmp_path, ".hidden.md", b"x")
    assert [p.name for p in discover([tmp_path])] == ["a.txt"]
