"""Guessing limits: how many attempts one client may make at a secret (an invitation, a
voting code) in a time window.

Why: a voting code or an invitation token is short enough to type; without a limit, a
script could try them one after another. Each limiter keeps, per client key (the client's
address, see :func:`client_key`), the times of its recent attempts, and refuses the next one
with :class:`TooManyAttempts` (a 429 page in the visitor's language, with ``Retry-After``)
once the window holds ``attempts`` of them. The counts live in this process's memory: with
several server processes each keeps its own, so the effective limit is at most ``attempts``
times the number of processes, which still leaves guessing hopeless, and nothing needs a
shared store.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from fastapi import Request

__all__ = ["RateLimiter", "TooManyAttempts", "client_key"]

#: How many clients a limiter remembers at most; the least recently seen is forgotten first.
MAX_CLIENTS = 100_000


class TooManyAttempts(Exception):
    """Too many attempts from one client: answered 429 with a page and ``Retry-After``."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many attempts; try again in {retry_after_s} seconds")
        self.retry_after_s = retry_after_s


class RateLimiter:
    """At most ``attempts`` hits per client key within any ``window_s`` seconds."""

    def __init__(
        self,
        attempts: int,
        window_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if attempts < 1 or window_s <= 0:
            raise ValueError("a limiter needs at least one attempt in a positive window")
        self.attempts = attempts
        self.window_s = window_s
        self._clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Count one attempt by `key`, or raise :class:`TooManyAttempts` (not counted)."""
        now = self._clock()
        with self._lock:
            hits = self._hits.pop(key, None) or deque()
            while hits and hits[0] <= now - self.window_s:
                hits.popleft()
            self._hits[key] = hits
            if len(self._hits) > MAX_CLIENTS:
                self._hits.popitem(last=False)
            if len(hits) >= self.attempts:
                wait = hits[0] + self.window_s - now
                raise TooManyAttempts(max(1, math.ceil(wait)))
            hits.append(now)

    def check(self, key: str) -> None:
        """Raise :class:`TooManyAttempts` if `key` has used up the window, counting nothing.

        For limits that count failures only (a wrong voting code): check before trying, hit
        after a failure, so a client over the limit learns nothing, not even from a success.
        """
        now = self._clock()
        with self._lock:
            hits = self._hits.get(key)
            while hits and hits[0] <= now - self.window_s:
                hits.popleft()
            if hits is not None and len(hits) >= self.attempts:
                raise TooManyAttempts(max(1, math.ceil(hits[0] + self.window_s - now)))


def client_key(request: Request) -> str:
    """Whom to count an attempt against: the client's address as the server sees it.

    Behind a reverse proxy, run uvicorn with ``--proxy-headers`` (and
    ``--forwarded-allow-ips``) so this is the visitor's address, not the proxy's.
    """
    return request.client.host if request.client is not None else "unknown"
