"""This process's memory as benchmarks report it.

The peak is read from /proc/self/status (VmHWM), not getrusage: Linux carries ru_maxrss over
fork and exec, so a reader process spawned by a benchmark that had just run an ingest reported
the ingest's peak as its own (a 10k-chunk reader "peaked" at 689 MiB while its own high-water mark
was 395 MiB; the 100k figure of 3.8 GiB was the ingest process, not the reader).
"""
from __future__ import annotations

import resource

KIB = 1024
STATUS_FIELDS = {"VmRSS": "rss", "RssAnon": "anon", "RssFile": "file", "VmHWM": "peak"}


def memory_mib() -> dict[str, float]:
    """Resident memory now (MiB): in all, anonymous (the process's own), file-backed (mapped files), and
    the process's own peak. Empty where /proc is missing (not Linux)."""
    found: dict[str, float] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in STATUS_FIELDS:
                    found[STATUS_FIELDS[key]] = int(value.split()[0]) / KIB
    except OSError:
        pass
    return found


def peak_rss_mib() -> float:
    """This process's own peak RSS (getrusage only where /proc is missing, and then it may include a parent's)."""
    return memory_mib().get("peak") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KIB
