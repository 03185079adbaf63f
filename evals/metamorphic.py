"""Metamorphic format check: a document written out as DOCX, PDF or XLSX should give the roles it gives as
Markdown or text.

Usage::

    python -m evals.metamorphic SRC_DIR [SRC_DIR ...] [--formats docx,pdf,xlsx] [--out DIR]

Every Markdown and text document under SRC_DIR is rendered in each format (`evals.render_formats`: Word
styles and numbering; a wrapped, paginated PDF with a running header and page numbers; a duty sheet with one
row per line), read back through ingest (`read_document` + `process_document`), and its roles with their
duty counts compared with the source's. It prints, per document and format, `identical` or the differences,
then `N/M identical` per format (a page whose text is all in its front matter is skipped). `--out` keeps the
renderings (default: a temporary folder, removed).

A difference is either a reader bug (a real file laid out that way reads wrong) or a limit of the renderer;
the README's "metamorphic" paragraph lists what it found. Run it on the found dev split and the shipped
corpus only, never on held-out documents.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from evals.render_formats.docx_render import render_docx
from evals.render_formats.pdf_render import render_pdf
from evals.render_formats.source import Source, is_source, read_source
from evals.render_formats.xlsx_render import render_xlsx
from ingest.pipeline import ChunkLimits, LoadError, process_document, read_document, scan
from kb.settings import Settings

RENDERERS: dict[str, Callable[[Source, Path], Path]] = {"docx": render_docx, "pdf": render_pdf, "xlsx": render_xlsx}


@dataclass
class Difference:
    missing: dict[str, int] = field(default_factory=dict)   # roles of the source the rendering lacks
    extra: dict[str, int] = field(default_factory=dict)     # roles only the rendering has
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # role → (source duties, rendering duties)
    error: str | None = None

    @property
    def identical(self) -> bool:
        return not (self.missing or self.extra or self.counts or self.error)

    def lines(self) -> list[str]:
        out = [f"unreadable: {self.error}"] if self.error else []
        out += [f"missing {name} ({n})" for name, n in self.missing.items()]
        out += [f"extra {name} ({n})" for name, n in self.extra.items()]
        out += [f"{name}: {a} → {b} duties" for name, (a, b) in self.counts.items()]
        return out


def roles(path: Path, limits: ChunkLimits) -> dict[str, int]:
    """{role name: number of duties} of one file, as ingest reads it."""
    processed = process_document(read_document(path, [path.parent]), limits)
    return {role.name: len(role.duties) for role in processed.roles}


def compare(source: dict[str, int], rendered: dict[str, int]) -> Difference:
    return Difference(missing={k: v for k, v in source.items() if k not in rendered},
                      extra={k: v for k, v in rendered.items() if k not in source},
                      counts={k: (v, rendered[k]) for k, v in source.items() if k in rendered and rendered[k] != v})


def check_document(path: Path, formats: list[str], out: Path, limits: ChunkLimits) -> dict[str, Difference]:
    """The differences of each rendering of one source document from the source."""
    source = read_source(path)
    if not source.elements:
        return {}  # a page whose text is all in its front matter: nothing for a renderer to lay out
    expected = roles(path, limits)
    found: dict[str, Difference] = {}
    for name in formats:
        target = RENDERERS[name](source, out / f"{path.stem}.{name}")
        try:
            found[name] = compare(expected, roles(target, limits))
        except LoadError as exc:
            found[name] = Difference(error=exc.reason)
    return found


def run(sources: list[Path], formats: list[str], out: Path, limits: ChunkLimits) -> dict[str, tuple[int, int]]:
    """Check every source document, print the differences; (identical, checked) per format."""
    totals = {name: (0, 0) for name in formats}
    for path in [p for p in scan(sources).files if is_source(p)]:
        checked_formats = check_document(path, formats, out, limits)
        if not checked_formats:
            print(f"{path.name}: skipped (no body to render: its text is in its front matter)")
        for name, difference in checked_formats.items():
            same, checked = totals[name]
            totals[name] = (same + difference.identical, checked + 1)
            print(f"{path.name} [{name}]: {'identical' if difference.identical else 'differs'}")
            for line in difference.lines():
                print(f"    {line}")
    for name, (same, checked) in totals.items():
        print(f"{name}: {same}/{checked} identical")
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.metamorphic", description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", type=Path, metavar="SRC_DIR")
    parser.add_argument("--formats", default=",".join(RENDERERS), help="comma-separated: docx,pdf,xlsx")
    parser.add_argument("--out", type=Path, help="keep the renderings in this folder")
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in RENDERERS]
    if unknown:
        parser.error(f"unknown format(s): {', '.join(unknown)} (choose from {', '.join(RENDERERS)})")
    limits = ChunkLimits.of(Settings())
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        run(args.sources, formats, args.out, limits)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        run(args.sources, formats, Path(folder), limits)
    return 0


if __name__ == "__main__":
    sys.exit(main())
