"""职责重叠报告 on the 岗位核对 page: what `kb.overlap` finds in the live build, for trainers.

Computed on demand (a toggle): it compares every pair of duties of an organisation's roles, which the
page should not pay on every rerun; the result is kept per build and audience.
"""
from __future__ import annotations

import streamlit as st

from apps.ui import render
from apps.ui.resources import Services
from kb.access import Audience
from kb.blocks import clean_section
from kb.overlap import VERBATIM, OverlapReport, overlap_report

TOGGLE_KEY = "rr_overlap"
CACHED_REPORTS = 4
KIND_LABELS = {VERBATIM: "相同", "near": "相近"}


@st.cache_data(max_entries=CACHED_REPORTS, show_spinner="正在比较各岗位的职责…")
def report(build_id: str, audience: str, _services: Services) -> OverlapReport:
    return overlap_report(_services.kb, Audience.parse(audience))


def _lines(rows: list[str]) -> str:
    return render.HARD_BREAK.join(render.escape_markdown(row) for row in rows)


def show_report(found: OverlapReport) -> None:
    totals = found.to_json()["totals"]
    st.caption(f"两个岗位共有的职责 {totals['shared']} 处 · 没有岗位认领的职责清单 {totals['unowned']} 个 · "
               f"没有职责的岗位 {totals['empty_roles']} 个 · 与禁止性规定冲突的职责 {totals['contradictions']} 条"
               "（按文档比较）")
    st.markdown("**两个岗位共有的职责**")
    if found.shared:
        st.markdown(_lines([f"【{KIND_LABELS[s.kind]}】{s.role_a} 第{s.duty_a.n}项：{s.duty_a.text}\n"
                            f"　　{s.role_b} 第{s.duty_b.n}项：{s.duty_b.text}" for s in found.shared]))
    else:
        st.caption("没有。")
    st.markdown("**没有岗位认领的职责清单**")
    if found.unowned:
        st.markdown(_lines([f"《{u.title}》 {clean_section(u.section)}（{u.items} 项）：" + "；".join(u.sample)
                            for u in found.unowned]))
    else:
        st.caption("没有。")
    st.markdown("**没有职责条目的岗位**")
    if found.empty_roles:
        st.markdown(_lines([f"{e.role}（{e.doc_id}）" for e in found.empty_roles]))
    else:
        st.caption("没有。")
    st.markdown("**与禁止性规定冲突的职责**")
    if found.contradictions:
        st.markdown(_lines([f"{c.role} 第{c.duty.n}项：{c.duty.text}\n　　规定：{c.rule}（{clean_section(c.section)}）"
                            for c in found.contradictions]))
    else:
        st.caption("没有。")


def show(services: Services, audience: Audience) -> None:
    if not st.toggle("职责重叠报告", key=TOGGLE_KEY,
                     help="同一文档里两个岗位相同或相近的职责、没有岗位认领的职责清单、没有职责的岗位，"
                          "以及被“不得/禁止”规定禁止的职责。"):
        return
    show_report(report(services.kb.build.manifest.build_id, str(audience), services))
