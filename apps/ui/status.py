"""What the app says about its index: which build is live, or why there is none and how to make one."""
from __future__ import annotations

from datetime import datetime

import streamlit as st

from apps.ui import pages, render
from apps.ui.resources import IndexProblem
from kb.access import Audience
from kb.knowledge import Build

TIME_FORMAT = "%Y-%m-%d %H:%M"


def show_index(build: Build, audience: Audience) -> None:
    """A sidebar line, so trainers can see that a new ingest has been picked up (counts of what the viewer sees)."""
    published = datetime.fromisoformat(build.manifest.created).astimezone().strftime(TIME_FORMAT)
    visible = build.visible(audience)
    chunks = len(build.chunks) if visible is None else int(visible.sum())
    st.sidebar.caption(f"知识库：{len(build.roles_for(audience))} 个岗位，{chunks} 个片段，更新于 {published}")


def show_store_down(exc: Exception) -> None:
    st.error("向量数据库（Chroma 服务器）暂时无法连接，这次没能完成检索。请稍后再试；"
             "如果一直这样，请联系管理员检查 DUTYKB_CHROMA_URL 指向的服务器。", icon=":material/cloud_off:")
    st.caption(render.escape_markdown(str(exc)))


def show_problem(problem: IndexProblem) -> None:
    st.title(pages.APP_TITLE)
    st.error(render.escape_markdown(problem.message))
    st.code(problem.command, language="bash")
    st.caption(render.escape_markdown(problem.detail))
