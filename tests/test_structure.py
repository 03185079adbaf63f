import pytest
from conftest import CORPUS, SEED_NAME

from ingest.clean import clean_text
from ingest.structure import parse_blocks, parse_structure
from kb.outline import LINE, Block, cn_to_int, inline_items


def _seed_root():
    return parse_structure(clean_text((CORPUS / SEED_NAME).read_text(encoding="utf-8")).text)


def _find(root, label_start):
    return next(n for n in root.walk() if n.label.startswith(label_start))


def test_chinese_numerals():
    assert [cn_to_int(x) for x in ["一", "九", "十", "十二", "二十", "三十五", "一百零五", "12"]] == [
        1, 9, 10, 12, 20, 35, 105, 12]


def test_seed_has_ten_top_level_blocks_in_order():
    blocks = [n for n in _seed_root().children if n.kind == "circled"]
    assert [b.number for b in blocks] == list(range(1, 11))


def test_circled_numbers_inside_a_section_are_deep_items_not_blocks():
    root = _seed_root()
    first = _find(root, "第一,根據話務量情況")
    assert [c.kind for c in first.children] == ["circled_item"] * 6
    assert [c.number for c in first.children] == [1, 2, 3, 4, 5, 6]
    five_tables = _find(root, "(3)採用「五表」方法")
    assert [c.number for c in five_tables.children] == [1, 2, 3, 4, 5]


def test_sections_and_item_numbers_of_block_ten():
    ten = _seed_root().children[9]
    assert [c.label for c in ten.children] == ["第一節 服務質量管理知識", "第二節 管理制度", "第三節 工作職責"]
    duties = ten.children[2]
    assert [c.label[:2] for c in duties.children] == [f"{n}、" for n in "一二三四五六七八九"]
    dzb = _find(ten, "三、值班長崗位職責")
    assert [c.number for c in dzb.children] == [1, 2, 3, 4, 5, 6, 7]
    assert dzb.children[5].heading == "負責漫遊客戶投訴的處理;"


def test_paren_items_nest_under_arabic_items():
    node = _find(_seed_root(), "1、質量監督的主要內容")
    assert [c.kind for c in node.children] == ["paren"] * 5


def test_restarted_list_after_a_label_is_a_new_list():
    six = _seed_root().children[5]
    labels = [c.label for c in six.children]
    assert labels == ["籃球五個位置各要擔任職責如下:", "籃球跑位:"]
    assert [c.number for c in six.children[1].children] == [1, 2, 3, 4, 5]


def test_markdown_headings_and_bullets():
    root = parse_structure("# 值班长\n## 职责\n- 现场管理\n- 填写值班记录\n## 交接\n1. 提前到岗\n# 附录\n说明")
    top = root.children
    assert [n.label for n in top] == ["# 值班长", "# 附录"]
    assert [n.label for n in top[0].children] == ["## 职责", "## 交接"]
    assert [(c.kind, c.number) for c in top[0].children[0].children] == [("bullet", 1), ("bullet", 2)]
    assert top[1].lines == ["说明"]


@pytest.mark.parametrize("chapter", ["## 第二章 执勤用语", "第二章 执勤用语"])
def test_articles_after_a_chapter_heading_belong_to_it_though_earlier_articles_had_none(chapter):
    # a regulation whose first articles precede its first chapter heading; articles are numbered through
    # the whole document, so 第三条 continuing 第二条's number must not leave the chapter opened since
    text = f"第一条 为了规范执勤。\n第二条 协管员承担以下工作：\n（一）维护秩序；\n（二）接受求助。\n{chapter}\n" \
           "第三条 执勤时应当使用文明用语。\n第四条 纠正违法时应当敬礼。\n（一）敬礼；\n（二）指出违法行为。"
    top = parse_structure(text).children
    assert [(n.kind, n.number) for n in top[:2]] == [("tiao", 1), ("tiao", 2)]
    assert [(c.kind, c.number) for c in top[1].children] == [("paren_cn", 1), ("paren_cn", 2)]
    chapter_node = top[2]
    assert chapter_node.label == chapter and len(top) == 3
    assert [(c.kind, c.number) for c in chapter_node.children] == [("tiao", 3), ("tiao", 4)]
    assert [c.number for c in chapter_node.children[1].children] == [1, 2]


def test_absurd_numbering_does_not_crash():
    text = "\n".join(f"{i}、条目" for i in range(500)) + "\n" + "\n".join("(1)" * 3 + "x" for _ in range(50))
    root = parse_structure(text)
    assert sum(1 for _ in root.walk()) > 500


def test_a_list_item_cut_at_the_page_width_takes_its_next_line_and_a_short_heading_does_not():
    lines = ["第五条 理事会职权：", "（一）每三年推选三名理事组成选举小组，筹备选举事宜，其中不能包括有意参选",
             "者。该小组负责制定选举细节。", "（二）审议年度报告。", "（三）物业经理", "负责小区日常管理。"]
    root = parse_blocks([Block(LINE, line, paragraph=True) for line in lines])  # each line a paragraph (a PDF page)
    items = [c for c in root.walk() if c.kind == "paren_cn"]
    assert items[0].heading.endswith("有意参选者。该小组负责制定选举细节。") and len(items) == 3
    assert items[2].heading == "物业经理"  # short: a heading over its paragraph


@pytest.mark.parametrize("text,items", [
    ("1. 维修公共设施。2. 做好维修记录。", ["维修公共设施。", "做好维修记录。"]),
    ("1、清扫楼道；2、清运垃圾；3、消杀", ["清扫楼道；", "清运垃圾；", "消杀"]),
    ("每班工作1.5小时，2. 交接记录", []),  # a decimal is no item, and one item is no list
    ("修剪草坪，浇灌花木。", []),
])
def test_items_numbered_inside_one_line(text, items):
    assert inline_items(text) == items
