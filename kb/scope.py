"""Which organisation a document belongs to, and which organisation a question is about (pure functions).

A knowledge base may hold several organisations' documents: a law firm's handbook beside a shop's. A rule of
one is no answer to a question about the other ("店员的试用期多久" is not answered with the law firm's three
months). So every document belongs to an organisation, first found of:
1. the reviewed override (`organisation` in corpus/roles.yaml, ingest.overrides), then the front matter
   (`organisation:` or `organization:`);
2. the ingest folder: the first-level subfolder of the corpus the file sits in (corpus/华联超市/…);
3. the title's organisation prefix: the name before a document-kind word (员工手册, 岗位职责 …) when it ends
   in a kind of organisation's word (华联超市员工手册 → 华联超市; 客服部岗位职责 names none);
4. the file name's, read the same way, or else its first words that end in a kind of organisation's word
   (people name files by who wrote them: 某某社区成员.md → 某某社区, whatever the page's title says);
5. else the document itself (its title).

A question is about an organisation (its `Scope`) when, first found of, it names one (its name, its name
without legal-form words, or its name without its kind word when that is distinctive: 华联 for 华联超市),
it names a kind of organisation that only some of them are (医院, 律所), it names a post only one
organisation has, or the asker picked a role. With fewer than two organisations, or when the question
names nothing of these, there is no scope and retrieval is as before. A document that names no organisation
(its own), or names it only in its file name, is kept in every scope but one that names an organisation: it
may be the asked one's (a found corpus of one-document organisations lost answers when a picked role or a post
scoped to its one document, and when file names made their organisations known).
The vocabulary is data in kb.orgnames.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePosixPath

from kb.normalize import normalize, to_script_of, to_simplified
from kb.orgnames import DOCUMENT_KINDS, GENERIC_ENDINGS, LEGAL_FORMS, ORGANISATION_KINDS, TITLE_JOINERS
from kb.tokenize import stock_words

MIN_OWN_CHARS = 2  # an organisation's name holds at least this many characters before its kind word (某某医院)
MIN_PART_CHARS = 2  # a shorter form of a name (华联) names the organisation only from this length on
MIN_KIND_WORD_CHARS = 2  # a question names a kind by a word of this length (店 alone is the 店 of 店员)
SEE_ALSO_CHARS = 80  # how much of another organisation's rule the hedge shows
SEE_ALSO = "另见（{organisation}《{title}》，不是你所问单位的规定）：{text}"
ELLIPSIS = "…"


class Origin(StrEnum):
    """Where a document's organisation was read."""

    REVIEW = "review"  # a trainer's override
    FRONT_MATTER = "front matter"
    FOLDER = "folder"
    TITLE = "title"
    FILE_NAME = "file name"
    DOCUMENT = "document"  # none found: the document is its own organisation


class Because(StrEnum):
    """Why a question is scoped to its organisations."""

    NAMED = "named"  # the question names the organisation
    KIND = "kind"  # it names a kind of organisation (医院)
    POST = "post"  # it names a post only one organisation has
    PICKED = "picked"  # the asker picked a role


@dataclass(frozen=True)
class Organisation:
    """One organisation of the knowledge base: its name, where that was read, its documents and roles."""

    name: str
    origin: str
    documents: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"organisation": self.name, "origin": self.origin, "documents": list(self.documents),
                "roles": list(self.roles)}


@dataclass(frozen=True)
class Scope:
    """The organisations a question is about (empty: no scope, every organisation's passages answer)."""

    organisations: frozenset[str] = frozenset()
    because: str = ""

    def __bool__(self) -> bool:
        return bool(self.organisations)

    def holds(self, organisation: str) -> bool:
        return not self.organisations or organisation in self.organisations


@dataclass(frozen=True)
class Asked:
    """What a question says that can scope it: its match form, the roles it names and the asker picked,
    and the forms of those roles in it (a kind word inside a role name, 医院 in 医院感染管理员, names no kind)."""

    match: str
    mentioned: frozenset[str] = frozenset()
    picked: frozenset[str] = frozenset()
    role_forms: tuple[str, ...] = field(default_factory=tuple)


def _word_ends(text: str) -> set[int]:
    """Offsets where a jieba word ends in `text` (a name ends at a word's end: 便利店 in 便利店店员)."""
    ends, at = set(), 0
    for word in stock_words(text):
        found = text.find(word, at)
        if found < 0:
            continue
        at = found + len(word)
        ends.add(at)
    return ends


def _kind_endings() -> tuple[str, ...]:
    words = {w for words in ORGANISATION_KINDS.values() for w in words} | set(GENERIC_ENDINGS)
    return tuple(sorted(words, key=len, reverse=True))


def title_organisation(title: str) -> str | None:
    """The organisation a title names before its document-kind word (华联超市员工手册 → 华联超市), as written;
    None when the words before it name no organisation (客服部岗位职责, 後場老師職責)."""
    plain = to_simplified(title.strip())
    starts = [plain.find(k) for k in DOCUMENT_KINDS if plain.find(k) > 0]
    if not starts:
        return None
    before = plain[:min(starts)].rstrip(TITLE_JOINERS)
    ends = _word_ends(before)
    endings = _kind_endings()
    for end in sorted(ends, reverse=True):
        head = before[:end]
        ending = next((w for w in endings if head.endswith(w)), None)
        if ending is not None and end - len(ending) >= MIN_OWN_CHARS:
            return title.strip()[:end] if len(plain) == len(title.strip()) else head
    return None


def file_organisation(doc_id: str) -> str | None:
    """The organisation a file's name begins with: as in a title (before its document-kind word), else the
    shortest run of its first words ending in a kind of organisation's word (某中学学校后勤制度 → 某中学)."""
    stem = PurePosixPath(doc_id).stem.strip()
    named = title_organisation(stem)
    if named:
        return named
    plain = to_simplified(stem)
    endings = _kind_endings()
    for end in sorted(_word_ends(plain)):
        ending = next((w for w in endings if plain[:end].endswith(w)), None)
        if ending is not None and end - len(ending) >= MIN_OWN_CHARS:
            return stem[:end] if len(plain) == len(stem) else plain[:end]
    return None


def folder_organisation(doc_id: str) -> str | None:
    """The first-level subfolder of the corpus a document sits in (doc ids are paths under the corpus)."""
    parts = doc_id.split("/")
    return parts[0] if len(parts) > 1 and parts[0] else None


def document_organisation(doc_id: str, title: str, declared: str | None = None,
                          reviewed: str | None = None) -> tuple[str, Origin]:
    """A document's organisation and where it was read (see the module docstring for the order)."""
    if reviewed:
        return reviewed, Origin.REVIEW
    if declared:
        return declared, Origin.FRONT_MATTER
    folder = folder_organisation(doc_id)
    if folder:
        return folder, Origin.FOLDER
    named = title_organisation(title)
    if named:
        return named, Origin.TITLE
    from_file = file_organisation(doc_id)
    if from_file:
        return from_file, Origin.FILE_NAME
    return title or doc_id, Origin.DOCUMENT


def without_legal_forms(name: str) -> str:
    """华联超市有限公司 → 华联超市 (match form)."""
    plain = normalize(name)
    for word in LEGAL_FORMS:
        plain = plain.replace(word, "")
    return plain or normalize(name)


def kinds_of(name: str) -> set[str]:
    """The kinds of organisation a name is of (a two-character kind word anywhere in it, a one-character one
    at its end): 某某人民医院 → {医院}."""
    plain = without_legal_forms(name)
    return {kind for kind, words in ORGANISATION_KINDS.items()
            if any(w in plain if len(w) >= MIN_KIND_WORD_CHARS else plain.endswith(w) for w in words)}


def name_forms(organisation: Organisation, others: Iterable[Organisation]) -> set[str]:
    """The forms a question may name an organisation by (match form): its name; for a name read from the
    organisation itself (not a document's own title), also the name without legal forms and without its kind
    word, when that is at least MIN_PART_CHARS long and in no other organisation's name."""
    forms = {normalize(organisation.name)}
    if organisation.origin == Origin.DOCUMENT:
        return forms
    others_plain = [normalize(o.name) for o in others if o.name != organisation.name]
    short = without_legal_forms(organisation.name)
    candidates = {short}
    for word in _kind_endings():
        if short.endswith(word) and len(short) - len(word) >= MIN_PART_CHARS:
            candidates.add(short[:-len(word)])
            break
    forms |= {c for c in candidates if len(c) >= MIN_PART_CHARS and not any(c in o for o in others_plain)}
    return forms


def _strict(found: set[str], every: set[str]) -> frozenset[str]:
    """Organisations that narrow the knowledge base (all of them, or none, is no scope)."""
    return frozenset(found) if found and found != every else frozenset()


def question_scope(asked: Asked, organisations: list[Organisation],
                   role_organisations: Mapping[str, set[str]]) -> Scope:
    """The organisations a question is about, and why; no scope with fewer than two organisations."""
    every = {o.name for o in organisations}
    if len(every) < 2:
        return Scope()
    named = {o.name for o in organisations if any(f in asked.match for f in name_forms(o, organisations))}
    if _strict(named, every):
        return Scope(_strict(named, every), Because.NAMED)
    # A document that names no organisation may be any organisation's: only a question naming one excludes it.
    # A name read from the file name alone is as weak for a kind or a post (the file may be named for its
    # reader's unit or a sub-body): it scopes a question that names it, and excludes nothing otherwise.
    unknown = {o.name for o in organisations if o.origin in (Origin.DOCUMENT, Origin.FILE_NAME)}
    text = asked.match
    for form in asked.role_forms:
        text = text.replace(form, " ")
    kinds = {kind for kind, words in ORGANISATION_KINDS.items()
             if any(len(w) >= MIN_KIND_WORD_CHARS and w in text for w in words)}
    of_kind = {o.name for o in organisations if o.name not in unknown and kinds_of(o.name) & kinds}
    unique = [role_organisations.get(r, set()) for r in asked.mentioned]
    posts = {org for orgs in unique if len(orgs) == 1 for org in orgs}
    picked = {org for r in asked.picked for org in role_organisations.get(r, set())}
    # a post or picked role of such a document says nothing of the organisation either (护士 of a nurses' law)
    steps = ((of_kind, Because.KIND), (posts - unknown, Because.POST), (picked - unknown, Because.PICKED))
    for found, because in steps:
        if found and _strict(found | unknown, every):
            return Scope(_strict(found | unknown, every), because)
    return Scope()


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def closest_line(lines: Iterable[str], match: str) -> str:
    """The line sharing most character bigrams with the question (match form); the first on a tie."""
    wanted = _bigrams(match)
    best, score = "", -1
    for line in lines:
        shared = len(_bigrams(normalize(line)) & wanted)
        if line.strip() and shared > score:
            best, score = line.strip(), shared
    return best


def see_also(organisation: str, title: str, lines: Iterable[str], match: str, script_of: str) -> str:
    """The hedge's pointer to another organisation's closest rule, its organisation named: never an answer."""
    line = closest_line(lines, match)
    if not line:
        return ""
    text = line if len(line) <= SEE_ALSO_CHARS else line[:SEE_ALSO_CHARS] + ELLIPSIS
    frame = to_script_of(SEE_ALSO.format(organisation="{o}", title="{t}", text="{x}"), script_of)
    return frame.format(o=organisation, t=title, x=text)
