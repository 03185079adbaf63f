"""A run report as Markdown and as a self-contained HTML page (no scripts, no external files)."""
from __future__ import annotations

import html
from typing import Any

from evals.report import RunReport

CHART_WIDTH, BAR_HEIGHT, LABEL_WIDTH = 640, 18, 190
HISTOGRAM_BINS = 12
RETRIEVER_COLORS = {"hybrid": "#2f6fdf", "bm25": "#e08a1e", "dense": "#3aa66a"}
REASON_TEXT = {
    "evidence_cited": "evidence cited",
    "abstained_as_expected": "abstained as expected",
    "hedged_as_expected": "said it is not covered (partial), as expected",
    "answered_unanswerable": "answered an unanswerable question",
    "hedged_off_topic": "partial on an off-topic question (must be none)",
    "abstained_answerable": "abstained on an answerable question",
    "hedged_answerable": "partial on an answerable question",
    "evidence_missing": "expected evidence not in the answer or its citations",
    "phrase_missing": "answer text lacks an expected phrase",
    "incomplete": "answer lacks items of the whole list/procedure",
}
CURVE_SERIES = {"answered": ("answerable answered", "#2f6fdf"),
                "answerable_none": ("answerable none", "#d04040"),
                "unanswerable_hedged_or_none": ("unanswerable none/partial", "#3aa66a"),
                "off_topic_none": ("off-topic none", "#e08a1e")}
CURVE_HEIGHT, CURVE_LEFT, CURVE_TOP = 220, 50, 20
SHOWN_CITATIONS = 3


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def reason_text(code: str) -> str:
    return REASON_TEXT.get(code, code)


def to_markdown(report: RunReport) -> str:
    s = report.summary
    lines = [f"# dutykb eval {report.run_id}", "",
             f"Suites: {', '.join(x.name for x in report.suites)}; {s.cases} cases "
             f"({s.answerable} answerable); build {report.index.build_id}.", "",
             "## Retrieval", "", "| retriever | R@1 | R@5 | R@10 | MRR@10 | nDCG@10 |", "|---|---|---|---|---|---|"]
    for mode, m in s.retrieval.items():
        lines.append(f"| {mode} | {_fmt(m['R@1'])} | {_fmt(m['R@5'])} | {_fmt(m['R@10'])} | "
                     f"{_fmt(m['MRR@10'])} | {_fmt(m['nDCG@10'])} |")
    lines += ["", "## Answers", "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {_fmt(v)} |" for k, v in s.answers.items()]
    lines += curve_markdown(report)
    if report.baseline:
        b = report.baseline
        lines += ["", f"## Against {b.run_id}", "", "| metric | before | after | delta |", "|---|---|---|---|"]
        lines += [f"| {k} | {_fmt(d.before)} | {_fmt(d.after)} | {d.delta:+.3f} |"
                  for k, d in b.deltas.items() if abs(d.delta) > 1e-9]
        lines += ["", f"Newly failing: {', '.join(b.newly_failing) or 'none'}",
                  f"Newly passing: {', '.join(b.newly_passing) or 'none'}"]
    if report.thresholds:
        lines += ["", "## Thresholds", ""]
        lines += [f"- {'ok' if t.ok else 'MISSED'}: {t.metric} = {t.value:.3f} "
                  f"({f'min {t.min}' if t.min is not None else f'max {t.max}'})" for t in report.thresholds]
    for name, check in report.roles.items():
        lines += ["", f"## Roles ({name})", "",
                  f"Found {check.found}/{check.expected} ({check.found_rate:.3f}); exact duty counts "
                  f"{check.exact_duties}/{check.expected} ({check.exact_rate:.3f}); spurious {check.spurious_count}."]
        lines += [f"- missing: {m}" for m in check.missing] + [f"- wrong count: {w}" for w in check.wrong_counts]
        lines += [f"- spurious: {x}" for x in check.spurious]
    cov = report.coverage
    if cov:
        lines += ["", "## Coverage", "", f"Roles asked about: {cov.roles_covered}/{cov.roles_total}; "
                  f"duty items with evidence: {cov.items_covered}/{cov.items_total}."]
        if cov.roles_uncovered:
            lines.append(f"Roles no case asks about: {'、'.join(cov.roles_uncovered)}")
    lines += ["", "## Cases", "", "| | id | question | level | reason | cited |", "|---|---|---|---|---|---|"]
    for c in report.cases:
        cited = "; ".join(f"[{x['n']}] {x['section'].split(' › ')[-1]}" for x in c.citations[:SHOWN_CITATIONS])
        asked = " → ".join([*c.turns, c.question])
        lines.append(f"| {'✅' if c.passed else '❌'} | {c.id} | {_md(asked)} | {c.level} | {reason_text(c.reason)} | "
                     f"{_md(cited)} |")
    return "\n".join(lines) + "\n"


def curve_markdown(report: RunReport) -> list[str]:
    """Levels vs. the abstention threshold (abstain_below), per suite: where the shipped setting sits."""
    out: list[str] = []
    for name, summary in [("all suites", report.summary), *report.by_suite.items()]:
        if not summary.level_curve:
            continue
        out += ["", f"## Levels vs. abstention threshold ({name})", "",
                "| abstain_below | " + " | ".join(label for label, _ in CURVE_SERIES.values()) + " |",
                "|---|" + "---|" * len(CURVE_SERIES)]
        out += [f"| {p.threshold:.3f} | " + " | ".join(_fmt(getattr(p, key)) for key in CURVE_SERIES) + " |"
                for p in summary.level_curve]
    return out


def _curve_svg(report: RunReport) -> str:
    points = report.summary.level_curve
    if not points:
        return ""
    width = CHART_WIDTH - CURVE_LEFT - 20
    x = [CURVE_LEFT + i * width / max(1, len(points) - 1) for i in range(len(points))]
    parts = [f'<svg role="img" aria-label="levels vs threshold" width="{CHART_WIDTH}" '
             f'height="{CURVE_HEIGHT + 60}" xmlns="http://www.w3.org/2000/svg">'
             f'<text x="0" y="14" font-weight="bold">回答层级与阈值 (levels vs. abstain_below)</text>']
    for key, (_, color) in CURVE_SERIES.items():
        ys = [getattr(p, key) for p in points]
        coords = " ".join(f"{xi:.1f},{CURVE_TOP + (1 - y) * CURVE_HEIGHT:.1f}" for xi, y in zip(x, ys, strict=True)
                          if y is not None)
        if coords:
            parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{coords}"/>')
    for i, (label, color) in enumerate(CURVE_SERIES.values()):
        parts.append(f'<text x="{CURVE_LEFT + i * 150}" y="{CURVE_HEIGHT + 55}" font-size="12" fill="{color}">'
                     f"{html.escape(label)}</text>")
    for xi, p in list(zip(x, points, strict=True))[::4]:
        parts.append(f'<text x="{xi:.1f}" y="{CURVE_HEIGHT + CURVE_TOP + 14}" font-size="11">{p.threshold:.3f}</text>')
    return "".join(parts) + "</svg>"


def _bars(title: str, rows: list[tuple[str, float, str]], maximum: float = 1.0, fmt: str = "{:.3f}") -> str:
    height = BAR_HEIGHT * len(rows) + 30
    usable = CHART_WIDTH - LABEL_WIDTH - 60
    parts = [f'<svg role="img" aria-label="{html.escape(title)}" width="{CHART_WIDTH}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg"><text x="0" y="14" font-weight="bold">{html.escape(title)}</text>']
    for i, (label, value, color) in enumerate(rows):
        y = 24 + i * BAR_HEIGHT
        width = max(0.0, min(1.0, value / maximum if maximum else 0)) * usable
        parts.append(f'<text x="0" y="{y + 12}" font-size="12">{html.escape(label)}</text>'
                     f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT - 4}" fill="{color}"/>'
                     f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + 12}" font-size="12">{fmt.format(value)}</text>')
    return "".join(parts) + "</svg>"


def _histogram(latencies: list[float]) -> str:
    if not latencies:
        return ""
    top = max(latencies) or 1.0
    width = top / HISTOGRAM_BINS
    counts = [0] * HISTOGRAM_BINS
    for value in latencies:
        counts[min(HISTOGRAM_BINS - 1, int(value / width))] += 1
    rows = [(f"{i * width:.0f}–{(i + 1) * width:.0f} ms", float(n), "#7a5cc7") for i, n in enumerate(counts)]
    return _bars("回答延迟分布 (answer latency, cases per bin)", rows, maximum=float(max(counts)), fmt="{:.0f}")


def to_html(report: RunReport) -> str:
    s = report.summary
    retrieval_rows = [(f"{mode} {metric}", m[metric], RETRIEVER_COLORS.get(mode, "#888"))
                      for metric in ("R@1", "R@5", "MRR@10", "nDCG@10") for mode, m in s.retrieval.items()]
    tag_rows = [(tag, g.answers["pass_rate"] or 0.0, "#2f6fdf") for tag, g in report.by_tag.items()]
    body = [f"<h1>dutykb eval {html.escape(report.run_id)}</h1>",
            f"<p>{s.cases} cases, {s.answerable} answerable · build "
            f"{html.escape(str(report.index.build_id))} · {html.escape(report.created)}</p>",
            _bars("检索指标 (retrieval, per retriever)", retrieval_rows),
            _bars("各标签通过率 (pass rate per tag)", tag_rows),
            _histogram([c.latency_ms for c in report.cases]),
            _curve_svg(report),
            "<h2>回答指标</h2><table>" + "".join(
                f"<tr><td>{html.escape(k)}</td><td>{_fmt(v)}</td></tr>" for k, v in s.answers.items()) + "</table>"]
    if report.baseline:
        b = report.baseline
        body.append(f"<h2>与 {html.escape(str(b.run_id))} 比较</h2><p>新失败: "
                    f"{html.escape(', '.join(b.newly_failing) or '无')} · 新通过: "
                    f"{html.escape(', '.join(b.newly_passing) or '无')}</p>")
    body.append("<h2>用例</h2>")
    for c in report.cases:
        retrieved = "".join(f"<li>{'✔' if r.relevant else '·'} {html.escape(r.section)}: "
                            f"{html.escape(r.text)}</li>" for r in c.retrieved)
        cited = "".join(f"<li>[{x['n']}] {html.escape(x['section'])}: {html.escape(x['quote'])}</li>"
                        for x in c.citations)
        asked = " → ".join([*c.turns, c.question])
        understood = (f"<p><small>理解为：{html.escape(c.understood_as)}</small></p>"
                      if c.understood_as and c.understood_as != c.question else "")
        body.append(f"<details><summary>{'通过' if c.passed else '未通过'} {html.escape(c.id)} — "
                    f"{html.escape(asked)} <small>({html.escape(c.level)}; {html.escape(reason_text(c.reason))})"
                    f"</small></summary>{understood}"
                    f"<p><b>回答</b><br>{html.escape(c.answer).replace(chr(10), '<br>')}</p>"
                    f"<p><b>引用</b></p><ul>{cited}</ul><p><b>检索结果</b></p><ul>{retrieved}</ul></details>")
    style = ("body{font-family:'Noto Sans CJK SC','Noto Sans CJK TC',sans-serif;max-width:960px;margin:2em auto}"
             "table{border-collapse:collapse}td{border:1px solid #ccc;padding:2px 8px}svg{display:block;margin:1em 0}")
    return (f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>dutykb eval</title>'
            f"<style>{style}</style></head><body>{''.join(body)}</body></html>")
