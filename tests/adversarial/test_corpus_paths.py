"""Corpus paths never lead outside the corpus, for any write or read.

A symlinked folder inside the corpus (`linkdir -> /elsewhere`) used to let `corpus add linkdir/x.md`
(and the app's new-entry file name) write outside it; `corpus show` of a symlink to an outside file
printed that file; `--version` and `history` joined the entry id to `.history/` unchecked.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from app_driver import click, open_page

from apps.cli.main import main
from apps.ui import curation_page as cur
from ingest.curation import CorpusStore, EntryError, sha_of
from ingest.pipeline import run_ingest
from kb.errors import EXIT_ERROR
from kb.frontmatter import EntryMeta

SECRET = "root:x:0:0:不该被读到的外部文件"
ENTRY = "---\ntitle: 夜班值守规范\n---\n# 夜班值守员岗位职责\n1、每两小时巡检一次机房。\n"


@pytest.fixture
def linked(tmp_path) -> tuple[Path, Path]:
    """(corpus, outside): the corpus holds `linkdir` → outside and `evil.md` → outside/secret.md."""
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    (corpus / ".history").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.md").write_text(f"---\ntitle: x\n---\n{SECRET}\n", encoding="utf-8")
    (outside / "v1.md").write_text(SECRET, encoding="utf-8")
    (corpus / "linkdir").symlink_to(outside, target_is_directory=True)
    (corpus / "evil.md").symlink_to(outside / "secret.md")
    return corpus, outside


def _outside_files(outside: Path) -> set[str]:
    return {p.name for p in outside.rglob("*")}


def test_corpus_add_through_a_symlinked_folder_is_refused(linked, tmp_path, capsys):
    corpus, outside = linked
    before = _outside_files(outside)
    source = tmp_path / "new.md"
    source.write_text(ENTRY, encoding="utf-8")
    code = main(["corpus", "add", "linkdir/x.md", "--file", str(source), "--corpus", str(corpus), "--no-ingest"])
    err = capsys.readouterr().err
    assert code == EXIT_ERROR and "outside the corpus" in err and "Traceback" not in err
    assert _outside_files(outside) == before
    with pytest.raises(EntryError, match="outside the corpus"):
        CorpusStore(corpus).add("linkdir/y.md", EntryMeta(title="t"), "1、x", "王", "")
    assert _outside_files(outside) == before


@pytest.mark.parametrize("command", [
    ["show", "evil.md"], ["show", "linkdir/secret.md"], ["show", "evil.md", "--json"],
    ["show", "../../outside", "--version", "1"], ["history", "../../outside"], ["history", "linkdir/secret.md"],
    ["retire", "evil.md", "--no-ingest"],
    ["edit", "linkdir/secret.md", "--file", "SOURCE", "--base", "BASE", "--no-ingest"],
])
def test_reads_and_writes_of_outside_files_are_refused(linked, tmp_path, capsys, command):
    corpus, outside = linked
    source = tmp_path / "new.md"
    source.write_text(ENTRY, encoding="utf-8")
    before = {p.name: p.read_bytes() for p in outside.iterdir()}
    given = {"SOURCE": str(source), "BASE": sha_of((outside / "secret.md").read_text(encoding="utf-8"))}
    code = main(["corpus", *[given.get(part, part) for part in command], "--corpus", str(corpus)])
    captured = capsys.readouterr()
    assert code == EXIT_ERROR, captured
    assert SECRET not in captured.out + captured.err and "Traceback" not in captured.err
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == before


def test_a_symlink_to_a_file_inside_the_corpus_still_reads(linked):
    corpus, _ = linked
    (corpus / "night.md").write_text(ENTRY, encoding="utf-8")
    (corpus / "alias.md").symlink_to(corpus / "night.md")
    assert "巡检" in CorpusStore(corpus).show("alias.md").body


def test_the_apps_new_entry_name_goes_through_the_same_check(make_settings, seed_copy, tmp_path, monkeypatch,
                                                            embedding_cache):
    outside = tmp_path / "outside"
    outside.mkdir()
    (seed_copy / "linkdir").symlink_to(outside, target_is_directory=True)
    settings = make_settings(seed_copy)
    run_ingest(settings, show_progress=False)
    monkeypatch.setenv("DUTYKB_HOME", str(settings.home))
    monkeypatch.setenv("DUTYKB_CORPUS", str(seed_copy))
    monkeypatch.setenv("DUTYKB_EMBEDDING_CACHE", str(embedding_cache))
    at = open_page("apps/ui/curation_page.py")
    at.radio(key=cur.VIEW_KEY).set_value(cur.VIEW_NEW).run()
    at.text_input(key="new_title").set_value("夜班值守规范")
    at.text_input(key=cur.FILE_KEY).set_value("linkdir/night")
    at.text_area(key="new_body").set_value("# 夜班值守员岗位职责\n1、每两小时巡检一次机房。")
    at.text_input(key=cur.WHO_KEY).set_value("王老师").run()
    click(at, "new_save")
    assert any("outside the corpus" in str(e.value) for e in at.error), [e.value for e in at.error]
    assert list(outside.iterdir()) == []
