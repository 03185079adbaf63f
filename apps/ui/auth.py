"""Who is using the app: sign-in with the users file, or open mode when there is none.

Sign-in is streamlit-authenticator's login widget over the users file (bcrypt
hashes, a signed re-login cookie). The signed-in user's app role decides which
pages exist for them; their groups decide which entries every page may read. Pages
ask `current()` for the viewer set at the start of the run and pass its audience on.

The widget trusts its cookie too far: a forged one (`alg: none`, another key) raises
inside it on every run, and one issued before a password change still signs in. So
the cookie is checked here first (`cookie_user`) and a bad one is ignored (the login
form shows); and a session signed in before the user's password changed is signed out.
It has no limit on failed tries either: `signin_guard` throttles the form.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from apps.ui import render, signin_guard
from kb.access import PUBLIC, Audience
from kb.settings import Settings
from kb.users import UsersFile, UsersFileError, load_users, may

VIEWER_KEY = "dutykb_viewer"
LAST_VIEWER_KEY = "dutykb_last_viewer"
STAMP_KEY = "dutykb_session_stamp"
NOTICE_KEY = "dutykb_sign_in_notice"
COOKIE_ALGORITHM = "HS256"  # what streamlit-authenticator signs its cookie with
SECONDS_PER_DAY = 86400
PASSWORD_CHANGED = "你的密码已更改，请用新密码重新登录。"
ROLE_LABELS = {"reader": "员工", "trainer": "培训师", "editor": "评测编辑"}
LOGIN_FIELDS = {"Form name": "登录", "Username": "用户名", "Password": "密码", "Login": "登录"}
# One short line for readers on every page; the details (for whoever runs the app) on its help tooltip.
OPEN_NOTICE = ":material/lock_open: 未启用登录：所有人可用，只显示公开条目"
OPEN_DETAILS = ("没有用户文件（{path}），所以打开本页的人都不用登录，能使用全部页面；设了可见范围的条目不会出现。"
                "管理员用 dutykb users add 用户名 --role editor 添加用户后，就会要求登录。")


@dataclass(frozen=True)
class Viewer:
    username: str | None
    name: str
    app_role: str
    audience: Audience
    open_mode: bool = False


def open_viewer() -> Viewer:
    return Viewer(None, "访客", "editor", PUBLIC, open_mode=True)


def _signed_out() -> None:
    st.session_state.pop(VIEWER_KEY, None)
    st.session_state.pop(STAMP_KEY, None)


def cookie_user(token: str, users_file: UsersFile, now: float | None = None) -> str | None:
    """The user a re-login cookie may sign in, or None: forged or foreign (not HS256 with our key), expired,
    for a user no longer in the file, or issued before that user's password last changed."""
    import jwt

    cookie = users_file.cookie
    try:
        claims = jwt.decode(token, cookie["key"], algorithms=[COOKIE_ALGORITHM])
    except jwt.PyJWTError:
        return None
    username, expires = claims.get("username"), claims.get("exp_date")
    user = users_file.users.get(str(username))
    if user is None or not isinstance(expires, int | float):
        return None
    now = time.time() if now is None else now
    issued = expires - float(cookie["expiry_days"]) * SECONDS_PER_DAY
    if expires <= now or (user.password_changed is not None and issued < user.password_changed):
        return None
    return user.username


def _ignore_bad_cookie(users_file: UsersFile) -> None:
    """Before the widget reads the cookie: make it ignore one `cookie_user` refuses (it reads none after a
    sign-out, which is what its `logout` flag means), so the login form shows instead of a traceback."""
    if st.session_state.get("authentication_status"):
        return
    token = st.context.cookies.get(users_file.cookie["name"])
    if token is not None and cookie_user(token, users_file) is None:
        st.session_state["logout"] = True


def sign_in(settings: Settings) -> Viewer | None:
    """The viewer for this run; None while the login form is showing (the caller stops the run)."""
    import streamlit_authenticator as stauth

    path = settings.users_path
    if not path.exists():
        viewer = open_viewer()
        st.session_state[VIEWER_KEY] = viewer
        st.sidebar.caption(OPEN_NOTICE, help=render.escape_markdown(OPEN_DETAILS.format(path=path)))
        return viewer
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.warning(notice)
    try:
        users_file = load_users(path)
    except UsersFileError as exc:
        _signed_out()
        st.error(render.escape_markdown(f"用户文件有问题，暂时无法登录：{exc}"))
        return None
    cookie = users_file.cookie
    authenticator = stauth.Authenticate(users_file.credentials(), cookie["name"], cookie["key"],
                                        cookie["expiry_days"], auto_hash=False)
    _ignore_bad_cookie(users_file)
    guard = signin_guard.Guard.for_run(settings)
    guard.install(authenticator)
    authenticator.login(location="main", fields=LOGIN_FIELDS)
    status = st.session_state.get("authentication_status")
    for message in guard.messages(status is False):
        st.error(message)
    user = users_file.users.get(st.session_state.get("username") or "") if status else None
    if user is None:  # not signed in, or removed from the users file since
        _signed_out()
        return None
    if st.session_state.setdefault(STAMP_KEY, user.session_stamp) != user.session_stamp:
        authenticator.logout(location="unrendered")  # signed in with the old password: end this session
        _signed_out()
        st.session_state[NOTICE_KEY] = PASSWORD_CHANGED
        st.rerun()
    st.sidebar.caption(render.escape_markdown(f"{user.name}（{ROLE_LABELS[user.app_role]}）"))
    authenticator.logout("退出登录", "sidebar")
    if not st.session_state.get("authentication_status"):  # the button was just pressed: show the login form
        _signed_out()
        st.rerun()
    viewer = Viewer(user.username, user.name, user.app_role, user.audience)
    st.session_state[VIEWER_KEY] = viewer
    return viewer


def changed(viewer: Viewer | None) -> bool:
    """Whether this run's viewer differs from the last run's (signed in, out, or as someone else)."""
    who = (viewer.username, viewer.open_mode) if viewer else None
    before = st.session_state.get(LAST_VIEWER_KEY, who)
    st.session_state[LAST_VIEWER_KEY] = who
    return before != who


def current() -> Viewer:
    """The viewer of this run; a reader of public entries if a page is somehow run without sign-in."""
    return st.session_state.get(VIEWER_KEY) or Viewer(None, "", "reader", PUBLIC)


def require(needed: str) -> Viewer:
    """Stop the page unless the viewer's app role includes `needed`."""
    viewer = current()
    if not may(viewer.app_role, needed):
        st.error(f"这个页面需要「{ROLE_LABELS[needed]}」权限。")
        st.stop()
    return viewer
