"""What changed for a role since a moment: duties added, removed or reworded, and the rules naming it.

The two states compared are recorded builds (`kb.role_history`): the last one published at or before
`since` (the baseline) and the newest. Only documents whose recorded version differs are compared. A
role is found by its name or any alias, in either script, in either state. Its duties are paired first by
equal normalised text (a duty that was only renumbered has not changed), then, among the rest, by text
similarity: a removed and an added duty at least `REWORDED_MIN_SIMILARITY` alike are one reworded duty
(shown old → new). Rules are the passages outside the role's own duty lists that name it, paired the
same way (added, changed, removed). Only what the audience may see is compared.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from kb.access import PUBLIC, Audience
from kb.normalize import normalize, normalize_name, text_key
from kb.records import DutyItem, Role
from kb.role_history import BuildSnapshot, DocumentVersion, Passage, load_version, snapshots

# difflib's ratio of the normalised texts: "每月回访业主。" → "每月电话回访业主一次。" is 0.78; two unrelated
# duties of one role sharing a word or two ("受理业主报修。", "每月回访业主。") stay under 0.5.
REWORDED_MIN_SIMILARITY = 0.6
MIN_NAME_CHARS = 2  # a one-character alias would "mention" the role everywhere
ADDED, REMOVED, REWORDED, CHANGED = "added", "removed", "reworded", "changed"


@dataclass(frozen=True)
class BuildRef:
    build_id: str
    created: datetime

    def to_json(self) -> dict[str, str]:
        return {"build_id": self.build_id, "created": self.created.isoformat()}


@dataclass(frozen=True)
class DutyChange:
    change: str  # added | removed | reworded
    doc_id: str
    title: str
    role: str  # the role's name in the document (the newer one for a reworded duty)
    old: DutyItem | None
    new: DutyItem | None
    similarity: float | None = None  # of a reworded pair

    def to_json(self) -> dict[str, Any]:
        return {"change": self.change, "doc_id": self.doc_id, "title": self.title, "role": self.role,
                "old": _item_json(self.old), "new": _item_json(self.new),
                "similarity": None if self.similarity is None else round(self.similarity, 3)}


@dataclass(frozen=True)
class RuleChange:
    change: str  # added | removed | changed
    doc_id: str
    title: str
    section: str
    old: str | None
    new: str | None

    def to_json(self) -> dict[str, Any]:
        return {"change": self.change, "doc_id": self.doc_id, "title": self.title, "section": self.section,
                "old": self.old, "new": self.new}


@dataclass
class RoleChanges:
    role: str
    since: datetime
    baseline: BuildRef | None  # the state at `since` (None: nothing recorded)
    current: BuildRef | None
    complete: bool  # the history reaches back to `since` (else the baseline is the oldest recorded build)
    duties: list[DutyChange] = field(default_factory=list)
    rules: list[RuleChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.duties and not self.rules

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "since": self.since.isoformat(),
                "baseline": self.baseline.to_json() if self.baseline else None,
                "current": self.current.to_json() if self.current else None, "complete": self.complete,
                "duties": [d.to_json() for d in self.duties], "rules": [r.to_json() for r in self.rules]}


def _item_json(item: DutyItem | None) -> dict[str, Any] | None:
    return None if item is None else {"n": item.n, "text": item.text}


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, normalize(a), normalize(b), autojunk=False).ratio()


def pair_texts(old: list[str], new: list[str],
               min_similarity: float = REWORDED_MIN_SIMILARITY) -> tuple[list[tuple[int, int, float]], list[int],
                                                                         list[int]]:
    """(reworded pairs (old index, new index, similarity), removed old indexes, added new indexes).

    Texts equal but for script, width, spaces and punctuation are the same item; of the rest, the most
    alike pairs are taken first, each text in one pair at most."""
    unmatched_new: dict[str, list[int]] = {}
    for j, text in enumerate(new):
        unmatched_new.setdefault(text_key(text), []).append(j)
    rest_old = []
    for i, text in enumerate(old):
        same = unmatched_new.get(text_key(text))
        if same:
            same.pop(0)
        else:
            rest_old.append(i)
    rest_new = sorted(j for js in unmatched_new.values() for j in js)
    scored = sorted(((similarity(old[i], new[j]), i, j) for i in rest_old for j in rest_new), reverse=True)
    pairs, used_old, used_new = [], set(), set()
    for score, i, j in scored:
        if score < min_similarity:
            break
        if i in used_old or j in used_new:
            continue
        pairs.append((i, j, score))
        used_old.add(i)
        used_new.add(j)
    return (sorted(pairs, key=lambda p: p[1]), [i for i in rest_old if i not in used_old],
            [j for j in rest_new if j not in used_new])


def _forms(role: Role) -> set[str]:
    return {normalize_name(f) for f in [role.name, *role.aliases]}


def _matching(version: DocumentVersion | None, key: str, audience: Audience) -> list[Role]:
    if version is None:
        return []
    return [r for r in version.roles if key in _forms(r) and audience.may_see(r.visibility)]


def _duty_changes(doc_id: str, title: str, old_roles: list[Role], new_roles: list[Role]) -> list[DutyChange]:
    old = [(r.name, d) for r in old_roles for d in r.duties]
    new = [(r.name, d) for r in new_roles for d in r.duties]
    pairs, removed, added = pair_texts([d.text for _, d in old], [d.text for _, d in new])
    changes = [DutyChange(REMOVED, doc_id, title, old[i][0], old[i][1], None) for i in removed]
    changes += [DutyChange(ADDED, doc_id, title, new[j][0], None, new[j][1]) for j in added]
    changes += [DutyChange(REWORDED, doc_id, title, new[j][0], old[i][1], new[j][1], s) for i, j, s in pairs]
    return changes


def _rules(version: DocumentVersion | None, forms: set[str], own: set[str], audience: Audience) -> list[Passage]:
    """Passages outside the role's own duty lists that name it."""
    if version is None:
        return []
    return [p for p in version.passages
            if (p.role is None or normalize_name(p.role) not in own) and audience.may_see(p.visibility)
            and any(f in normalize(p.text) for f in forms)]


def _rule_changes(doc_id: str, title: str, old: list[Passage], new: list[Passage]) -> list[RuleChange]:
    pairs, removed, added = pair_texts([p.text for p in old], [p.text for p in new])
    changes = [RuleChange(REMOVED, doc_id, title, old[i].section, old[i].text, None) for i in removed]
    changes += [RuleChange(ADDED, doc_id, title, new[j].section, None, new[j].text) for j in added]
    changes += [RuleChange(CHANGED, doc_id, title, new[j].section, old[i].text, new[j].text) for i, j, _ in pairs]
    return changes


def _home(kb_or_home: Any) -> Path:
    return Path(kb_or_home) if isinstance(kb_or_home, str | Path) else Path(kb_or_home.home)


def baseline_at(recorded: list[BuildSnapshot], since: datetime) -> tuple[BuildSnapshot | None, bool]:
    """The build live at `since` and whether the history reaches back that far (else: the oldest build)."""
    before = [s for s in recorded if s.created <= since]
    if before:
        return before[-1], True
    return (recorded[0] if recorded else None), False


def changes_for_role(kb_or_home: Any, role: str, since: datetime, audience: Audience = PUBLIC) -> RoleChanges:
    """What changed for `role` (a name or alias) between the build live at `since` and the newest build.

    `kb_or_home`: a KnowledgeBase or its home directory. A naive `since` is local time.
    """
    home = _home(kb_or_home)
    since = since.astimezone()
    recorded = snapshots(home)
    baseline, complete = baseline_at(recorded, since)
    current = recorded[-1] if recorded else None
    result = RoleChanges(role, since, BuildRef(baseline.build_id, baseline.created) if baseline else None,
                         BuildRef(current.build_id, current.created) if current else None, complete)
    if baseline is None or current is None or baseline is current:
        return result
    key = normalize_name(role)
    for doc_id in dict.fromkeys([*baseline.docs, *current.docs]):
        old_key, new_key = baseline.docs.get(doc_id), current.docs.get(doc_id)
        if old_key == new_key:
            continue
        old = load_version(home, old_key) if old_key else None
        new = load_version(home, new_key) if new_key else None
        old_roles, new_roles = _matching(old, key, audience), _matching(new, key, audience)
        either = new or old
        title = either.title if either is not None else doc_id
        result.duties += _duty_changes(doc_id, title, old_roles, new_roles)
        forms = {f for r in [*old_roles, *new_roles] for f in _forms(r)} | {key}
        names = {normalize_name(r.name) for r in [*old_roles, *new_roles]} | {key}
        readable = {f for f in forms if len(f) >= MIN_NAME_CHARS}
        result.rules += _rule_changes(doc_id, title, _rules(old, readable, names, audience),
                                      _rules(new, readable, names, audience))
    return result
