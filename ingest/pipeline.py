"""The ingest job: load → process → embed (cached) → write a new build → publish → clean up.

Each step reports what it did into an IngestReport. One writer at a time
(file lock); readers keep using the live build until the manifest flips.
"""
from __future__ import annotations

import errno
import hashlib
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from filelock import FileLock, Timeout
from tqdm import tqdm

from ingest.build import build_and_publish, cleanup
from ingest.chunk import ChunkLimits
from ingest.findings import DocumentFindings, document_findings, findings_lines, plural
from ingest.formats.limits import MAX_FILE_BYTES
from ingest.load import DocIds, LoadError, doc_id_for, failure_reason, read_document, scan
from ingest.overrides import OVERRIDES_FILE, Override, OverridesError, load_overrides
from ingest.process import ProcessedDocument, process_document
from ingest.selfcheck import check_and_repair, discard_partial_build
from kb.buildfiles import load_build_lexicon, load_chunks, load_docs, load_roles
from kb.diskfull import FULL_ERRNOS, disk_full_as_error, disk_full_error
from kb.errors import EXIT_BUSY, DutyKBError, printable
from kb.knowledge import Build
from kb.lexicon import LEXICON_FILE, Lexicon, LexiconError, load_lexicon
from kb.manifest import Manifest, ManifestError, read_manifest
from kb.normalize import normalize_name
from kb.records import Chunk, LoadedDocument, Role, by_document
from kb.settings import Settings
from kb.vectorstore import open_store

LOCK_NAME = "ingest.lock"
UNWRITABLE_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
PIPELINE_VERSION = "6"  # 6: match text folds t2s's leftover variants (帐 → 账)
DOC_KEY_CHARS = 16  # bump when cleaning/structure/chunking change, so an unchanged corpus still rebuilds


class IngestBusy(DutyKBError):
    """Another ingest holds the lock."""

    exit_code = EXIT_BUSY


class HomeNotWritable(DutyKBError):
    """The home cannot be written (read-only filesystem, no permission)."""


class CorpusPathError(DutyKBError):
    """A corpus path given to ingest does not exist."""


@dataclass
class Skipped:
    path: str
    reason: str
    kept_previous: bool = False
    refused: bool = False  # never read (a symlink out of the corpus): an earlier indexed version is dropped too
    # it says who may see it but that could not be read: an earlier version is kept only if it was restricted too
    restricts: bool = False
    withdrawn: bool = False  # an earlier indexed version is no longer served


@dataclass
class IngestReport:
    documents: int = 0
    chunks: int = 0
    roles: int = 0
    texts: int = 0           # distinct texts the build needs vectors for (chunk parts, section labels)
    embedded: int = 0        # of those, embedded in this run (the progress bar counts these)
    reused: int = 0          # of those, taken from the embedding cache
    embedded_chars: int = 0  # characters embedded in this run
    embed_seconds: float = 0.0  # time inside the embedder (its own rate: embedded_chars / embed_seconds)
    retired: int = 0
    boilerplate_lines: int = 0
    reprocessed: int = 0     # documents read and parsed in this run (the others' chunks came from the live build)
    skipped: list[Skipped] = field(default_factory=list)
    build_id: str | None = None
    up_to_date: bool = False
    first_build: bool = False  # no live build was there to reuse (a first ingest, or --rebuild)
    findings: list[DocumentFindings] = field(default_factory=list)  # each document's roles, to review
    unmatched_overrides: list[str] = field(default_factory=list)  # review corrections whose anchor is gone
    failed_checks: list[str] = field(default_factory=list)  # duty counts a trainer expects that differ
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)  # damage the self-check found and repaired
    # the published build as a reader would load it, for `KnowledgeBase.refresh` in this process
    published: Build | None = field(default=None, repr=False)

    def summary(self) -> str:
        if self.up_to_date:
            head = (f"corpus unchanged since build {self.build_id} ({self.seconds:.1f}s): {self.documents} documents, "
                    f"{self.chunks} chunks, {self.roles} roles; nothing to embed")
        else:
            rate = self.embedded_chars / self.embed_seconds if self.embed_seconds > 0 else 0.0
            read = ("all read and parsed" if self.first_build
                    else f"{self.reprocessed} read and parsed, the rest reused from the live build")
            head = (f"published build {self.build_id} in {self.seconds:.1f}s: {plural(self.documents, 'document')} "
                    f"({read}), "
                    f"{self.chunks} chunks, {self.roles} roles; {self.texts} distinct texts: embedded "
                    f"{self.embedded} ({self.embedded_chars} characters in {self.embed_seconds:.1f}s, "
                    f"{rate:.0f} chars/s), reused {self.reused} from cache; {self.boilerplate_lines} boilerplate "
                    f"lines removed; {self.retired} retired documents left out")
        lines = [f"warning: {printable(w)}" for w in self.warnings] + [head] + findings_lines(self.findings)
        if self.unmatched_overrides:
            lines.append(f"{plural(len(self.unmatched_overrides), 'override')} no longer "
                         f"{'matches' if len(self.unmatched_overrides) == 1 else 'match'}: "
                         + "; ".join(printable(u) for u in self.unmatched_overrides))
        lines += [f"duty count check: {c}" for c in self.failed_checks]
        for s in self.skipped:
            kept = " (previous version kept in the index)" if s.kept_previous else ""
            kept += " (its public indexed version is withdrawn until this is fixed)" if s.withdrawn else ""
            lines.append(f"skipped {printable(s.path)}: {printable(s.reason)}{kept}")
        return "\n".join(lines)


    def to_json(self) -> dict:
        return {"build_id": self.build_id, "up_to_date": self.up_to_date, "first_build": self.first_build,
                "seconds": round(self.seconds, 3), "documents": self.documents, "chunks": self.chunks,
                "roles": self.roles, "warnings": list(self.warnings),
                "skipped": [{"path": s.path, "reason": s.reason, "kept_previous": s.kept_previous}
                            for s in self.skipped],
                "findings": [f.to_json() for f in self.findings],
                "unmatched_overrides": list(self.unmatched_overrides), "failed_checks": list(self.failed_checks)}


def _fingerprint(settings: Settings, fingerprints: dict[str, str], lexicon: Lexicon, overrides: str = "") -> str:
    basis = [PIPELINE_VERSION, settings.embedder, settings.lexical_tokenizer,
             str(settings.max_chunk_chars), str(settings.role_chunk_max_chars), lexicon.fingerprint(), overrides]
    basis += [f"{k}={v}" for k, v in sorted(fingerprints.items())]
    return hashlib.sha256("\n".join(basis).encode()).hexdigest()


@dataclass
class LiveBuild:
    """The live build's records: its chunks in order, and chunks and roles by document (reused for
    unchanged documents and kept for ones that are now unreadable)."""

    chunks: list[Chunk] = field(default_factory=list)
    by_doc: dict[str, list[Chunk]] = field(default_factory=dict)
    roles: dict[str, list[Role]] = field(default_factory=dict)
    docs: dict = field(default_factory=dict)


def _previous_build(home: Path, manifest: Manifest | None, held: Build | None) -> LiveBuild:
    """The live build's records, from `held` when the caller already holds it (a reader in this process)."""
    if manifest is None or not manifest.build_dir(home).is_dir():
        return LiveBuild()
    if held is not None and held.manifest.build_id == manifest.build_id:
        return _grouped(held.chunks, held.roles, held.docs)  # shared with its reader: never changed in place
    build_dir = manifest.build_dir(home)
    return _grouped(load_chunks(build_dir), load_roles(build_dir), load_docs(build_dir))


def _grouped(ordered: list[Chunk], all_roles: list[Role], docs: dict) -> LiveBuild:
    chunks, roles = by_document(ordered, all_roles)
    return LiveBuild(ordered, chunks, roles, docs)


def _doc_key(settings: Settings, lexicon: Lexicon, overrides: str = "") -> str:
    """What a document's processed chunks and roles depend on besides its bytes (the role overrides too)."""
    basis = [PIPELINE_VERSION, str(settings.max_chunk_chars), str(settings.role_chunk_max_chars),
             lexicon.fingerprint(), overrides]
    return hashlib.sha256("\n".join(basis).encode()).hexdigest()[:DOC_KEY_CHARS]


@dataclass(frozen=True)
class Reusable:
    """What the live build recorded of a document it processed: its bytes' sha256 and, taken before
    reading them, the file's size and modification time."""

    fingerprint: str
    stat: tuple[int, int] | None


def _stat_key(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _as_json(stat: tuple[int, int] | None) -> list[int] | None:
    """A stat key as docs.json holds it (so the build handed over equals the one read back)."""
    return list(stat) if stat is not None else None


def _unchanged(path: Path, doc_ids: DocIds, reusable: dict[str, Reusable],
               stat: tuple[int, int] | None) -> tuple[str, str] | None:
    """(doc id, fingerprint) when the file's bytes are those the live build processed, else None.

    A file whose size and modification time are those recorded is not read again (as git and make
    trust a stat): hashing every file of a large corpus was most of a one-entry save's ingest.
    """
    doc_id = doc_ids(path)
    known = reusable.get(doc_id)
    if known is None or stat is None:
        return None
    if known.stat is not None and stat == known.stat:
        return doc_id, known.fingerprint
    if stat[0] > MAX_FILE_BYTES:
        return None
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
    return (doc_id, digest) if digest == known.fingerprint else None


def _load_all(roots: list[Path], report: IngestReport, show: bool, reusable: dict[str, Reusable]):
    """Changed or new documents, read; unchanged ones (doc id → fingerprint), whose build output is reused;
    and each document's stat key, taken before it was read (a change after that shows at the next run)."""
    found = scan(roots)
    report.skipped += [Skipped(path, reason, refused=True) for path, reason in found.refused]
    loaded, unchanged, stats = [], {}, {}
    doc_ids = DocIds(roots)
    for path in tqdm(found.files, desc="读取文档", unit="file", disable=not show, file=sys.stderr):
        try:
            stat: tuple[int, int] | None = _stat_key(path)
        except OSError:
            stat = None
        same = _unchanged(path, doc_ids, reusable, stat)
        if same is not None:
            unchanged[same[0]] = same[1]
            stats[same[0]] = stat
            continue
        try:
            document = read_document(path, roots)
        except LoadError as exc:
            report.skipped.append(Skipped(exc.path, exc.reason, restricts=exc.restricts))
            continue
        loaded.append(document)
        stats[document.doc_id] = stat
    return loaded, unchanged, stats


def _process_all(documents: list[LoadedDocument], limits: ChunkLimits, report: IngestReport,
                 overrides: list[Override]) -> tuple[list[LoadedDocument], list[ProcessedDocument]]:
    """The documents that parsed, and what they parsed into; one that fails is skipped with its reason
    (the document boundary, as in `read_document`: one file never stops the ingest)."""
    kept, processed = [], []
    for document in documents:
        try:
            processed.append(process_document(document, limits, overrides))
        except Exception as exc:  # whatever parsing one hostile file raises ends that file only
            report.skipped.append(Skipped(document.path, failure_reason(exc)))
            continue
        kept.append(document)
    return kept, processed


def _check_live(home: Path, manifest: Manifest | None) -> bool:
    return manifest is not None and manifest.build_dir(home).is_dir()


def run_ingest(settings: Settings, paths: list[Path] | None = None, rebuild: bool = False,
               show_progress: bool = True, live: Build | None = None) -> IngestReport:
    """Build and publish an index of the corpus; raises IngestBusy if another ingest runs.

    `live`: the live build as a reader in this process holds it (the app's), so its records are not read
    from disk again; ignored when another build has been published since.
    """
    home = settings.home
    lock = FileLock(str(home / LOCK_NAME), timeout=settings.lock_wait)
    try:
        home.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout:
        raise IngestBusy(
            f"another dutykb ingest is running on {home} (lock {home / LOCK_NAME}); "
            "wait for it to finish or pass --wait SECONDS"
        ) from None
    except OSError as exc:
        if exc.errno in FULL_ERRNOS:
            raise disk_full_error(home, exc) from None
        if _is_unwritable(exc):
            raise _unwritable(home, exc) from None
        raise
    try:
        with disk_full_as_error(home):
            return _ingest_locked(settings, paths or [settings.corpus], rebuild, show_progress, live)
    except Exception as exc:
        discard_partial_build(home, open_store(settings), settings.keep_builds)  # the live build stays
        if _is_unwritable(exc):
            raise _unwritable(home, exc) from None
        raise
    finally:
        lock.release()


def _is_unwritable(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and not isinstance(exc, DutyKBError) and exc.errno in UNWRITABLE_ERRNOS


def _unwritable(home: Path, exc: BaseException) -> HomeNotWritable:
    filename, strerror = getattr(exc, "filename", None), getattr(exc, "strerror", None) or exc
    where = f" ({filename})" if filename else ""
    return HomeNotWritable(f"cannot write to the home {home}: {strerror}{where}; ingest writes the index there: "
                           "make it writable, or point --home / DUTYKB_HOME at a writable directory")


def _ingest_locked(settings: Settings, roots: list[Path], rebuild: bool, show: bool,
                   held: Build | None) -> IngestReport:
    started = time.perf_counter()
    home = settings.home
    report = IngestReport()
    store = open_store(settings)
    try:
        manifest = read_manifest(home)
    except ManifestError:
        if not rebuild:
            raise
        manifest = None
    repairs = check_and_repair(settings, store, manifest, rebuild)
    report.warnings, rebuild = repairs.warnings, rebuild or repairs.rebuild
    missing = [str(r) for r in roots if not r.exists()]
    if missing:
        raise CorpusPathError(f"corpus path not found: {', '.join(missing)}")

    lexicon = _load_lexicon(roots, report, home, manifest)
    live = _previous_build(home, manifest, held) if not rebuild else LiveBuild()
    report.first_build = not live.docs
    prev_chunks, prev_roles, prev_docs = live.by_doc, live.roles, live.docs
    overrides, overrides_fp = _load_role_overrides(roots, report)
    doc_key = _doc_key(settings, lexicon, overrides_fp)
    reusable = {d: Reusable(v["fingerprint"], tuple(v["stat"]) if v.get("stat") else None)
                for d, v in prev_docs.items() if v.get("pipeline") == doc_key and d in prev_chunks}
    documents, unchanged, file_stats = _load_all(roots, report, show, reusable)
    active = [d for d in documents if not d.retired]
    report.retired = len(documents) - len(active)
    limits = ChunkLimits.of(settings)
    active, processed = _process_all(active, limits, report, overrides)
    report.unmatched_overrides = [u for p in processed for u in p.unmatched_overrides]
    report.failed_checks = [c for p in processed for c in p.failed_checks]
    kept_ids = _keep_unreadable(report, prev_docs, prev_chunks, roots)
    fingerprints = {d.doc_id: d.fingerprint for d in active}
    fingerprints.update(unchanged)
    fingerprints.update({doc_id: prev_docs[doc_id]["fingerprint"] for doc_id in kept_ids})
    corpus_fp = _fingerprint(settings, fingerprints, lexicon, overrides_fp)
    if not rebuild and manifest is not None and _check_live(home, manifest) \
            and manifest.corpus_fingerprint == corpus_fp:
        report.up_to_date = True
        report.build_id = manifest.build_id
        report.documents, report.chunks = len(fingerprints), manifest.chunks
        report.roles = sum(len(v) for v in prev_roles.values())
        report.findings = document_findings(prev_docs, [r for v in prev_roles.values() for r in v])
        report.seconds = time.perf_counter() - started
        cleanup(home, store, settings.keep_builds)
        return report

    chunks = [c for p in processed for c in p.chunks]
    roles = [r for p in processed for r in p.roles]
    for doc_id in [*kept_ids, *unchanged]:  # reused as the live build processed them: not read, not parsed again
        chunks += prev_chunks.get(doc_id, [])
        roles += prev_roles.get(doc_id, [])
    report.boilerplate_lines = sum(len(p.removed_lines) for p in processed)
    roles = _merge_lexicon_aliases(roles, lexicon)

    docs = {p.doc_id: {"title": p.title, "fingerprint": fingerprints[p.doc_id], "chunks": len(p.chunks),
                       "pipeline": doc_key, "stat": _as_json(file_stats.get(p.doc_id)),
                       "organisation": p.organisation, "organisation_from": p.organisation_from} for p in processed}
    docs.update({doc_id: prev_docs[doc_id] for doc_id in kept_ids})
    docs.update({doc_id: {**prev_docs[doc_id], "stat": _as_json(file_stats.get(doc_id))} for doc_id in unchanged})
    report.reprocessed = len(processed)
    result = build_and_publish(settings, chunks, roles, docs, corpus_fp, manifest, show, lexicon,
                               reuse=not rebuild, previous_chunks=live.chunks)
    published, stats, report.published = result.manifest, result.stats, result.build
    report.warnings += result.warnings
    report.texts, report.embedded, report.reused = stats.texts, stats.computed, stats.cached
    report.embedded_chars, report.embed_seconds = stats.chars, stats.seconds
    report.build_id = published.build_id
    report.documents, report.chunks, report.roles = len(docs), len(chunks), len(roles)
    report.findings = document_findings(docs, roles)
    report.seconds = time.perf_counter() - started
    return report


def _merge_lexicon_aliases(roles: list[Role], lexicon: Lexicon) -> list[Role]:
    """A synonym group holding a role's name gives the role its other forms as aliases (curated aliases).

    Roles that gain aliases are copies: the others may be shared with a reader of the live build.
    """
    groups = [(group, {normalize_name(w) for w in group}) for group in lexicon.synonyms]
    merged = []
    for role in roles:
        key = normalize_name(role.name)
        extra = [w for group, forms in groups if key in forms for w in group
                 if normalize_name(w) != key and w not in role.aliases]
        merged.append(replace(role, aliases=[*role.aliases, *dict.fromkeys(extra)]) if extra else role)
    return merged


def _load_role_overrides(roots: list[Path], report: IngestReport) -> tuple[list[Override], str]:
    """The trainers' role overrides of the first corpus directory and a fingerprint of them; a broken file is
    reported (its overrides cannot apply until it is fixed) and the rest of the corpus ingests."""
    root = next((r for r in roots if r.is_dir()), None)
    if root is None:
        return [], ""
    try:
        overrides = load_overrides(root)
    except OverridesError as exc:
        report.skipped.append(Skipped(str(root / OVERRIDES_FILE), str(exc).split(": ", 1)[-1]))
        return [], "broken"
    digest = hashlib.sha256("\n".join(o.model_dump_json() for o in overrides).encode()).hexdigest()
    return overrides, digest[:DOC_KEY_CHARS] if overrides else ""


def _load_lexicon(roots: list[Path], report: IngestReport, home: Path, manifest: Manifest | None) -> Lexicon:
    """The lexicon of the first corpus directory.

    A broken one is reported in one line and the live build's lexicon, the last good one, is kept:
    a typo in a settings file should not change what search finds until it is fixed. Without a live
    build the ingest goes on without a lexicon.
    """
    root = next((r for r in roots if r.is_dir()), None)
    if root is None:
        return Lexicon()
    try:
        return load_lexicon(root)
    except Exception as exc:  # the settings file's boundary: any failure to read it is reported, never fatal
        path = str(root / LEXICON_FILE)
        problem = str(exc).removeprefix(path).lstrip(": ") if isinstance(exc, LexiconError) else failure_reason(exc)
    if _check_live(home, manifest) and manifest is not None:
        kept = load_build_lexicon(manifest.build_dir(home))
        fallback = (f"kept the last good lexicon, build {manifest.build_id}'s ({len(kept.words)} words, "
                    f"{len(kept.synonyms)} synonym groups)")
    else:
        kept, fallback = Lexicon(), "ingesting without a lexicon until it is fixed"
    report.skipped.append(Skipped(path, f"{problem}; {fallback}"))
    return kept


def _keep_unreadable(report: IngestReport, prev_docs: dict, prev_chunks: dict[str, list[Chunk]],
                     roots: list[Path]) -> list[str]:
    """Documents that failed to load now but are in the live build keep their indexed version, unless the
    file now says who may see it and that version was public (restricting it was what the edit meant)."""
    kept = []
    for skipped in report.skipped:
        if skipped.refused:
            continue
        doc_id = doc_id_for(Path(skipped.path), roots)
        if skipped.restricts and doc_id in prev_docs \
                and not all(c.visibility for c in prev_chunks.get(doc_id, [])):
            skipped.withdrawn = True
            continue
        if doc_id in prev_docs:
            skipped.kept_previous = True
            kept.append(doc_id)
    return kept
