"""Read corpus files of any supported format and encoding into LoadedDocument records.

Every failure is a LoadError naming the file and the reason, so the pipeline can
report it and carry on with the rest of the corpus.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

from kb.errors import DutyKBError
from kb.frontmatter import EntryMeta, split_front_matter
from kb.records import LoadedDocument

KIND_BY_SUFFIX = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
}
RESERVED_FILES = {"lexicon.yaml"}  # corpus-level settings, not documents (see kb.lexicon)
CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5"]
MAX_FILE_BYTES = 20 * 1024 * 1024
BINARY_SNIFF_BYTES = 8192
MAX_CONTROL_RATIO = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class LoadError(DutyKBError):
    """A corpus file that cannot be ingested; `str()` names the file and the problem."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def discover(paths: list[Path]) -> list[Path]:
    """Supported files under the given files/directories, sorted, hidden files skipped."""
    found: list[Path] = []
    for root in paths:
        if root.is_file():
            found.append(root)
            continue
        for p in sorted(root.rglob("*")):
            relative = p.relative_to(root)
            if p.is_file() and not any(part.startswith(".") for part in relative.parts) \
                    and relative.as_posix() not in RESERVED_FILES:
                found.append(p)
    return sorted(set(found))


def doc_id_for(path: Path, roots: list[Path]) -> str:
    """Stable id: the path relative to the corpus root that holds it, POSIX style."""
    resolved = path.resolve()
    for root in roots:
        base = root.resolve() if root.is_dir() else root.resolve().parent
        if resolved.is_relative_to(base):
            return resolved.relative_to(base).as_posix()
    return path.name


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode UTF-8, GB18030/GBK or Big5 text; raise ValueError when none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf_8"
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


def html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "iframe", "form"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    text = soup.get_text("\n")
    return "\n".join(line.strip() for line in text.splitlines())


def docx_to_text(data: bytes) -> str:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValueError("not a valid DOCX file (not a zip archive)")
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types for broken packages
        raise ValueError(f"not a valid DOCX file ({type(exc).__name__}: {exc})") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    return "\n".join(lines)


def read_document(path: Path, roots: list[Path]) -> LoadedDocument:
    """Load one file; raises LoadError with the path and reason."""
    shown = str(path)
    kind = KIND_BY_SUFFIX.get(path.suffix.lower())
    if kind is None:
        raise LoadError(shown, f"unsupported file type '{path.suffix or '(none)'}'")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValueError(f"file too large ({size} bytes; limit {MAX_FILE_BYTES})")
        data = path.read_bytes()
        if not data.strip():
            raise ValueError("empty file")
        meta = EntryMeta()
        encoding = "docx"
        if kind == "docx":
            text = docx_to_text(data)
        else:
            if b"\x00" in data[:BINARY_SNIFF_BYTES] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise ValueError("contains NUL bytes (binary file?)")
            text, encoding = decode_bytes(data)
            if kind == "html":
                text = html_to_text(text)
            elif kind == "markdown":
                meta, text = split_front_matter(text, "front matter")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        _check_text(text)
    except LoadError:
        raise
    except (OSError, ValueError, DutyKBError) as exc:
        raise LoadError(shown, str(exc)) from None
    fingerprint = hashlib.sha256(data).hexdigest()
    return LoadedDocument(
        doc_id=doc_id_for(path, roots),
        path=shown,
        kind=kind,
        encoding=encoding,
        text=text,
        meta=meta,
        fingerprint=fingerprint,
    )
