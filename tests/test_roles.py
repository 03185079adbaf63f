from collections import Counter

from ingest.chunk import ChunkLimits
from ingest.process import process_document
from ingest.role_names import role_name_from_heading
from kb.frontmatter import EntryMeta
from kb.records import LoadedDocument

EXPECTED_SECTION_THREE = {
    "話務員": 6, "話務班長": 6, "值班長": 7, "質檢員": 3, "采編員": 8, "申告處理員": 5, "轉單員": 5,
    "VIP話務員": 4, "外呼話務員": 4,
}


def _by_name(kb):
    return {r.name: r for r in kb.roles_for()}


def test_nine_roles_of_section_three_with_exact_item_counts(seed_kb):
    roles = _by_name(seed_kb)
    for name, count in EXPECTED_SECTION_THREE.items():
        assert len(roles[name].duties) == count, name
        assert "第三節 工作職責" in roles[name].section


def test_bank_roles(seed_kb):
    roles = _by_name(seed_kb)
    assert len(roles["後台綜合櫃員"].duties) == 5
    assert len(roles["現金管理員"].duties) == 3
    assert roles["後台綜合櫃員"].department == "農業銀行"
    assert "農業銀行後台綜合櫃員" in roles["後台綜合櫃員"].aliases


def test_five_basketball_positions(seed_kb):
    roles = _by_name(seed_kb)
    for name, english in [("控球後衛", "Point Guard"), ("得分後衛", "Shooting Guard"), ("小前鋒", "small forward"),
                          ("大前鋒", "Power forward"), ("中鋒", "Center")]:
        assert english in roles[name].aliases
        assert roles[name].duties


def test_no_spurious_roles_and_no_duplicates(seed_kb):
    names = Counter(r.name for r in seed_kb.roles_for())
    assert all(count == 1 for count in names.values())
    assert len(names) == 16  # 9 + 2 + 5: the question blocks without duty items name no role


def test_aliases_cover_both_scripts(seed_kb):
    roles = _by_name(seed_kb)
    assert "话务班长" in roles["話務班長"].aliases
    assert "VIP话务员" in roles["VIP話務員"].aliases


def test_duty_text_has_no_marker(seed_kb):
    duty = _by_name(seed_kb)["值班長"].duties[5]
    assert (duty.n, duty.text) == (6, "負責漫遊客戶投訴的處理;")


def test_heading_patterns():
    assert role_name_from_heading("三、值班長崗位職責".split("、", 1)[1]) == ("值班長", None)
    assert role_name_from_heading("农业银行现金管理员的工作职责是:") == ("现金管理员", "农业银行")
    assert role_name_from_heading("籃球五個位置各要擔任什麼職責") is None
    assert role_name_from_heading("工作職責") is None


def test_front_matter_role_owns_items_when_no_heading_names_it():
    doc = LoadedDocument(doc_id="x.md", path="x.md", kind="markdown", encoding="utf_8",
                         text="1、巡检机房\n2、填写日志", meta=EntryMeta(title="夜班", roles=["夜班值守员"]))
    processed = process_document(doc, ChunkLimits(400, 1200))
    assert [(r.name, len(r.duties)) for r in processed.roles] == [("夜班值守员", 2)]
