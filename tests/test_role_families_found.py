"""More families of role layout from documents nobody here wrote (issue 20, the found corpus's dev split).

Each fixture is written by us in general form; the found corpus measures the rules, these tests pin them.
"""
from pathlib import Path

import pytest

from ingest.chunk import ChunkLimits
from ingest.inline_lists import split_line
from ingest.load import read_document
from ingest.process import process_document
from kb.jobtitles import is_job_title, posting_post, reader_post
from kb.records import Role

LIMITS = ChunkLimits(400, 1200)


def _roles(tmp_path: Path, name: str, text: str) -> dict[str, Role]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    processed = process_document(read_document(path, [tmp_path]), LIMITS)
    return {r.name: r for r in processed.roles}


def _counts(roles: dict[str, Role]) -> dict[str, int]:
    return {name: len(r.duties) for name, r in roles.items()}


@pytest.mark.parametrize("text,job_title", [
    ("经办人", True), ("项目联系人", True), ("旷工", False), ("施工", False), ("公司领导", False), ("上级领导", False),
])
def test_posts_named_for_who_handles_a_matter_and_words_that_only_end_like_posts(text, job_title):
    assert is_job_title(text) is job_title


def test_a_handbooks_reader_is_a_role_beside_the_posts_it_gives_lists_to(tmp_path):
    assert reader_post("某某公司员工手册（2020版）") == "员工" and reader_post("仓库管理员岗位职责") is None
    roles = _roles(tmp_path, "handbook.md", "\n".join([
        "# 员工手册", "", "## 考勤", "", "1. 上班前打卡。", "2. 请假须提前提交申请。", "", "### 旷工",
        "- 未经批准缺勤按旷工处理。", "- 旷工一天扣三日工资。", "", "## 报销",
        "", "### 出纳职责", "", "- 审核票据。", "- 按月付款。", "",
    ]))
    assert _counts(roles) == {"出纳": 2, "员工": 4}  # the cashier's list is its own, not the reader's


def test_a_paragraph_holding_numbered_lists_is_read_as_its_lines():
    text = ("本店诚聘。 ※任职要求： 1.高中以上学历。 2.有服务经验者优先。"
            " ※工作内容： 1.接待顾客。 2.整理货架。 3.盘点库存 欢迎投递")
    assert split_line(text) == ["本店诚聘。", "※任职要求：", "1.高中以上学历。", "2.有服务经验者优先。", "※工作内容：",
                                "1.接待顾客。", "2.整理货架。", "3.盘点库存 欢迎投递"]
    assert split_line("版本号 1. 2 与第3.1条") == ["版本号 1. 2 与第3.1条"]  # no run numbered 1, 2 with words


def test_a_job_posting_copied_as_one_paragraph_gives_the_post_its_inline_duty_list(tmp_path):
    roles = _roles(tmp_path, "posting.md", "\n".join([
        "---", "title: 某某家居ABC各门店储备店长", "company_name: 某某家居", "---", "",
        "我们是连锁家居品牌。 ※应征条件： 1.对家居有兴趣。 2.能配合轮调。 ※工作地点： 由公司安排。"
        " ※主要工作内容： 1.顾客管理(维持顾客关系)。 2.商品管理(陈列)。 3.人员管理(排班与培训)。",
    ]))
    assert _counts(roles) == {"储备店长": 3}


def test_a_job_posting_titled_by_its_post_gives_the_post_its_duty_list(tmp_path):
    assert posting_post("招募说明会报名抽奖！【门市通路】理财顾问 (有经验者尤佳，底薪三万)") == "理财顾问"
    assert posting_post("某某家居ABC各门店储备店长") == "储备店长" and posting_post("门店营业时间调整通知") is None
    roles = _roles(tmp_path, "posting.md", "\n".join([
        "---", "title: 某某家居ABC各门店储备店长", "company_name: 某某家居", "---", "",
        "我们是连锁家居品牌。", "", "※应征条件：", "", "1. 对家居有兴趣。", "2. 能配合轮调。", "",
        "※主要工作内容：", "", "1. 顾客管理(维持顾客关系)。", "2. 商品管理(陈列)。", "3. 人员管理(排班与培训)。",
    ]))
    assert _counts(roles) == {"储备店长": 3}  # the 应征条件 are requirements, not duties


def test_a_unit_that_an_article_says_is_responsible_owns_the_duty_lists_under_it(tmp_path):
    roles = _roles(tmp_path, "unit.txt", "\n".join([
        "某公司物业部管理规定", "第二章 部门职责与岗位职责",
        "第四条 物业部主要负责园区的维修、保洁和安全工作，具体如下：",
        "一、部门业务职责", "（一）负责园区设施维修。", "（二）负责保洁外包管理。",
        "二、部门安全职责", "（一）组织每月安全检查。", "（二）组织消防演练。", "（三）落实隐患整改。",
        "第五条 维修主管（园区、楼宇）", "（一）岗位职责", "分管园区", "1.安排园区维修。", "2.验收维修质量。",
        "分管楼宇", "1.巡查楼宇设施。", "（二）安全职责", "1.检查维修工具。",
    ]))
    assert _counts(roles) == {"物业部": 5, "维修主管": 4}  # the areas a label is split by are no roles
    assert "维修主管（园区、楼宇）" in roles["维修主管"].aliases


def test_a_charter_names_the_body_before_its_powers_binds_members_and_gives_meetings_their_duties(tmp_path):
    roles = _roles(tmp_path, "charter.txt", "\n".join([
        "某某协会章程", "第二章 會員", "第六條 會員應盡下列義務：", "一、遵守本會章程。", "二、按時繳納會費。",
        "第三章 組織", "第七條 本會最高權力機構為理事會，其職權包括：", "（一）制定及修改章程；", "（二）選舉會長；",
        "（三）決定重大事項。", "第八條 代表會議之職責", "一、審議年度報告。", "二、選舉監事。",
        "第四章 最高權力機關及各項會議", "第九條 各項會議由會長召集。",
    ]))
    assert _counts(roles) == {"會員": 2, "理事會": 3, "代表會議": 2}  # 各項會議 is many bodies, never one


def test_a_frame_drawn_round_text_is_no_table_and_does_not_nest_the_next_chapter_in_an_article(tmp_path):
    roles = _roles(tmp_path, "charter.html", "".join([
        "<html><body><p>第五章 监事会</p><p>第十条 监事会的职权包括：</p>",
        "<p>（一）监督财务；</p><p>（二）检查会议记录。</p>",
        "<table><tr><td>第六章 资产管理</td></tr><tr><td>第十一条 经费来源于会费。</td></tr></table></body></html>",
    ]))
    assert _counts(roles) == {"监事会": 2}


def test_an_article_setting_up_a_body_and_a_wrapped_charge_give_one_duty_each(tmp_path):
    roles = _roles(tmp_path, "association.txt", "\n".join([
        "某某同乡会章程", "第四章 组织机构",
        "第十条 本会设立青年发展委员会，为会员子女提供升学咨询服务。",
        "第十一条 本会设立筹备小组，由三名理事组成。",
        "第十二条 本会副会长协助会长开展工作。会长不能履行职务",
        "时，由副会长代理。",
        "第十三条 本会秘书长负责日常事务。", "", "各分会会长负责本分会事务。",
    ]))
    assert _counts(roles) == {"青年发展委员会": 1, "副会长": 1}  # 筹备小组 is only made up; 秘书长's article goes on


def test_list_items_that_open_with_a_unit_or_post_and_say_what_it_does_are_its_duties(tmp_path):
    roles = _roles(tmp_path, "units.txt", "\n".join([
        "某中心内部分工", "第三条 各部门分工如下：",
        "一、办公室：会议组织及档案管理由其负责。", "二、财务组：一名组长，负责报销审核。",
        "三、项目组由各部门骨干组成，具体如下：", "1.负责项目计划。", "2.负责进度跟踪。", "3.组织项目验收。",
        "四、资料室对外开放时间为工作日。",
    ]))
    assert _counts(roles) == {"办公室": 1, "财务组": 1, "项目组": 3}  # the reading room's hours say nothing it does


CARD = """<li><div class="jobname">{post}</div>
<div class="jobyq"><div>工作地点：本市</div><div>学历要求：大专以上</div></div>
<div><div>1、咨询客服</div><div>（1）接待来店客户。</div><div>（2）受理客户投诉。</div></div>
<div><div>2、信息管理</div><div>（1）整理客户档案。</div><div>（2）按时完成数据报表。</div>
<div>（3）每周书面汇报。</div></div></li>"""


def test_job_postings_laid_out_as_cards_give_each_post_all_its_areas_items(tmp_path):
    """A careers page: a list of cards, each a post's name, its facts (key：value) and its duties divided into
    areas of work. Each card is read as blocks, not one line, its name heads it, and every area's items are its."""
    page = "<html><body><h1>招聘岗位</h1><ul>" + "".join(CARD.format(post=p) for p in ("客服专员", "护士长")) + \
        "</ul><div>联系方式</div><div>咨询热线：400123</div></body></html>"
    assert _counts(_roles(tmp_path, "careers.html", page)) == {"客服专员": 5, "护士长": 5}


def test_a_post_over_its_facts_and_a_list_divided_by_area_owns_the_areas_items(tmp_path):
    text = "\n".join(["某物流公司招聘", "", "仓库保管员", "工作地点：本市", "薪资范围：面议", "1、入库",
                      "（1）核对到货数量。", "（2）登记入库单。",
                      "2、出库", "（1）按单发货。", "", "叉车司机", "工作经验：两年", "1、日常作业", "（1）装卸货物。",
                      "（2）保养叉车。"])
    assert _counts(_roles(tmp_path, "jobs.txt", text)) == {"仓库保管员": 3, "叉车司机": 2}


def test_a_heading_among_post_headings_names_a_post_whatever_its_words(tmp_path):
    """Clubs and offices name some posts by their function (總務, 公關暨美宣): standing among headings that name
    posts, shaped as they are (a short name over its own list), such a heading is a post too."""
    roles = _roles(tmp_path, "charter.md", "\n".join([
        "# 某某社組織章程", "", "## 第五條（幹部職責）", "", "### 一、社長", "- 主持社務會議。", "- 代表本社對外聯繫。",
        "",
        "### 二、副社長", "- 協助社長處理社務。", "", "### 三、總務", "- 管理財務收支。", "- 製作財務報表。", "",
        "### 四、公關暨美宣", "- 與外校聯絡。", "- 管理活動宣傳。", "- 製作海報。", "", "### 五、指導老師",
        "- 提供社務指導。", "", "### 六、器材長", "- 管理社團器材。", "",
    ]))
    assert _counts(roles) == {"社長": 2, "副社長": 1, "總務": 2, "公關暨美宣": 3, "指導老師": 1, "器材長": 1}


def test_headings_of_topics_beside_one_post_are_no_posts(tmp_path):
    roles = _roles(tmp_path, "rules.md", "\n".join([
        "# 某某公司行政制度", "", "## 一、考勤", "- 上班前打卡。", "- 请假须审批。", "", "## 二、报销", "- 按月报销。",
        "- 附上发票。", "", "## 三、出纳", "- 审核票据。", "- 按月付款。", "",
    ]))
    assert "考勤" not in roles and "报销" not in roles
    rules = _roles(tmp_path, "security.md", "\n".join([
        "# 保卫科岗位职责", "", "## 门卫岗位职责", "1. 负责大门出入登记。", "2. 负责收发信件。", "",
        "## 巡逻员岗位职责", "1. 负责厂区巡逻。", "2. 负责消防器材检查。", "", "## 值勤纪律", "1. 值班期间严禁饮酒。",
        "2. 值勤时应穿着制服。", "",
    ]))
    assert set(rules) == {"门卫", "巡逻员"}  # the rules for everyone on duty beside two posts are no post


def test_an_article_setting_up_a_body_over_the_list_it_handles_gives_the_body_that_list(tmp_path):
    roles = _roles(tmp_path, "rules.txt", "\n".join([
        "某校學生議會常務委員會組織規程", "", "第一條 常務委員會", "學生議會設常務委員會，處理以下事務：",
        "一、關於各種提案手續是否完備之審定。", "二、關於議案之合併及實質審查。", "三、關於議程之排定。",
        "第二條 召集委員", "常務委員會置召集委員一人，由學生議會議長擔任。",
        "第三條 會議主席", "常務委員會會議，由召集委員擔任主席。",
    ]))
    assert _counts(roles) == {"常務委員會": 3}  # the chair named in prose has no list of its own


def test_articles_numbered_with_spaces_and_captioned_in_brackets_give_the_captioned_post_its_list(tmp_path):
    """Bylaws written "第 7 條（執行秘書）" (spaces round the number, the caption in brackets), whose paragraph
    introduces the post's list ("執行秘書由會長任命，職掌如下：")."""
    roles = _roles(tmp_path, "bylaws.md", "\n".join([
        "# 某系學會組織細則", "", "## 第二章 幹部", "", "**第 7 條（執行秘書）**", "執行秘書由會長任命，職掌如下：", "",
        "1. 擔任會長之幕僚。", "2. 彙整各部門工作報告。", "", "**第 8 條（會址）**", "本會會址設於系辦公室。", "",
    ]))
    assert _counts(roles) == {"執行秘書": 2}


def test_a_bilingual_duty_section_headed_post_dash_label(tmp_path):
    """"结构部 - 岗位职责" (a dash between the post and its label) over a summary with its English translation
    wrapped at the page's width, then a numbered list, each item followed by its translation: the English
    sentence's last line is no heading over the list, and every item is the post's."""
    roles = _roles(tmp_path, "dept.md", "\n".join([
        "# 新员工带教", "", "## 结构部 - 岗位职责", "", "**概述**：完成产品结构设计与验证。",
        "Complete the mechanical design and verification of products, and improve", "product leadership.", "",
        "1. 完成结构设计，测试及验证。", "   Complete mechanical design, test and verification.",
        "2. 组织前瞻性技术研究。", "   Drive the pre-research of new mechanical technology.", "",
    ]))
    assert _counts(roles) == {"结构部": 2}


def test_a_list_of_posts_each_described_the_same_way_gives_each_post_its_description(tmp_path):
    roles = _roles(tmp_path, "team.md", "\n".join([
        "# 宣传部", "", "## 部门岗位", "",
        "- 摄影组长——负责活动现场拍摄与照片归档",
        "- 联络员——每位联络员对接一个兄弟部门，转达双方通知",
        "- 新媒体——运营部门公众号",  # a team's name, not a post: no role
        "", "## 部门职能", "",
        "- 活动宣传——策划全年活动的宣传方案", "- 物资管理——保管部门的相机与展板", "",
    ]))
    assert _counts(roles) == {"摄影组长": 1, "联络员": 1}
    assert roles["联络员"].duties[0].text.startswith("联络员——每位联络员对接")


@pytest.mark.parametrize(("title", "post"), [
    ("国泰世华银行行动财富顾问职缺", "行动财富顾问"),  # the organisation and the vacancy word around the post
    ("招聘仓库主管", "仓库主管"), ("某某超市诚聘收银员", "收银员"), ("某公司招聘", None),
])
def test_a_postings_title_names_its_post_without_the_vacancy_word(title, post):
    assert posting_post(title) == post
