import json
from pathlib import Path

import pytest

from apps.cli.main import main
from evals.metrics import mrr_at, ndcg_at, recall_at
from evals.render import to_html, to_markdown
from evals.report import (
    IndexInfo,
    RunReport,
    Threshold,
    ThresholdError,
    check_thresholds,
    compare,
    parse_fail_under,
)
from evals.runner import CaseResult
from evals.scoring import Summary
from evals.suite import SuiteError, load_suite

METRICS = ("R@1", "R@5", "R@10", "MRR@10", "nDCG@10")
GOOD = """suite: tiny
defaults: {tags: [t]}
cases:
  - id: a
    question: 交接班要提前多久到岗
    expect:
      evidence: [提前10-15分鍾到達工作崗位]
      sources: [{doc: 000_916eb7e6a919f6ca.txt, section: 一、交制度, item: 1}]
    tags: [procedure]
  - id: b
    question: 值班长的职责
    role: 值班長
    expect: {evidence: [負責漫遊客戶投訴的處理], answer_contains: [漫游]}
  - id: c
    question: 公司年终奖怎么发
    expect: {abstain: true}
"""


def _write(tmp_path, text, name="s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_hand_computed_rank_metrics():
    ranks = [1, 3, None, 12]
    assert recall_at(ranks, 1) == 0.25 and recall_at(ranks, 5) == 0.5 and recall_at(ranks, 10) == 0.5
    assert mrr_at(ranks) == pytest.approx((1 + 1 / 3) / 4)
    # relevant at ranks 2 and 3 of 2 relevant overall: (1/log2 3 + 1/log2 4) / (1 + 1/log2 3)
    assert ndcg_at([False, True, True], 2) == pytest.approx((0.6309298 + 0.5) / (1 + 0.6309298))
    assert ndcg_at([True], 1) == 1.0 and ndcg_at([False], 0) == 0.0


def test_suite_loads_with_defaults_and_lines(tmp_path):
    suite = load_suite(_write(tmp_path, GOOD))
    a, b, c = suite.cases
    assert a.tags == ["t", "procedure"] and a.sources[0].item == 1 and a.line == 4
    assert b.role == "值班長" and b.answer_contains == ["漫游"] and c.abstain


@pytest.mark.parametrize("text,message", [
    ("cases: [\n  {id: a, question: q\n", "invalid YAML"),
    ("suite: x\n", "'cases' list"),
    ("cases:\n  - id: a\n    question: q\n", "line 2"),
    ("cases:\n  - id: a\n    question: q\n    expect: {abstain: true, evidence: [x]}\n", "cannot also expect"),
    ("cases:\n  - id: a\n    question: q\n    expect: {evidence: [x]}\n  - id: a\n    question: r\n"
     "    expect: {evidence: [y]}\n", "line 5: duplicate case id"),
    ("cases:\n  - id: a\n    question: q\n    expct: {evidence: [x]}\n", "unknown field"),
    ("cases:\n  - id: a\n    question: q\n    expect: {sources: [{section: s}]}\n", "needs 'doc'"),
])
def test_schema_errors_point_at_the_problem(tmp_path, text, message):
    with pytest.raises(SuiteError, match=message.replace("(", r"\(")) as info:
        load_suite(_write(tmp_path, text))
    assert str(tmp_path / "s.yaml") in str(info.value)


def _summary(r5: float) -> Summary:
    return Summary(cases=1, answerable=1, retrieval={"hybrid": {m: r5 for m in METRICS}}, answers={"pass_rate": 0.5})


def _case(case_id: str, passed: bool, question: str = "q", answer: str = "a") -> CaseResult:
    return CaseResult(id=case_id, suite="s", question=question, role=None, tags=[], answerable=True, ranks={},
                      relevant_total=1, retrieved=[], answer=answer, abstained=False, mode="extractive", citations=[],
                      supported_citations=0, evidence_in_answer=passed, contains_ok=True, latency_ms=1.0,
                      passed=passed, reason="evidence_cited" if passed else "evidence_missing")


def _report(passes: dict[str, bool], r5: float) -> RunReport:
    return RunReport(run_id="r", created="2026-11-28T00:00:00+00:00", suites=[], index=IndexInfo(),
                     summary=_summary(r5), cases=[_case(k, v) for k, v in passes.items()])


def test_baseline_diff_lists_deltas_and_changed_cases():
    diff = compare(_report({"a": True, "b": False, "c": True}, 0.9), _report({"a": False, "b": True, "c": True}, 1.0))
    assert diff.deltas["retrieval.hybrid.R@5"].delta == pytest.approx(-0.1)
    assert diff.newly_failing == ["b"] and diff.newly_passing == ["a"]


def test_thresholds():
    report = _report({"a": True}, 0.9)
    ok, missed = check_thresholds(report, [parse_fail_under("retrieval.hybrid.R@5=0.85"),
                                           parse_fail_under("answers.pass_rate=0.6")])
    assert ok.ok and not missed.ok
    at_most = check_thresholds(report, [Threshold(metric="retrieval.hybrid.R@5", bound="max", limit=0.85)])[0]
    assert not at_most.ok and at_most.max == 0.85
    with pytest.raises(ThresholdError, match="unknown metric"):
        check_thresholds(report, [parse_fail_under("nope=1")])
    with pytest.raises(ThresholdError, match="not a number"):
        parse_fail_under("answers.pass_rate=high")


def test_gate_file_checks_each_suite_on_its_own_figures(tmp_path):
    from evals.gate import load_gate

    gate = tmp_path / "gate.yaml"
    gate.write_text("s:\n  min: {retrieval.hybrid.R@5: 0.85}\n  max: {answers.pass_rate: 0.4}\n", encoding="utf-8")
    report = _report({"a": True}, 0.9)
    report.by_suite = {"s": _summary(0.9)}
    checks = check_thresholds(report, load_gate(gate))
    assert [(c.metric, c.ok) for c in checks] == [("by_suite.s.retrieval.hybrid.R@5", True),
                                                  ("by_suite.s.answers.pass_rate", False)]
    gate.write_text("s: {least: {x: 1}}\n", encoding="utf-8")
    with pytest.raises(ThresholdError, match="min"):
        load_gate(gate)


def test_eval_cli_reports_baseline_and_exit_codes(seed_settings, tmp_path, capsys):
    suite = _write(tmp_path, GOOD)
    home = ["--home", str(seed_settings.home)]
    assert main(["eval", str(suite), "-q", "--report", str(tmp_path / "rep"), "--no-baseline", *home]) == 0
    report = json.loads((tmp_path / "rep" / "report.json").read_text(encoding="utf-8"))
    assert [c["passed"] for c in report["cases"]] == [True, True, True]
    assert report["summary"]["retrieval"]["hybrid"]["R@1"] == 1.0
    assert report["summary"]["answers"]["abstain_recall"] == 1.0
    assert report["by_tag"]["procedure"]["cases"] == 1 and "值班長" in report["by_role"]
    assert report["coverage"]["roles_total"] == 16 and "話務班長" in report["coverage"]["roles_uncovered"]
    html = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 3 and "<script" not in html
    assert "| ✅ | a |" in (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    capsys.readouterr()
    code = main(["eval", str(suite), "-q", "--fail-under", "answers.pass_rate=1.01", *home])
    out = capsys.readouterr().out
    assert code == 4 and "MISSED answers.pass_rate" in out and "newly failing none" in out
    assert main(["eval", str(tmp_path / "missing.yaml"), "-q", *home]) == 1  # a user error, not a usage error


def test_markdown_and_html_escape_corpus_text():
    report = _report({}, 1.0)
    report.cases = [_case("x", True, question="<script>alert(1)</script>|", answer="<b>a</b>")]
    assert "<script>" not in to_html(report) and "&lt;script&gt;" in to_html(report)
    assert "\\|" in to_markdown(report)


def test_append_case_creates_and_extends_a_suite(tmp_path):
    from evals.suite import Source, append_case

    path = tmp_path / "curated.yaml"
    append_case(path, "hit-1", "夜班多久巡检一次", ["每两小时巡检一次"], ["hit-test"],
                Source("night.md", "# 夜班值守员岗位职责", 1))
    append_case(path, "hit-2", "值班长管什么", ["現場管理"], ["feedback"], role="值班長")
    suite = load_suite(path)
    assert [c.id for c in suite.cases] == ["hit-1", "hit-2"]
    assert suite.cases[0].sources[0].item == 1 and suite.cases[1].role == "值班長"
    with pytest.raises(SuiteError, match="already exists"):
        append_case(path, "hit-1", "q", ["e"], [])
    with pytest.raises(SuiteError):
        append_case(path, "hit-3", "q", [], [])
    assert len(load_suite(path).cases) == 2


def test_hit_test_rows(seed_kb):
    from kb.hittest import hit_test

    rows = hit_test(seed_kb, "交接班要提前多久到岗", k=3)
    assert len(rows) == 3
    top = rows[0]
    assert "提前10-15分鍾" in top.chunk.text
    assert top.ranks["hybrid"] == 1 and top.ranks["bm25"] is not None and top.ranks["dense"] is not None
    assert "交接" in top.matched_terms or "提前" in top.matched_terms


def test_false_hedge_counts_hedges_whose_quotes_hold_the_hedged_kind():
    from evals.scoring import answer_metrics

    def hedged(first: str, quote: str) -> CaseResult:
        case = _case(quote, False, answer=f"{first}\n相关规定：\n{quote}[1]")
        case.level, case.citations = "partial", [{"n": 1, "quote": quote}]
        return case

    results = [hedged("文件没有写明具体的数字。", "年终考核结果分为优秀、良好、合格、不合格四档。"),  # false
               hedged("文件沒有寫明由誰負責。", "公司配发的笔记本电脑由使用人保管。"),  # false, in Traditional
               hedged("文件没有写明具体的数字。", "值班期间保持通讯畅通。"),  # true: no figure
               hedged("文件没有写明相关的钱款（工资、费用、罚款等）。", "新员工试用期为三个月。")]  # true: no money
    assert answer_metrics(results)["false_hedge"] == 2
