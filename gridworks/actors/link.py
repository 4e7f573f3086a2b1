"""One process's connection to the broker: pipelined confirmed publishes, many consumers, and
reconnection with nothing confirmed lost.

`BrokerLink` owns a single pika `AsyncioConnection` on the running asyncio loop with two
channels: one confirming channel that every publish of the process goes through, and one
consuming channel that carries every queue the process consumes (one consumer per queue, each
with its own prefetch window).

Publishing. `await link.publish(...)` returns once the broker has confirmed the message (it
is stored in every queue it was routed to), and raises `PublishError` if the broker refused it
(unroutable, nacked, e.g. by a full queue, or refused by a permission). Up to `window`
publishes are outstanding at once; the next waits for a slot, so a fast producer is slowed to
the broker's pace rather than buffering without bound.

Reconnection. When the connection drops after `start` (a broker restart, a lost socket; also
while a channel is being reopened, or during a reconnection) the link reconnects with
exponential backoff and jitter, declares its topology and every registered queue and consumer
again, and publishes again every message that had not been confirmed: its caller is still
waiting, and returns when the new connection confirms it. So a confirmed message is never
lost, and a message may arrive twice (its first copy stored but its confirm lost); receivers
drop such duplicates by message id. Deliveries not yet acked when the connection dropped come
back from the broker marked ``redelivered``; acks for them on the old connection are ignored
(they cannot be sent any more). `connected` is true only while publishes go out at once (the
connection declared and consuming, a publishing channel open); in between they wait.

A channel the broker closes (a 403 on a routing key the login may not publish, a 406 on a
``user_id`` that is not the login) fails the publishes it names, and only those when the
broker's message says which; the others are sent again on a fresh channel. Acks go on the
consuming channel, so they are sent meanwhile. A queue the broker will not declare (declared
before with other arguments) is a `BrokerError` naming it, from `start` or `add_queue`; a
running link forgets that queue and, as the broker closed the consuming channel, reconnects
without it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pika
import pika.channel
import pika.exceptions
import pika.frame
import pika.spec
from pika.adapters.asyncio_connection import AsyncioConnection

from gridworks.actors.broker import BrokerConfig, BrokerError, PublishError, scrub

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Binding:
    exchange: str
    routing_key: str


@dataclass(frozen=True)
class Delivery:
    """One message as the broker handed it to a consumer of this process."""

    queue: str
    routing_key: str
    redelivered: bool
    properties: pika.BasicProperties
    body: bytes
    delivery_tag: int
    generation: int
    """Which connection delivered it: an ack is only valid on that one."""


OnDelivery = Callable[[Delivery], None]


@dataclass
class QueueSpec:
    """A queue this process declares, binds and (if `on_delivery`) consumes."""

    name: str
    arguments: Mapping[str, Any] = field(default_factory=dict)
    bindings: list[Binding] = field(default_factory=list)
    on_delivery: OnDelivery | None = None
    prefetch: int = 50


@dataclass
class _Publish:
    exchange: str
    routing_key: str
    body: bytes
    properties: pika.BasicProperties
    future: asyncio.Future[None]
    mandatory: bool = True
    tag: int = 0


def _settle(future: asyncio.Future[Any], value: Any) -> None:
    if not future.done():
        future.set_result(value)


class _Window:
    """At most `size` holders at once; the others wait in FIFO order. O(1) per acquire and
    release (asyncio.Semaphore scans its waiters on each release: 100 checks per publish with
    512 waiting publishers, measured)."""

    def __init__(self, size: int) -> None:
        self.free = size
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self) -> None:
        if self.free > 0 and not self._waiters:
            self.free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # it was handed the slot as it was cancelled: pass it on
            raise

    def release(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot goes straight to the next in line
                return
        self.free += 1


class CoalescingConnection(AsyncioConnection):
    """pika's asyncio connection, writing each turn of the event loop's frames in one go.

    pika hands its transport every AMQP frame on its own (a publish is three: method, header,
    body; an ack one), and the transport sends each buffered frame with its own ``send()``
    call: 39 % of a publishing process's time and 16 % of a consuming one's
    (`bench/runtime_throughput.py --profile`). Here frames are gathered and passed on joined,
    once per turn of the loop (``call_soon``), so the many publishes and acks of one turn
    cost one system call. Order is kept: it is one FIFO buffer. Hooks pika's documented
    adapter method (`BaseConnection._adapter_emit_data`, pika 1.x).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._gw_frames: list[bytes] = []
        self._gw_flush_scheduled = False
        super().__init__(*args, **kwargs)

    def _adapter_emit_data(self, data: bytes) -> None:
        self._gw_frames.append(data)
        if not self._gw_flush_scheduled:
            self._gw_flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._gw_flush)

    def _gw_flush(self) -> None:
        self._gw_flush_scheduled = False
        frames, self._gw_frames = self._gw_frames, []
        if frames and self._transport is not None:
            super()._adapter_emit_data(b"".join(frames))


class LinkClosed(BrokerError):
    """The link was closed while something still waited on it."""


class BrokerRefused(BrokerError):
    """The broker refused a declaration or binding (and closed the channel that asked)."""

    def __init__(self, reply_code: int, reply_text: str) -> None:
        super().__init__(f"the broker refused: {reply_code} {reply_text}")
        self.reply_code = reply_code
        self.reply_text = reply_text


PRECONDITION_FAILED = 406


_REFUSED_KEY = re.compile(r"access to topic '([^']*)'")
_REFUSED_USER_ID = re.compile(r"user_id property set to '([^']*)'")


class BrokerLink:
    """The process's one AMQP connection (see the module docstring)."""

    def __init__(
        self,
        config: BrokerConfig,
        *,
        window: int = 256,
        declare: Callable[[BrokerLink], Awaitable[None]] | None = None,
        max_backoff_s: float = 5.0,
    ) -> None:
        """`declare` (optional) declares shared topology after each (re)connection."""
        self.config = config
        self.window = window
        self.max_backoff_s = max_backoff_s
        self._declare_shared = declare
        self._queues: dict[str, QueueSpec] = {}
        self._connection: AsyncioConnection | None = None
        self._publish_channel: pika.channel.Channel | None = None
        self._consume_channel: pika.channel.Channel | None = None
        self._ready = asyncio.Event()
        self._closing = False
        self._started = False
        """True once `start` connected: from then on a lost connection is reconnected."""
        self._slots = _Window(window)
        self._unsent: list[_Publish] = []
        self._in_flight: dict[int, _Publish] = {}
        self._next_tag = 1
        self._returned: dict[str, str] = {}
        self._generation = 0
        self._reconnecting: asyncio.Task[None] | None = None
        self._rpc: set[asyncio.Future[Any]] = set()
        self._reopening: asyncio.Task[None] | None = None
        self.reconnects = 0
        """How many times the link came back after losing its connection."""
        self.resent = 0
        """Publishes sent again because their confirm was lost with a connection or channel."""

    # ---- life -------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Connected, declared and consuming, with a publishing channel: publishes go out now
        (else they wait for the next connection or channel)."""
        return self._ready.is_set()

    @property
    def generation(self) -> int:
        return self._generation

    async def start(self, *, timeout: float = 15.0) -> None:
        """Connect, declare, consume; `BrokerError` if the broker cannot be reached in time."""
        try:
            await asyncio.wait_for(self._connect(), timeout)
        except (TimeoutError, pika.exceptions.AMQPError, OSError) as error:
            await self._drop_connection()
            raise BrokerError(
                f"no RabbitMQ broker answered at {self.config.where} "
                f"({scrub(repr(error), self.config)}); run scripts/broker start"
            ) from None
        except BaseException:
            await self._drop_connection()
            raise
        self._started = True

    async def close(self) -> None:
        """Wait for outstanding publishes (briefly), then close; waiting callers get LinkClosed."""
        if self._in_flight or self._unsent:
            deadline = asyncio.get_running_loop().time() + 5.0
            while (self._in_flight or self._unsent) and self.connected:
                if asyncio.get_running_loop().time() > deadline:
                    break
                await asyncio.sleep(0.01)
        self._closing = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        for pending in [*self._unsent, *self._in_flight.values()]:
            if not pending.future.done():
                pending.future.set_exception(LinkClosed("the broker link was closed"))
        self._unsent.clear()
        self._in_flight.clear()
        await self._drop_connection()

    async def _drop_connection(self) -> None:
        connection = self._connection
        self._ready.clear()
        if connection is not None and not (connection.is_closed or connection.is_closing):
            closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            connection.add_on_close_callback(lambda *_: _settle(closed, None))
            connection.close()
            try:
                await asyncio.wait_for(closed, 5.0)
            except TimeoutError:
                pass
        self._connection = None

    # ---- queues -----------------------------------------------------------------------------

    async def add_queue(self, spec: QueueSpec) -> None:
        """Declare, bind and consume `spec` now (if connected) and after every reconnection."""
        self._queues[spec.name] = spec
        if self.connected:
            try:
                await self._declare_queue(spec)
            except BaseException:
                self._queues.pop(spec.name, None)  # not declared again on reconnection
                raise

    async def bind(self, queue: str, binding: Binding) -> None:
        spec = self._queues[queue]
        if binding not in spec.bindings:
            spec.bindings.append(binding)
        if self.connected:
            await self._rpc_call(
                self._require_consume_channel().queue_bind,
                queue=queue,
                exchange=binding.exchange,
                routing_key=binding.routing_key,
            )

    def ack(self, delivery: Delivery) -> None:
        """Ack on the connection that delivered it; a no-op if that connection is gone."""
        channel = self._consume_channel
        if delivery.generation == self._generation and channel is not None and channel.is_open:
            channel.basic_ack(delivery_tag=delivery.delivery_tag)

    def reject(self, delivery: Delivery) -> None:
        """Nack without requeue (the queue's dead-letter exchange takes it)."""
        channel = self._consume_channel
        if delivery.generation == self._generation and channel is not None and channel.is_open:
            channel.basic_nack(delivery_tag=delivery.delivery_tag, requeue=False)

    # ---- publishing -------------------------------------------------------------------------

    async def publish(
        self,
        exchange: str,
        routing_key: str,
        body: bytes,
        properties: pika.BasicProperties,
        *,
        mandatory: bool = True,
    ) -> None:
        """Publish (confirmed); returns when the broker has stored the message.

        `mandatory`: a message no queue takes is refused (`PublishError`); without it, it is
        dropped by the broker (a broadcast nobody subscribes to)."""
        if self._closing:
            raise LinkClosed("the broker link is closed")
        await self._slots.acquire()
        loop = asyncio.get_running_loop()
        pending = _Publish(exchange, routing_key, body, properties, loop.create_future(), mandatory)
        try:
            if self.connected:
                self._send(pending)
            else:
                self._unsent.append(pending)
            await pending.future
        finally:
            self._slots.release()

    def _send(self, pending: _Publish) -> None:
        channel = self._publish_channel
        if channel is None or not channel.is_open:
            self._unsent.append(pending)  # the next channel or connection sends it
            return
        try:
            channel.basic_publish(
                pending.exchange,
                pending.routing_key,
                pending.body,
                pending.properties,
                mandatory=pending.mandatory,
            )
        except (pika.exceptions.AMQPError, OSError) as error:
            log.info("could not send %s now (%r); it waits", pending.properties.message_id, error)
            self._unsent.append(pending)
            return
        pending.tag = self._next_tag
        self._next_tag += 1
        self._in_flight[pending.tag] = pending

    def _on_confirm(self, frame: pika.frame.Method) -> None:
        method = frame.method
        tag = method.delivery_tag
        tags = [t for t in self._in_flight if t <= tag] if method.multiple else [tag]
        nack = isinstance(method, pika.spec.Basic.Nack)
        for t in tags:
            pending = self._in_flight.pop(t, None)
            if pending is None or pending.future.done():
                continue
            message_id = pending.properties.message_id or ""
            returned = self._returned.pop(message_id, None)
            what = f"message {message_id or '(no id)'} for {pending.routing_key!r}"
            if returned is not None:
                pending.future.set_exception(
                    PublishError(f"{what} is unroutable: {returned} (is its queue declared?)")
                )
            elif nack:
                pending.future.set_exception(
                    PublishError(
                        f"the broker nacked {what}: it did not store it (a full queue refuses "
                        "new messages)"
                    )
                )
            else:
                pending.future.set_result(None)

    def _on_return(
        self,
        _channel: pika.channel.Channel,
        method: pika.spec.Basic.Return,
        properties: pika.BasicProperties,
        _body: bytes,
    ) -> None:
        self._returned[properties.message_id or ""] = f"{method.reply_code} {method.reply_text}"

    # ---- connecting -------------------------------------------------------------------------

    async def _connect(self) -> None:
        loop = asyncio.get_running_loop()
        opened: asyncio.Future[AsyncioConnection] = loop.create_future()

        def on_open(connection: AsyncioConnection) -> None:
            if not opened.done():
                opened.set_result(connection)

        def on_open_error(_connection: AsyncioConnection, error: BaseException | str) -> None:
            if not opened.done():
                opened.set_exception(
                    error
                    if isinstance(error, BaseException)
                    else pika.exceptions.AMQPConnectionError(error)
                )

        params = self.config.parameters()
        connection = CoalescingConnection(
            params,
            on_open_callback=on_open,
            on_open_error_callback=on_open_error,
            on_close_callback=self._on_connection_closed,
            custom_ioloop=loop,
        )
        self._connection = connection
        try:
            await opened
        except (
            pika.exceptions.ProbableAuthenticationError,
            pika.exceptions.AuthenticationError,
            pika.exceptions.ProbableAccessDeniedError,
        ) as error:
            raise BrokerError(
                f"the RabbitMQ broker at {self.config.where} refused user {self.config.user!r} "
                f"({type(error).__name__}); check the URL's credentials and vhost"
            ) from None
        self._publish_channel = await self._open_channel(self._on_publish_channel_closed)
        self._publish_channel.confirm_delivery(ack_nack_callback=self._on_confirm)
        self._publish_channel.add_on_return_callback(self._on_return)
        self._next_tag = 1
        self._consume_channel = await self._open_channel(self._on_consume_channel_closed)
        self._generation += 1
        if self._declare_shared is not None:
            await self._declare_shared(self)
        await asyncio.gather(*(self._declare_queue(spec) for spec in list(self._queues.values())))
        self._ready.set()
        self._flush()
        log.info("broker link up at %s as %s", self.config.where, self.config.user)

    async def _open_channel(
        self, on_close: Callable[[pika.channel.Channel, BaseException], None]
    ) -> pika.channel.Channel:
        connection = self._connection
        assert connection is not None
        opened: asyncio.Future[pika.channel.Channel] = asyncio.get_running_loop().create_future()
        self._rpc.add(opened)  # failed at once if the connection goes meanwhile
        try:
            connection.channel(on_open_callback=lambda channel: _settle(opened, channel))
            channel = await asyncio.wait_for(opened, 10.0)
        finally:
            self._rpc.discard(opened)
        channel.add_on_close_callback(on_close)
        return channel

    def _flush(self) -> None:
        """Send what waits for a connection, oldest first."""
        waiting, self._unsent = self._unsent, []
        for pending in waiting:
            if not pending.future.done():
                self._send(pending)

    def _requeue_in_flight(self, keep: Callable[[_Publish], bool] = lambda _: True) -> None:
        """The unconfirmed publishes go back to wait for a channel (those `keep` accepts)."""
        in_flight = sorted(self._in_flight.values(), key=lambda p: p.tag)
        self._in_flight.clear()
        self._returned.clear()
        for pending in in_flight:
            if pending.future.done():
                continue
            if keep(pending):
                self.resent += 1
                self._unsent.append(pending)
        self._unsent.sort(key=lambda p: p.tag or 1 << 62)

    def _fail_rpcs(self, error: BaseException) -> None:
        for future in list(self._rpc):
            if not future.done():
                future.set_exception(error)
        self._rpc.clear()

    def _on_connection_closed(self, connection: AsyncioConnection, reason: BaseException) -> None:
        if connection is not self._connection:
            return  # an earlier connection, already replaced
        self._ready.clear()
        self._publish_channel = None
        self._consume_channel = None
        self._fail_rpcs(BrokerError(f"the broker connection closed: {reason!r}"))
        self._requeue_in_flight()
        if self._closing or not self._started:
            return  # closing, or `start` is still trying and reports its own failure
        if self._reconnecting is not None and not self._reconnecting.done():
            return  # lost while reconnecting: that loop tries again
        log.warning("lost the broker at %s (%r); reconnecting", self.config.where, reason)
        self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        delay = 0.1
        while not self._closing:
            await asyncio.sleep(delay * (0.5 + random.random()))
            try:
                await asyncio.wait_for(self._connect(), 15.0)
            except Exception as error:  # the broker is still down: try again, more slowly
                log.info("broker at %s not back yet: %s", self.config.where, error)
                await self._drop_connection()
                delay = min(delay * 2, self.max_backoff_s)
                continue
            self.reconnects += 1
            log.warning("broker link back at %s", self.config.where)
            return

    def _on_publish_channel_closed(
        self, channel: pika.channel.Channel, reason: BaseException
    ) -> None:
        if channel is not self._publish_channel or self._closing:
            return
        self._publish_channel = None
        self._ready.clear()  # publishes wait (in `_unsent`) for the next channel
        connection = self._connection
        if not isinstance(reason, pika.exceptions.ChannelClosedByBroker):
            return  # the connection is going: _on_connection_closed requeues
        error = PublishError(
            f"the broker refused a publish: {reason.reply_code} {reason.reply_text}"
        )
        key = _REFUSED_KEY.search(reason.reply_text)
        user_id = _REFUSED_USER_ID.search(reason.reply_text)

        def innocent(pending: _Publish) -> bool:
            if key is not None:
                guilty = pending.routing_key == key.group(1)
            elif user_id is not None:
                guilty = pending.properties.user_id == user_id.group(1)
            else:
                guilty = True  # cannot tell which: fail them all rather than loop
            if guilty:
                pending.future.set_exception(error)
            return not guilty

        self._requeue_in_flight(innocent)
        if connection is not None and connection.is_open:
            self._reopening = asyncio.get_running_loop().create_task(
                self._reopen_publish_channel(connection)
            )

    async def _reopen_publish_channel(self, connection: AsyncioConnection) -> None:
        try:
            channel = await self._open_channel(self._on_publish_channel_closed)
        except Exception as error:
            log.warning("could not reopen the publishing channel (%s); reconnecting", error)
            current = connection is self._connection
            if current and connection.is_open:
                connection.close()  # start again from a fresh connection
            return
        current = connection is self._connection
        if not current or not connection.is_open:
            return  # the connection went meanwhile: the reconnection opens its own
        channel.confirm_delivery(ack_nack_callback=self._on_confirm)
        channel.add_on_return_callback(self._on_return)
        self._publish_channel = channel
        self._next_tag = 1
        if self._consume_channel is not None and self._consume_channel.is_open:
            self._ready.set()
        self._flush()

    def _on_consume_channel_closed(
        self, channel: pika.channel.Channel, reason: BaseException
    ) -> None:
        if channel is not self._consume_channel or self._closing:
            return
        self._consume_channel = None
        self._ready.clear()
        if isinstance(reason, pika.exceptions.ChannelClosedByBroker):
            log.error("the broker closed the consuming channel: %s", reason)
            self._fail_rpcs(BrokerRefused(reason.reply_code, reason.reply_text))
            connection = self._connection
            if connection is not None and connection.is_open:
                connection.close()  # reconnect from scratch: every consumer is declared again

    # ---- declaring --------------------------------------------------------------------------

    def _require_consume_channel(self) -> pika.channel.Channel:
        if self._consume_channel is None or not self._consume_channel.is_open:
            raise BrokerError("not connected to the broker")
        return self._consume_channel

    async def _rpc_call(self, method: Callable[..., Any], **kwargs: Any) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._rpc.add(future)

        def done(frame: Any) -> None:
            if not future.done():
                future.set_result(frame)

        method(callback=done, **kwargs)
        try:
            return await future
        finally:
            self._rpc.discard(future)

    async def declare_exchange(self, name: str, kind: str) -> None:
        await self._rpc_call(
            self._require_consume_channel().exchange_declare,
            exchange=name,
            exchange_type=kind,
            durable=True,
        )

    async def declare_queue(
        self, name: str, arguments: Mapping[str, Any], bindings: Sequence[Binding] = ()
    ) -> None:
        channel = self._require_consume_channel()
        try:
            await self._rpc_call(
                channel.queue_declare, queue=name, durable=True, arguments=dict(arguments) or None
            )
        except BrokerRefused as error:
            if error.reply_code != PRECONDITION_FAILED:
                raise
            raise BrokerError(
                f"cannot declare queue {name!r} at {self.config.where}: it was declared "
                f"differently before ({error.reply_text}); delete it, or use another exchange "
                "name (queues are named after it)"
            ) from None
        for binding in bindings:
            await self._rpc_call(
                channel.queue_bind,
                queue=name,
                exchange=binding.exchange,
                routing_key=binding.routing_key,
            )

    async def _declare_queue(self, spec: QueueSpec) -> None:
        await self.declare_queue(spec.name, spec.arguments, spec.bindings)
        if spec.on_delivery is None:
            return
        channel = self._require_consume_channel()
        generation = self._generation
        on_delivery = spec.on_delivery
        queue = spec.name

        def on_message(
            _channel: pika.channel.Channel,
            method: pika.spec.Basic.Deliver,
            properties: pika.BasicProperties,
            body: bytes,
        ) -> None:
            on_delivery(
                Delivery(
                    queue=queue,
                    routing_key=method.routing_key,
                    redelivered=bool(method.redelivered),
                    properties=properties,
                    body=body,
                    delivery_tag=method.delivery_tag,
                    generation=generation,
                )
            )

        await self._rpc_call(channel.basic_qos, prefetch_count=spec.prefetch)
        channel.basic_consume(queue, on_message, auto_ack=False)
