"""The app's pages, in one list: chat and roles for new hires, curation, role review and evaluation for trainers and
editors."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from kb.users import may

UI_DIR = Path(__file__).resolve().parent
APP_TITLE = "岗位职责助手"
# Shipped, not a `:material/…:` icon: Streamlit fetches those favicons from an online font host,
# which fails offline. static/icon.svg is the source; the PNG is what browsers get (Safari lacks SVG favicons).
APP_ICON = UI_DIR / "static" / "icon.png"

# Page scripts are files (not callables) so AppTest.switch_page can open them in tests,
# and so a page can send the user to another with st.switch_page(path).
CHAT_PAGE = UI_DIR / "chat_page.py"
ROLES_PAGE = UI_DIR / "roles_page.py"
CURATION_PAGE = UI_DIR / "curation_page.py"
ROLE_REVIEW_PAGE = UI_DIR / "role_review_page.py"
HITTEST_PAGE = UI_DIR / "hittest_page.py"
LEXICON_PAGE = UI_DIR / "lexicon_page.py"
EVALS_PAGE = UI_DIR / "evals_page.py"
STUDY_PAGE = UI_DIR / "study_page.py"


# Each page's address under the app (http://host/hit-test); serve.py answers deep links to them.
URL_PATHS = {ROLES_PAGE: "roles", CURATION_PAGE: "curation", ROLE_REVIEW_PAGE: "role-review", HITTEST_PAGE: "hit-test",
             LEXICON_PAGE: "lexicon", EVALS_PAGE: "evals", STUDY_PAGE: "study"}


def pages(app_role: str) -> list[st.Page]:
    """The pages this app role may open (each restricted page also checks for itself)."""
    listed = [
        ("reader", st.Page(CHAT_PAGE, title="对话", icon=":material/forum:", default=True)),
        ("reader", st.Page(ROLES_PAGE, title="岗位", icon=":material/badge:", url_path=URL_PATHS[ROLES_PAGE])),
        ("reader", st.Page(STUDY_PAGE, title="入职学习", icon=":material/school:", url_path=URL_PATHS[STUDY_PAGE])),
        ("trainer", st.Page(CURATION_PAGE, title="条目管理", icon=":material/edit_note:",
                            url_path=URL_PATHS[CURATION_PAGE])),
        ("trainer", st.Page(ROLE_REVIEW_PAGE, title="岗位核对", icon=":material/fact_check:",
                            url_path=URL_PATHS[ROLE_REVIEW_PAGE])),
        ("trainer", st.Page(HITTEST_PAGE, title="命中测试", icon=":material/target:",
                            url_path=URL_PATHS[HITTEST_PAGE])),
        ("trainer", st.Page(LEXICON_PAGE, title="词典", icon=":material/dictionary:",
                            url_path=URL_PATHS[LEXICON_PAGE])),
        ("editor", st.Page(EVALS_PAGE, title="评测", icon=":material/monitoring:", url_path=URL_PATHS[EVALS_PAGE])),
    ]
    return [page for needed, page in listed if may(app_role, needed)]
