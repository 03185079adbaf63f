"""The one Query of a question against a knowledge base: search, answers and evaluation all build it here.

The question is cleaned and normalised; the asker's picked role and the roles it names are resolved
against the live build; its focus and topic words are read from its tagged words; the organisations it
is about are found (kb.scope); then kb.query derives its type and what it asks for. A follow-up's Query
is built from the rewritten question with the conversation's context (kb.dialogue).
"""
from __future__ import annotations

from kb.access import PUBLIC, Audience
from kb.expand import query_expansion
from kb.knowledge import KnowledgeBase
from kb.normalize import normalize
from kb.query import Context, Query, build_query, clean_text, focus_words, topic_words
from kb.scope import Asked


def query_of(kb: KnowledgeBase, question: str, role: str | None = None, audience: Audience = PUBLIC,
             context: Context | None = None, asked: str | None = None,
             excluded: frozenset[str] = frozenset()) -> Query:
    """The Query of a question: `role` is the asker's own (a ranking prior, never a filter); `asked` is what the
    user typed when `question` is a follow-up rewritten; `excluded` chunks no step may return."""
    text = clean_text(question)
    match = normalize(text)
    build = kb.build
    picked = frozenset(kb.resolve_role(role, audience)) if role else frozenset()
    mentioned = frozenset(kb.roles_mentioned(match, audience))
    forms = [f for f in build.role_forms_in(match) if build.role_names[f] & mentioned]
    tagged = build.lexical.tokenizer.tagged_words(match)
    focus = focus_words(tagged, build.role_names, forms)
    scope = kb.scope_of(Asked(match, mentioned, picked, tuple(forms)), audience)
    topic = topic_words(tagged, focus)
    return build_query(text, match, audience=audience, picked=picked, mentioned=mentioned,
                       asked=clean_text(asked) if asked else text, context=context, excluded=excluded,
                       focus=focus, topic=topic, scope=scope,
                       expansion=query_expansion(build.lexical, kb.settings, topic, tagged, build.visible(audience)))
