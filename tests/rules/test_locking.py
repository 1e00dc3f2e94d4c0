"""FifoLock: mutual exclusion, granted in arrival order."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from rules.locking import FifoLock


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def test_waiters_get_the_lock_in_arrival_order() -> None:
    lock = FifoLock()
    order: list[int] = []
    lock.acquire()
    threads = []
    for number in range(6):

        def take(number: int = number) -> None:
            with lock:
                order.append(number)

        thread = threading.Thread(target=take)
        thread.start()
        threads.append(thread)
        wait_until(lambda number=number: len(lock._waiters) == number + 1)  # queued in this order
    lock.release()
    for thread in threads:
        thread.join()

    assert order == list(range(6))
    assert not lock.locked()


def test_only_one_holder_at_a_time() -> None:
    lock = FifoLock()
    inside = 0
    most = 0

    def work() -> None:
        nonlocal inside, most
        for _ in range(2000):
            with lock:
                inside += 1
                most = max(most, inside)
                inside -= 1

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, even inside the lock
    try:
        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)

    assert most == 1


def test_releasing_an_unlocked_lock_is_an_error() -> None:
    with pytest.raises(RuntimeError):
        FifoLock().release()
