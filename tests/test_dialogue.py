"""Follow-up questions resolved against the earlier turns; `ask --dialogues`."""
import json

import pytest

from apps.cli.main import main
from kb.answer import Answerer
from kb.dialogue import Conversation
from kb.outline import strip_marker_text


@pytest.fixture(scope="module")
def answerer(seed_kb):
    return Answerer(seed_kb)


def converse(answerer, turns):
    conversation = Conversation()
    out = []
    for text in turns:
        query = conversation.understand(answerer, text)
        answer = answerer.respond(query, streaming=False).run()
        out.append((query, answer))
        conversation.add(query, answer)
    return out


@pytest.mark.parametrize(("turns", "understood", "quoted"), [
    (["值班长的职责是什么？", "那质检员呢？"], "质检员", "配合值班長做好各類數據提取"),
    (["話務班長負責什麼？", "他要考核哪些人？"], "話務班長要考核", "定期對熱線服務中心人員進行業務、服務質量的考核"),
    (["交接班要提前多久到？", "如果交接的時候出了問題呢？"], "交接班，如果", "由交接人員負責處理告一段落後再進行交接"),
    (["考勤包括哪些内容？", "多久公布一次？"], "考勤多久公布一次", "每月公布一次"),
    (["VIP話務員要做什麼？", "外呼話務員"], "外呼話務員", "設計調查問卷"),
])
def test_follow_ups_are_understood_from_the_earlier_turn(answerer, turns, understood, quoted):
    (_, _), (query, answer) = converse(answerer, turns)
    assert query.rewritten and understood in query.text
    assert answer.understood_as == query.text and answer.question == turns[-1]
    assert quoted in answer.answer


@pytest.mark.parametrize("post", ["组长", "保安"])
def test_a_follow_up_about_a_post_the_documents_lack_is_refused_not_answered_with_the_earlier_role(answerer, post):
    (_, first), (query, answer) = converse(answerer, ["话务班长负责什么？", f"那{post}呢？"])
    assert query.text == f"{post}负责什么？" and not query.context.roles
    assert answer.level != "answered" and f"「{post}」这个岗位" in answer.answer
    assert not any(c.quote in answer.answer for c in first.citations)  # none of 话务班长's duties
    assert "話務班長崗位職責" not in answer.answer  # no heading left standing over nothing quoted


def test_a_question_that_stands_alone_is_not_rewritten(answerer):
    (_, _), (query, _) = converse(answerer, ["值班长的职责是什么？", "交接班要提前多久到？"])
    assert not query.rewritten
    assert query.context.roles  # the conversation's role stays a ranking prior


@pytest.mark.parametrize("reference", ["第三条是什么意思？", "那第3项呢", "第三点具体指什么"])
def test_a_question_about_an_item_of_the_previous_answer_asks_about_that_item(answerer, reference):
    (_, first), (query, answer) = converse(answerer, ["值班长的职责是什么？", reference])
    cited = next(c for c in first.citations if 3 in c.items)
    assert cited.items == [3]  # a list answer cites one item per citation
    words = strip_marker_text(cited.quote).rstrip("；;。")
    assert query.rewritten and words in query.text
    assert words in answer.answer and not answer.abstained


def test_an_item_the_previous_answer_did_not_quote_is_not_invented(answerer):
    (_, first), (query, _) = converse(answerer, ["值班长的职责是什么？", "第九十九条是什么意思？"])
    assert not any(99 in c.items for c in first.citations)
    assert "「" not in query.text


def test_cli_dialogues_prints_one_object_per_turn(seed_settings, capsys, tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('["值班长的职责是什么？", "那质检员呢？"]\n["上班可以带手机吗？"]\n', encoding="utf-8")
    assert main(["ask", "--dialogues", str(path), "--home", str(seed_settings.home)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [(r["dialogue"], r["turn"]) for r in rows] == [(1, 1), (1, 2), (2, 1)]
    assert rows[1]["understood_as"].startswith("质检员") and rows[1]["question"] == "那质检员呢？"
    assert all({"level", "citations", "abstained", "mode"} <= set(r) for r in rows)


def test_cli_dialogues_reports_a_bad_line_and_goes_on(seed_settings, capsys, tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('not json\n["交接班要提前多久到？"]\n', encoding="utf-8")
    assert main(["ask", "--dialogues", str(path), "--home", str(seed_settings.home)]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert "line 1" in rows[0]["error"] and rows[1]["dialogue"] == 2 and rows[1]["level"] == "answered"
