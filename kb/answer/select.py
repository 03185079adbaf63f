"""Stage 2, select: which passages answer the question, in which shape.

- a duty question about a role (named, or the asker's own) with nothing more specific asked:
  the role's whole duty list from the registry;
- a list or procedure question: the whole block (section) around the best unit, from its heading
  and intro through every item and sub-step; among the sections enclosing the best units, the one
  whose heading and intro cover the question best (headings say what a block is about);
- anything else: the one to three best units, preferring one that holds what the question type
  needs (a figure, a modal word, a person); a further unit from another section must score close
  to the best or name what is asked about, and hold what a typed question asks for (a clock time for
  "几点", a person for "谁"); a unit that only announces a list ("…以下应急方案:") brings its block
  along, so an answer never ends on an intro line.
Whatever the shape, instruction-like sentences (kb.injection) are taken out of every line before
anything is judged or quoted; a line made of nothing else becomes an uncited `OMITTED` line, so a
list keeps its numbering.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from kb.answer.checks import RoleFinder, key_word, near, satisfies
from kb.answer.condition import condition_rules, condition_words, ours, speaks_of
from kb.answer.ctx import Ctx
from kb.answer.passage import Passage
from kb.answer.retrieve import Retrieved
from kb.answer.terms import Scorer
from kb.blocks import Block, Line, is_intro, strip_marker
from kb.injection import OMITTED, is_flagged, without_flagged
from kb.jobtitles import ADDRESSEES
from kb.knowledge import Build
from kb.normalize import normalize, to_simplified
from kb.query import Query, QuestionType
from kb.records import Chunk, Role

MAX_UNITS = 3
KEEP_RATIO = 0.85  # further units must score this close to the best one
ELSEWHERE_RATIO = 0.95  # …this close, when from another section and naming nothing the question asks about
BLOCK_CANDIDATE_UNITS = 6  # the best units whose enclosing sections compete as the block
MAX_BLOCK_CHARS = 2000  # a larger section is a chapter, not a block
BLOCK_HEADING_WEIGHT = 0.1  # question terms covered by a block's heading and intro
MIN_LIST_ITEMS = 2
HEADING_LINE = re.compile(r"^[^。；;，,]{1,30}[:：]?$")  # a short line without a sentence in it


class Shape(StrEnum):
    DUTY_LIST = "duty_list"
    BLOCK = "block"
    ITEMS = "items"


@dataclass(frozen=True)
class Selection:
    shape: Shape
    lines: list[Passage]  # what the answer quotes, in reading order
    units: list[Passage] = field(default_factory=list)  # every retrieved passage, best first
    block: Block | None = None
    roles: list[Role] = field(default_factory=list)
    confidence: float = 0.0
    lead: Passage | None = None  # the quote a direct first line is derived from (the best one)
    # the condition a follow-up added that no rule of the role speaks of (its content words): the duties are the
    # closest rules
    unsaid: tuple[str, ...] = ()

    def quotes(self) -> list[Passage]:
        """The cited lines, the lead first (what the checks read)."""
        quoted = [q for q in self.lines if q.key is not None]
        if self.lead is not None and self.lead in quoted:
            quoted.remove(self.lead)
            quoted.insert(0, self.lead)
        return quoted


@dataclass(frozen=True)
class Selected:
    retrieved: Retrieved
    selection: Selection | None  # None: nothing was retrieved to quote
    visible: list[Role]  # the roles the asker may see, of the organisations the question is about
    confidence: float  # the best passage's own similarity to the question (1 for a role's duty list or own rule)


def run(ctx: Ctx, retrieved: Retrieved) -> Selected:
    query = retrieved.query
    build = ctx.kb.build
    visible = [r for r in ctx.kb.roles_for(query.audience) if query.scope.holds(build.role_organisation(r))]
    roles = [r for r in visible if r.name in query.duty_roles]
    if query.context.condition:
        asked = [r for r in visible if r.name in (query.mentioned or query.context.roles or query.picked)]
        if asked:
            return Selected(retrieved, conditioned(query, ctx.scorer, asked, retrieved.passages, ctx.roles_in),
                            visible, 1.0)
    if query.qtype is QuestionType.DUTY and roles and not query.focus:
        return Selected(retrieved, duty_list(roles, lambda role, duty: duty_chunk(build, role, duty)), visible, 1.0)
    units = retrieved.passages
    if not units:
        return Selected(retrieved, None, visible, 0.0)
    return Selected(retrieved, select(query, ctx.scorer, units, ctx.roles_in), visible, max(u.dense for u in units))


def conditioned(query: Query, scorer: Scorer, roles: list[Role], units: list[Passage],
                roles_in: RoleFinder) -> Selection:
    """A duty question with a condition added ("如果是夜班呢"): the roles' own rules that speak of it (the best
    retrieved ones, else any; kb.answer.condition), else their whole duty lists as the closest rules, with the
    condition marked unsaid (the answer says no rule speaks of it)."""
    words = condition_words(query, scorer, roles)
    ranked = [u for u in units if words and ours(u, scorer, roles) and speaks_of(u, words)]
    if ranked:
        return without_instructions(replace(items(query, scorer, ranked, roles_in), roles=roles))
    rules, _ = condition_rules(query, scorer, roles)
    if rules:
        rules = rules[:MAX_UNITS]
        return without_instructions(Selection(Shape.ITEMS, rules, rules, roles=roles, lead=rules[0]))
    build = scorer.kb.build
    listed = duty_list(roles, lambda role, duty: duty_chunk(build, role, duty))
    return replace(listed, unsaid=("".join(words) or query.context.condition,))


def duty_chunk(build: Build, role: Role, duty: str) -> Chunk | None:
    """The chunk of the role's own section that holds a duty item (a long list spans several)."""
    own = [build.chunks[build.position[cid]] for cid in role.chunk_ids if cid in build.position]
    return next((c for c in own if duty in c.text), own[0] if own else build.chunk_for_role(role))


def duty_list(roles: list[Role], chunk_of: Callable[[Role, str], Chunk | None]) -> Selection:
    """Each role's whole duty list from the registry, each item cited to the chunk that holds it."""
    lines = []
    for role in roles:
        for d in role.duties:
            chunk = chunk_of(role, d.text)
            lines.append(Passage(d.text, chunk, role=chunk.role if chunk is not None else None,
                                 key=(role.source, role.name, d.n), n=d.n, part_text=d.text))
    return without_instructions(Selection(Shape.DUTY_LIST, lines, roles=roles, confidence=1.0))


def _typed(query: Query, scorer: Scorer, unit: Passage, roles_in: RoleFinder) -> bool:
    return satisfies(query, unit, scorer, roles_in)


def _on_focus(query: Query, scorer: Scorer, unit: Passage) -> bool:
    """The passage (with its heading) holds the question's most specific focus word (or it has none)."""
    key = key_word(query, scorer)
    return key is None or key in normalize(unit.text + " " + unit.heading)


def _mentions_focus(unit: Passage, query: Query) -> bool:
    text = normalize(unit.text + " " + unit.heading)
    return not query.focus or any(word in text for word in query.focus)


def typed_question(query: Query) -> bool:
    """Whether the question asks for a kind of thing a quote may or may not hold (a figure, money, a sanction,
    a qualification, a person), beyond its topic. Not yes/no questions: a duty item ("负责客户挽留") answers
    "需要负责…吗" without a modal word of its own."""
    wants = query.wants
    return (query.qtype is QuestionType.WHO or wants.unit is not None
            or wants.money is not None or wants.penalty or wants.qualification is not None)


def _own(query: Query, unit: Passage) -> bool:
    """The passage is in the duty list of a role the question names."""
    role = unit.chunk.role if unit.chunk is not None else None
    return role is not None and role in query.mentioned


def _beside(scorer: Scorer, lead: Passage, unit: Passage) -> bool:
    return scorer.outline.paths[lead.position] == scorer.outline.paths[unit.position]


def _line(unit: Passage) -> Passage:
    """A retrieved passage as a quoted line: cited to its part, read as its role's."""
    chunk, part = unit.chunk, unit.part
    assert chunk is not None and part is not None  # retrieved passages are parts of chunks
    return replace(unit, role=chunk.role, key=(chunk.chunk_id, part), n=chunk.parts[part].n,
                   part_text=chunk.parts[part].text)


def block_lines(scorer: Scorer, block: Block) -> list[Passage]:
    lines = []
    for line in block.lines:
        chunk = scorer.kb.build.chunks[line.position]
        if line.part is None:
            lines.append(Passage(line.text, depth=line.depth))
        else:
            part = chunk.parts[line.part]
            lines.append(Passage(line.text, chunk, line.position, line.part, scorer.heading_of(line.position),
                                 chunk.role, (chunk.chunk_id, line.part), part.n, part.text, line.depth))
    return lines


def best_block(query: Query, scorer: Scorer, units: list[Passage]) -> Block | None:
    """The section around the best units whose heading and intro cover the question best (innermost on ties)."""
    question = scorer.question_terms(query, roles=True)
    best: tuple[float, Block] | None = None
    seen: set[int] = set()
    for unit in units:
        if unit.score < units[0].score * ELSEWHERE_RATIO:  # a block around a clearly worse match is no answer
            break
        nested = part_block(scorer, unit)
        if nested is not None:  # a sub-list inside one item ("四、假币处理" with its paragraphs)
            score = unit.score + BLOCK_HEADING_WEIGHT * scorer.coverage(question, scorer.terms(nested.heading))
            if best is None or score > best[0]:
                best = (score, nested)
        if unit.position in seen:
            continue
        seen.add(unit.position)
        for path in scorer.outline.chain(unit.position):
            block = scorer.outline.block(unit.position, path)
            if block.size > MAX_BLOCK_CHARS:
                break
            if len(block.items) < MIN_LIST_ITEMS:
                continue
            intro = next((line.text for line in block.items if is_intro(line.text)), "")
            said = scorer.terms(" ".join([*path[-1:], intro]))
            score = unit.score + BLOCK_HEADING_WEIGHT * scorer.coverage(question, said)
            if best is None or score > best[0]:
                best = (score, block)
        if len(seen) == BLOCK_CANDIDATE_UNITS:
            break
    return best[1] if best else None


def part_block(scorer: Scorer, unit: Passage) -> Block | None:
    """The unit's item as a block of its own when it is a heading line with lines under it ("四、假币处理"
    and its paragraph, "退房客房清掃程序：" and its steps)."""
    assert unit.chunk is not None and unit.part is not None  # retrieved passages are parts of chunks
    text = unit.chunk.parts[unit.part].text
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < MIN_LIST_ITEMS or not HEADING_LINE.match(lines[0].strip()):
        return None
    path = (*scorer.outline.paths[unit.position], lines[0].strip())
    return Block(scorer.kb.build.chunks[unit.position].doc_id, path, [Line(unit.position, unit.part, text, 0)])


def items(query: Query, scorer: Scorer, units: list[Passage], roles_in: RoleFinder) -> Selection:
    top = units[0].score
    keep = [u for u in units if u.score >= top * KEEP_RATIO]
    if not _typed(query, scorer, units[0], roles_in):  # a close unit that holds what is asked may lead
        lead = next((u for u in keep if _on_focus(query, scorer, u) and _typed(query, scorer, u, roles_in)), None)
        if lead is not None:
            keep = [lead, *[u for u in keep if u is not lead]]
    chosen: list[Passage] = []
    seen: set[str] = set()
    for unit in keep:
        key = normalize(unit.text)
        if key in seen:  # the same rule under two roles or documents: quote it once
            continue
        if chosen and not _beside(scorer, chosen[0], unit):
            if unit.score < top * ELSEWHERE_RATIO and not _mentions_focus(unit, query):
                continue  # a further quote from elsewhere must score close to the best, or name what is asked about
            if typed_question(query) and not _own(query, unit) and not _typed(query, scorer, unit, roles_in):
                continue  # …and hold what a typed question asks for (a figure, a person, money …), unless it
                # is a duty of the role the question names ("话务班长要考核哪些人": whom, not a person's title)
        seen.add(key)
        chosen.append(unit)
        if len(chosen) == MAX_UNITS:
            break
    intro = next((u for u in chosen if is_intro(u.text)), None)
    if intro is not None:
        block = scorer.outline.section_block(intro.position)
        if len(block.items) >= MIN_LIST_ITEMS and block.size <= MAX_BLOCK_CHARS:
            return block_selection(scorer, block, units)
    lines = {id(u): _line(u) for u in chosen}
    first = lines[id(chosen[0])]
    chosen.sort(key=lambda u: (u.position, u.part))
    return Selection(Shape.ITEMS, with_intros(scorer, [lines[id(u)] for u in chosen], chosen), units, lead=first)


def with_intros(scorer: Scorer, lines: list[Passage], chosen: list[Passage]) -> list[Passage]:
    """Each item quoted with the intro line of its list ("有下列情形之一的，…给予警告：") before it, once:
    an item alone can mean the opposite of what its list says."""
    out: list[Passage] = []
    shown: set[tuple] = set()
    for line, unit in zip(lines, chosen, strict=True):
        chunk = scorer.kb.build.chunks[unit.position]
        first = chunk.parts[0] if chunk.parts else None
        if (unit.part or 0) > 0 and first is not None and first.n is None and is_intro(first.text):
            key = (chunk.chunk_id, 0)
            if key not in shown and key != line.key:
                shown.add(key)
                out.append(Passage(first.text, chunk, unit.position, 0, unit.heading, chunk.role, key,
                                   part_text=first.text))
        out.append(line)
    return out


def block_selection(scorer: Scorer, block: Block, units: list[Passage]) -> Selection:
    """A block answer; its lead is the block line holding the best unit inside it."""
    lines = block_lines(scorer, block)
    inside = {(line.position, line.part): i for i, line in enumerate(block.lines) if line.quotable}
    best = next((inside[(u.position, u.part)] for u in units if (u.position, u.part) in inside), None)
    return Selection(Shape.BLOCK, lines, units, block, lead=lines[best] if best is not None else None)


def select(query: Query, scorer: Scorer, units: list[Passage], roles_in: RoleFinder) -> Selection:
    """The text that answers `query` (units: the retrieved passages, best first; at least one)."""
    if query.qtype in (QuestionType.LIST, QuestionType.PROCEDURE, QuestionType.DUTY):
        block = best_block(query, scorer, units)
        if block is not None:
            return without_instructions(block_selection(scorer, block, units))
    return without_instructions(items(query, scorer, units, roles_in))


def about_topic(line: Passage, query: Query) -> bool:
    """The line, its section path or its document's title holds one of the question's topic words (the notion
    suggestions use, kb.suggest; 病假 also in 病事假), or an index word for one (kb.expand: 损坏 for 弄坏), or it
    is a duty of the post the question is about; every line is, for a question with no topic word. A handbook's
    addressee (员工) is no such post: every rule is theirs."""
    chunk = line.chunk
    role = chunk.role if chunk is not None else None
    if not query.topic or (role in query.prior_roles and to_simplified(role or "") not in ADDRESSEES):
        return True
    where = normalize(line.text + (chunk.section + chunk.title if chunk is not None else ""))
    return any(near(w, where) for word in query.topic for w in (word, *query.expansion.of(word)))


def on_topic(selection: Selection, query: Query) -> Selection:
    """The selection with only the quotes about the question's topic, for a hedge's 相关规定: a hedged question
    about probation is not shown the shift rules that merely scored highest. A block is one rule: kept whole when
    any of its lines is about the topic; an item keeps the intro line of its list."""
    cited = [line for line in selection.lines if line.key is not None]
    if selection.shape is Shape.BLOCK:
        lines = selection.lines if any(about_topic(line, query) for line in cited) else []
    else:
        kept = [line for line in cited if about_topic(line, query)]
        chunks = {line.chunk.chunk_id for line in kept if line.chunk is not None}
        lines = [line for line in selection.lines if line in kept
                 or (line.key is not None and line.chunk is not None and line.chunk.chunk_id in chunks
                     and is_intro(line.text))]
    lead = selection.lead if selection.lead in lines else None
    return replace(selection, lines=lines, lead=lead)


def omitted(text: str) -> str:
    """`OMITTED` in place of a wholly flagged line, after the line's own number ("3、") when it has one."""
    line = text.strip()
    start = line.find(strip_marker(line)) if line else -1
    return (line[:start] if start > 0 else "") + OMITTED


def unflagged(line: Passage) -> Passage:
    """The line without its instruction-like sentences (its part too, which a citation's quote spans)."""
    if not is_flagged(line.part_text or line.text):
        return line
    part = without_flagged(line.part_text)
    text = without_flagged(line.text).strip()
    if not text:
        return replace(line, text=omitted(line.text), key=None, n=None, part_text="")
    return replace(line, text=text, part_text=part)


def without_instructions(selection: Selection) -> Selection:
    """The selection with every instruction-like sentence taken out of what it quotes (kb.injection)."""
    lines = [unflagged(line) for line in selection.lines]
    lead = next((new for old, new in zip(selection.lines, lines, strict=True) if old is selection.lead), None)
    return replace(selection, lines=lines, lead=lead if lead is not None and lead.key is not None else None)
