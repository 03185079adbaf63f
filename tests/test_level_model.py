"""The fitted level model: its features from the real answer stages, the shipped file, its fitting and ablation."""
from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import SEED_SUITE

from evals import fit_levels as levels
from evals.suite import load_suite
from kb.answer import Answerer, compose, level, retrieve, select, verify
from kb.answer.features import FEATURES, features
from kb.answer.levelmodel import Head, LevelModel, Outcome, from_json, shipped
from kb.knowledge import KnowledgeBase

FEW_CASES = 12  # seed cases re-run through the stages (the whole suite is the gate's)
TOLERANCE = 1e-6
QUESTIONS = ["交接班要提前多久到？", "话务员可以用公司电脑打游戏吗？", "病假要扣工资吗？", "番茄炒蛋怎么做才好吃？"]


@pytest.fixture(scope="module")
def answerer(seed_kb):
    return Answerer(seed_kb)


def stages(answerer: Answerer, question: str):
    ctx = answerer.ctx
    selected = select.run(ctx, retrieve.run(ctx, answerer.query(question)))
    return selected, verify.run(ctx, selected)


@pytest.mark.parametrize("question", QUESTIONS)
def test_features_are_read_from_what_the_stages_found(answerer, question):
    selected, verified = stages(answerer, question)
    findings = verified.findings
    assert findings is not None
    values = features(level.signals(answerer.scorer, selected, findings))
    assert tuple(values) == FEATURES
    assert values["confidence"] == pytest.approx(selected.confidence)
    assert 0 <= values["absent_share"] <= 1 and values["dense_margin"] >= 0
    for check in levels.FEATURES:
        if check.startswith("missing_"):
            assert values[check] == float(any(m.value == check.removeprefix("missing_") for m in findings.missing))


def test_a_rule_matches_better_than_a_cooking_question_whose_words_no_document_has(answerer):
    rule = features(level.signals(answerer.scorer, *_pair(answerer, "交接班要提前多久到？")))
    cooking = features(level.signals(answerer.scorer, *_pair(answerer, "番茄炒蛋怎么做才好吃？")))
    assert rule["confidence"] > cooking["confidence"]
    assert rule["absent_share"] == 0 and cooking["absent_share"] > 0


def _pair(answerer: Answerer, question: str):
    selected, verified = stages(answerer, question)
    assert verified.findings is not None
    return selected, verified.findings


def test_the_shipped_model_reads_only_computed_features_and_decides(answerer):
    model = shipped()
    assert set(model.features) <= set(FEATURES) and model.about["cases"] > 0
    assert 0 < model.off_topic.threshold <= 1 and 0 <= model.answerable.threshold < 1
    ctx = replace(answerer.ctx, level_method="fitted")
    levels_of = {}
    for question in ("交接班要提前多久到？", "番茄炒蛋怎么做才好吃？"):
        selected, verified = stages(answerer, question)
        assert verified.findings is not None
        outcome = model.outcome(features(level.signals(answerer.scorer, selected, verified.findings)))
        levels_of[question] = level.run(ctx, verified).verdict.level
        assert levels_of[question].value == outcome.value
    assert levels_of["交接班要提前多久到？"] is level.Level.ANSWERED
    assert levels_of["番茄炒蛋怎么做才好吃？"] is level.Level.NONE


def test_the_model_file_round_trips_and_its_heads_decide_in_order():
    model = shipped()
    assert from_json(model.to_json()) == model
    values = dict.fromkeys(model.features, 0.0)
    always = Head(tuple(0.0 for _ in model.features), 50.0, 0.5)
    never = Head(tuple(0.0 for _ in model.features), -50.0, 0.5)
    assert replace(model, off_topic=always).outcome(values) is Outcome.NONE
    assert replace(model, off_topic=never, answerable=never).outcome(values) is Outcome.PARTIAL
    assert replace(model, off_topic=never, answerable=always).outcome(values) is Outcome.ANSWERED


def test_refitting_the_stored_dev_features_reproduces_the_shipped_model():
    rows = levels.read_rows(levels.FEATURES_PATH)
    model = shipped()
    refit = levels.fit(rows, model.features, model.about)
    assert refit.features == model.features and refit.about == model.about
    for ours, theirs in ((refit.off_topic, model.off_topic), (refit.answerable, model.answerable)):
        assert ours.weights == pytest.approx(theirs.weights, abs=TOLERANCE)
        assert (ours.bias, ours.threshold) == pytest.approx((theirs.bias, theirs.threshold), abs=TOLERANCE)
    assert levels.fit(rows, model.features, model.about) == refit  # deterministic


def test_the_fit_keeps_answerable_dev_cases_hedged_or_refused_within_the_budget():
    rows = levels.read_rows(levels.FEATURES_PATH)
    model = shipped()

    def answered(row: levels.Row) -> bool:
        return row.values is None and not row.refused or (
            row.values is not None and model.outcome(row.values) is Outcome.ANSWERED)

    lost = sum(r.answerable and not answered(r) for r in rows)
    assert lost <= levels.MAX_HEDGED * sum(r.answerable for r in rows)
    caught = sum(not r.answerable and not answered(r) for r in rows)
    assert caught > 0


@pytest.fixture(scope="module")
def seed_samples(seed_settings):
    suite = load_suite(SEED_SUITE)
    suite.cases = suite.cases[:FEW_CASES]
    return levels.collect(seed_settings, [suite])


def test_the_stored_dev_features_are_what_the_stages_compute_now(seed_samples):
    stored = {(r.suite, r.id): r for r in levels.read_rows(levels.FEATURES_PATH)}
    for sample in seed_samples:
        row = stored[(sample.row.suite, sample.row.id)]
        assert (row.answerable, row.off_topic, row.refused) == (sample.row.answerable, sample.row.off_topic,
                                                                sample.row.refused)
        assert (row.values is None) == (sample.row.values is None)
        if row.values is not None and sample.row.values is not None:
            assert sample.row.values == pytest.approx({n: row.values[n] for n in sample.row.values}, abs=TOLERANCE)


def test_the_ablation_reports_totals_for_the_rules_the_model_and_each_feature_left_out(seed_samples):
    rows = levels.read_rows(levels.FEATURES_PATH)
    names = shipped().features[:3]
    report = levels.ablate(rows, seed_samples, names)
    assert [label for label, _ in report] == ["rules", "all features", *(f"- {n}" for n in names)]
    for _, totals in report:
        assert tuple(totals) == levels.SHOWN_METRICS
        assert totals["pass_rate"] is not None and 0 <= totals["pass_rate"] <= 1


def test_replaying_the_rules_gives_the_answers_the_rules_give(seed_samples):
    replayed = levels.replay(seed_samples, None)
    results = [s.runner.run(s.case) for s in seed_samples]
    assert replayed["answered_rate"] == pytest.approx(
        sum(r.level == "answered" for r in results if r.answerable) / sum(r.answerable for r in results))


def test_level_method_switches_the_decider(seed_settings):
    """The rules refuse a question whose best match is weaker than `abstain_below`; the fitted model, which weighs
    the similarity with the findings, answers it (a seed case that expects this answer)."""
    question = "我的包和外套应该放在哪里？"
    levels_by = {}
    for method in ("rules", "fitted"):
        answerer = Answerer(KnowledgeBase(seed_settings.with_overrides(level_method=method)))
        selected, verified = stages(answerer, question)
        assert verified.findings is not None
        levels_by[method] = level.run(answerer.ctx, verified).verdict.level
        query = selected.retrieved.query
        by_rules = level.decide(query, verified.findings, selected.confidence, seed_settings.abstain_below,
                                seed_settings.answer_above).level
        by_model = shipped().outcome(features(level.signals(answerer.scorer, selected, verified.findings))).value
        assert levels_by[method].value == (by_rules.value if method == "rules" else by_model)
    assert levels_by == {"rules": level.Level.NONE, "fitted": level.Level.ANSWERED}
    # a model that refuses everything, given in the context, decides whatever the setting says
    refusing = replace(shipped(), off_topic=Head(tuple(0.0 for _ in shipped().features), 50.0, 0.5))
    answerer = Answerer(KnowledgeBase(seed_settings))
    ctx = replace(answerer.ctx, level_method="fitted", level_model=refusing)
    _, verified = stages(answerer, question)
    answer = compose.run(ctx, level.run(ctx, verified))
    assert answer.level == "none" and answer.abstained


def test_a_model_naming_a_feature_the_path_does_not_compute_is_an_error():
    from kb.answer.levelmodel import LevelModelError

    model = shipped()
    broken = LevelModel(("no_such_feature",), (0.0,), (1.0,), Head((1.0,), 0.0, 0.5), Head((1.0,), 0.0, 0.5))
    with pytest.raises(LevelModelError, match="no_such_feature"):
        broken.outcome(dict.fromkeys(model.features, 0.0))


def test_the_cli_refits_the_shipped_model_from_the_stored_features(tmp_path, capsys):
    from apps.cli.main import main
    from kb.answer.levelmodel import read

    out = tmp_path / "level_model.json"
    assert main(["eval", "--fit-levels", "--from-table", "--level-model", str(out), "--home", str(tmp_path)]) == 0
    assert str(out) in capsys.readouterr().out
    refit, model = read(out), shipped()
    assert refit.features == model.features
    assert refit.answerable.weights == pytest.approx(model.answerable.weights, abs=TOLERANCE)
    assert refit.off_topic.threshold == pytest.approx(model.off_topic.threshold, abs=TOLERANCE)
