"""Open a corpus entry in the 条目管理 page from anywhere (hit test, roles, after a save).

The request waits in session state; the curation page takes it at the top of its
next run, before its widgets are drawn, which is the only moment their values
may be set.
"""
from __future__ import annotations

import streamlit as st

from apps.ui import pages

REQUEST_KEY = "open_entry_request"


def request(doc_id: str) -> None:
    st.session_state[REQUEST_KEY] = doc_id


def go(doc_id: str) -> None:
    """Switch to the curation page with `doc_id` loaded for editing (ends this run)."""
    request(doc_id)
    st.switch_page(pages.CURATION_PAGE)


def take() -> str | None:
    return st.session_state.pop(REQUEST_KEY, None)
