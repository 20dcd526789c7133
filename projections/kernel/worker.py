"""The runner on a background thread, for a process that also serves reads (SQLite mode).

`wait_for(position)` gives read-your-writes: after a command returns its Receipt, wait for
its position before reading a read model. The worker signals each committed batch, so a
wait wakes as soon as the position is reached.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Self

from coprod.adapters.config import StoreSettings, settings_from_env
from projections.kernel.runner import Projector, Registry

__all__ = ["ProjectionWorker"]

log = logging.getLogger("coprod.projections")


class ProjectionWorker:
    """A :class:`~projections.kernel.runner.Projector` following the log on its own thread."""

    def __init__(
        self,
        registry: Registry,
        settings: StoreSettings | None = None,
        *,
        models: Sequence[str] | None = None,
        batch_size: int = 2_000,
        poll_interval: float = 0.02,
    ) -> None:
        self.registry = registry
        self.settings = settings or settings_from_env()
        self.models = list(models or registry)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._projector: Projector | None = None
        self.error: BaseException | None = None

    def start(self) -> Self:
        if self._thread is not None:
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="coprod-projections", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        if self.error is not None:
            raise self.error
        return self

    def _run(self) -> None:
        try:
            self._projector = Projector(
                self.registry,
                settings=self.settings,
                models=self.models,
                batch_size=self.batch_size,
            )
        except BaseException as e:
            self.error = e
            self._ready.set()
            return
        self._ready.set()
        try:
            self._projector.run_forever(self._stop, self.poll_interval)
        except BaseException as e:  # only an interrupt gets here (run_forever retries the rest)
            log.exception("projection worker stopped")
            self.error = e
        finally:
            self._projector.close()
            with self._projector.committed:
                self._projector.committed.notify_all()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def positions(self) -> dict[str, int]:
        return dict(self._projector.positions) if self._projector else {}

    def wait_for(self, position: int | None, timeout: float = 5.0) -> None:
        """Block until every read model has applied the event at `position`.

        Raises TimeoutError if they have not within `timeout`, or the worker's own error if
        it stopped on one.
        """
        if position is None:
            return
        projector = self._projector
        if projector is None:
            raise RuntimeError("the projection worker is not started")
        deadline = time.monotonic() + timeout
        with projector.committed:
            while True:
                if self.error is not None:
                    raise self.error
                done = projector.positions
                if all(done.get(m, 0) >= position for m in self.models):
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"read models did not reach position {position} in {timeout} s (at {done})"
                    )
                projector.committed.wait(min(remaining, 0.5))

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
