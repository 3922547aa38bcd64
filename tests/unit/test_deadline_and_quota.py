"""Deadline, batch-start and quota rules: every wait ends before the call's deadline, and the
function's own Sheets calls stay within the per-minute quota."""

from __future__ import annotations

import pytest
from jobmojito_sheets.deadline import Deadline
from jobmojito_sheets.quota import CallKind, Pacer, QuotaWaitTooLong, wait_for
from jobmojito_sheets.schedule import (
    EARLY_FLUSH_ROWS,
    FIRST_WAVE_ALONE_ROWS,
    MIN_BATCH_SECONDS,
    flush_due,
    may_start,
    turns,
)


class Clock:
    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_deadline_keeps_a_tenth_at_most_5_s_for_the_last_write() -> None:
    clock = Clock()
    deadline = Deadline.after(50, clock=clock)
    assert deadline.reserve == 5.0 and Deadline.after(2, clock=clock).reserve == 0.2
    clock.now += 40
    assert deadline.left() == 10.0 and deadline.left_for_work() == 5.0
    assert deadline.timeout(30) == 5.0 and deadline.timeout(30, final=True) == 10.0
    assert deadline.timeout(3) == 3.0
    clock.now += 20
    assert deadline.left() == 0.0 and deadline.timeout(30, final=True) == 0.0


def test_a_deadline_counts_from_the_request_s_arrival() -> None:
    clock = Clock()
    assert Deadline.after(50, started=90.0, clock=clock).left() == 40.0


def test_the_first_batch_needs_a_second_later_ones_the_slowest_batch_with_a_margin() -> None:
    assert may_start(MIN_BATCH_SECONDS, None)
    assert not may_start(MIN_BATCH_SECONDS - 0.01, None)
    assert may_start(36.3, 29.0) and not may_start(36.0, 29.0)  # 29 s a batch: 36.25 s needed
    assert may_start(1.0, 0.3) and not may_start(0.9, 0.3)


def test_no_wait_while_fewer_than_the_limit_fall_in_the_last_minute() -> None:
    assert wait_for([], 100.0, 3) == 0.0
    assert wait_for([39.0, 95.0, 99.0], 100.0, 3) == 0.0  # 39.0 left the window
    assert wait_for([41.0, 95.0, 99.0], 100.0, 3) == 1.0  # 41 + 60 = 101
    assert wait_for([89.0, 95.0, 99.0], 100.0, 3, window=10.0) == 0.0  # a window scaled down
    assert wait_for([91.0, 95.0, 99.0], 100.0, 3, window=10.0) == 1.0  # 91 + 10 = 101


def test_the_pacer_spaces_each_kind_on_its_own() -> None:
    clock = Clock()
    pacer = Pacer(2, clock=clock, sleep=clock.sleep)
    for _ in range(2):
        pacer.acquire(CallKind.READ, may_wait=0)
        pacer.acquire(CallKind.WRITE, may_wait=0)
    with pytest.raises(QuotaWaitTooLong) as caught:
        pacer.acquire(CallKind.READ, may_wait=10)
    assert caught.value.seconds == 60.0
    pacer.acquire(CallKind.READ, may_wait=60)  # waits the minute out
    assert clock.now == 160.0


def test_the_pacer_counts_in_the_quota_window_it_is_given() -> None:
    clock = Clock()
    pacer = Pacer(2, clock=clock, sleep=clock.sleep, window=5.0)  # a minute scaled down
    for _ in range(2):
        pacer.acquire(CallKind.READ, may_wait=0)
    with pytest.raises(QuotaWaitTooLong) as caught:
        pacer.acquire(CallKind.READ, may_wait=1)
    assert caught.value.seconds == 5.0


def test_48_calls_a_minute_leave_room_for_the_rest_of_the_recruiter_s_quota() -> None:
    clock = Clock()
    pacer = Pacer(48, clock=clock, sleep=clock.sleep)
    started = clock.now
    for _ in range(200):
        pacer.acquire(CallKind.WRITE, may_wait=120)
        clock.now += 0.01
    # Never more than 48 in any minute: 200 calls take at least 4 whole windows.
    assert clock.now - started >= 4 * 60


def test_results_are_written_every_interval_and_once_more_while_the_last_batches_run() -> None:
    many = EARLY_FLUSH_ROWS
    assert flush_due(1, 10.0, 10.0, last_wave=False, early_done=False)  # the interval is up
    assert not flush_due(0, 10.0, 10.0, last_wave=True, early_done=False)  # nothing waits
    assert not flush_due(many, 2.0, 10.0, last_wave=False, early_done=False)  # batches queued
    assert flush_due(many, 2.0, 10.0, last_wave=True, early_done=False)  # the last ones run
    assert not flush_due(many, 0.5, 10.0, last_wave=True, early_done=True)  # only once
    assert not flush_due(many - 1, 2.0, 10.0, last_wave=True, early_done=False)  # too few


def test_a_large_call_marks_its_first_wave_in_a_turn_of_its_own() -> None:
    many = FIRST_WAVE_ALONE_ROWS + 1
    batches = [[n] for n in range(30)]
    assert turns(batches, 4, many, covered=True) == [batches[:4], batches[4:]]
    assert turns(batches, 4, FIRST_WAVE_ALONE_ROWS, covered=True) == [batches]  # not large
    assert turns(batches, 4, many, covered=False) == [batches]  # refused whole, or not at all
    assert turns(batches[:4], 4, many, covered=True) == [batches[:4]]  # one wave: one turn
    assert turns([], 4, many, covered=True) == []
