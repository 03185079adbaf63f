"""`dutykb roles review [DOC]` and `dutykb roles override DOC ACTION …`: the trainer's role review (岗位核对);
`dutykb roles changes ROLE --since DATE` (what changed for a role) and `dutykb roles overlap` (duty overlap report).

Review reads the document from the corpus as ingest would, with the overrides of `corpus/roles.yaml` applied,
so it shows what the next ingest will publish: each role with its duties (and each duty's anchor), where the
role was found, the document's outline nodes a role can be made of, and the overrides that no longer match.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from apps.cli.corpus import login_name
from ingest import review
from ingest.overrides import Action, Override, OverridesError, save_override
from ingest.review import review_corpus, review_document
from kb.access import EVERYONE, Audience
from kb.blocks import clean_section
from kb.errors import EXIT_OK, DutyKBError
from kb.knowledge import KnowledgeBase
from kb.overlap import overlap_report
from kb.records import BREADCRUMB_SEP
from kb.role_changes import RoleChanges, changes_for_role
from kb.settings import Settings
from kb.visits import VisitStore

SECTION_LISTED_CHARS = 60


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="roles_command", metavar="ACTION")
    home = argparse.ArgumentParser(add_help=False)  # also after ACTION; SUPPRESS keeps a --home given before it
    home.add_argument("--home", default=argparse.SUPPRESS,
                      help="index directory (default: $DUTYKB_HOME, else ./.dutykb)")
    review = sub.add_parser("review", parents=[home],
                            help="each document's roles as the next ingest will publish them",
                            description="Without DOC: every document with its role count, documents with no "
                                        "role first. With DOC: its roles, duties (with anchors), where each "
                                        "was found, its outline nodes and the overrides that no longer match.")
    review.add_argument("doc", nargs="?", help="document id (its path under the corpus folder)")
    review.add_argument("--corpus", help="corpus directory (default: $DUTYKB_CORPUS, else ./corpus)")
    review.add_argument("--json", action="store_true", help="print JSON")
    check = sub.add_parser("check", parents=[home], help="compare a corpus's roles with a hand-counted roles file",
                           description="Parse a corpus folder as ingest would (nothing is embedded or indexed) and "
                                       "compare its roles with a roles file: found, exact duty counts, spurious.")
    check.add_argument("corpus_dir", help="corpus folder")
    check.add_argument("roles_file", help="hand-counted roles file (documents: [{doc, roles: [{name, duties}]}])")
    check.add_argument("--json", action="store_true", help="print JSON")
    override = sub.add_parser("override", parents=[home],
                              help="save a correction to corpus/roles.yaml (applied at every ingest)")
    override.add_argument("doc", help="document id")
    override.add_argument("action", choices=[a.value for a in Action])
    override.add_argument("--role", help="the detected role it corrects")
    override.add_argument("--section", help="the role's section path, or the outline node to add a role from")
    override.add_argument("--to", help="new name (rename, add), the role to merge into or move an item to")
    override.add_argument("--alias", action="append", default=[], help="a name to add (repeatable)")
    override.add_argument("--item", help="a duty's anchor (shown by review) to move")
    override.add_argument("--duties", type=int, help="expected number of duties (expect)")
    override.add_argument("--corpus", help="corpus directory (default: $DUTYKB_CORPUS, else ./corpus)")
    override.add_argument("--who", default=login_name(), help="who makes the correction (default: login name)")
    override.add_argument("--why", default="", help="why: kept beside the correction")
    changes = sub.add_parser("changes", parents=[home], help="what changed for a role since a date",
                             description="Duties added, removed and reworded, and rules naming the role that were "
                                         "added, changed or removed, between the build live at --since and the "
                                         "newest build (kb.role_changes).")
    changes.add_argument("role", help="role name or alias")
    since = changes.add_mutually_exclusive_group(required=True)
    since.add_argument("--since", type=moment, help="date (YYYY-MM-DD, local time) or ISO date and time")
    since.add_argument("--since-last-visit", metavar="USER",
                       help="since USER last looked at the role in the app (kb.visits)")
    changes.add_argument("--json", action="store_true", help="print JSON")
    overlap = sub.add_parser("overlap", parents=[home], help="duty overlap report for trainers",
                             description="Per organisation: duties two roles share (verbatim or nearly), duty "
                                         "lists no role owns, roles with no duties, duties a prohibition forbids "
                                         "(kb.overlap).")
    overlap.add_argument("--json", action="store_true", help="print JSON")


def moment(text: str) -> datetime:
    """A date (its start, local time) or an ISO date and time (naive: local time)."""
    try:
        return datetime.fromisoformat(text.strip()).astimezone()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None


def _corpus(args: argparse.Namespace, settings: Settings) -> Path:
    return Path(args.corpus) if getattr(args, "corpus", None) else settings.corpus


def _print_review(data: dict) -> None:
    print(f"《{data['title']}》 {data['doc']}  organisation: {data['organisation']} ({data['organisation_from']})")
    for role in data["roles"]:
        print(f"  {role['name']}（{len(role['duties'])} 项，{role['origin'] or '?'}）  {role['section']}")
        for duty in role["duties"]:
            print(f"    {duty['n']}. [{duty['anchor']}] {duty['text'][:SECTION_LISTED_CHARS]}")
    if not data["roles"]:
        print("  （没有找到岗位）")
    for line in data["unmatched_overrides"]:
        print(f"  override no longer matches: {line}")
    for line in data["failed_checks"]:
        print(f"  duty count check: {line}")
    print("  sections:")
    for section in data["sections"]:
        print(f"    {section.split(BREADCRUMB_SEP)[-1][:SECTION_LISTED_CHARS]}  ⟵  {section}")


def _check(args: argparse.Namespace, settings: Settings) -> int:
    from evals.roles_check import check_roles, listed_documents, load_expected

    roles, skipped = review.corpus_roles(Path(args.corpus_dir), settings)
    for line in skipped:
        print(f"skipped {line}", file=sys.stderr)
    roles_file = Path(args.roles_file)
    check = check_roles(roles, load_expected(roles_file), len(listed_documents(roles_file)))
    if args.json:
        print(json.dumps(check.model_dump(), ensure_ascii=False))
        return EXIT_OK
    print(f"roles found {check.found}/{check.expected} ({check.found_rate:.3f}), exact duty counts "
          f"{check.exact_duties}/{check.expected} ({check.exact_rate:.3f}), spurious {check.spurious_count} "
          f"({check.spurious_per_doc:.2f} per document, {check.documents} documents)")
    for title, rows in (("missing", check.missing), ("wrong counts", check.wrong_counts),
                        ("spurious", check.spurious)):
        if rows:
            print(f"{title}:\n  " + "\n  ".join(rows))
    return EXIT_OK


def _changes(args: argparse.Namespace, settings: Settings, audience: Audience) -> int:
    kb = KnowledgeBase(settings)
    since = args.since
    if since is None:
        since = VisitStore.under(settings.home).last(args.since_last_visit, args.role)
        if since is None:
            raise DutyKBError(f"{args.since_last_visit} has not looked at {args.role} in the app yet; "
                              "give --since DATE instead")
    result = changes_for_role(kb, args.role, since, audience)
    if result.empty:
        kb.resolve_role(args.role, audience)  # an unknown name is an error, not "nothing changed"
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
        return EXIT_OK
    for line in change_lines(result):
        print(line)
    return EXIT_OK


def change_lines(result: RoleChanges) -> list[str]:
    head = f"{result.role}: changes since {result.since:%Y-%m-%d %H:%M}"
    if result.baseline is None:
        return [f"{head}: no build recorded yet (run dutykb ingest)"]
    if not result.complete:
        head += f" (history starts {result.baseline.created.astimezone():%Y-%m-%d %H:%M})"
    if result.empty:
        return [f"{head}: none"]
    lines = [head]
    for d in result.duties:
        old, new = (f"{x.n}. {x.text}" if x else "" for x in (d.old, d.new))
        lines.append(f"  {d.change} duty《{d.title}》: " + (f"{old} → {new}" if d.old and d.new else old or new))
    for r in result.rules:
        text = f"{r.old} → {r.new}" if r.old and r.new else r.old or r.new
        lines.append(f"  {r.change} rule《{r.title}》{r.section}: {text}")
    return lines


def _overlap(args: argparse.Namespace, settings: Settings, audience: Audience) -> int:
    report = overlap_report(KnowledgeBase(settings), audience)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
        return EXIT_OK
    totals = report.to_json()["totals"]
    print(", ".join(f"{k} {v}" for k, v in totals.items()))
    for s in report.shared:
        print(f"  shared ({s.kind}) {s.organisation}: {s.role_a} {s.duty_a.n}. {s.duty_a.text} | "
              f"{s.role_b} {s.duty_b.n}. {s.duty_b.text}")
    for u in report.unowned:
        print(f"  unowned list {u.doc_id} {clean_section(u.section)}: {u.items} items")
    for e in report.empty_roles:
        print(f"  no duties: {e.role} ({e.doc_id} {e.section})")
    for c in report.contradictions:
        print(f"  contradiction {c.organisation}: {c.role} {c.duty.n}. {c.duty.text} | rule: {c.rule}")
    return EXIT_OK


def run(args: argparse.Namespace, settings: Settings, audience: Audience = EVERYONE) -> int:
    if args.roles_command == "check":
        return _check(args, settings)
    if args.roles_command == "changes":
        return _changes(args, settings, audience)
    if args.roles_command == "overlap":
        return _overlap(args, settings, audience)
    corpus = _corpus(args, settings)
    if args.roles_command == "review":
        if args.doc:
            data = review_document(corpus, args.doc, settings)
            print(json.dumps(data, ensure_ascii=False)) if args.json else _print_review(data)
            return EXIT_OK
        rows = review_corpus(corpus, settings)
        if args.json:
            print(json.dumps({"documents": rows}, ensure_ascii=False))
            return EXIT_OK
        for row in rows:
            roles = ", ".join(f"{r['name']} {r['duties']}" for r in row["roles"]) or row.get("error", "no role found")
            print(f"{row['doc']}: {roles}")
        return EXIT_OK
    try:
        override = Override(doc=args.doc, action=Action(args.action), role=args.role, section=args.section,
                            to=args.to, aliases=args.alias, item=args.item, duties=args.duties)
    except ValidationError as exc:
        raise OverridesError(f"{args.doc}: {exc.errors()[0]['msg'].removeprefix('Value error, ')}") from None
    saved = save_override(corpus, override, who=args.who, why=args.why)
    print(f"saved to {corpus / 'roles.yaml'}: {saved.describe()} (applied at the next `dutykb ingest`)")
    return EXIT_OK
