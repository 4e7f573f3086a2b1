"""Consume an actor's queue, handing on only what the verifier accepts, and losing nothing.

Every delivery ends in exactly one place:

- verified and handled: acked;
- refused by the verifier, or by the handler (its error's `reason`, else HANDLER_FAILED):
  republished to the dead-letter exchange with the reason in headers, and acked only once the
  broker confirmed that copy (if it cannot be confirmed, the original goes back to the queue);
- the verifier itself raised: nacked without requeue, so the broker moves it (through the
  queue's dead-letter exchange) to the dead-letter queue rather than retrying it forever.

How a refused message is labelled, and how the dead-letter queue is read back, is
`gridworks.actors.dead_letters`.

The consumer is single-threaded, as pika's BlockingConnection is: `drain` steps it
deterministically (tests, demos), `run_forever` loops until `stop`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.spec import Basic

from gridworks.actors.broker import BrokerConfig, PublishError, declare_actor_queue
from gridworks.actors.dead_letters import MAX_DETAIL_CHARS, dead_letter_properties

# Formerly defined here, still importable from here for callers not yet moved to
# gridworks.actors.dead_letters (or gridworks.actors).
from gridworks.actors.publisher import send
from gridworks.identity.rejection import RejectReason
from gridworks.identity.verifier import Rejected, Verified

log = logging.getLogger(__name__)

Verify = Callable[[bytes], Verified | Rejected]
OnMessage = Callable[[Verified], None]
OnReject = Callable[[Rejected, pika.BasicProperties], None]


@dataclass(frozen=True)
class Delivery:
    """One delivery as the broker handed it over (available as `VerifyingConsumer.current`)."""

    queue: str
    delivery_tag: int
    routing_key: str
    redelivered: bool
    properties: pika.BasicProperties
    body: bytes


def handler_refusal(verified: Verified, error: Exception) -> Rejected:
    """A verified message its handler refused: the error's `reason` if it names one (e.g.
    NOT_COUNTERPARTY), else HANDLER_FAILED; the error's text is the detail."""
    reason = getattr(error, "reason", None)
    return Rejected(
        reason=reason if isinstance(reason, RejectReason) else RejectReason.HANDLER_FAILED,
        detail=str(error) or type(error).__name__,
        header=verified.header,
    )


class VerifyingConsumer:
    """Verifies each delivery on `alias`'s queue before `on_message` sees it."""

    def __init__(
        self,
        connection: pika.BlockingConnection,
        config: BrokerConfig,
        alias: str,
        verify: Verify,
        on_message: OnMessage,
        *,
        on_reject: OnReject | None = None,
        prefetch: int = 100,
    ) -> None:
        self.connection = connection
        self.config = config
        self.verify = verify
        self.on_message = on_message
        self.on_reject = on_reject
        self.prefetch = prefetch
        self._channel = connection.channel()
        self.queue = declare_actor_queue(self._channel, config, alias)
        self._channel.basic_qos(prefetch_count=prefetch)
        self._dead_letter_channel: BlockingChannel | None = None
        self._stopping = threading.Event()
        self.current: Delivery | None = None
        """The delivery being handled, while `on_message` or `on_reject` runs (its properties)."""
        self.accepted = 0
        self.rejected = 0
        self.failed = 0

    # ---- stepping ---------------------------------------------------------------------------

    def drain(self, max_messages: int | None = None, timeout: float = 1.0) -> int:
        """Handle deliveries until `max_messages` were handled or none came for `timeout` s.

        Returns how many were handled. Deliveries prefetched beyond `max_messages` stay with
        this consumer (unacked) for the next call, or go back to the queue on `close`.
        """
        if max_messages is not None and max_messages <= 0:
            return 0
        handled = 0
        for method, properties, body in self._channel.consume(
            self.queue, auto_ack=False, inactivity_timeout=timeout
        ):
            if method is None:
                break
            self._handle(method, properties, body)
            handled += 1
            if max_messages is not None and handled >= max_messages:
                break
            if self._stopping.is_set():
                break
        return handled

    def run_forever(self, poll: float = 0.5) -> None:
        """Consume until `stop` (from a handler, or another thread within `poll` seconds)."""
        try:
            while not self._stopping.is_set():
                self.drain(timeout=poll)
        finally:
            self._stopping.clear()
            self._cancel()

    def stop(self) -> None:
        """Ask `run_forever` to return after the current delivery (thread-safe)."""
        self._stopping.set()

    def close(self) -> None:
        """Cancel consuming (prefetched deliveries go back to the queue) and close channels."""
        self._cancel()
        for channel in (self._channel, self._dead_letter_channel):
            if channel is not None and channel.is_open:
                channel.close()
        self._dead_letter_channel = None

    def __enter__(self) -> VerifyingConsumer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _cancel(self) -> None:
        if self._channel.is_open and self._channel.consumer_tags:
            self._channel.cancel()

    # ---- one delivery -----------------------------------------------------------------------

    def _handle(self, method: Basic.Deliver, properties: pika.BasicProperties, body: bytes) -> None:
        tag = method.delivery_tag
        delivery = Delivery(
            queue=self.queue,
            delivery_tag=tag,
            routing_key=method.routing_key,
            redelivered=bool(method.redelivered),
            properties=properties,
            body=body,
        )
        try:
            result = self.verify(body)
        except Exception:
            log.exception(
                "the verifier raised on message %s in %s; dead-lettering it",
                properties.message_id,
                self.queue,
            )
            self.failed += 1
            self._channel.basic_nack(delivery_tag=tag, requeue=False)
            return
        self.current = delivery
        try:
            if result.ok:
                self._accept(delivery, cast(Verified, result))
            else:
                self._refuse(delivery, cast(Rejected, result))
        finally:
            self.current = None

    def _accept(self, delivery: Delivery, verified: Verified) -> None:
        try:
            self.on_message(verified)
        except Exception as error:
            log.warning(
                "the handler of %s refused message %s: %s",
                self.queue,
                delivery.properties.message_id,
                error,
                exc_info=not hasattr(error, "reason"),  # a traceback only for the unexpected
            )
            self.failed += 1
            self._dead_letter(delivery, handler_refusal(verified, error))
            return
        self._channel.basic_ack(delivery_tag=delivery.delivery_tag)
        self.accepted += 1

    def _refuse(self, delivery: Delivery, rejected: Rejected) -> None:
        log.warning(
            "refused message %s in %s: %s: %s",
            delivery.properties.message_id,
            self.queue,
            rejected.reason.value,
            rejected.detail[:MAX_DETAIL_CHARS],
        )
        self._dead_letter(delivery, rejected)
        self.rejected += 1
        if self.on_reject is not None:
            try:
                self.on_reject(rejected, delivery.properties)
            except Exception:
                log.exception("on_reject of %s failed (the message is dead-lettered)", self.queue)

    def _dead_letter(self, delivery: Delivery, rejected: Rejected) -> None:
        """Copy to the dead-letter exchange with the reason, then ack; nothing is dropped."""
        try:
            send(
                self._dead_letters(),
                self.config.dead_letter_exchange,
                delivery.routing_key,
                delivery.body,
                dead_letter_properties(delivery.properties, rejected, self.queue),
            )
        except PublishError:
            # Not confirmed: give it back to the queue rather than drop it, and stop here.
            if self._channel.is_open:
                self._channel.basic_nack(delivery_tag=delivery.delivery_tag, requeue=True)
            raise
        self._channel.basic_ack(delivery_tag=delivery.delivery_tag)

    def _dead_letters(self) -> BlockingChannel:
        if self._dead_letter_channel is None or not self._dead_letter_channel.is_open:
            channel = self.connection.channel()
            channel.confirm_delivery()
            self._dead_letter_channel = channel
        return self._dead_letter_channel
