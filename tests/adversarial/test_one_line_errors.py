"""Failures the operator can act on print one line and exit with the README's code, never a traceback.

A full disk during `corpus add`, a read-only home at `ingest`, a 5,000-deep JSON array in one
`ask --dialogues` line (the other lines are still answered), a deleted Chroma folder (`ask` answers
from BM25 with the notice), a Chroma database damaged so that Chroma's Rust core panics (its
multi-line panic never reaches stderr), and question files that cannot be read.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import fill_disk, mounted_tmpfs

from apps.cli.main import main
from kb.chroma_store import CHROMA_DB_FILE, CHROMA_DIRNAME
from kb.errors import EXIT_ERROR, EXIT_OK
from kb.rust_panics import capture_panics

REPO = Path(__file__).resolve().parents[2]
QUESTION = "值班长的职责是什么"
DEEP = 5000
ENTRY = "---\ntitle: 夜班值守规范\n---\n# 夜班值守员岗位职责\n1、每两小时巡检一次机房温湿度并登记。\n"
PANIC_DAMAGE = "UPDATE embeddings_queue SET operation = 99"  # Chroma's log reader panics: "Invalid operation code"
RO_SIZE = "64m"


def dutykb(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "apps.cli.main", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})})


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr and "thread '" not in stderr, stderr
    return lines[0]


def test_a_full_disk_during_corpus_add_is_one_line(tmpfs_disk, tmp_path):
    corpus = tmpfs_disk / "corpus"
    corpus.mkdir()
    source = tmp_path / "night.md"
    source.write_text(ENTRY, encoding="utf-8")
    fill_disk(tmpfs_disk)
    done = dutykb("corpus", "add", "night.md", "--file", str(source), "--corpus", str(corpus), "--no-ingest",
                  "--home", str(tmp_path / "home"))
    assert done.returncode == EXIT_ERROR
    assert "full" in one_line(done.stderr) and str(corpus) in done.stderr
    assert not (corpus / "night.md").exists()


def test_a_read_only_home_at_ingest_is_one_line(seed_settings, tmp_path):
    with mounted_tmpfs(tmp_path / "ro", RO_SIZE) as disk:
        home = disk / "home"
        shutil.copytree(seed_settings.home, home)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        done = dutykb("ingest", "-q", "--home", str(home))
        assert done.returncode == EXIT_ERROR
        line = one_line(done.stderr)
        assert str(home) in line and "read-only" in line.lower()


def test_a_too_deep_dialogue_line_gets_one_error_and_the_rest_are_answered(seed_settings, tmp_path, capsys):
    dialogues = tmp_path / "dialogues.jsonl"
    lines = [json.dumps([QUESTION]), "[" * DEEP + "]" * DEEP, json.dumps(["交接班要提前多久到"])]
    dialogues.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["ask", "--dialogues", str(dialogues), "--home", str(seed_settings.home)])
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == EXIT_ERROR
    assert [o["dialogue"] for o in out] == [1, 2, 3]
    assert out[0]["answer"] and out[2]["answer"] and "error" not in out[0]
    assert "line 2" in out[1]["error"] and "nested" in out[1]["error"]


def test_a_deleted_chroma_folder_leaves_ask_answering_from_bm25_with_the_notice(seed_settings, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(seed_settings.home, home)
    shutil.rmtree(home / CHROMA_DIRNAME)
    done = dutykb("ask", QUESTION, "--home", str(home))
    assert done.returncode == EXIT_OK, done.stderr
    assert "具體負責熱線服務中心現場管理" in done.stdout
    line = one_line(done.stderr)
    assert "注意" in line and "BM25" in line and "dutykb ingest" in line
    done = dutykb("search", QUESTION, "--json", "--home", str(home))
    assert done.returncode == EXIT_OK and json.loads(done.stdout)["degraded"] is True


def test_a_chroma_panic_is_one_line_and_ingest_repairs_the_store(seed_settings, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(seed_settings.home, home)
    with sqlite3.connect(home / CHROMA_DIRNAME / CHROMA_DB_FILE) as db:
        db.execute(PANIC_DAMAGE)
    done = dutykb("ask", QUESTION, "--home", str(home))
    assert done.returncode == EXIT_OK and "具體負責熱線服務中心現場管理" in done.stdout
    line = one_line(done.stderr)
    assert "damaged" in line and "dutykb ingest" in line
    env = {"DUTYKB_EMBEDDING_CACHE": str(seed_settings.embedding_cache_path),
           "DUTYKB_CORPUS": str(seed_settings.corpus)}
    done = dutykb("ingest", "-q", "--home", str(home), env=env)
    assert done.returncode == EXIT_OK and "thread '" not in done.stderr, done.stderr
    assert "damaged" in done.stdout
    done = dutykb("ask", QUESTION, "--home", str(home))
    assert done.returncode == EXIT_OK and done.stderr.strip() == ""


def test_question_files_that_cannot_be_read_are_one_line(seed_settings, tmp_path):
    undecodable = tmp_path / "questions.txt"
    undecodable.write_bytes(b"\xff\xfe\xfa bad\n")
    home = ["--home", str(seed_settings.home)]
    for command in (["ask", "--questions", str(tmp_path / "missing.txt")], ["ask", "--dialogues", str(undecodable)],
                    ["search", "--queries", str(tmp_path / "missing.txt")], ["ask", "--questions", str(undecodable)]):
        done = dutykb(*command, *home)
        assert done.returncode == EXIT_ERROR, command
        assert command[2] in one_line(done.stderr)


RUST_PANIC = ("\nthread 'tokio-rt-worker' (7838) panicked at rust/log/src/sqlite_log.rs:616:14:\n"
              "Invalid operation code\nstack backtrace:\n"
              "note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.\n")


def test_other_text_written_during_a_chroma_call_still_reaches_stderr(capfd):
    with capture_panics():
        with capture_panics() as inner:  # calls nest (and come from several threads): one redirection
            os.write(2, b"a warning of its own\n" + RUST_PANIC.encode())
            assert inner.panics() == ["Invalid operation code (at rust/log/src/sqlite_log.rs:616:14)"]
        os.write(2, RUST_PANIC.encode())
    os.write(2, b"after\n")
    assert capfd.readouterr().err == ("a warning of its own\n"
                                      "chroma: panic: Invalid operation code (at rust/log/src/sqlite_log.rs:616:14)\n"
                                      "after\n")
