"""Keep the start-up heap out of Python's cyclic garbage collector in long-running processes.

A serving process holds ~150,000 objects from start-up alone (FastAPI, pydantic, pandas,
numpy, the routes, the OpenAPI schema), and they never become garbage. Every full
("generation 2") collection walks them all: 60-90 ms on these machines, during which every
request in the process waits. Under load a full collection comes every few seconds, and those
pauses were the 0.1-0.2 s latency spikes the HTTP benchmark saw (see BENCHMARKS.md). The
standard library's answer for exactly this case is :func:`gc.freeze`: objects that exist
when it is called move to a permanent generation the collector skips. They are still freed
by reference counting; only cycles among them would outlive the process, and start-up
objects live as long as the process anyway.
"""

from __future__ import annotations

import gc

__all__ = ["freeze_startup_heap"]


def freeze_startup_heap() -> int:
    """Collect once, then freeze what is left; returns how many objects were frozen.

    Only the first call in a process freezes: later calls (a test process that builds many
    apps, say) leave the collector alone, so their objects are collected as usual.
    """
    if gc.get_freeze_count():
        return 0
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
