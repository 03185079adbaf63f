"""`dutykb corpus …`: list, show, add, edit, retire and history of curated entries."""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from ingest.curation import CorpusStore
from kb.errors import EXIT_BUSY, EXIT_OK, DutyKBError, printable
from kb.frontmatter import EntryMeta, split_front_matter

# A save is indexed right after it is written; when another ingest holds the lock, wait this long by
# default for it to finish (an incremental ingest of a changed entry takes seconds).
DEFAULT_INGEST_WAIT_S = 120.0


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def add_arguments(parser: argparse.ArgumentParser, home: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="corpus_command", required=True, metavar="ACTION")
    common = argparse.ArgumentParser(add_help=False, parents=[home])
    common.add_argument("--corpus", help="corpus directory (default: $DUTYKB_CORPUS, else ./corpus)")
    common.add_argument("--json", action="store_true", help="print JSON")
    writes = argparse.ArgumentParser(add_help=False)
    writes.add_argument("--who", default=login_name(), help="who makes the change (default: login name)")
    writes.add_argument("--why", default="", help="why: kept in the audit record")
    writes.add_argument("--no-ingest", action="store_true", help="do not update the index afterwards")
    writes.add_argument("--wait", type=float, default=DEFAULT_INGEST_WAIT_S, metavar="SECONDS",
                        help="when another ingest is running, wait this long for it before indexing the change "
                             f"(default {DEFAULT_INGEST_WAIT_S:.0f}); if it is still running the change is saved "
                             f"and the command exits {EXIT_BUSY}")

    sub.add_parser("list", parents=[common], help="every corpus file with title, status and versions")
    p = sub.add_parser("show", parents=[common], help="an entry's front matter and body (or an old version)")
    p.add_argument("doc_id")
    p.add_argument("--version", type=int, help="a saved version instead of the current file")
    p = sub.add_parser("add", parents=[common, writes], help="create a curated Markdown entry")
    p.add_argument("doc_id", help="file name under the corpus, ending in .md")
    p.add_argument("--file", required=True, help="Markdown with front matter ('-' for stdin)")
    p = sub.add_parser("edit", parents=[common, writes], help="replace an entry (refused if it changed since --base)")
    p.add_argument("doc_id")
    p.add_argument("--file", required=True, help="the new Markdown with front matter ('-' for stdin)")
    p.add_argument("--base", required=True, help="the sha you edited from (from `corpus show`)")
    p = sub.add_parser("retire", parents=[common, writes], help="mark an entry retired: kept on disk, leaves the index")
    p.add_argument("doc_id")
    p.add_argument("--base", help="the sha you saw (default: the current one)")
    p = sub.add_parser("history", parents=[common], help="versions with who, when, why and the diff")
    p.add_argument("doc_id")


def _read_markdown(source: str) -> tuple[EntryMeta, str]:
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    return split_front_matter(text, source)


def _reingest(args: argparse.Namespace, settings, doc_id: str) -> int:
    """Index the saved change; if another ingest holds the lock past --wait, say the save is not indexed yet."""
    if args.no_ingest:
        return EXIT_OK
    from ingest.pipeline import run_ingest

    try:
        report = run_ingest(settings.with_overrides(lock_wait=args.wait), [settings.corpus], show_progress=False)
    except DutyKBError as exc:
        print(f"dutykb corpus {args.corpus_command}: {printable(doc_id)} is saved but not indexed yet: "
              f"{printable(str(exc))}. "
              "Run `dutykb ingest` once that is resolved.", file=sys.stderr)
        return exc.exit_code
    print(report.summary(), file=sys.stderr)
    return EXIT_OK


def run(args: argparse.Namespace, settings) -> int:
    if args.corpus:
        settings = settings.with_overrides(corpus=Path(args.corpus))
    store = CorpusStore(settings.corpus)
    action = args.corpus_command
    try:
        if action == "list":
            rows = store.entries()
            if args.json:
                print(json.dumps({"entries": rows}, ensure_ascii=False))
            else:
                for row in rows:
                    shown = printable(str(row.get("title") or row.get("error")))
                    print(f"{printable(row['doc_id']):40s} {row.get('status', ''):10s} {shown}")
            return EXIT_OK
        if action == "show":
            if args.version:
                print(store.version_text(args.doc_id, args.version), end="")
                return EXIT_OK
            entry = store.show(args.doc_id)
            if args.json:
                print(json.dumps(entry.to_json(), ensure_ascii=False))
            else:
                print(f"# {args.doc_id}  sha={entry.sha}  status={entry.status}\n{entry.body}")
            return EXIT_OK
        if action == "history":
            records = store.history(args.doc_id)
            if args.json:
                print(json.dumps({"doc_id": args.doc_id, "history": [r.__dict__ for r in records]},
                                 ensure_ascii=False))
            else:
                for r in records:
                    print(f"v{r.version} {r.when} {r.action:7s} {r.who}: {r.why}")
            return EXIT_OK
        if action == "add":
            meta, body = _read_markdown(args.file)
            entry = store.add(args.doc_id, meta, body, args.who, args.why)
        elif action == "edit":
            meta, body = _read_markdown(args.file)
            entry = store.edit(args.doc_id, meta, body, args.base, args.who, args.why)
        else:
            entry = store.retire(args.doc_id, args.base or store.show(args.doc_id).sha, args.who, args.why)
    except DutyKBError as exc:
        print(f"dutykb corpus {action}: {printable(str(exc))}", file=sys.stderr)
        return exc.exit_code
    print(json.dumps(entry.to_json(), ensure_ascii=False) if args.json else f"{action}: {entry.doc_id} sha={entry.sha}")
    return _reingest(args, settings, entry.doc_id)
