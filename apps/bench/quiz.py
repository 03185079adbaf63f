"""`dutykb bench quiz`: how long making one role's quiz takes, per role, on the live build (target ≤ 200 ms)."""
from __future__ import annotations

import statistics
import time

from kb.access import EVERYONE
from kb.errors import EXIT_ERROR, EXIT_OK
from kb.knowledge import KnowledgeBase
from kb.quiz import make_quiz
from kb.settings import Settings
from kb.stats import percentile

TARGET_MS = 200.0
QUIZ_QUESTIONS = 10
DEFAULT_ROUNDS = 5


def time_quizzes(settings: Settings, rounds: int) -> dict:
    """Milliseconds per role and round (the first quiz of the process, which loads jieba's tagger, apart)."""
    kb = KnowledgeBase(settings)
    roles = kb.roles_for(EVERYONE)
    first_ms = 0.0
    if roles:
        start = time.perf_counter()
        make_quiz(kb.build, roles[0], EVERYONE, QUIZ_QUESTIONS)
        first_ms = (time.perf_counter() - start) * 1000
    timings: list[float] = []
    for seed in range(rounds):
        for role in roles:
            start = time.perf_counter()
            make_quiz(kb.build, role, EVERYONE, QUIZ_QUESTIONS, seed)
            timings.append((time.perf_counter() - start) * 1000)
    return {"roles": len(roles), "rounds": rounds, "first_ms": first_ms,
            "p50_ms": statistics.median(timings) if timings else 0.0,
            "p95_ms": percentile(timings, 95) if timings else 0.0, "max_ms": max(timings, default=0.0),
            "target_ms": TARGET_MS}


def print_quiz_bench(settings: Settings, rounds: int, as_json: bool) -> int:
    import json

    r = time_quizzes(settings, rounds)
    if as_json:
        print(json.dumps(r, ensure_ascii=False))
    else:
        print(f"quiz generation ({QUIZ_QUESTIONS} questions) over {r['roles']} roles × {r['rounds']} seeds: "
              f"p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, max {r['max_ms']:.1f} ms "
              f"(target ≤ {TARGET_MS:.0f} ms); first quiz of the process {r['first_ms']:.0f} ms (loads jieba's tagger)")
    return EXIT_OK if r["p95_ms"] <= TARGET_MS else EXIT_ERROR
