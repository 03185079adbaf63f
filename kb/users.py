"""The app's users file: who may sign in, their app role and their groups.

The file is streamlit-authenticator's config format (so its login widget reads it
as is) with one extra field per user, `groups`:

    cookie: {name: dutykb_auth, key: <random secret>, expiry_days: 1}
    credentials:
      usernames:
        wang:
          name: 王小明
          password: $2b$12$...        # bcrypt hash, never the password itself
          roles: [trainer]            # reader | trainer | editor
          groups: [hr]                # entries with `visibility: [hr]` become visible; "*" = every entry
          password_changed: 1764300000.0   # when the password was last set (Unix time)

A password change ends the user's existing sessions: the app compares a session's
`session_stamp` (derived from the password hash) on every run, and refuses re-login
cookies issued before `password_changed`.
"""
from __future__ import annotations

import copy
import hashlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kb.access import Audience
from kb.atomic import atomic_write_text
from kb.errors import DutyKBError
from kb.safeyaml import YamlError, load_yaml

APP_ROLES = ("reader", "trainer", "editor")  # each includes the ones before it
COOKIE_NAME = "dutykb_auth"
COOKIE_EXPIRY_DAYS = 1
COOKIE_KEY_BYTES = 32
BCRYPT_PREFIX = "$2"
STAMP_CHARS = 16


class UsersFileError(DutyKBError):
    """The users file cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class User:
    username: str
    name: str
    app_role: str
    groups: tuple[str, ...]
    session_stamp: str = ""  # changes whenever the password does (a digest of its hash, not the hash)
    password_changed: float | None = None  # Unix time the password was last set; None in older files

    @property
    def audience(self) -> Audience:
        return Audience.of(self.groups)


def may(app_role: str, needed: str) -> bool:
    """Whether `app_role` includes `needed` (editor ⊇ trainer ⊇ reader)."""
    return APP_ROLES.index(app_role) >= APP_ROLES.index(needed)


def _as_list(value, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise UsersFileError(f"{where} must be a list")
    return [str(v) for v in value]


@dataclass
class UsersFile:
    path: Path
    config: dict

    @property
    def users(self) -> dict[str, User]:
        found = {}
        for username, data in self.config["credentials"]["usernames"].items():
            roles = _as_list(data.get("roles"), f"{self.path}: roles of {username}") or ["reader"]
            changed = data.get("password_changed")
            found[username] = User(str(username), str(data.get("name") or username),
                                   max(roles, key=APP_ROLES.index), tuple(_as_list(data.get("groups"), "groups")),
                                   session_stamp(str(data.get("password", ""))),
                                   float(changed) if isinstance(changed, int | float) else None)
        return found

    def credentials(self) -> dict:
        """A private copy for the login widget (it writes bookkeeping fields into what it is given)."""
        return copy.deepcopy(self.config["credentials"])

    @property
    def cookie(self) -> dict:
        return self.config["cookie"]


def load_users(path: Path) -> UsersFile:
    try:
        config = load_yaml(path.read_text(encoding="utf-8"), str(path)) or {}
    except (OSError, UnicodeDecodeError, YamlError) as exc:
        raise UsersFileError(f"{path}: cannot read users file ({exc})") from None
    if not isinstance(config, dict):
        raise UsersFileError(f"{path}: users file must be a mapping")
    users = (config.get("credentials") or {}).get("usernames")
    if not isinstance(users, dict) or not users:
        raise UsersFileError(f"{path}: no users under credentials.usernames")
    cookie = config.get("cookie") or {}
    if not cookie.get("key"):
        raise UsersFileError(f"{path}: cookie.key (a random secret) is missing")
    for username, data in users.items():
        if not isinstance(data, dict) or not str(data.get("password", "")).startswith(BCRYPT_PREFIX):
            raise UsersFileError(f"{path}: user {username} needs a bcrypt password hash (use: dutykb users add)")
        for role in _as_list(data.get("roles"), f"{path}: roles of {username}"):
            if role not in APP_ROLES:
                raise UsersFileError(f"{path}: user {username} has unknown role '{role}' "
                                     f"(one of {', '.join(APP_ROLES)})")
    config.setdefault("cookie", {}).setdefault("name", COOKIE_NAME)
    config["cookie"].setdefault("expiry_days", COOKIE_EXPIRY_DAYS)
    return UsersFile(path, config)


def session_stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:STAMP_CHARS]


def hash_password(password: str) -> str:
    """A bcrypt hash in the format the login widget checks (it verifies with bcrypt too)."""
    import bcrypt

    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def set_user(path: Path, username: str, password: str, app_role: str, groups: list[str], name: str | None) -> None:
    """Add or replace a user (creating the file, with a fresh cookie secret, if needed)."""
    if app_role not in APP_ROLES:
        raise UsersFileError(f"unknown role '{app_role}' (one of {', '.join(APP_ROLES)})")
    if not password:
        raise UsersFileError("the password must not be empty")
    config: dict[str, Any] = load_users(path).config if path.exists() else {
        "cookie": {"name": COOKIE_NAME, "key": secrets.token_hex(COOKIE_KEY_BYTES), "expiry_days": COOKIE_EXPIRY_DAYS},
        "credentials": {"usernames": {}},
    }
    config["credentials"]["usernames"][username] = {
        "name": name or username, "password": hash_password(password), "roles": [app_role], "groups": groups,
        "password_changed": round(time.time(), 3),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, yaml.safe_dump(config, allow_unicode=True, sort_keys=False))


def remove_user(path: Path, username: str) -> bool:
    users_file = load_users(path)
    removed = users_file.config["credentials"]["usernames"].pop(username, None) is not None
    if removed:
        atomic_write_text(path, yaml.safe_dump(users_file.config, allow_unicode=True, sort_keys=False))
    return removed
