"""Access control in the library and CLI: restricted entries leak through no read path.

The index holds the seed plus two restricted entries (conftest: hr-pay.md for group hr,
finance-keys.md for finance or audit). Every path that shows corpus text is run as readers
outside those groups, with questions aimed straight at the restricted text, and the
results are checked for the restricted documents and for their words.
"""
from __future__ import annotations

import json

import pytest
from conftest import RESTRICTED_DOCS, RESTRICTED_MARKERS, SEED_SUITE
from fake_llm import FakeLLM, sources_in

from apps.cli.main import main
from evals.report import Scored, assemble_report
from evals.runner import run_cases
from evals.suite import Case, load_suite
from kb.access import EVERYONE, PUBLIC, Audience, visible_mask
from kb.answer import Answerer
from kb.chroma_store import where_clause
from kb.feedback import DOWN, FeedbackStore
from kb.hittest import hit_test
from kb.knowledge import KnowledgeBase, UnknownRoleError
from kb.llm import LLMSpec
from kb.retrieve import MODES, HybridRetriever, KBRetriever
from kb.vectorstore import VectorFilter

AIMED = [
    "薪酬专员的职责是什么", "薪酬專員要做什麼", "员工工资什么时候核算", "薪酬数据保存在哪里", "年终奖方案谁签字",
    "保险柜钥匙谁保管", "钥匙丢了怎么办", "锁芯", "加密盘", "薪酬专员", "哪些岗位要保管钥匙",
]
OUTSIDERS = [PUBLIC, Audience.of(["sales"]), Audience.of(["hrx", "Finance"])]  # group names are exact


def questions() -> list[str]:
    return AIMED + [case.question for case in load_suite(SEED_SUITE).cases[::5]]


def leaks(text: str) -> list[str]:
    return [m for m in RESTRICTED_MARKERS if m in text]


@pytest.fixture(scope="module")
def kb(restricted_settings) -> KnowledgeBase:
    return KnowledgeBase(restricted_settings)


@pytest.fixture(scope="module")
def answerer(kb) -> Answerer:
    return Answerer(kb)


def test_the_index_holds_the_restricted_entries_with_their_groups(kb):
    by_doc = {c.doc_id: c.visibility for c in kb.build.chunks if c.doc_id in RESTRICTED_DOCS}
    assert by_doc == RESTRICTED_DOCS
    assert {r.name for r in kb.roles_for(EVERYONE)} - {r.name for r in kb.roles_for(PUBLIC)} == {"薪酬专员"}


@pytest.mark.parametrize("audience", OUTSIDERS, ids=["public", "sales", "near-miss"])
def test_search_in_every_mode_never_returns_a_restricted_chunk(kb, audience):
    retriever = HybridRetriever(kb)
    for question in questions():
        for mode in MODES:
            hits = retriever.search(question, k=30, mode=mode, audience=audience)
            assert not {h.chunk.doc_id for h in hits} & set(RESTRICTED_DOCS), (question, mode)
            assert not any(leaks(h.chunk.text) for h in hits), (question, mode)


@pytest.mark.parametrize("audience", OUTSIDERS, ids=["public", "sales", "near-miss"])
def test_answers_citations_and_suggestions_hold_nothing_restricted(answerer, audience):
    for question in questions():
        answer = answerer.answer(question, audience=audience)
        assert not {c.doc_id for c in answer.citations} & set(RESTRICTED_DOCS), question
        shown = (answer.answer.replace(answer.question, "") + "".join(c.quote + c.title for c in answer.citations)
                 + "".join(answer.suggestions))
        assert not leaks(shown), (question, shown)


def test_hit_tests_roles_and_role_lookups_hide_restricted_roles(kb):
    for question in AIMED:
        rows = hit_test(kb, question, k=10, audience=PUBLIC)
        assert not {r.chunk.doc_id for r in rows} & set(RESTRICTED_DOCS), question
    assert "薪酬专员" not in {r.name for r in kb.roles_for(PUBLIC)}
    assert kb.roles_mentioned("薪酬专员的职责", PUBLIC) == set()
    with pytest.raises(UnknownRoleError) as error:
        kb.resolve_role("薪酬专员", PUBLIC)
    known = str(error.value).split("known roles:")[1]
    assert "值班長" in known and "薪酬" not in known


def test_the_langchain_retriever_filters_too(kb):
    docs = KBRetriever(kb=kb, k=10, audience=PUBLIC).invoke("薪酬数据保存在哪里")
    assert docs and not {d.metadata["doc_id"] for d in docs} & set(RESTRICTED_DOCS)


def test_the_llm_is_never_sent_restricted_sources(answerer):
    with FakeLLM(lambda messages: "无法回答。") as llm:
        for question in AIMED:
            answerer.answer(question, llm=LLMSpec.parse(llm.spec()), audience=PUBLIC)
        sent = [text for request in llm.requests for text in sources_in(request["messages"]).values()]
    assert sent and not any(leaks(text) for text in sent)


def test_members_of_a_group_see_its_entries(kb, answerer):
    hr = Audience.of(["hr"])
    top = HybridRetriever(kb).search("薪酬数据保存在哪里", audience=hr)[0]
    assert top.chunk.doc_id == "hr-pay.md"
    duties = answerer.answer("薪酬专员的职责是什么", audience=hr)
    assert [c.items for c in duties.citations] == [[1], [2], [3]]
    assert all(c.doc_id == "hr-pay.md" for c in duties.citations)
    for groups in (["audit"], ["finance"], ["sales", "finance"]):
        hits = HybridRetriever(kb).search("钥匙丢了怎么办", audience=Audience.of(groups))
        assert hits[0].chunk.doc_id == "finance-keys.md", groups
    hr_hits = HybridRetriever(kb).search("钥匙丢了怎么办", k=30, audience=hr)
    assert "finance-keys.md" not in {h.chunk.doc_id for h in hr_hits}


def test_a_role_filter_and_the_audience_filter_combine(kb):
    hits = HybridRetriever(kb).search("交接班", role="值班长", audience=PUBLIC)
    assert hits and {h.chunk.role for h in hits} == {"值班長"}
    with pytest.raises(UnknownRoleError):
        HybridRetriever(kb).search("工资", role="薪酬专员", audience=PUBLIC)
    hr_hits = HybridRetriever(kb).search("工资", role="薪酬专员", audience=Audience.of(["hr"]))
    assert {h.chunk.doc_id for h in hr_hits} == {"hr-pay.md"}


def test_filters_are_built_once_and_only_when_something_is_hidden(kb, seed_kb):
    assert where_clause(VectorFilter(EVERYONE)) is None and where_clause(VectorFilter()) is None
    assert where_clause(VectorFilter(PUBLIC)) == {"public": True}
    assert where_clause(VectorFilter(Audience.of(["b", "a"]))) == {
        "$or": [{"public": True}, {"grp:a": True}, {"grp:b": True}]}
    assert where_clause(VectorFilter(PUBLIC, frozenset({"值班長"}))) == {"$and": [{"role": "值班長"}, {"public": True}]}
    assert visible_mask([[], []], PUBLIC) is None  # the shipped corpus: no mask, no Chroma filter
    assert seed_kb.build.visible(PUBLIC) is None
    mask = kb.build.visible(PUBLIC)
    assert mask is kb.build.visible(PUBLIC)
    assert int((~mask).sum()) == sum(1 for c in kb.build.chunks if c.doc_id in RESTRICTED_DOCS)


def run_cli(capsys, *args: str) -> list[dict]:
    assert main(list(args)) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def test_cli_as_group_filters_search_ask_and_roles(restricted_settings, capsys):
    home = ["--home", str(restricted_settings.home)]
    public = run_cli(capsys, "search", *home, "--json", "--as-group", "public", "薪酬数据保存在哪里")[0]
    assert public["results"] and not {r["doc_id"] for r in public["results"]} & set(RESTRICTED_DOCS)
    hr = run_cli(capsys, "search", *home, "--json", "--as-group", "sales,hr", "薪酬数据保存在哪里")[0]
    assert hr["results"][0]["doc_id"] == "hr-pay.md"
    operator = run_cli(capsys, "search", *home, "--json", "薪酬数据保存在哪里")[0]
    assert operator["results"][0]["doc_id"] == "hr-pay.md"
    asked = run_cli(capsys, "ask", *home, "--json", "--as-group", "sales", "薪酬专员的职责是什么")[0]
    asked["answer"] = asked["answer"].replace(asked["question"], "")  # an abstention repeats the question
    assert not leaks(json.dumps({k: v for k, v in asked.items() if k != "question"}, ensure_ascii=False))
    roles = run_cli(capsys, "roles", *home, "--json", "--as-group", "public")[0]
    assert "薪酬专员" not in {r["name"] for r in roles["roles"]}
    roles = run_cli(capsys, "roles", *home, "--json", "--as-group", "hr")[0]
    assert "薪酬专员" in {r["name"] for r in roles["roles"]}


def test_eval_runs_score_as_their_audience_and_record_what_they_quote(kb):
    case = Case(id="pay", question="薪酬数据保存在哪里", evidence=["加密盘"])
    as_public = run_cases(kb, [case], audience=PUBLIC)
    public_report = assemble_report([Scored(kb, [], as_public)], kb.settings.fusion, PUBLIC)
    assert not as_public[0].passed and public_report.shown_visibility == []
    as_operator = run_cases(kb, [case])
    report = assemble_report([Scored(kb, [], as_operator)], kb.settings.fusion)
    assert as_operator[0].passed and report.shown_visibility == [["hr"]]
    assert report.audience.unrestricted and report.audience.groups == []
    assert not report.viewable_by(PUBLIC) and not report.viewable_by(Audience.of(["audit"]))
    assert report.viewable_by(Audience.of(["hr"])) and public_report.viewable_by(PUBLIC)


def test_feedback_from_a_group_member_is_shown_only_to_editors_who_see_as_much(answerer, tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    hr = Audience.of(["hr"])
    store.add(answerer.answer("薪酬数据保存在哪里", audience=hr), DOWN, audience=hr)
    store.add(answerer.answer("交接班要提前多久到", audience=PUBLIC), DOWN)
    assert [r.question for r in store.list(visible_to=PUBLIC)] == ["交接班要提前多久到"]
    assert len(store.list(visible_to=Audience.of(["hr", "audit"]))) == 2
    assert len(store.list(visible_to=EVERYONE)) == 2
    assert store.list(visible_to=hr)[0].audience == hr
