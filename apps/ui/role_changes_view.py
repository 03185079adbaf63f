"""变更: what changed for a role since the viewer's last look (or a date they pick), from `kb.role_changes`.

A signed-in user's last look at the role is kept in `$DUTYKB_HOME/visits.sqlite` (`kb.visits`): read once
per session, when the section is first shown, and replaced by now; an anonymous viewer starts from
`DEFAULT_SINCE_DAYS` ago. Any page showing a role can call `show` (岗位 detail, the study page).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import streamlit as st

from apps.ui import render
from apps.ui.auth import Viewer
from apps.ui.resources import Services
from apps.ui.status import TIME_FORMAT
from kb.role_changes import ADDED, CHANGED, REMOVED, REWORDED, DutyChange, RoleChanges, RuleChange, changes_for_role
from kb.visits import VisitStore

DEFAULT_SINCE_DAYS = 30
BADGES = {ADDED: ":green-badge[新增]", REMOVED: ":red-badge[删除]", REWORDED: ":orange-badge[改写]",
          CHANGED: ":orange-badge[修改]"}
ARROW = " → "


def _key(role: str, what: str) -> str:
    return f"role-changes-{what}-{role}"


def last_visit(services: Services, role: str, viewer: Viewer) -> datetime | None:
    """The viewer's previous look at the role, read once per session; this look is recorded in its place."""
    key = _key(role, "visit")
    if key not in st.session_state:
        st.session_state[key] = None
        if viewer.username:
            visits = VisitStore.under(services.settings.home)
            st.session_state[key] = visits.last(viewer.username, role)
            visits.record(viewer.username, role)
    return st.session_state[key]


def since_moment(services: Services, role: str, viewer: Viewer, key: str) -> datetime:
    """The moment to compare with: the last visit, unless the viewer picks another day (`key`: the date
    box's, unique on the page)."""
    visit = last_visit(services, role, viewer)
    default = visit.astimezone() if visit else datetime.now().astimezone() - timedelta(days=DEFAULT_SINCE_DAYS)
    day: date = st.date_input("查看自此日期以来的变更", value=default.date(), key=key,
                              max_value=date.today(), help="默认从你上次查看这个岗位时算起。")
    if visit and day == default.date():
        return default
    return datetime.combine(day, time.min).astimezone()


def duty_line(change: DutyChange) -> str:
    old, new = (f"{item.n}. {item.text}" if item else "" for item in (change.old, change.new))
    text = f"{old}{ARROW}{new}" if change.old and change.new else old or new
    return f"{BADGES[change.change]} {render.escape_markdown(text)}"


def rule_line(change: RuleChange) -> str:
    text = f"{change.old}{ARROW}{change.new}" if change.old and change.new else change.old or change.new or ""
    where = f"《{change.title}》 {change.section}".strip()
    return f"{BADGES[change.change]} {render.escape_markdown(text)}" + render.HARD_BREAK + \
        f":gray[{render.escape_markdown(where)}]"


def show_changes(changes: RoleChanges, since: datetime, visited: bool) -> None:
    head = f"自{'上次查看' if visited else ''} {since.astimezone().strftime(TIME_FORMAT)} 以来"
    if changes.baseline is None:
        st.caption(f"{head}：还没有入库记录。")
        return
    if not changes.complete:
        head += f"（变更记录从 {changes.baseline.created.astimezone().strftime(TIME_FORMAT)} 开始）"
    if changes.empty:
        st.caption(f"{head}：没有变更。")
        return
    st.caption(f"{head}：")
    if changes.duties:
        st.markdown(render.HARD_BREAK.join(duty_line(d) for d in changes.duties))
    if changes.rules:
        lines = ["提到该岗位的规定：", *(rule_line(r) for r in changes.rules)]
        st.markdown(render.HARD_BREAK.join(lines))


def show(services: Services, role: str, viewer: Viewer, key: str, title: str = "变更") -> None:
    """The section for the role named `role`, headed `title`; `key` makes its widgets unique on the page."""
    st.markdown(f"**{title}**")
    since = since_moment(services, role, viewer, key)
    visit = st.session_state.get(_key(role, "visit"))
    show_changes(changes_for_role(services.kb, role, since, viewer.audience), since,
                 visit is not None and since == visit.astimezone())
