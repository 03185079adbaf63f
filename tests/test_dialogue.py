"""Follow-up questions resolved against the earlier turns; `ask --dialogues`."""
import json

import pytest

from apps.cli.main import main
from ingest.pipeline import run_ingest
from kb.answer import Answerer
from kb.answer.explain import explain
from kb.dialogue import Conversation
from kb.knowledge import KnowledgeBase
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


# Two organisations: the monitoring centre says nothing about night shifts; the security office has a night-shift
# duty for its gatekeepers and a night-shift rule for all its staff.
CENTRE = """# 监控中心岗位职责

## 值班员岗位职责

1. 负责监控画面的实时巡查，发现异常及时报告。
2. 负责填写值班记录，做好交接班工作。
3. 负责来访人员的登记和接待。

## 班长岗位职责

1. 负责排定值班表，检查值班员的工作。
2. 负责处理值班中发生的突发事件。

## 交接班规定

1. 交接班时应当面交接，交接不清不得离岗。
2. 值班员连续值班不得超过十二小时。
"""
SECURITY = """# 保卫科岗位职责

## 门卫岗位职责

1. 负责大门出入人员和车辆的检查登记。
2. 夜班门卫每两小时巡查一次厂区。
3. 负责收发报刊信件。

## 巡逻员岗位职责

1. 负责厂区围墙和仓库的巡逻。
2. 负责消防器材的日常检查。

## 值勤纪律

1. 夜间值班期间严禁饮酒。
2. 值勤时应穿着制服。
"""

HOTEL = """# 客房部岗位职责

## 房务员岗位职责

1. 依领班分配的房号，依序清扫退房及续住客房。
2. 进房前须先按门铃并报“房务员”，确认无人回应后方可进入。
3. 更换床单、被套、枕套及毛巾。
4. 发现房客遗留物品，须立即交领班登记。
"""


@pytest.fixture(scope="module")
def shifts(tmp_path_factory, embedding_cache):
    from kb.settings import Settings

    corpus = tmp_path_factory.mktemp("shifts_corpus")
    (corpus / "监控中心岗位职责.md").write_text(CENTRE, encoding="utf-8")
    (corpus / "保卫科岗位职责.md").write_text(SECURITY, encoding="utf-8")
    (corpus / "客房部岗位职责.md").write_text(HOTEL, encoding="utf-8")
    settings = Settings(home=tmp_path_factory.mktemp("shifts_home"), corpus=corpus, embedding_cache=embedding_cache)
    run_ingest(settings, show_progress=False)
    return Answerer(KnowledgeBase(settings))


@pytest.mark.parametrize(("condition", "said"), [("如果是夜班呢？", "夜班"), ("要是下雨怎么办？", "下雨")])
def test_a_condition_no_rule_of_the_role_speaks_of_is_said_so_above_its_duties(shifts, condition, said):
    """The centre's rules never mention night shifts (another organisation's do) nor rain: the duties are shown
    as the closest rules, under a plain sentence that the documents do not say what changes."""
    (_, first), (query, answer) = converse(shifts, ["值班员的职责有哪些？", condition])
    assert query.rewritten and "值班员" in query.text
    assert answer.level == "partial"
    assert answer.answer.split("\n")[0] == f"文件没有写明{said}时的不同规定。"
    assert [c.quote for c in answer.citations] == [c.quote for c in first.citations]  # the duties, each cited
    assert "夜班门卫" not in answer.answer.split("\n\n")[0]  # another organisation's rule is no answer


@pytest.mark.parametrize(("role", "rule", "not_quoted"), [
    ("门卫", "夜班门卫每两小时巡查一次厂区", "报刊"),  # its own duty
    ("巡逻员", "夜间值班期间严禁饮酒", "围墙"),  # its office's rule for all staff (夜班 as 夜间值班)
])
def test_a_rule_of_the_role_on_the_condition_is_the_answer(shifts, role, rule, not_quoted):
    """The role's own rule on night shifts, or its organisation's, answers, not the whole duty list."""
    (_, first), (_, answer) = converse(shifts, [f"{role}的职责有哪些？", "如果是夜班呢？"])
    assert len(first.citations) >= 2
    assert answer.level == "answered"
    assert rule in answer.answer and not_quoted not in answer.answer
    assert any(rule in c.quote for c in answer.citations)


def test_explain_shows_the_condition_and_that_no_rule_speaks_of_it(shifts):
    conversation = Conversation()
    first = conversation.understand(shifts, "值班员的职责有哪些？")
    conversation.add(first, shifts.respond(first, streaming=False).run())
    out = {s["stage"]: s["output"] for s in explain(shifts, conversation.understand(shifts, "如果是夜班呢？"))}
    assert "夜班" in out["query"]["condition"] and out["select"]["unsaid"] == ["夜班"]
    assert out["verify"]["missing"] == ["condition"] and out["level"]["level"] == "partial"


@pytest.mark.parametrize(("role", "level", "said"), [("门卫", "answered", "夜班门卫每两小时巡查一次厂区"),
                                                    ("值班员", "partial", "文件没有写明夜班时的不同规定")])
def test_a_condition_on_the_askers_own_duties_is_about_the_picked_role(shifts, role, level, said):
    conversation = Conversation()
    for text in ["我的职责是什么？", "如果是夜班呢？"]:
        query = conversation.understand(shifts, text, role)
        answer = shifts.respond(query, streaming=False).run()
        conversation.add(query, answer)
    assert answer.level == level and said in answer.answer


def test_a_duty_that_speaks_of_the_condition_in_other_words_is_the_answer(shifts):
    """"里面没人应门" shares no word with the duty "确认无人回应后方可进入": it is the duty closest in meaning."""
    (_, _), (_, answer) = converse(shifts, ["房务员进房前要做什么？", "如果里面没人应门呢？"])
    assert answer.level == "answered"
    assert [c.items for c in answer.citations] == [[2]] and "确认无人回应后方可进入" in answer.answer


@pytest.mark.parametrize(("follow_up", "understood", "quoted"), [
    ("第三条是什么意思？", "「负责来访人员的登记和接待」", "负责来访人员的登记和接待"),
    ("那班长呢？", "班长", "负责排定值班表"),
    ("他要填写什么？", "值班员", "负责填写值班记录"),
])
def test_other_follow_ups_after_a_duty_question_are_unchanged(shifts, follow_up, understood, quoted):
    (_, _), (query, answer) = converse(shifts, ["值班员的职责有哪些？", follow_up])
    assert query.rewritten and understood in query.text and not query.context.condition
    assert answer.level == "answered" and quoted in answer.answer
