"""corpus/roles.yaml is the trainers' corrections, not a document: saving one must not make every later ingest
report it as a skipped file, nor the role review list it as an unreadable document."""
from pathlib import Path

from ingest.overrides import Action, Override, save_override
from ingest.pipeline import run_ingest
from ingest.review import review_corpus

HANDBOOK = "物业服务中心岗位职责\n一、客服主管岗位职责\n1、受理业主报修。\n三、工程维修\n1、维修公共设施。\n"


def test_the_overrides_file_is_neither_skipped_nor_reviewed_as_a_document(make_settings, tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "handbook.txt").write_text(HANDBOOK, encoding="utf-8")
    settings = make_settings(corpus)
    save_override(corpus, Override(doc="handbook.txt", action=Action.ADD, section="三、工程维修", to="维修工"))
    report = run_ingest(settings, show_progress=False)
    assert not report.skipped, report.skipped
    assert [row["doc"] for row in review_corpus(corpus, settings)] == ["handbook.txt"]
