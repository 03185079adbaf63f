"""`dutykb study ROLE [--format md|html]` and `dutykb quiz ROLE [--n N] [--seed S] [--json]`."""
from __future__ import annotations

import argparse
import json

from kb.access import Audience
from kb.errors import EXIT_OK
from kb.knowledge import KnowledgeBase, UnknownRoleError
from kb.normalize import normalize_name
from kb.quiz import KIND_LABELS, make_quiz
from kb.records import Role
from kb.settings import Settings
from kb.study import study_sheet

DEFAULT_QUESTIONS = 10


def add_study_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("role", help="role name or alias, either script")
    p.add_argument("--format", choices=["md", "html"], default="md", help="Markdown (default) or a printable HTML page")
    p.add_argument("--document", metavar="DOC_ID", help="the role's entry in this document (when several define it)")


def add_quiz_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("role", help="role name or alias, either script")
    p.add_argument("--n", type=int, default=DEFAULT_QUESTIONS, help=f"questions (default {DEFAULT_QUESTIONS})")
    p.add_argument("--seed", type=int, default=0, help="the same seed gives the same quiz (default 0)")
    p.add_argument("--json", action="store_true", help="a JSON list of questions with their answers")
    p.add_argument("--document", metavar="DOC_ID", help="the role's entry in this document (when several define it)")


def find_roles(kb: KnowledgeBase, name: str, audience: Audience, document: str | None = None) -> list[Role]:
    """The visible entries of a role (by name or alias); `document`: only its entry there."""
    names = kb.resolve_role(name, audience)
    found = [r for r in kb.roles_for(audience) if r.name in names and (document is None or r.source == document)]
    if not found:
        raise UnknownRoleError(f"no role '{name}' in document '{document}'")
    exact = [r for r in found if normalize_name(r.name) == normalize_name(name)]
    return exact or found


def run_study(args: argparse.Namespace, settings: Settings, audience: Audience) -> int:
    from apps.study_export import to_html, to_markdown

    kb = KnowledgeBase(settings)
    for role in find_roles(kb, args.role, audience, args.document):
        sheet = study_sheet(kb.build, role, audience)
        print(to_html(sheet) if args.format == "html" else to_markdown(sheet), end="")
    return EXIT_OK


def run_quiz(args: argparse.Namespace, settings: Settings, audience: Audience) -> int:
    kb = KnowledgeBase(settings)
    role = find_roles(kb, args.role, audience, args.document)[0]
    questions = make_quiz(kb.build, role, audience, max(args.n, 0), args.seed)
    if args.json:
        print(json.dumps([q.to_json() for q in questions], ensure_ascii=False))
        return EXIT_OK
    for i, q in enumerate(questions, 1):
        print(f"{i}. [{KIND_LABELS[q.kind]}] {q.question}")
        for letter, text in zip("ABCDEFGH", q.choices, strict=False):
            print(f"   {letter}. {text}")
        answer = "；".join(q.answer) if isinstance(q.answer, list) else q.answer
        print(f"   答案：{answer}\n   出处：《{q.source.document}》 {q.source.section}")
    return EXIT_OK
