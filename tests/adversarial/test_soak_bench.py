"""`dutykb bench soak` for half a minute: readers, two writers and timed ingests, all real processes."""
from __future__ import annotations

from apps.bench.soak import KEEP_BUILDS_WORTH, passed, run_soak

SOAK_MINUTES = 0.5
MIN_PUBLISHES = 3


def test_a_short_soak_loses_nothing_and_leaves_nothing_behind(make_settings, seed_copy):
    settings = make_settings(seed_copy)
    result = run_soak(settings, SOAK_MINUTES, reader_threads=1, reader_processes=1, ingest_every_s=10)
    assert result["errors"] == 0, result["first_errors"]
    assert result["lost_edits"] == 0, result["lost"]
    assert not result["unindexed"] and not result["orphans"], (result["unindexed"], result["orphans"])
    assert result["saves"] > 0 and result["publishes"] >= MIN_PUBLISHES and result["calls"] > 0
    assert result["builds_worth"] <= KEEP_BUILDS_WORTH
    assert passed(result)
