"""Trainers' corrections to the roles ingest finds, kept beside the corpus and applied after detection.

`corpus/roles.yaml` (reviewed like code, one list for the whole corpus):

    overrides:
      - doc: 客服部岗位职责.docx         # the document (its id under the corpus folder)
        action: rename                   # rename | alias | merge | not_a_role | add | move | expect | organisation
        role: 安全                        # the detected role it corrects (name or alias, either script)
        section: 第一条 客户服务经理       # optional: where that role was found (its section path, or its end)
        to: 安全管理员                    # rename / merge / add / move: the role's (new) name; organisation: its name
        aliases: [安全员]                 # alias: names to add
        item: 3f9a1c2e                   # move: the duty's anchor (kb.records.item_anchor of its text)
        duties: 8                        # expect: how many duties the role must have
        by: 王老师                        # who, when, why: the history of every correction
        at: 2026-12-04T10:00:00
        why: 标签不是岗位

Anchors are the document, the role's name and section path, and an item's text hash, never positions, so a
correction survives edits around it. One that no longer matches (the section was deleted, the item reworded)
is reported by every ingest ("1 override no longer matches: …"), never dropped silently and never applied to
another item.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from ingest.roles import role_for_node
from ingest.structure import Section, path_label
from kb.atomic import atomic_write_text
from kb.errors import DutyKBError
from kb.normalize import normalize_name
from kb.outline import strip_marker_text
from kb.records import BREADCRUMB_SEP, DutyItem, Role, item_anchor
from kb.safeyaml import YamlError, load_yaml

OVERRIDES_FILE = "roles.yaml"
HEADER = ("# Corrections to the roles dutykb finds (role review, 岗位核对). Applied after detection at every ingest;\n"
          "# an override whose anchor no longer matches is reported, never applied elsewhere.\n")


class OverridesError(DutyKBError):
    """corpus/roles.yaml cannot be read or holds an invalid override."""


class Action(StrEnum):
    RENAME = "rename"
    ALIAS = "alias"
    MERGE = "merge"
    NOT_A_ROLE = "not_a_role"
    ADD = "add"
    MOVE = "move"
    EXPECT = "expect"
    ORGANISATION = "organisation"  # the document's organisation (kb.scope), anchored by the document alone


NEEDS_ROLE = frozenset({Action.RENAME, Action.ALIAS, Action.MERGE, Action.NOT_A_ROLE, Action.EXPECT})
NEEDS_TO = frozenset({Action.RENAME, Action.MERGE, Action.ADD, Action.MOVE, Action.ORGANISATION})


class Override(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc: str
    action: Action
    role: str | None = None
    section: str | None = None
    to: str | None = None
    aliases: list[str] = []
    item: str | None = None
    duties: int | None = None
    by: str = ""
    at: str = ""
    why: str = ""

    @model_validator(mode="after")
    def _complete(self) -> Override:
        if self.action in NEEDS_ROLE and not self.role:
            raise ValueError(f"'{self.action}' needs 'role' (the detected role it corrects)")
        if self.action in NEEDS_TO and not self.to:
            raise ValueError(f"'{self.action}' needs 'to'")
        if self.action is Action.ADD and not self.section:
            raise ValueError("'add' needs 'section' (the outline node that becomes the role)")
        if self.action is Action.MOVE and not self.item:
            raise ValueError("'move' needs 'item' (the duty's anchor)")
        if self.action is Action.ALIAS and not self.aliases:
            raise ValueError("'alias' needs 'aliases'")
        if self.action is Action.EXPECT and self.duties is None:
            raise ValueError("'expect' needs 'duties'")
        return self

    def describe(self) -> str:
        what = {Action.RENAME: f"rename {self.role} → {self.to}", Action.ALIAS: f"alias {self.role} + {self.aliases}",
                Action.MERGE: f"merge {self.role} into {self.to}", Action.NOT_A_ROLE: f"{self.role} is not a role",
                Action.ADD: f"add {self.to} from {self.section}", Action.MOVE: f"move item {self.item} to {self.to}",
                Action.EXPECT: f"{self.role} has {self.duties} duties",
                Action.ORGANISATION: f"organisation {self.to}"}[self.action]
        return f"{self.doc}: {what}"


@dataclass
class Applied:
    """A document's roles after its overrides, and what did not apply."""

    roles: list[Role]
    unmatched: list[str] = field(default_factory=list)  # "doc: what" of overrides whose anchor is gone
    failed_checks: list[str] = field(default_factory=list)  # duty counts that differ from an `expect`
    organisation: str | None = None  # the document's organisation a trainer set (the last one given)


def load_overrides(corpus_dir: Path) -> list[Override]:
    path = corpus_dir / OVERRIDES_FILE
    if not path.is_file():
        return []
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), str(path)) or {}
    except (OSError, UnicodeDecodeError, YamlError) as exc:
        raise OverridesError(f"{path}: cannot read the role overrides ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("overrides", []), list):
        raise OverridesError(f"{path}: expected 'overrides:' with a list of overrides")
    overrides = []
    for index, raw in enumerate(data.get("overrides") or [], 1):
        try:
            overrides.append(Override.model_validate(raw))
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
            raise OverridesError(f"{path}: override {index}: {problem}") from None
    return overrides


def save_override(corpus_dir: Path, override: Override, who: str = "", why: str = "") -> Override:
    """Append one override (stamped with who, when and why) to corpus/roles.yaml, written atomically."""
    stamped = override.model_copy(update={"by": who or override.by, "why": why or override.why,
                                          "at": dt.datetime.now().isoformat(timespec="seconds")})
    existing = load_overrides(corpus_dir)
    entries = [o.model_dump(exclude_defaults=True, mode="json") for o in [*existing, stamped]]
    text = HEADER + yaml.safe_dump({"overrides": entries}, allow_unicode=True, sort_keys=False)
    atomic_write_text(corpus_dir / OVERRIDES_FILE, text)
    return stamped


def _matches(role: Role, name: str, section: str | None) -> bool:
    key = normalize_name(name)
    named = key in {normalize_name(n) for n in [role.name, *role.aliases]}
    return named and (section is None or role.section == section or role.section.endswith(section))


def node_paths(root: Section) -> list[tuple[str, Section]]:
    """Every outline node with its section path (as roles and chunks write it)."""
    found: list[tuple[str, Section]] = []

    def walk(node: Section, path: list[str]) -> None:
        here = path + [path_label(node.label)] if node.kind != "root" else path
        if here:
            found.append((BREADCRUMB_SEP.join(here), node))
        for child in node.children:
            walk(child, here)

    walk(root, [])
    return found


def _unnumbered(path: str) -> str:
    """A table row's path without the row's number: a row is anchored by what it says, not by where it stands
    (a row added above it renumbers it)."""
    parent, _, row = path.rpartition(BREADCRUMB_SEP)
    return f"{parent}{BREADCRUMB_SEP}{strip_marker_text(row)}" if parent else strip_marker_text(row)


def _is_node(path: str, node: Section, anchor: str) -> bool:
    if node.in_table:
        path, anchor = _unnumbered(path), _unnumbered(anchor)
    return path == anchor or path.endswith(anchor)


def _with_duties(role: Role, duties: list[DutyItem]) -> Role:
    return replace(role, duties=[DutyItem(n=i, text=d.text) for i, d in enumerate(duties, 1)])


def _apply_one(o: Override, roles: list[Role], root: Section, doc_id: str, title: str) -> list[Role] | None:
    """The roles after one override, or None when its anchor is not in this document (any more)."""
    targets = [r for r in roles if o.role and _matches(r, o.role, o.section)]
    if o.action is Action.ADD:
        node = next((n for p, n in node_paths(root) if _is_node(p, n, o.section or "")), None)
        added = role_for_node(node, o.section or "", o.to or "", doc_id, title) if node is not None else None
        return [*roles, added] if added is not None else None
    if o.action is Action.MOVE:
        holder = next((r for r in roles if any(item_anchor(d.text) == o.item for d in r.duties)), None)
        receiver = next((r for r in roles if _matches(r, o.to or "", None)), None)
        if holder is None or receiver is None:
            return None
        moved = [d for d in holder.duties if item_anchor(d.text) == o.item]
        return [_with_duties(r, [d for d in r.duties if item_anchor(d.text) != o.item]) if r is holder
                else _with_duties(r, [*r.duties, *moved]) if r is receiver else r for r in roles]
    if not targets:
        return None
    if o.action is Action.NOT_A_ROLE:
        return [r for r in roles if r not in targets]
    if o.action is Action.RENAME:
        return [replace(r, name=o.to or r.name, aliases=[*r.aliases, r.name]) if r in targets else r for r in roles]
    if o.action is Action.ALIAS:
        return [replace(r, aliases=[*r.aliases, *(a for a in o.aliases if a not in r.aliases)]) if r in targets
                else r for r in roles]
    if o.action is Action.MERGE:
        into = next((r for r in roles if r not in targets and _matches(r, o.to or "", None)), None)
        if into is None:
            return None
        merged = _with_duties(into, [*into.duties, *(d for t in targets for d in t.duties)])
        merged.aliases = [*into.aliases, *(n for t in targets for n in [t.name, *t.aliases])]
        return [merged if r is into else r for r in roles if r not in targets]
    return roles  # EXPECT and ORGANISATION change no role: a count checked after all others, a document's field


def checked_role(o: Override, roles: list[Role]) -> Role | None:
    """The role a duty-count check (`expect`) counts, among the document's roles after its overrides."""
    return next((r for r in roles if _matches(r, o.role or "", o.section)), None)


def apply_overrides(roles: list[Role], overrides: list[Override], root: Section, doc_id: str,
                    title: str) -> Applied:
    """The document's roles with its overrides applied in file order; the ones that no longer match listed."""
    applied = Applied(list(roles))
    mine = [o for o in overrides if o.doc == doc_id]
    for o in mine:
        if o.action is Action.ORGANISATION:
            applied.organisation = o.to
            continue
        result = _apply_one(o, applied.roles, root, doc_id, title)
        if result is None:
            applied.unmatched.append(o.describe())
        else:
            applied.roles = result
    for o in (o for o in mine if o.action is Action.EXPECT):
        role = checked_role(o, applied.roles)
        if role is not None and len(role.duties) != o.duties:
            applied.failed_checks.append(f"{doc_id}: {role.name} has {len(role.duties)} duties, expected {o.duties}")
    return applied
