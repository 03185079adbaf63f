"""Small AppTest helpers shared by the page tests: open a page, switch, click, each checked for exceptions."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app.py"
TIMEOUT_S = 180  # a save re-ingests, an eval run answers every case, all inside one script run


def switch(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def open_page(page: str) -> AppTest:
    return switch(AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run(), page)


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at
