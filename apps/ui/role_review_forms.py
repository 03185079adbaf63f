"""The corrections a trainer makes on the 岗位核对 page, one override each, saved to corpus/roles.yaml.

Per role: 改名, 添加别名, 合并到…, 不是岗位, 移动条目到…, 设定职责条数核对; per document: 从大纲节点添加岗位 and
所属单位 (the organisation whose questions the document answers, kb.scope).
Each form draws its fields, then builds the override (or says what is missing) only when 保存 is pressed.
Saving signs the override with the signed-in user (匿名 when sign-in is off), then re-ingests as a
curation save does (`publish.publish` hands the live build over), so the chat answers with the
correction at once; the page is then drawn again from the new corpus state.
"""
from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st
from pydantic import ValidationError

from apps.ui import auth, lexicon_edit, publish, render
from apps.ui.resources import Services
from ingest.overrides import NEEDS_ROLE, Action, Override, save_override
from kb.errors import DutyKBError
from kb.normalize import normalize_name
from kb.records import BREADCRUMB_SEP

FORM_PREFIX = "rrf-"
GENERATION_KEY = "rr_forms_generation"  # part of every form's keys: a save starts them all afresh
ANONYMOUS = "匿名"
ROLE_ACTIONS = {Action.RENAME: "改名", Action.ALIAS: "添加别名", Action.MERGE: "合并到…",
                Action.NOT_A_ROLE: "不是岗位", Action.MOVE: "移动条目到…", Action.EXPECT: "设定职责条数核对"}
WHY_PLACEHOLDER = "例如：这一节写的是业主须知，不是岗位"
DUTY_SHOWN_CHARS = 60  # a duty's text in a picker; the whole text is in the role's list above it
Built = Override | str  # the override to save, or what the trainer still has to fill in
Key = Callable[[str], str]


def generation() -> int:
    return int(st.session_state.get(GENERATION_KEY, 0))


def field_key(doc: str, scope: str, name: str, saves: int = 0) -> str:
    """The key of one form field (or of a form's expander): `scope` is the role's position in the document, or
    "add"; `saves` the forms' generation. After a save the roles may have shifted and every form starts empty
    and closed: new keys are new widgets, where deleting the old keys' state would leave the browser showing
    the old choice (it keeps a widget's value unless the script sets one)."""
    return f"{FORM_PREFIX}{saves}-{doc}-{scope}-{name}"


def signer() -> str:
    viewer = auth.current()
    return ANONYMOUS if viewer.open_mode else (viewer.name or viewer.username or ANONYMOUS)


def describe(o: Override, item_texts: dict[str, str]) -> str:
    """One line in Chinese for an override; a moved item by its text while the document still holds it."""
    role = f"{o.role}（{node_label(o.section)}）" if o.section and o.action in NEEDS_ROLE else o.role
    item = f"「{item_texts[o.item]}」" if o.item in item_texts else f"条目 {o.item}"
    return {Action.RENAME: f"改名：{role} → {o.to}", Action.ALIAS: f"添加别名：{role} ＋ {'、'.join(o.aliases)}",
            Action.MERGE: f"合并：{role} 并入 {o.to}", Action.NOT_A_ROLE: f"不是岗位：{role}",
            Action.ADD: f"从大纲节点添加岗位：{o.to}（{node_label(o.section or '')}）",
            Action.MOVE: f"移动条目：{item} → {o.to}",
            Action.EXPECT: f"职责条数核对：{role} 应有 {o.duties} 条",
            Action.ORGANISATION: f"所属单位：{o.to}"}[o.action]


def item_texts(review: dict) -> dict[str, str]:
    return {d["anchor"]: d["text"] for role in review["roles"] for d in role["duties"]}


def _section_if_shared(review: dict, role: dict) -> str | None:
    """The role's section path, only when another role of the document shares a name with it: a name alone
    survives edits that renumber or retitle the section, a path tells two same-named roles apart."""
    names = {normalize_name(n) for n in [role["name"], *role["aliases"]]}
    sharing = [r for r in review["roles"] if names & {normalize_name(n) for n in [r["name"], *r["aliases"]]}]
    return (role["section"] or None) if len(sharing) > 1 else None


def _short(text: str) -> str:
    return text if len(text) <= DUTY_SHOWN_CHARS else text[:DUTY_SHOWN_CHARS] + "…"


def _rename(review: dict, role: dict, key: Key) -> Built:
    to = st.text_input("新名称", key=key("to"), placeholder="例如：客服主任").strip()
    if not to:
        return "请填写新名称。"
    if to == role["name"]:
        return "新名称和现在的名称相同。"
    return Override(doc=review["doc"], action=Action.RENAME, role=role["name"],
                    section=_section_if_shared(review, role), to=to)


def _alias(review: dict, role: dict, key: Key) -> Built:
    typed = st.text_input("别名（空格或逗号分隔）", key=key("aliases"), placeholder="例如：客服经理 客服负责人")
    aliases = [a for a in lexicon_edit.unique(lexicon_edit.split_words(typed)) if a not in role["aliases"]]
    if not aliases:
        return "请填写至少一个新别名。"
    return Override(doc=review["doc"], action=Action.ALIAS, role=role["name"],
                    section=_section_if_shared(review, role), aliases=aliases)


def _others(review: dict, role: dict) -> list[str]:
    return [r["name"] for r in review["roles"] if r is not role]


def _merge(review: dict, role: dict, key: Key) -> Built:
    to = st.selectbox("并入岗位", _others(review, role), index=None, key=key("into"), placeholder="选择岗位",
                      help="这个岗位的条目和名称（作为别名）并入所选岗位。")
    if to is None:
        return "请选择要并入的岗位。"
    return Override(doc=review["doc"], action=Action.MERGE, role=role["name"],
                    section=_section_if_shared(review, role), to=to)


def _not_a_role(review: dict, role: dict, key: Key) -> Built:
    st.caption("保存后它不再作为岗位出现（岗位列表、按岗位回答）；它的条目仍在知识库里，可以被检索到。")
    return Override(doc=review["doc"], action=Action.NOT_A_ROLE, role=role["name"],
                    section=_section_if_shared(review, role))


def _move(review: dict, role: dict, key: Key) -> Built:
    texts = {d["anchor"]: f"{d['n'] or '·'}. {_short(d['text'])}" for d in role["duties"]}
    item = st.selectbox("要移动的条目", list(texts), index=None, key=key("item"), format_func=lambda a: texts[a],
                        placeholder="选择条目")
    to = st.selectbox("移到岗位", _others(review, role), index=None, key=key("to"), placeholder="选择岗位")
    if item is None or to is None:
        return "请选择要移动的条目和目标岗位。"
    return Override(doc=review["doc"], action=Action.MOVE, item=item, to=to)


def _expect(review: dict, role: dict, key: Key) -> Built:
    duties = st.number_input("应有职责条数", min_value=0, value=len(role["duties"]), step=1, key=key("duties"),
                             help="以后每次入库都核对这个岗位的条数；不一致时在本页顶部和入库报告里提示。")
    return Override(doc=review["doc"], action=Action.EXPECT, role=role["name"],
                    section=_section_if_shared(review, role), duties=int(duties))


ROLE_FORMS: dict[Action, Callable[[dict, dict, Key], Built]] = {
    Action.RENAME: _rename, Action.ALIAS: _alias, Action.MERGE: _merge, Action.NOT_A_ROLE: _not_a_role,
    Action.MOVE: _move, Action.EXPECT: _expect,
}


def role_form(services: Services, review: dict, index: int) -> None:
    """The corrections of the document's `index`-th role."""
    role = review["roles"][index]

    def key(name: str) -> str:
        return field_key(review["doc"], str(index), name, generation())

    action = st.segmented_control("更正方式", list(ROLE_ACTIONS), format_func=lambda a: ROLE_ACTIONS[a],
                                  key=key("action"))
    if action is None:
        return
    built = _build(ROLE_FORMS[action], review, role, key)
    _save_button(services, review, built, key)


def node_label(path: str) -> str:
    """An outline node as a trainer reads it: its headings without Markdown's # marks."""
    return BREADCRUMB_SEP.join(part.lstrip("#").strip() for part in path.split(BREADCRUMB_SEP))


def add_form(services: Services, review: dict) -> None:
    """从大纲节点添加岗位: an outline node the parser did not take for a role becomes one, by the name given."""
    def key(name: str) -> str:
        return field_key(review["doc"], "add", name, generation())

    st.caption("解析漏掉的岗位：选它所在的小节（标题、条款或表格行），填上岗位名称。这一节的职责列表（或条目、"
               "正文）就是这个岗位的职责；以后文档改动，只要这一节还在，就仍然生效。")
    section = st.selectbox("大纲节点", review["sections"], index=None, key=key("section"), placeholder="选择小节",
                           format_func=node_label)
    name = st.text_input("岗位名称", key=key("to"), placeholder="例如：维修工").strip()
    built: Built = ("请选择小节。" if section is None else "请填写岗位名称。" if not name else
                    Override(doc=review["doc"], action=Action.ADD, section=section, to=name))
    _save_button(services, review, built, key, label="添加岗位")


ORGANISATION_FROM = {"review": "人工设定", "front matter": "文件头信息", "folder": "所在文件夹", "title": "文档标题",
                     "document": "未写明单位，按独立单位处理"}


def organisation_form(services: Services, review: dict) -> None:
    """所属单位: which organisation the document is of, so questions about another organisation's posts are
    never answered from it (kb.scope); read from the front matter, folder or title unless a trainer sets it."""
    def key(name: str) -> str:
        return field_key(review["doc"], "organisation", name, generation())

    origin = ORGANISATION_FROM.get(review["organisation_from"], review["organisation_from"])
    st.caption(render.escape_markdown(f"现在：{review['organisation']}（{origin}）。问到别的单位的岗位时，"
                                      "不会用这个文档的规定来回答。"))
    to = st.text_input("所属单位", key=key("to"), placeholder="例如：华联超市").strip()
    built: Built = ("请填写单位名称。" if not to else "和现在的单位相同。" if to == review["organisation"] else
                    Override(doc=review["doc"], action=Action.ORGANISATION, to=to))
    _save_button(services, review, built, key, label="保存单位")


def _build(form: Callable[[dict, dict, Key], Built], review: dict, role: dict, key: Key) -> Built:
    try:
        return form(review, role, key)
    except ValidationError as exc:  # the forms check what they ask for first; this is the model's last word
        return exc.errors()[0]["msg"].removeprefix("Value error, ")


def _save_button(services: Services, review: dict, built: Built, key: Key, label: str = "保存更正") -> None:
    why = st.text_input("原因", key=key("why"), placeholder=WHY_PLACEHOLDER)
    if not st.button(label, key=key("save"), type="primary", icon=":material/save:"):
        return
    if isinstance(built, str):
        st.error(built)
        return
    save(services, built, why.strip(), describe(built, item_texts(review)))


def save(services: Services, override: Override, why: str, what: str) -> None:
    """Append the override, re-ingest, flash the outcome and draw the page again from the new state."""
    started = time.perf_counter()
    try:
        save_override(services.settings.corpus, override, who=signer(), why=why)
    except (DutyKBError, OSError) as exc:
        st.error(render.escape_markdown(f"无法保存更正：{exc}"))
        return
    publish.announce(publish.publish(services, started), f"已保存更正（{override.doc}）：{what}")
    st.session_state[GENERATION_KEY] = generation() + 1
    st.rerun()
