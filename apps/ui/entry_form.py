"""The entry form shared by 新建 and 编辑: widgets, their session state, and the front matter they make.

Each form has a prefix, so the create form and the edit form keep separate
values; values survive a visit to another page (persist_state="session"). Lists (roles, tags)
are typed on one line, separated by commas or 、;
not by spaces, which some role names contain ("Point Guard").
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

import streamlit as st

from kb.frontmatter import EntryMeta, render_entry

LIST_SEPARATORS = re.compile(r"[,，、;；\n]+")
LIST_JOINER = "，"
TEXT_FIELDS = ("title", "department", "source")
LIST_FIELDS = ("roles", "tags", "visibility")
BODY = "body"
FIELDS = (*TEXT_FIELDS, *LIST_FIELDS, BODY)
BODY_HEIGHT = 320
PERSIST: Final = "session"  # a trainer who checks the chat mid-edit comes back to the same form
BODY_PLACEHOLDER = "# 夜班值守员岗位职责\n1、每两小时巡检一次机房温湿度并登记。\n2、交班前整理夜班日志并当面交接。"


def key(prefix: str, name: str) -> str:
    return f"{prefix}_{name}"


def split_list(text: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(text) if part.strip()]


def load(prefix: str, meta: EntryMeta, body: str) -> None:
    """Fill the form from an entry; call before the form's widgets are drawn in this run."""
    for name in TEXT_FIELDS:
        st.session_state[key(prefix, name)] = getattr(meta, name) or ""
    for name in LIST_FIELDS:
        st.session_state[key(prefix, name)] = LIST_JOINER.join(getattr(meta, name))
    st.session_state[key(prefix, BODY)] = body.strip()


def clear(prefix: str) -> None:
    for name in FIELDS:
        st.session_state.pop(key(prefix, name), None)


def widgets(prefix: str, on_title_change: Callable[[], None] | None = None) -> None:
    left, right = st.columns(2)
    left.text_input("标题（必填）", key=key(prefix, "title"), placeholder="例如：夜班值守规范", persist_state=PERSIST,
                    on_change=on_title_change)
    right.text_input("部门", key=key(prefix, "department"), placeholder="例如：客服中心", persist_state=PERSIST)
    left.text_input("岗位（用逗号或顿号分隔）", key=key(prefix, "roles"), placeholder="例如：夜班值守员，值班长",
                    help="正文标题里的“X岗位职责”会自动识别；这里可以补充正文没有写成标题的岗位。",
                    persist_state=PERSIST)
    right.text_input("标签（用逗号或顿号分隔）", key=key(prefix, "tags"), placeholder="例如：夜班，机房",
                     persist_state=PERSIST)
    left.text_input("来源", key=key(prefix, "source"), placeholder="例如：客服中心制度汇编 2024", persist_state=PERSIST)
    right.text_input("可见范围（用户组，逗号分隔；留空 = 所有人）", key=key(prefix, "visibility"),
                     placeholder="例如：hr，finance", persist_state=PERSIST,
                     help="填写后，只有这些组的用户能在对话、岗位和命中测试中看到这个条目。")
    st.text_area("正文（Markdown：标题和 1、2、… 编号的条目）", key=key(prefix, BODY), height=BODY_HEIGHT,
                 placeholder=BODY_PLACEHOLDER, persist_state=PERSIST)


def meta(prefix: str, base: EntryMeta) -> EntryMeta:
    """`base` front matter (version, status, effective… of a loaded entry) with the form's fields on top;
    raises FrontMatterError when a field is not valid (e.g. a group name without letters)."""
    fields: dict[str, str | list[str] | None] = {
        name: st.session_state.get(key(prefix, name), "").strip() or None for name in TEXT_FIELDS}
    fields.update({name: split_list(st.session_state.get(key(prefix, name), "")) for name in LIST_FIELDS})
    return base.with_changes(**fields)


def body(prefix: str) -> str:
    return st.session_state.get(key(prefix, BODY), "")


def missing(prefix: str) -> str | None:
    """What must be filled in before saving, in Chinese, or None."""
    if not st.session_state.get(key(prefix, "title"), "").strip():
        return "请填写标题。"
    if not body(prefix).strip():
        return "请填写正文。"
    return None


def entry_text(prefix: str, base: EntryMeta) -> str:
    """The Markdown file the form would save (empty fields are left out, as CorpusStore writes them)."""
    return render_entry(meta(prefix, base), body(prefix))
