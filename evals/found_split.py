"""The sealed dev / held-out split of the found-document corpus (issue 20).

A document's split is decided by a hash of its file name alone, fixed before any parsing rule is written
for it, so no one can choose which documents measure generalisation. About 40 % are held out: their roles
file and suite are written by someone who writes no rules, and they are only ever reported on.

    python -m evals.found_split STAGING_DIR [--root DIR]   # moves each staged file into <root>/<split>/{docs,fetched}/

The root defaults to the found corpus (round 1); a later round keeps its own root (e.g. found/round2) with the
same split rule, so each round has its own sealed held-out part.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import unicodedata
from pathlib import Path

HELDOUT_PERCENT = 40
# Binary documents can only be taken from a mirrored repository, and what a mirror brings may not be
# committed here: they live in an ignored folder beside docs/ and are listed in SOURCES.md to re-fetch.
FETCHED_SUFFIXES = frozenset({".docx", ".pdf", ".xlsx"})
FOUND_ROOT = Path(__file__).parent / "corpora" / "found"


def split_of(file_name: str) -> str:
    """'heldout' or 'dev' for a document's file name (NFC, without folders)."""
    name = unicodedata.normalize("NFC", Path(file_name).name)
    bucket = int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "heldout" if bucket < HELDOUT_PERCENT else "dev"


def place(staged: Path, root: Path = FOUND_ROOT) -> Path:
    """Move one staged document into its split's docs folder; returns the new path."""
    folder = "fetched" if staged.suffix.lower() in FETCHED_SUFFIXES else "docs"
    target = root / split_of(staged.name) / folder / staged.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(staged), target)
    return target


USAGE = "usage: python -m evals.found_split STAGING_DIR [--root DIR]"


def _parse(argv: list[str]) -> tuple[Path, Path] | None:
    """(staging dir, root) from the command line, or None when it is not of the usage's form."""
    if len(argv) == 1:
        return Path(argv[0]), FOUND_ROOT
    if len(argv) == 3 and argv[1] == "--root":
        return Path(argv[0]), Path(argv[2])
    return None


def main(argv: list[str]) -> int:
    parsed = _parse(argv)
    if parsed is None:
        print(USAGE, file=sys.stderr)
        return 2
    staging, root = parsed
    for staged in sorted(staging.iterdir()):
        if staged.is_file():
            print(f"{split_of(staged.name)}\t{place(staged, root).relative_to(root)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
