from apps.bench.load import run_load
from ingest.pipeline import run_ingest


def test_readers_in_threads_and_processes_see_no_errors_across_a_publish(make_settings, seed_copy):
    settings = make_settings(seed_copy)
    run_ingest(settings, show_progress=False)
    result = run_load(settings, threads=3, processes=1, seconds=6)
    assert result["errors"] == 0, result["first_errors"]
    assert result["calls"] > 50
    assert result["build_published"] != result["build_before"]
    assert result["readers_on_new_build"] == result["readers"]
