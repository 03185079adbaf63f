"""The regression gate (`dutykb eval --gate evals/gate.yaml`) on the shipped suites; run once per test run."""
from __future__ import annotations

SEED = "seed"


def test_the_gate_passes_and_checks_every_figure_in_the_gate_file(gate_run):
    code, report = gate_run
    missed = [f"{t.metric} = {t.value:.3f}" for t in report.missed_thresholds]
    assert code == 0 and not missed, missed
    assert {t.metric.split(".")[1] for t in report.thresholds} == set(report.by_suite)
    assert any(t.max is not None for t in report.thresholds)  # an at-most figure (false abstentions) is checked


def test_fused_retrieval_is_not_worse_than_bm25_alone_on_the_seed_suite(gate_run):
    """The fusion was chosen because it keeps BM25's ranking quality and adds dense recall (README)."""
    retrieval = gate_run[1].by_suite[SEED].retrieval
    assert retrieval["hybrid"]["MRR@10"] >= retrieval["bm25"]["MRR@10"] - 0.005
    assert retrieval["hybrid"]["R@10"] >= retrieval["bm25"]["R@10"]


TINY = """suite: tiny
cases:
  - id: by-source
    question: 交接班要提前多久到岗
    expect: {sources: [{doc: 000_916eb7e6a919f6ca.txt, section: 一、交制度, item: 1}]}
  - id: by-evidence
    question: 值班长负责什么投诉
    expect: {evidence: [負責漫遊客戶投訴的處理]}
"""


def test_the_gate_exits_4_when_a_figure_is_missed(seed_settings, tmp_path, capsys):
    from apps.cli.main import main

    suite = tmp_path / "tiny.yaml"
    suite.write_text(TINY, encoding="utf-8")
    gate = tmp_path / "gate.yaml"
    gate.write_text("tiny:\n  min: {answers.pass_rate: 1.01}\n", encoding="utf-8")
    code = main(["eval", str(suite), "--gate", str(gate), "--home", str(seed_settings.home), "--no-baseline", "-q"])
    assert code == 4 and "MISSED by_suite.tiny.answers.pass_rate" in capsys.readouterr().out


def test_eval_and_bench_retrieval_agree_on_a_suite_with_sources(seed_settings, tmp_path):
    """One relevance rule: a case with only `sources` counts the same in both."""
    from evals.retrieval_bench import SuiteSet, suite_retrieval
    from evals.runner import run_cases
    from evals.suite import load_suite
    from kb.knowledge import KnowledgeBase

    suite = tmp_path / "tiny.yaml"
    suite.write_text(TINY, encoding="utf-8")
    bench = suite_retrieval(SuiteSet(seed_settings, suite), show=False)["all"]
    scored = run_cases(KnowledgeBase(seed_settings), load_suite(suite).cases)
    for mode in ("hybrid", "bm25", "dense"):
        ranks = [r.ranks[mode] for r in scored]
        assert bench[mode]["R@1"] == sum(r == 1 for r in ranks) / len(ranks)
        assert bench[mode]["R@5"] == sum(r is not None and r <= 5 for r in ranks) / len(ranks)
    assert scored[0].ranks["hybrid"] is not None  # found by its source alone (no evidence phrase)
