"""One file that cannot be read never stops an ingest (issue: adversarial input, item 1).

Deeply nested HTML used to end the ingest in a RecursionError in the HTML walker, and a deeply nested
YAML list in one file's front matter ended it in PyYAML's composer: a traceback, and nothing published.
Now nested markup is walked without recursion, and a document that cannot be read or parsed is skipped
with its reason while the rest publishes (a broken lexicon: test_bad_lexicon.py).
"""
from __future__ import annotations

import time
from pathlib import Path

from ingest.formats.limits import FormatLimits
from ingest.load import read_document
from ingest.pipeline import run_ingest
from kb.knowledge import KnowledgeBase

GATE = "# 门卫岗位职责\n1、负责校门值守，登记外来人员。\n2、离开座席必须签出。\n"
DEEP_WORD = "深层嵌套里的值班规定"
SPAN_DEPTH = 3_000
BOLD_TAGS = 45_000  # unclosed, so nested 45,000 deep; under the 50,000-element limit, so read
YAML_DEPTH = 1_000  # deep enough for PyYAML's recursive composer; 5,000 spends ~20 s in its scanner first
READ_SECONDS = 30  # idle: about 1 s each; 20,000 nested <div>s checked the quadratic way: ~100 s


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "gate.md").write_text(GATE, encoding="utf-8")
    return corpus


def _chunk_texts(settings) -> str:
    return "\n".join(c.text for c in KnowledgeBase(settings).build.chunks)


def test_html_nested_thousands_deep_is_read(tmp_path):
    spans = tmp_path / "spans.html"
    spans.write_text(f"<html><body>{'<span>' * SPAN_DEPTH}{DEEP_WORD}{'</span>' * SPAN_DEPTH}</body></html>",
                     encoding="utf-8")
    bold = tmp_path / "bold.html"
    bold.write_text(f"<html><body><p>{DEEP_WORD}</p>{'<b>x' * BOLD_TAGS}</body></html>", encoding="utf-8")
    assert bold.stat().st_size > 150_000
    for path in (spans, bold):
        started = time.perf_counter()
        assert DEEP_WORD in read_document(path, [tmp_path]).text
        assert time.perf_counter() - started < READ_SECONDS, path.name


def test_deeply_nested_block_tags_are_read_in_linear_time(tmp_path):
    """Nested <div>s are each checked for page furniture: done once per page, not once per level."""
    divs = tmp_path / "divs.html"
    depth = 20_000
    divs.write_text(f"<html><body>{'<div>' * depth}{DEEP_WORD}{'</div>' * depth}</body></html>", encoding="utf-8")
    started = time.perf_counter()
    assert DEEP_WORD in read_document(divs, [tmp_path], FormatLimits()).text
    assert time.perf_counter() - started < READ_SECONDS


def test_nested_lists_thousands_deep_are_read(tmp_path):
    lists = tmp_path / "lists.html"
    depth = 2_000
    lists.write_text("<html><body>" + "<ul><li>项目" * depth + DEEP_WORD + "</li></ul>" * depth + "</body></html>",
                     encoding="utf-8")
    assert DEEP_WORD in read_document(lists, [tmp_path]).text


def test_a_file_that_cannot_be_read_is_skipped_and_the_rest_publishes(tmp_path, make_settings):
    corpus = _corpus(tmp_path)
    deep = "[" * YAML_DEPTH + "]" * YAML_DEPTH
    (corpus / "deep-yaml.md").write_text(f"---\ntitle: 深\ntags: {deep}\n---\n# 保安岗位职责\n1、巡逻。\n",
                                         encoding="utf-8")
    spans = f"{'<span>' * SPAN_DEPTH}{DEEP_WORD}{'</span>' * SPAN_DEPTH}"
    (corpus / "spans.html").write_text(f"<title>深层页面</title><body>{spans}</body>", encoding="utf-8")
    settings = make_settings(corpus)
    report = run_ingest(settings, show_progress=False)
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert list(reasons) == ["deep-yaml.md"] and reasons["deep-yaml.md"].strip()
    assert "deep-yaml.md" in report.summary() and "Traceback" not in report.summary()
    assert report.documents == 2 and report.build_id is not None
    texts = _chunk_texts(settings)
    assert "登记外来人员" in texts and DEEP_WORD in texts
