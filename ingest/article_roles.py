"""Roles that articles and rules name: a subject an article gives a list of work, powers or obligations, a post or
body an article charges or sets up, a chapter of obligations article by article, and the doer rules name.
"""
from __future__ import annotations

import re
from collections import Counter

from ingest.duty_lists import duties_of, list_items
from ingest.role_names import MAX_ROLE_NAME_CHARS, clean_name, heading_name, original_form
from ingest.role_spans import RoleSpan, make_role
from ingest.structure import SECTION_KINDS, Section
from kb import answer_words as vocab
from kb.jobtitles import is_job_title, is_member, opens_with_duty, owner_and_post, plain, rule_agent
from kb.normalize import to_simplified
from kb.records import DutyItem

# Simplified forms, matched on to_simplified(text)
ARTICLE_DUTIES = re.compile(
    r"(?:承担|履行|负责|做好|从事|行使|尽)(?:以下|下列|如下)(?:工作|职责|职权|义务|事项|任务)|(?:职责|职权|义务)(?:是|为|如下|包括)"
    r"|^[^，。；]{2,16}?(?:职责|职权|义务)(?:[:：]|$)")
ARTICLE_LABEL = re.compile(r"^(?P<owner>[^，。；,]{2,16}?)[的之]?(?:职责|职权|义务)(?:包括|如下|是|为|有)?[:：]?$")
# "…为理事会，其职权包括：": the powers are those of the body the clause before 其 ends with
ANTECEDENT = re.compile(r"(?:^|[为是])(?P<before>[^，。；,为是]{2,16})[，,]其(?:主要)?(?:职责|职权|义务|任务)")
SUBJECT_END = re.compile(r"在|可以|应当|应|须|必须|(?:主要|全面|具体)负责|(?<![主重需必只])要(?![求点素])|承担|履行|"
                         r"行使|负责|协助|执行|按照|依照|依法|对|由|有|，|,|、|——|不得")
OBLIGATION = re.compile(r"应当|有义务|必须|须|不得")
RIGHTS = re.compile(r"权利|享有")
OBLIGATIONS_HEADING = re.compile(r"义务|职责")
ARTICLE_KINDS = frozenset({"tiao", "kuan"})
SET_UP = re.compile(r"(?:设立|设置|成立|设(?![计备施想法定有]))(?P<name>[^，。；,、\s]{2,16}?)(?=[，。；,])")
PARA_ENDS = ("。", "；", ";", "！", "？", "!", "?")  # an article's first line ending so was not wrapped by the page
CLAUSES = re.compile(r"[，。；,;]")
SERVES = re.compile(r"^为[^。；]{1,40}?(?:提供|服务)")  # 为会员提供咨询服务: what a body is set up to do
POST_SET_UP = re.compile(
    r"(?:设立|设置|配备|配置)(?:专职|兼职|专门的|专门)?(?P<name>[\u4e00-\u9fff]{1,6}?(?:员|长|师))")
MIN_AGENT_RULES = 2  # a post named as the doer of one rule only is a mention, not a role
MIN_OBLIGATION_ARTICLES = 2
SENTENCE_END = re.compile(f"(?<=[{vocab.SENTENCE_END}])")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def article_subject(text: str) -> str | None:
    """The subject an article's first clause speaks of: 交通协管员可以… → 交通协管员."""
    simple = to_simplified(text)
    m = SUBJECT_END.search(simple if len(simple) == len(text) else text)  # 會員應… ends its subject as 会员应… does
    subject = clean_name(text[:m.start()] if m else "")
    return subject if 2 <= len(subject) <= MAX_ROLE_NAME_CHARS else None


def article_role(node: Section, path: list[str], doc_id: str, title: str) -> RoleSpan | None:
    """第X条 XX…承担以下工作：（一）…: the subject's duties are the article's items."""
    if node.kind not in ARTICLE_KINDS:
        return None
    intro = to_simplified(node.heading)
    items = list_items(node)
    if not items or not ARTICLE_DUTIES.search(intro) or RIGHTS.search(intro):
        return None
    subject = _labelled_subject(intro) or _antecedent(intro) or article_subject(node.heading)
    if subject is None or not (is_job_title(subject, units=True) or is_member(subject)):
        return None  # members bound by a list of obligations (会员履行下列义务) have duties too
    subject = original_form(node.heading, plain(subject))  # as the article writes it (理事會, not 理事会)
    return RoleSpan(make_role(subject, None, duties_of(items), path, doc_id, title), node, False)


def _antecedent(intro: str) -> str | None:
    """The unit or post a clause ends with when the next clause gives "its" duties: 本会最高权力机构为理事会，其职权
    包括 → 理事会 (the longest name the clause ends with)."""
    m = ANTECEDENT.search(intro)
    before = m.group("before") if m else ""
    return next((before[i:] for i in range(len(before)) if is_job_title(before[i:], units=True)), None)


def _labelled_subject(intro: str) -> str | None:
    """The post or body an article's label names (本会会长的职权包括： → 会长; 会员义务： → 会员), or None."""
    labelled = ARTICLE_LABEL.match(intro.strip())
    if labelled is None:
        return None
    subject = owner_and_post(clean_name(labelled.group("owner")))[1]
    return subject if is_job_title(subject, units=True) or is_member(subject) else None


def charge_role(node: Section, path: list[str], doc_id: str, title: str) -> RoleSpan | None:
    """An article that makes a post or body responsible for something in one sentence (第十八条 秘书长负责处理
    日常事务; 副会长协助会长工作): its text is that post's one duty."""
    if node.kind not in ARTICLE_KINDS or not node.is_leaf or node.lines and node.heading.rstrip().endswith(PARA_ENDS):
        return None  # lines after a finished sentence are paragraphs of their own (another subject's charge)
    subject = article_subject(node.heading)
    if subject is None or not is_job_title(subject, units=True):
        return None
    rest = to_simplified(node.heading.strip())
    rest = rest[rest.find(to_simplified(subject)) + len(subject):]
    if not opens_with_duty(rest):
        return None
    return RoleSpan(make_role(subject, None, [DutyItem(1, node.content_text().strip())], path, doc_id, title), node,
                    False)


def set_up_role(node: Section, path: list[str], doc_id: str, title: str) -> RoleSpan | None:
    """An article that sets up a body or post and says what it does (本会设立X委员会，为…提供咨询服务; 设立秘书处，
    …秘书处，负责执行…): that one paragraph is its duty; or the list that paragraph introduces (学生议会设常务委员会，
    处理以下事务：一、… 二、…): its items are."""
    if node.kind not in ARTICLE_KINDS:
        return None
    intros = [c for c in node.children if c.kind == "label" and list_items(c)]
    if not node.is_leaf and len(intros) != 1:
        return None
    text = (intros[0].heading if intros else node.content_text()).replace("\n", "")
    m = SET_UP.search(to_simplified(text))
    if m is None or not is_job_title(m.group("name"), units=True):
        return None
    after = to_simplified(text)[m.end():].lstrip("，。；,;")
    clauses = [c.strip() for c in CLAUSES.split(after) if c.strip()]
    if not (any(opens_with_duty(c) for c in clauses) or SERVES.match(after)):
        return None
    name = text[m.start("name"):m.end("name")]
    duties = duties_of(list_items(intros[0])) if intros else [DutyItem(1, text)]
    return RoleSpan(make_role(name, None, duties, path, doc_id, title), node, False)


def obligation_roles(node: Section, path: list[str], doc_id: str, title: str) -> list[RoleSpan]:
    """A chapter about obligations (义务/职责) whose articles each bind one subject: that subject's duties."""
    if node.kind == "root" or not OBLIGATIONS_HEADING.search(to_simplified(heading_name(node))):
        return []
    articles = [c for c in node.children if c.kind in ARTICLE_KINDS]
    bound: list[tuple[str, Section]] = []
    for article in articles:
        text = to_simplified(article.content_text())
        subject = article_subject(article.heading)
        if subject and OBLIGATION.search(text) and not RIGHTS.search(text):
            bound.append((subject, article))
    if not bound:
        return []
    # the subject is the shortest form the articles share: 护士执业，… and 护士应当… both bind 护士
    subject, _ = Counter(s for s, _ in bound).most_common(1)[0]
    subject = min((s for s, _ in bound if subject.startswith(s)), key=len)
    articles = [a for s, a in bound if s.startswith(subject)]
    if len(articles) < MIN_OBLIGATION_ARTICLES or not is_job_title(subject, units=True):
        return []
    duties = [DutyItem(n=i, text=a.content_text()) for i, a in enumerate(articles, 1)]
    return [RoleSpan(make_role(subject, None, duties, path, doc_id, title), node, False, inline=True)]


def post_role(node: Section, path: list[str], doc_id: str, title: str) -> RoleSpan | None:
    """An article that sets up a post and gives it work: 设立专职法制员…法制员应当重点审查…"""
    if node.kind not in ARTICLE_KINDS or not node.is_leaf:
        return None
    text = node.content_text()
    m = POST_SET_UP.search(to_simplified(text))
    if not m:
        return None
    name = m.group("name")
    simple = to_simplified(text)
    duties = [s for s in split_sentences(text) if to_simplified(s).startswith(name)
              and re.match(rf"{name}(应当|应|负责|须)", to_simplified(s))]
    if not duties or simple.count(name) < 2:
        return None
    original = text[m.start("name"):m.end("name")]
    items = [DutyItem(n=i, text=s) for i, s in enumerate(duties, 1)]
    return RoleSpan(make_role(original, None, items, path, doc_id, title), node, False, inline=True)


def _subject_post(text: str) -> str | None:
    """The post a rule opens with as its subject: 门卫应做好来访登记 → 门卫."""
    subject = article_subject(text)
    return subject if subject and is_job_title(subject, units=False) else None


def agent_roles(root: Section, doc_id: str, title: str) -> list[RoleSpan]:
    """Rules that name their doer (每日下班前由值班人员检查门窗, 门卫应…): each post named so in at least
    MIN_AGENT_RULES rules gets those rules as duties."""
    by_post: dict[str, list[Section]] = {}
    for node in root.walk():
        if node.number is not None and node.is_leaf and node.kind not in SECTION_KINDS:
            post = rule_agent(node.content_text()) or _subject_post(node.content_text())
            if post:
                by_post.setdefault(post, []).append(node)
    return [RoleSpan(make_role(post, None, [DutyItem(n=i, text=n.content_text()) for i, n in enumerate(nodes, 1)],
                               [], doc_id, title), root, False, inline=True)
            for post, nodes in by_post.items() if len(nodes) >= MIN_AGENT_RULES]
