"""Three levels on the shipped corpus: answered, partial (topic covered, the thing asked is not), none."""
import pytest

from kb.answer import Answerer
from kb.answer.checks import asked_post, similar_post
from kb.answer.level import Level, Missing, judge
from kb.answer.passage import Passage


@pytest.fixture(scope="module")
def answerer(seed_kb):
    return Answerer(seed_kb)


@pytest.mark.parametrize("question", [
    "话务员可以用公司电脑打游戏吗？",  # 打游戏/电脑 vs the rule's 玩游戲/系統終端
    "交接班要提前多久到？",
    "机房里对值机人员有什么要求？",
    "上班可以带手机吗？",
])
def test_answered(answerer, question):
    answer = answerer.answer(question)
    assert answer.level == "answered" and not answer.abstained and answer.citations


def test_paraphrase_is_answered_from_the_rule_that_answers_it(answerer):
    answer = answerer.answer("话务员可以用公司电脑打游戏吗？")
    assert answer.answer.splitlines()[0].startswith("不可以")
    assert any("不準利用系統終端玩游戲" in c.quote for c in answer.citations)


@pytest.mark.parametrize(("question", "says"), [
    ("病假要扣工资吗？", "工资"),  # 考勤 lists 病事假情況; nothing about pay exists
    # the inspector's duties give no quota, but hold a rate (每班后交给班长): "no figure" would be false (issue 21)
    ("质检员每个月要抽查多少录音？", "对照原文"),
    ("金库中心每天几点开门？", "对照原文"),  # no opening hours, but a count (共计16条): it claims nothing missing
    ("服務質量考核不及格會怎麼處理？", "处罚"),
])
def test_partial_says_what_is_not_covered_then_cites_the_closest_rules(answerer, question, says):
    answer = answerer.answer(question)
    assert answer.level == "partial" and not answer.abstained
    first, second = answer.answer.splitlines()[:2]
    assert says in first.replace("數", "数").replace("處罰", "处罚") and second.startswith(("相关规定", "相關規定"))
    assert answer.citations and all(f"[{c.n}]" in answer.answer for c in answer.citations)


def test_none_abstains_exactly(answerer):
    answer = answerer.answer("番茄炒蛋怎么做才好吃？")
    assert answer.level == "none" and answer.abstained and not answer.citations
    assert answer.to_json()["level"] == "none"


# A small corpus of its own (not one the evals score): two posts with duty lists, opening hours, reader rules.
LIBRARY = """---
title: 城东图书馆工作手册
---
# 岗位职责与读者须知

## 一、馆长岗位职责
1. 全面负责图书馆的日常管理工作。
2. 每日抽查阅览室不少于三次，检查图书排架是否整齐。
3. 审批图书采购计划和年度预算。

## 二、图书管理员岗位职责
1. 负责图书的上架、整理和借还登记。
2. 保持阅览室安静整洁。
3. 负责读者证的办理和注销。

## 三、开放时间
1. 工作日开放时间：09:00-21:00。
2. 周末开放时间：10:00-18:00。

## 四、读者须知
1. 阅览室内禁止饮食。
2. 每张读者证一次可借图书5册，借期30天。
3. 遗失图书须按原价赔偿。

## 五、值班安排
1. 周末由图书管理员轮流值班，负责开门和闭馆检查。
2. 节假日值班表由馆长提前一周公布。
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory, embedding_cache):
    from ingest.pipeline import run_ingest
    from kb.knowledge import KnowledgeBase
    from kb.settings import Settings

    corpus = tmp_path_factory.mktemp("library")
    (corpus / "library.md").write_text(LIBRARY, encoding="utf-8")
    settings = Settings(home=tmp_path_factory.mktemp("libraryhome"), corpus=corpus, embedding_cache=embedding_cache)
    run_ingest(settings, show_progress=False)
    return Answerer(KnowledgeBase(settings))


def test_another_posts_duty_does_not_answer_for_the_named_one(library):
    """The figure is in 馆长's duty list; the question is about 图书管理员 (same document)."""
    answer = library.answer("图书管理员一天要抽查阅览室几次？")
    assert answer.level == "partial" and {"subject", "figure"} & set(answer.reasons)
    assert library.answer("馆长一天要抽查阅览室几次？").level == "answered"


def test_a_rate_in_another_period_is_no_answer(library):
    answer = library.answer("图书馆一周要抽查阅览室几次？")  # the rule gives a daily count
    assert answer.level == "partial" and "figure" in answer.reasons


def test_the_named_posts_own_duty_answers_a_yes_no_question(library):
    answer = library.answer("图书管理员需要负责办理读者证吗？")
    assert answer.level == "answered"
    assert any("读者证的办理" in c.quote for c in answer.citations)


@pytest.mark.parametrize(("question", "post"), [
    ("馆务主任有哪些职责？", "馆务主任"),  # 主任 is no noun to the tagger, and no role here
    ("图书馆的会计有什么职责？", "会计"),
])
def test_a_post_the_index_has_no_role_for_is_said_so(library, question, post):
    answer = library.answer(question)
    assert answer.level == "partial" and "role" in answer.reasons
    assert post in answer.answer.splitlines()[0]


@pytest.mark.parametrize(("post", "role", "similar"), [
    ("仓库主管", "仓库经理", False),  # one unit, two job titles
    ("任课老师", "任课教师", True),
    ("仓库保管员", "库管员", True),
    ("护理部主任", "护士长", False),
])
def test_a_post_named_like_a_role_must_have_its_job_title(post, role, similar):
    assert similar_post(post, role) is similar


@pytest.mark.parametrize(("question", "post"), [
    ("护理部主任有哪些职责？", "护理部主任"),
    ("仓库主管的岗位职责有哪些？", "仓库主管"),
    ("管理处的会计有什么职责？", "会计"),
    ("银行网点的保安要做些什么？", ""),  # more is named than a post and one owner
    ("交接班有哪些规定？", ""),
])
def test_the_post_a_duty_question_names(answerer, question, post):
    assert asked_post(answerer.query(question)) == post


def test_question_coverage_leaves_out_terms_straddling_a_joining_word(answerer):
    """'业中' and '中有' of '执业|中|有' are rare, so they weighed most; '换班' of '调换|班次' stays."""
    scorer = answerer.scorer
    scorer.refresh()
    terms = scorer.question_terms(answerer.query("护士在执业中有哪些义务？"))
    assert {"执业", "义务"} <= terms and not {"#业中", "#中有", "中有"} & terms
    assert "#换班" in scorer.question_terms(answerer.query("我想跟同事調換班次，要先做什麼？"))


def test_a_further_quote_from_elsewhere_holds_what_a_typed_question_asks(library):
    """值班安排's "周末…负责开门" names what is asked but gives no time: it would only bury the answer."""
    answer = library.answer("周末几点开门？")
    assert answer.level == "answered" and any("10:00-18:00" in c.quote for c in answer.citations)
    assert "轮流值班" not in answer.answer


def test_the_document_title_counts_in_a_units_coverage(library):
    """Which of several documents a text is from is often said only by its title ("城东图书馆…")."""
    from kb.answer import ANSWER_CANDIDATES
    from kb.answer.retrieve import passages

    query = library.query("城东的周末开放时间是几点？")
    hits = library.retriever.hits(library.retriever.retrieve(query, k=ANSWER_CANDIDATES), ANSWER_CANDIDATES)
    scorer = library.scorer
    unit = next(u for u in passages(scorer, query, hits) if "周末开放时间" in u.text)
    without_title = scorer.coverage(scorer.question_terms(query),
                                    scorer.terms(scorer.heading_of(unit.position)) | scorer.terms(unit.text))
    assert unit.coverage > without_title


def test_mostly_absent_focus_with_a_weak_match_is_off_topic(answerer):
    """世界杯 and 冠军 are in no document; 国家 is, in a rule about something else. Between `abstain_below`
    and `answer_above` the match is too weak for a paraphrase: none, not a hedged answer."""
    query = answerer.query("2022年世界杯冠军是哪个国家？")
    quotes = [Passage("第四条 国家鼓励采用新技术、新方法，提高管理和服务水平。", heading="第一章 总则")]
    settings = answerer.kb.settings
    between = (settings.abstain_below + settings.answer_above) / 2
    verdict = judge(query, quotes, between, answerer.scorer, answerer.roles_in,
                    settings.abstain_below, settings.answer_above)
    assert verdict.level is Level.NONE and Missing.OFF_TOPIC in verdict.missing
    above = judge(query, quotes, settings.answer_above + 0.01, answerer.scorer, answerer.roles_in,
                  settings.abstain_below, settings.answer_above)
    assert above.level is not Level.NONE  # a strong match may be a paraphrase: not dropped


@pytest.mark.parametrize(("question", "not_focus"), [
    ("Summit 的顾问是干嘛的？", "干嘛"), ("各组之间的协调由谁来负责？", "由谁来"),
    ("会长负责哪些项目？", "哪些项目"),
])
def test_question_words_the_tagger_joins_to_others_are_no_focus(answerer, question, not_focus):
    query = answerer.query(question)
    assert not any(part in w for w in query.focus for part in ("干嘛", "谁", "哪些"))
    assert not_focus not in query.focus
