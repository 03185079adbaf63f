"""A study sheet as Markdown or as one printable HTML page (the CLI prints them, the 入职学习 page downloads the HTML).

The document's words are kept as written (its script); the sheet's own words are Simplified. The HTML page
carries its own stylesheet, with print rules: A4 margins, no page break inside an item, sources in grey.
"""
from __future__ import annotations

import html

from kb.clauses import clause_text
from kb.records import BREADCRUMB_SEP
from kb.study import Cited, StudySheet

STYLE = """
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       line-height: 1.6; color: #1f2328; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; margin-top: 1.6rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .3rem; }
.where, .src { color: #59636e; font-size: .85rem; }
ol { padding-left: 1.6rem; } li { margin: .25rem 0; }
ul.related li { list-style: none; margin-left: -1.2rem; }
@media print {
  @page { size: A4; margin: 18mm 16mm; }
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; } li { break-inside: avoid; }
  .noprint { display: none; }
}
"""


def _where(c: Cited) -> str:
    clause = clause_text([c.item]) if c.item is not None else ""
    where = f"《{c.document}》" + (f" {c.section}" if c.section else "")
    return where + (f"{BREADCRUMB_SEP}{clause}" if clause else "")


def to_markdown(sheet: StudySheet) -> str:
    role = sheet.role
    lines = [f"# {role.name} · 入职学习", "", f"出处：《{role.title}》" + (f" {sheet.to_json()['section']}"
                                                                      if role.section else ""), ""]
    for group in sheet.groups:
        lines += [f"## {group.label}", ""]
        lines += [f"{c.item if c.item is not None else '-'}. {c.text}" for c in group.items]
        lines.append("")
    lines += ["## 相关规定与流程", ""]
    lines += [f"- {c.text}\n  （{_where(c)}）" for c in sheet.related] or ["文件中没有其他条文提到这个岗位。"]
    partners = "、".join(sheet.partners) if sheet.partners else "职责中没有提到其他岗位。"
    lines += ["", "## 工作中打交道的岗位", "", partners]
    return "\n".join(lines) + "\n"


def to_html(sheet: StudySheet) -> str:
    e = html.escape
    role = sheet.role
    section = sheet.to_json()["section"]
    parts = [f"<h1>{e(role.name)} · 入职学习</h1>",
             f"<p class=where>出处：《{e(role.title)}》{(' ' + e(section)) if section else ''}</p>"]
    for group in sheet.groups:
        parts.append(f"<h2>{e(group.label)}</h2><ol>")
        parts += [f"<li value={c.item}>{e(c.text)}</li>" if c.item is not None else f"<li>{e(c.text)}</li>"
                  for c in group.items]
        parts.append("</ol>")
    parts.append("<h2>相关规定与流程</h2>")
    if sheet.related:
        parts.append("<ul class=related>" + "".join(
            f"<li>{e(c.text)}<br><span class=src>{e(_where(c))}</span></li>" for c in sheet.related) + "</ul>")
    else:
        parts.append("<p>文件中没有其他条文提到这个岗位。</p>")
    parts.append("<h2>工作中打交道的岗位</h2>")
    parts.append(f"<p>{e('、'.join(sheet.partners)) if sheet.partners else '职责中没有提到其他岗位。'}</p>")
    return ("<!doctype html><html lang=zh-Hans><head><meta charset=utf-8>"
            f"<title>{e(role.name)} · 入职学习</title><style>{STYLE}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")
