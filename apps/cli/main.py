"""`dutykb` command line: ingest, search, ask, roles, corpus, users, eval, bench.

JSON shapes printed with --json are a stable contract (see README "CLI").
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kb.errors import (
    EXIT_CODES_HELP,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SKIPPED,
    DutyKBError,
    printable,
)

PUBLIC_GROUP = "public"


def _settings(args: argparse.Namespace):
    from kb.settings import load_settings

    return load_settings(home=getattr(args, "home", None))


def positive_int(text: str) -> int:
    """argparse type for counts such as --k: a whole number of at least 1 (0 and negatives are refused)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _audience(args: argparse.Namespace):
    """--as-group G (repeatable, or comma-separated): read as a member of those groups; `public`: of none.

    Without it the CLI reads as the operator who owns the corpus files and sees every entry.
    """
    from kb.access import EVERYONE, Audience

    given = getattr(args, "as_group", None)
    if given is None:
        return EVERYONE
    groups = [g.strip() for value in given for g in value.split(",")]
    return Audience.of(g for g in groups if g != PUBLIC_GROUP)


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.pipeline import run_ingest

    settings = _settings(args)
    if args.wait is not None:
        settings = settings.with_overrides(lock_wait=args.wait)
    if settings.ingest_nice and hasattr(os, "nice"):
        os.nice(settings.ingest_nice)  # before the embedder starts its threads, which inherit it
    paths = [Path(p) for p in args.paths] or None
    report = run_ingest(settings, paths, rebuild=args.rebuild, show_progress=not (args.quiet or args.json))
    if args.json:
        _print_json(report.to_json())
    else:
        print(report.summary())
    if args.strict and report.skipped:
        print(f"--strict: {len(report.skipped)} file(s) could not be ingested", file=sys.stderr)
        return EXIT_SKIPPED
    return EXIT_OK


def _search_json(query: str, hits, notice: str | None = None) -> dict:
    return {"query": query, "results": [h.to_json() for h in hits], "degraded": notice is not None, "notice": notice}


def _warn(notice: str | None) -> None:
    """A notice the reader must see (BM25-only search, an LLM that failed), as one line on stderr."""
    if notice:
        print(f"dutykb: 注意：{notice}", file=sys.stderr)


def _print_hits(query: str, hits) -> None:
    from kb.clauses import chunk_kind, clause_text

    if not hits:
        print(f"「{query}」: 没有找到相关内容")
        return
    for hit in hits:
        items = clause_text(hit.chunk.items, chunk_kind(hit.chunk, hit.chunk.items))
        items = f" {items}" if items else ""
        role = f" [{hit.chunk.role}]" if hit.chunk.role else ""
        print(f"{hit.rank}. ({hit.score:.4f}) {hit.chunk.breadcrumb}{items}{role}")
        print("   " + hit.chunk.text.replace("\n", "\n   "))


def cmd_search(args: argparse.Namespace) -> int:
    from kb.knowledge import KnowledgeBase
    from kb.retrieve import HybridRetriever, QueryError

    retriever = HybridRetriever(KnowledgeBase(_settings(args)))
    audience = _audience(args)
    k = args.k or retriever.kb.settings.top_k

    def run(query: str) -> bool:
        try:
            found = retriever.search_full(query, k, role=args.role, mode=args.mode, audience=audience)
        except QueryError as exc:
            if args.json or args.queries:
                _print_json({"query": query, "results": [], "error": str(exc)})
            else:
                print(f"无法搜索: {exc}", file=sys.stderr)
            return False
        hits = retriever.hits(found, k)
        _warn(found.notice)
        if args.json or args.queries:
            _print_json(_search_json(query, hits, found.notice))
        else:
            _print_hits(query, hits)
        return True

    return _dispatch(run, args.queries, args.query)


def _dispatch(run, lines_file: str | None, words: list[str]) -> int:
    """One question from the command line, one per line of a file, or an interactive prompt.

    `run` returns whether the question could be handled; a question given on the command line that
    cannot (empty, whitespace only) exits 1, as do files where any line could not.
    """
    if lines_file:
        results = [run(line.strip()) for line in _read_lines(lines_file)]
        return EXIT_OK if all(results) else EXIT_ERROR
    if words:
        return EXIT_OK if run(" ".join(words)) else EXIT_ERROR
    return _interactive(run)


class InputFileError(DutyKBError):
    """A --queries / --questions / --dialogues file that cannot be read."""


def _read_lines(path: str) -> list[str]:
    """The non-blank lines of a UTF-8 text file given on the command line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8") \
            from None
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    return [line for line in text.splitlines() if line.strip()]


def _interactive(run) -> int:
    print("dutykb 搜索 — 输入问题后回车，空行或 Ctrl-D 退出。")
    while True:
        try:
            line = input("问题> ").strip()
        except EOFError:
            print()
            return EXIT_OK
        if not line:
            return EXIT_OK
        run(line)


def _print_answer(answer) -> None:
    from kb.clauses import group_citations, numbers_text
    from kb.records import BREADCRUMB_SEP

    if answer.understood_as and answer.understood_as != answer.question:
        print(f"（理解为：{answer.understood_as}）")
    print(answer.answer)
    if answer.citations:
        print("\n来源：")
        for group in group_citations(answer.citations):  # a whole list is one source, each item under it
            if len(group.citations) == 1:
                c = group.citations[0]
                print(f"[{c.n}] {c.label}\n    {c.quote}")
                continue
            clauses = "、".join(group.clauses)
            print(f"[{numbers_text(group.numbers)}] {group.where}"
                  + (f"{BREADCRUMB_SEP}{clauses}" if clauses else ""))
            for c in group.citations:
                print(f"    [{c.n}] " + c.quote.replace("\n", "\n        "))


def _error_json(question: str, exc: Exception) -> dict:
    return {"question": question, "answer": "", "abstained": True, "mode": "extractive", "citations": [],
            "suggestions": [], "level": "none", "degraded": False, "notice": None, "error": str(exc)}


def cmd_ask(args: argparse.Namespace) -> int:
    from kb.answer import Answerer
    from kb.knowledge import KnowledgeBase
    from kb.llm import LLMSpec

    settings = _settings(args).with_overrides(llm=args.llm)
    answerer = Answerer(KnowledgeBase(settings))
    llm = LLMSpec.from_settings(settings)
    audience = _audience(args)
    if args.dialogues:
        return _ask_dialogues(answerer, args.dialogues, args.role, llm, audience)
    if args.explain:
        return _explain(answerer, " ".join(args.question), args.role, audience, args.json)
    as_json = args.json or bool(args.questions)

    def run(question: str) -> bool:
        try:
            answer = answerer.answer(question, role=args.role, llm=llm, audience=audience)
        except DutyKBError as exc:  # one JSON line per question, whatever happens to one of them
            if as_json:
                _print_json(_error_json(question, exc))
            else:
                print(f"无法回答: {exc}", file=sys.stderr)
            return False
        _warn(answer.notice)
        if as_json:
            _print_json(answer.to_json())
        else:
            _print_answer(answer)
        return True

    return _dispatch(run, args.questions, args.question)


def _explain(answerer, question: str, role: str | None, audience, as_json: bool) -> int:
    """`ask --explain`: each stage's output for one question (the extractive path), as text or a JSON list."""
    from kb.answer.explain import as_text, explain

    try:
        stages = explain(answerer, answerer.query(question, role, audience))
    except DutyKBError as exc:
        print(f"无法回答: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if as_json:
        _print_json(stages)
    else:
        print(as_text(stages))
    return EXIT_OK


def _ask_dialogues(answerer, path: str, role: str | None, llm, audience) -> int:
    """`ask --dialogues FILE`: JSON Lines, each line the user turns of one conversation (oldest first); one JSON
    object per turn, in order, with the ask contract plus dialogue, turn and understood_as."""
    from kb.dialogue import Conversation

    ok = True
    for d, line in enumerate(_read_lines(path), 1):
        problem: str | None = None
        try:
            turns = json.loads(line)
        except json.JSONDecodeError as exc:
            turns, problem = None, f"{path} line {d}: not JSON ({exc.msg})"
        except RecursionError:  # json.loads recurses once per nesting level
            turns, problem = None, f"{path} line {d}: JSON nested too deeply (a dialogue is a flat array of strings)"
        else:
            if not (isinstance(turns, list) and all(isinstance(t, str) for t in turns)):
                problem = f"{path} line {d}: a dialogue is a JSON array of strings (the user's turns)"
        if problem:
            _print_json({"dialogue": d, "turn": 0, "error": problem})
            ok = False
            continue
        conversation = Conversation()
        for t, text in enumerate(turns, 1):
            try:
                query = conversation.understand(answerer, text, role, audience)
                answer = answerer.respond(query, llm, streaming=False).run()
            except DutyKBError as exc:
                _print_json({**_error_json(text, exc), "dialogue": d, "turn": t, "understood_as": ""})
                ok = False
                continue
            conversation.add(query, answer)
            _warn(answer.notice)
            _print_json({**answer.to_json(), "dialogue": d, "turn": t, "understood_as": answer.understood_as})
    return EXIT_OK if ok else EXIT_ERROR


def cmd_roles(args: argparse.Namespace) -> int:
    from kb.knowledge import KnowledgeBase

    if getattr(args, "roles_command", None):
        from apps.cli import roles as cli_roles

        return cli_roles.run(args, _settings(args), _audience(args))

    roles = KnowledgeBase(_settings(args)).roles_for(_audience(args))
    if args.json:
        _print_json({"roles": [
            {"name": r.name, "aliases": r.aliases, "source": r.source,
             "duties": [{"n": d.n, "text": d.text} for d in r.duties]}
            for r in roles
        ]})
        return EXIT_OK
    for role in roles:
        print(f"{role.name}（{len(role.duties)} 条）  {role.title} › {role.section}")
        for duty in role.duties:
            print(f"  {duty.n}. {duty.text}")
    return EXIT_OK


def cmd_study(args: argparse.Namespace) -> int:
    from apps.cli import study

    return study.run_study(args, _settings(args), _audience(args))


def cmd_quiz(args: argparse.Namespace) -> int:
    from apps.cli import study

    return study.run_quiz(args, _settings(args), _audience(args))


def cmd_orgs(args: argparse.Namespace) -> int:
    from apps.cli import orgs as cli_orgs
    from kb.knowledge import KnowledgeBase

    return cli_orgs.run(KnowledgeBase(_settings(args)), _audience(args), args.json)


def cmd_corpus(args: argparse.Namespace) -> int:
    from apps.cli import corpus as cli_corpus

    return cli_corpus.run(args, _settings(args))


def cmd_users(args: argparse.Namespace) -> int:
    from apps.cli import users as cli_users

    return cli_users.run(args, _settings(args))


def cmd_eval(args: argparse.Namespace) -> int:
    from apps.cli import eval as cli_eval

    return cli_eval.run(args, _settings(args))


def cmd_bench(args: argparse.Namespace) -> int:
    from apps.bench import cli as bench

    return bench.run(args, _settings(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dutykb", description="岗位职责知识库: ingest duty documents, search them, list roles, benchmark.",
        epilog=EXIT_CODES_HELP,
    )
    home = argparse.ArgumentParser(add_help=False)
    home.add_argument("--home", help="index directory (default: $DUTYKB_HOME, else ./.dutykb)")
    reader = argparse.ArgumentParser(add_help=False)
    reader.add_argument("--as-group", action="append", metavar="GROUP",
                        help="read as a member of GROUP (repeatable or comma-separated; 'public' = no group): "
                             "entries whose front matter `visibility` excludes it are never searched, cited or "
                             "listed. Default: the operator, who sees every entry")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", parents=[home], help="build or update the index from corpus files",
                       description="Read duty documents, build BM25 + Chroma indexes and publish them atomically. "
                                   "Unchanged documents reuse cached embeddings.")
    p.add_argument("paths", nargs="*", help="files or directories (default: ./corpus or $DUTYKB_CORPUS)")
    p.add_argument("--strict", action="store_true", help="exit non-zero when any file could not be ingested")
    p.add_argument("--rebuild", action="store_true", help="ignore the live build and caches of it; rebuild all")
    p.add_argument("--wait", type=float, metavar="SECONDS", help="wait this long for another ingest to finish")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    p.add_argument("--json", action="store_true",
                   help="print the report as one JSON object (build, counts, skipped files, roles per document)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", parents=[home, reader], help="search the knowledge base",
                       description="Hybrid (BM25 + dense) search; Simplified and Traditional queries both work. "
                                   "Without a query, opens an interactive prompt.")
    p.add_argument("query", nargs="*", help="the question or keywords")
    p.add_argument("--k", type=positive_int, default=None, help="number of results, at least 1 (default 5)")
    p.add_argument("--role", help="only chunks of this role (name or alias, either script)")
    p.add_argument("--mode", choices=["hybrid", "bm25", "dense"], default="hybrid", help="retriever (default hybrid)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--queries", metavar="FILE", help="one query per line; prints one JSON object per line")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", parents=[home, reader], help="answer a question with cited sources",
                       description="Extractive answer quoting the duty items that answer the question, each cited "
                                   "(or a plain 'not covered'). With --llm, an OpenAI-compatible model writes the "
                                   "answer and its citations are checked.")
    p.add_argument("question", nargs="*", help="the question")
    p.add_argument("--role", help="answer as this role (name or alias): 'my duties' questions use it")
    p.add_argument("--llm", metavar="SPEC", help="MODEL@BASE_URL of an OpenAI-compatible endpoint (or $DUTYKB_LLM)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--questions", metavar="FILE", help="one question per line; prints one JSON object per line")
    p.add_argument("--dialogues", metavar="FILE",
                   help="JSON Lines, each line an array of user turns (oldest first); answers each turn in its "
                        "conversation and prints one JSON object per turn (with dialogue, turn, understood_as)")
    p.add_argument("--explain", action="store_true",
                   help="print each answer stage's output for the question (retrieve, select, verify, level, "
                        "compose; extractive); with --json a list of {stage, output}")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("roles", parents=[home, reader], help="list roles and their duty items; review and correct them",
                       description="Without ACTION: every role of the live index with its duty items. `review` and "
                                   "`override`: the trainer's role review (corrections kept in corpus/roles.yaml).")
    p.add_argument("--json", action="store_true", help="print JSON")
    from apps.cli import roles as cli_roles

    cli_roles.add_arguments(p)
    p.set_defaults(func=cmd_roles)

    from apps.cli import study as cli_study

    p = sub.add_parser("study", parents=[home, reader], help="a role's study sheet: duties by label, rules, partners",
                       description="Every duty of the role grouped by its label, the rules of its organisation that "
                                   "name it (cited), and the roles it works with; Markdown or a printable HTML page.")
    cli_study.add_study_arguments(p)
    p.set_defaults(func=cmd_study)

    p = sub.add_parser("quiz", parents=[home, reader], help="a self-quiz for a role, made from its documents",
                       description="Cloze, multiple-choice, true/false and ordering questions with their answers, "
                                   "sources and source text; the same seed gives the same quiz.")
    cli_study.add_quiz_arguments(p)
    p.set_defaults(func=cmd_quiz)

    p = sub.add_parser("orgs", parents=[home, reader], help="list organisations with their documents and roles",
                       description="Each organisation of the live index (from front matter, the ingest folder, the "
                                   "title, or a trainer's override) with its documents and roles.")
    p.add_argument("--json", action="store_true",
                   help="print JSON: [{organisation, documents: [...], roles: [...]}]")
    p.set_defaults(func=cmd_orgs)

    p = sub.add_parser("corpus", help="curate corpus entries: list, show, add, edit, retire, history",
                       description="Curated entries are Markdown files with YAML front matter. Every change keeps "
                                   "the previous version and an audit record; the index is updated afterwards.")
    from apps.cli import corpus as cli_corpus

    cli_corpus.add_arguments(p, home)
    p.set_defaults(func=cmd_corpus)

    p = sub.add_parser("users", help="the app's login users: list, add, remove",
                       description="Users sign in to the app with a password (stored as a bcrypt hash). Their app "
                                   "role opens pages (reader < trainer < editor); their groups open restricted "
                                   "entries. Without a users file the app runs open, public entries only.")
    from apps.cli import users as cli_users

    cli_users.add_arguments(p, home)
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("eval", parents=[home], help="run evaluation suites: metrics, reports, regression gate",
                       description="Score retrieval (per retriever) and answers on question suites; write JSON, "
                                   "Markdown and HTML reports; compare with the previous run; exit 4 when a "
                                   "--fail-under threshold is missed.")
    from apps.cli import eval as cli_eval

    cli_eval.add_arguments(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("bench", parents=[home], help="benchmarks: retrieval quality and search latency",
                       description="bench retrieval --squad FILE | --suite FILE ; bench search")
    from apps.bench import cli as bench

    bench.add_arguments(p)
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DutyKBError as exc:
        print(f"dutykb: {printable(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into head and closed early
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
