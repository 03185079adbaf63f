"""How many cells an XLSX workbook spans, measured by streaming its sheets' XML before openpyxl loads it.

openpyxl's full load parses every cell before the cell limit could be checked (1M rows: 720 MiB), and
its read-only mode is no bound either: a sheet without a `<dimension>` element (as openpyxl's own
write-only mode saves them) is scanned to its end just to open it (1M rows: tens of seconds). Here
each worksheet part of the package is fed to expat in chunks, and the workbook is refused as soon as
it spans more cells than the limit, with the time limit checked as it goes.

A sheet spans its last row × its last column, as openpyxl lays it out (`max_row × max_column`).
"""
from __future__ import annotations

import io
import re
import zipfile
from xml.parsers import expat

from ingest.formats.limits import FormatLimits, LimitExceeded

CHUNK_BYTES = 64 * 1024
TICK_CELLS = 1_000  # cells between two checks of the time limit
CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d+)$")
LETTERS = 26


class _NotASheet(Exception):
    """The part's root element is not a worksheet: nothing in it to count."""


def _column(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * LETTERS + ord(letter) - ord("A") + 1
    return number


class _SheetSpan:
    """Feeds one worksheet part to expat, tracking its last row and column and refusing past the limit."""

    def __init__(self, limits: FormatLimits, before: int, name: str) -> None:
        self.limits, self.before, self.name = limits, before, name
        self.row = self.col = self.last_row = self.last_col = self.cells = 0
        self.seen_root = False

    @property
    def span(self) -> int:
        return self.last_row * self.last_col

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition("}")[2]
        if not self.seen_root:
            self.seen_root = True
            if local != "worksheet":
                raise _NotASheet
        if local == "row":
            self.row = int(attrs["r"]) if attrs.get("r", "").isdigit() else self.row + 1
            self.col = 0
        elif local == "c":
            self.cell(attrs.get("r", ""))

    def cell(self, ref: str) -> None:
        found = CELL_REF.match(ref)
        if found:
            self.col, self.row = _column(found.group(1)), int(found.group(2))
        else:
            self.col += 1
        self.last_row, self.last_col = max(self.last_row, self.row), max(self.last_col, self.col)
        if self.before + self.span > self.limits.max_elements:
            raise LimitExceeded(f"too many cells: the workbook spans over {self.limits.max_elements} "
                                f"(at row {self.row} of {self.name})")
        self.cells += 1
        if self.cells % TICK_CELLS == 0:
            self.limits.tick()

    def feed(self, stream) -> None:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = self.start
        try:
            while chunk := stream.read(CHUNK_BYTES):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except (_NotASheet, expat.ExpatError):
            return  # not a sheet, or not well-formed XML: openpyxl's load reports that


def check_workbook_span(data: bytes, limits: FormatLimits) -> None:
    """Refuse a workbook whose sheets together span more cells than `limits.max_elements`."""
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            if not member.filename.lower().endswith(".xml"):
                continue
            sheet = _SheetSpan(limits, total, member.filename)
            with archive.open(member) as stream:
                sheet.feed(stream)
            total += sheet.span
