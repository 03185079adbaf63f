from ingest.preview import preview_text

ENTRY = """---
title: 夜班值守规范
---
# 夜班值守员岗位职责
1、离开座席必须签出。
2、負責漫遊客戶投訴的處理;
# 附录
"""


def test_preview_shows_structure_roles_chunks_and_warnings(seed_kb, seed_settings):
    preview = preview_text("night.md", ENTRY, seed_settings, existing=seed_kb.build.chunks,
                           tokens_of=seed_kb.build.lexical.terms)
    assert preview.title == "夜班值守规范"
    assert [(r.depth, r.kind, r.label) for r in preview.outline][:2] == [
        (0, "heading", "# 夜班值守员岗位职责"), (1, "arabic", "1、离开座席必须签出。")]
    assert [(r.name, len(r.duties)) for r in preview.roles] == [("夜班值守员", 2)]
    chunk = preview.chunks[0]
    assert chunk.breadcrumb == "夜班值守规范 › # 夜班值守员岗位职责" and chunk.items == [1, 2]
    assert "座席" in chunk.tokens and "负责漫游客户投诉的处理" in chunk.match_text
    joined = "\n".join(preview.warnings)
    assert "「# 附录」下没有条目" in joined
    assert "夜班值守员" not in joined  # a role name jieba splits is handled by ingest: a note, not a warning
    assert any("夜班值守员" in note and "jieba" not in note for note in preview.notes)
    assert "000_916eb7e6a919f6ca.txt" in joined and "重复" in joined


def test_preview_of_the_seed_has_no_structural_warnings(seed_settings):
    from conftest import CORPUS, SEED_NAME

    text = (CORPUS / SEED_NAME).read_text(encoding="utf-8")
    preview = preview_text(SEED_NAME, text, seed_settings)
    assert len(preview.roles) == 16 and len(preview.chunks) == 60
    assert not preview.warnings and preview.notes  # role names jieba splits are notes, not warnings
    assert len(preview.removed_lines) == 16
