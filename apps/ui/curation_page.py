"""条目管理 page: trainers list, create, preview, edit, retire and import corpus entries, and read their history.

Every write goes through `CorpusStore` (atomic, versioned, refused when the file
changed since it was loaded); then the corpus is re-ingested and the cached
knowledge base reopened, so the chat answers from the change at once, and the
page says how long that took.

Streamlit runs this file as the page script (`__name__ == "__main__"`); app.py has
already checked that an index is live.
"""
from __future__ import annotations

import re
import time
from typing import Any, Final

import streamlit as st

from apps.ui import (
    auth,
    entry_form,
    entry_list,
    history_view,
    open_entry,
    preview_view,
    publish,
    render,
    resources,
)
from apps.ui.entry_list import STATUS_LABELS
from apps.ui.resources import Services
from ingest.curation import (
    CorpusStore,
    Entry,
    EntryError,
    StaleEditError,
)
from ingest.load import KIND_BY_SUFFIX
from kb.access import Audience
from kb.errors import DutyKBError
from kb.frontmatter import ACTIVE, RETIRED, EntryMeta

VIEW_LIST, VIEW_EDIT, VIEW_NEW, VIEW_IMPORT = "全部条目", "编辑条目", "新建条目", "导入文件"
VIEWS = (VIEW_LIST, VIEW_EDIT, VIEW_NEW, VIEW_IMPORT)
VIEW_KEY = "cur_view"
DOC_KEY = "cur_doc"  # the entry picked for editing
LOADED_KEY = "cur_loaded"  # the version loaded into the edit form: its sha is the base of the next save
CLEAR_NEW_KEY = "cur_clear_new"
NEW, EDIT, IMPORT = "new", "edit", "import"  # form prefixes
FILE_KEY = "new_file"
DERIVED_FILE_KEY = "new_file_derived"  # the name last filled in from the title
UNSAFE_FILE_CHARS = re.compile(r"[^\w\-]+")  # \w: letters and digits of any script, so Chinese titles stay
WHO_KEY = "cur_who"
UPLOAD_KEY = "import_upload"
HISTORY_KEY = "edit_history_version"
PERSIST: Final = "session"
IMPORT_TYPES = [suffix.lstrip(".") for suffix in KIND_BY_SUFFIX]  # exactly what ingest reads
ENTRY_SUFFIX = ".md"
PREVIEW_DOC_ID = "新条目.md"  # previewing before a file name is chosen
STALE_MESSAGE = ("保存被拒绝：你打开这个条目之后，它已被修改（可能是别人在另一个窗口或用命令行改的）。"
                 "为了不覆盖别人的修改，这次没有保存。请先复制你的改动，点“重新载入”看最新版本，再重新修改。")


def entry_label(row: dict[str, Any]) -> str:
    label = f"{row.get('title') or row['doc_id']}（{row['doc_id']}）"
    status = row.get("status", ACTIVE)
    return label if status == ACTIVE else f"{label} · {STATUS_LABELS.get(status, status)}"


def load(store: CorpusStore, doc_id: str) -> dict[str, Any]:
    """Load `doc_id` into the edit form (before its widgets are drawn); raises EntryError."""
    entry = store.show(doc_id)
    loaded = {"doc_id": doc_id, "sha": entry.sha, "meta": entry.meta, "body": entry.body, "kind": entry.kind}
    st.session_state[LOADED_KEY] = loaded
    st.session_state.pop(why_key(EDIT), None)  # the reason for the last save is not the reason for the next
    if entry.kind == "markdown":
        entry_form.load(EDIT, entry.meta, entry.body)
    return loaded


def visible_rows(store: CorpusStore, audience: Audience) -> list[dict[str, Any]]:
    """Corpus files the viewer may see (restricted entries of other groups are not even listed)."""
    return [r for r in store.entries() if audience.may_see(r.get("visibility"))]


def take_requests(store: CorpusStore, audience: Audience) -> None:
    """Apply what the previous run (or another page) asked for, before any widget is drawn."""
    if st.session_state.pop(CLEAR_NEW_KEY, False):
        entry_form.clear(NEW)
        st.session_state.pop(FILE_KEY, None)
        st.session_state.pop(DERIVED_FILE_KEY, None)
    doc_id = open_entry.take()
    if doc_id is None or doc_id not in {r["doc_id"] for r in visible_rows(store, audience)}:
        return
    try:
        load(store, doc_id)
    except EntryError as exc:
        publish.flash("error", render.escape_markdown(f"无法打开 {doc_id}：{exc}"))
        return
    st.session_state[VIEW_KEY] = VIEW_EDIT
    st.session_state[DOC_KEY] = doc_id


def why_key(prefix: str) -> str:
    return f"{prefix}_why"


def who_why(prefix: str) -> tuple[str, str]:
    left, right = st.columns([1, 2])
    who = left.text_input("修改人（必填）", key=WHO_KEY, placeholder="你的名字", persist_state=PERSIST)
    why = right.text_input("修改原因", key=why_key(prefix), placeholder="例如：按 2024 年版制度更新")
    return who.strip(), why.strip()


def finish(services: Services, doc_id: str, started: float, done: str) -> None:
    """Re-ingest, report, and show the saved entry in the edit form on the next run."""
    publish.announce(publish.publish(services, started), done)
    open_entry.request(doc_id)
    st.rerun()


def list_view(services: Services, store: CorpusStore, audience: Audience) -> None:
    rows = visible_rows(store, audience)
    if not rows:
        st.info("语料目录里还没有文件。可以在“新建条目”里写一个，或在“导入文件”里上传。")
        return
    picked = entry_list.show(rows, services.kb.build, audience)
    if picked is not None:
        open_entry.request(picked)
        st.rerun()


def raw_view(store: CorpusStore, loaded: dict[str, Any]) -> None:
    st.info(render.escape_markdown(
        f"这是导入的原始文件（{loaded['kind']}），不能在这里修改。要更正其中的内容，请新建一个 .md 条目。"))
    with st.expander("文件内容（已解码）"):
        st.code(loaded["body"], language=None, wrap_lines=True)
    with st.expander("修订记录", icon=":material/history:"):
        history_view.show(store, loaded["doc_id"], key=HISTORY_KEY)


def save_edit(services: Services, store: CorpusStore, loaded: dict[str, Any], who: str, why: str) -> None:
    problem = entry_form.missing(EDIT) or (None if who else "请填写修改人。")
    if problem:
        st.error(problem)
        return
    started = time.perf_counter()
    try:
        entry = store.edit(loaded["doc_id"], entry_form.meta(EDIT, loaded["meta"]), entry_form.body(EDIT),
                           loaded["sha"], who, why)
    except StaleEditError as exc:
        st.error(STALE_MESSAGE, icon=":material/block:")
        st.caption(render.escape_markdown(str(exc)))
        return
    except DutyKBError as exc:
        st.error(render.escape_markdown(f"无法保存：{exc}"))
        return
    finish(services, entry.doc_id, started, f"已保存《{entry.meta.title}》第 {entry.meta.version} 版。")


def change_status(services: Services, store: CorpusStore, loaded: dict[str, Any], who: str, why: str) -> None:
    """Retire an active entry (it stays on disk and leaves the index) or bring a retired one back."""
    if not who:
        st.error("请填写修改人。")
        return
    started = time.perf_counter()
    doc_id, title = loaded["doc_id"], loaded["meta"].title
    try:
        if not loaded["meta"].retired:
            store.retire(doc_id, loaded["sha"], who, why)
            done = f"已废止《{title}》：文件保留，已从索引中移除，对话不再引用它。"
        else:
            store.edit(doc_id, loaded["meta"].with_changes(status=ACTIVE), loaded["body"], loaded["sha"], who,
                       why, action="restore")
            done = f"已恢复启用《{title}》。"
    except StaleEditError:
        st.error(STALE_MESSAGE, icon=":material/block:")
        return
    except DutyKBError as exc:
        st.error(render.escape_markdown(f"无法修改状态：{exc}"))
        return
    finish(services, doc_id, started, done)


def status_line(loaded: dict[str, Any]) -> None:
    meta = loaded["meta"]
    status = meta.status
    st.caption(render.escape_markdown(
        f"文件 {loaded['doc_id']} · 第 {meta.version or 1} 版 · {STATUS_LABELS.get(status, status)} · "
        f"载入时的版本标识 {loaded['sha']}"))
    if status == RETIRED:
        st.warning("这个条目已废止：文件保留，但不在索引中，对话不会引用它。")


def edit_view(services: Services, store: CorpusStore, audience: Audience) -> None:
    rows = {r["doc_id"]: r for r in visible_rows(store, audience)}
    if st.session_state.get(DOC_KEY) not in rows:
        st.session_state.pop(DOC_KEY, None)  # the file went away since it was picked
    doc_id = st.selectbox("条目", list(rows), key=DOC_KEY, index=None, placeholder="选择要修改的条目",
                          format_func=lambda d: entry_label(rows[d]), persist_state=PERSIST)
    if doc_id is None:
        st.info("选择一个条目开始修改，或到“新建条目”写一个新的。")
        return
    loaded = st.session_state.get(LOADED_KEY)
    reload = st.button("重新载入", key="edit_reload", icon=":material/refresh:",
                       help="放弃未保存的修改，载入文件现在的内容")
    if reload or not loaded or loaded["doc_id"] != doc_id:
        try:
            loaded = load(store, doc_id)
        except EntryError as exc:
            st.error(render.escape_markdown(f"无法打开 {doc_id}：{exc}"))
            return
    if loaded["kind"] != "markdown":
        raw_view(store, loaded)
        return
    status_line(loaded)
    entry_form.widgets(EDIT)
    who, why = who_why(EDIT)
    active = not loaded["meta"].retired
    with st.container(horizontal=True):
        preview = st.button("预览", key="edit_preview", icon=":material/visibility:")
        save = st.button("保存修改", key="edit_save", type="primary", icon=":material/save:")
        toggle = st.button("废止" if active else "恢复启用", key="edit_status",
                           icon=":material/archive:" if active else ":material/unarchive:")
    if preview:
        preview_view.show(preview_view.compute(doc_id, entry_form.entry_text(EDIT, loaded["meta"]), services,
                                                  auth.current().audience))
    if save:
        save_edit(services, store, loaded, who, why)
    if toggle:
        change_status(services, store, loaded, who, why)
    with st.expander("修订记录", icon=":material/history:"):
        history_view.show(store, doc_id, key=HISTORY_KEY)


def file_name_from(title: str) -> str:
    """A file name for a new entry: its title, with what a file name may not hold turned into dashes."""
    stem = UNSAFE_FILE_CHARS.sub("-", title.strip()).strip("-")
    return stem + ENTRY_SUFFIX if stem else ""


def fill_file_name() -> None:
    """When the title changes, the file name follows it, until the trainer types a name of their own."""
    derived = file_name_from(st.session_state.get(entry_form.key(NEW, "title"), ""))
    if st.session_state.get(FILE_KEY, "") in ("", st.session_state.get(DERIVED_FILE_KEY)):
        st.session_state[FILE_KEY] = derived
    st.session_state[DERIVED_FILE_KEY] = derived


def new_doc_id(name: str) -> str | None:
    name = name.strip()
    if not name:
        return None
    return name if name.lower().endswith(ENTRY_SUFFIX) else name + ENTRY_SUFFIX


def save_new(services: Services, store: CorpusStore, doc_id: str | None, who: str, why: str) -> None:
    problem = entry_form.missing(NEW) or (None if who else "请填写修改人。")
    if doc_id is None:
        problem = "请填写文件名。"
    if problem or doc_id is None:
        st.error(problem)
        return
    started = time.perf_counter()
    try:
        if store.path_of(doc_id).exists():
            st.error(render.escape_markdown(f"已有同名文件 {doc_id}：请换个文件名，或在“编辑条目”里修改它。"))
            return
        entry: Entry = store.add(doc_id, entry_form.meta(NEW, EntryMeta()), entry_form.body(NEW), who, why)
    except DutyKBError as exc:
        st.error(render.escape_markdown(f"无法保存：{exc}"))
        return
    st.session_state[CLEAR_NEW_KEY] = True
    finish(services, entry.doc_id, started, f"已新建《{entry.meta.title}》（{entry.doc_id}）。")


def new_view(services: Services, store: CorpusStore) -> None:
    entry_form.widgets(NEW, on_title_change=fill_file_name)
    st.text_input("文件名（按标题生成，可以修改）", key=FILE_KEY, placeholder="例如：夜班值守规范.md",
                  persist_state=PERSIST)
    who, why = who_why(NEW)
    with st.container(horizontal=True):
        preview = st.button("预览", key="new_preview", icon=":material/visibility:")
        save = st.button("保存", key="new_save", type="primary", icon=":material/save:")
    doc_id = new_doc_id(st.session_state.get(FILE_KEY, ""))
    if preview:
        problem = entry_form.missing(NEW)
        if problem:
            st.error(problem)
        else:
            text = entry_form.entry_text(NEW, EntryMeta())
            preview_view.show(preview_view.compute(doc_id or PREVIEW_DOC_ID, text, services, auth.current().audience))
    if save:
        save_new(services, store, doc_id, who, why)


def import_view(services: Services, store: CorpusStore) -> None:
    uploaded = st.file_uploader("上传文件（TXT、MD、HTML、DOCX；UTF-8、GBK 或 Big5 编码均可）", type=IMPORT_TYPES,
                                key=UPLOAD_KEY)
    st.caption("文件按原样入库，和命令行 dutykb ingest 的读法完全相同；读不了的文件会说明原因，不会写入语料目录。")
    who, why = who_why(IMPORT)
    if not st.button("导入", key="import_save", type="primary", icon=":material/upload_file:",
                     disabled=uploaded is None) or uploaded is None:
        return
    if not who:
        st.error("请填写修改人。")
        return
    started = time.perf_counter()
    try:
        entry = store.import_file(uploaded.name, uploaded.getvalue(), who, why)
    except EntryError as exc:
        st.error(render.escape_markdown(f"无法导入：{exc}"))
        return
    finish(services, entry.doc_id, started, f"已导入 {entry.doc_id}。")


def main() -> None:
    services = resources.services()
    viewer = auth.require("trainer")
    store = CorpusStore(services.settings.corpus)
    take_requests(store, viewer.audience)
    st.title("条目管理")
    st.caption("新建、修改、废止语料条目；保存后自动重新入库，对话马上能回答。每次修改都保留旧版本和修订记录。")
    publish.show_flashes()
    view = st.radio("操作", VIEWS, key=VIEW_KEY, horizontal=True, label_visibility="collapsed",
                    persist_state=PERSIST)
    if view == VIEW_LIST:
        list_view(services, store, viewer.audience)
    elif view == VIEW_EDIT:
        edit_view(services, store, viewer.audience)
    elif view == VIEW_NEW:
        new_view(services, store)
    else:
        import_view(services, store)


if __name__ == "__main__":
    main()
