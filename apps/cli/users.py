"""`dutykb users …`: the app's login users (hashed passwords, app role, groups)."""
from __future__ import annotations

import argparse
import getpass
import json
import sys

from kb.errors import EXIT_ERROR, EXIT_OK
from kb.settings import Settings
from kb.users import APP_ROLES, UsersFileError, load_users, remove_user, set_user


def add_arguments(parser: argparse.ArgumentParser, home: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    common = argparse.ArgumentParser(add_help=False, parents=[home])
    common.add_argument("--users-file", help="users file (default: $DUTYKB_USERS_FILE, else <home>/users.yaml)")
    p = sub.add_parser("list", parents=[common], help="users with their app role and groups (no passwords)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = sub.add_parser("add", parents=[common], help="add a user or replace one (creates the file if needed)")
    p.add_argument("username")
    p.add_argument("--role", choices=APP_ROLES, default="reader",
                   help="reader: chat and roles; trainer: + curation and hit tests; editor: + evaluations")
    p.add_argument("--group", action="append", default=[], metavar="GROUP",
                   help="a group whose restricted entries the user sees (repeatable; '*' = every entry)")
    p.add_argument("--name", help="display name (default: the username)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin instead of a prompt")
    p = sub.add_parser("remove", parents=[common], help="remove a user")
    p.add_argument("username")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码: ")
    if first != getpass.getpass("再输入一次: "):
        raise UsersFileError("the two passwords differ")
    return first


def run(args: argparse.Namespace, settings: Settings) -> int:
    path = settings.with_overrides(users_file=args.users_file).users_path
    if args.users_command == "add":
        set_user(path, args.username, _password(args), args.role, args.group, args.name)
        print(f"{args.username}: {args.role}, groups {args.group or '-'} → {path}")
        return EXIT_OK
    if args.users_command == "remove":
        if not remove_user(path, args.username):
            print(f"dutykb: no user {args.username} in {path}", file=sys.stderr)
            return EXIT_ERROR
        print(f"removed {args.username} from {path}")
        return EXIT_OK
    users = load_users(path).users
    if args.json:
        print(json.dumps({"users": [{"username": u.username, "name": u.name, "role": u.app_role,
                                     "groups": list(u.groups)} for u in users.values()]}, ensure_ascii=False))
        return EXIT_OK
    for user in users.values():
        print(f"{user.username}\t{user.name}\t{user.app_role}\t{','.join(user.groups) or '-'}")
    return EXIT_OK
