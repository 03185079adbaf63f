from conftest import CORPUS, SEED_NAME

from ingest.chunk import ChunkLimits, chunk_document, split_long
from ingest.clean import clean_text
from ingest.process import process_document
from ingest.structure import parse_structure
from kb.normalize import normalize
from kb.records import LoadedDocument

BOILERPLATE = ["當前位置", "發布時間", "擴展閱讀", "熱點內容", "韓國電影", "瀏覽:", "查理九世", "希望對你有所幫助"]


def _seed_chunks(limits: ChunkLimits | None = None):
    text = (CORPUS / SEED_NAME).read_text(encoding="utf-8")
    doc = LoadedDocument(doc_id=SEED_NAME, path=SEED_NAME, kind="text", encoding="utf_8", text=text)
    return process_document(doc, limits or ChunkLimits(400, 1200))


def test_breadcrumb_of_a_duty_item():
    processed = _seed_chunks()
    chunk = next(c for c in processed.chunks if "負責漫遊客戶投訴的處理" in c.text)
    assert chunk.section == "⑩ 客服部門後台支撐崗位職責 › 第三節 工作職責 › 三、值班長崗位職責"
    assert chunk.breadcrumb == "後場老師職責 › " + chunk.section
    part = next(p for p in chunk.parts if "漫遊" in p.text)
    assert part.n == 6 and chunk.role == "值班長"


def test_title_is_taken_from_the_page_and_not_indexed_as_a_chunk():
    processed = _seed_chunks()
    assert processed.title == "後場老師職責"
    assert all(c.text != "後場老師職責" for c in processed.chunks)


def test_boilerplate_never_reaches_a_chunk():
    processed = _seed_chunks()
    for chunk in processed.chunks:
        for phrase in BOILERPLATE:
            assert phrase not in chunk.text and normalize(phrase) not in chunk.match_text, (phrase, chunk.section)
    assert len(processed.removed_lines) >= 14


def test_each_role_duty_list_is_one_chunk():
    processed = _seed_chunks()
    for role in processed.roles:
        holding = [c for c in processed.chunks if c.role == role.name]
        assert len(holding) == 1, role.name
        assert holding[0].items == [d.n for d in role.duties] or role.section.endswith("…")


def test_chunks_never_straddle_sections():
    root = parse_structure(clean_text((CORPUS / SEED_NAME).read_text(encoding="utf-8")).text)
    chunks = chunk_document("d", "t", root, [], ChunkLimits(120, 120))
    for chunk in chunks:
        # every part of a chunk is found, in order, inside the one section its breadcrumb names
        section_node = root
        for label in filter(None, chunk.section.split(" › ")):
            section_node = next(c for c in section_node.children if c.label.startswith(label.rstrip("…")))
        body = section_node.full_text() if section_node is not root else "\n".join(root.lines)
        for part in chunk.parts:
            assert part.text in body


def test_small_limit_keeps_chunks_small_except_single_sentences():
    for chunk in _seed_chunks(ChunkLimits(150, 150)).chunks:
        assert len(chunk.text) <= 150 or len(chunk.parts) == 1


def test_split_long_is_sentence_aligned():
    text = "第一句。" * 30
    pieces = split_long(text, 50)
    assert "".join(pieces) == text and all(len(p) <= 50 for p in pieces)
