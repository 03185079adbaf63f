"""Role review overrides (corpus/roles.yaml): applied after detection at every ingest, kept through edits of the
document, reported when their anchor is gone, never applied to another item."""
from pathlib import Path

import pytest

from ingest.overrides import Action, Override, OverridesError, load_overrides, save_override
from ingest.pipeline import run_ingest
from kb.knowledge import KnowledgeBase
from kb.records import item_anchor

HANDBOOK = "\n".join([
    "物业服务中心岗位职责", "一、客服主管岗位职责", "1、受理业主报修。", "2、每月回访业主。",
    "二、安全职责", "1、每日巡查消防通道。", "2、每月检查灭火器。",
    "三、工程维修", "1、维修公共设施。", "2、做好维修记录。",
])


def _roles(settings) -> dict[str, object]:
    return {r.name: r for r in KnowledgeBase(settings).roles_for()}


def _corpus(tmp_path: Path, text: str = HANDBOOK) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "handbook.txt").write_text(text, encoding="utf-8")
    return corpus


def test_overrides_fix_a_spurious_and_a_missed_role_and_survive_edits(make_settings, tmp_path):
    corpus = _corpus(tmp_path)
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    before = _roles(settings)
    assert "客服主管" in before and "工程维修" not in before
    save_override(corpus, Override(doc="handbook.txt", action=Action.ADD, section="三、工程维修", to="维修工"),
                  who="王老师", why="漏掉的岗位")
    save_override(corpus, Override(doc="handbook.txt", action=Action.RENAME, role="客服主管", to="客服主任"),
                  who="王老师", why="改名")
    report = run_ingest(settings, show_progress=False)
    assert not report.unmatched_overrides
    roles = _roles(settings)
    assert [d.text for d in roles["维修工"].duties] == ["维修公共设施。", "做好维修记录。"]
    assert "客服主管" in roles["客服主任"].aliases and roles["维修工"].origin == "review"
    # the chunks follow: the added role's chunk carries its name
    kb = KnowledgeBase(settings)
    assert any(c.role == "维修工" for c in kb.build.chunks)
    # the document is edited around the anchors: both corrections still apply
    _corpus(tmp_path, HANDBOOK.replace("2、每月回访业主。", "2、每月回访业主，记录满意度。\n3、整理报修台账。"))
    again = run_ingest(settings, show_progress=False)
    roles = _roles(settings)
    assert not again.unmatched_overrides and len(roles["客服主任"].duties) == 3 and "维修工" in roles
    saved = load_overrides(corpus)
    assert [(o.action, o.by, o.why) for o in saved] == [(Action.ADD, "王老师", "漏掉的岗位"),
                                                        (Action.RENAME, "王老师", "改名")]
    assert all(o.at for o in saved)


def test_an_override_whose_anchor_is_gone_is_reported_not_applied_elsewhere(make_settings, tmp_path):
    corpus = _corpus(tmp_path)
    settings = make_settings(corpus)
    save_override(corpus, Override(doc="handbook.txt", action=Action.ADD, section="三、工程维修", to="维修工"))
    duty = "每月回访业主。"
    save_override(corpus, Override(doc="handbook.txt", action=Action.MOVE, item=item_anchor(duty), to="维修工"))
    run_ingest(settings, show_progress=False)
    assert "每月回访业主。" in [d.text for d in _roles(settings)["维修工"].duties]
    # the anchored section is deleted and the moved item reworded
    _corpus(tmp_path, HANDBOOK.split("三、工程维修")[0].replace("每月回访业主。", "每季度回访业主。"))
    report = run_ingest(settings, show_progress=False)
    assert report.unmatched_overrides == ["handbook.txt: add 维修工 from 三、工程维修",
                                          f"handbook.txt: move item {item_anchor(duty)} to 维修工"]
    assert "2 overrides no longer match: handbook.txt: add 维修工" in report.summary()
    roles = _roles(settings)
    assert "维修工" not in roles and "每季度回访业主。" in [d.text for d in roles["客服主管"].duties]


def test_not_a_role_merge_alias_and_a_duty_count_check(make_settings, tmp_path):
    text = HANDBOOK + "\n四、客服专员岗位职责\n1、接听报修电话。\n"
    corpus = _corpus(tmp_path, text)
    settings = make_settings(corpus)
    for override in [Override(doc="handbook.txt", action=Action.MERGE, role="客服专员", to="客服主管"),
                     Override(doc="handbook.txt", action=Action.ALIAS, role="客服主管", aliases=["客服经理"]),
                     Override(doc="handbook.txt", action=Action.EXPECT, role="客服主管", duties=4)]:
        save_override(corpus, override)
    report = run_ingest(settings, show_progress=False)
    roles = _roles(settings)
    assert "客服专员" not in roles and len(roles["客服主管"].duties) == 3
    assert {"客服专员", "客服经理"} <= set(roles["客服主管"].aliases)
    assert report.failed_checks == ["handbook.txt: 客服主管 has 3 duties, expected 4"]
    save_override(corpus, Override(doc="handbook.txt", action=Action.NOT_A_ROLE, role="客服主管"))
    run_ingest(settings, show_progress=False)
    assert "客服主管" not in _roles(settings)


def test_a_broken_overrides_file_names_the_file_and_the_rest_ingests(make_settings, tmp_path):
    corpus = _corpus(tmp_path)
    (corpus / "roles.yaml").write_text("overrides:\n  - {doc: handbook.txt, action: rename, role: 客服主管}\n",
                                       encoding="utf-8")
    with pytest.raises(OverridesError, match="roles.yaml: override 1: 'rename' needs 'to'"):
        load_overrides(corpus)
    report = run_ingest(make_settings(corpus), show_progress=False)
    assert any(s.path.endswith("roles.yaml") and "needs 'to'" in s.reason for s in report.skipped)
    assert report.roles >= 1


def test_roles_review_and_override_from_the_command_line(tmp_path, capsys):
    import json

    from apps.cli.main import main

    corpus = _corpus(tmp_path)
    (corpus / "notice.txt").write_text("关于放假的通知\n元旦放假一天。\n", encoding="utf-8")
    home = ["--home", str(tmp_path / "home")]
    assert main(["roles", "review", "--corpus", str(corpus), "--json", *home]) == 0
    documents = json.loads(capsys.readouterr().out)["documents"]
    assert [d["doc"] for d in documents] == ["notice.txt", "handbook.txt"]  # no role first
    assert main(["roles", "override", "handbook.txt", "add", "--section", "三、工程维修", "--to", "维修工",
                 "--why", "漏掉", "--who", "王老师", "--corpus", str(corpus), *home]) == 0
    capsys.readouterr()
    assert main(["roles", "review", "handbook.txt", "--corpus", str(corpus), "--json", *home]) == 0
    review = json.loads(capsys.readouterr().out)
    added = next(r for r in review["roles"] if r["name"] == "维修工")
    assert added["origin"] == "review" and [d["text"] for d in added["duties"]] == ["维修公共设施。", "做好维修记录。"]
    assert review["sections"][:2] == ["一、客服主管岗位职责", "二、安全职责"]
    assert review["overrides"][0]["by"] == "王老师" and not review["unmatched_overrides"]
    assert review["organisation_from"] == "document"  # nothing names one yet; then a trainer sets it
    assert main(["roles", "override", "handbook.txt", "organisation", "--to", "幸福里物业", "--corpus", str(corpus),
                 *home]) == 0
    capsys.readouterr()
    assert main(["roles", "review", "handbook.txt", "--corpus", str(corpus), *home]) == 0
    assert "organisation: 幸福里物业 (review)" in capsys.readouterr().out
    assert main(["roles", "override", "handbook.txt", "rename", "--corpus", str(corpus), *home]) == 1
    assert "'rename' needs 'role'" in capsys.readouterr().err


def test_review_shows_a_trainer_only_the_documents_their_groups_may_see(tmp_path):
    from ingest.review import UnknownDocument, review_corpus, review_document
    from kb.access import Audience
    from kb.settings import Settings

    corpus = _corpus(tmp_path)
    restricted = "---\ntitle: 人事专员岗位职责\nvisibility: [hr]\n---\n# 人事专员岗位职责\n1、办理入职。\n"
    (corpus / "hr.md").write_text(restricted, encoding="utf-8")
    settings = Settings(home=tmp_path / "home", corpus=corpus)
    public = Audience.of([])
    assert [r["doc"] for r in review_corpus(corpus, settings, public)] == ["handbook.txt"]
    assert {r["doc"] for r in review_corpus(corpus, settings, Audience.of(["hr"]))} == {"handbook.txt", "hr.md"}
    with pytest.raises(UnknownDocument):
        review_document(corpus, "hr.md", settings, public)
    assert review_document(corpus, "hr.md", settings, Audience.of(["hr"]))["roles"][0]["name"] == "人事专员"


TABLE_HANDBOOK = "\n".join([
    "# 物业服务中心岗位职责", "", "## 一、客服主管岗位职责", "", "1. 受理业主报修。", "2. 每月回访业主。", "",
    "## 二、工作分工", "", "| 工作 | 内容 |", "| --- | --- |",
    "| 工程维修 | 1. 维修公共设施。2. 做好维修记录。 |", "| 绿化养护 | 修剪草坪，浇灌花木。 |", "",
])


def test_a_role_added_from_a_table_row_takes_its_cells_and_the_review_offers_rows(make_settings, tmp_path):
    from ingest.review import review_document

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "posts.md").write_text(TABLE_HANDBOOK, encoding="utf-8")
    settings = make_settings(corpus)
    nodes = review_document(corpus, "posts.md", settings)["sections"]
    rows = [n for n in nodes if "工程维修" in n or "绿化养护" in n]
    assert len(rows) == 2 and nodes.index(rows[0]) == nodes.index("## 二、工作分工") + 1, nodes
    save_override(corpus, Override(doc="posts.md", action=Action.ADD, section=rows[0], to="维修工"))
    save_override(corpus, Override(doc="posts.md", action=Action.ADD, section=rows[1], to="绿化工"))
    report = run_ingest(settings, show_progress=False)
    assert not report.unmatched_overrides
    roles = _roles(settings)
    assert [d.text for d in roles["维修工"].duties] == ["维修公共设施。", "做好维修记录。"]
    assert [d.text for d in roles["绿化工"].duties] == ["修剪草坪，浇灌花木。"]  # a cell of prose: one duty
    # a row added above and an item below: the anchored rows are still there, so both roles stay
    (corpus / "posts.md").write_text(TABLE_HANDBOOK.replace(
        "| 工程维修 |", "| 保洁 | 1. 清扫楼道。2. 清运垃圾。 |\n| 工程维修 |").replace(
        "2. 每月回访业主。", "2. 每月回访业主。\n3. 整理报修台账。"), encoding="utf-8")
    again = run_ingest(settings, show_progress=False)
    assert not again.unmatched_overrides and {"维修工", "绿化工", "客服主管"} <= set(_roles(settings))
