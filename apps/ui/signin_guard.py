"""The login form's limit on failed sign-ins: every submitted password passes the failure log first.

streamlit-authenticator checks a submitted form inside its widget, in one call
(`authentication_controller.login(username, password, …)`) with no hook before the password check.
`Guard.install` wraps that call for the run: a try the log refuses never reaches bcrypt, and each
checked one is recorded as failed or succeeded (kb/signin_log.py has the policy).

Failures count per user name and per client address: the address a reverse proxy passes in
`signin_client_header`, else the connection's, else (Streamlit has none for a connection from
localhost) the browser session's.
"""
from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from kb.settings import Settings
from kb.signin_log import SIGNIN_FILENAME, Attempt, Refusal, SigninLog, SigninPolicy

SESSION_KEY = "dutykb_signin_session"
SESSION_ID_BYTES = 8
SECONDS_PER_MINUTE = 60
WRONG_PASSWORD = "用户名或密码不正确。"
LOCKED = "登录失败次数过多，已暂时锁定，请{when}再试。"
DELAYED = "登录失败次数较多，请{when}再试。"


def policy(settings: Settings) -> SigninPolicy:
    return SigninPolicy(settings.signin_free_failures, settings.signin_lockout_failures,
                        settings.signin_address_free_failures, settings.signin_address_lockout_failures,
                        settings.signin_delay, settings.signin_lockout, settings.signin_window)


def client_address(header: str | None) -> str:
    """Who is trying, as far as Streamlit can tell: `ip:<address>`, else `session:<random id>`."""
    forwarded = st.context.headers.get(header) if header else None
    if forwarded:
        return "ip:" + forwarded.split(",")[-1].strip()  # the entry the proxy itself added
    ip = st.context.ip_address
    if isinstance(ip, str) and ip:
        return "ip:" + ip
    return "session:" + st.session_state.setdefault(SESSION_KEY, secrets.token_hex(SESSION_ID_BYTES))


def _clock(when: float, timezone: str | None) -> str:
    """HH:MM in the browser's time zone (the server's when the browser did not say)."""
    try:
        zone = ZoneInfo(timezone) if timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    return datetime.fromtimestamp(when, zone).strftime("%H:%M")


def retry_message(refusal: Refusal, now: float, timezone: str | None = None) -> str:
    """When the next try may be made: in seconds for a short wait, else in minutes with the clock time."""
    seconds = max(1, math.ceil(refusal.until - now))
    if seconds < SECONDS_PER_MINUTE:
        when = f" {seconds} 秒后"
    else:
        when = f" {math.ceil(seconds / SECONDS_PER_MINUTE)} 分钟后（{_clock(refusal.until, timezone)} 以后）"
    return (LOCKED if refusal.locked else DELAYED).format(when=when)


class Guard:
    """One run's login form: what the log said about the try submitted in it, if any."""

    def __init__(self, log: SigninLog, address: str) -> None:
        self.log, self.address = log, address
        self.refused = False  # the try was refused without checking the password
        self.wait: Refusal | None = None  # the wait in force after this run's try

    @classmethod
    def for_run(cls, settings: Settings) -> Guard:
        return cls(SigninLog(settings.home / SIGNIN_FILENAME, policy(settings)),
                   client_address(settings.signin_client_header))

    def install(self, authenticator: Any) -> None:
        controller = authenticator.authentication_controller
        controller.login = self._wrap(controller.login)

    def _wrap(self, check: Callable[..., bool | None]) -> Callable[..., bool | None]:
        def guarded(username: str | None = None, password: str | None = None, *args: Any, **kwargs: Any):
            if not username:  # a re-login from the (already checked) cookie, or an empty form
                return check(username, password, *args, **kwargs)
            attempt = self.log.begin(username, self.address)
            if not isinstance(attempt, Attempt):
                self.refused, self.wait = True, attempt
                return False
            ok = False
            try:
                ok = bool(check(username, password, *args, **kwargs))
            finally:  # a check that raised counts as a failure
                self.wait = self.log.finish(attempt, ok)
            return ok
        return guarded

    def messages(self, failed: bool) -> list[str]:
        """What to tell the person at the form after this run (`failed`: the widget's status is a failure)."""
        retry = [retry_message(self.wait, time.time(), st.context.timezone)] if self.wait else []
        if self.refused:
            return retry
        return [WRONG_PASSWORD, *retry] if failed else []
