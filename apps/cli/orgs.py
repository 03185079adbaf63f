"""`dutykb orgs [--json]`: the organisations of the live index, each with its documents and roles.

A document's organisation is read from a trainer's override, its front matter, its ingest folder or its title,
else the document is its own (kb.scope); questions about one organisation are answered from its documents only.
"""
from __future__ import annotations

import json

from kb.access import Audience
from kb.errors import EXIT_OK
from kb.knowledge import KnowledgeBase

ROLES_SHOWN = 12  # roles listed per organisation in the text output (all of them in JSON)


def run(kb: KnowledgeBase, audience: Audience, as_json: bool) -> int:
    organisations = kb.build.organisations_for(audience)
    if as_json:
        print(json.dumps([{"organisation": o.name, "documents": list(o.documents), "roles": list(o.roles)}
                          for o in organisations], ensure_ascii=False))
        return EXIT_OK
    for o in organisations:
        roles = "、".join(o.roles[:ROLES_SHOWN]) + ("…" if len(o.roles) > ROLES_SHOWN else "")
        print(f"{o.name}（{o.origin}）：{len(o.documents)} 份文件，{len(o.roles)} 个岗位")
        for doc in o.documents:
            print(f"  {doc}")
        if roles:
            print(f"  岗位：{roles}")
    return EXIT_OK
