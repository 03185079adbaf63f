"""Open the live build for reading, and reopen it when a newer build is published."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from kb.access import PUBLIC, Audience, visible_mask
from kb.buildfiles import (
    PartVectors,
    load_build_lexicon,
    load_chunks,
    load_docs,
    load_part_vectors,
    load_roles,
)
from kb.embed import Embedder, make_embedder
from kb.embed_threads import EmbedThreads
from kb.errors import DutyKBError
from kb.jobtitles import another_rank
from kb.lexical import LexicalIndex
from kb.manifest import Manifest, ManifestError, read_manifest
from kb.normalize import normalize, normalize_name
from kb.records import Chunk, Role
from kb.scope import Asked, Organisation, Origin, Scope, question_scope
from kb.settings import Settings
from kb.vectorstore import open_store

QUERY_VECTOR_CACHE = 512
MIN_ROLE_MENTION_CHARS = 2


class NoIndexError(DutyKBError):
    """No build has been published under this home yet."""


class UnknownRoleError(DutyKBError):
    pass


@dataclass
class Build:
    """Everything a reader needs from one published build, loaded once."""

    manifest: Manifest
    chunks: list[Chunk]
    roles: list[Role]
    docs: dict
    lexical: LexicalIndex
    position: dict[str, int]
    role_names: dict[str, set[str]]
    part_vectors: PartVectors | None = None
    part_offsets: list[int] = field(default_factory=list)
    role_chunks: dict[tuple[str, str], list[Chunk]] = field(default_factory=dict)  # (doc_id, role) → its chunks
    longest_role_form: int = 0
    vector_position: dict[str, int] = field(default_factory=dict)  # vector id → chunk position (ingest.collection)
    _masks: dict[Audience, object] = field(default_factory=dict, repr=False)
    _roles: dict[Audience, list[Role]] = field(default_factory=dict, repr=False)
    _role_name_sets: dict[Audience, set[str]] = field(default_factory=dict, repr=False)
    _organisations: dict[Audience, list[Organisation]] = field(default_factory=dict, repr=False)
    _role_organisations: dict[Audience, dict[str, set[str]]] = field(default_factory=dict, repr=False)
    _chunk_organisations: list[str] | None = field(default=None, repr=False)

    def visible(self, audience: Audience):
        """Mask of the chunks this audience may see (None: all of them), computed once per audience."""
        if audience not in self._masks:
            self._masks[audience] = visible_mask([c.visibility for c in self.chunks], audience)
        return self._masks[audience]

    def chunk_for_role(self, role: Role) -> Chunk | None:
        """The chunk holding this role's duty list: from the role's own document (so it has the role's
        visibility, never that of another entry defining a role of the same name), in its section if possible."""
        chunks = self.role_chunks.get((role.source, role.name), [])
        return next((c for c in chunks if c.section == role.section), chunks[0] if chunks else None)

    def roles_for(self, audience: Audience) -> list[Role]:
        if audience not in self._roles:
            self._roles[audience] = [r for r in self.roles if audience.may_see(r.visibility)]
        return self._roles[audience]

    def visible_role_names(self, audience: Audience) -> set[str]:
        """Names of roles the audience may see (a name defined in several entries: visible if any of them is)."""
        if audience not in self._role_name_sets:
            self._role_name_sets[audience] = {r.name for r in self.roles_for(audience)}
        return self._role_name_sets[audience]

    def organisations_for(self, audience: Audience) -> list[Organisation]:
        """The organisations of the documents this audience may see, with those documents and their roles, in
        document order (builds made before organisations: each document is its own)."""
        if audience not in self._organisations:
            mask = self.visible(audience)
            documents: dict[str, str] = {}
            for i, chunk in enumerate(self.chunks):
                if mask is None or mask[i]:
                    documents.setdefault(chunk.doc_id, self._named(chunk.organisation, chunk.doc_id))
            roles: dict[str, list[str]] = {}
            for role in self.roles_for(audience):
                roles.setdefault(self.role_organisation(role), []).append(role.name)
            found: dict[str, list[str]] = {}
            for doc_id, name in documents.items():
                found.setdefault(name, []).append(doc_id)
            self._organisations[audience] = [
                Organisation(name, self._origin(docs[0]), tuple(docs), tuple(dict.fromkeys(roles.get(name, []))))
                for name, docs in found.items()]
        return self._organisations[audience]

    def _named(self, organisation: str, doc_id: str) -> str:
        """An organisation as recorded, else (builds made before organisations) the document's title."""
        return organisation or str(self.docs.get(doc_id, {}).get("title") or doc_id)

    def _origin(self, doc_id: str) -> str:
        return str(self.docs.get(doc_id, {}).get("organisation_from") or Origin.DOCUMENT.value)

    def organisation_of(self, doc_id: str) -> str:
        """The organisation of a document of this build ("" for one it does not hold)."""
        entry = self.docs.get(doc_id)
        return self._named(str(entry.get("organisation") or ""), doc_id) if entry is not None else ""

    def role_organisations(self, audience: Audience) -> dict[str, set[str]]:
        """Each visible role's name → the organisations that have a post of that name."""
        if audience not in self._role_organisations:
            found: dict[str, set[str]] = {}
            for role in self.roles_for(audience):
                found.setdefault(role.name, set()).add(self.role_organisation(role))
            self._role_organisations[audience] = found
        return self._role_organisations[audience]

    def role_organisation(self, role: Role) -> str:
        return self._named(role.organisation, role.source)

    def chunk_organisations(self) -> list[str]:
        """Each chunk's organisation, in chunk order."""
        if self._chunk_organisations is None:
            self._chunk_organisations = [self._named(c.organisation, c.doc_id) for c in self.chunks]
        return self._chunk_organisations

    def role_forms_in(self, text: str) -> dict[str, int]:
        """Role names and aliases occurring in `text`, each with its first position.

        Looks up the text's substrings rather than scanning every form, so the cost follows
        the question's length, not the number of roles (100k in the scale benchmark).
        """
        found: dict[str, int] = {}
        longest = self.longest_role_form
        for start in range(len(text)):
            for end in range(start + MIN_ROLE_MENTION_CHARS, min(len(text), start + longest) + 1):
                form = text[start:end]
                if form in self.role_names and form not in found:
                    found[form] = start
        return found


def load_build(home: Path, manifest: Manifest) -> Build:
    build_dir = manifest.build_dir(home)
    if not build_dir.is_dir():
        raise ManifestError(
            f"build {manifest.build_id} named by {home / 'manifest.json'} is missing; "
            "rebuild with: dutykb ingest --rebuild"
        )
    try:
        chunks = load_chunks(build_dir)
        roles = load_roles(build_dir)
        lexicon = load_build_lexicon(build_dir)
        lexical = LexicalIndex.load(build_dir, lexicon.tokenizer(manifest.tokenizer, roles), len(chunks))
        docs = load_docs(build_dir)
        part_vectors = load_part_vectors(build_dir)
    except (OSError, ValueError, TypeError, KeyError) as exc:  # what truncated or garbled files raise
        raise ManifestError(
            f"build {manifest.build_id} under {build_dir} is damaged ({type(exc).__name__}: {exc}); repair it with: "
            "dutykb ingest (it checks the live build and rebuilds what is damaged)"
        ) from None
    return assemble_build(manifest, chunks, roles, docs, lexical, part_vectors)


def assemble_build(manifest: Manifest, chunks: list[Chunk], roles: list[Role], docs: dict, lexical: LexicalIndex,
                   part_vectors: PartVectors | None) -> Build:
    """A build from its records: read from its files, or handed over by the ingest that just wrote them."""
    role_names: dict[str, set[str]] = {}
    for role in roles:
        for form in [role.name, *role.aliases]:
            role_names.setdefault(normalize_name(form), set()).add(role.name)
    offsets, total = [], 0
    for chunk in chunks:
        offsets.append(total)
        total += len(chunk.parts)
    if part_vectors is not None and len(part_vectors) != total:
        part_vectors = None
    role_chunks: dict[tuple[str, str], list[Chunk]] = {}
    for chunk in chunks:
        if chunk.role:
            role_chunks.setdefault((chunk.doc_id, chunk.role), []).append(chunk)
    return Build(manifest, chunks, roles, docs, lexical,
                 {c.chunk_id: i for i, c in enumerate(chunks)}, role_names, part_vectors, offsets,
                 role_chunks, max(map(len, role_names), default=0),
                 {c.vector_key: i for i, c in enumerate(chunks)})


class KnowledgeBase:
    """The read side: live build, vector store and embedder, shared by CLI, app and evals."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.home = settings.home
        self.store = open_store(settings)
        self._embedder = embedder
        self._build: Build | None = None
        self._lock = threading.Lock()
        self._query_vectors: dict[str, object] = {}

    @property
    def build(self) -> Build:
        with self._lock:
            if self._build is None:
                self._build = self._open()
            return self._build

    def _open(self) -> Build:
        manifest = read_manifest(self.home)
        if manifest is None:
            raise NoIndexError(f"no index under {self.home}; build one with: dutykb ingest")
        return load_build(self.home, manifest)

    def refresh(self, published: Build | None = None) -> bool:
        """Reopen when a newer build was published (Chroma readers do not see other processes' writes).

        `published`: the build an ingest in this process just published (`IngestReport.published`); it is
        taken as it is instead of being read back from its files, when it is still the live one.
        """
        manifest = read_manifest(self.home)
        with self._lock:
            if manifest is None or (self._build and self._build.manifest.build_id == manifest.build_id):
                return False
            same = published is not None and published.manifest.build_id == manifest.build_id
            self._build = published if same and published is not None else load_build(self.home, manifest)
            self.store = open_store(self.settings)
            return True

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None or self._embedder.model_id != self.build.manifest.model_id:
            self._embedder = make_embedder(self.build.manifest.embedder, EmbedThreads.of(self.settings))
        return self._embedder

    def query_vector(self, match_query: str):
        """Query embedding, memoised: hybrid search and benchmarks ask for the same query more than once."""
        vector = self._query_vectors.get(match_query)
        if vector is None:
            vector = self.embedder.embed_query(match_query)
            if len(self._query_vectors) >= QUERY_VECTOR_CACHE:
                self._query_vectors.pop(next(iter(self._query_vectors)))
            self._query_vectors[match_query] = vector
        return vector

    def clear_query_cache(self) -> None:
        self._query_vectors.clear()

    def forget_query(self, match_query: str) -> None:
        """Drop one query's memoised vector (a benchmark asking it again times its embedding again)."""
        self._query_vectors.pop(match_query, None)

    def roles_for(self, audience: Audience = PUBLIC) -> list[Role]:
        """The roles this audience may see (a role defined in a restricted entry is restricted too)."""
        return self.build.roles_for(audience)

    def roles_mentioned(self, match_query: str, audience: Audience = PUBLIC) -> set[str]:
        """Canonical names of visible roles whose name or alias occurs in the query (longest forms win)."""
        build = self.build
        found: set[str] = set()
        covered: list[tuple[int, int]] = []
        occurring = build.role_forms_in(match_query)
        visible = build.visible_role_names(audience)
        for form in sorted(occurring, key=len, reverse=True):
            start = occurring[form]
            names = build.role_names[form] & visible
            if not names:
                continue
            end = start + len(form)
            if another_rank(match_query, start) or any(s <= start and end <= e for s, e in covered):
                continue
            covered.append((start, end))
            found |= names
        return found

    def scope_of(self, asked: Asked, audience: Audience = PUBLIC) -> Scope:
        """The organisations a question is about (kb.scope), among those the audience may see."""
        build = self.build
        return question_scope(asked, build.organisations_for(audience), build.role_organisations(audience))

    def resolve_role(self, name: str, audience: Audience = PUBLIC) -> set[str]:
        """Canonical names of visible roles for a name or alias in either script."""
        visible = self.build.visible_role_names(audience)
        found = self.build.role_names.get(normalize(name), set()) & visible
        if not found:
            raise UnknownRoleError(f"unknown role '{name}'; known roles: {'、'.join(sorted(visible))}")
        return found
