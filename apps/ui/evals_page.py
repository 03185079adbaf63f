"""评测 page: editors run question suites, read the report, follow runs over time, and triage thumbs-down answers.

Streamlit runs this file as the page script (`__name__ == "__main__"`); app.py has
already checked that an index is live.
"""
from __future__ import annotations

from pathlib import Path
from typing import Final

import streamlit as st

from apps.ui import (
    auth,
    eval_report_view,
    eval_run,
    feedback_inbox,
    publish,
    render,
    resources,
    suites,
)
from apps.ui.resources import Services
from evals.runs import RunStore
from evals.suite import SuiteError, load_suite
from kb.access import Audience

SUITES_KEY = "eval_suites"
RUN_KEY = "eval_run"
VIEW_KEY = "eval_view"
PERSIST: Final = "session"  # the editor's choice of suites survives a detour to another page


def run_section(services: Services, audience: Audience) -> None:
    folder = services.settings.suites_dir
    paths = {path.name: path for path in suites.suite_paths(folder)}
    if not paths:
        st.info(render.escape_markdown(f"{folder} 里还没有评测集（*.yaml）。"))
        return
    chosen = st.multiselect("评测集", list(paths), default=list(paths), key=SUITES_KEY, persist_state=PERSIST,
                            help=render.escape_markdown(f"来自 {folder}"))
    if not st.button("运行评测", key=RUN_KEY, type="primary", icon=":material/play_arrow:", disabled=not chosen):
        return
    try:
        picked = [load_suite(paths[name]) for name in chosen]
    except SuiteError as exc:
        st.error(render.escape_markdown(f"评测集有误：{exc}"))
        return
    if not any(suite.cases for suite in picked):
        st.warning("选中的评测集里没有用例。")
        return
    bar = st.progress(0.0, text="正在评测…")

    def progress(done: int, total: int, case_id: str) -> None:
        bar.progress(done / total, text=render.escape_markdown(f"正在评测 {done}/{total}：{case_id}"))

    report_path = eval_run.run(services, picked, progress, audience)
    bar.empty()
    st.session_state[VIEW_KEY] = str(report_path)  # show the run just made (its selectbox is drawn below)


def viewable_runs(services: Services, audience: Audience) -> list[str]:
    """Runs newest first, without those quoting restricted entries the viewer may not see."""
    runs = []
    for path in reversed(RunStore(services.settings.home).paths()):
        report = eval_report_view.load(path)
        if report is not None and report.viewable_by(audience):
            runs.append(str(path))
    return runs


def report_section(services: Services, audience: Audience) -> None:
    runs = viewable_runs(services, audience)
    if not runs:
        st.info("还没有运行过评测：选好评测集，点“运行评测”。")
        return
    if st.session_state.get(VIEW_KEY) not in runs:
        st.session_state.pop(VIEW_KEY, None)
    picked = st.selectbox("查看哪次运行", runs, key=VIEW_KEY,
                          format_func=lambda p: eval_report_view.run_label(Path(p)))
    report = eval_report_view.load(Path(picked))
    if report is None:
        st.error(render.escape_markdown(f"无法读取 {picked}"))
        return
    eval_report_view.show(report)


def main() -> None:
    services = resources.services()
    viewer = auth.require("editor")
    st.title("评测")
    st.caption("每次修改语料或代码前后运行评测集，看检索和回答有没有变好或变坏。")
    publish.show_flashes()
    inbox = feedback_inbox.pending(services, viewer.audience)
    run_tab, history_tab, inbox_tab = st.tabs(["运行与报告", "历史趋势", f"差评收件箱（{len(inbox)}）"])
    with run_tab:
        run_section(services, viewer.audience)
        report_section(services, viewer.audience)
    with history_tab:
        eval_report_view.history(RunStore(services.settings.home).paths())
    with inbox_tab:
        feedback_inbox.show(services, inbox)


if __name__ == "__main__":
    main()
