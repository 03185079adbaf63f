import json

import pytest

from apps.cli.main import main
from kb.answer import Answerer
from kb.normalize import is_traditional, normalize

ANSWER_KEYS = {"question", "answer", "abstained", "mode", "citations", "suggestions"}
CITATION_KEYS = {"n", "chunk_id", "doc_id", "title", "section", "items", "quote"}


@pytest.fixture(scope="module")
def answerer(seed_kb):
    return Answerer(seed_kb)


def test_duty_question_returns_the_whole_list_in_order_each_item_cited(answerer):
    answer = answerer.answer("值班长平时都要负责哪些工作？")
    assert not answer.abstained
    assert [c.items for c in answer.citations] == [[n] for n in range(1, 8)]
    sixth = answer.citations[5]
    assert sixth.quote == "負責漫遊客戶投訴的處理;"
    assert sixth.label.endswith("三、值班長崗位職責 › 第6條") and sixth.label.startswith("《後場老師職責》")
    lines = answer.answer.splitlines()[1:]
    assert [line.rsplit("[", 1)[1] for line in lines] == [f"{n}]" for n in range(1, 8)]


def test_answer_follows_the_question_script_and_quotes_stay_original(answerer):
    simplified = answerer.answer("值班长的职责有哪些")
    traditional = answerer.answer("值班長的職責有哪些")
    assert "负责漫游客户投诉的处理" in simplified.answer and not is_traditional(simplified.answer)
    assert "負責漫遊客戶投訴的處理" in traditional.answer
    assert simplified.citations[5].quote == traditional.citations[5].quote == "負責漫遊客戶投訴的處理;"


def test_procedure_question_quotes_the_answering_item_not_the_section(answerer):
    answer = answerer.answer("交接班的时候要提前多长时间到岗？")
    assert "提前10-15分钟到达工作岗位" in answer.answer
    assert len(answer.citations) <= 3
    first = answer.citations[0]
    assert first.section.endswith("一、交制度") and first.items == [1]


def test_every_answer_line_carries_a_resolvable_citation(answerer):
    for question in ["机房里能放水杯吗", "客户问我叫什么名字该怎么说", "外呼话务员做什么"]:
        answer = answerer.answer(question)
        numbers = {c.n for c in answer.citations}
        for line in answer.answer.splitlines():
            if line.endswith(("：", ":")):
                continue
            cited = {int(x) for x in line.rsplit("[", 1)[1].rstrip("]").split(",")}
            assert cited <= numbers, (question, line)
        for citation in answer.citations:
            assert normalize(citation.quote)  # a quote is real text from the chunk it names
            chunk = next(c for c in answerer.kb.build.chunks if c.chunk_id == citation.chunk_id)
            assert citation.quote in chunk.text


def test_role_picker_answers_my_duties(answerer):
    answer = answerer.answer("我的岗位职责是什么？", role="质检员")
    assert len(answer.citations) == 3 and all(c.section.endswith("四、質檢員崗位職責") for c in answer.citations)


def test_cli_ask_json_contract(seed_settings, capsys):
    assert main(["ask", "排队超过10人怎么办", "--json", "--home", str(seed_settings.home)]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == ANSWER_KEYS and payload["mode"] == "extractive" and payload["abstained"] is False
    assert payload["citations"] and all(set(c) == CITATION_KEYS for c in payload["citations"])
    assert any("等待人數>10人" in c["quote"] for c in payload["citations"])


def test_cli_ask_questions_file(seed_settings, capsys, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text("交接班要提前多久\n\n转单员的职责\n", encoding="utf-8")
    assert main(["ask", "--questions", str(questions), "--home", str(seed_settings.home)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [r["question"] for r in rows] == ["交接班要提前多久", "转单员的职责"]
    assert len(rows[1]["citations"]) == 5


@pytest.mark.parametrize("question", ["公司年终奖怎么发？", "社保和公積金的繳納比例是多少？"])
def test_unanswerable_question_abstains_with_suggestions_and_no_citations(answerer, question):
    answer = answerer.answer(question)
    assert answer.abstained and not answer.citations
    assert ("没有找到" in answer.answer) or ("沒有找到" in answer.answer)
    assert answer.suggestions and all(s in answer.answer for s in answer.suggestions)


def test_which_ones_question_quotes_the_whole_list(answerer):
    answer = answerer.answer("考勤都会记录哪些情况？")
    assert [c.items for c in answer.citations] == [[1], [2], [3], [4]]
    assert "迟到、早退、脱岗、旷工情况" in answer.answer
