import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import fill_disk, mounted_tmpfs

from apps.cli.main import main
from ingest.curation import CorpusStore, EntryError, StaleEditError
from ingest.load import discover
from ingest.pipeline import run_ingest
from kb.answer import Answerer
from kb.frontmatter import EntryMeta, FrontMatterError, parse_meta
from kb.knowledge import KnowledgeBase

META = EntryMeta(title="夜班值守规范", department="客服中心", roles=["夜班值守员"], tags=["夜班"])
BODY = "# 夜班值守员岗位职责\n1、每两小时巡检一次机房温湿度并登记。\n2、重大故障须在十五分钟内通知值班长。\n"


def test_add_edit_retire_keep_every_version(tmp_path):
    store = CorpusStore(tmp_path)
    first = store.add("night.md", META, BODY, "王老师", "新增夜班规范")
    second = store.edit("night.md", first.meta, BODY.replace("十五分钟", "十分钟"), first.sha, "李老师",
                        "时限改为十分钟")
    third = store.retire("night.md", second.sha, "王老师", "制度废止")
    assert [r.version for r in store.history("night.md")] == [1, 2, 3]
    assert [r.action for r in store.history("night.md")] == ["add", "edit", "retire"]
    assert "十五分钟" in store.version_text("night.md", 1) and "十分钟内" in store.version_text("night.md", 2)
    assert "-2、重大故障须在十五分钟" in store.history("night.md")[1].diff
    assert store.show("night.md").status == "retired" and third.meta.version == 3
    assert store.history("night.md")[1].who == "李老师"


def test_stale_edit_is_refused_and_nothing_is_overwritten(tmp_path):
    store = CorpusStore(tmp_path)
    base = store.add("night.md", META, BODY, "a", "")
    store.edit("night.md", base.meta, BODY + "3、交班前整理日志。\n", base.sha, "b", "加第3条")
    with pytest.raises(StaleEditError, match="changed since you opened it"):
        store.edit("night.md", base.meta, "1、别人的旧稿", base.sha, "c", "")
    assert "交班前整理日志" in store.show("night.md").body


def test_validation_errors(tmp_path):
    store = CorpusStore(tmp_path)
    with pytest.raises(EntryError, match="title"):
        store.add("x.md", EntryMeta(roles=["a"]), "1、x", "a", "")
    with pytest.raises(FrontMatterError, match="status"):
        store.add("x.md", parse_meta({"title": "t", "status": "draft"}, "x.md"), "1、x", "a", "")
    with pytest.raises(EntryError, match=".md"):
        store.add("x.txt", EntryMeta(title="t"), "1、x", "a", "")
    with pytest.raises(EntryError, match="invalid"):
        store.show("../etc/passwd.md")
    store.add("x.md", EntryMeta(title="t"), "1、x", "a", "")
    with pytest.raises(EntryError, match="already exists"):
        store.add("x.md", EntryMeta(title="t"), "1、x", "a", "")


def test_killed_between_temp_write_and_rename_leaves_the_old_version(tmp_path):
    store = CorpusStore(tmp_path)
    entry = store.add("night.md", META, BODY, "a", "")
    before = (tmp_path / "night.md").read_text(encoding="utf-8")
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from ingest.curation import CorpusStore
        store = CorpusStore(Path({str(tmp_path)!r}))
        entry = store.show("night.md")
        real_replace = os.replace
        def die_before_rename(src, dst):
            if str(dst).endswith("night.md"):
                os.kill(os.getpid(), signal.SIGKILL)
            real_replace(src, dst)
        os.replace = die_before_rename
        store.edit("night.md", entry.meta, "1、写了一半的新版本", entry.sha, "crash", "")
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parent.parent)
    assert proc.returncode == -9
    assert (tmp_path / "night.md").read_text(encoding="utf-8") == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".night.md.")]
    assert leftovers, "the temp file should be what the crash left behind"
    assert [p.name for p in discover([tmp_path])] == ["night.md"]  # the partial file is never ingested
    assert store.show("night.md").sha == entry.sha


def test_entry_is_answerable_after_save_and_gone_after_retire(make_settings, seed_copy):
    settings = make_settings(seed_copy)
    run_ingest(settings, show_progress=False)
    store = CorpusStore(seed_copy)
    kb = KnowledgeBase(settings)
    answerer = Answerer(kb)
    entry = store.add("night.md", META, BODY, "a", "")
    run_ingest(settings, show_progress=False)
    kb.refresh()
    answer = answerer.answer("夜班值守员的职责是什么")
    assert "每两小时巡检一次机房温湿度" in answer.answer
    store.retire("night.md", entry.sha, "a", "废止")
    run_ingest(settings, show_progress=False)
    kb.refresh()
    assert all(c.doc_id != "night.md" for c in kb.build.chunks)
    assert (seed_copy / "night.md").exists()


def test_cli_corpus_round_trip(seed_copy, tmp_path, capsys, embedding_cache, monkeypatch):
    monkeypatch.setenv("DUTYKB_EMBEDDING_CACHE", str(embedding_cache))
    source = tmp_path / "new.md"
    source.write_text("---\ntitle: 夜班值守规范\nroles: [夜班值守员]\n---\n" + BODY, encoding="utf-8")
    home = ["--home", str(tmp_path / "home"), "--corpus", str(seed_copy)]
    assert main(["corpus", "add", "night.md", "--file", str(source), "--who", "王", "--why", "新增", *home]) == 0
    assert main(["corpus", "show", "night.md", "--json", *home]) == 0
    out = capsys.readouterr().out.strip().splitlines()[-1]

    sha = json.loads(out)["sha"]
    assert main(["corpus", "retire", "night.md", "--base", "0000", "--no-ingest", *home]) == 1
    assert "changed since" in capsys.readouterr().err
    assert main(["corpus", "retire", "night.md", "--base", sha, "--who", "王", "--no-ingest", *home]) == 0
    assert main(["corpus", "history", "night.md", "--json", *home]) == 0
    history = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["history"]
    assert [h["action"] for h in history] == ["add", "retire"]


def test_import_checks_the_file_like_ingest(tmp_path):
    store = CorpusStore(tmp_path)
    entry = store.import_file("班长.txt", "二、話務班長崗位職責\n1、負責中心內工作。\n".encode("big5"), "王", "导入")
    assert entry.kind == "text" and "話務班長" in entry.body
    assert (tmp_path / "班长.txt").read_bytes().decode("big5").startswith("二、話務班長")
    assert store.history("班长.txt")[0].action == "import"
    with pytest.raises(EntryError, match="already exists"):
        store.import_file("班长.txt", b"x", "a", "")
    with pytest.raises(EntryError, match="not a zip"):
        store.import_file("bad.docx", b"not a zip", "a", "")
    assert not (tmp_path / "bad.docx").exists()
    assert [p.name for p in discover([tmp_path])] == ["班长.txt"]


TINY_DISK_SIZE = "256k"


@pytest.fixture
def tiny_disk(tmp_path):
    """A 256 KiB tmpfs: a real filesystem that fills up (needs root, as on CI)."""
    with mounted_tmpfs(tmp_path / "disk", TINY_DISK_SIZE) as disk:
        yield disk


def test_disk_full_while_writing_an_entry_keeps_the_old_version(tiny_disk):
    store = CorpusStore(tiny_disk)
    entry = store.add("night.md", META, BODY, "a", "")
    before = (tiny_disk / "night.md").read_text(encoding="utf-8")
    filler = fill_disk(tiny_disk)
    with pytest.raises(OSError):
        store.edit("night.md", entry.meta, BODY + "3、" + "很长的新条目。" * 2000, entry.sha, "b", "")
    filler.unlink()
    assert (tiny_disk / "night.md").read_text(encoding="utf-8") == before
    assert store.show("night.md").sha == entry.sha
    assert [p.name for p in discover([tiny_disk])] == ["night.md"]
