"""The failed sign-in log and its policy (real SQLite), with explicit clock times: growing delays, lockout,
per user name and per address, reset on success, parallel tries, the window."""
from __future__ import annotations

from kb.signin_log import SIGNIN_FILENAME, Attempt, Refusal, SigninLog, SigninPolicy

T0 = 1_800_000_000.0


def policy(**changes) -> SigninPolicy:
    values = {"free_failures": 2, "lockout_failures": 5, "address_free_failures": 4, "address_lockout_failures": 8,
              "delay": 1.0, "lockout": 900.0, "window": 3600.0}
    return SigninPolicy(**{**values, **changes})


def fail(log: SigninLog, username: str, address: str, now: float) -> Refusal | None:
    attempt = log.begin(username, address, now)
    assert isinstance(attempt, Attempt), attempt
    return log.finish(attempt, ok=False, now=now)


def test_delays_double_after_the_free_failures_then_the_name_locks(tmp_path):
    log = SigninLog(tmp_path / SIGNIN_FILENAME, policy())
    waits, now = [], T0
    for _ in range(5):
        refusal = fail(log, "wang", f"ip:10.0.0.{len(waits)}", now)
        waits.append(refusal.until - now if refusal else 0.0)
        now += waits[-1]
    assert waits == [0.0, 1.0, 2.0, 4.0, 900.0]
    refusal = log.begin("wang", "ip:10.9.9.9", now - 1)
    assert isinstance(refusal, Refusal) and refusal.locked and refusal.until == now
    assert isinstance(log.begin("wang", "ip:10.9.9.9", now), Attempt)  # the lockout is over


def test_a_refused_try_is_not_a_failure_and_a_success_resets_the_name(tmp_path):
    log = SigninLog(tmp_path / SIGNIN_FILENAME, policy())
    fail(log, "wang", "ip:a", T0)
    fail(log, "wang", "ip:a", T0)
    assert isinstance(log.begin("wang", "ip:a", T0 + 0.5), Refusal)  # within the 1 s delay
    attempt = log.begin("wang", "ip:a", T0 + 1)
    assert isinstance(attempt, Attempt)
    assert log.finish(attempt, ok=True, now=T0 + 1) is None
    assert fail(log, "wang", "ip:a", T0 + 2) is None  # counting starts again


def test_one_address_guessing_many_names_is_throttled_and_others_are_not(tmp_path):
    log = SigninLog(tmp_path / SIGNIN_FILENAME, policy(delay=0.0))
    for n in range(8):
        fail(log, f"user{n}", "ip:6.6.6.6", T0)
    refusal = log.begin("user99", "ip:6.6.6.6", T0)
    assert isinstance(refusal, Refusal) and refusal.locked
    assert isinstance(log.begin("user99", "ip:7.7.7.7", T0), Attempt)


def test_parallel_tries_cannot_pass_the_limit_together(tmp_path):
    log = SigninLog(tmp_path / SIGNIN_FILENAME, policy(free_failures=1))
    first = log.begin("wang", "session:a", T0)
    second = log.begin("wang", "session:b", T0)  # before the first one's password check ends
    assert isinstance(first, Attempt) and isinstance(second, Refusal)


def test_failures_older_than_the_window_are_forgotten(tmp_path):
    log = SigninLog(tmp_path / SIGNIN_FILENAME, policy(lockout_failures=2))
    fail(log, "wang", "ip:a", T0)
    assert fail(log, "wang", "ip:a", T0).locked
    assert isinstance(log.begin("wang", "ip:a", T0 + 3600 + 1), Attempt)
