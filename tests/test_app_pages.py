"""What the pages show, through AppTest on the seed index (read-only): the entry list, the new-entry form,
the words the pages write themselves. tests/test_browser.py checks the same in Chromium."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from app_driver import open_page
from conftest import CORPUS, SEED_NAME

from apps.ui import curation_page as cur
from apps.ui import entry_list, render
from apps.ui.eval_report_view import run_axis_labels
from kb.clauses import ARTICLE, ITEM, clause_text, group_citations, numbers_text
from kb.records import Citation

CURATION_PAGE = "apps/ui/curation_page.py"


@pytest.fixture
def seed_app(seed_settings, monkeypatch):
    monkeypatch.setenv("DUTYKB_HOME", str(seed_settings.home))
    monkeypatch.setenv("DUTYKB_CORPUS", str(CORPUS))
    monkeypatch.setenv("DUTYKB_EMBEDDING_CACHE", str(seed_settings.embedding_cache_path))


def test_the_entry_list_shows_the_parsed_title_the_roles_and_original_file(seed_app, seed_kb):
    at = open_page(CURATION_PAGE)
    [row] = at.dataframe[0].value.to_dict("records")
    assert row["文件"] == SEED_NAME and row["标题"] == "後場老師職責"  # not the file name's stem
    roles = [r.name for r in seed_kb.roles_for()]
    assert row["岗位"] == f"{len(roles)} 个：" + "、".join(roles) and len(roles) == 16
    assert row["版本数"] == entry_list.ORIGINAL_FILE  # never saved in the app: not "0 versions"


def test_a_new_entry_takes_its_file_name_from_the_title_until_the_trainer_types_one(seed_app):
    at = open_page(CURATION_PAGE)
    at.radio(key=cur.VIEW_KEY).set_value(cur.VIEW_NEW).run()
    at.text_input(key="new_title").set_value("夜班值守规范（2024版）").run()
    assert at.text_input(key=cur.FILE_KEY).value == "夜班值守规范-2024版.md"
    at.text_input(key="new_title").set_value("夜班 值守/规范").run()
    assert at.text_input(key=cur.FILE_KEY).value == "夜班-值守-规范.md"  # follows the title
    at.text_input(key=cur.FILE_KEY).set_value("night.md").run()
    at.text_input(key="new_title").set_value("夜班规范").run()
    assert at.text_input(key=cur.FILE_KEY).value == "night.md"  # the trainer's own name stays
    assert not at.exception


def duty_citation(n: int, item: int, kind: str = ITEM) -> Citation:
    return Citation(n=n, chunk_id="c", doc_id=SEED_NAME, title="後場老師職責", section="三、值班長崗位職責",
                    items=[item], quote="負責現場管理。", item_kind=kind)


def test_a_whole_list_is_one_source_label_with_its_item_range_kept_on_one_line():
    [group] = group_citations([duty_citation(n, n) for n in range(1, 12)])
    label = render.group_label(group)
    assert label == ("\\[1–11\\] 《後場老師職責》 三、值班長崗位職責 › "
                     "第\u20601\u2060–\u206011\u2060项")  # document words as written, 项 in Simplified
    quotes = render.group_quotes(group, ())
    assert all(render.citation_marker(n) in quotes for n in range(1, 12))  # each item keeps its [n]
    assert "**第\u20603\u2060项** 負責現場管理。" in quotes  # a quote without its own number is given it


def test_articles_are_labelled_tiao_and_list_items_xiang():
    article = duty_citation(2, 12, ARTICLE)
    assert render.group_label(group_citations([article])[0]).endswith("第\u206012\u2060条")
    assert article.label.endswith("› 第12条") and duty_citation(2, 12).label.endswith("› 第12项")
    assert clause_text([6, 12]) == "第6、12项" and clause_text([]) == ""


def test_highlights_are_coloured_text_not_padded_boxes():
    marked = render.highlight("具體負責熱線服務中心", {"具体", "负责", "热线"})
    assert marked == render.mark("具體負責熱線") + "服務中心"  # one run, no box per word
    assert "background" not in render.mark("x")


def test_item_numbers_in_the_hit_table_are_short_ranges():
    assert numbers_text([1, 2, 3, 4, 5, 6, 7]) == "1–7"
    assert numbers_text([1, 2, 4, 11, 12]) == "1–2、4、11–12"
    assert numbers_text([]) == ""


def test_runs_on_the_history_axis_are_labelled_by_date_and_time_with_seconds_only_when_needed():
    first = datetime(2026, 11, 28, 7, 44, 12)
    assert run_axis_labels([first]) == ["11-28 07:44"]
    close = first + timedelta(seconds=20)
    later = first + timedelta(days=1)
    assert run_axis_labels([first, close, later]) == ["11-28 07:44:12", "11-28 07:44:32", "11-29 07:44"]
