"""Duty overlap report on real ingests: a small corpus written here (a duty two roles share verbatim and one
they share nearly, a duty list no role owns, a role without duties, duties a prohibition forbids), the
shipped corpus, the CLI, and the 岗位核对 page's section through AppTest."""
from __future__ import annotations

import json

import pytest

from ingest.pipeline import run_ingest
from kb.knowledge import KnowledgeBase
from kb.normalize import text_key
from kb.overlap import NEAR, NEAR_MIN_COSINE, VERBATIM, forbidden_actions, overlap_report

SHOP = """---
title: 门店岗位职责
---
# 收银员岗位职责
1、负责收银台现金的清点与交接。
2、开具发票并登记台账。
3、配合店长做好各类数据提取、报表统计工作。

# 理货员岗位职责
1、负责收银台现金的清点与交接。
2、整理货架商品。
3、配合店长做好数据提取和报表统计工作。
4、为顾客办理会员卡。

# 门店规定
1、收银员不得开具发票。
2、理货员严禁整理货架商品。
3、收银员不得为顾客办理会员卡。

# 安全管理
## 工作内容
1、每日检查消防器材。
2、每月组织一次消防演练。
"""
# 保洁员 is named in the front matter of a document that lists no duties
CLEANING = "---\ntitle: 保洁安排\nroles: [保洁员]\n---\n保洁员的职责另行规定。\n"
# One organisation's duty lists and rules in three documents; another organisation's post with the same duties
CHAIN = "华联超市"
CHAIN_DOCS = {
    "cashier.md": f"---\ntitle: 收银岗位职责\norganisation: {CHAIN}\n---\n"
                  "# 收银员岗位职责\n1、负责收银台现金的清点与交接。\n2、开具发票并登记台账。\n",
    "stock.md": f"---\ntitle: 理货岗位职责\norganisation: {CHAIN}\n---\n"
                "# 理货员岗位职责\n1、负责收银台现金的清点与交接。\n2、整理货架商品。\n",
    "rules.md": f"---\ntitle: 门店规定\norganisation: {CHAIN}\n---\n# 禁止行为\n1、任何人不得开具发票。\n",
    "other.md": "---\ntitle: 便利店岗位职责\norganisation: 全家便利店\n---\n"
                "# 店员岗位职责\n1、负责收银台现金的清点与交接。\n2、开具发票并登记台账。\n",
}


@pytest.fixture
def shop_kb(make_settings, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "shop.md").write_text(SHOP, encoding="utf-8")
    (corpus / "cleaning.md").write_text(CLEANING, encoding="utf-8")
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    return KnowledgeBase(settings)


def test_shared_unowned_empty_and_contradicting_duties_are_reported(shop_kb):
    report = overlap_report(shop_kb)
    shared = [(s.kind, s.role_a, s.duty_a.n, s.role_b, s.duty_b.n) for s in report.shared]
    assert shared == [(VERBATIM, "收银员", 1, "理货员", 1), (NEAR, "收银员", 3, "理货员", 3)]
    assert report.shared[1].cosine is not None and report.shared[1].cosine >= NEAR_MIN_COSINE
    assert [(u.doc_id, u.section.split(" › ")[-1], u.items) for u in report.unowned] == [
        ("shop.md", "## 工作内容", 2)]
    assert [(e.role, e.doc_id) for e in report.empty_roles] == [("保洁员", "cleaning.md")]
    # each prohibition names its role: 收银员's 开具发票 and 理货员's 整理货架商品 conflict; 理货员 may 办理会员卡
    assert sorted((c.role, c.duty.n, c.action) for c in report.contradictions) == [
        ("收银员", 2, "开具发票"), ("理货员", 2, "整理货架商品")]
    assert {c.organisation for c in report.contradictions} == {shop_kb.build.organisation_of("shop.md")}


def test_roles_are_compared_within_their_organisation_across_its_documents(make_settings, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in CHAIN_DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    kb = KnowledgeBase(settings)
    assert {kb.build.organisation_of(d) for d in ("cashier.md", "stock.md", "rules.md")} == {CHAIN}
    report = overlap_report(kb)
    # the duty two of the chain's documents share; 店员 holds it too, in another organisation
    assert [(s.organisation, s.kind, s.role_a, s.role_b) for s in report.shared] == [
        (CHAIN, VERBATIM, "收银员", "理货员")]
    # the chain's prohibition names no role: it holds for the roles of its other documents, not for 店员
    assert [(c.organisation, c.role, c.duty.n, c.action) for c in report.contradictions] == [
        (CHAIN, "收银员", 2, "开具发票")]


def test_a_forbidden_action_is_the_rest_of_the_clause_after_the_marker():
    assert forbidden_actions("上班时间严禁在岗位上玩手机，不得擅自离岗。") == ["在岗位上玩手机", "擅自离岗"]
    assert forbidden_actions("收银员不得开具发票。") == ["开具发票"]
    assert forbidden_actions("不得迟到。") == []  # too short an action to match plainly
    assert forbidden_actions("负责开具发票。") == []


def test_the_shipped_corpus_reports_its_duplicated_duty_lists(seed_kb):
    report = overlap_report(seed_kb)
    assert all(s.role_a != s.role_b for s in report.shared)
    verbatim = [s for s in report.shared if s.kind == VERBATIM]
    assert all(text_key(s.duty_a.text) == text_key(s.duty_b.text) for s in verbatim)
    # the seed's 質檢員 and 采編員 lists open with the same three duties
    assert {(s.duty_a.n, s.duty_b.n) for s in verbatim if {s.role_a, s.role_b} == {"質檢員", "采編員"}} == {
        (1, 1), (2, 2), (3, 3)}
    assert report.empty_roles == [] and report.contradictions == []
    assert all(u.items > 0 for u in report.unowned)


def test_cli_prints_the_report_as_json(shop_kb, capsys):
    from apps.cli.main import main

    assert main(["roles", "overlap", "--json", "--home", str(shop_kb.home)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["totals"] == {"shared": 2, "unowned": 1, "empty_roles": 1, "contradictions": 2}
    assert data["shared"][0]["a"] == {"role": "收银员", "n": 1, "text": "负责收银台现金的清点与交接。"}


def test_the_role_review_page_shows_the_report_on_demand(shop_kb, monkeypatch, embedding_cache):
    from app_driver import open_page
    from test_app_curation import plain

    from apps.ui import overlap_view

    monkeypatch.setenv("DUTYKB_HOME", str(shop_kb.home))
    monkeypatch.setenv("DUTYKB_CORPUS", str(shop_kb.settings.corpus))
    monkeypatch.setenv("DUTYKB_EMBEDDING_CACHE", str(embedding_cache))
    at = open_page("apps/ui/role_review_page.py")
    assert not any("两个岗位共有的职责" in plain(m.value) for m in at.markdown)
    at.toggle(key=overlap_view.TOGGLE_KEY).set_value(True).run()
    assert not at.exception, at.exception
    shown = "\n".join(plain(m.value) for m in at.markdown)
    assert "【相同】收银员 第1项：负责收银台现金的清点与交接。" in shown
    assert "【相近】收银员 第3项" in shown
    assert "《门店岗位职责》 安全管理 › 工作内容（2 项）：1、每日检查消防器材。；2、每月组织一次消防演练。" in shown
    assert "保洁员（cleaning.md）" in shown
    assert "规定：1、收银员不得开具发票。（门店规定）" in shown
    caption = "\n".join(plain(c.value) for c in at.caption)
    assert "两个岗位共有的职责 2 处" in caption and "与禁止性规定冲突的职责 2 条" in caption
