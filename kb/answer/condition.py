"""A role's own rule on a condition a follow-up adds to a duty question ("值班员的职责有哪些" → "如果是夜班呢").

A line speaks of the condition when it holds one of the condition's content words (夜班 of "是夜班"; 夜班 also in
夜间值班), or, for the role's duties, when it is the duty clearly most similar to the condition in meaning
("确认无人回应后方可进入" for "里面没人应门": Settings.condition_similarity, condition_margin). The rule must be the
role's: an item of its own duty list, or a rule of its organisation's documents that is no other role's duty (a
handbook's rules for its reader, 员工, hold for every post). Another organisation's night-shift rule, or another
role's, says nothing about this role's night shift.

A leaf of the answer path (kb.answer): it imports no stage.
"""
from __future__ import annotations

from kb.answer.checks import near
from kb.answer.passage import Passage
from kb.answer.terms import Scorer
from kb.jobtitles import ADDRESSEES
from kb.normalize import normalize, to_simplified
from kb.query import GENERIC_VERBS, GENERIC_WORDS, MIN_FOCUS_CHARS, QUESTION_WORDS, Query
from kb.records import Chunk, Role

RUNNER_UP = 2  # the best duty is compared with the next one


def condition_words(query: Query, scorer: Scorer, roles: list[Role]) -> tuple[str, ...]:
    """The condition's content words (match form): no question, generic or role word, nor a word of the roles'
    names (叉车 of "叉车坏了" for 叉车司机 is in every rule of the role)."""
    said = query.context.condition
    names = [normalize(r.name) for r in roles] + list(scorer.kb.build.role_forms_in(said))
    plain = QUESTION_WORDS | GENERIC_WORDS | GENERIC_VERBS
    tagged = scorer.kb.build.lexical.tokenizer.tagged_words(said)
    return tuple(dict.fromkeys(w for w, _ in tagged if len(w) >= MIN_FOCUS_CHARS and w not in plain
                               and not any(w in name for name in names)))


def speaks_of(line: Passage, words: tuple[str, ...]) -> bool:
    """The line, or the heading of its section, holds a word of the condition."""
    return any(near(w, normalize(line.text)) or near(w, normalize(line.heading)) for w in words)


def for_roles(chunk: Chunk, organisation: str, roles: list[Role], organisations: set[str]) -> bool:
    """The chunk holds rules for one of the roles: its duty list, or its organisation's rules for no other post."""
    if chunk.role in {r.name for r in roles}:
        return True
    for_all = chunk.role is None or to_simplified(chunk.role) in ADDRESSEES
    return for_all and organisation in organisations


def role_lines(query: Query, scorer: Scorer, roles: list[Role]) -> list[Passage]:
    """Every line of the roles' own rules the asker may see, in document order."""
    build = scorer.kb.build
    mask = build.visible(query.audience)
    organisations = {build.role_organisation(r) for r in roles}
    found: list[Passage] = []
    for position, (chunk, organisation) in enumerate(zip(build.chunks, build.chunk_organisations(), strict=True)):
        if (mask is not None and not mask[position]) or chunk.chunk_id in query.excluded \
                or not for_roles(chunk, organisation, roles, organisations):
            continue
        heading = scorer.heading_of(position)
        found += [Passage(part.text, chunk, position, i, heading, chunk.role, (chunk.chunk_id, i), part.n, part.text)
                  for i, part in enumerate(chunk.parts)]
    return found


def closest_duty(query: Query, scorer: Scorer, lines: list[Passage], roles: list[Role]) -> Passage | None:
    """The roles' duty clearly most similar in meaning to the condition, or None."""
    build = scorer.kb.build
    names = {r.name for r in roles}
    duties = [line for line in lines if line.role in names]
    vectors = build.part_vectors
    if vectors is None or len(duties) < RUNNER_UP:
        return None
    vector = scorer.kb.query_vector(query.context.condition)
    rows = [build.part_offsets[line.position] + (line.part or 0) for line in duties]  # role_lines: every line a part
    scored = sorted(((float(vectors[row] @ vector), i) for i, row in enumerate(rows)), reverse=True)
    (best, at), (second, _) = scored[0], scored[1]
    settings = scorer.kb.settings
    close = best >= settings.condition_similarity and best - second >= settings.condition_margin
    return duties[at] if close else None


def condition_rules(query: Query, scorer: Scorer, roles: list[Role]) -> tuple[list[Passage], tuple[str, ...]]:
    """The roles' own lines that speak of the question's added condition, in document order, and the condition's
    words (for the hedge when none does)."""
    words = condition_words(query, scorer, roles)
    lines = role_lines(query, scorer, roles)
    said = [line for line in lines if speaks_of(line, words)]
    if not said:
        closest = closest_duty(query, scorer, lines, roles)
        said = [closest] if closest is not None else []
    return said, words


def ours(line: Passage, scorer: Scorer, roles: list[Role]) -> bool:
    """A retrieved line is one of the roles' own rules."""
    build = scorer.kb.build
    if line.chunk is None:
        return False
    organisation = build.chunk_organisations()[build.position[line.chunk.chunk_id]]
    return for_roles(line.chunk, organisation, roles, {build.role_organisation(r) for r in roles})
