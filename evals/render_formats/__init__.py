"""Render a Markdown or text document as the DOCX, PDF and XLSX files an organisation would make of it.

`source.read_source` reads a document into format-neutral elements (headings, list items, paragraphs,
tables); `docx_render`, `pdf_render` and `xlsx_render` write those elements out. Used by
`evals.metamorphic`, which checks that every rendering gives the source's roles.
"""
