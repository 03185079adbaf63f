"""The generic checks a hedge rests on (kb.kinds): figures, persons and amounts in forms no word list names."""
import pytest

from kb.kinds import has_amount, has_consequence, has_figure, has_person


@pytest.mark.parametrize("text", [
    "风力达到六级以上时，停止一切高空作业。", "消防器材存放在办公楼三楼东侧。",
    "考核结果分为优秀、良好、合格、不合格四档。",
    "保安实行三班倒。", "门卫每两小时巡查一遍。", "报表按月上报。", "当日的单据当日归档。", "半小时内到岗。",
    "每張讀者證一次可借圖書5冊。",
])
def test_a_figure_in_any_unit_or_counter(text):
    assert has_figure(text)


@pytest.mark.parametrize("text", [
    "3、值班期间不得擅自离岗。", "（二）一律不得吸烟。", "统一着装，保持通讯畅通。", "十分重要的文件由专人保管。",
    "万一发生火灾，马上报警。", "第一责任人负责整改。",
])
def test_no_figure_in_an_item_number_or_a_word_that_counts_nothing(text):
    assert not has_figure(text)


@pytest.mark.parametrize("text", [
    "公司配发的笔记本电脑由使用人保管。", "笔记本电脑遗失的，由当事人照价赔偿。", "请假者须提前申请。",
    "由甲方负责维修。", "本人签字后生效。", "外部培训的相关费用由公司承担。", "持卡人应妥善保管卡片。",
    "话务员应礼貌待客。", "由行政部统一登记。",
])
def test_a_person_by_any_post_or_phrase(text):
    assert has_person(text)


@pytest.mark.parametrize("text", [
    "考核结果分为优秀、良好、合格、不合格四档。", "值班期间不得擅自离岗。", "阅览室内禁止饮食。",
    "试用期满经考核合格后转正。",
])
def test_no_person_where_none_is_named(text):
    assert not has_person(text)


@pytest.mark.parametrize("text", [
    "因违规操作造成经济损失的，依照公司制度处理。", "外部培训的相关费用由公司承担。", "迟到一次罚款50元。",
    "遺失圖書須按原價賠償。", "扣发当月绩效。",
])
def test_an_amount_as_any_money_cost_or_loss(text):
    assert has_amount(text) and has_consequence(text)


@pytest.mark.parametrize("text", ["新员工试用期为三个月。", "违反本条第二款的，不得浪费。", "值班期间保持通讯畅通。"])
def test_no_amount_where_none_is_named(text):
    assert not has_amount(text)


def test_a_sanction_is_a_consequence_but_no_amount():
    assert has_consequence("情节严重的给予警告处分。") and not has_amount("情节严重的给予警告处分。")
