"""A document written out as DOCX, PDF or XLSX the way organisations make them reads as the Markdown or text it
was written from (bugs found by `evals.metamorphic`; each document is built here with python-docx, reportlab or
openpyxl)."""
from pathlib import Path

from ingest.chunk import ChunkLimits
from ingest.load import read_document
from ingest.process import process_document

LIMITS = ChunkLimits(400, 1200)


def _roles(path: Path) -> dict[str, list[str]]:
    processed = process_document(read_document(path, [path.parent]), LIMITS)
    return {r.name: [d.text for d in r.duties] for r in processed.roles}


def _teams_markdown(path: Path, teams: list[tuple[str, list[str]]]) -> Path:
    """Teams as nested bullets under one group item, each team's duties a level below it."""
    lines = ["# 活动筹备工作", "", "需要完成以下工作：", "", "- 工作内容（分组）"]
    for team, duties in teams:
        lines += [f"  - {team}", *(f"    - {d}" for d in duties)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_list_item_or_heading_that_starts_like_an_ad_label_is_kept(tmp_path):
    """A scraped page's ad label (a plain line 赞助 / 广告) is boilerplate; a Word list item or heading with those
    words (a sponsorship team's duties) is the document's own, as `- 赞助` is in Markdown."""
    import docx

    teams = [("财务", ["编列预算。", "核销单据。"]), ("赞助", ["联系赞助方。", "确认赞助讯息露出。"])]
    document = docx.Document()
    document.add_heading("活动筹备工作", 1)
    document.add_paragraph("需要完成以下工作：")
    document.add_paragraph("工作内容（分组）", style="List Bullet")
    for team, duties in teams:
        document.add_paragraph(team, style="List Bullet 2")
        for duty in duties:
            document.add_paragraph(duty, style="List Bullet 3")
    document.save(tmp_path / "teams.docx")
    assert _roles(_teams_markdown(tmp_path / "teams.md", teams)) == dict(teams)
    assert _roles(tmp_path / "teams.docx") == dict(teams)

