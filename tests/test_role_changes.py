"""What changed for a role, through the curation store the 条目管理 page uses: an entry is added and ingested, a
trainer edits it (adds a duty, drops one, rewords one, adds a rule naming the role), the corpus is ingested
again, and `changes_for_role` reports exactly those changes; the CLI prints them; the visit store remembers
when a user last looked."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from ingest.curation import CorpusStore
from ingest.pipeline import run_ingest
from kb.access import PUBLIC, Audience
from kb.frontmatter import EntryMeta
from kb.knowledge import KnowledgeBase
from kb.role_changes import ADDED, CHANGED, REMOVED, REWORDED, changes_for_role, pair_texts
from kb.role_history import snapshots
from kb.visits import VisitStore

DOC = "service.md"
ROLE = "客服专员"
BEFORE = """# 客服专员岗位职责
1、受理业主报修。
2、每月回访业主。
3、整理投诉台账。

# 保洁员岗位职责
1、清扫公共区域。
2、清运生活垃圾。
"""
ADDED_DUTY = "组织季度满意度调查。"
AFTER = """# 客服专员岗位职责
1、受理业主报修。
2、每月电话回访业主一次。
3、组织季度满意度调查。

# 保洁员岗位职责
1、清扫公共区域。
2、清运生活垃圾。

# 值班规定
1、夜间报修由客服专员安排维修人员处理。
"""


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


def edit(store: CorpusStore, body: str, why: str) -> None:
    """A trainer's save as the curation page makes it: the entry as loaded, its sha as the base."""
    entry = store.show(DOC)
    store.edit(DOC, entry.meta, body, entry.sha, "王老师", why)


def ingested_then_edited(make_settings, corpus, after: str):
    store = CorpusStore(corpus)
    store.add(DOC, EntryMeta(title="物业客服岗位职责"), BEFORE, "王老师", "first version")
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    since = datetime.now(UTC)
    edit(store, after, "职责调整")
    run_ingest(settings, show_progress=False)
    return settings, since


def test_a_curation_edit_shows_as_added_removed_and_reworded_duties_and_a_new_rule(make_settings, corpus):
    settings, since = ingested_then_edited(make_settings, corpus, AFTER)
    kb = KnowledgeBase(settings)
    changes = changes_for_role(kb, ROLE, since)
    assert changes.complete and changes.baseline is not None and changes.current is not None
    assert changes.baseline.build_id != changes.current.build_id == kb.build.manifest.build_id
    by_kind = {kind: [(d.old.text if d.old else None, d.new.text if d.new else None) for d in changes.duties
                      if d.change == kind] for kind in (ADDED, REMOVED, REWORDED)}
    assert by_kind == {ADDED: [(None, ADDED_DUTY)], REMOVED: [("整理投诉台账。", None)],
                       REWORDED: [("每月回访业主。", "每月电话回访业主一次。")]}
    assert all(d.doc_id == DOC and d.role == ROLE for d in changes.duties)
    assert [(r.change, r.new) for r in changes.rules] == [(ADDED, "1、夜间报修由客服专员安排维修人员处理。")]
    # the other role's duties did not change; the rule names only 客服专员
    cleaner = changes_for_role(settings.home, "保洁员", since)
    assert cleaner.empty and cleaner.complete
    # since the newest build: nothing; since before any build: from the oldest build, said to be incomplete
    assert changes_for_role(kb, ROLE, datetime.now(UTC)).empty
    early = changes_for_role(kb, ROLE, since - timedelta(days=1))
    assert not early.complete and len(early.duties) == len(changes.duties)


def test_the_role_is_found_by_its_other_script_and_a_changed_rule_is_paired(make_settings, corpus):
    settings, _ = ingested_then_edited(make_settings, corpus, AFTER)
    since = datetime.now(UTC)
    edit(CorpusStore(corpus), AFTER.replace("安排维修人员处理", "安排值班维修人员及时处理"), "规定修订")
    run_ingest(settings, show_progress=False)
    changes = changes_for_role(settings.home, "客服專員", since)
    assert changes.duties == []
    assert [(r.change, r.old, r.new) for r in changes.rules] == [
        (CHANGED, "1、夜间报修由客服专员安排维修人员处理。", "1、夜间报修由客服专员安排值班维修人员及时处理。")]


def test_every_publish_records_the_build_and_unchanged_documents_are_stored_once(make_settings, corpus):
    settings, _ = ingested_then_edited(make_settings, corpus, AFTER)
    recorded = snapshots(settings.home)
    assert len(recorded) == 2 and recorded[0].created < recorded[1].created
    (corpus / "notice.txt").write_text("关于元旦放假的通知\n元旦放假一天。\n", encoding="utf-8")
    run_ingest(settings, show_progress=False)
    recorded = snapshots(settings.home)
    assert len(recorded) == 3 and recorded[2].docs[DOC] == recorded[1].docs[DOC]
    assert len(list((settings.home / "role_history" / "docs").glob("*.json"))) == 3  # two versions + the notice


def test_restricted_entries_stay_hidden_from_an_audience_that_may_not_see_them(make_settings, corpus):
    store = CorpusStore(corpus)
    store.add(DOC, EntryMeta(title="物业客服岗位职责", visibility=["hr"]), BEFORE, "王老师", "first version")
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    since = datetime.now(UTC)
    edit(store, AFTER, "职责调整")
    run_ingest(settings, show_progress=False)
    assert changes_for_role(settings.home, ROLE, since, PUBLIC).empty
    assert not changes_for_role(settings.home, ROLE, since, Audience.of(["hr"])).empty


def test_pairing_keeps_renumbered_duties_and_pairs_only_alike_ones():
    pairs, removed, added = pair_texts(["受理业主报修。", "每月回访业主。", "整理投诉台账。"],
                                       ["每月电话回访业主一次。", "受理業主報修", "清运生活垃圾。"])
    assert pairs and [(i, j) for i, j, _ in pairs] == [(1, 0)]
    assert removed == [2] and added == [2]


def test_cli_prints_the_changes_as_json_and_since_a_users_last_visit(make_settings, corpus, capsys):
    from apps.cli.main import main

    settings, since = ingested_then_edited(make_settings, corpus, AFTER)
    home = ["--home", str(settings.home)]
    assert main(["roles", "changes", ROLE, "--since", since.isoformat(), "--json", *home]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {d["change"] for d in data["duties"]} == {ADDED, REMOVED, REWORDED} and data["complete"]
    visits = VisitStore.under(settings.home)
    assert visits.last("hire1", ROLE) is None
    visits.record("hire1", "客服專員", since)  # looked at in the app under the document's script
    assert visits.last("hire1", ROLE) == since
    assert main(["roles", "changes", ROLE, "--since-last-visit", "hire1", *home]) == 0
    out = capsys.readouterr().out
    assert f"added duty《物业客服岗位职责》: 3. {ADDED_DUTY}" in out
    assert "每月回访业主。 → 2. 每月电话回访业主一次。" in out


def test_the_roles_page_shows_the_changes_in_a_roles_detail(make_settings, corpus, monkeypatch, embedding_cache):
    from app_driver import open_page
    from test_app_curation import plain

    settings, _ = ingested_then_edited(make_settings, corpus, AFTER)
    monkeypatch.setenv("DUTYKB_HOME", str(settings.home))
    monkeypatch.setenv("DUTYKB_CORPUS", str(corpus))
    monkeypatch.setenv("DUTYKB_EMBEDDING_CACHE", str(embedding_cache))
    at = open_page("apps/ui/roles_page.py")
    at.toggle(key=f"role-detail-{DOC}-{ROLE}").set_value(True).run()
    assert not at.exception, at.exception
    shown = [plain(m.value) for m in at.markdown]
    assert "**变更**" in shown
    assert any("新增" in m and ADDED_DUTY in m and "删除" in m and "整理投诉台账" in m
               and "每月回访业主。 → 2. 每月电话回访业主一次。" in m for m in shown), shown
    assert any("提到该岗位的规定" in m and "夜间报修由客服专员安排维修人员处理" in m for m in shown)


def test_a_signed_in_hires_last_look_at_a_role_is_where_the_next_visit_starts(make_settings, corpus, monkeypatch,
                                                                               embedding_cache, tmp_path):
    from test_app_access import sign_in

    from kb.users import set_user

    settings, _ = ingested_then_edited(make_settings, corpus, AFTER)
    users = tmp_path / "users.yaml"
    set_user(users, "hire1", "correct horse", "reader", [], None)
    for name, value in (("DUTYKB_HOME", settings.home), ("DUTYKB_CORPUS", corpus),
                        ("DUTYKB_EMBEDDING_CACHE", embedding_cache), ("DUTYKB_USERS_FILE", users)):
        monkeypatch.setenv(name, str(value))

    def look() -> str:
        at = sign_in("hire1")
        at.switch_page("apps/ui/roles_page.py").run()
        at.toggle(key=f"role-detail-{DOC}-{ROLE}").set_value(True).run()
        assert not at.exception, at.exception
        return "\n".join(c.value for c in at.caption)

    first = look()
    assert "上次查看" not in first and "自 " in first  # never looked: the default window
    visited = VisitStore.under(settings.home).last("hire1", ROLE)
    assert visited is not None
    second = look()
    assert "自上次查看" in second and "没有变更" in second  # nothing changed since that look
