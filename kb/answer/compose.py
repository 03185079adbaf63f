"""Stage 5, compose: the extractive answer: the direct first line, the quotes as written, citations, the level's
wording; under a hedge, another organisation's closest rule with its organisation named.

Passage text keeps the document's characters exactly, in the answer and in its citations; only
the answer's own words (first line, partial and abstention sentences) follow the asker's script.
A citation names a real item number or none (sentences of one paragraph share one citation), and
says whether it is an article or a list item (kb.clauses); citations of one block share a source card; a
rule quoted twice is quoted once, and labels carry no Markdown syntax. Nested steps are indented
with ideographic spaces, which survive Markdown rendering and terminals alike.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from kb.answer.checks import Missing
from kb.answer.ctx import Ctx
from kb.answer.firstline import block_count, first_line
from kb.answer.level import Level, Leveled, Verdict
from kb.answer.passage import Passage
from kb.answer.select import Selection, Shape, on_topic
from kb.blocks import ELLIPSIS, clean_label, clean_section
from kb.clauses import chunk_kind, number_groups
from kb.kinds import Kind, holds
from kb.normalize import normalize, to_script_of
from kb.query import GENERIC_WORDS, Query, QuestionType
from kb.records import Answer, Citation, Role
from kb.retrieve import Retrieval
from kb.scope import see_also
from kb.suggest import on_topic as hit_on_topic
from kb.suggest import topics

MIN_WORD_CHARS = 2  # single characters (带, 放) name nothing a first line can anchor on
INDENT = "\u3000\u3000"
PARTIAL_LEAD = "相关规定："
NOTHING_RELATED = "文件中没有与此直接相关的其他规定。"
# a partial answer whose quotes hold something of every kind it lacks cannot say what is missing: it claims nothing
NOT_DIRECT = "以下规定与问题相关，请对照原文确认是否回答了问题。"
ABSTAIN_TEXT = "知识库中没有找到能回答「{question}」的内容。"
SUGGEST_TEXT = "可以试试问：{topics}。"
DUTY_TITLE = "{role}的岗位职责（共{count}项）："  # 条 is for articles (kb.clauses)
MISSING_TEXT = {
    Missing.ROLE: "文件没有列出「{post}」这个岗位的职责。",
    Missing.SUBJECT: "这个岗位的文件里没有写到这一点。",
    Missing.MONEY: "文件没有写明相关的钱款（工资、费用、罚款等）。",
    Missing.PENALTY: "文件没有写明相应的处罚。",
    Missing.QUALIFICATION: "文件没有写明这方面的任职条件。",
    Missing.FIGURE: "文件没有写明具体的数字。",
    Missing.WHO: "文件没有写明由谁负责。",
    Missing.MODAL: "文件没有明确说可以还是不可以。",
    Missing.FOCUS: "文件没有关于「{words}」的规定。",
    Missing.CONDITION: "文件没有写明{condition}时的不同规定。",
}
# what a hedge says the documents lack, by kind: it is only said when no quoted line holds anything of it (kb.kinds)
HEDGED_KINDS = {Missing.FIGURE: Kind.FIGURE, Missing.WHO: Kind.PERSON, Missing.MONEY: Kind.AMOUNT,
                Missing.PENALTY: Kind.CONSEQUENCE}


@dataclass
class Written:
    text: str
    citations: list[Citation]


def _quote(lines: list[Passage]) -> str:
    """The exact text a citation quotes: the lines' span within their part (one line: the line itself)."""
    if len(lines) == 1:
        return lines[0].text
    whole = lines[0].part_text
    start, end = whole.find(lines[0].text), whole.rfind(lines[-1].text)
    if start < 0 or end < start:
        return "".join(line.text for line in lines)
    return whole[start:end + len(lines[-1].text)]


def cite(lines: list[Passage]) -> tuple[list[str], list[Citation], dict[tuple, int]]:
    """Answer lines with [n] markers, and one citation per distinct source key, numbered by first use; the
    citations of one block share a source card (their `group`, kb.clauses)."""
    grouped: dict[tuple, list[Passage]] = {}
    for line in lines:
        if line.key is not None:
            grouped.setdefault(line.key, []).append(line)
    numbers = {key: n for n, key in enumerate(grouped, 1)}
    citations = []
    for key, members in grouped.items():
        chunk = members[0].chunk
        assert chunk is not None  # cited lines always have a source
        items = [members[0].n] if members[0].n is not None else []
        citations.append(Citation(numbers[key], chunk.chunk_id, chunk.doc_id, chunk.title,
                                  clean_section(chunk.section), items, _quote(members), chunk_kind(chunk, items)))
    number_groups(citations)
    out = []
    for line in lines:
        rows = line.text.split("\n")
        text = "\n".join([INDENT * line.depth + rows[0], *(INDENT * (line.depth + 1) + r.strip() for r in rows[1:])])
        out.append(text + (f"[{numbers[line.key]}]" if line.key is not None else ""))
    return out, citations, numbers


def duty_text(roles: list[Role], lines: list[Passage], query: Query) -> Written:
    cited, citations, _ = cite(lines)
    out, i = [], 0
    for role in roles:
        out.append(to_script_of(DUTY_TITLE.format(role=role.name, count=len(role.duties)), query.asked))
        for duty in role.duties:
            out.append(f"{duty.n}. {cited[i]}")
            i += 1
    return Written("\n".join(out), citations)


def missing_sentence(verdict: Verdict, quoted: list[str]) -> str:
    """What the documents do not say, in plain words: the first failed check (most specific first) whose kind
    no quoted line holds; a hedge of a kind the quotes hold would be false, however the check missed it."""
    true = (m for m in MISSING_TEXT if m in verdict.missing
            and not (m in HEDGED_KINDS and holds(HEDGED_KINDS[m], quoted)))
    missing = next(true, None)
    if missing is None:
        return NOT_DIRECT
    return MISSING_TEXT[missing].format(post=verdict.role, words="、".join(verdict.absent),
                                        condition="".join(verdict.absent))


def hedged_kind(answer_text: str) -> Kind | None:
    """The kind an answer's first line says the documents lack, if it is such a hedge (in either script)."""
    first = normalize(answer_text.split("\n", 1)[0])
    return next((kind for m, kind in HEDGED_KINDS.items() if first == normalize(MISSING_TEXT[m])), None)


def write(query: Query, selection: Selection, verdict: Verdict, first: str | None, first_source: tuple | None,
          count_line: str | None) -> Written:
    """The answer text of an answered or partial extractive answer."""
    if selection.shape is Shape.DUTY_LIST:
        duties = duty_text(selection.roles, selection.lines, query)
        if verdict.level is not Level.PARTIAL:
            return duties
        hedge = [missing_sentence(verdict, []), PARTIAL_LEAD]  # the duties as the closest rules
        return Written("\n".join([to_script_of(line, query.asked) for line in hedge] + [duties.text]),
                       duties.citations)
    lines = list(selection.lines)
    block = selection.block
    heading = block.heading if block is not None else ""
    shows_heading = (heading and not heading.endswith(ELLIPSIS) and block is not None
                     and not any(line.text.split("\n")[0].strip() == heading for line in block.lines))
    if lines and shows_heading and not (count_line and verdict.level is Level.ANSWERED):  # no heading over nothing
        lines.insert(0, Passage(clean_label(heading)))
    cited, citations, numbers = cite(lines)
    head: list[str] = []
    if verdict.level is Level.PARTIAL:
        quoted = [line.text for line in lines if line.key is not None]
        lead = PARTIAL_LEAD if quoted else NOTHING_RELATED
        head = [to_script_of(missing_sentence(verdict, quoted), query.asked), to_script_of(lead, query.asked)]
    elif first:
        marker = f"[{numbers[first_source]}]" if first_source in numbers else ""
        head = [to_script_of(first, query.asked) + marker]
    elif count_line:
        head = [to_script_of(count_line, query.asked)]
    return Written("\n".join(head + cited), citations)


def abstention(query: Query, suggestions: list[str]) -> str:
    text = ABSTAIN_TEXT.format(question=query.asked)
    if suggestions:
        text += SUGGEST_TEXT.format(topics="、".join(suggestions))
    return to_script_of(text, query.asked)


def answer_of(query: Query, written: Written | None, verdict: Verdict, confidence: float,
              suggestions: list[str]) -> Answer:
    reasons = [m.value for m in verdict.missing]
    if written is None or verdict.level is Level.NONE:
        return Answer(query.asked, abstention(query, suggestions), True, "extractive", [], suggestions,
                      round(confidence, 4), Level.NONE.value, query.text, reasons=reasons)
    return Answer(query.asked, written.text, False, "extractive", written.citations,
                  suggestions if verdict.level is Level.PARTIAL else [], round(confidence, 4), verdict.level.value,
                  query.text, reasons=reasons)


def run(ctx: Ctx, leveled: Leveled) -> Answer:
    verdict = leveled.verdict
    selected = leveled.verified.selected
    retrieved = selected.retrieved
    query, selection, confidence = retrieved.query, selected.selection, selected.confidence
    if selection is not None and selection.shape is Shape.DUTY_LIST:
        answer = answer_of(query, write(query, selection, verdict, None, None, None), verdict, confidence, [])
    else:
        suggestions = topics(query, retrieved.hits, selected.visible)
        if selection is None or verdict.level is Level.NONE:
            answer = answer_of(query, None, verdict, confidence, suggestions)
        else:
            if verdict.level is Level.PARTIAL:  # a hedge shows only the rules about what was asked, if any
                selection = on_topic(selection, query)
            first, source, count = first_of(ctx, query, selection)
            answer = answer_of(query, write(query, selection, verdict, first, source, count), verdict, confidence,
                               suggestions)
    answer = replace(answer, notice=retrieved.retrieval.notice, degraded=retrieved.retrieval.degraded)
    if query.scope and answer.level != Level.ANSWERED.value:
        text = "\n\n".join(p for p in (answer.answer, elsewhere(ctx, query, retrieved.retrieval)) if p)
        answer = replace(answer, answer=text)
    return answer


def first_of(ctx: Ctx, query: Query, selection: Selection) -> tuple[str | None, tuple | None, str | None]:
    """(direct answer, the key of the quote it came from, a block's count line)."""
    direct = query.qtype in (QuestionType.YESNO, QuestionType.QUANTITY, QuestionType.WHO)
    if selection.shape is Shape.BLOCK and selection.block is not None and not direct:
        return None, None, block_count(selection.block)
    quoted = [q for q in selection.lines if q.key is not None]
    if selection.lead in quoted:
        quoted.remove(selection.lead)
        quoted.insert(0, selection.lead)
    # a question about a role is answered from that role's own text first
    quoted.sort(key=lambda q: q.chunk is None or q.chunk.role not in query.mentioned)
    tokenizer = ctx.kb.build.lexical.tokenizer
    candidates = [*tokenizer.jieba_words(query.match), *tokenizer.content_bigrams(query.match)]
    words = tuple(dict.fromkeys(w for w in candidates
                                if len(w) >= MIN_WORD_CHARS and w not in GENERIC_WORDS and w not in query.focus))
    found = first_line(query, [q.text for q in quoted], ctx.roles_in, words)
    if found is None:
        return None, None, None
    line, i = found
    return line, quoted[i].key, None


def elsewhere(ctx: Ctx, query: Query, retrieval: Retrieval) -> str:
    """Under a hedge, another organisation's closest rule with its organisation named (never the answer)."""
    outside = [h for h in ctx.retriever.outside_hits(retrieval, 1) if hit_on_topic(h, query.topic)]
    if not outside:
        return ""
    chunk = outside[0].chunk
    organisation = ctx.kb.build.chunk_organisations()[ctx.kb.build.position[chunk.chunk_id]]
    return see_also(organisation, chunk.title, [p.text for p in chunk.parts] or [chunk.text], query.match,
                    query.asked)
