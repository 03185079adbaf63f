"""Study sheet and self-quiz (issue 19 items 1–2) over every role of the shipped seed and the found corpus's dev
documents: every answer is in its cited source text, no distractor is one of the asked role's duties, every cloze
blank is content; the quiz store, the CLI contract."""
from __future__ import annotations

import io
import json
import re
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from kb.access import EVERYONE
from kb.normalize import normalize, to_simplified
from kb.quiz import CHOICE, CLOZE, ORDERING, TRUE_FALSE, all_questions, make_quiz
from kb.quiz_store import QuizStore
from kb.study import study_sheet

REPO = Path(__file__).resolve().parent.parent
DEV_DOCS = REPO / "evals" / "corpora" / "found" / "dev" / "docs"
PUNCT_ONLY = re.compile(r"^[\W_\s]*$")
JOINING = ("u", "p", "c", "y", "e", "o", "x", "w")  # particles, prepositions, conjunctions, interjections, punctuation


@pytest.fixture(scope="session")
def dev_kb(tmp_path_factory, embedding_cache):
    """The found corpus's dev documents, ingested as `dutykb ingest` would."""
    from ingest.pipeline import run_ingest
    from kb.knowledge import KnowledgeBase
    from kb.settings import Settings

    corpus = tmp_path_factory.mktemp("dev-corpus")
    for doc in DEV_DOCS.iterdir():
        shutil.copy(doc, corpus / doc.name)
    settings = Settings(home=tmp_path_factory.mktemp("dev-home"), corpus=corpus, embedding_cache=embedding_cache)
    run_ingest(settings, show_progress=False)
    return KnowledgeBase(settings)


@pytest.fixture(params=["seed", "dev"])
def any_kb(request, seed_kb, dev_kb):
    return seed_kb if request.param == "seed" else dev_kb


def every_question(kb):
    return [(role, q) for role in kb.roles_for(EVERYONE) for q in all_questions(kb.build, role, EVERYONE)]


def duty_form(text: str) -> str:
    return re.sub(r"[\W_]+", "", normalize(text))


def test_every_answer_is_in_its_cited_source_text(any_kb):
    questions = every_question(any_kb)
    kinds = {q.kind for _, q in questions}
    assert {CLOZE, CHOICE, TRUE_FALSE} <= kinds
    bad = []
    for _, q in questions:
        assert q.source.document and q.source_text
        assert q.evidence in q.source_text
        if q.kind == CLOZE:
            ok = q.answer in q.source_text and q.question.split("：", 1)[1].replace("＿＿＿＿", q.answer) == q.evidence
        elif q.kind == CHOICE:
            ok = q.answer in q.choices and q.answer in q.source_text
        elif q.kind == TRUE_FALSE:
            statement = q.question.split("：", 1)[1]
            ok = (statement in q.source_text) == (q.answer == "正确")
        else:
            positions = [q.source_text.find(step) for step in q.answer]
            ok = -1 not in positions and positions == sorted(positions) and sorted(q.choices) == sorted(q.answer)
        if not ok:
            bad.append(q.to_json())
    assert not bad, bad[:3]


def test_no_distractor_is_a_duty_of_the_asked_role(any_kb):
    asked = 0
    for role, q in every_question(any_kb):
        if q.kind != CHOICE:
            continue
        asked += 1
        own = {duty_form(d.text) for r in any_kb.roles_for(EVERYONE) if r.name == role.name for d in r.duties}
        wrong = [c for c in q.choices if c != q.answer]
        assert len(wrong) >= 2
        assert not [c for c in wrong if duty_form(c) in own], (role.name, q.choices)
        assert duty_form(q.answer) in own
    assert asked


def test_every_cloze_blank_is_content(any_kb, seed_kb):
    tagger = seed_kb.build.lexical.tokenizer
    blanks = [q.answer for _, q in every_question(any_kb) if q.kind == CLOZE]
    assert blanks
    for blank in blanks:
        assert isinstance(blank, str) and not PUNCT_ONLY.match(blank), blank
        flags = [flag for _, flag in tagger.tagged_words(normalize(blank))]
        content = re.search(r"\d", blank) or (re.search(r"[\u4e00-\u9fff]", blank)
                                              and any(not f.startswith(JOINING) for f in flags))
        assert content, (blank, flags)


def test_true_false_flips_the_rule_s_own_modal_and_keeps_its_condition(seed_kb):
    role = next(r for r in seed_kb.roles_for(EVERYONE) if r.name == "話務員")
    statements = [q for q in all_questions(seed_kb.build, role, EVERYONE) if q.kind == TRUE_FALSE]
    false = [q for q in statements if q.answer == "错误"]
    assert statements and false
    for q in false:
        said = to_simplified(q.question.split("：", 1)[1])
        meant = to_simplified(q.evidence)
        assert len(said) != len(meant) or said != meant
        assert re.sub(r"可以|不得|允许|禁止|必须|不必|应当|不应当|严禁|不准|不许", "", said)[:6] == \
            re.sub(r"可以|不得|允许|禁止|必须|不必|应当|不应当|严禁|不准|不许", "", meant)[:6]


def test_quiz_is_deterministic_with_a_seed_and_mixes_kinds(seed_kb):
    role = next(r for r in seed_kb.roles_for(EVERYONE) if r.name == "話務員")
    first = [q.to_json() for q in make_quiz(seed_kb.build, role, EVERYONE, 8, seed=3)]
    again = [q.to_json() for q in make_quiz(seed_kb.build, role, EVERYONE, 8, seed=3)]
    other = [q.to_json() for q in make_quiz(seed_kb.build, role, EVERYONE, 8, seed=4)]
    assert first == again and first != other
    assert len(first) == 8 and len({q["kind"] for q in first}) >= 3


def test_a_quiz_asks_about_each_text_once_while_others_are_left(seed_kb):
    role = next(r for r in seed_kb.roles_for(EVERYONE) if r.name == "值班長")
    texts = {q.source_text for q in all_questions(seed_kb.build, role, EVERYONE)}
    for seed in range(20):
        quiz = make_quiz(seed_kb.build, role, EVERYONE, 5, seed)
        assert len(texts) >= 5 and len({q.source_text for q in quiz}) == 5, seed


def test_study_sheet_groups_duties_by_label_and_cites_rules_naming_the_role(seed_kb, dev_kb):
    operator = next(r for r in seed_kb.roles_for(EVERYONE) if r.name == "話務員")
    sheet = study_sheet(seed_kb.build, operator, EVERYONE)
    assert [g.label for g in sheet.groups] == ["岗位职责"]
    assert [c.text for c in sheet.duties] == [d.text for d in operator.duties]
    assert sheet.related and all("請示報告制度" in c.section or "話務員" in c.section or "話務員" in c.text
                                 for c in sheet.related)
    assert not [c for c in sheet.related if "VIP話務員" in c.section]  # a longer post's name is not this one
    shift_lead = next(r for r in seed_kb.roles_for(EVERYONE) if r.name == "值班長")
    assert "話務員" in study_sheet(seed_kb.build, shift_lead, EVERYONE).partners
    # a role card with labelled parts: 要求 / 职责 / 权限 come back as their own groups
    contributor = next(r for r in dev_kb.roles_for(EVERYONE) if r.name == "Contributor")
    kinds = {str(g.kind) for g in study_sheet(dev_kb.build, contributor, EVERYONE).groups}
    assert {"duties", "requirements", "authority"} <= kinds


def test_quiz_store_keeps_results_per_user_and_the_most_missed(seed_kb, tmp_path):
    role = next(r for r in seed_kb.roles_for(EVERYONE) if r.name == "值班長")
    quiz = make_quiz(seed_kb.build, role, EVERYONE, 4)
    store = QuizStore(tmp_path / "quiz.sqlite")
    right = store.record("wang", "q1", role.name, [(q, q.answer) for q in quiz])
    assert right == 4
    store.record("li", "q2", role.name, [(quiz[0], "不对"), *[(q, q.answer) for q in quiz[1:]]])
    store.record("li", "q3", role.name, [(quiz[0], None)])
    mine = store.progress("li")
    assert [(p.role, p.quizzes, p.answered, p.right) for p in mine] == [(role.name, 2, 5, 3)]
    assert {p.user for p in store.progress()} == {"wang", "li"}
    missed = store.most_missed()
    assert [(m.qid, m.asked, m.missed) for m in missed] == [(quiz[0].qid, 3, 2)]
    assert missed[0].source["document"] == quiz[0].source.document
    assert store.by_role()[0].answered == 9


def test_cli_quiz_json_and_study_html(seed_settings):
    from apps.cli.main import main

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["quiz", "值班长", "--n", "10", "--json", "--home", str(seed_settings.home)]) == 0
    questions = json.loads(out.getvalue())
    assert len(questions) == 10
    for q in questions:
        assert {"kind", "question", "choices", "answer", "source", "source_text"} <= q.keys()
        assert {"document", "section", "item"} <= q["source"].keys()
        assert isinstance(q["choices"], list) and (q["choices"] == []) == (q["kind"] == CLOZE)
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["study", "值班长", "--format", "html", "--home", str(seed_settings.home)]) == 0
    page = out.getvalue()
    assert page.startswith("<!doctype html>") and "@media print" in page and "具體負責熱線服務中心現場管理" in page
    assert ORDERING  # the ordering kind exists in the contract's kinds
