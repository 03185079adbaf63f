"""岗位职责助手 — the Streamlit app: `streamlit run app.py` (index from `dutykb ingest`, see README)."""
from __future__ import annotations

import streamlit as st

from apps.ui import auth, conversation, pages, resources, status
from kb.vectorstore import VectorStoreUnavailable

st.set_page_config(page_title=pages.APP_TITLE, page_icon=pages.APP_ICON)
services = resources.services()
viewer = auth.sign_in(services.settings)
if auth.changed(viewer):  # the last person's conversation must not show to the next
    conversation.clear()
if viewer is None:
    st.stop()
page = st.navigation(pages.pages(viewer.app_role))
build = resources.live_build(services)
if isinstance(build, resources.IndexProblem):
    status.show_problem(build)
else:
    try:
        page.run()
    except VectorStoreUnavailable as exc:  # a Chroma server that went away: say so, the next question retries
        status.show_store_down(exc)
    status.show_index(build, viewer.audience)  # after the page, so the page's own sidebar controls come first
