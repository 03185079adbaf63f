"""Checks that every evidence / all phrase in a suite is verbatim text of its corpus, as a reader sees it.

Standalone (does not use the project's parser): python-docx paragraphs, table cells, headers and footers;
pdfplumber page text; openpyxl cell values; BeautifulSoup text of HTML; Markdown/TXT decoded as UTF-8, else
GB18030, else Big5. Text units are joined with newlines, so a phrase that spans two paragraphs, two table cells
or a PDF line/page break is reported as missing.

    .venv/bin/python evals/corpora/check_phrases.py [evals/suites/real.yaml evals/suites/heldout.yaml]

Prints, per suite, each missing phrase with its case id (and phrases whose length is outside 6–20 characters
as warnings); exits 1 if any phrase is missing.
"""
from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SUITES = [ROOT / "evals/suites/real.yaml", ROOT / "evals/suites/heldout.yaml"]


FREQUENT = set("的一是不了在人有中大上以之及或等日月年于於与與为為应應须須者所其时時后後前员員并並")


def decode(data: bytes) -> str:
    """UTF-8 if it decodes; otherwise whichever of GB18030 and Big5 yields more frequent characters
    (GB18030 accepts almost any byte pair, so "decodes without error" alone cannot tell them apart)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best, best_score = None, -1
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = sum(ch in FREQUENT for ch in text)
        if score > best_score:
            best, best_score = text, score
    return best if best is not None else data.decode("utf-8", errors="replace")


def docx_text(path: Path) -> str:
    import docx

    d = docx.Document(str(path))
    units: list[str] = []
    for section in d.sections:
        for part in (section.header, section.footer):
            units.extend(p.text for p in part.paragraphs)
    units.extend(p.text for p in d.paragraphs)
    for table in d.tables:
        seen = []  # keeps the cell elements alive, so identity comparison is sound
        for row in table.rows:
            for cell in row.cells:
                if any(cell._tc is tc for tc in seen):  # a merged cell appears once per grid cell it spans
                    continue
                seen.append(cell._tc)
                units.extend(p.text for p in cell.paragraphs)
    return "\n".join(units)


def pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def xlsx_text(path: Path) -> str:
    import openpyxl

    wb = openpyxl.load_workbook(str(path), data_only=True)
    units = []
    for ws in wb.worksheets:
        units.append(ws.title)
        for row in ws.iter_rows(values_only=True):
            units.extend(str(v) for v in row if v is not None)
    return "\n".join(units)


def html_text(path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode(path.read_bytes()), "lxml")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return soup.get_text("\n")


@cache
def document_text(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return docx_text(path)
    if suffix == ".pdf":
        return pdf_text(path)
    if suffix == ".xlsx":
        return xlsx_text(path)
    if suffix in (".html", ".htm"):
        return html_text(path)
    return decode(path.read_bytes())


def squash(text: str) -> str:
    return "".join(text.split())


def check_suite(path: Path) -> int:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    corpus = ROOT / data["corpus"]
    docs = sorted(p for p in corpus.rglob("*") if p.is_file())
    texts = {p.relative_to(corpus).as_posix(): document_text(p) for p in docs}
    missing = 0
    warnings = 0
    print(f"== {path.relative_to(ROOT)} ({len(data['cases'])} cases, corpus {data['corpus']}, {len(docs)} documents)")
    for case in data["cases"]:
        expect = case.get("expect") or {}
        named = [s["doc"] for s in expect.get("sources") or []]
        for doc in named:
            if doc not in texts:
                print(f"  MISSING DOC  {case['id']}: sources names {doc!r}, not in {data['corpus']}")
                missing += 1
        # section names (sources[].section and sections[]) must be headings/labels of the document; compared
        # without whitespace, since PDF text turns an ideographic space into an ordinary one
        for src in expect.get("sources") or []:
            section = src.get("section")
            if section and src["doc"] in texts and squash(section) not in squash(texts[src["doc"]]):
                print(f"  MISSING      {case['id']} section: {section!r} (in {src['doc']})")
                missing += 1
        for section in expect.get("sections") or []:
            pool = [texts[d] for d in named if d in texts] or list(texts.values())
            if not any(squash(section) in squash(text) for text in pool):
                print(f"  MISSING      {case['id']} sections: {section!r}")
                missing += 1
        for key in ("evidence", "all"):
            for phrase in expect.get(key) or []:
                phrase = str(phrase)
                pool = [texts[d] for d in named if d in texts] or list(texts.values())
                if not any(phrase in text for text in pool):
                    where = f" (in {', '.join(named)})" if named else ""
                    print(f"  MISSING      {case['id']} {key}: {phrase!r}{where}")
                    missing += 1
                elif not 6 <= len(phrase) <= 20:
                    print(f"  warning      {case['id']} {key}: {phrase!r} is {len(phrase)} characters (aim for 6–20)")
                    warnings += 1
    print(f"  {missing} missing, {warnings} warnings")
    return missing


def main(argv: list[str]) -> int:
    suites = [Path(a).resolve() for a in argv] or DEFAULT_SUITES
    total = sum(check_suite(s) for s in suites)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
