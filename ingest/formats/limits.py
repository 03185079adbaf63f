"""Limits that bound what one input file may cost: size, decompressed size, element count, wall time.

A file over a limit is refused with a reason naming the limit (the pipeline skips it and goes on),
so one hostile or broken file can never hang an ingest or exhaust memory while it holds the lock.
"""
from __future__ import annotations

import io
import time
import zipfile
from dataclasses import dataclass, field

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024   # DOCX/XLSX: the parts' total size once decompressed (zip bombs)
MAX_ZIP_RATIO = 100                      # a part compressed more than this is a bomb, not a document
MAX_ZIP_MEMBERS = 5_000
MAX_ELEMENTS = 50_000                    # paragraphs, table cells, PDF lines, spreadsheet cells
MAX_PDF_PAGES = 500
MAX_PAGE_OPERATORS = 100_000             # content-stream operators one PDF page executes (forms included)
MAX_PAGE_CHARS = 20_000                  # characters one PDF page draws (a dense A4 page in 6 pt: ~12,000)
MAX_TEXT_CHARS = 1_000_000               # decoded text of one document (the dev corpus: 45k in 11 files)
MAX_SECONDS = 60.0                       # reading and parsing one file


class LimitExceeded(ValueError):
    """A file over one of the input limits (the message names the limit)."""


@dataclass
class FormatLimits:
    max_elements: int = MAX_ELEMENTS
    max_seconds: float = MAX_SECONDS
    max_unzipped: int = MAX_UNZIPPED_BYTES
    max_pages: int = MAX_PDF_PAGES
    max_page_operators: int = MAX_PAGE_OPERATORS
    max_page_chars: int = MAX_PAGE_CHARS
    elements: int = 0
    started: float = field(default_factory=time.monotonic)

    def count(self, n: int) -> None:
        self.elements += n
        if self.elements > self.max_elements:
            raise LimitExceeded(f"too many elements (over {self.max_elements} paragraphs, cells or lines)")
        self.tick()

    def tick(self) -> None:
        if time.monotonic() - self.started > self.max_seconds:
            raise LimitExceeded(f"took longer than {self.max_seconds:.0f} s to read")


def check_zip(data: bytes, limits: FormatLimits) -> None:
    """A DOCX/XLSX package: a zip whose parts stay within the size and ratio limits."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValueError("not a valid Office file (not a zip archive)")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise LimitExceeded(f"too many parts in the package ({len(members)}; limit {MAX_ZIP_MEMBERS})")
        total = sum(m.file_size for m in members)
        if total > limits.max_unzipped:
            raise LimitExceeded(f"decompresses to {total} bytes (limit {limits.max_unzipped}): a zip bomb?")
        for m in members:
            if m.compress_size and m.file_size > MAX_ZIP_RATIO * m.compress_size and m.file_size > 1024 * 1024:
                raise LimitExceeded(f"part {m.filename} is compressed {m.file_size // m.compress_size}:1 "
                                    f"(limit {MAX_ZIP_RATIO}:1): a zip bomb?")
