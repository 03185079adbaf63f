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
