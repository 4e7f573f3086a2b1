"""Which AMQP client for an asyncio runtime: pika's asyncio adapter or aio-pika (issue 11).

Every variant moves the same messages through the dev broker, in this one process: `count`
600-byte persistent messages, each with its own `message_id`, published to the default
exchange (`mandatory`) into a fresh durable queue, and consumed from that queue on a second
connection with manual acks (one `basic.ack` per message) and prefetch `PREFETCH`. The consumer
is subscribed before the first publish; the clock runs from the first publish to the last ack.

- pika asyncio: `pika.adapters.asyncio_connection.AsyncioConnection`, callback style; publisher
  confirms pipelined, at most `WINDOW` publishes outstanding (a `Basic.Ack` with `multiple`
  settles every tag up to it).
- aio-pika: `aio_pika.connect_robust` (what a runtime would use: it reconnects and restores
  channels, queues and consumers), a confirming channel; each publish is a task awaiting its
  confirm, at most `WINDOW` in flight; the consumer is an `async` callback awaiting `ack()`.
- ceiling: pika `BlockingConnection`, `basic_publish` with no confirms, as fast as it goes;
  the consumer is a `BlockingConnection` on a thread of this process.
- one at a time (reference): pika `BlockingConnection` with confirms, each publish waiting for
  its confirm (`mandatory`), as `SignedPublisher` publishes today; the same blocking consumer.
- pika asyncio, no confirms (reference): (a) without confirms, `WINDOW` publishes per turn of
  the event loop: the asyncio path's own ceiling, since the blocking consumer thread of (c)
  shares the GIL with the publisher and bounds (c) below what one event loop reaches.

The table gives each variant's end-to-end rate as a fraction of the ceiling (c), as issue 11
asks.

Per run: messages/s end to end (first publish to last ack) and publish rate (first publish to
last confirm; to the last `basic_publish` for the ceiling), and process CPU time per message
(all threads). Every run must deliver each id exactly once and have every publish confirmed,
or the script stops with an error: a broken path is not measured. `ROUNDS` alternating runs
per variant; the table shows medians. Every loop is bounded by `LIMIT_S` and by the count.
Each run declares its own durable queue (with `x-expires` as a backstop) and deletes it.

Usage: `.venv/bin/python bench/amqp_clients.py [count]`. Needs the dev broker
(`scripts/broker start`).
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version

import aio_pika
import aiormq
import pika
import pika.exceptions
from pika.adapters.asyncio_connection import AsyncioConnection

from gridworks.actors.broker import BrokerConfig
from gridworks.table import format_table

COUNT = 20_000
ROUNDS = 3
WINDOW = 256
"""Publishes outstanding (sent, not yet confirmed) at most, for the pipelined variants."""
PREFETCH = 512
LIMIT_S = 120.0
"""Every run gives up after this long (and then fails: a partial run is not measured)."""
BODY = bytes(range(256)) * 2 + bytes(88)
"""600 bytes."""
QUEUE_EXPIRES_MS = 600_000
"""A queue left behind by a killed run is deleted by the broker after 10 idle minutes."""
assert len(BODY) == 600


@dataclass
class Outcome:
    """What one run moved and how long it took; `check` says whether it moved it correctly."""

    variant: str
    count: int
    published: int = 0
    confirmed: int = 0
    failed: int = 0
    """Publishes nacked or returned (unroutable) by the broker."""
    ids: list[str] = field(default_factory=list)
    """The `message_id` of every message consumed, in order of arrival."""
    publish_s: float = 0.0
    total_s: float = 0.0
    cpu_s: float = 0.0
    confirms: bool = True
    timed_out: bool = False

    @property
    def rate(self) -> float:
        return self.count / self.total_s

    @property
    def publish_rate(self) -> float:
        return self.count / self.publish_s

    def problems(self) -> list[str]:
        expected = {str(i) for i in range(self.count)}
        seen = set(self.ids)
        problems = []
        if self.timed_out:
            problems.append(f"timed out after {LIMIT_S:.0f} s")
        if self.published != self.count:
            problems.append(f"published {self.published} of {self.count}")
        if self.confirms and self.confirmed != self.count:
            problems.append(f"{self.confirmed} of {self.count} publishes confirmed")
        if self.failed:
            problems.append(f"{self.failed} publishes nacked or returned")
        if seen - expected:
            problems.append(f"{len(seen - expected)} unexpected ids")
        if expected - seen:
            problems.append(f"{len(expected - seen)} messages lost")
        if len(self.ids) != len(seen):
            problems.append(f"{len(self.ids) - len(seen)} duplicates")
        return problems

    def check(self) -> Outcome:
        problems = self.problems()
        if problems:
            raise RuntimeError(f"{self.variant}: " + "; ".join(problems))
        return self


class Settled:
    """Publisher-confirm bookkeeping for delivery tags 1..count, `multiple` acks included."""

    def __init__(self, count: int) -> None:
        self.flags = bytearray(count + 2)
        self.floor = 0
        """Every tag <= floor is settled."""
        self.count = 0

    def settle(self, tag: int, multiple: bool) -> int:
        """Marks `tag` (and with `multiple` every tag below it) settled; returns how many new."""
        new = 0
        first = self.floor + 1 if multiple else tag
        for t in range(first, tag + 1):
            if not self.flags[t]:
                self.flags[t] = 1
                new += 1
        while self.flags[self.floor + 1]:
            self.floor += 1
        self.count += new
        return new


# --- (a) pika's asyncio adapter, callback style ----------------------------------------------


async def _pika_open(url: str, loop: asyncio.AbstractEventLoop) -> AsyncioConnection:
    opened: asyncio.Future[None] = loop.create_future()

    def on_open_error(_: object, error: BaseException | str) -> None:
        if not opened.done():
            opened.set_exception(RuntimeError(f"pika asyncio: cannot connect: {error}"))

    connection = AsyncioConnection(
        pika.URLParameters(url),
        on_open_callback=lambda _: opened.set_result(None),
        on_open_error_callback=on_open_error,
        custom_ioloop=loop,
    )
    await asyncio.wait_for(opened, 10)
    return connection


async def _pika_channel(connection: AsyncioConnection, loop: asyncio.AbstractEventLoop) -> object:
    opened: asyncio.Future[object] = loop.create_future()
    connection.channel(on_open_callback=opened.set_result)
    return await asyncio.wait_for(opened, 10)


async def _pika_close(connection: AsyncioConnection, loop: asyncio.AbstractEventLoop) -> None:
    if connection.is_closed:
        return
    closed: asyncio.Future[None] = loop.create_future()
    connection.add_on_close_callback(
        lambda *_: closed.done() or closed.set_result(None)  # type: ignore[func-returns-value]
    )
    if not connection.is_closing:
        connection.close()
    await asyncio.wait_for(closed, 10)


async def _pika_asyncio(
    url: str, queue: str, count: int, window: int, prefetch: int, limit_s: float, confirms: bool
) -> Outcome:
    loop = asyncio.get_running_loop()
    out = Outcome("pika asyncio" if confirms else "pika asyncio raw", count, confirms=confirms)
    publisher = await _pika_open(url, loop)
    consumer = await _pika_open(url, loop)
    try:
        pch: pika.channel.Channel = await _pika_channel(publisher, loop)  # type: ignore[assignment]
        sch: pika.channel.Channel = await _pika_channel(consumer, loop)  # type: ignore[assignment]
        published_all: asyncio.Future[None] = loop.create_future()
        consumed_all: asyncio.Future[None] = loop.create_future()
        settled = Settled(count)
        props = [
            pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent, message_id=str(i))
            for i in range(count)
        ]
        start = 0.0

        def pump() -> None:
            while out.published < count and out.published - settled.count < window:
                pch.basic_publish("", queue, BODY, props[out.published], mandatory=confirms)
                out.published += 1

        def pump_raw() -> None:
            """No confirms: `window` publishes per turn of the loop, so the consumer runs too."""
            for _ in range(min(window, count - out.published)):
                pch.basic_publish("", queue, BODY, props[out.published])
                out.published += 1
            if out.published < count:
                loop.call_soon(pump_raw)
            else:
                out.publish_s = time.perf_counter() - start
                published_all.set_result(None)

        def on_confirm(frame: pika.frame.Method) -> None:
            method = frame.method
            new = settled.settle(method.delivery_tag, method.multiple)
            if isinstance(method, pika.spec.Basic.Ack):
                out.confirmed += new
            else:
                out.failed += new
            if settled.count == count:
                out.publish_s = time.perf_counter() - start
                if not published_all.done():
                    published_all.set_result(None)
            else:
                pump()

        def on_return(*_: object) -> None:
            out.failed += 1

        def on_message(
            channel: pika.channel.Channel,
            method: pika.spec.Basic.Deliver,
            properties: pika.BasicProperties,
            _: bytes,
        ) -> None:
            out.ids.append(properties.message_id)
            channel.basic_ack(method.delivery_tag)
            if len(out.ids) == count:
                out.total_s = time.perf_counter() - start
                consumed_all.set_result(None)

        ready: asyncio.Future[object] = loop.create_future()
        pch.add_on_return_callback(on_return)
        if confirms:
            pch.confirm_delivery(on_confirm, callback=ready.set_result)
            await asyncio.wait_for(ready, 10)
        ready = loop.create_future()
        sch.basic_qos(prefetch_count=prefetch, callback=ready.set_result)
        await asyncio.wait_for(ready, 10)
        ready = loop.create_future()
        sch.basic_consume(queue, on_message, auto_ack=False, callback=ready.set_result)
        await asyncio.wait_for(ready, 10)

        cpu = time.process_time()
        start = time.perf_counter()
        if confirms:
            pump()
        else:
            pump_raw()
        try:
            await asyncio.wait_for(asyncio.gather(published_all, consumed_all), limit_s)
        except TimeoutError:
            out.timed_out = True
        out.cpu_s = time.process_time() - cpu
    finally:
        await _pika_close(publisher, loop)
        await _pika_close(consumer, loop)
    return out


def measure_pika_asyncio(
    url: str,
    queue: str,
    count: int,
    *,
    window: int = WINDOW,
    prefetch: int = PREFETCH,
    limit_s: float = LIMIT_S,
) -> Outcome:
    return asyncio.run(_pika_asyncio(url, queue, count, window, prefetch, limit_s, True))


def measure_pika_asyncio_raw(
    url: str,
    queue: str,
    count: int,
    *,
    window: int = WINDOW,
    prefetch: int = PREFETCH,
    limit_s: float = LIMIT_S,
) -> Outcome:
    return asyncio.run(_pika_asyncio(url, queue, count, window, prefetch, limit_s, False))


# --- (b) aio-pika ----------------------------------------------------------------------------


async def _aio_pika(
    url: str, queue: str, count: int, window: int, prefetch: int, limit_s: float
) -> Outcome:
    loop = asyncio.get_running_loop()
    out = Outcome("aio-pika", count)
    publisher = await aio_pika.connect_robust(url, timeout=10)
    consumer = await aio_pika.connect_robust(url, timeout=10)
    try:
        pch = await publisher.channel(publisher_confirms=True)
        sch = await consumer.channel()
        await sch.set_qos(prefetch_count=prefetch)
        source = await sch.get_queue(queue, ensure=True)
        exchange = pch.default_exchange
        published_all: asyncio.Future[None] = loop.create_future()
        consumed_all: asyncio.Future[None] = loop.create_future()
        slots = asyncio.Semaphore(window)
        start = 0.0

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            out.ids.append(message.message_id or "")
            last = len(out.ids) == count  # before the await: other callbacks run meanwhile
            await message.ack()
            if last:
                out.total_s = time.perf_counter() - start
                consumed_all.set_result(None)

        def on_settled(task: asyncio.Task[object]) -> None:
            slots.release()
            if not task.cancelled() and isinstance(task.exception() or task.result(), ACK):
                out.confirmed += 1
            else:
                out.failed += 1
            if out.confirmed + out.failed == count:
                out.publish_s = time.perf_counter() - start
                if not published_all.done():
                    published_all.set_result(None)

        async def publish_all() -> None:
            for i in range(count):
                await slots.acquire()
                message = aio_pika.Message(
                    BODY, delivery_mode=aio_pika.DeliveryMode.PERSISTENT, message_id=str(i)
                )
                task = loop.create_task(exchange.publish(message, queue, mandatory=True))
                task.add_done_callback(on_settled)
                out.published += 1
            await published_all

        await source.consume(on_message, no_ack=False)
        cpu = time.process_time()
        start = time.perf_counter()
        try:
            await asyncio.wait_for(asyncio.gather(publish_all(), consumed_all), limit_s)
        except TimeoutError:
            out.timed_out = True
        out.cpu_s = time.process_time() - cpu
    finally:
        await publisher.close()
        await consumer.close()
    return out


ACK = aiormq.spec.Basic.Ack


def measure_aio_pika(
    url: str,
    queue: str,
    count: int,
    *,
    window: int = WINDOW,
    prefetch: int = PREFETCH,
    limit_s: float = LIMIT_S,
) -> Outcome:
    return asyncio.run(_aio_pika(url, queue, count, window, prefetch, limit_s))


# --- (c), (d) pika BlockingConnection --------------------------------------------------------


class BlockingConsumer(threading.Thread):
    """Consumes `count` messages on its own `BlockingConnection`, acking each."""

    def __init__(self, url: str, queue: str, out: Outcome, prefetch: int, deadline: float):
        super().__init__(daemon=True)
        self.url, self.queue, self.out, self.prefetch = url, queue, out, prefetch
        self.deadline = deadline
        self.start_time = 0.0
        self.ready = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            connection = pika.BlockingConnection(pika.URLParameters(self.url))
        except BaseException as error:
            self.error = error
            self.ready.set()
            return
        out = self.out
        try:
            channel = connection.channel()
            channel.basic_qos(prefetch_count=self.prefetch)

            def on_message(
                ch: object,
                method: pika.spec.Basic.Deliver,
                properties: pika.BasicProperties,
                _: bytes,
            ) -> None:
                out.ids.append(properties.message_id)
                channel.basic_ack(method.delivery_tag)
                if len(out.ids) == out.count:
                    out.total_s = time.perf_counter() - self.start_time

            channel.basic_consume(self.queue, on_message, auto_ack=False)
            self.ready.set()
            while len(out.ids) < out.count:
                if time.perf_counter() > self.deadline:
                    out.timed_out = True
                    break
                connection.process_data_events(time_limit=0.2)
        except BaseException as error:
            self.error = error
        finally:
            self.ready.set()
            connection.close()


def _blocking(
    variant: str,
    url: str,
    queue: str,
    count: int,
    confirms: bool,
    prefetch: int,
    limit_s: float,
) -> Outcome:
    out = Outcome(variant, count, confirms=confirms)
    deadline = time.perf_counter() + limit_s
    consumer = BlockingConsumer(url, queue, out, prefetch, deadline)
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        if confirms:
            channel.confirm_delivery()
        consumer.start()
        consumer.ready.wait(10)
        if consumer.error is not None:
            raise consumer.error
        props = [
            pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent, message_id=str(i))
            for i in range(count)
        ]
        cpu = time.process_time()
        start = consumer.start_time = time.perf_counter()
        for i in range(count):
            if time.perf_counter() > deadline:
                out.timed_out = True
                break
            try:
                channel.basic_publish("", queue, BODY, props[i], mandatory=confirms)
            except (pika.exceptions.UnroutableError, pika.exceptions.NackError):
                out.failed += 1
            else:
                out.confirmed += confirms
            out.published += 1
        out.publish_s = time.perf_counter() - start
        consumer.join(max(0.0, deadline - time.perf_counter()) + 1)
        out.cpu_s = time.process_time() - cpu
        if consumer.error is not None:
            raise consumer.error
    finally:
        connection.close()
    return out


def measure_ceiling(
    url: str,
    queue: str,
    count: int,
    *,
    window: int = WINDOW,
    prefetch: int = PREFETCH,
    limit_s: float = LIMIT_S,
) -> Outcome:
    return _blocking("ceiling", url, queue, count, False, prefetch, limit_s)


def measure_one_at_a_time(
    url: str,
    queue: str,
    count: int,
    *,
    window: int = WINDOW,
    prefetch: int = PREFETCH,
    limit_s: float = LIMIT_S,
) -> Outcome:
    return _blocking("one at a time", url, queue, count, True, prefetch, limit_s)


# --- the harness -----------------------------------------------------------------------------

MEASURES: dict[str, Callable[..., Outcome]] = {
    "pika asyncio": measure_pika_asyncio,
    "aio-pika": measure_aio_pika,
    "ceiling": measure_ceiling,
    "one at a time": measure_one_at_a_time,
    "pika asyncio raw": measure_pika_asyncio_raw,
}
LABELS = {
    "pika asyncio": f"(a) pika AsyncioConnection, confirms pipelined (window {WINDOW})",
    "aio-pika": f"(b) aio-pika connect_robust, confirms pipelined (window {WINDOW})",
    "ceiling": "(c) ceiling: pika BlockingConnection, no confirms",
    "one at a time": "(d) pika BlockingConnection, one confirmed publish at a time (today)",
    "pika asyncio raw": "(e) pika AsyncioConnection, no confirms (reference)",
}


def run(variant: str, url: str, count: int, *, queue: str = "", **options: float) -> Outcome:
    """One measured run of `variant` through a durable queue of its own, deleted afterwards."""
    queue = queue or f"gridworks.bench.amqp-clients.{uuid.uuid4().hex[:12]}"
    admin = pika.BlockingConnection(pika.URLParameters(url))
    try:
        admin.channel().queue_declare(
            queue, durable=True, arguments={"x-expires": QUEUE_EXPIRES_MS}
        )
        return MEASURES[variant](url, queue, count, **options)
    finally:
        try:
            admin.channel().queue_delete(queue)
        finally:
            admin.close()


def machine(url: str) -> str:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        server = connection._impl.server_properties or {}
        rabbit = server.get("version", b"?")
        rabbit = rabbit.decode() if isinstance(rabbit, bytes) else str(rabbit)
    finally:
        connection.close()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{len(os.sched_getaffinity(0))} cores (nproc), load average {load} at start; "
        f"CPython {platform.python_version()}, pika {version('pika')}, "
        f"aio-pika {version('aio-pika')} (aiormq {version('aiormq')}), RabbitMQ {rabbit}"
    )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COUNT
    url = BrokerConfig().url
    print(machine(url))
    outcomes: dict[str, list[Outcome]] = {variant: [] for variant in MEASURES}
    for _ in range(ROUNDS):
        for variant in MEASURES:
            outcomes[variant].append(run(variant, url, count).check())

    def median(variant: str, attribute: str) -> float:
        return statistics.median(getattr(o, attribute) for o in outcomes[variant])

    ceiling = median("ceiling", "rate")
    rows = []
    for variant in MEASURES:
        rate = median(variant, "rate")
        cpu_us = statistics.median(o.cpu_s / o.count * 1e6 for o in outcomes[variant])
        rows.append(
            (
                LABELS[variant],
                f"{rate:,.0f}",
                f"{rate / ceiling:.0%}",
                f"{median(variant, 'publish_rate'):,.0f}",
                f"{cpu_us:.0f}",
                " ".join(f"{o.rate:,.0f}" for o in outcomes[variant]),
            )
        )
    print(
        f"{count:,} persistent 600-byte messages per run, durable queue, manual acks, "
        f"prefetch {PREFETCH}; {ROUNDS} alternating runs per variant, medians; every run "
        "delivered each message id exactly once"
    )
    print(
        format_table(
            (
                "client",
                "end to end msg/s",
                "vs (c)",
                "publish(+confirm) msg/s",
                "CPU µs/msg",
                "runs (end to end)",
            ),
            rows,
        )
    )
    print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
