"""Show an evaluation run: answer metrics, retrieval per retriever, latency, per-tag table, each case.

Case questions, answers and quotes come from suites and the corpus: they are shown
through `render` (escaped markdown), `st.dataframe` cells or chart data only.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from apps.ui import render
from apps.ui.hit_view import MODE_LABELS
from apps.ui.status import TIME_FORMAT
from evals.report import RunReport, run_time
from evals.runner import CaseResult, Reason
from evals.runs import read_report
from evals.scoring import Summary
from kb.clauses import group_citations
from kb.records import Citation

RETRIEVAL_METRICS = ("R@1", "R@5", "R@10", "MRR@10", "nDCG@10")
ANSWER_METRICS = {
    "pass_rate": "通过率", "evidence_in_answer": "回答含证据", "citation_precision": "引用准确率",
    "abstain_precision": "拒答准确率", "abstain_recall": "拒答召回率", "false_abstain_rate": "误拒答率",
}
LATENCY_METRICS = {"latency_p50_ms": "延迟 P50（毫秒）", "latency_p95_ms": "延迟 P95（毫秒）"}
LOWER_IS_BETTER = {"false_abstain_rate", "latency_p50_ms", "latency_p95_ms"}
METRICS_PER_ROW = 4
HISTOGRAM_BINS = 12
REPORT_CACHE_ENTRIES = 200  # runs kept in memory; older ones are re-read when the history shows them
REASON_LABELS: dict[str, str] = {
    Reason.EVIDENCE_CITED: "引用了证据",
    Reason.ABSTAINED_AS_EXPECTED: "按预期拒答",
    Reason.ANSWERED_UNANSWERABLE: "回答了无法回答的问题",
    Reason.ABSTAINED_ANSWERABLE: "能回答却拒答",
    Reason.EVIDENCE_MISSING: "回答和引用里没有预期的证据",
    Reason.PHRASE_MISSING: "回答缺少预期的短语",
}
PASSED, FAILED = "通过", "未通过"  # words, not emoji: emoji fonts are missing on many servers
AXIS_TIME_FORMAT, AXIS_TIME_FORMAT_SECONDS = "%m-%d %H:%M", "%m-%d %H:%M:%S"  # the table below has the year
HISTORY_SERIES = {"混合 MRR@10": "retrieval.hybrid.MRR@10", "混合 R@5": "retrieval.hybrid.R@5",
                  "通过率": "answers.pass_rate"}


def number(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def run_label(report_path: Path) -> str:
    run_id = report_path.parent.name
    try:
        return f"{run_time(run_id).astimezone().strftime(TIME_FORMAT)}（{run_id}）"
    except ValueError:
        return run_id


def reason_label(code: str) -> str:
    return REASON_LABELS.get(code, code)  # reports older than the codes hold English sentences


def load(report_path: Path) -> RunReport | None:
    """A run's report; every rerun of the page reads all of them (history, which runs a viewer may see),
    and a written report never changes, so each is parsed once per modification time."""
    try:
        return _parse(str(report_path), report_path.stat().st_mtime_ns)
    except OSError:
        return None


# cache_resource, not cache_data: cache_data hands out an unpickled copy on every hit (23 ms for a
# 130-case report), and each rerun of the page reads every run twice; the view never changes a report.
@st.cache_resource(max_entries=REPORT_CACHE_ENTRIES, show_spinner=False)
def _parse(path: str, mtime_ns: int) -> RunReport | None:
    return read_report(Path(path))


def _delta(report: RunReport, name: str) -> float | None:
    change = report.baseline.deltas.get(f"answers.{name}") if report.baseline else None
    return None if change is None else round(change.delta, 3)


def answer_metrics(report: RunReport) -> None:
    answers = report.summary.answers
    labels = {**ANSWER_METRICS, **LATENCY_METRICS}
    names = [name for name in labels if name in answers]
    for start in range(0, len(names), METRICS_PER_ROW):
        for column, name in zip(st.columns(METRICS_PER_ROW), names[start:start + METRICS_PER_ROW], strict=False):
            digits = 0 if name in LATENCY_METRICS else 3
            column.metric(labels[name], number(answers[name], digits), delta=_delta(report, name),
                          delta_color="inverse" if name in LOWER_IS_BETTER else "normal")


def retrieval_chart(report: RunReport) -> None:
    retrieval = report.summary.retrieval
    data = pd.DataFrame([{"metric": metric, "retriever": MODE_LABELS.get(mode, mode), "value": values[metric]}
                         for mode, values in retrieval.items() for metric in RETRIEVAL_METRICS])
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("metric:N", sort=list(RETRIEVAL_METRICS), title=None),
        xOffset=alt.XOffset("retriever:N", sort=list(MODE_LABELS.values())),
        y=alt.Y("value:Q", scale=alt.Scale(domain=[0, 1]), title="得分"),
        color=alt.Color("retriever:N", sort=list(MODE_LABELS.values()), title="检索方式"),
        tooltip=[alt.Tooltip("retriever:N", title="检索方式"), alt.Tooltip("metric:N", title="指标"),
                 alt.Tooltip("value:Q", title="得分", format=".3f")],
    )
    st.altair_chart(chart, width="stretch")
    st.dataframe(pd.DataFrame({MODE_LABELS.get(mode, mode): values for mode, values in retrieval.items()})
                 .reindex(list(RETRIEVAL_METRICS)).T.round(3), width="stretch")


def latency_histogram(report: RunReport) -> None:
    latencies = [case.latency_ms for case in report.cases]
    if not latencies:
        return
    chart = alt.Chart(pd.DataFrame({"latency": latencies})).mark_bar().encode(
        x=alt.X("latency:Q", bin=alt.Bin(maxbins=HISTOGRAM_BINS), title="回答延迟（毫秒）"),
        y=alt.Y("count():Q", title="用例数"),
    )
    st.altair_chart(chart, width="stretch")


def breakdown_table(groups: dict[str, Summary], name: str) -> None:
    """Cases, pass rate and hybrid retrieval per tag (or role)."""
    if not groups:
        st.caption(f"没有按{name}分组的用例。")
        return
    st.dataframe(
        [{name: key, "用例数": g.cases, "通过率": g.answers["pass_rate"],
          "回答含证据": g.answers["evidence_in_answer"], "混合 R@5": g.retrieval["hybrid"]["R@5"],
          "混合 MRR@10": g.retrieval["hybrid"]["MRR@10"]} for key, g in groups.items()],
        hide_index=True, width="stretch",
        column_config={col: st.column_config.NumberColumn(format="%.3f")
                       for col in ("通过率", "回答含证据", "混合 R@5", "混合 MRR@10")})


def baseline_note(report: RunReport) -> None:
    baseline = report.baseline
    if not baseline:
        st.caption("这是第一次运行，没有可比较的上一次结果。")
        return
    failing, passing = baseline.newly_failing, baseline.newly_passing
    text = (f"与上一次运行 {baseline.run_id} 相比：新失败 {len(failing)} 个"
            + (f"（{'、'.join(failing)}）" if failing else "")
            + f"，新通过 {len(passing)} 个" + (f"（{'、'.join(passing)}）" if passing else ""))
    (st.warning if failing else st.caption)(render.escape_markdown(text))


def coverage_note(report: RunReport) -> None:
    cov = report.coverage
    if not cov:
        return
    text = (f"覆盖：评测问到了 {cov.roles_covered}/{cov.roles_total} 个岗位，"
            f"{cov.items_covered}/{cov.items_total} 条职责有证据。")
    if cov.roles_uncovered:
        text += "没有用例问到的岗位：" + "、".join(cov.roles_uncovered)
    st.caption(render.escape_markdown(text))


def rank_text(ranks: dict[str, int | None]) -> str:
    return " · ".join(f"{MODE_LABELS.get(mode, mode)} " + (f"第 {rank} 名" if rank else "前 10 未找到")
                      for mode, rank in ranks.items())


def show_case(case: CaseResult) -> None:
    role = f"（岗位：{case.role}）" if case.role else ""
    st.markdown(f"**问题**：{render.escape_markdown(case.question + role)}")
    st.caption(render.escape_markdown(f"{PASSED if case.passed else FAILED}：{reason_label(case.reason)} · "
                                      f"用时 {case.latency_ms:.0f} 毫秒 · 相关片段排名：{rank_text(case.ranks)}"))
    st.markdown("**回答**")
    st.markdown(render.answer_markdown(case.answer))
    for group in group_citations([Citation(**c) for c in case.citations]):
        with st.expander(render.group_label(group), icon=":material/format_quote:"):
            st.markdown(render.group_quotes(group, ()))
    st.markdown("**检索到的片段（混合检索前几名，✔ 为相关片段）**")
    for hit in case.retrieved:
        mark = "✔" if hit.relevant else "·"
        st.markdown(f"{mark} **{hit.rank}\\.** {render.escape_markdown(hit.section)}"
                    + render.HARD_BREAK + render.escape_markdown(hit.text))


def cases_section(report: RunReport) -> None:
    cases = report.cases
    if not cases:
        return
    st.dataframe(
        [{"结果": PASSED if c.passed else FAILED, "用例": c.id, "问题": c.question,
          "原因": reason_label(c.reason), "毫秒": round(c.latency_ms)} for c in cases],
        hide_index=True, width="stretch")
    first_failing = next((i for i, c in enumerate(cases) if not c.passed), 0)
    picked = st.selectbox("查看用例详情", range(len(cases)), index=first_failing, key=f"eval-case-{report.run_id}",
                          format_func=lambda i: f"[{PASSED if cases[i].passed else FAILED}] {cases[i].id} · "
                                                f"{cases[i].question}")
    with st.container(border=True):
        show_case(cases[picked])


def show(report: RunReport) -> None:
    summary = report.summary
    suites = "、".join(s.name for s in report.suites)
    st.caption(render.escape_markdown(
        f"评测集：{suites} · {summary.cases} 个用例（{summary.answerable} 个可回答） · "
        f"索引 {report.index.build_id}"))
    baseline_note(report)
    st.markdown("**回答**")
    answer_metrics(report)
    st.markdown("**检索（各检索方式分别评分）**")
    retrieval_chart(report)
    st.markdown("**回答延迟分布**")
    latency_histogram(report)
    st.markdown("**按标签**")
    breakdown_table(report.by_tag, "标签")
    st.markdown("**按岗位**")
    breakdown_table(report.by_role, "岗位")
    coverage_note(report)
    st.markdown("**用例**")
    cases_section(report)


def run_axis_labels(times: list[datetime]) -> list[str]:
    """A date-and-time label per run, oldest first; seconds only where two runs share a minute."""
    labels = [t.strftime(AXIS_TIME_FORMAT) for t in times]
    clashes = {label for label in labels if labels.count(label) > 1}
    return [t.strftime(AXIS_TIME_FORMAT_SECONDS) if label in clashes else label for t, label in zip(times, labels,
                                                                                                  strict=True)]


def history(report_paths: list[Path]) -> None:
    """Headline metrics of every run over time (runs may cover different suites: see the table)."""
    rows = []
    for path in report_paths:
        report = load(path)
        if report is None:
            continue
        metrics = report.flat_metrics()
        row = {"时间": datetime.fromisoformat(report.created).astimezone(), "运行": report.run_id,
               "评测集": "、".join(s.name for s in report.suites), "用例数": report.summary.cases}
        row.update({label: metrics.get(metric) for label, metric in HISTORY_SERIES.items()})
        rows.append(row)
    if not rows:
        st.info("还没有运行过评测。")
        return
    frame = pd.DataFrame(rows)
    frame["run"] = run_axis_labels(list(frame["时间"]))
    series = frame.melt(id_vars=["run", "时间"], value_vars=list(HISTORY_SERIES), var_name="series",
                        value_name="value")
    series["时间"] = series["时间"].map(lambda t: t.strftime(TIME_FORMAT))
    # One tick per run, labelled with its date and time (a time axis labels a single run ":44" and repeats
    # minutes between two close runs); points as well as lines, since a single run has no line.
    chart = alt.Chart(series).mark_line(point=True).encode(
        x=alt.X("run:O", sort=None, title=None, axis=alt.Axis(labelAngle=0, labelOverlap="greedy")),
        y=alt.Y("value:Q", scale=alt.Scale(domain=[0, 1]), title="得分"),
        color=alt.Color("series:N", title=None),
        tooltip=[alt.Tooltip("时间:N", title="时间"), alt.Tooltip("series:N", title="指标"),
                 alt.Tooltip("value:Q", title="得分", format=".3f")],
    )
    st.altair_chart(chart, width="stretch")
    frame["时间"] = frame["时间"].map(lambda t: t.strftime(TIME_FORMAT))
    st.dataframe(frame.drop(columns="run").iloc[::-1], hide_index=True, width="stretch",
                 column_config={label: st.column_config.NumberColumn(format="%.3f") for label in HISTORY_SERIES})
