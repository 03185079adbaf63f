"""岗位职责助手 — the Streamlit app: `streamlit run app.py` (index from `dutykb ingest`, see README)."""
from __future__ import annotations

import streamlit as st

from kb.ui import pages, resources, status

st.set_page_config(page_title=pages.APP_TITLE, page_icon=":material/menu_book:")
page = st.navigation(pages.pages())
build = resources.live_build(resources.services())
if isinstance(build, resources.IndexProblem):
    status.show_problem(build)
else:
    page.run()
    status.show_index(build)  # after the page, so the page's own sidebar controls come first
