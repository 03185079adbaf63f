"""Guessing passwords at the login form: failures are recorded, delays grow, a user name locks for a while.

The tests fill and submit the real login form (streamlit-authenticator's widget, AppTest) against a
real bcrypt users file; each AppTest is a new session, as a new browser tab would be. AppTest has no
client address, so the app throttles per session there, and per user name. tests/adversarial/
test_signin_log.py drives the failure log itself with explicit clock times.
"""
from __future__ import annotations

import sqlite3

import pytest
from app_driver import APP, TIMEOUT_S
from streamlit.testing.v1 import AppTest

from kb.settings import Settings
from kb.users import set_user

PASSWORD = "correct horse"
SIGNIN_LOG = "signin.sqlite"  # under DUTYKB_HOME, beside the users file's default place


@pytest.fixture
def users(tmp_path):
    path = tmp_path / "users.yaml"
    set_user(path, "reader", PASSWORD, "reader", [], None)
    set_user(path, "editor", PASSWORD, "editor", [], None)
    return path


@pytest.fixture
def env(seed_settings, users, tmp_path, monkeypatch):
    home = tmp_path / "home"  # the seed index, with a failure log of this test's own
    home.mkdir()
    for part in seed_settings.home.iterdir():
        if not part.name.startswith(SIGNIN_LOG):  # other tests' sign-ins into the seed home
            (home / part.name).symlink_to(part)
    monkeypatch.setenv("DUTYKB_HOME", str(home))
    monkeypatch.setenv("DUTYKB_USERS_FILE", str(users))
    return monkeypatch


def submit(username: str, password: str, at: AppTest | None = None) -> AppTest:
    """Fill the login form and press 登录 (in `at`, or in a new session)."""
    at = at or AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    next(t for t in at.text_input if t.label == "用户名").set_value(username)
    next(t for t in at.text_input if t.label == "密码").set_value(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def test_a_locked_user_name_refuses_even_the_right_password_in_any_session(env):
    env.setenv("DUTYKB_SIGNIN_FREE_FAILURES", "2")
    env.setenv("DUTYKB_SIGNIN_LOCKOUT_FAILURES", "3")
    env.setenv("DUTYKB_SIGNIN_DELAY", "0")
    at = submit("reader", "guess-1")
    assert "不正确" in errors(at) and "锁定" not in errors(at)
    submit("reader", "guess-2", at)
    submit("reader", "guess-3", at)
    assert "不正确" in errors(at) and "锁定" in errors(at) and "分钟后" in errors(at)  # says when to try again

    for tried in (submit("reader", PASSWORD, at), submit("reader", PASSWORD)):  # this session, then a new one
        assert not tried.chat_input, "signed in while locked out"
        assert "锁定" in errors(tried) and "再试" in errors(tried) and "不正确" not in errors(tried)
    assert submit("editor", PASSWORD).chat_input  # someone else's lockout leaves this user alone


def test_after_a_failure_the_next_try_must_wait_and_a_wrong_guess_is_recorded(env, seed_settings):
    env.setenv("DUTYKB_SIGNIN_FREE_FAILURES", "1")
    env.setenv("DUTYKB_SIGNIN_DELAY", "600")
    at = submit("Reader ", "guess-1")
    assert "不正确" in errors(at) and "10 分钟后" in errors(at)
    at = submit("reader", PASSWORD, at)
    assert not at.chat_input and "请" in errors(at) and "不正确" not in errors(at)

    home = Settings().home
    with sqlite3.connect(home / SIGNIN_LOG) as db:
        rows = db.execute("SELECT username, address, outcome FROM attempts ORDER BY id").fetchall()
    assert [(u, o) for u, _, o in rows] == [("reader", "failed"), ("reader", "refused")]
    assert all(address for _, address, _ in rows)
