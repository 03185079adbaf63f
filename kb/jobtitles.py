"""What a job title is, and what a list label says about its items: the one place that knows (data).

A role in a duty document is a *job-title node* (a heading, an article title, a table cell beside a role
label, a sheet, a column header, a roster row, the title of a handbook addressed to one post) that owns one
or more labelled lists. The label names the kind of the list (岗位职责, 安全职责, 任职要求, 禁止行为) and is
never the role. Everything here works on the Simplified form of a text (`kb.normalize.to_simplified`), so
Traditional documents need no second list.
"""
from __future__ import annotations

import re
from enum import StrEnum

from kb import answer_words as vocab
from kb.normalize import to_simplified

# Endings of job titles: a post's name ends in one of these (longest first where one is a suffix of another).
JOB_TITLE_ENDINGS = (
    "负责人", "领导", "联络人", "协调人", "召集人", "经办人", "承办人", "责任人", "联系人", "主持人", "审核人",
    "审批人", "保管人", "监护人", "发言人", "管理员", "操作员", "服务员", "工程师", "班主任", "秘书长",
    "委员会",
    "经理", "主任", "主管", "总监", "总裁", "总经理", "董事", "理事", "监事", "主席", "书记", "干事", "干部", "专员",
    "助理", "秘书", "顾问", "会计", "出纳", "司机", "技工", "领班", "护士", "医生", "医师", "药师", "教师", "老师",
    "讲师", "导师", "教授", "教练", "门卫", "保安", "保洁", "厨师", "主厨", "师傅", "店长", "收银", "编辑", "记者",
    "代表", "志工", "义工", "志愿者", "维护者", "贡献者", "管理者", "委员", "组长", "班长", "队长", "部长", "科长",
    "处长", "院长", "校长", "站长", "所长", "馆长", "台长", "股长", "厂长", "馆员", "人员", "员", "长", "师", "岗",
    "工", "官", "组", "队", "管家", "业主", "者",
)
# Whole names that end like a job title but are not posts (a 人员 of no post, members of a body in general).
NOT_JOB_TITLES = frozenset({
    "工作人员", "有关人员", "相关人员", "全体人员", "其他人员", "人员", "管理人员", "全体员工", "员工", "职工", "会员",
    "成员", "学员", "学生", "家长", "客户", "顾客", "病人", "患者", "用户", "业主大会", "各组", "小组", "工作组",
    "本组", "全组", "班组", "岗", "本岗", "各岗", "上岗", "在岗", "到岗", "离岗", "定岗", "顶岗", "专人",
    "或者", "前者", "后者", "再者", "使用者", "参与者", "申请者", "用户者",
    # leadership in general, not a post (由公司领导审定)
    "领导", "公司领导", "上级领导", "有关领导", "相关领导", "各级领导", "单位领导", "部门领导",
})
# Members of a body: no post, but an article binding them to a list of obligations (会员履行下列义务) gives them duties.
MEMBERS = frozenset({"会员", "成员", "个人会员", "单位会员", "团体会员", "正式会员", "会员代表"})
# Words before a job-title ending that make the whole a thing, not a post (安全工作, 考勤员工).
THING_ENDINGS = ("工作", "员工", "工程", "工具", "工序", "工资", "师资", "长期", "专长", "增长", "成员",
                 # acts of work, not workers (旷工 is absence, 施工 building)
                 "旷工", "怠工", "罢工", "停工", "复工", "开工", "完工", "竣工", "施工", "加工", "返工", "误工", "务工",
                 "分工")
# Organisational units: a department can own a duty list (某部职责), but a name ending so is no person's post.
UNIT_ENDINGS = ("部", "部门", "中心", "科", "处", "室", "办公室", "委员会", "小组", "组", "队", "站", "所", "馆", "院",
                "理事会", "监事会", "董事会", "工会", "学生会",
                "会议", "大会")  # a standing meeting is a body with powers of its own (代表会议, 会员大会)
# Quantifiers that make a name many bodies, never one (各项会议, 各级委员会)
EACH_KIND = ("各项", "各级", "各类", "各种", "各个")
# Words for units in general, and openings that make a unit general (各部门, 相关科室): no particular unit.
GENERAL_UNITS = frozenset({"部门", "科室", "处室", "单位", "小组", "中心", "机构", "下属部门", "职能部门", "业务部门"})
GENERAL_UNIT_PREFIXES = ("各", "相关", "有关", "其他", "其它", "所在", "上级", "下级", "该")
# A post named by its kind with the post in brackets: 客服支持岗（配送员）, 营业员（政务专窗班长）.
# Words before a post that make it another post (副会长 is not 会长, 首席工程师 not 工程师): a question naming the
# longer post asks nothing of the shorter one's duties. Not 总: it ranks the title word inside a post (总经理助理 is
# the 经理助理 of the 总经理, the same post as the 助理 the documents name).
RANK_PREFIXES = ("副", "执行", "常务", "首席", "高级", "资深", "初级", "中级", "代理", "名誉", "荣誉")
QUALIFIED_BASES = ("岗", "岗位", "员", "人员", "类")
MIN_TITLE_CHARS = 2
MAX_TITLE_CHARS = 12
TITLE_PUNCT = re.compile(r"[，,。；;：:、！!？?\s“”\"《》]")
QUALIFIER = re.compile(r"^(?P<name>[^（(]+)[（(](?P<alt>[^）)]{2,40})[)）]$")
QUALIFIER_LIST = re.compile(r"[、,，/／]")
OWN_PREFIX = re.compile(r"^本[\u4e00-\u9fff]{0,2}?(?:会|會|公司|中心|部|院|校|局|所|处|處|室|单位|單位|社|队|隊|组|組)")
UNIT_SEPARATOR = re.compile(r"([-－—–·・])")
UNIT_POST_PARTS = 3
# A post with its grades: 初级工程师 I～III, 研究员（一至三级）
GRADE = r"[IVX]+|[一二三四五六七八九\d]+"
GRADES = re.compile(rf"\s*(?:{GRADE})\s*[～~\-–—至到]\s*(?:{GRADE})\s*级?$")
# Statements in a duties-and-rights list that grant, not oblige (可以…, 有权…): rights, not duties
PERMISSION = re.compile(r"^(?:可以|可|有权|享有|能够|允许)")
# A heading followed by its English translation: 职责 Responsibilities, 值周工程师 / Oncall Engineer
TRAILING_TRANSLATION = re.compile(r"^(?P<name>.*[\u4e00-\u9fff][:：]?)\s*[/／|｜]?\s*[A-Za-z][A-Za-z .&/'\-]*[:：]?$")
# A post followed by its English name: 贡献者 Contributor, 维护者（Maintainer）
BILINGUAL_NAME = re.compile(r"^(?P<name>.*[\u4e00-\u9fff])\s+(?P<latin>[A-Za-z][A-Za-z .&/\-]{1,40})$")
# Joined labels (责任与权利, 岗位职责及任职资格): a label that names duties among others holds duties
LABEL_JOINS = re.compile(r"[与和及、&/]")
ALTERNATIVES = re.compile(r"[/／、]")


class ListKind(StrEnum):
    """What a labelled list holds for the role that owns it."""

    DUTIES = "duties"              # 岗位职责, 工作职责, 安全职责, 工作内容, 职掌 — what the role must do
    REQUIREMENTS = "requirements"  # 任职要求, 任职资格 — what the holder must have
    PROHIBITIONS = "prohibitions"  # 禁止行为, 禁止事项
    AUTHORITY = "authority"        # 工作权限, 岗位权限, 权利
    MEASURES = "measures"          # 考核指标, 绩效
    RELATIONS = "relations"        # 直接上级, 汇报对象, 工作关系


# Label words by kind, Simplified; a label is one of these, optionally with a qualifier before it (安全职责,
# 主要工作内容) and 描述/内容/如下 after it.
LABEL_WORDS: dict[ListKind, tuple[str, ...]] = {
    ListKind.DUTIES: ("岗位职责", "工作职责", "主要职责", "具体职责", "基本职责", "职责", "职掌", "执掌", "工作内容",
                      "业务内容", "业务范围", "掌理事项",
                      "主要工作", "工作任务", "主要任务", "职责范围", "工作范围", "职责描述", "岗位说明",
                      "工作守则", "责任", "任务", "分工"),
    ListKind.REQUIREMENTS: ("任职要求", "任职资格", "任职条件", "岗位要求", "资格要求", "资格条件", "素质要求",
                            "能力要求", "学历要求", "要求"),
    ListKind.PROHIBITIONS: ("禁止行为", "禁止事项", "禁止", "严禁", "不得"),
    ListKind.AUTHORITY: ("工作权限", "岗位权限", "权限", "权利", "权力", "职权"),
    ListKind.MEASURES: ("考核指标", "绩效指标", "考核标准", "考核"),
    ListKind.RELATIONS: ("直接上级", "直接下级", "汇报对象", "工作关系", "上级", "下级"),
}
LABEL_QUALIFIER_MAX_CHARS = 6  # 安全生产职责, 质量管理职责: a short qualifier before the label word
LABEL_TAIL = re.compile(r"(?:描述|内容|说明|如下|包括|是)?(?:[（(][^）)]{1,10}[)）])?[:：]?$")
LABEL_NOTE = re.compile(r"[（(][^）)]{1,10}[)）][:：]?$")  # 工作内容（分组）: a note after the label
# Keys of a role card's cells: the cell beside one of these names the post / its department.
ROLE_NAME_KEYS = frozenset({"岗位名称", "职位名称", "岗位", "职位", "职务", "职务名称", "职称", "岗位名", "职别",
                            "岗位/职务", "工种", "担任职务", "职司", "角色", "角色名称"})
DEPARTMENT_KEYS = frozenset({"所属部门", "部门", "所在部门", "部门名称", "单位", "所属单位"})
# Column headers naming units (组别 | 负责人 | 工作项目): with no post column, each unit is the role of its row.
UNIT_NAME_KEYS = frozenset({"组别", "组名", "小组", "组", "部门", "部门名称", "科室", "处室", "单位", "单位名称",
                            "部别"})
# Column headers of a duty column (a role table, a roster, a card's duty block header).
DUTY_COLUMN = re.compile(r"职责|职掌|执掌|工作内容|工作任务|主要任务|负责|工作事项|掌理事项|业务内容|业务范围|工作项目|"
                         r"分工|承办|^业务$")
# Columns that describe each row (角色 | 说明): a duty column when most of their cells say what the row's post does.
DESCRIPTION_KEYS = frozenset({"说明", "描述", "简介", "介绍", "内容", "角色说明", "角色描述", "职能"})
# Headers of a card's duty block that say only "what" (序号 | 主要内容 | 重要性 under a 岗位职责 label).
DUTY_BLOCK_HEADERS = frozenset({"主要内容", "内容", "工作描述", "描述", "事项", "具体内容"})
# Columns that number or weigh a card's duty rows, not duties themselves.
NUMBER_COLUMN = re.compile(r"^(序号|编号|序|no\.?|#|步骤|职责序号|条目|项次|次序)$", re.I)
WEIGHT_COLUMN = re.compile(r"^(重要性|重要程度|权重|比重|占比|频次|频率|工作频率|时间占比|考核标准|绩效标准)$")
# Words that mark a document addressed to one post: 组长手册, 新员工须知, 值班人员守则, 助理交接事项 (a handover
# tells the next holder of the post what to do), 员工行为规范 (a code of conduct binds the post it names); a count
# may follow (员工守则二十条, 行为规范十条例).
ADDRESSED_DOCUMENT = re.compile(r"的?(?:岗位|工作|行为)?(手册|须知|守则|指南|指引|规范|规程|职责|说明书|"
                                r"交接事项|交接清单|交接)(?:[一二三四五六七八九十百两\d]+条例?)?$")
# Documents written for their reader (a handbook, a handover): "you" are the post the title names, whatever other
# posts the document gives duties to; a title ending in 职责/说明书 names a post only when nothing else does.
READER_DOCUMENTS = frozenset({"手册", "须知", "守则", "指南", "指引", "交接事项", "交接清单", "交接"})
# A posting's title around its post: a note in brackets after it, and what its parts are split by (a campaign
# before it: 报名抽奖！【国内通路】储备干部).
TITLE_NOTE = re.compile(r"[（(][^（）()]*[)）]?$")
TITLE_SEGMENTS = re.compile(r"[【】\[\]！!，,|｜]")
# Words a job posting's title puts before or after the post it offers (招聘仓库主管, 行动财富顾问职缺), longest first.
VACANCY_WORDS = ("招聘启事", "职位空缺", "岗位招聘", "高薪诚聘", "职缺", "招聘", "诚聘", "急聘", "招募", "热招")
# Places a post is repeated in (各店铺储备店长: the 储备店长 of each store), longest first.
EACH = "各"
PLACES = ("分公司", "营业部", "项目部", "店铺", "门店", "分店", "分行", "支行", "网点", "分院", "校区", "地区", "区域",
          "部门", "单位", "科室", "项目", "工地", "班组", "站点", "店")
# General words for staff are no post, but a handbook addressed to them makes its reader the role (员工手册).
ADDRESSEES = frozenset({"员工", "职工", "新员工", "新进员工", "新人", "志工", "义工", "志愿者", "实习生", "成员"})
# Where an organisation's name ends, in a title before the post it addresses (某某公司组长手册 → 组长).
ORGANISATION_ENDINGS = re.compile(r".*(?:公司|集团|医院|学校|大学|学院|协会|学会|中心|社区|银行|酒店|饭店|事务所|"
                                  r"委员会|[^\u4e00-\u9fff])")
# How a paragraph that says what a unit or post does opens (负责…, 协助…, 策划并执行…): a duty, not a description.
DUTY_OPENINGS = ("负责", "主要负责", "全面负责", "承担", "协助", "协调", "主持", "主管", "掌理", "综理", "统筹", "办理",
                 "处理", "管理", "策划", "执行", "组织", "督导", "监督", "指导", "推动", "规划", "辅导", "维护", "联系",
                 "联络", "接待")
# A rule naming who does it inside the sentence: 每日下班前由值班人员检查门窗
RULE_AGENT = re.compile(r"由(?![于此衷来])(?P<name>[\u4e00-\u9fff]{2,10})")
# …or as the subject of a clause after a condition: 如来访者携带车辆，门卫要登记车牌号
CLAUSE_AGENT = re.compile(r"[，,；;](?P<name>[\u4e00-\u9fff]{2,10}?)(?:要|应当|应|须|必须|负责)")
TITLE_EDITION = re.compile(r"[\s\d()（）年版修订第稿]*$")  # 员工手册2018, 员工手册（2020年修订版）
CJK = re.compile(r"[\u4e00-\u9fff]")
WHITESPACE = re.compile(r"\s+")
POST_FIELD = re.compile(r"^(?P<key>[^:：\s]{2,6})\s*[:：]\s*(?P<value>[^\s\u3000:：|｜]{1,20})(?:[\s\u3000|｜].*)?$")
LATIN_LETTER = re.compile(r"[A-Za-z]")
TRANSLATION_MIN_LETTERS = 8  # a line with no CJK and at least this many letters is a translation, not a duty


def plain(text: str) -> str:
    """Simplified, without any whitespace (a label cell wrapped as "岗位禁止\n行为" is 岗位禁止行为)."""
    return WHITESPACE.sub("", to_simplified(text))


def post_field(line: str) -> str | None:
    """The post a field line names: "岗位名称：校长　岗位代码：…" → 校长 (a card's header written as text)."""
    m = POST_FIELD.match(line.strip())
    if m is None or plain(m.group("key")) not in ROLE_NAME_KEYS:
        return None
    value = m.group("value").strip()
    return value if value and not TITLE_PUNCT.search(value) and len(value) <= MAX_TITLE_CHARS else None


def split_qualifier(name: str) -> tuple[str, list[str]]:
    """A post with bracketed other forms keeps them all: 安全岗（安全员） → (安全岗, [安全员]);
    稽查员（安全稽查员、安全管理员） → (稽查员, [安全稽查员, 安全管理员])."""
    graded = GRADES.search(name.strip())
    if graded and graded.start() > 0:
        return split_qualifier(name.strip()[: graded.start()])
    bilingual = BILINGUAL_NAME.match(name.strip())
    if bilingual:
        base, alternatives = split_qualifier(bilingual.group("name"))
        return base, [*alternatives, bilingual.group("latin").strip()]
    m = QUALIFIER.match(name.strip())
    if m is None:
        return name.strip(), []
    alternatives = [a.strip() for a in QUALIFIER_LIST.split(m.group("alt")) if a.strip()]
    return m.group("name").strip(), alternatives


def owner_and_post(name: str) -> tuple[str | None, str]:
    """A post written with its owner: 活動部-活動組長 → (活動部, 活動組長); 本會會長 → (None, 會長) — "this
    association's" is no part of the post."""
    text = name.strip()
    own = OWN_PREFIX.match(text)
    if own and (is_job_title(text[own.end():]) or is_member(text[own.end():])):
        return None, text[own.end():]
    parts = UNIT_SEPARATOR.split(text, maxsplit=1)
    if len(parts) == UNIT_POST_PARTS:  # unit, the separator (kept by the split's group), post
        unit, post = parts[0].strip(), parts[2].strip()
        if is_unit(unit) and is_job_title(post, units=True):
            return unit, post
    return None, text


def title_ending(name: str) -> str:
    """The job-title ending a name has (仓库主管 → 主管), or ''."""
    simple = plain(name)
    return next((e for e in JOB_TITLE_ENDINGS if simple.endswith(e)), "")


def is_member(name: str) -> bool:
    """Members of a body (会员): bound by obligations, though no post."""
    return plain(name) in MEMBERS


def is_unit(name: str) -> bool:
    """An organisational unit (财务部, 保卫科, 安全委员会): it may own duties, but it is no person's post."""
    return plain(name).endswith(UNIT_ENDINGS)


def is_job_title(name: str, units: bool = False) -> bool:
    """Whether a short text names a post (or, with `units`, a unit that can own duties): 2–12 characters, no
    sentence punctuation, a job-title ending, and not a general word for people or a thing (工作人员, 安全工作)."""
    base, alternatives = split_qualifier(name)
    alternatives = [a for a in alternatives if CJK.search(a)]  # an English name is taken as given
    if alternatives and all(is_job_title(alt, units) for alt in alternatives) \
            and (is_job_title(base, True) or base.endswith(QUALIFIED_BASES)):
        return True
    simple = plain(base)
    if not MIN_TITLE_CHARS <= len(simple) <= MAX_TITLE_CHARS or TITLE_PUNCT.search(simple):
        return False
    if not CJK.search(simple) or simple in NOT_JOB_TITLES or label_kind(simple) is not None:
        return False
    if simple.endswith(THING_ENDINGS):
        return False
    if is_unit(simple):
        return units and not any(word in simple for word in EACH_KIND)
    return bool(title_ending(simple))


def label_kind(text: str) -> ListKind | None:
    """The kind of list a label heads (岗位职责 → duties, 安全职责 → duties, 任职资格 → requirements), or None.

    A label is the label word alone or after a short qualifier: "安全职责" is a label, "保安员职责" is a
    role heading (its qualifier is a job title), "交通协管员可以…承担以下工作" is a sentence."""
    whole = LABEL_NOTE.sub("", plain(without_translation(text))).rstrip(":：")
    for simple in dict.fromkeys([whole, LABEL_TAIL.sub("", whole)]):  # 工作内容 is a label; so is 职责描述's 职责
        parts = [p for p in LABEL_JOINS.split(simple) if p]
        kinds = [_single_label_kind(p) for p in parts]
        if len(parts) > 1 and all(kinds):
            return ListKind.DUTIES if ListKind.DUTIES in kinds else kinds[0]
        kind = _single_label_kind(simple)
        if kind is not None:
            return kind
    return None


def _single_label_kind(simple: str) -> ListKind | None:
    for kind, words in LABEL_WORDS.items():
        for word in words:
            if not simple.endswith(word):
                continue
            qualifier = simple[: -len(word)].rstrip("的")
            if len(qualifier) > LABEL_QUALIFIER_MAX_CHARS or TITLE_PUNCT.search(qualifier):
                return None
            if qualifier and (title_ending(qualifier) or names_unit(qualifier)) \
                    and not qualifier.endswith(THING_ENDINGS):
                return None  # 保安员职责 names its post, 保健科主要工作 its unit
            return kind
    return None


def names_unit(text: str) -> bool:
    """A particular unit (保健科, 秘书处), not the word for units in general (部门, 本部门, 各科室)."""
    simple = plain(text)
    return is_unit(simple) and len(simple) >= MIN_TITLE_CHARS and simple not in GENERAL_UNITS \
        and not OWN_PREFIX.match(simple) and not simple.startswith(GENERAL_UNIT_PREFIXES)


def label_owner(text: str) -> str | None:
    """The post or unit a heading names before a duty label (保健科主要工作 → 保健科, 值班员工作内容 → 值班员)."""
    whole = LABEL_NOTE.sub("", plain(text)).rstrip(":：")
    duty_words = sorted(LABEL_WORDS[ListKind.DUTIES], key=len, reverse=True)
    for stem in dict.fromkeys([whole, LABEL_TAIL.sub("", whole)]):
        word = next((w for w in duty_words if stem.endswith(w) and len(stem) > len(w)), None)
        if word is None:
            continue
        owner = stem[: -len(word)].rstrip("的")
        if owner.endswith(THING_ENDINGS) or label_kind(owner) is not None:
            return None
        return owner if is_job_title(owner) or names_unit(owner) else None
    return None


def another_rank(text: str, start: int) -> bool:
    """Whether the post named at `start` of `text` (match form) follows a rank word that makes it another post
    (执行副会长 names no 副会长)."""
    return text[:start].endswith(RANK_PREFIXES)


def opens_with_duty(text: str) -> bool:
    """A paragraph that says what its unit or post does: 负责文电、会务… / 策划并执行全校性活动 (after an optional
    "本部门/本处" subject)."""
    simple = OWN_PREFIX.sub("", plain(text))
    return simple.startswith(DUTY_OPENINGS)


def is_permission(text: str) -> bool:
    """A statement that grants rather than obliges (可以通过 /lgtm 打开PR): a right, even in a list of duties."""
    return bool(PERMISSION.match(plain(text)))


def is_translation(text: str) -> bool:
    """A line that repeats the one before it in another language (no CJK, mostly letters): counted once."""
    return not CJK.search(text) and len(LATIN_LETTER.findall(text)) >= TRANSLATION_MIN_LETTERS


def without_translation(text: str) -> str:
    """A heading without the English translation after it: 职责 Responsibilities → 职责; 值周工程师 / Oncall →
    值周工程师."""
    m = TRAILING_TRANSLATION.match(text.strip())
    return m.group("name") if m else text.strip()


def addressed_title(title: str) -> str | None:
    """The post a document is addressed to, from its title: 组长手册 → 组长, 新进员工须知 → None (员工 is no post);
    a title that is a post's name (值周工程师 / Oncall Engineer) is addressed to that post."""
    simple = TITLE_EDITION.sub("", plain(without_translation(title)))
    m = ADDRESSED_DOCUMENT.search(simple)
    if not m:
        return simple if is_job_title(simple) and _without_vacancy_word(simple) == simple else posting_post(simple)
    head = simple[: m.start()].rstrip("的")
    org = ORGANISATION_ENDINGS.match(head)
    head = head[org.end():] if org else head
    for start in range(len(head)):
        candidate = head[start:]
        if candidate in ADDRESSEES or is_job_title(candidate):
            return candidate
    return None


def posting_post(title: str) -> str | None:
    """The post a job posting's title offers, after what decorates it: a campaign before it (…！【国内通路】),
    a note after it (（经验者尤佳）), the word saying it is a vacancy (招聘, 职缺), the organisation (某公司, NITORI:
    the post, not the organisation's post, is the name) and the places it is in (各店铺)."""
    simple = plain(title)
    note = TITLE_NOTE.search(simple)
    if note and note.start() > 0 and not is_job_title(simple):
        simple = simple[:note.start()]
    for segment in reversed([s for s in TITLE_SEGMENTS.split(simple) if s]):
        segment = _without_vacancy_word(segment)
        org = ORGANISATION_ENDINGS.match(segment)
        for candidate in (segment[org.end():] if org else segment, segment):
            candidate = _without_place(candidate)
            if is_job_title(candidate):
                return candidate
    return None


def _without_vacancy_word(name: str) -> str:
    """A posting's title without the word saying it is one: 招聘仓库主管 → 仓库主管, 财富顾问职缺 → 财富顾问."""
    for word in VACANCY_WORDS:
        at = name.find(word)
        if at >= 0:
            return name[at + len(word):] or name[:at]
    return name


def _without_place(name: str) -> str:
    """A post named with the places it is in: 各店铺储备店长 → 储备店长 (the same post in each store)."""
    if not name.startswith(EACH):
        return name
    rest = name[len(EACH):]
    place = next((p for p in PLACES if rest.startswith(p)), "")
    return rest[len(place):].lstrip("的") if place else name


def reader_post(title: str) -> str | None:
    """The post a document written for its reader is addressed to (组长手册 → 组长, 员工手册 → 员工), or None for
    any other title (岗位职责, 说明书: those name a post only when the document has no role of its own)."""
    m = ADDRESSED_DOCUMENT.search(TITLE_EDITION.sub("", plain(without_translation(title))))
    return addressed_title(title) if m and m.group(1) in READER_DOCUMENTS else None


def rule_agent(text: str) -> str | None:
    """The post a rule names as its doer: 每日下班前由值班人员检查门窗 → 值班人员; 如遇火情，值班人员要报警 →
    值班人员."""
    for m in RULE_AGENT.finditer(plain(text)):
        name = m.group("name")
        for end in range(MIN_TITLE_CHARS, len(name) + 1):  # the shortest post the words after 由 start with
            # …unless the next character makes its last one part of a thing (由公司另行安排的工作: no 的工)
            if is_job_title(name[:end]) and name[end:end + 1] not in vocab.NOT_POST_AFTER:
                return name[:end]
    return next((m.group("name") for m in CLAUSE_AGENT.finditer(plain(text)) if is_job_title(m.group("name"))), None)
