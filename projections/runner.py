"""The projection runner: catch up in big transactions, follow live in small ones, rebuild safely.

Why not the library's ``ProjectionRunner``: it needs database subscriptions (SQLite has
none) and commits one transaction per event (about 1.4k events/s on PostgreSQL here). This
runner keeps the library's contract (a ``Tracking`` position per upstream application,
written in the same transaction as the view change, resumed after a restart) but applies a
whole batch per transaction: everything read since the last position, up to `batch_size`
events, so a catch-up runs at bulk-insert speed and a live write is one tiny batch. It polls
(a cheap indexed query) instead of subscribing, so both stores behave the same.

A rebuild fills generation g+1 of a read model beside generation g, then, in one
transaction that holds g's position still, brings g+1 to exactly g's position, points the
registry at g+1 and drops g: readers switch atomically and never see the position go back.

No single event stops the runner: a batch that fails because of one event is split until
that event fails alone, and it is quarantined (:mod:`projections.quarantine`) in the
transaction that moves the position past it; a store that is unavailable is retried
instead. The happy path is untouched: one transaction per batch, as before.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import Notification, Tracking

from coprod.adapters.config import StoreSettings, settings_from_env
from coprod.application import Coprod
from coprod.application.base import CoprodBase
from coprod.domain.errors import NotFound
from projections.impact.model import ImpactModel
from projections.kernel.readmodel import GenerationView, Item, ReadModel
from projections.log_reader import LogReader
from projections.process_summary import ProcessSummaryModel
from projections.quarantine import (
    Quarantined,
    clean_text,
    counts,
    drop_generation,
    ensure_quarantine,
    is_transient,
    list_quarantined,
)
from projections.quarantine import record as quarantine_event
from projections.store import (
    REGISTRY,
    Connection,
    ensure_registry,
    now_us,
    read_generation,
)
from projections.timeline import TimelineModel

log = logging.getLogger("coprod.projections")


#: Every read model the runner keeps up to date; a new model is one more entry.
READ_MODELS: dict[str, Callable[[], ReadModel]] = {
    "process_summary": ProcessSummaryModel,
    "impact": ImpactModel,
    "timeline": TimelineModel,
}


_Decoded = tuple[Sequence[Notification], list[list[Item]]]


@dataclass(frozen=True)
class Undecodable:
    """Stands in a batch for an event a read model could not decode, with the error."""

    error: Exception


class _Items(list[Item]):
    """A model's items of one batch, and whether decoding met an undecodable event."""

    undecodable = False


@dataclass
class ModelStats:
    """What one catch-up did for one read model."""

    model: str
    generation: int
    events: int = 0
    batches: int = 0
    seconds: float = 0.0
    position: int = 0
    #: Events set aside because they could not be applied (see projections.quarantine).
    quarantined: int = 0

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Health:
    """How far behind the log a read model is: in events and in seconds of the oldest one."""

    model: str
    generation: int
    position: int
    max_notification_id: int
    lag_events: int
    #: Age of the oldest event not yet applied (0 when caught up).
    lag_seconds: float
    #: Events this generation could not apply and set aside (the readers' tables lack them).
    quarantined: int = 0


@dataclass(frozen=True)
class RetryResult:
    """What re-applying one read model's quarantined events did."""

    model: str
    retried: int
    still_quarantined: int

    @property
    def applied(self) -> int:
        return self.retried - self.still_quarantined


@dataclass
class _Target:
    model_name: str
    view: GenerationView
    stats: ModelStats = field(init=False)

    def __post_init__(self) -> None:
        self.stats = ModelStats(self.view.model.key(), self.view.generation)


class Projector:
    """Keeps read models up to date from one application's log.

    One instance owns one database connection for the views and reads the log through the
    application's recorder; it is not thread-safe (give each thread its own).
    """

    def __init__(
        self,
        app: CoprodBase | None = None,
        *,
        settings: StoreSettings | None = None,
        models: Sequence[str] | None = None,
        batch_size: int = 2_000,
        prefetch: bool = True,
    ) -> None:
        self._own_app = app is None
        self.app: CoprodBase = app or Coprod(settings or settings_from_env())
        self.settings = self.app.settings
        self.batch_size = batch_size
        self.prefetch = prefetch
        self.log = LogReader(self.app.recorder)
        self.model_names = list(models or READ_MODELS)
        for name in self.model_names:
            if name not in READ_MODELS:
                raise NotFound("read model", f"{name} (known: {', '.join(READ_MODELS)})")
        self.conn = Connection(self.settings)
        self._targets: dict[str, _Target] = {}
        self.positions: dict[str, int] = {}
        self.committed = threading.Condition()
        ensure_registry(self.conn)
        ensure_quarantine(self.conn)
        for name in self.model_names:
            self._ensure(name)

    def close(self) -> None:
        self.conn.close()
        if self._own_app:
            self.app.close()

    def __enter__(self) -> Projector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- generations -----------------------------------------------------------------------------

    def _ensure(self, name: str) -> None:
        key = READ_MODELS[name]().key()
        with self.conn.transaction():
            self.conn.advisory_lock(REGISTRY)
            if read_generation(self.conn, key) is None:
                self.conn.execute(f"INSERT INTO {REGISTRY} VALUES (?, 1, NULL, ?)", (key, now_us()))
        self._target(name)

    def _target(self, name: str) -> _Target:
        """The active generation's view (rebuilt when another process switched generations)."""
        key = READ_MODELS[name]().key()
        generation = read_generation(self.conn, key)
        if generation is None:
            raise NotFound("read model", key)
        current = self._targets.get(name)
        if current is None or current.view.generation != generation.active:
            view = self._view(name, generation.active)
            current = _Target(name, view)
            self._targets[name] = current
        return current

    def _view(self, name: str, generation: int) -> GenerationView:
        view = GenerationView(self.conn, READ_MODELS[name](), generation, self.app.name)
        view.create_tables()
        return view

    # -- catching up -------------------------------------------------------------------------------

    def step(self, targets: Sequence[_Target] | None = None, stop: int | None = None) -> int:
        """Apply one batch to every target that is behind; returns events read (0: caught up)."""
        if targets is None:
            targets = [self._target(n) for n in self.model_names]
        positions = [t.view.position() for t in targets]
        for t, position in zip(targets, positions, strict=True):
            self._note(t, position)
        notifications = self._read(min(positions), stop)
        if notifications:
            decoded = self._decode_all(targets, positions, notifications)
            self._apply_all(targets, positions, (notifications, decoded))
        return len(notifications)

    def _drain(self, targets: Sequence[_Target], stop_event: threading.Event | None = None) -> None:
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

        def fetch(start: int) -> _Decoded:
            notifications = self._read(start, None)
            return notifications, self._decode_all(targets, positions_at_read, notifications)

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

    def _decode_all(
        self,
        targets: Sequence[_Target],
        positions: Sequence[int],
        notifications: Sequence[Notification],
    ) -> list[list[Item]]:
        """Each model's items, decoding event by event across the models, so that what one
        model decodes the next can reuse (see :mod:`projections.stored_ballot`)."""
        mapper = self.app.mapper
        name = self.app.name
        result: list[list[Item]] = [_Items() for _ in targets]
        models = [
            (t.view.model, position, result[i])
            for i, (t, position) in enumerate(zip(targets, positions, strict=True))
        ]
        for n in notifications:
            tracking: Tracking | None = None
            for model, position, items in models:
                if n.id > position:
                    try:
                        decoded = model.decode(n, mapper)
                    except Exception as e:
                        if is_transient(e):
                            raise
                        decoded = Undecodable(e)  # quarantined when the batch is applied
                        items.undecodable = True  # type: ignore[attr-defined]
                    if decoded is not None:
                        if tracking is None:
                            tracking = Tracking(name, n.id)
                        items.append((decoded, tracking))
        return result

    def _apply_all(
        self, targets: Sequence[_Target], positions: Sequence[int], batch: _Decoded
    ) -> None:
        notifications, decoded = batch
        last_id = notifications[-1].id
        for t, position, items in zip(targets, positions, decoded, strict=True):
            if position >= last_id:
                continue
            begun = time.perf_counter()
            self._apply_isolating(t, items, position, last_id, notifications)
            t.stats.events += sum(1 for n in notifications if n.id > position)
            t.stats.batches += 1
            t.stats.seconds += time.perf_counter() - begun
            self._note(t, last_id)

    def _apply_isolating(
        self,
        t: _Target,
        items: Sequence[Item],
        expected: int,
        last_id: int,
        notifications: Sequence[Notification],
    ) -> None:
        """Apply `items` and move the position from `expected` to `last_id`, setting aside
        any event that cannot be applied.

        The happy path is one transaction, exactly as before. A batch that fails with a bad
        event (not a transient store error, which is raised for a retry) is rolled back and
        split in halves, each applied in its own transaction with its own compare-and-set
        of the position, down to the single event that fails alone: that one is recorded
        in the quarantine in the same transaction that moves the position past it. Every
        other event is applied exactly once, and k bad events in n cost about k·log2(n)
        extra transactions.
        """
        if isinstance(items, _Items):  # a whole batch: decoding said (no scan on the happy path)
            undecodable = items.undecodable
        else:  # a part of a failed batch
            undecodable = any(isinstance(decoded, Undecodable) for decoded, _ in items)
        if not undecodable:
            try:
                t.view.apply(items, Tracking(self.app.name, last_id), expected=expected)
                return
            except Exception as e:
                t.view.model.reset()
                if is_transient(e) or not items:
                    raise
                error = e
            except BaseException:
                t.view.model.reset()
                raise
        else:
            error = next(d.error for d, _ in items if isinstance(d, Undecodable))
        if len(items) == 1:
            self._quarantine(t, items[0], error, expected, last_id, notifications)
            return
        middle = len(items) // 2
        left_last = items[middle - 1][1].notification_id
        self._apply_isolating(t, items[:middle], expected, left_last, notifications)
        self._apply_isolating(t, items[middle:], left_last, last_id, notifications)

    def _quarantine(
        self,
        t: _Target,
        item: Item,
        error: Exception,
        expected: int,
        last_id: int,
        notifications: Sequence[Notification],
    ) -> None:
        """Move past one event that cannot be applied and record it, in one transaction."""
        notification_id = item[1].notification_id
        n = next(n for n in notifications if n.id == notification_id)
        log.error(
            "%s: event %d (%s) quarantined: %s: %s",
            t.view.prefix,
            notification_id,
            n.topic,
            type(error).__name__,
            clean_text(error),
        )
        with self.conn.transaction():
            t.view.move(Tracking(self.app.name, last_id), expected)
            quarantine_event(
                self.conn,
                model=t.view.model.key(),
                generation=t.view.generation,
                application_name=self.app.name,
                notification_id=notification_id,
                topic=n.topic,
                originator_id=n.originator_id,
                originator_version=n.originator_version,
                error=error,
            )
        t.stats.quarantined += 1

    def _note(self, target: _Target, position: int) -> None:
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
            key = READ_MODELS[name]().key()
            with self.conn.transaction():
                self.conn.advisory_lock(REGISTRY)
                generation = read_generation(self.conn, key)
                assert generation is not None
                building = generation.building
                if building is None:
                    building = self._next_generation(key, generation.active)
                    self.conn.execute(
                        f"UPDATE {REGISTRY} SET building_generation = ? WHERE model = ?",
                        (building, key),
                    )
            targets.append(_Target(name, self._view(name, building)))
        started = time.perf_counter()
        self._drain(targets)
        elapsed = time.perf_counter() - started
        for target in targets:
            target.stats.seconds = elapsed
            self._switch(target.model_name, target.view.model.key(), target)
        return [t.stats for t in targets]

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
        names = [n for n in self.model_names if READ_MODELS[n]().key() in keys]
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

    def _next_generation(self, key: str, active: int) -> int:
        """One above every generation that has tables (a crashed rebuild's leftovers too)."""
        model = next(m() for m in READ_MODELS.values() if m().key() == key)
        existing = self.conn.tables()
        generation = active + 1
        while any(t in existing for t in model.tables(generation)):
            for table in model.tables(generation):
                self.conn.execute(f"DROP TABLE IF EXISTS {table}")
            drop_generation(self.conn, key, generation)
            generation += 1
        return generation

    def _switch(self, name: str, key: str, target: _Target) -> None:
        with self.conn.transaction():
            if self.conn.backend == "postgres":
                self.conn.execute(f"SELECT 1 FROM {REGISTRY} WHERE model = ? FOR UPDATE", (key,))
            generation = read_generation(self.conn, key)
            assert generation is not None
            old = None
            if generation.active != target.view.generation:
                old_model = READ_MODELS[name]()
                old = GenerationView(self.conn, old_model, generation.active, self.app.name)
            if old is not None:
                # Hold the old generation's position still while the new one reaches it.
                rows = self.conn.execute(
                    f"SELECT notification_id FROM {old.tracking_table} "
                    "WHERE application_name = ?"
                    + (" FOR UPDATE" if self.conn.backend == "postgres" else ""),
                    (self.app.name,),
                )
                old_position = int(rows[0][0]) if rows else 0
                while target.view.position() < old_position:
                    self.step([target], stop=old_position)
            self.conn.execute(
                f"UPDATE {REGISTRY} SET active_generation = ?, building_generation = NULL, "
                "switched_at_us = ? WHERE model = ?",
                (target.view.generation, now_us(), key),
            )
            if old is not None:
                for table in old.model.tables(old.generation):
                    self.conn.execute(f"DROP TABLE IF EXISTS {table}")
                drop_generation(self.conn, key, old.generation)
        self._targets.pop(name, None)
        self._target(name)

    # -- health -----------------------------------------------------------------------------------

    def health(self) -> list[Health]:
        """Position and lag of every read model's active generation."""
        max_id = self.app.recorder.max_notification_id() or 0
        quarantined = counts(self.conn)
        result = []
        for name in self.model_names:
            target = self._target(name)
            position = target.view.position()
            lag_seconds = 0.0
            if position < max_id:
                oldest = self.app.recorder.select_notifications(
                    start=position, limit=1, inclusive_of_start=False
                )
                if oldest:
                    lag_seconds = self._age(oldest[0])
            result.append(
                Health(
                    model=target.view.model.key(),
                    generation=target.view.generation,
                    position=position,
                    max_notification_id=max_id,
                    lag_events=max_id - position,
                    lag_seconds=lag_seconds,
                    quarantined=quarantined.get(target.view.model.key(), 0),
                )
            )
        return result

    def _age(self, notification: Notification) -> float:
        """Seconds since the event was recorded (0 if its state does not even decode)."""
        try:
            event: Any = self.app.mapper.to_domain_event(notification)
        except Exception as e:
            if is_transient(e):
                raise
            return 0.0
        return float(max(0.0, (datetime.now(UTC) - event.timestamp).total_seconds()))

    def quarantined(self, *, include_building: bool = False) -> list[Quarantined]:
        """The events this projector's read models set aside, in log order."""
        keys = [READ_MODELS[n]().key() for n in self.model_names]
        return list_quarantined(self.conn, keys, include_building=include_building)


def health(settings: StoreSettings | None = None) -> list[Health]:
    """Health of every read model in the configured store (for `coprod project --status`)."""
    with Projector(settings=settings) as projector:
        return projector.health()


class ProjectionWorker:
    """The runner on a background thread, for a process that also serves reads (SQLite mode).

    `wait_for(position)` gives read-your-writes: after a command returns its Receipt, wait
    for its position before reading a read model.
    """

    def __init__(
        self,
        settings: StoreSettings | None = None,
        *,
        models: Sequence[str] | None = None,
        batch_size: int = 2_000,
        poll_interval: float = 0.02,
    ) -> None:
        self.settings = settings or settings_from_env()
        self.models = list(models or READ_MODELS)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._projector: Projector | None = None
        self.error: BaseException | None = None

    def start(self) -> ProjectionWorker:
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
                settings=self.settings, models=self.models, batch_size=self.batch_size
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

    def __enter__(self) -> ProjectionWorker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
