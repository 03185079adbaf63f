"""The app's pages, in one list: later pages (curation, evaluation) are added here."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

UI_DIR = Path(__file__).resolve().parent
APP_TITLE = "岗位职责助手"


def pages() -> list[st.Page]:
    # Page scripts are files (not callables) so AppTest.switch_page can open them in tests.
    return [
        st.Page(UI_DIR / "chat_page.py", title="对话", icon=":material/forum:", default=True),
        st.Page(UI_DIR / "roles_page.py", title="岗位", icon=":material/badge:", url_path="roles"),
    ]
