"""Degraded mode with the embedded store: a damaged Chroma store leaves BM25 answering, with a notice; once the
store is good again the next question uses it again."""
import json
import shutil

import pytest

from apps.cli.main import main
from kb.answer import Answerer
from kb.chroma_store import CHROMA_DIRNAME
from kb.knowledge import KnowledgeBase
from kb.settings import Settings

CHROMA_DB = "chroma.sqlite3"
GARBAGE = b"this is not a sqlite database " * 64


@pytest.fixture
def damaged_home(seed_settings, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(seed_settings.home, home)
    db = home / CHROMA_DIRNAME / CHROMA_DB
    good = db.read_bytes()
    db.write_bytes(GARBAGE)
    return home, db, good


def test_a_damaged_store_leaves_bm25_answering_and_recovers(damaged_home, seed_settings, capsys):
    home, db, good = damaged_home
    settings = Settings(home=home, corpus=seed_settings.corpus, embedding_cache=seed_settings.embedding_cache_path)
    answerer = Answerer(KnowledgeBase(settings))
    answer = answerer.answer("交接班要提前多久到？")
    assert answer.degraded and answer.notice and "BM25" in answer.notice
    assert answer.level == "answered" and "提前10-15分鍾" in answer.answer

    assert main(["ask", "交接班要提前多久到？", "--json", "--home", str(home)]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["degraded"] is True and "BM25" in out.err

    db.write_bytes(good)  # repaired (as `dutykb ingest --rebuild` would): the next question uses the store
    answer = answerer.answer("交接班要提前多久到？")
    assert not answer.degraded and answer.notice is None
