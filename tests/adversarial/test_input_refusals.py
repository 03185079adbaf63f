"""Bad input refused with a message instead of silently meaning something else.

Front matter (typos, empty groups, `version: abc`, YAML alias bombs — fixed on main in issue 10,
kept here as regressions), empty queries, `--k` below 1, and `dutykb users add` without
Streamlit's runtime warnings.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, SEED_NAME

from apps.cli.main import main
from ingest.curation import CorpusStore
from ingest.pipeline import run_ingest
from kb.access import PUBLIC
from kb.errors import EXIT_ERROR, EXIT_USAGE, DutyKBError
from kb.knowledge import KnowledgeBase
from kb.retrieve import HybridRetriever

REPO = Path(__file__).resolve().parents[2]
SECRET = "薪酬数据只保存在加密盘"
BODY = f"# 薪酬专员岗位职责\n1、{SECRET}，严禁拷贝外传。\n"
REFUSED = {  # file → (front matter, what the reason must say)
    "typo.md": ("visiblity: [hr]", "did you mean"),
    "case.md": ("Visibility: [hr]", "visibility"),
    "empty-group.md": ('visibility: [""]', "visibility"),
    "comma-group.md": ('visibility: "，"', "visibility"),
    "version.md": ("version: abc", "version"),
    "bomb.md": ('a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
                'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]', "aliases"),
}
BOMB_SECONDS = 60


@pytest.fixture
def hostile_corpus(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / SEED_NAME, corpus / SEED_NAME)
    for name, (front, _) in REFUSED.items():
        (corpus / name).write_text(f"---\ntitle: 薪酬保密规定\n{front}\n---\n{BODY}", encoding="utf-8")
    return corpus


def test_bad_front_matter_is_skipped_with_its_reason_and_never_indexed_as_public(make_settings, hostile_corpus):
    settings = make_settings(hostile_corpus)
    report = run_ingest(settings, show_progress=False)
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    for name, (_, says) in REFUSED.items():
        assert says in reasons.get(name, ""), (name, reasons.get(name))
    kb = KnowledgeBase(settings)
    assert report.documents == 1 and all(SECRET not in c.text for c in kb.build.chunks)
    hits = HybridRetriever(kb).search("薪酬数据保存在哪里", audience=PUBLIC)
    assert all(SECRET not in h.chunk.text for h in hits)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_curation_store_refuses_bad_front_matter(hostile_corpus, name):
    with pytest.raises(DutyKBError, match=REFUSED[name][1]):
        CorpusStore(hostile_corpus).show(name)


def test_a_yaml_alias_bomb_is_refused_at_once(hostile_corpus):
    done = subprocess.run([sys.executable, "-m", "apps.cli.main", "corpus", "show", "bomb.md", "--corpus",
                           str(hostile_corpus)], cwd=REPO, capture_output=True, text=True, timeout=BOMB_SECONDS)
    assert done.returncode == EXIT_ERROR and "Traceback" not in done.stderr
    assert "aliases" in done.stderr


def test_empty_queries_exit_1_with_a_message(seed_settings, capsys):
    home = ["--home", str(seed_settings.home)]
    for command in (["search", ""], ["ask", "  "], ["search", "", "--json"]):
        assert main([*command, *home]) == EXIT_ERROR, command
        captured = capsys.readouterr()
        assert "empty" in captured.err + captured.out


@pytest.mark.parametrize("k", ["0", "-1", "two"])
def test_k_below_one_is_refused(seed_settings, capsys, k):
    with pytest.raises(SystemExit) as exited:
        main(["search", "值班长的职责", "--k", k, "--home", str(seed_settings.home)])
    assert exited.value.code == EXIT_USAGE
    assert "--k" in capsys.readouterr().err


def test_k_one_returns_one_result(seed_settings, capsys):
    assert main(["search", "值班长的职责", "--k", "1", "--json", "--home", str(seed_settings.home)]) == 0
    assert len(json.loads(capsys.readouterr().out)["results"]) == 1


def test_users_add_prints_no_streamlit_warnings(tmp_path):
    users = tmp_path / "users.yaml"
    done = subprocess.run([sys.executable, "-m", "apps.cli.main", "users", "add", "wang", "--role", "trainer",
                           "--password-stdin", "--users-file", str(users)], input="correct horse\n", cwd=REPO,
                          capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr
    assert "ScriptRunContext" not in done.stderr + done.stdout and "Streamlit" not in done.stderr
    assert "wang" in done.stdout and users.exists()
