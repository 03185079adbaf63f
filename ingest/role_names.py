"""Role names: the post a heading names, a name cleaned of what separates it from a label after it, its other
names (a bracketed alias, both scripts), and whether a heading's words name a post.
"""
from __future__ import annotations

import re

from ingest.structure import Section
from kb.jobtitles import CJK, is_job_title, label_kind, label_owner, plain, split_qualifier
from kb.normalize import to_simplified, to_traditional
from kb.outline import strip_marker_text
from kb.tokenize import stock_tagged_words

ROLE_SUFFIX = (
    r"(?:崗位工作職責|岗位工作职责|崗位職責|岗位职责|工作職責|工作职责|工作守則|工作守则|"
    r"主要職責|主要职责|崗位說明書|岗位说明书|工作職掌|工作职掌|職責|职责|職掌|职掌)"
)
TRAILING_NOTE = r"(?:[（(][^）)]{1,20}[)）])?"
POST_SUFFIX = re.compile(r"岗位(?:工作)?职责|岗位说明书|岗位职掌")
ROLE_HEADING = re.compile(rf"^(?P<name>.+?)的?{ROLE_SUFFIX}(?:是|為|为|如下)?{TRAILING_NOTE}[:：]?$")
MENTIONS_DUTIES = re.compile(r"職責|职责|守則|守则")
QUESTION_WORDS = re.compile(r"什麼|什么|哪些|如何|怎麼|怎么|是否|嗎|吗|各要|各自|相關|相关|[?？]")
ORG_PREFIX = re.compile(r"^(?P<org>.{2,10}?(?:銀行|银行|公司|集團|集团|中心|部門|部门|營業部|营业部))(?P<role>.{2,})$")
GENERIC_NAMES = frozenset(
    {"工作", "岗位", "崗位", "主要", "基本", "部门", "部門", "相关", "相關", "本职", "本職", "人员", "人員",
     "各岗位", "各崗位", "各部门", "各部門", "部门岗位", "管理人员"})
# Simplified forms, matched on to_simplified(text)
# An institution named only in general (各部门, 相关单位, 本公司): no one's duties; 财务部门 is a unit that has some
INSTITUTION = re.compile(r"^(?:各|各级|相关|有关|其他|其它|所在|本|该|上级|下级)?"
                         r"(?:机构|单位|部门|机关|政府|组织|企业|公司|医院|学校|委员会办公室)$")
MAX_ROLE_NAME_CHARS = 12
NOUN_FLAG = "n"  # jieba's part-of-speech flags of nouns start so (n, nt, nz …; vn is a verb used as a noun)
CAPTION = re.compile(r"^[（(【]([^（）()【】]{1,30})[）)】]$")  # a heading wholly in brackets is a caption


def clean_name(name: str) -> str:
    """A name without what separates it from a label after it (结构部 - 岗位职责, 保安员—职责, 会计｜职责)."""
    return name.strip(" :：,，、的\u3000-－—–·|｜")


def split_alias(name: str) -> tuple[str, list[str]]:
    """主班护士（办公室护士） → (主班护士, [办公室护士, 主班护士（办公室护士）]): the post, its other names, and
    the name as written; a note that names no post (初级工程师 I～III) leaves the post's name."""
    base, alternatives = split_qualifier(name)
    base = clean_name(base)
    if not base or base == name.strip():
        return name, []
    posts = [a for a in alternatives if is_job_title(a) or not CJK.search(a)]  # an English name is another name
    return base, [*posts, name.strip()]


def role_name_from_heading(heading: str) -> tuple[str, str | None] | None:
    """(role name, department) when the heading names a single role, else None."""
    m = ROLE_HEADING.match(heading.strip())
    owner = None if m else label_owner(heading)
    if not m and owner is None:
        return None
    name = clean_name(m.group("name")) if m else original_form(heading, owner or "")
    if not name or name in GENERIC_NAMES or QUESTION_WORDS.search(name) or INSTITUTION.search(to_simplified(name)):
        return None
    says_post = POST_SUFFIX.search(to_simplified(heading.strip()))  # "X岗位职责" says that X is a post
    if not says_post and not is_job_title(split_alias(name)[0], units=True):
        return None  # a label's qualifier (安全职责, 部门业务职责) is a kind of duties, never the role
    if label_kind(name) is not None or MENTIONS_DUTIES.search(name):
        return None  # 客户服务部岗位职责与安全(职责): a heading about duties, not a post's name
    department = None
    org = ORG_PREFIX.match(name)
    if org:
        department, name = org.group("org"), clean_name(org.group("role"))
    if len(split_alias(name)[0]) > MAX_ROLE_NAME_CHARS or len(name) < 2:
        return None
    return name, department


def original_form(heading: str, simplified: str) -> str:
    """The words of `heading` that `simplified` (its Simplified form, spaces removed) stands for, as written."""
    text = heading.strip()
    for start in range(len(text)):
        for end in range(len(text), start, -1):
            if plain(text[start:end]) == simplified:
                return text[start:end].strip()
    return simplified


def aliases_for(name: str, extra: list[str] | None = None) -> list[str]:
    forms: list[str] = []
    for base in [name, *(extra or [])]:
        for form in (base, to_simplified(base), to_traditional(base)):
            if form and form != name and form not in forms:
                forms.append(form)
    return forms


def heading_name(node: Section) -> str:
    """A heading's text without its marker; an article's caption without the brackets it is set in (第5條（會長）)."""
    text = strip_marker_text(node.heading).strip()
    caption = CAPTION.match(text)
    return caption.group(1).strip() if caption else text


def is_name_heading(text: str, units: bool = True) -> bool:
    return is_job_title(text.rstrip(":："), units) and to_simplified(text) not in GENERIC_NAMES


def ends_in_noun(name: str) -> bool:
    """A name ends in a noun (總務, 公關暨美宣), not in a verb or pronoun (加入我們, 考勤, 關於我們)."""
    tagged = stock_tagged_words(to_simplified(name))
    return bool(tagged) and tagged[-1][1].startswith(NOUN_FLAG)
