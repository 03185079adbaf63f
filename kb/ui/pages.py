"""The app's pages, in one list: chat and roles for new hires, curation and evaluation for trainers and editors."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

UI_DIR = Path(__file__).resolve().parent
APP_TITLE = "岗位职责助手"

# Page scripts are files (not callables) so AppTest.switch_page can open them in tests,
# and so a page can send the user to another with st.switch_page(path).
CHAT_PAGE = UI_DIR / "chat_page.py"
ROLES_PAGE = UI_DIR / "roles_page.py"
CURATION_PAGE = UI_DIR / "curation_page.py"
HITTEST_PAGE = UI_DIR / "hittest_page.py"
LEXICON_PAGE = UI_DIR / "lexicon_page.py"
EVALS_PAGE = UI_DIR / "evals_page.py"


def pages() -> list[st.Page]:
    return [
        st.Page(CHAT_PAGE, title="对话", icon=":material/forum:", default=True),
        st.Page(ROLES_PAGE, title="岗位", icon=":material/badge:", url_path="roles"),
        st.Page(CURATION_PAGE, title="条目管理", icon=":material/edit_note:", url_path="curation"),
        st.Page(HITTEST_PAGE, title="命中测试", icon=":material/target:", url_path="hit-test"),
        st.Page(LEXICON_PAGE, title="词典", icon=":material/dictionary:", url_path="lexicon"),
        st.Page(EVALS_PAGE, title="评测", icon=":material/monitoring:", url_path="evals"),
    ]
