"""Forged or stale re-login cookies and password changes.

The cookie check runs on real JWTs (PyJWT) against a real users file; the session test signs in
with the real login widget (AppTest); the browser test sends the cookies to a real `streamlit run`
from headless Chromium, where a traceback would be shown on the page.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import jwt
import pytest
from app_driver import APP, TIMEOUT_S
from streamlit.testing.v1 import AppTest

from apps.ui.auth import PASSWORD_CHANGED, SECONDS_PER_DAY, cookie_user
from kb.users import load_users, remove_user, set_user

PASSWORD, NEW_PASSWORD = "correct horse", "battery staple"
CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def users(tmp_path) -> Path:
    path = tmp_path / "users.yaml"
    set_user(path, "reader", PASSWORD, "reader", [], None)
    set_user(path, "editor", PASSWORD, "editor", [], None)
    return path


def token(users: Path, username: str = "reader", issued: float | None = None, key: str | None = None,
          algorithm: str = "HS256") -> str:
    cookie = load_users(users).cookie
    issued = time.time() if issued is None else issued
    claims = {"username": username, "exp_date": issued + cookie["expiry_days"] * SECONDS_PER_DAY}
    return jwt.encode(claims, None if algorithm == "none" else (key or cookie["key"]), algorithm=algorithm)


def test_only_a_cookie_signed_with_our_key_for_a_current_user_and_password_signs_in(users):
    now = time.time()
    assert cookie_user(token(users), load_users(users)) == "reader"
    assert cookie_user(token(users, algorithm="none"), load_users(users)) is None
    assert cookie_user(token(users, key="a-guessed-secret-of-thirty-two-bytes"), load_users(users)) is None
    assert cookie_user("not.a.jwt", load_users(users)) is None
    assert cookie_user(token(users, issued=now - 2 * SECONDS_PER_DAY), load_users(users)) is None  # expired
    assert cookie_user(token(users, username="mallory"), load_users(users)) is None
    before_change = token(users, issued=now - 60)
    set_user(users, "reader", NEW_PASSWORD, "reader", [], None)
    assert cookie_user(before_change, load_users(users)) is None
    assert cookie_user(token(users), load_users(users)) == "reader"
    remove_user(users, "reader")
    assert cookie_user(token(users), load_users(users)) is None


def sign_in(username: str, password: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    next(t for t in at.text_input if t.label == "用户名").set_value(username)
    next(t for t in at.text_input if t.label == "密码").set_value(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def test_a_password_change_ends_the_users_open_sessions(seed_settings, users, monkeypatch):
    monkeypatch.setenv("DUTYKB_HOME", str(seed_settings.home))
    monkeypatch.setenv("DUTYKB_USERS_FILE", str(users))
    reader, editor = sign_in("reader", PASSWORD), sign_in("editor", PASSWORD)
    assert reader.chat_input and editor.chat_input
    set_user(users, "reader", NEW_PASSWORD, "reader", [], None)
    reader.run()
    editor.run()
    assert not reader.exception and not reader.chat_input
    assert PASSWORD_CHANGED in [w.value for w in reader.warning]
    assert {t.label for t in reader.text_input} == {"用户名", "密码"}
    assert editor.chat_input  # someone else's password change leaves this session alone
    assert sign_in("reader", NEW_PASSWORD).chat_input


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed")
def test_a_forged_or_stale_cookie_shows_the_login_form_and_locks_nobody_out(seed_settings, users, tmp_path):
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM_ARGS, free_port, wait_until_healthy

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    env = {**os.environ, "DUTYKB_HOME": str(seed_settings.home), "DUTYKB_USERS_FILE": str(users)}
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"]
    name = load_users(users).cookie["name"]
    stale = token(users, issued=time.time() - 60)
    with open(log, "wb") as out:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_healthy(url, server, log)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                forged = browser.new_context()
                forged.add_cookies([{"name": name, "value": token(users, algorithm="none"), "url": url}])
                page = forged.new_page()
                page.goto(url)
                page.get_by_label("用户名").wait_for(timeout=TIMEOUT_S * 1000)
                assert "Traceback" not in page.content() and "InvalidAlgorithm" not in page.content()
                page.get_by_label("用户名").fill("reader")
                page.get_by_label("密码").fill(PASSWORD)
                page.get_by_role("button", name="登录").click()
                page.get_by_test_id("stChatInputTextArea").wait_for(timeout=TIMEOUT_S * 1000)  # not locked out

                set_user(users, "reader", NEW_PASSWORD, "reader", [], None)
                old = browser.new_context()
                old.add_cookies([{"name": name, "value": stale, "url": url}])
                page = old.new_page()
                page.goto(url)
                page.get_by_label("用户名").wait_for(timeout=TIMEOUT_S * 1000)
                assert not page.get_by_test_id("stChatInputTextArea").count()
                assert "Traceback" not in page.content()
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
