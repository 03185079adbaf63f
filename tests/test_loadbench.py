"""`dutykb bench load` runs every phase on a copy, with a real ingest in another process (not timed)."""
import json

from apps.cli.main import main
from ingest.pipeline import run_ingest

NIGHT = """---
title: 夜班值守规范
---
# 夜班值守员岗位职责
1、每两小时巡检一次机房温湿度并登记。
2、重大故障须在十五分钟内通知值班长。
3、交接班要提前十分钟到岗并核对值班日志。
"""


def test_every_phase_answers_without_error_and_the_askers_move_to_the_published_build(
        make_settings, tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "small"  # a small corpus: the ingest phase embeds all of it, from an empty cache
    corpus.mkdir()
    (corpus / "night.md").write_text(NIGHT, encoding="utf-8")
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    live = (settings.home / "manifest.json").read_bytes()
    monkeypatch.setenv("DUTYKB_CORPUS", str(corpus))
    monkeypatch.setenv("DUTYKB_EMBEDDING_CACHE", str(settings.embedding_cache_path))
    code = main(["bench", "load", "--askers", "3", "--seconds", "1", "--pause", "0.05", "--json",
                 "--home", str(settings.home)])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["errors"] == 0, result
    assert [r["phase"] for r in result["phases"]] == ["idle", "busy", "askers", "askers+busy", "askers+ingest"]
    assert [r["askers"] for r in result["phases"]] == [1, 1, 3, 3, 3]
    assert all(r["answers"] > 0 and r["p95_ms"] >= r["p50_ms"] > 0 for r in result["phases"])
    ingest = result["phases"][-1]
    assert ingest["publishes"] >= 1 and ingest["askers_on_last_build"] == 3
    assert result["embedder"]["query_threads"] == 1 and result["embedder"]["wait_policy"] == "passive"
    assert (settings.home / "manifest.json").read_bytes() == live  # the live home is never touched
