"""The right organisation (issue 21 item 5): a question about one organisation is answered from its documents.

Two organisations in one knowledge base, each with a probation rule of a different duration: a shop (its
organisation read from the title 华联超市员工手册) and a law firm. The law firm's rule says 试用期 three times,
the shop's once and not beside the post, so by wording alone the law firm's three months win for a question
about the shop's post.
"""
from __future__ import annotations

import pytest

from ingest.overrides import Action, Override, save_override
from ingest.pipeline import run_ingest
from kb.answer import Answerer
from kb.frontmatter import split_front_matter
from kb.knowledge import KnowledgeBase
from kb.normalize import normalize
from kb.scope import (
    Asked,
    Because,
    Organisation,
    Origin,
    document_organisation,
    question_scope,
    title_organisation,
)

SHOP_DOC = "华联超市员工手册.md"
LAW_DOC = "明德律师事务所员工手册.md"
SHOP = """# 华联超市员工手册

## 第一章 入职

1、新员工入职须提交健康证。
2、试用期为一个月。

## 第二章 店员岗位职责

1、负责商品的上架和理货。
2、热情接待顾客，解答商品询问。
"""
LAW = """# 明德律师事务所员工手册

## 第一章 试用期规定

1、试用期为三个月，试用期满考核合格后转正。
2、试用期内工资按转正工资的百分之八十发放，试用期内不得单独接待委托人。

## 第二章 律师助理岗位职责

1、协助律师整理案卷材料。
2、负责法律文书的校对和送达。
"""


@pytest.fixture(scope="module")
def two_orgs(answerer_of):
    return answerer_of({SHOP_DOC: SHOP, LAW_DOC: LAW})


def test_a_post_only_the_shop_has_is_answered_from_the_shops_document_only(two_orgs):
    answer = two_orgs.answer("店员的试用期多久")
    assert answer.level == "answered", answer.answer
    assert answer.citations and {c.doc_id for c in answer.citations} == {SHOP_DOC}, answer.answer
    assert "一个月" in answer.answer
    assert "三个月" not in answer.answer.split("另见")[0]


def test_the_picked_role_restricts_answers_to_its_organisation(two_orgs):
    for role, doc in (("店员", SHOP_DOC), ("律师助理", LAW_DOC)):
        answer = two_orgs.answer("试用期多久", role=role)
        assert answer.citations and {c.doc_id for c in answer.citations} == {doc}, (role, answer.answer)


def test_a_question_naming_nothing_is_answered_as_before_from_every_organisation(two_orgs):
    query = two_orgs.query("试用期多久")
    assert not query.scope
    answer = two_orgs.answer("试用期多久")
    assert answer.level == "answered" and answer.citations


def test_another_organisations_rule_is_only_pointed_to_under_the_hedge_with_its_name(two_orgs):
    answer = two_orgs.answer("店员试用期内工资怎么发")
    cited = {c.doc_id for c in answer.citations}
    assert LAW_DOC not in cited, answer.answer
    if "另见" in answer.answer:
        assert answer.level != "answered" and "明德律师事务所" in answer.answer.split("另见")[1]


def test_search_answers_and_evaluation_read_one_query(two_orgs):
    """A question's Query is built one way (kb.question): a search for the shop's post is scoped to the shop as its
    answer is, and evaluation scores retrieval on the Query the answer used (the case's role picked)."""
    from evals.runner import CaseRunner
    from evals.suite import Case

    question = "店员的试用期多久"
    assert two_orgs.retriever.query(question) == two_orgs.query(question) and two_orgs.query(question).scope
    assert {h.chunk.doc_id for h in two_orgs.retriever.search(question, k=5)} == {SHOP_DOC}
    for role, doc in (("店员", SHOP_DOC), ("律师助理", LAW_DOC)):
        result = CaseRunner(two_orgs.kb, answerer=two_orgs).run(Case(id=role, question="试用期多久", role=role))
        assert result.retrieved and {h.chunk_id.split("::")[0] for h in result.retrieved} == {doc}, role


def test_organisations_list_their_documents_and_roles(two_orgs):
    orgs = {o.name: o for o in two_orgs.kb.build.organisations_for(two_orgs.query("x").audience)}
    assert set(orgs) == {"华联超市", "明德律师事务所"}
    assert orgs["华联超市"].documents == (SHOP_DOC,) and "店员" in orgs["华联超市"].roles
    assert orgs["明德律师事务所"].origin == Origin.TITLE


def test_re_ingest_keeps_a_trainers_organisation_override(tmp_path, make_settings):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / SHOP_DOC).write_text(SHOP, encoding="utf-8")
    (corpus / LAW_DOC).write_text(LAW, encoding="utf-8")
    save_override(corpus, Override(doc=LAW_DOC, action=Action.ORGANISATION, to="明德律所"), who="王老师")
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    (corpus / LAW_DOC).write_text(LAW + "\n## 第三章 其他\n\n1、本手册自发布之日起施行。\n", encoding="utf-8")
    report = run_ingest(settings, show_progress=False)
    assert not report.unmatched_overrides
    build = KnowledgeBase(settings).build
    assert {c.organisation for c in build.chunks if c.doc_id == LAW_DOC} == {"明德律所"}
    assert {r.organisation for r in build.roles if r.source == LAW_DOC} == {"明德律所"}
    assert build.docs[LAW_DOC]["organisation_from"] == Origin.REVIEW


def test_front_matter_names_the_organisation_in_either_spelling():
    for key in ("organisation", "organization"):
        meta, _ = split_front_matter(f"---\ntitle: 员工守则\n{key}: 星光超市\n---\n正文\n")
        assert meta.organisation == "星光超市"
        assert document_organisation("员工守则.md", "员工守则", meta.organisation) == ("星光超市", Origin.FRONT_MATTER)


@pytest.mark.parametrize(("title", "organisation"), [
    ("华联超市员工手册", "华联超市"),
    ("某市第二人民医院病区护理岗位说明书", "某市第二人民医院"),
    ("福建路达工程建设有限公司员工手册2018", "福建路达工程建设有限公司"),
    ("客服部門後台支撐崗位職責", None),  # a department, not an organisation
    ("後場老師職責", None),  # a post
    ("员工手册", None),
])
def test_the_title_names_an_organisation_only_before_a_document_kind(title, organisation):
    assert title_organisation(title) == organisation


def test_the_folder_comes_before_the_title_and_the_document_is_its_own_last():
    assert document_organisation("仁和医院/护理部工作制度.md", "护理部工作制度") == ("仁和医院", Origin.FOLDER)
    assert document_organisation("华联超市员工手册.md", "前台须知") == ("华联超市", Origin.FILE_NAME)
    assert document_organisation("值班规定.md", "值班规定") == ("值班规定", Origin.DOCUMENT)


@pytest.mark.parametrize(("doc_id", "title", "organisation"), [
    ("星河社区成员.md", "Community membership", "星河社区"),  # a page title in English, the file named in Chinese
    ("明德中学学校后勤安全制度.html", "网站首页", "明德中学"),  # the shortest name ending in a kind word
    ("宏达银行理财顾问职缺.md", "招聘", "宏达银行"),
    ("值班人员名单.md", "值班人员名单", None),
])
def test_a_file_named_after_its_organisation_gives_it_when_the_title_does_not(doc_id, title, organisation):
    expected = (organisation, Origin.FILE_NAME) if organisation else (title, Origin.DOCUMENT)
    assert document_organisation(doc_id, title) == expected


def test_a_question_naming_an_organisation_from_its_file_name_is_not_answered_from_another(
        tmp_path, make_settings):
    """Two communities' pages titled in English: the one asked about lists no Contributor duties, the other
    does. The other's list is not the answer to a question naming the first."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "星河社区成员.md").write_text(
        "# Community membership\n\n## Contributor\n\n提交过一个被合并的 PR 即可成为 Contributor。\n\n"
        "## Maintainer\n\n1. 负责审阅模块的代码。\n2. 负责发布版本。\n", encoding="utf-8")
    (corpus / "云帆社区角色.md").write_text(
        "# Roles\n\n## Contributor 职责\n\n1. 负责提交代码和文档。\n2. 负责回复 Issue。\n", encoding="utf-8")
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    answerer = Answerer(KnowledgeBase(settings))
    query = answerer.query("星河社区的 Contributor 要负责哪些工作？")
    assert query.scope.organisations == frozenset({"星河社区"})
    answer = answerer.answer("星河社区的 Contributor 要负责哪些工作？")
    assert all(c.doc_id == "星河社区成员.md" for c in answer.citations), answer.answer


ORGS = [Organisation("华联超市", Origin.TITLE), Organisation("明德律师事务所", Origin.TITLE),
        Organisation("仁和医院", Origin.FOLDER), Organisation("值班规定", Origin.DOCUMENT)]
POSTS = {"店员": {"华联超市"}, "行政专员": {"明德律师事务所", "仁和医院"}, "医院感染管理员": {"仁和医院"}}


@pytest.mark.parametrize(("question", "mentioned", "picked", "expected", "because"), [
    ("华联的员工请假要提前几天", (), (), {"华联超市"}, Because.NAMED),
    ("明德律师事务所的年假几天", (), (), {"明德律师事务所"}, Because.NAMED),
    ("在医院上班试用期多久", (), (), {"仁和医院", "值班规定"}, Because.KIND),
    ("律所的新人试用期多久", (), (), {"明德律师事务所", "值班规定"}, Because.KIND),
    ("店员的试用期多久", ("店员",), (), {"华联超市", "值班规定"}, Because.POST),
    ("试用期多久", (), ("行政专员",), {"明德律师事务所", "仁和医院", "值班规定"}, Because.PICKED),
])
def test_a_question_is_scoped_by_a_name_a_kind_a_unique_post_or_the_picked_role(question, mentioned, picked,
                                                                                 expected, because):
    scope = question_scope(Asked(normalize(question), frozenset(mentioned), frozenset(picked)), ORGS, POSTS)
    assert scope.organisations == expected and scope.because == because


@pytest.mark.parametrize(("question", "mentioned", "forms"), [
    ("试用期多久", (), ()),  # names nothing
    ("行政专员的职责", ("行政专员",), ("行政专员",)),  # a post two organisations have
    ("公司的试用期多久", (), ()),  # 公司: whatever employs the asker
    ("老师的职责", (), ()),  # a word of a document's own title is no organisation's name
])
def test_a_question_naming_no_organisation_has_no_scope(question, mentioned, forms):
    asked = Asked(normalize(question), frozenset(mentioned), role_forms=forms)
    assert not question_scope(asked, ORGS + [Organisation("後場老師職責", Origin.DOCUMENT)], POSTS)


def test_a_document_naming_no_organisation_is_excluded_only_by_a_question_naming_one():
    orgs = [Organisation("员工守则", Origin.DOCUMENT), Organisation("后场老师职责", Origin.DOCUMENT)]
    posts = {"后场老师": {"后场老师职责"}}
    assert not question_scope(Asked(normalize("后场老师的职责"), frozenset({"后场老师"})), orgs, posts)
    assert question_scope(Asked(normalize("员工守则里的试用期")), orgs, posts).organisations == {"员工守则"}
    # a post of such a document (a nurses' law) scopes nothing, though the picked role of a named one does
    orgs += [Organisation("某市第二人民医院", Origin.TITLE), Organisation("华联超市", Origin.TITLE)]
    posts = {"护士": {"员工守则"}, "主班护士": {"某市第二人民医院"}}
    asked = Asked(normalize("办公室护士负责什么"), frozenset({"护士"}), frozenset({"主班护士"}))
    assert question_scope(asked, orgs, posts).because == Because.PICKED


def test_an_organisation_read_from_a_file_name_scopes_only_a_question_naming_it():
    orgs = [Organisation("华联超市", Origin.TITLE), Organisation("明德中学", Origin.FILE_NAME),
            Organisation("仁和医院", Origin.FOLDER)]
    posts = {"班主任": {"明德中学"}, "收银员": {"华联超市"}}
    assert question_scope(Asked(normalize("明德中学的值班规定")), orgs, posts).organisations == {"明德中学"}
    # a kind or a post scopes as before, but does not exclude the file-named document
    by_kind = question_scope(Asked(normalize("医院的值班规定")), orgs, posts)
    assert by_kind.organisations == {"仁和医院", "明德中学"}
    by_post = question_scope(Asked(normalize("收银员几点交班"), frozenset({"收银员"})), orgs, posts)
    assert by_post.organisations == {"华联超市", "明德中学"}


def test_a_kind_word_inside_a_post_names_no_kind_and_one_organisation_is_no_scope():
    asked = Asked(normalize("医院感染管理员的职责"), frozenset({"医院感染管理员"}), role_forms=("医院感染管理员",))
    assert question_scope(asked, ORGS, POSTS).because == Because.POST
    assert not question_scope(Asked(normalize("华联超市的试用期")), ORGS[:1], POSTS)
