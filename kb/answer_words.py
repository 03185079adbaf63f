"""The Chinese words the answer checks and the follow-up resolver read (data, Simplified match form).

kb.answer.checks and kb.dialogue build their patterns from these lists; nothing here is a document's word.
Where one word holds another, the longer comes first (an alternation takes the first that matches).
"""
from __future__ import annotations

# what ends a sentence (a line break ends one too where lines are read as they are written)
SENTENCE_END = "。；;！!？?"

# ── modal words of a rule (kb.answer.checks.has_modal: a yes/no question is answered by one of them) ──
FORBIDDING = tuple("严禁 禁止 不得 不准 不许 不允许 不能 不可以 不可 不要 切勿 不宜 杜绝 不应".split())
NOT_NEEDED = tuple("不必 无需 无须 不需要 不用".split())
OBLIGING = tuple("必须 务必 一律 应当 应该 一定要 须 应 需要 需 要 负责".split())
PERMITTING = tuple("可以 允许 准许 方可 可".split())

# ── persons and posts (kb.answer.checks: a "who" question is answered by one) ──
PERSON_WORDS = tuple("主管 负责人 领导 经理 组长 班长 主任 科长 处长 站长 院长 校长 "
                     "专人 责任人 管理员 管理人员 美工".split())
# "由…审批": whoever a rule names before one of these verbs is the one responsible
RESPONSIBLE_VERBS = tuple("负责 审批 批准 处理 签字 决定 任命 聘任".split())
RESPONSIBLE_BY = "由"
MAX_RESPONSIBLE_CHARS = 10  # the name between 由 and its verb
CLAUSE_END = "，,。；;"  # …within one clause
# a short word ending in 员 is a post, unless the character before 员 makes it a group or a thing (人员, 成员, 会员)
STAFF_ENDING = "员"
NOT_STAFF_BEFORE = "人成职雇队会学"
# other endings of a short post name, unless the next character makes it a thing (师资 no, 工作 no: 长作, 师程)
POST_ENDINGS = tuple("师 长 助理 专员 司机".split())
NOT_POST_AFTER = "作程具"
MAX_POST_STEM_CHARS = 3  # characters before such an ending
# endings of the name of a post a duty question asks about (仓库主管 → 主管, 任课老师 → 师)
ROLE_ENDINGS = tuple("员 长 师 主任 经理 主管 司机 助理 专员 会计 出纳 干事 秘书 护士 警 保安 管".split())
# words between a duty question's post and its duty word ("…主任有哪些职责", "…主管的岗位职责")
DUTY_LEAD_IN = tuple("的 有 是 都 还 主要 具体 岗位 哪些 什么 些 要 需要 应该 该".split())
# character pairs every other job title has: sharing one of them says nothing about being the same post
GENERIC_POST_PAIRS = frozenset("管理 理员 人员 经理 主管 主任 助理 专员 负责 责人 工作 员工 老师 教师".split())

# ── follow-ups (kb.dialogue) ──
CONDITION_OPENERS = ("那么", "那")  # "那如果…呢"; every follow-up may open so
# what the user types after a question, before and after what changes: "那X呢", "还有X怎么样"
FOLLOW_UP_OPENERS = (*CONDITION_OPENERS, "还有", "那要是")
HOW_ABOUT = tuple("呢 怎么样 又如何 又怎样 如何".split())
# "如果…呢", "要是…怎么办": a condition added to the previous question
IF_WORDS = tuple("如果 要是 假如 若是 万一 若 如".split())
WHAT_THEN = tuple("呢 怎么办 该怎么办 怎么处理 咋办".split())
# words for the role the conversation is about
PRONOUNS = tuple("他们 她们 该岗位 这个岗位 此岗位 这个职位 该职位 这个角色 这位 他 她 ta TA".split())
# a question's subject ends before its first question word or modal verb
SUBJECT_QUESTION_WORDS = tuple("什么 哪些 哪个 哪里 怎么 怎样 如何 多少 多久 多长 几 谁 吗 呢".split())
SUBJECT_MODALS = tuple("要 需要 应该 应当 该 得 可以 能 必须 会 是否".split())
# words left at the end of a subject that belong to the question, not to what it is about
SUBJECT_TAILS = tuple("的岗位职责 的职责 岗位职责 职责 包括 包含 主要 平时 平常 每天 一般 "
                      "都 还 有 是 做 干 负责 的".split())
# "第三条是什么意思": users call a list item 条 as often as 项, so any of these counters names an item
ITEM_OPENERS = (*CONDITION_OPENERS, "还有")
ITEM_ORDINAL = "第"
ITEM_COUNTERS = tuple("条 项 点 款".split())
ITEM_NUMERALS = "0-9一二三四五六七八九十两"  # a character class
ITEM_ASKS = tuple("是什么意思 是啥意思 什么意思 指什么 具体指什么 怎么理解 具体是什么 说的是什么 "
                  "能解释一下吗 请解释一下 详细说说 具体说说 呢".split())
# what may close a typed question ("呢？！", "~")
QUESTION_END = "？?。！!～~"
QUESTION_MARKS = "？?"  # a condition runs up to one
TERMINAL = "？?。！!，,~～ "  # stripped from a question's end before it is rewritten
CLAUSE_BREAK = "，,。？?"  # a follow-up's changed part holds none
ITEM_END = "；;。，,、 "  # an item's closing punctuation, left out of the question about it

# ── questions (kb.query: which answer shape a question wants, and which of its words are its topic) ──
# The question's own words: never a focus of what is asked about.
QUESTION_WORDS = tuple(
    "什么 哪些 哪个 哪里 哪儿 哪 怎么 怎样 怎么办 如何 为什么 是否 有没有 多少 几 多久 多长 多长时间 谁 吗 呢 吧 啊 么 "
    "可以 能 能不能 可不可以 要不要 需不需要 需要 必须 应该 得 会 要 请问 请 一下 是 的 了 在 有 和 与 及 或 "
    "都 就 也 还 我 我们 你 你们 他 她 它 他们 这 那 这个 那个 一个 平常 平时 一般 主要 具体 时候 情况 啥 干".split())
# Question words the tagger may join with the words around them (干嘛, 由谁来, 哪些项目)
QUESTION_PARTS = tuple("什么 哪些 哪个 哪 谁 啥 嘛 怎么 怎样 多少 多久 几".split())
# Words every duty document is full of: they say which kind of passage is wanted, not which one.
GENERIC_WORDS = tuple(
    "岗位 职责 工作 工作职责 岗位职责 职能 内容 规定 制度 要求 事情 事 任务 负责 做 干 管 处理 方面 员工 "
    "人员 公司 单位 部门 上班 规范 流程 步骤 程序 办法 注意 注意事项 守则 哪些事 主要职责 分别 包括 包含 列 "
    "一共 共 条 项".split())
# Verbs that say nothing about the topic ("要怎么申请", "安排几次")
GENERIC_VERBS = tuple(
    "安排 进行 申请 提出 办理 使用 开始 发生 完成 参加 获得 知道 告诉 了解 属于 有关 相关 关于 应该 能够 还要 做好 "
    "管理 执行 遵守 提供 告知 需 计算 算 给 拿 找 用 去 来 到 想 看 说 问 叫".split())
ASKING_WHAT = tuple("什么 哪些 啥".split())
# a duty question: one of these words, or a doing verb asking what ("负责些什么", "干啥")
DUTY_WORDS = tuple("职责 职能 守则 干嘛 工作内容 工作是什么 工作有哪些 任务 分工 本职".split())
DUTY_VERBS = tuple("负责 做 干 管".split())
# the asker's own role: one of these words, or 我 before a modal ("我该…", "我可以…")
SELF_WORDS = tuple("我的 本岗位 我们岗位".split())
SELF_MODALS = tuple("该 要 应该 需要 得 可以 能 负责 是否 必须".split())
# "my duties": these phrases, or 我 + a modal + a doing verb asking what ("我该做些什么")
SELF_DUTY_PHRASES = tuple("我的岗位职责 我的岗位工作 我的职责 我的工作 我负责什么 我负责哪些".split())
SELF_DUTY_MODALS = tuple("该 要 应该 需要".split())
SELF_DUTY_VERBS = tuple("做 干".split())
SELF_DUTY_ASKS = tuple("什么 啥 哪些".split())
LIST_WORDS = tuple("哪些 哪几 分别 都有什么 都有哪 包括什么 包含什么 什么内容 几个方面 有什么要求 什么要求 "
                   "哪几项 几项 列出".split())
# words that ask how many items a list has: a list question, not a quantity one
LIST_COUNT_WORDS = tuple("几项 几个方面 哪几".split())
PROCEDURE_WORDS = tuple("怎么办 怎么处理 如何处理 怎么做 如何做 流程 步骤 程序 怎样处理 该怎么 要怎么 应急 "
                        "怎么应对 如何应对".split())
# a yes/no question: a modal followed, within a clause, by 吗 at the end; or one of the A-not-A words
YESNO_MODALS = tuple("可以 能 能够 允许 准 让 要 需要 必须 得 应该 应当 用 会 算 是".split())
YESNO_WORDS = tuple("能不能 可不可以 可否 是否 要不要 需不需要 需要不需要 用不用 让不让 准不准 允不允许 必不必须 "
                    "有没有规定".split())
YESNO_ENDINGS = "吗嘛"
# a yes/no question about being allowed, unless it asks about having to
PERMISSION_WORDS = tuple("可以 能 允许 准 让 可否 可不可以 能不能".split())
OBLIGATION_ASKS = tuple("要不要 需不需要 需要 必须 是否要".split())
WHO_WORDS = tuple("谁 哪个岗位 哪个部门 哪位 什么人 哪些人 由谁 找谁 向谁 哪个人 什么岗位 哪一级".split())
WHO_GROUP = "哪些人"  # asks who, though it holds a list word
# how many / how long / when: these words, or 几 before a counter
QUANTITY_WORDS = tuple("多少 多久 多长 多大 多远 多高 多重 几点 何时 什么时候 什么时间 哪天 比例 频率 多少钱 金额 "
                       "时限 期限".split())
QUANTITY_COUNTERS = "个次天日人名条点项小分周月年岁台间遍号级步层张份位成倍秒节通辆套"
