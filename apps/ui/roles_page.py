"""岗位 page: every role in the registry with its numbered duties and where they are written.

Roles are grouped by the document that defines them (its title is the heading) and its top-level
section (a short caption; `role_groups`), so a hire finds their organisation's posts together. The
search box matches role names, aliases and duty text in either script (both sides go through
`normalize`), and highlights what it matched.
Each role can open its detail: related rules, its file's revisions and an alias editor (`role_detail`).
"""
from __future__ import annotations

import streamlit as st

from apps.ui import auth, publish, render, resources, role_detail
from apps.ui.auth import Viewer
from apps.ui.resources import Services
from apps.ui.role_groups import by_document
from ingest.curation import CorpusStore
from kb.blocks import clean_section
from kb.normalize import normalize
from kb.records import Role
from kb.users import may

SEARCH_KEY = "roles_search"
ROLE_HEADING = "#### "  # a role's name: under its document's title (a subheader), itself under the page title


def role_matches(role: Role, match_query: str) -> bool:
    texts = [role.name, *role.aliases, *(d.text for d in role.duties)]
    return any(match_query in normalize(text) for text in texts)


def show_role(role: Role, terms: set[str], services: Services, store: CorpusStore, viewer: Viewer) -> None:
    with st.container(border=True):
        st.markdown(ROLE_HEADING + render.highlight(role.name, terms))
        section = clean_section(role.section)  # a Markdown document's section path holds its `##` marks
        where = f"《{role.title}》" + (f" {section}" if section else "")
        details = [f"出处：{where}", f"文件：{role.source}"]
        if role.department:
            details.append(f"部门：{role.department}")
        if role.aliases:
            details.append("别名：" + "、".join(role.aliases))
        st.caption(render.HARD_BREAK.join(render.escape_markdown(d) for d in details))
        # numbers as written (not a markdown list, which would renumber from the first item)
        st.markdown(render.HARD_BREAK.join(f"**{d.n}\\.** {render.highlight(d.text, terms)}" for d in role.duties))
        label = "相关规定、修订记录与别名" if may(viewer.app_role, "trainer") else "相关规定"
        if st.toggle(label, key=role_detail.key_of(role, "detail")):
            role_detail.show(services, store, role, viewer)


def main() -> None:
    services = resources.services()
    viewer = auth.current()
    roles = services.kb.roles_for(viewer.audience)
    st.title("岗位职责一览")
    publish.show_flashes()
    query = st.text_input("搜索岗位或职责", key=SEARCH_KEY, placeholder="例如：值班长、投诉、交接班",
                          help="按岗位名称、别名和职责内容查找，简体繁体都可以。")
    match_query = normalize(query)
    shown = [r for r in roles if role_matches(r, match_query)] if match_query else roles
    if match_query:
        st.caption(f"找到 {len(shown)} 个岗位（共 {len(roles)} 个）")
    else:
        st.caption(f"共 {len(roles)} 个岗位")
    if not shown:
        st.info("没有找到匹配的岗位，换个关键词试试。")
    terms = {match_query} if match_query else set()
    store = CorpusStore(services.settings.corpus)
    for document in by_document(shown):
        # the document's title heads its roles, a size under the page title; its sections are short captions
        st.subheader(render.escape_markdown(document.title), divider="gray", anchor=False)
        if document.organisation and document.organisation != document.title:
            st.caption(render.escape_markdown(f"单位：{document.organisation}"))
        for section, members in document.sections.items():
            count = f"{len(members)} 个岗位"
            st.caption(render.escape_markdown(f"{section} · {count}") if section else count)
            for role in members:
                show_role(role, terms, services, store, viewer)


if __name__ == "__main__":
    main()
