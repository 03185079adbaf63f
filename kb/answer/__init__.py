"""Answers: one path from a question to a checked, cited answer, as typed stages.

A question becomes one `Query` (kb.question; a follow-up is first resolved against the earlier turns,
kb.dialogue). Then each stage is a function `run(ctx, input) -> output` returning new frozen values,
the output of one the input of the next:

    retrieve  Query     → Retrieved  the chunks (kb.retrieve) cut into scored passages
    select    Retrieved → Selected   which passages answer, in which shape (a duty list, a block, items)
    verify    Selected  → Verified   what the quotes hold of what is asked (threshold-free findings)
    level     Verified  → Leveled    answered, partial or none
    compose   Leveled   → Answer     first line, quotes as written, citations, the level's wording

One type, `Passage` (kb.answer.passage), is a quoted piece of text from retrieval to citation. Leaf
modules every stage may import: passage, terms (term statistics), checks (what a passage holds, on
kb.kinds and kb.wants), ctx (what the stages read), firstline (compose's direct first line). No stage
imports a later one (tests/test_layers.py). kb.answer.pipeline runs the stages, and the LLM path.
"""
from kb.answer.pipeline import STAGES, Answerer, AnswerStream, Draft
from kb.answer.retrieve import ANSWER_CANDIDATES

__all__ = ["ANSWER_CANDIDATES", "STAGES", "AnswerStream", "Answerer", "Draft"]
