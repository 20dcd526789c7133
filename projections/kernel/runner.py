"""The projection runner: catch up in big transactions, follow live in small ones, rebuild safely.

Why not the library's ``ProjectionRunner``: it needs database subscriptions (SQLite has
none) and commits one transaction per event (about 1.4k events/s on PostgreSQL here). This
runner keeps the library's contract (a ``Tracking`` position per upstream application,
written in the same transaction as the view change, resumed after a restart) but applies a
whole batch per transaction: everything read since the last position, up to `batch_size`
events, so a catch-up runs at bulk-insert speed and a live write is one tiny batch. It polls
(a cheap indexed query) instead of subscribing, so both stores behave the same.

The runner is the mechanism only: it is given the registry of read models (name -> model
factory; :mod:`projections.registry` holds coprod's), so no policy is imported here.
Rebuilds switch generations through :mod:`~projections.kernel.generations`; a bad event is
isolated and quarantined by :mod:`~projections.kernel.isolation`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Self

from eventsourcing.persistence import Notification

from coprod.adapters.config import StoreSettings, settings_from_env
from coprod.application import Coprod
from coprod.application.base import CoprodBase
from coprod.domain.errors import NotFound
from projections.kernel.generations import building_generation, ensure_registered, switch_to
from projections.kernel.health import Health, ModelStats, RetryResult, lag_seconds
from projections.kernel.isolation import Decoded, Target, apply_isolating, decode_all
from projections.kernel.readmodel import GenerationView, ReadModel
from projections.log_reader import LogReader
from projections.quarantine import (
    Quarantined,
    clean_text,
    counts,
    ensure_quarantine,
    is_transient,
    list_quarantined,
)
from projections.store import Connection, ensure_registry, read_generation

__all__ = ["Projector", "Registry"]

log = logging.getLogger("coprod.projections")

#: Read model name -> a factory of its model (one instance per table generation).
Registry = Mapping[str, Callable[[], ReadModel]]


class Projector:
    """Keeps the registry's read models up to date from one application's log.

    One instance owns one database connection for the views and reads the log through the
    application's recorder; it is not thread-safe (give each thread its own).
    """

    def __init__(
        self,
        registry: Registry,
        app: CoprodBase | None = None,
        *,
        settings: StoreSettings | None = None,
        models: Sequence[str] | None = None,
        batch_size: int = 2_000,
        prefetch: bool = True,
    ) -> None:
        self.registry = registry
        self._own_app = app is None
        self.app: CoprodBase = app or Coprod(settings or settings_from_env())
        self.settings = self.app.settings
        self.batch_size = batch_size
        self.prefetch = prefetch
        self.log = LogReader(self.app.recorder)
        self.model_names = list(models or registry)
        for name in self.model_names:
            if name not in registry:
                raise NotFound("read model", f"{name} (known: {', '.join(registry)})")
        self.conn = Connection(self.settings)
        self._targets: dict[str, Target] = {}
        self.positions: dict[str, int] = {}
        self.committed = threading.Condition()
        ensure_registry(self.conn)
        ensure_quarantine(self.conn)
        for name in self.model_names:
            ensure_registered(self.conn, registry[name]().key())
            self._target(name)

    def close(self) -> None:
        self.conn.close()
        if self._own_app:
            self.app.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- generations -----------------------------------------------------------------------------

    def _target(self, name: str) -> Target:
        """The active generation's view (rebuilt when another process switched generations)."""
        key = self.registry[name]().key()
        generation = read_generation(self.conn, key)
        if generation is None:
            raise NotFound("read model", key)
        current = self._targets.get(name)
        if current is None or current.view.generation != generation.active:
            current = Target(name, self._view(name, generation.active))
            self._targets[name] = current
        return current

    def _view(self, name: str, generation: int) -> GenerationView:
        view = GenerationView(self.conn, self.registry[name](), generation, self.app.name)
        view.create_tables()
        return view

    # -- catching up -------------------------------------------------------------------------------

    def step(self, targets: Sequence[Target] | None = None, stop: int | None = None) -> int:
        """Apply one batch to every target that is behind; returns events read (0: caught up)."""
        if targets is None:
            targets = [self._target(n) for n in self.model_names]
        positions = [t.view.position() for t in targets]
        for t, position in zip(targets, positions, strict=True):
            self._note(t, position)
        notifications = self._read(min(positions), stop)
        if notifications:
            decoded = decode_all(self.app, targets, positions, notifications)
            self._apply_all(targets, positions, (notifications, decoded))
        return len(notifications)

    def _drain(self, targets: Sequence[Target], stop_event: threading.Event | None = None) -> None:
        """Catch up to the end of the log, reading and decoding batch n+1 while writing batch n.

        The reader thread overlaps the database round trips with the writes; the positions
        are still compared-and-set per batch, so the pipeline cannot skip or repeat events.
        """
        positions = [t.view.position() for t in targets]
        if not self.prefetch:
            while self.step(targets) == self.batch_size:
                if stop_event is not None and stop_event.is_set():
                    return
            return

        def fetch(start: int) -> Decoded:
            notifications = self._read(start, None)
            return notifications, decode_all(self.app, targets, positions_at_read, notifications)

        positions_at_read = list(positions)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="coprod-read") as pool:
            pending = pool.submit(fetch, min(positions))
            while True:
                notifications, decoded = pending.result()
                if not notifications:
                    return
                more = len(notifications) == self.batch_size
                if more and not (stop_event is not None and stop_event.is_set()):
                    positions_at_read = [max(p, notifications[-1].id) for p in positions]
                    pending = pool.submit(fetch, notifications[-1].id)
                else:
                    more = False
                self._apply_all(targets, positions, (notifications, decoded))
                positions = [max(p, notifications[-1].id) for p in positions]
                if not more:
                    return

    def _read(self, start: int, stop: int | None) -> Sequence[Notification]:
        return self.log.read(start, self.batch_size, stop)

    def _apply_all(
        self, targets: Sequence[Target], positions: Sequence[int], batch: Decoded
    ) -> None:
        notifications, decoded = batch
        last_id = notifications[-1].id
        for t, position, items in zip(targets, positions, decoded, strict=True):
            if position >= last_id:
                continue
            begun = time.perf_counter()
            apply_isolating(self.app.name, t, items, (position, last_id), notifications)
            t.stats.events += sum(1 for n in notifications if n.id > position)
            t.stats.batches += 1
            t.stats.seconds += time.perf_counter() - begun
            self._note(t, last_id)

    def _note(self, target: Target, position: int) -> None:
        target.stats.position = position
        if self.positions.get(target.model_name) != position:
            with self.committed:
                self.positions[target.model_name] = position
                self.committed.notify_all()

    def catch_up(self, stop_event: threading.Event | None = None) -> list[ModelStats]:
        """Apply everything recorded so far to every read model; returns what each one did."""
        targets = [self._target(n) for n in self.model_names]
        for t in targets:
            t.stats = ModelStats(t.view.model.key(), t.view.generation)
        started = time.perf_counter()
        self._drain(targets, stop_event)
        for t in targets:
            t.stats.seconds = time.perf_counter() - started
        return [t.stats for t in targets]

    def run_forever(self, stop_event: threading.Event, poll_interval: float = 0.02) -> None:
        """Follow the log until `stop_event` is set; survives lost races and dropped tables.

        A failed batch is rolled back and retried from the stored position (the database is
        the truth, not this process's memory), backing off up to a second.
        """
        backoff = poll_interval
        while not stop_event.is_set():
            try:
                read = self.step()
                backoff = poll_interval
            except Exception as e:
                # A bad event never gets here (it is quarantined in step); what does is the
                # store saying "not now", or a fault outside any one event: either way the
                # worker keeps going from the stored position rather than dying.
                if is_transient(e):
                    log.warning("projection batch rolled back, retrying: %s", clean_text(e))
                    ceiling = 1.0
                else:
                    log.exception("projection step failed outside any one event, retrying")
                    ceiling = 5.0
                for t in self._targets.values():
                    t.view.model.reset()
                self._targets.clear()
                stop_event.wait(backoff)
                backoff = min(backoff * 2, ceiling)
                continue
            if read < self.batch_size:
                stop_event.wait(poll_interval)

    # -- rebuilding --------------------------------------------------------------------------------

    def rebuild(self, name: str) -> ModelStats:
        """Build a new generation from the start of the log, then switch readers to it.

        Resumable: if a rebuild was interrupted, the half-built generation is continued.
        """
        (stats,) = self.rebuild_many([name])
        return stats

    def rebuild_many(self, names: Sequence[str] | None = None) -> list[ModelStats]:
        """Rebuild several read models (default: all) in ONE pass over the log.

        Each batch of events is read once and applied to every new generation, each in its
        own transaction with its own position, so the models can be rebuilt together at
        close to the cost of the slowest one. Each switches to its new generation on its
        own, exactly as :meth:`rebuild` does.
        """
        chosen = list(self.model_names if names is None else names)
        for name in chosen:
            if name not in self.model_names:
                raise NotFound("read model", f"{name} (known: {', '.join(self.model_names)})")
        targets = []
        for name in chosen:
            building = building_generation(self.conn, self.registry[name]())
            targets.append(Target(name, self._view(name, building)))
        started = time.perf_counter()
        self._drain(targets)
        elapsed = time.perf_counter() - started
        for target in targets:
            target.stats.seconds = elapsed
            switch_to(target.view, self.registry[target.model_name], self._stepper(target))
            self._targets.pop(target.model_name, None)
            self._target(target.model_name)
        return [t.stats for t in targets]

    def _stepper(self, target: Target) -> Callable[[int], None]:
        """Apply one batch to `target`, up to a position (for the generation switch)."""

        def step_to(stop: int) -> None:
            self.step([target], stop=stop)

        return step_to

    def retry_quarantined(self) -> list[RetryResult]:
        """Re-apply every quarantined event (after a fix): those that now apply leave the
        quarantine, those that still fail stay, with their new error.

        Done as a rebuild of each read model that has quarantined events (the others are
        untouched), not by applying the events on their own now: the read models keep
        history as of each position and carry state from one event to the next, so an
        event applied late, out of log order, would write rows that a replay from the log
        would not. A rebuild replays in order beside the serving generation and switches
        readers atomically, so the result equals a clean rebuild and readers never wait.
        """
        before = self.quarantined()
        keys = {q.model for q in before}
        names = [n for n in self.model_names if self.registry[n]().key() in keys]
        if names:
            self.rebuild_many(names)
        after = self.quarantined()
        return [
            RetryResult(
                model=key,
                retried=sum(q.model == key for q in before),
                still_quarantined=sum(q.model == key for q in after),
            )
            for key in sorted(keys)
        ]

    # -- health -----------------------------------------------------------------------------------

    def health(self) -> list[Health]:
        """Position and lag of every read model's active generation."""
        max_id = self.app.recorder.max_notification_id() or 0
        quarantined = counts(self.conn)
        result = []
        for name in self.model_names:
            target = self._target(name)
            position = target.view.position()
            key = target.view.model.key()
            result.append(
                Health(
                    model=key,
                    generation=target.view.generation,
                    position=position,
                    max_notification_id=max_id,
                    lag_events=max_id - position,
                    lag_seconds=lag_seconds(self.app, position, max_id),
                    quarantined=quarantined.get(key, 0),
                )
            )
        return result

    def quarantined(self, *, include_building: bool = False) -> list[Quarantined]:
        """The events this projector's read models set aside, in log order."""
        keys = [self.registry[n]().key() for n in self.model_names]
        return list_quarantined(self.conn, keys, include_building=include_building)
