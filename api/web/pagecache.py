"""A small, thread-safe store of rendered pages, for pages whose content cannot change under
their key (a release is immutable; a process's page changes with its version)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["PAGES_KEPT", "PageCache"]

K = TypeVar("K", bound=Hashable)

#: How many rendered pages one cache keeps (the most recently used).
PAGES_KEPT = 64


class PageCache(Generic[K]):
    """Key -> rendered HTML, the least recently used dropped beyond `size`."""

    def __init__(self, size: int = PAGES_KEPT) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._pages: OrderedDict[K, str] = OrderedDict()

    def get(self, key: K) -> str | None:
        with self._lock:
            html = self._pages.get(key)
            if html is not None:
                self._pages.move_to_end(key)
            return html

    def put(self, key: K, html: str) -> str:
        """Keep `html` under `key` and hand it back."""
        with self._lock:
            self._pages[key] = html
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
        return html
