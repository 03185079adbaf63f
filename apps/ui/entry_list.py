"""The 条目管理 page's list of corpus files: what each one is, as ingest read it, and how often it was saved here."""
from __future__ import annotations

from typing import Any

import streamlit as st

from kb.access import Audience
from kb.frontmatter import ACTIVE, RETIRED
from kb.knowledge import Build

LIST_KEY = "cur_list"
STATUS_LABELS = {ACTIVE: "启用", RETIRED: "已废止", "unreadable": "无法读取"}
ORIGINAL_FILE = "原始文件"
LIST_HELP = {"版本数": "在这里保存过几次；“原始文件”是放进语料目录后还没在这里改过的文件。",
             "岗位": "文件里定义的岗位（标题识别出的和“岗位”栏填写的）"}
# Column widths in pixels: the list fits the page's 700-pixel column; long cells are cut short.
LIST_WIDTHS = {"标题": 120, "岗位": 175, "状态": 52, "版本数": 72, "可见范围": 72, "文件": 165}


def versions_label(row: dict[str, Any]) -> str:
    """How many versions the app keeps of the file; a file never saved here is the original as delivered."""
    versions = row.get("versions", 0)
    return str(versions) if versions else ORIGINAL_FILE


def roles_label(roles: list[str]) -> str:
    """The count first, so it shows even when a long list is cut short in its cell."""
    return f"{len(roles)} 个：" + "、".join(roles) if roles else ""


def list_rows(rows: list[dict[str, Any]], build: Build, audience: Audience) -> list[dict[str, str]]:
    """One line per file, with the title and roles ingest parsed from it (a raw file has no front matter
    to name them), so the shipped document reads 後場老師職責 with its 16 roles, not its file name."""
    parsed_roles: dict[str, list[str]] = {}
    for role in build.roles_for(audience):
        parsed_roles.setdefault(role.source, []).append(role.name)
    errors = any("error" in row for row in rows)
    table = []
    for r in rows:
        doc_id = r["doc_id"]
        # the organisation is shown on the 岗位 page: one more column here made the list scroll sideways on a phone
        line = {"标题": build.docs.get(doc_id, {}).get("title") or r.get("title") or ""}
        if errors:  # the column only when some file could not be read, next to the title it lacks
            line["问题"] = r.get("error", "")
        roles = dict.fromkeys([*map(str, r.get("roles") or []), *parsed_roles.get(doc_id, [])])
        line.update({"岗位": roles_label(list(roles)), "状态": STATUS_LABELS.get(r["status"], r["status"]),
                     "版本数": versions_label(r), "可见范围": "、".join(r.get("visibility") or []) or "所有人",
                     "文件": doc_id})
        table.append(line)
    return table


def show(rows: list[dict[str, Any]], build: Build, audience: Audience) -> str | None:
    """The list; returns the file whose row was just picked, if any."""
    selection = st.dataframe(
        list_rows(rows, build, audience), hide_index=True, width="stretch", key=LIST_KEY,
        on_select="rerun", selection_mode="single-row",
        column_config={name: st.column_config.TextColumn(width=width, help=LIST_HELP.get(name))
                       for name, width in LIST_WIDTHS.items()})
    st.caption("点选一行即可打开编辑、废止或查看修订记录。")
    picked = selection.selection.rows
    return rows[picked[0]]["doc_id"] if picked else None
