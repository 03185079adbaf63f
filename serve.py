"""The web server of 岗位职责助手: `streamlit run serve.py` (what `make start` runs).

It serves app.py exactly as `streamlit run app.py` would, and answers deep links to its pages
(http://host/hit-test) without the 404s Streamlit's front end otherwise logs (apps/ui/deep_links.py).
`streamlit run` finds `app` below and runs it with its usual flags (--server.port, --server.address…).
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from apps.ui.deep_links import DeepLinks
from apps.ui.pages import URL_PATHS

APP_SCRIPT = Path(__file__).resolve().parent / "app.py"

app = st.App(APP_SCRIPT, middleware=[Middleware(DeepLinks, url_paths=URL_PATHS.values())])
