"""Who is using the app: sign-in with the users file, or open mode when there is none.

Sign-in is streamlit-authenticator's login widget over the users file (bcrypt
hashes, a signed re-login cookie). The signed-in user's app role decides which
pages exist for them; their groups decide which entries every page may read. Pages
ask `current()` for the viewer set at the start of the run and pass its audience on.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from apps.ui import render
from kb.access import PUBLIC, Audience
from kb.settings import Settings
from kb.users import UsersFileError, load_users, may

VIEWER_KEY = "dutykb_viewer"
LAST_VIEWER_KEY = "dutykb_last_viewer"
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


def sign_in(settings: Settings) -> Viewer | None:
    """The viewer for this run; None while the login form is showing (the caller stops the run)."""
    import streamlit_authenticator as stauth

    path = settings.users_path
    if not path.exists():
        viewer = open_viewer()
        st.session_state[VIEWER_KEY] = viewer
        st.sidebar.caption(OPEN_NOTICE, help=render.escape_markdown(OPEN_DETAILS.format(path=path)))
        return viewer
    try:
        users_file = load_users(path)
    except UsersFileError as exc:
        _signed_out()
        st.error(render.escape_markdown(f"用户文件有问题，暂时无法登录：{exc}"))
        return None
    cookie = users_file.cookie
    authenticator = stauth.Authenticate(users_file.credentials(), cookie["name"], cookie["key"],
                                        cookie["expiry_days"], auto_hash=False)
    authenticator.login(location="main", fields=LOGIN_FIELDS)
    status = st.session_state.get("authentication_status")
    if status is False:
        st.error("用户名或密码不正确。")
    user = users_file.users.get(st.session_state.get("username") or "") if status else None
    if user is None:  # not signed in, or removed from the users file since
        _signed_out()
        return None
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
