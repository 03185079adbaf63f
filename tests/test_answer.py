import json

import pytest

from apps.cli.main import main
from kb.answer import STAGES, Answerer
from kb.normalize import is_traditional, normalize

ANSWER_KEYS = {"question", "answer", "abstained", "mode", "citations", "suggestions", "level", "degraded", "notice"}
CITATION_KEYS = {"n", "chunk_id", "doc_id", "title", "section", "items", "quote"}
ADDED_CITATION_KEYS = {"item_kind", "group"}  # added compatibly: the source card a citation shares, article or item


@pytest.fixture(scope="module")
def answerer(seed_kb):
    return Answerer(seed_kb)


def quoted_lines(answer):
    """Answer lines that end in a citation marker, as (text without marker, citation number)."""
    out = []
    for line in answer.answer.splitlines():
        if line.endswith("]") and "[" in line:
            text, n = line.rsplit("[", 1)
            out.append((text.strip("\u3000"), int(n.rstrip("]"))))
    return out


def test_duty_question_returns_the_whole_list_in_order_each_item_cited(answerer):
    answer = answerer.answer("值班长平时都要负责哪些工作？")
    assert not answer.abstained and answer.level == "answered"
    assert [c.items for c in answer.citations] == [[n] for n in range(1, 8)]
    sixth = answer.citations[5]
    assert sixth.quote == "負責漫遊客戶投訴的處理;"
    assert sixth.label.endswith("三、值班長崗位職責 › 第6项") and sixth.label.startswith("《後場老師職責》")
    assert [n for _, n in quoted_lines(answer)] == list(range(1, 8))
    assert {(c.group, c.item_kind) for c in answer.citations} == {(1, "item")}  # one block: one source card


def test_own_words_follow_the_asker_script_and_quotes_stay_as_written(answerer):
    simplified = answerer.answer("值班长的职责有哪些")
    traditional = answerer.answer("值班長的職責有哪些")
    first = simplified.answer.splitlines()[0]
    assert not is_traditional(first) and is_traditional(traditional.answer.splitlines()[0])
    for answer in (simplified, traditional):
        assert "負責漫遊客戶投訴的處理" in answer.answer  # the quote itself is never converted
    assert simplified.citations[5].quote == traditional.citations[5].quote == "負責漫遊客戶投訴的處理;"


@pytest.mark.parametrize("question", ["交班時要注意什麼", "交接班的时候要提前多长时间到岗？"])
def test_quotes_keep_the_documents_characters(answerer, question):
    answer = answerer.answer(question)
    direct = answer.answer.splitlines()[0]  # a direct first line is the answer's own words, in the asker's script
    quotes = [(text, n) for text, n in quoted_lines(answer) if not direct.startswith(text)]
    assert quotes
    for text, n in quotes:
        quote = answer.citations[n - 1].quote
        assert text in quote or quote in text  # a line is (a sentence of) its cited quote, character for character


def test_how_long_question_opens_with_the_figure_and_quotes_the_item(answerer):
    answer = answerer.answer("交接班的时候要提前多长时间到岗？")
    first, rest = answer.answer.split("\n", 1)
    assert first.startswith("提前10-15分钟") and first.endswith("[1]")
    assert "人員要提前10-15分鍾到達工作崗位" in rest
    cited = answer.citations[0]
    assert cited.section.endswith("一、交制度") and cited.items == [1]


def test_yes_no_question_opens_with_the_rules_own_modal_and_condition(answerer):
    answer = answerer.answer("上班可以把手机带进工作区吗？")
    first = answer.answer.splitlines()[0]
    assert first.startswith(("不可以", "原则上不可以")), first
    n = int(first.rsplit("[", 1)[1].rstrip("]"))
    quote = answer.citations[n - 1].quote
    assert "手機" in quote and any(w in quote for w in ("不允許", "嚴禁"))


def test_every_answer_line_carries_a_resolvable_citation(answerer):
    questions = ["机房里能放水杯吗", "客户问我叫什么名字该怎么说", "外呼话务员做什么",
                 "突发系统故障导致排队的人很多怎么办"]
    for question in questions:
        answer = answerer.answer(question)
        numbers = {c.n for c in answer.citations}
        assert {n for _, n in quoted_lines(answer)} == numbers, question
        for citation in answer.citations:
            chunk = next(c for c in answerer.kb.build.chunks if c.chunk_id == citation.chunk_id)
            assert citation.quote in chunk.text
            assert "#" not in citation.label and "**" not in citation.label


def test_a_procedure_question_gets_the_whole_block_never_only_its_intro(answerer):
    answer = answerer.answer("突发系统故障导致排队的人很多怎么办？")
    text = answer.answer
    assert "制定出以下應急方案" in text
    for step in ("流動專家組加入呼入台席", "2-3個呼出台席", "2-3名品質控制人員", "2-3名後台處理人員", "調整班次長短",
                 "安排緊急加班"):
        assert step in text, step
    lines = text.splitlines()
    assert not lines[-1].rstrip("[]0123456789").endswith((":", "："))
    steps = [line for line in lines if line.lstrip("\u3000").startswith(("①", "②", "③", "④", "⑤", "⑥"))]
    assert steps and all(line.startswith("\u3000") for line in steps)  # sub-steps are indented under 第一


def test_which_ones_question_quotes_the_whole_list_with_its_intro(answerer):
    answer = answerer.answer("考勤都会记录哪些情况？")
    assert answer.answer.splitlines()[0] == "考勤制度包括以下4项："
    assert [c.items for c in answer.citations] == [[], [1], [2], [3], [4]]
    assert "遲到、早退、脫崗、曠工情況" in answer.answer


def test_the_heading_chooses_the_block(answerer):
    answer = answerer.answer("机房里对值机人员有什么要求")
    assert all("機房管理制度" in c.section for c in answer.citations)
    assert len(answer.citations) == 10


def test_no_rule_is_quoted_twice(answerer):
    answer = answerer.answer("质检员要监督话务员做什么？", role="质检员")
    quotes = [normalize(c.quote) for c in answer.citations]
    assert len(quotes) == len(set(quotes))


def test_role_picker_answers_my_duties(answerer):
    answer = answerer.answer("我的岗位职责是什么？", role="质检员")
    assert len(answer.citations) == 3 and all(c.section.endswith("四、質檢員崗位職責") for c in answer.citations)


def test_cli_ask_json_contract(seed_settings, capsys):
    assert main(["ask", "排队超过10人怎么办", "--json", "--home", str(seed_settings.home)]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == ANSWER_KEYS and payload["mode"] == "extractive" and payload["abstained"] is False
    assert payload["level"] == "answered" and payload["degraded"] is False and payload["notice"] is None
    assert payload["citations"] and all(set(c) == CITATION_KEYS | ADDED_CITATION_KEYS for c in payload["citations"])
    groups = [c["group"] for c in payload["citations"]]
    assert groups[0] == 1 and groups == sorted(groups)  # cards numbered by first use
    assert any("等待人數>10人" in c["quote"] for c in payload["citations"])


def test_cli_ask_questions_file(seed_settings, capsys, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text("交接班要提前多久\n\n转单员的职责\n", encoding="utf-8")
    assert main(["ask", "--questions", str(questions), "--home", str(seed_settings.home)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [r["question"] for r in rows] == ["交接班要提前多久", "转单员的职责"]
    assert len(rows[1]["citations"]) == 5


def test_cli_ask_explain_shows_each_stage_in_order_ending_in_the_answer(seed_settings, capsys):
    """A hedged question: the stages show why (工资 in no document, no money in the quotes) and end in the answer
    `ask` gives; the text form keeps the quotes' characters as written."""
    home = ["--home", str(seed_settings.home)]
    question = "病假要扣工资吗？"
    assert main(["ask", question, "--explain", "--json", *home]) == 0
    stages = json.loads(capsys.readouterr().out)
    assert [s["stage"] for s in stages] == ["query", *STAGES]
    out = {s["stage"]: s["output"] for s in stages}
    assert "工资" in out["query"]["focus"] and out["retrieve"]["hits"] and out["retrieve"]["best_passages"]
    assert any(line["cited"] for line in out["select"]["lines"])
    assert "money" in out["verify"]["missing"] and "工资" in out["verify"]["absent"]
    assert out["level"]["level"] == "partial" and set(out["verify"]["missing"]) <= set(out["level"]["missing"])
    assert main(["ask", question, "--json", *home]) == 0
    assert out["compose"] == json.loads(capsys.readouterr().out)
    assert main(["ask", question, "--explain", *home]) == 0
    text = capsys.readouterr().out
    headings = [f"== {name} ==" for name in ("query", *STAGES)]
    assert [text.index(h) for h in headings] == sorted(text.index(h) for h in headings)
    assert "病事假情況" in text  # the quote as the document writes it (Traditional 況, not re-scripted)


@pytest.mark.parametrize("question", ["明天北京会下雨吗？", "Python 的列表怎麼排序？"])
def test_off_topic_question_abstains_with_suggestions_and_no_citations(answerer, question):
    answer = answerer.answer(question)
    assert answer.abstained and answer.level == "none" and not answer.citations
    assert ("没有找到" in answer.answer) or ("沒有找到" in answer.answer)
    assert answer.suggestions and all(s in answer.answer for s in answer.suggestions)
    assert all(len(s) <= 16 and not s.endswith(("…", ":", "：")) for s in answer.suggestions)


def test_cli_ask_prints_a_whole_list_as_one_source_with_its_items_under_it(seed_settings, answerer, capsys):
    assert main(["ask", "值班长的岗位职责是什么", "--home", str(seed_settings.home)]) == 0
    sources = capsys.readouterr().out.split("来源：", 1)[1].strip().splitlines()
    assert sources[0] == ("[1–7] 《後場老師職責》 ⑩ 客服部門後台支撐崗位職責 › 第三節 工作職責 › 三、值班長崗位職責"
                          " › 第1–7项")
    citations = answerer.answer("值班长的岗位职责是什么").citations
    assert sources[1:] == [f"    [{c.n}] {c.quote}" for c in citations] and len(citations) == 7
