"""A new hire's study sheet for one role: its duties by label, the rules that name it, the roles it works with.

- **Duties by label.** The registry keeps a role's duty items (every duty label's items, numbered through);
  the labels come back from the role's own section: an item sits under the label (岗位职责, 安全职责) whose
  chunk quotes it; the role's other labelled lists (任职要求, 禁止行为, 工作权限 …) follow, each item with
  its own number. An item under no label is under 岗位职责.
- **Rules that name it.** Items of the same organisation's other passages (procedures, regulations) that name
  the role by its name or an alias, each cited. The organisation is the role's document narrowed to its
  top-level section when that section holds other roles too (a scraped page of answers about unrelated
  organisations has one organisation per top-level section; a handbook has one organisation throughout).
  This is not `Build.organisation_of` (kb.scope), which groups whole documents: it splits one document, and
  only looks inside the role's own.
- **Roles it works with.** Other roles of the same document named in its duties: a post of the same name in
  another organisation's document is not a colleague.

Everything is read from the live build for one audience: restricted passages stay hidden.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.access import Audience
from kb.blocks import clean_label, clean_section, strip_marker
from kb.jobtitles import ListKind, label_kind
from kb.knowledge import Build
from kb.normalize import normalize, normalize_name
from kb.outline import strip_marker_text
from kb.records import BREADCRUMB_SEP, Chunk, Role

DUTY_LABEL = "岗位职责"  # the label of duty items written under no label of their own
MIN_FORM_CHARS = 2  # a one-character alias would "name" the role everywhere
MAX_RELATED_ITEMS = 40  # a handbook addressed to all staff names them on every page; a study sheet stays short
MIN_SCOPE_ROLES = 2  # a top-level section with at least this many roles is one organisation's
LEADING_NUMBER = re.compile(r"^[\d.．、\s]+")  # 3.2. 职责: a dotted number the outline grammar leaves on a label
# Labelled lists shown after the duties, in this order (measures and relations last: least to learn by heart).
KIND_ORDER = (ListKind.DUTIES, ListKind.REQUIREMENTS, ListKind.PROHIBITIONS, ListKind.AUTHORITY,
              ListKind.MEASURES, ListKind.RELATIONS)


@dataclass(frozen=True)
class Cited:
    """One item as written, with where it is: document title, section path, item number (None: unnumbered)."""

    text: str
    document: str
    section: str
    item: int | None
    doc_id: str
    chunk_id: str = ""

    def to_json(self) -> dict:
        return {"text": self.text, "document": self.document, "section": self.section, "item": self.item,
                "doc_id": self.doc_id}


@dataclass
class LabelGroup:
    label: str  # as the document writes it, without its number (安全职责, 任職要求); 岗位职责 for unlabelled duties
    kind: ListKind
    items: list[Cited] = field(default_factory=list)


@dataclass
class StudySheet:
    role: Role
    groups: list[LabelGroup]
    related: list[Cited]
    partners: list[str]
    organisation: Organisation  # the quiz's distractors come from its other roles

    @property
    def duties(self) -> list[Cited]:
        return [c for g in self.groups if g.kind is ListKind.DUTIES for c in g.items]

    def to_json(self) -> dict:
        return {"role": self.role.name, "document": self.role.title, "section": clean_section(self.role.section),
                "groups": [{"label": g.label, "kind": str(g.kind), "items": [c.to_json() for c in g.items]}
                           for g in self.groups],
                "related": [c.to_json() for c in self.related], "partners": list(self.partners)}


def item_text(text: str) -> str:
    """An item as written without its number marker (kb.blocks.strip_marker reads one line: a multi-line item's
    first line loses the marker, its sub-items stay)."""
    first, newline, rest = text.strip().partition("\n")
    return strip_marker(first) + newline + rest


def name_forms(role: Role) -> list[str]:
    """The role's name and aliases in match form, longest first."""
    forms = {normalize_name(f) for f in [role.name, *role.aliases]}
    return sorted((f for f in forms if len(f) >= MIN_FORM_CHARS), key=len, reverse=True)


def roles_named(build: Build, match: str) -> set[str]:
    """Canonical names of the roles a match text names; a form inside a longer one names only the longer one's
    role (VIP话务员 does not name 话务员)."""
    occurring = build.role_forms_in(match)
    covered: list[tuple[int, int]] = []
    named: set[str] = set()
    for form in sorted(occurring, key=len, reverse=True):
        start = occurring[form]
        end = start + len(form)
        if any(s <= start and end <= e for s, e in covered):
            continue
        covered.append((start, end))
        named |= build.role_names[form]
    return named


def _under(section: str, parent: str) -> bool:
    return bool(parent) and (section == parent or section.startswith(parent + BREADCRUMB_SEP))


def _label_below(section: str, parent: str) -> tuple[str, ListKind] | None:
    """The first list label on the path from the role's section down to a chunk's (安全职责, 任职要求)."""
    rest = section[len(parent):].split(BREADCRUMB_SEP) if parent else []
    for step in rest:
        text = LEADING_NUMBER.sub("", strip_marker_text(clean_label(step)))
        kind = label_kind(text) if text else None
        if kind is not None:
            return text.rstrip(":："), kind
    return None


def own_chunks(build: Build, role: Role, audience: Audience) -> list[Chunk]:
    """The chunks of the role's own section (its duty list and its other labelled lists), in document order."""
    ids = set(role.chunk_ids)
    return [c for c in build.chunks if c.doc_id == role.source and audience.may_see(c.visibility)
            and (c.chunk_id in ids or _under(c.section, role.section))]


def _duty_groups(role: Role, chunks: list[Chunk]) -> list[LabelGroup]:
    """The role's duty items under the duty label whose chunk quotes them (岗位职责 when none does)."""
    labelled = [(found, c) for c in chunks if (found := _label_below(c.section, role.section))
                and found[1] is ListKind.DUTIES]
    groups: dict[str, LabelGroup] = {}
    for duty in role.duties:
        key = normalize(duty.text)
        where = next(((label, c) for (label, _), c in labelled if any(key in normalize(p.text) for p in c.parts)),
                     None)
        label, chunk = where if where else (DUTY_LABEL, quoting_chunk(chunks, key))
        group = groups.setdefault(label, LabelGroup(label, ListKind.DUTIES))
        group.items.append(Cited(duty.text, role.title, clean_section(chunk.section if chunk else role.section),
                                 duty.n, role.source, chunk.chunk_id if chunk else ""))
    return list(groups.values())


def quoting_chunk(chunks: list[Chunk], key: str) -> Chunk | None:
    """The chunk quoting an item (match form), if any."""
    return next((c for c in chunks if any(key in normalize(p.text) for p in c.parts)), None)


def _other_groups(role: Role, chunks: list[Chunk]) -> list[LabelGroup]:
    """The role's labelled lists that are not duties (任职要求, 禁止行为 …), items as written."""
    groups: dict[str, LabelGroup] = {}
    for chunk in chunks:
        found = _label_below(chunk.section, role.section)
        if found is None or found[1] is ListKind.DUTIES:
            continue
        label, kind = found
        group = groups.setdefault(label, LabelGroup(label, kind))
        group.items += [Cited(item_text(p.text), chunk.title, clean_section(chunk.section), p.n, chunk.doc_id,
                              chunk.chunk_id) for p in chunk.parts if p.text.strip()]
    return list(groups.values())


def _top(section: str) -> str:
    return section.split(BREADCRUMB_SEP)[0] if section else ""


@dataclass(frozen=True)
class Organisation:
    """Where a role's organisation is written: its document, narrowed to one top-level section ("": all of it)."""

    doc_id: str
    top: str
    roles: list[Role]  # its other roles

    def holds(self, chunk: Chunk) -> bool:
        return chunk.doc_id == self.doc_id and (not self.top or _top(chunk.section) == self.top)


def organisation(build: Build, role: Role, audience: Audience) -> Organisation:
    """The role's organisation: its top-level section, when that holds other roles too, else its document. A role
    of the same name (another entry of the same post) is not another role."""
    same_doc = [r for r in build.roles_for(audience) if r.source == role.source and r.name != role.name]
    top = _top(role.section)
    same_top = [r for r in same_doc if top and _top(r.section) == top]
    if len(same_top) + 1 >= MIN_SCOPE_ROLES:
        return Organisation(role.source, top, same_top)
    return Organisation(role.source, "", same_doc)


def related_rules(build: Build, role: Role, audience: Audience, own: list[Chunk], org: Organisation) -> list[Cited]:
    """Items of the organisation's other passages that name the role (in the item or its section's heading)."""
    own_ids = {c.chunk_id for c in own}
    found: list[Cited] = []
    for chunk in build.chunks:
        if chunk.chunk_id in own_ids or chunk.role == role.name or not audience.may_see(chunk.visibility) \
                or not org.holds(chunk):
            continue
        heading_names = role.name in roles_named(build, normalize(chunk.section.split(BREADCRUMB_SEP)[-1]))
        for part in chunk.parts:
            if heading_names or role.name in roles_named(build, normalize(part.text)):
                found.append(Cited(item_text(part.text), chunk.title, clean_section(chunk.section), part.n,
                                   chunk.doc_id, chunk.chunk_id))
                if len(found) >= MAX_RELATED_ITEMS:
                    return found
    return found


def partners(build: Build, role: Role, audience: Audience, texts: list[str]) -> list[str]:
    """Other roles of the role's document named in `texts` (its duties), by the first text naming them."""
    colleagues = {r.name for r in build.roles_for(audience) if r.source == role.source and r.name != role.name}
    named: list[str] = []
    for text in texts:
        match = normalize(text)
        found = roles_named(build, match) & colleagues
        named += sorted(found - set(named))
    return named


def study_sheet(build: Build, role: Role, audience: Audience) -> StudySheet:
    own = own_chunks(build, role, audience)
    groups = _duty_groups(role, own) + _other_groups(role, own)
    groups.sort(key=lambda g: KIND_ORDER.index(g.kind))
    org = organisation(build, role, audience)
    return StudySheet(role, groups, related_rules(build, role, audience, own, org),
                      partners(build, role, audience, [d.text for d in role.duties]), org)
