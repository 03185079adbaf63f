"""Read corpus files of any supported format and encoding into LoadedDocument records.

Every failure is a LoadError naming the file and the reason, so the pipeline can
report it and carry on with the rest of the corpus. `read_document` is the document
boundary: whatever a hostile file makes a parser raise (a RecursionError from markup
nested thousands deep, an error inside a third-party reader) ends that file only.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.formats.front_text import front_matter_text
from ingest.formats.limits import MAX_FILE_BYTES, MAX_TEXT_CHARS, FormatLimits
from kb.errors import DutyKBError, printable
from kb.frontmatter import EntryMeta, FrontMatterError, split_front_matter, stray_visibility_line
from kb.outline import Block
from kb.records import LoadedDocument

KIND_BY_SUFFIX = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".xlsx": "xlsx",
}
LEGACY_FORMATS = {  # binary Office formats: say what to do instead of "unsupported"
    ".doc": "a legacy Word .doc file: open it in Word or LibreOffice and save it as .docx",
    ".xls": "a legacy Excel .xls file: open it in Excel or LibreOffice and save it as .xlsx",
    ".wps": "a WPS document: save it as .docx",
}
# corpus-level settings, not documents: the lexicon (kb.lexicon) and the role review overrides (ingest.overrides)
RESERVED_FILES = {"lexicon.yaml", "roles.yaml"}
CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5"]
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
BINARY_SNIFF_BYTES = 8192
MAX_CONTROL_RATIO = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class LoadError(DutyKBError):
    """A corpus file that cannot be ingested; `str()` names the file and the problem."""

    def __init__(self, path: str, reason: str, restricts: bool = False):
        super().__init__(f"{printable(path)}: {printable(reason)}")
        self.path = path
        self.reason = reason
        self.restricts = restricts  # the file says who may see it (see FrontMatterError)


@dataclass
class Discovered:
    """The files ingest will read, and those it refused to follow (symlinks out of the corpus, dangling ones)."""

    files: list[Path] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve(strict=True).is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # dangling link, or a loop
        return False


def scan(paths: list[Path]) -> Discovered:
    """Supported files under the given files/directories, sorted, hidden files skipped.

    A symlink is followed only when it resolves to a file inside the corpus directory it was found
    in; a link pointing elsewhere (`ln -s /etc/passwd`) or nowhere is refused with its reason.
    Symlinked directories are not entered. Walked with os.scandir, whose entries carry their file
    type: a large corpus is listed without a stat and a pathlib object per file.
    """
    found = Discovered()
    for root in paths:
        if root.is_file():
            found.files.append(root)
            continue
        for entry in _entries(str(root)):
            relative = entry.path[len(str(root)) + 1:].replace(os.sep, "/")
            if relative in RESERVED_FILES:
                continue
            if not _is_utf8(relative):
                found.refused.append((entry.path, "the file name is not UTF-8 (named on a GBK or Big5 system?): "
                                                  "rename it"))
                continue
            if entry.is_symlink():
                broken = _broken_link(entry.path)
                if broken:
                    found.refused.append((entry.path, broken))
                    continue
                if not _inside(Path(entry.path), root):
                    found.refused.append((entry.path, "a symlink to a file outside the corpus (not followed)"))
                    continue
            if entry.is_file():
                found.files.append(Path(entry.path))
    # ordered as Paths order (part by part), which is not the order of their strings ("a-b/x" < "a/b")
    found.files = sorted(set(found.files), key=lambda p: str(p).split(os.sep))
    return found


def _is_utf8(name: str) -> bool:
    """False for a name holding bytes that are not UTF-8 (Python keeps them as lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _broken_link(path: str) -> str | None:
    """Why a symlink cannot be followed (its target is missing, or it leads back to itself), or None."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symlink loop (the link leads back to itself)"
        if exc.errno == errno.ENOENT:
            return "a symlink whose target does not exist"
        return f"a symlink that cannot be followed ({exc.strerror})"
    return None


def _entries(directory: str) -> Iterator[os.DirEntry]:
    """Every entry below `directory` except hidden ones and real directories (their contents instead)."""
    pending = [directory]
    while pending:
        with os.scandir(pending.pop()) as listing:
            for entry in listing:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                else:
                    yield entry


def discover(paths: list[Path]) -> list[Path]:
    """Supported files under the given files/directories (see `scan` for what is refused)."""
    return scan(paths).files


def doc_id_for(path: Path, roots: list[Path]) -> str:
    """Stable id: the path relative to the corpus root that holds it, POSIX style (see `DocIds`)."""
    return DocIds(roots)(path)


class DocIds:
    """Doc ids under fixed corpus roots; the roots are resolved once, not for every file of a large corpus.

    Compared first as written (a symlink inside the corpus keeps its own name, not its target's), then resolved.
    """

    def __init__(self, roots: list[Path]) -> None:
        self.roots = roots
        self.prefixes = [_prefix(os.path.abspath(root if root.is_dir() else root.parent)) for root in roots]
        self._resolved: list[str] | None = None

    def __call__(self, path: Path) -> str:
        found = _under(os.path.abspath(path), self.prefixes)
        if found is not None:
            return found
        if self._resolved is None:
            self._resolved = [_prefix(str(root.resolve() if root.is_dir() else root.resolve().parent))
                              for root in self.roots]
        found = _under(str(path.resolve()), self._resolved)
        return found if found is not None else path.name


def _prefix(directory: str) -> str:
    return directory if directory.endswith(os.sep) else directory + os.sep


def _under(path: str, prefixes: list[str]) -> str | None:
    """`path` relative to the first directory prefix it starts with, POSIX style."""
    for prefix in prefixes:
        if path.startswith(prefix):
            return path[len(prefix):].replace(os.sep, "/")
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode UTF-8, GB18030/GBK or Big5 text; raise ValueError when none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf_8"
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf_16"
        except UnicodeDecodeError:
            raise ValueError("starts with a UTF-16 byte-order mark but is not valid UTF-16") from None
    try:
        return data.decode("utf-8"), "utf_8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is None:
        raise ValueError("not decodable as UTF-8, GB18030/GBK or Big5")
    return str(best), best.encoding


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise ValueError("contains NUL bytes (binary file?)")
    if not text.strip():
        raise ValueError("empty file (no text)")
    controls = len(_CONTROL.findall(text))
    if controls > MAX_CONTROL_RATIO * len(text):
        raise ValueError(f"looks binary ({controls} control characters)")


@dataclass
class _Read:
    text: str
    encoding: str
    meta: EntryMeta = field(default_factory=EntryMeta)
    blocks: tuple[Block, ...] = ()
    title: str | None = None


def _read_text(kind: str, data: bytes, limits: FormatLimits) -> _Read:
    if b"\x00" in data[:BINARY_SNIFF_BYTES] and not data.startswith(UTF16_BOMS):
        raise ValueError("contains NUL bytes (binary file?)")
    text, encoding = decode_bytes(data)
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"too much text ({len(text)} characters; limit {MAX_TEXT_CHARS})")
    if kind == "html":
        from ingest.formats.html import read_html

        html = read_html(text, limits)
        plain = "\n".join(t for t in [html.title, html.text] if t)
        return _Read(plain, encoding, blocks=tuple(html.blocks), title=html.title)
    meta = EntryMeta()
    if kind == "markdown":
        meta, text = split_front_matter(text, "front matter")
        if not text.strip():  # a page laid out from its front matter: its fields are its text
            text = front_matter_text(dict(meta.ignored))
    elif (stray := stray_visibility_line(text)) is not None:
        raise FrontMatterError(f"line {stray} sets visibility, which dutykb reads only in the front matter of a .md "
                               "file (this file would be public); move the text into a .md entry with front matter, "
                               "or remove the line", restricts=True)
    limits.count(sum(1 for line in text.splitlines() if line.strip()))  # a text file's elements are its lines
    return _Read(text, encoding, meta)


def _read_format(kind: str, data: bytes, limits: FormatLimits) -> _Read:
    if kind == "docx":
        from ingest.formats.docx import read_docx

        docx = read_docx(data, limits)
        return _Read(docx.text, "docx", blocks=tuple(docx.blocks), title=docx.title)
    if kind == "pdf":
        from ingest.formats.pdf import read_pdf

        pdf = read_pdf(data, limits)
        return _Read(pdf.text, "pdf", blocks=tuple(pdf.blocks), title=pdf.title)
    if kind == "xlsx":
        from ingest.formats.xlsx import read_xlsx

        xlsx = read_xlsx(data, limits)
        return _Read(xlsx.text, "xlsx", blocks=tuple(xlsx.blocks))
    return _read_text(kind, data, limits)


def failure_reason(exc: Exception) -> str:
    """Why one document could not be read or parsed, in a few words (never empty)."""
    if isinstance(exc, RecursionError):
        return "nested too deeply to read (markup, lists or YAML nested about a thousand levels)"
    if isinstance(exc, MemoryError):
        return "ran out of memory while reading it"
    if isinstance(exc, (ValueError, DutyKBError)) and str(exc).strip():
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read it: {exc.strerror}"
    detail = str(exc).strip()
    return f"could not be read ({type(exc).__name__}{': ' + detail if detail else ''})"


def read_document(path: Path, roots: list[Path], limits: FormatLimits | None = None) -> LoadedDocument:
    """Load one file; raises LoadError with the path and reason."""
    shown = str(path)
    suffix = path.suffix.lower()
    if suffix in LEGACY_FORMATS:
        raise LoadError(shown, LEGACY_FORMATS[suffix])
    kind = KIND_BY_SUFFIX.get(suffix)
    if kind is None:
        raise LoadError(shown, f"unsupported file type '{path.suffix or '(none)'}'")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValueError(f"file too large ({size} bytes; limit {MAX_FILE_BYTES})")
        data = path.read_bytes()
        if not data.strip():
            raise ValueError("empty file")
        read = _read_format(kind, data, limits or FormatLimits())
        text = read.text.replace("\r\n", "\n").replace("\r", "\n")
        _check_text(text)
    except LoadError:
        raise
    except Exception as exc:  # the document boundary (see the module docstring)
        restricts = isinstance(exc, FrontMatterError) and exc.restricts
        raise LoadError(shown, failure_reason(exc), restricts=restricts) from None
    return LoadedDocument(
        doc_id=doc_id_for(path, roots),
        path=shown,
        kind=kind,
        encoding=read.encoding,
        text=text,
        meta=read.meta,
        fingerprint=hashlib.sha256(data).hexdigest(),
        blocks=read.blocks,
        format_title=read.title,
    )
