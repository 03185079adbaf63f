"""Role layouts of job postings seen in the found corpus's round-3 dev split (issue 20), written here in general
form: the found corpus measures the rules, these tests pin them."""
from pathlib import Path

from ingest.chunk import ChunkLimits
from ingest.load import read_document
from ingest.process import process_document
from kb.jobtitles import rule_agent
from kb.requirements import reads_as_requirements

LIMITS = ChunkLimits(400, 1200)


def _counts(tmp_path: Path, name: str, text: str) -> dict[str, int]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return {r.name: len(r.duties) for r in process_document(read_document(path, [tmp_path]), LIMITS).roles}


POSTINGS = """# 康宁诊所招聘

## 口腔科护士

1. 护理专业中专以上学历，持护士执业资格证书
2. 两年以上口腔护理工作经验
3. 普通话标准，有良好的沟通能力

## 前台接待员

负责接待来访患者并安排就诊。

1. 大专以上学历
2. 有酒店或诊所前台工作经验者优先

## 药房管理员

### 岗位职责

1. 负责药品入库验收
2. 负责药品盘点

### 任职要求

1. 药学专业大专以上学历
"""


def test_a_post_over_requirements_only_is_no_role_and_its_one_duty_sentence_is_its_duty(tmp_path):
    counts = _counts(tmp_path, "postings.md", POSTINGS)
    assert "口腔科护士" not in counts
    assert counts.get("前台接待员") == 1 and counts.get("药房管理员") == 2, counts


def test_requirements_are_told_from_duties_by_their_words():
    assert reads_as_requirements(["本科以上学历", "三年以上相关工作经验", "持证上岗者优先"])
    assert not reads_as_requirements(["负责客户接待", "具备条件时组织培训"])  # an item saying what the holder does
    assert not reads_as_requirements(["熟悉本岗位业务"])  # one line is too little to tell


DETAIL_PAGE = """<html><head><title>职位申请</title></head><body>
<h3>职位详情</h3>
<ul><li>仓库管理员</li><li><p>月薪4千-5千</p><p>上海</p></li></ul>
<h3>岗位职责：</h3>
<ul><li>1.负责货物入库验收；</li><li>2.负责库存盘点并上报差异；</li><li>3.保持库区整洁。</li></ul>
<h3>应聘条件：</h3>
<ul><li>1.高中以上学历；</li><li>2.一年以上仓储工作经验。</li></ul>
</body></html>
"""


def test_a_job_detail_page_gives_its_duty_list_to_the_one_post_it_names_on_a_line_of_its_own(tmp_path):
    assert _counts(tmp_path, "detail.html", DETAIL_PAGE) == {"仓库管理员": 3}


def test_a_rules_doer_is_a_whole_word():
    assert rule_agent("员工患病，也不能从事由公司另行安排的工作的；") is None  # 的工 of 的工作 is no post
    assert rule_agent("每日下班前由值班人员检查门窗。") == "值班人员"


def test_a_default_sheet_name_is_no_section_and_a_code_of_conduct_binds_the_post_it_names(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"  # what the spreadsheet program called it, not what it holds
    sheet.append(["门店员工行为规范十条"])
    sheet.append(["条例", "内容", "处罚"])
    for rule, fine in (("上岗前换好工装，佩戴工牌", "十元/次"), ("收银时唱收唱付", "十元/次"),
                       ("不得在岗位上吃东西", "二十元/次")):
        sheet.append(["关于" + rule[:2], rule, fine])
    path = tmp_path / "某生鲜超市员工行为规范十条.xlsx"
    workbook.save(path)
    processed = process_document(read_document(path, [tmp_path]), LIMITS)
    assert processed.title == "某生鲜超市员工行为规范十条"  # not Sheet1
    assert {r.name: len(r.duties) for r in processed.roles} == {"员工": 3}
    assert all("Sheet1" not in c.section for c in processed.chunks)
