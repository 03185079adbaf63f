"""An entry's audit trail: who changed it, when and why, each version's diff and full text."""
from __future__ import annotations

from datetime import datetime

import streamlit as st

from apps.ui.status import TIME_FORMAT
from ingest.curation import AuditRecord, CorpusStore, EntryError

ACTION_LABELS = {"add": "新建", "edit": "修改", "retire": "废止", "restore": "恢复启用", "import": "导入"}


def when_label(when: str) -> str:
    return datetime.fromisoformat(when).astimezone().strftime(TIME_FORMAT)


def version_label(record: AuditRecord) -> str:
    return f"第 {record.version} 版 · {ACTION_LABELS.get(record.action, record.action)} · {record.who}"


def table(records: list[AuditRecord]) -> None:
    st.dataframe(
        [{"版本": r.version, "操作": ACTION_LABELS.get(r.action, r.action), "修改人": r.who,
          "时间": when_label(r.when), "原因": r.why} for r in reversed(records)],
        hide_index=True, width="stretch")


def show(store: CorpusStore, doc_id: str, key: str) -> None:
    """Newest first; pick a version to see what changed and the whole text as it was then."""
    records = store.history(doc_id)
    if not records:
        st.caption("暂无修订记录：这个文件不是通过本应用或 dutykb corpus 命令修改的。")
        return
    table(records)
    by_version = {r.version: r for r in records}
    version = st.selectbox("查看版本", list(reversed(by_version)), key=key,
                           format_func=lambda v: version_label(by_version[v]))
    record = by_version[version]
    st.caption("与上一版相比的改动")
    st.code(record.diff or "（无改动）", language="diff")
    try:
        text = store.version_text(doc_id, version)
    except EntryError:
        return  # imported raw files keep no copy per version; their audit record says what was imported
    with st.expander(f"第 {version} 版全文"):
        st.code(text, language="markdown", wrap_lines=True)
