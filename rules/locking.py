"""A lock granted in arrival order, for the process-wide rules engine lock."""

from __future__ import annotations

import threading
from collections import deque


class FifoLock:
    """A non-reentrant mutual-exclusion lock that waiting threads get in the order they asked.

    Why not threading.Lock: it lets the releasing thread take it straight back, and under the GIL
    a busy thread then keeps the engine for whole 5 ms switch intervals while others wait. With 8
    threads evaluating at once that put p99 latency at 8 to 13 ms; handing the lock to the longest
    waiter brought it to 2.5 to 3.6 ms, for a third less throughput under that contention
    (bench/rules.py). Uncontended, it costs about a microsecond.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()  # guards _held and _waiters
        self._waiters: deque[threading.Lock] = deque()
        self._held = False

    def acquire(self) -> None:
        with self._mutex:
            if not self._held:
                self._held = True
                return
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        try:
            turn.acquire()  # release() hands the lock over by releasing this
        except BaseException:
            # Interrupted while waiting: leave the queue, or pass on the lock if it was handed over.
            with self._mutex:
                if turn in self._waiters:
                    self._waiters.remove(turn)
                    raise
            self.release()
            raise

    def release(self) -> None:
        with self._mutex:
            if not self._held:
                raise RuntimeError("release of an unlocked FifoLock")
            if self._waiters:
                self._waiters.popleft().release()  # stays held: the next waiter now owns it
            else:
                self._held = False

    def locked(self) -> bool:
        return self._held

    def __enter__(self) -> FifoLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
