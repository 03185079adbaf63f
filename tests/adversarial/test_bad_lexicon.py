"""A broken `corpus/lexicon.yaml` never stops an ingest (issue: adversarial input, item 1).

GBK bytes, binary, an impossible date (`words: [2024-13-45]`) or a deeply nested list used to end the
ingest in whatever the decoder or PyYAML raised: a traceback, and nothing published. Now the file is
refused with one line naming it and the problem. What a user expects from a typo in a settings file is
that search keeps working as it did: the ingest keeps the lexicon of the live build (the last good one),
and only without a live build does it go on without a lexicon.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import run_ingest
from kb.knowledge import KnowledgeBase
from kb.lexicon import LEXICON_FILE, LexiconError, load_lexicon
from kb.retrieve import HybridRetriever

GATE = "# 门卫岗位职责\n1、负责校门值守，登记外来人员。\n2、离开座席必须签出。\n"
YAML_DEPTH = 1_000  # deep enough for PyYAML's recursive composer; 5,000 spends ~20 s in its scanner first
GOOD_LEXICON = "synonyms:\n  - [座席, 坐席]\n"
BAD_LEXICONS = {  # name → (bytes of lexicon.yaml, what the one line must say)
    "gbk": ("words: [座席, 台席]\n".encode("gbk"), "UTF-8"),
    "binary": (bytes(range(256)) * 8, "UTF-8"),
    "deep": (("words: " + "[" * YAML_DEPTH + "]" * YAML_DEPTH + "\n").encode(), "nested"),
}


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "gate.md").write_text(GATE, encoding="utf-8")
    return corpus


def _chunk_texts(settings) -> str:
    return "\n".join(c.text for c in KnowledgeBase(settings).build.chunks)


@pytest.mark.parametrize("name", sorted(BAD_LEXICONS))
def test_a_broken_lexicon_is_refused_with_its_reason(tmp_path, name):
    data, says = BAD_LEXICONS[name]
    (tmp_path / LEXICON_FILE).write_bytes(data)
    with pytest.raises(LexiconError, match=says) as refused:
        load_lexicon(tmp_path)
    message = str(refused.value)
    assert str(tmp_path / LEXICON_FILE) in message and "\n" not in message


@pytest.mark.parametrize("name", sorted(BAD_LEXICONS))
def test_a_broken_lexicon_keeps_the_last_good_one(tmp_path, make_settings, name):
    corpus = _corpus(tmp_path)
    lexicon = corpus / LEXICON_FILE
    lexicon.write_text(GOOD_LEXICON, encoding="utf-8")
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    data, says = BAD_LEXICONS[name]
    lexicon.write_bytes(data)
    report = run_ingest(settings, show_progress=False)
    lines = [line for line in report.summary().splitlines() if LEXICON_FILE in line]
    assert len(lines) == 1 and str(lexicon) in lines[0] and says in lines[0], lines
    assert "last good" in lines[0]
    assert report.documents == 1
    hits = HybridRetriever(KnowledgeBase(settings)).search("坐席", k=1, mode="bm25")
    assert hits and "座席" in hits[0].chunk.text  # the synonym group of the last good lexicon still applies


def test_a_broken_lexicon_without_a_live_build_is_left_out(tmp_path, make_settings):
    corpus = _corpus(tmp_path)
    (corpus / LEXICON_FILE).write_bytes(BAD_LEXICONS["gbk"][0])
    settings = make_settings(corpus)
    report = run_ingest(settings, show_progress=False)
    lines = [line for line in report.summary().splitlines() if LEXICON_FILE in line]
    assert len(lines) == 1 and "without a lexicon" in lines[0], lines
    assert report.documents == 1 and "登记外来人员" in _chunk_texts(settings)


def test_an_impossible_date_in_the_lexicon_is_a_word_and_the_ingest_goes_on(tmp_path, make_settings):
    """The YAML loader keeps a date that cannot be one (2024-13-45) as text, so it stops nothing."""
    corpus = _corpus(tmp_path)
    (corpus / LEXICON_FILE).write_bytes(b"words: [2024-13-45]\n")
    assert load_lexicon(corpus).words == ["2024-13-45"]
    report = run_ingest(make_settings(corpus), show_progress=False)
    assert not report.skipped and report.roles == 1
