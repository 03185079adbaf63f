"""Restricted entries never become public because their front matter was misread.

Front matter that does not parse as front matter (a blank line before the opening `---`, no closing
`---`, a `visibility:` line outside it), two `visibility` keys, an empty `visibility`, and a date
that does not exist: each is refused with the file and the problem named, or read exactly as meant.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS, SEED_NAME

from apps.cli.main import main
from ingest.curation import CorpusStore
from ingest.pipeline import run_ingest
from kb.access import PUBLIC, Audience
from kb.errors import EXIT_ERROR, DutyKBError
from kb.frontmatter import split_front_matter
from kb.knowledge import KnowledgeBase
from kb.retrieve import HybridRetriever

SECRET = "薪酬数据只保存在加密盘"
BODY = f"# 薪酬专员岗位职责\n1、{SECRET}，严禁拷贝外传。\n"
QUESTION = "薪酬数据保存在哪里"
REFUSED = {  # file → (its text, what the skip reason must say)
    "unclosed.md": (f"---\ntitle: 薪酬保密规定\nvisibility: [hr]\n\n{BODY}", "never closed"),
    "duplicate.md": (f"---\ntitle: 薪酬保密规定\nvisibility: [hr]\nvisibility: [hr, ops]\n---\n{BODY}",
                     "duplicate key 'visibility'"),
    "empty-list.md": (f"---\ntitle: 薪酬保密规定\nvisibility: []\n---\n{BODY}", "visibility: public"),
    "empty-value.md": (f"---\ntitle: 薪酬保密规定\nvisibility:\n---\n{BODY}", "visibility: public"),
    "closed-early.md": (f"---\ntitle: 薪酬保密规定\n---\nvisibility: [hr]\n{BODY}", "outside the front matter"),
    "no-dashes.md": (f"title: 薪酬保密规定\nvisibility: [hr]\n\n{BODY}", "outside the front matter"),
    "plain.txt": (f"visibility: [hr]\n{BODY}", "only in the front matter of a .md"),
    "bad-date.md": (f"---\ntitle: 薪酬保密规定\neffective: 2024-02-30\nvisibility: [hr]\n---\n{BODY}",
                    "'effective'"),
    "bad-month.md": (f"---\ntitle: 薪酬保密规定\neffective: 2024-13-01\nvisibility: [hr]\n---\n{BODY}",
                     "'effective'"),
    "public-and-group.md": (f"---\ntitle: 薪酬保密规定\nvisibility: [public, hr]\n---\n{BODY}", "public"),
}
READ_AS_MEANT = {  # file → (its text, the groups that may see it)
    "blank-line-first.md": (f"\n\n---\ntitle: 薪酬保密规定\nvisibility: [hr]\n---\n{BODY}", ["hr"]),
    "bom.md": (f"\ufeff---\ntitle: 薪酬保密规定\nvisibility: [hr]\n---\n{BODY}", ["hr"]),
    "crlf.md": (f"---\r\ntitle: 薪酬保密规定\r\nvisibility: [hr]\r\n---\r\n{BODY}", ["hr"]),
}


def _corpus(tmp_path: Path, files: dict[str, tuple[str, object]]) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / SEED_NAME).write_bytes((CORPUS / SEED_NAME).read_bytes())
    for name, (text, _) in files.items():
        (corpus / name).write_bytes(text.encode("utf-8"))
    return corpus


def _public_texts(settings) -> list[str]:
    kb = KnowledgeBase(settings)
    visible = [c.text for c in kb.build.chunks if PUBLIC.may_see(c.visibility)]
    return visible + [h.chunk.text for h in HybridRetriever(kb).search(QUESTION, audience=PUBLIC)]


def test_misread_front_matter_is_refused_with_its_file_and_never_indexed(make_settings, tmp_path):
    settings = make_settings(_corpus(tmp_path, REFUSED))
    report = run_ingest(settings, show_progress=False)
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    for name, (_, says) in REFUSED.items():
        assert says in reasons.get(name, ""), (name, reasons.get(name))
    assert report.documents == 1
    assert all(SECRET not in text for text in _public_texts(settings))


def test_front_matter_after_blank_lines_a_bom_or_with_crlf_is_read_as_meant(make_settings, tmp_path):
    settings = make_settings(_corpus(tmp_path, READ_AS_MEANT))
    report = run_ingest(settings, show_progress=False)
    assert report.skipped == [] and report.documents == 1 + len(READ_AS_MEANT)
    chunks = KnowledgeBase(settings).build.chunks
    for name, (_, groups) in READ_AS_MEANT.items():
        assert {tuple(c.visibility) for c in chunks if c.doc_id == name} == {tuple(groups)}, name
    assert all(SECRET not in text for text in _public_texts(settings))
    hr = HybridRetriever(KnowledgeBase(settings)).search(QUESTION, audience=Audience.of(["hr"]))
    assert any(SECRET in h.chunk.text for h in hr)


def test_visibility_public_is_the_explicit_way_to_say_everyone():
    meta, _ = split_front_matter(f"---\ntitle: 公开规定\nvisibility: public\n---\n{BODY}", "open.md")
    assert meta.visibility == []
    meta, _ = split_front_matter(f"---\ntitle: 公开规定\nvisibility: [public]\n---\n{BODY}", "open.md")
    assert meta.visibility == []


def test_a_foreign_date_that_does_not_exist_is_kept_as_written():
    meta, _ = split_front_matter(f"---\ntitle: 规定\ndate: 2024-02-30\n---\n{BODY}", "x.md")
    assert meta.ignored == {"date": "2024-02-30"}


def test_an_entry_that_was_public_and_now_says_visibility_badly_is_withdrawn(make_settings, tmp_path):
    """The trainer meant to restrict it: its earlier, public version is not kept serving everyone."""
    corpus = _corpus(tmp_path, {"pay.md": (f"---\ntitle: 薪酬保密规定\n---\n{BODY}", None)})
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    assert any(SECRET in text for text in _public_texts(settings))
    for text, says in [(f"---\ntitle: 薪酬保密规定\nvisibility: [hr]\n{BODY}", "never closed"),
                       (f"---\ntitle: 薪酬保密规定\nvisiblity: [hr]\n---\n{BODY}", "did you mean 'visibility'")]:
        (corpus / "pay.md").write_text(text, encoding="utf-8")
        report = run_ingest(settings, show_progress=False)
        [skipped] = report.skipped
        assert says in skipped.reason and not skipped.kept_previous
        assert all(SECRET not in t for t in _public_texts(settings))


@pytest.mark.parametrize("name", sorted(n for n in REFUSED if n.endswith(".md")))
def test_the_curation_store_and_cli_refuse_it_too(tmp_path, capsys, name):
    corpus = _corpus(tmp_path, REFUSED)
    with pytest.raises(DutyKBError, match=REFUSED[name][1]):
        CorpusStore(corpus).show(name)
    source = corpus / name
    code = main(["corpus", "add", "copy.md", "--file", str(source), "--corpus", str(corpus), "--no-ingest"])
    assert code == EXIT_ERROR and REFUSED[name][1] in capsys.readouterr().err
    assert not (corpus / "copy.md").exists()
