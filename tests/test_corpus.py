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
from ingest.preview import preview_text
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


# Front matter as static-site generators and note tools write it: every key here but title/tags is foreign to dutykb.
SITE_FRONT_MATTER = {
    "hugo.md": """---
title: 夜班值守规范
date: 2024-01-15T08:00:00+08:00
lastmod: 2024-03-01
draft: false
tags: [夜班, 机房]
categories: [制度]
aliases: [/old/night/]
slug: night-duty
weight: 10
summary: 夜班值守员的巡检和交接要求
---
""",
    "jekyll.md": """---
layout: post
title: 机房巡检规范
date: 2023-12-01 09:30:00 +0800
permalink: /duty/inspection/
categories: 制度 运维
author: 王老师
excerpt: 巡检要求
published: true
---
""",
    "obsidian.md": """---
uid: 20240115083000
aliases:
  - 夜班交接
cssclass: wide-page
tags:
  - 夜班
created: 2024-01-15
time: "08:30"
notes: 来自值班手册
state: done
person: 张三
---
""",
}
SITE_BODY = "# 夜班值守员岗位职责\n1、每两小时巡检一次机房温湿度并登记。\n2、交班前整理夜班日志并当面交接。\n"


def test_front_matter_from_site_generators_and_note_tools_is_ingested_not_skipped(make_settings, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, front in SITE_FRONT_MATTER.items():
        (corpus / name).write_text(front + SITE_BODY, encoding="utf-8")
    report = run_ingest(make_settings(corpus), show_progress=False)
    assert report.skipped == [] and report.documents == len(SITE_FRONT_MATTER)
    hugo = CorpusStore(corpus).show("hugo.md")
    assert hugo.meta.title == "夜班值守规范" and hugo.meta.tags == ["夜班", "机房"]
    assert set(hugo.meta.ignored) == {"date", "lastmod", "draft", "categories", "aliases", "slug", "weight", "summary"}
    obsidian = CorpusStore(corpus).show("obsidian.md")
    assert obsidian.meta.tags == ["夜班"] and {"uid", "cssclass", "time", "notes", "state", "person"} <= set(
        obsidian.meta.ignored)


ABOUT_PAGE = """---
title: 办公室
type: "about"
layout: "about"
profile:
  avatar: /medias/office/avatar.jpg
  introduction:
    - 办公室是学生会的中枢部门，负责会内联络与日常运营。
positions:
  enable: true
  data:
    - 联络员——负责对接其他部门，传达部门间信息
    - 礼仪队经理——负责礼仪队的纳新、培训和出勤
---
"""


def test_a_page_laid_out_from_its_front_matter_is_read_from_its_fields(make_settings, tmp_path):
    """A static-site "about" page keeps its text in front-matter fields and has no body: it was skipped as an
    empty file. Its text fields are its text (layout values, paths and switches left out), so its posts are found
    and it answers questions."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "office.md").write_text(ABOUT_PAGE, encoding="utf-8")
    settings = make_settings(corpus)
    report = run_ingest(settings, show_progress=False)
    assert report.skipped == [] and report.documents == 1
    kb = KnowledgeBase(settings)
    roles = {r.name: [d.text for d in r.duties] for r in kb.roles_for()}
    assert roles == {"联络员": ["联络员——负责对接其他部门，传达部门间信息"],
                     "礼仪队经理": ["礼仪队经理——负责礼仪队的纳新、培训和出勤"]}
    text = "\n".join(c.text for c in kb.build.chunks)
    assert "中枢部门" in text and "avatar" not in text and "about" not in text


def test_keys_dutykb_does_not_use_survive_an_edit_and_show_in_the_preview(make_settings, tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "hugo.md").write_text(SITE_FRONT_MATTER["hugo.md"] + SITE_BODY, encoding="utf-8")
    store = CorpusStore(corpus)
    entry = store.show("hugo.md")
    store.edit("hugo.md", entry.meta.with_changes(department="客服中心"), entry.body, entry.sha, "王", "加部门")
    saved = (corpus / "hugo.md").read_text(encoding="utf-8")
    assert "department: 客服中心" in saved and "slug: night-duty" in saved and "draft: false" in saved
    assert "lastmod: 2024-03-01\n" in saved  # a date stays a YAML date, not a quoted string
    assert store.show("hugo.md").meta.ignored == entry.meta.ignored
    preview = preview_text("hugo.md", saved, make_settings(corpus))
    assert preview.ignored_keys == ["date", "lastmod", "draft", "categories", "aliases", "slug", "weight", "summary"]
    assert main(["corpus", "show", "hugo.md", "--json", "--corpus", str(corpus)]) == 0
    assert json.loads(capsys.readouterr().out)["meta"]["lastmod"] == "2024-03-01"


NEAR_MISSES = {  # key → the dutykb key it misspells (letter case ignored; one edit, two from 9+ letters)
    "titel": "title", "Title": "title", "tile": "title", "role": "roles", "tag": "tags", "Tags": "tags",
    "sorce": "source", "stauts": "status", "verison": "version", "efective": "effective",
    "effectiv": "effective", "departmnet": "department", "visiblity": "visibility", "Visibility": "visibility",
    "visibilty": "visibility", "vsibilty": "visibility",
}
FOREIGN_KEYS = ("date", "draft", "aliases", "categories", "layout", "permalink", "uid", "summary", "cssclass",
                "weight", "slug", "author", "description", "keywords", "lastmod", "type", "url", "id", "lang",
                "time", "notes", "state", "page", "file", "files", "course", "stage", "person", "vision", "created")


@pytest.mark.parametrize("key", sorted(NEAR_MISSES))
def test_a_near_miss_of_a_dutykb_key_is_refused_with_the_key_it_resembles(key):
    with pytest.raises(FrontMatterError, match=f"did you mean '{NEAR_MISSES[key]}'"):
        parse_meta({"title": "t", key: "x"}, "x.md")


def test_common_foreign_keys_are_not_near_misses_by_accident():
    meta = parse_meta({"title": "t", **{key: "x" for key in FOREIGN_KEYS}}, "x.md")
    assert list(meta.ignored) == list(FOREIGN_KEYS) and meta.title == "t"


def test_a_refused_file_is_named_and_its_indexed_version_is_kept(make_settings, seed_copy):
    settings = make_settings(seed_copy)
    (seed_copy / "night.md").write_text("---\ntitle: 夜班值守规范\n---\n" + SITE_BODY, encoding="utf-8")
    run_ingest(settings, show_progress=False)
    (seed_copy / "night.md").write_text("---\ntitel: 夜班值守规范\n---\n" + SITE_BODY, encoding="utf-8")
    report = run_ingest(settings, show_progress=False)
    [skipped] = report.skipped
    assert skipped.path.endswith("night.md") and "did you mean 'title'" in skipped.reason and skipped.kept_previous
    assert any("每两小时巡检" in c.text for c in KnowledgeBase(settings).build.chunks)
