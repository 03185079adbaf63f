"""Stage 3, verify: what the selected quotes hold of what the question asks for (kb.answer.checks).

The findings are facts about the quotes and the question, with no threshold in them: which typed checks
fail (a figure, money, a sanction, a qualification, a person, a modal word), whether a quote answers for
the role the question names, whether the post a duty question names is a role of the index, which focus
words no document has, and whether nothing the question is about occurs anywhere. The level stage
weighs them with the match's confidence.
"""
from __future__ import annotations

from dataclasses import dataclass

from kb.answer.checks import (
    Missing,
    RoleFinder,
    about_subject,
    absent_words,
    off_topic,
    typed_checks,
    unknown_post,
)
from kb.answer.ctx import Ctx
from kb.answer.passage import Passage
from kb.answer.select import Selected, Shape
from kb.answer.terms import Scorer
from kb.query import Query


@dataclass(frozen=True)
class Findings:
    missing: tuple[Missing, ...]  # failed typed checks (or SUBJECT: no quote answers for the named role), ROLE
    absent: tuple[str, ...]  # focus words neither the quotes nor any document have
    post: str  # the post a duty question names that the index has no role for ('' if none)
    off_topic: bool  # nothing the question is about occurs in any document, nor in the quotes


@dataclass(frozen=True)
class Verified:
    selected: Selected
    findings: Findings | None  # None: nothing to check (no quote, or a role's whole duty list as asked)


def run(ctx: Ctx, selected: Selected) -> Verified:
    selection = selected.selection
    if selection is not None and selection.unsaid:  # the duties shown for a condition no rule of the role speaks of
        return Verified(selected, Findings((Missing.CONDITION,), selection.unsaid, "", off_topic=False))
    if selection is None or selection.shape is Shape.DUTY_LIST:
        return Verified(selected, None)
    query = selected.retrieved.query
    quotes = selection.quotes()
    if not quotes:
        return Verified(selected, None)
    subject = {r.source for r in selected.visible if r.name in query.mentioned}
    return Verified(selected, check(query, quotes, ctx.scorer, ctx.roles_in, subject))


def check(query: Query, quotes: list[Passage], scorer: Scorer, roles_in: RoleFinder,
          subject_docs: set[str] | None = None) -> Findings:
    """The findings on `quotes` (the best one first; at least one); `subject_docs`: the documents of the roles
    the question names (the typed checks need a quote from them)."""
    about = about_subject(query, quotes, subject_docs or set())
    missing = typed_checks(query, about, scorer, roles_in) if about else [Missing.SUBJECT]
    answered_roles = {q.role for q in quotes if q.role}
    post = unknown_post(query, roles_in, answered_roles)
    if post:
        missing.append(Missing.ROLE)
    return Findings(tuple(missing), tuple(absent_words(query, quotes, scorer)), post,
                    off_topic(query, scorer, quotes))
