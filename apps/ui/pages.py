"""The app's pages, in one list: chat and roles for new hires, curation and evaluation for trainers and editors."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from kb.users import may

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


def pages(app_role: str) -> list[st.Page]:
    """The pages this app role may open (each restricted page also checks for itself)."""
    listed = [
        ("reader", st.Page(CHAT_PAGE, title="对话", icon=":material/forum:", default=True)),
        ("reader", st.Page(ROLES_PAGE, title="岗位", icon=":material/badge:", url_path="roles")),
        ("trainer", st.Page(CURATION_PAGE, title="条目管理", icon=":material/edit_note:", url_path="curation")),
        ("trainer", st.Page(HITTEST_PAGE, title="命中测试", icon=":material/target:", url_path="hit-test")),
        ("trainer", st.Page(LEXICON_PAGE, title="词典", icon=":material/dictionary:", url_path="lexicon")),
        ("editor", st.Page(EVALS_PAGE, title="评测", icon=":material/monitoring:", url_path="evals")),
    ]
    return [page for needed, page in listed if may(app_role, needed)]
