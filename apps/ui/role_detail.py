"""A role's detail on the 岗位 page: related rules and procedures, what changed (变更), its file's revisions, and
its aliases.

Shown on demand (a toggle per role): the related rules may cost a search per
role, which the full list of roles should not pay on every rerun.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from apps.ui import history_view, lexicon_edit, open_entry, publish, render, role_changes_view
from apps.ui.auth import Viewer
from apps.ui.resources import Services
from ingest.curation import CorpusStore
from kb.access import Audience
from kb.hittest import hit_test
from kb.lexicon import LexiconError, load_lexicon
from kb.normalize import normalize
from kb.records import Chunk, Role
from kb.users import may

MIN_FORM_CHARS = 2  # a one-character alias would "mention" the role everywhere
RELATED_SHOWN = 6
RELATED_SEARCHED = RELATED_SHOWN + 4  # the role's own duty-list chunks are dropped from the results
EXCERPT_CHARS = 160


@dataclass(frozen=True)
class Related:
    chunk: Chunk
    terms: list[str]  # match-form terms to highlight
    mentions: bool  # names the role (else: found by searching for it)


def key_of(role: Role, what: str) -> str:
    return f"role-{what}-{role.source}-{role.name}"


def name_forms(role: Role) -> list[str]:
    return sorted({form for form in map(normalize, [role.name, *role.aliases]) if len(form) >= MIN_FORM_CHARS})


def related(services: Services, role: Role, audience: Audience) -> list[Related]:
    """Passages the audience may see outside the role's own duty list: first those that name it (rules it
    must follow, procedures it takes part in), then, to fill up, what a search for the role's name finds."""
    forms = name_forms(role)
    found = [Related(chunk, [f for f in forms if f in chunk.match_text], True) for chunk in services.kb.build.chunks
             if chunk.role != role.name and audience.may_see(chunk.visibility)
             and any(f in chunk.match_text for f in forms)]
    seen = {r.chunk.chunk_id for r in found}
    if len(found) < RELATED_SHOWN:
        found += [Related(row.chunk, row.matched_terms, False)
                  for row in hit_test(services.kb, role.name, k=RELATED_SEARCHED, audience=audience)
                  if row.chunk.role != role.name and row.chunk.chunk_id not in seen]
    return found[:RELATED_SHOWN]


def show_related(services: Services, role: Role, audience: Audience) -> None:
    st.markdown("**相关规定与流程**")
    found = related(services, role, audience)
    if not found:
        st.caption("没有找到与这个岗位相关的其他规定。")
    for item in found:
        how = "提到该岗位" if item.mentions else "内容相近"
        st.caption(render.escape_markdown(f"{item.chunk.breadcrumb}（{how}）"))
        st.markdown(render.highlight(excerpt(item), item.terms))


def excerpt(item: Related) -> str:
    """The items that name the role (wherever they sit in the chunk), else the chunk's beginning."""
    if item.mentions:
        parts = [p.text for p in item.chunk.parts if any(t in normalize(p.text) for t in item.terms)]
        if parts:
            return "\n".join(parts)
    text = item.chunk.text
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


def show_history(store: CorpusStore, role: Role) -> None:
    st.markdown("**所在文件的修订记录**")
    records = store.history(role.source)
    if records:
        history_view.table(records)
    else:
        st.caption("暂无修订记录：这个文件不是通过本应用或 dutykb corpus 命令修改的。")
    if st.button("在条目管理中打开", key=key_of(role, "open"), icon=":material/edit_note:"):
        open_entry.go(role.source)


def show_aliases(services: Services, role: Role) -> None:
    st.markdown("**别名**")
    st.caption(render.escape_markdown(
        "现有别名：" + ("、".join(role.aliases) if role.aliases else "无")
        + "。简繁体写法和文中括注的名称会自动识别，这里只需填写其他叫法。"))
    try:
        lexicon = load_lexicon(services.settings.corpus)
    except LexiconError as exc:
        st.error(render.escape_markdown(f"词典文件有误，请先在“词典”页修正：{exc}"))
        return
    typed = st.text_input("其他叫法（空格或逗号分隔；清空即删除）", key=key_of(role, "aliases"),
                          value=" ".join(lexicon_edit.role_aliases(lexicon, role.name)),
                          help="保存在词典的同义词组里，问题里用这些叫法也能找到这个岗位。")
    if not st.button("保存别名并重新入库", key=key_of(role, "aliases-save"), icon=":material/save:"):
        return
    try:
        changed = lexicon_edit.set_role_aliases(lexicon, role.name, lexicon_edit.split_words(typed))
        publish.save_lexicon_live(services, changed, f"已更新“{role.name}”的别名。")
    except LexiconError as exc:
        st.error(render.escape_markdown(f"无法保存别名：{exc}"))
        return
    st.rerun()


def show(services: Services, store: CorpusStore, role: Role, viewer: Viewer) -> None:
    show_related(services, role, viewer.audience)
    role_changes_view.show(services, role.name, viewer, key_of(role, "changes-since"))
    if may(viewer.app_role, "trainer"):  # revisions and aliases are curation
        show_history(store, role)
        show_aliases(services, role)
