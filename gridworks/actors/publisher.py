"""Publish signed envelopes so that the broker either takes responsibility or says no.

Publisher confirms plus ``mandatory`` make every failure loud: a message no queue is bound
for comes back (unroutable), one the broker cannot store is nacked, and one whose ``user_id``
is not the connection's login closes the channel (RabbitMQ's own check of who published).
Each of these raises `PublishError`; a returning `publish` means a queue holds the message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel

from gridworks.actors.broker import BrokerConfig, PublishError, declare_topology
from gridworks.actors.lookahead import ahead
from gridworks.identity.envelope import SignedEnvelope, now_ms

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/vnd.gridworks.signed-envelope+json"
APP_ID = "gridworks"


def message_type_of(envelope: SignedEnvelope) -> str:
    """The AMQP ``type`` property: ``<type>/v<version>`` (informational, never trusted)."""
    return f"{envelope.header.type}/v{envelope.header.version}"


class SignedPublisher:
    """Publishes to the actors' exchange on its own confirming channel."""

    def __init__(self, connection: pika.BlockingConnection, config: BrokerConfig) -> None:
        self.connection = connection
        self.config = config
        self._channel: BlockingChannel | None = None
        self._open()

    def _open(self) -> BlockingChannel:
        channel = self.connection.channel()
        channel.confirm_delivery()
        declare_topology(channel, self.config)
        self._channel = channel
        return channel

    @property
    def channel(self) -> BlockingChannel:
        """The publishing channel, reopened if the broker closed the previous one."""
        if self._channel is None or not self._channel.is_open:
            if not self.connection.is_open:
                raise PublishError("the broker connection is closed; connect again")
            log.info("reopening the publishing channel")
            return self._open()
        return self._channel

    def close(self) -> None:
        if self._channel is not None and self._channel.is_open:
            self._channel.close()
        self._channel = None

    def publish(self, envelope: SignedEnvelope) -> None:
        """Publish `envelope.wire` to its destination's queue; `PublishError` if not taken.

        The expiration is what is left of the envelope's validity (at least 1 ms), so the
        broker drops what the receiver would refuse as expired anyway.
        """
        header = envelope.header
        self.publish_wire(
            envelope.wire,
            header.destination,
            message_id=header.message_id,
            message_type=message_type_of(envelope),
            timestamp=header.created_ms // 1000,
            expiration_ms=max(1, header.expires_ms - now_ms()),
            headers={"source": header.source, "destination": header.destination},
        )

    def publish_all(self, envelopes: Iterable[SignedEnvelope], *, depth: int = 16) -> int:
        """Publish each envelope in order, confirmed one by one; returns how many.

        `envelopes` is consumed on a helper thread up to `depth` ahead (`lookahead.ahead`), so
        a lazy iterable that seals as it goes signs the next message while the broker confirms
        the current one. A `PublishError` stops at the envelope that failed.
        """
        count = 0
        for envelope in ahead(envelopes, depth):
            self.publish(envelope)
            count += 1
        return count

    def publish_wire(
        self,
        wire: bytes,
        routing_key: str,
        *,
        message_id: str | None = None,
        user_id: str | None = None,
        message_type: str | None = None,
        timestamp: int | None = None,
        expiration_ms: int | None = None,
        headers: Mapping[str, Any] | None = None,
        exchange: str | None = None,
    ) -> None:
        """Publish raw bytes (to replay or forge in tests and demos); `PublishError` if refused.

        `user_id` defaults to the broker login; any other value makes RabbitMQ close the
        channel (406 PRECONDITION_FAILED), which is how a claim to be someone else fails.
        """
        exchange = self.config.exchange if exchange is None else exchange
        properties = pika.BasicProperties(
            content_type=CONTENT_TYPE,
            delivery_mode=pika.DeliveryMode.Persistent,
            message_id=message_id,
            type=message_type,
            timestamp=timestamp,
            app_id=APP_ID,
            user_id=self.config.user if user_id is None else user_id,
            expiration=None if expiration_ms is None else str(max(1, int(expiration_ms))),
            headers=dict(headers) if headers is not None else None,
        )
        send(self.channel, exchange, routing_key, wire, properties)
        log.debug("published %s to %s via %s", message_id, routing_key, exchange)


def send(
    channel: BlockingChannel,
    exchange: str,
    routing_key: str,
    body: bytes,
    properties: pika.BasicProperties,
) -> None:
    """One confirmed, mandatory publish on a confirming channel, failures as `PublishError`."""
    what = f"message {properties.message_id or '(no id)'} for {routing_key!r} on {exchange!r}"
    try:
        channel.basic_publish(
            exchange=exchange,
            routing_key=routing_key,
            body=body,
            properties=properties,
            mandatory=True,
        )
    except pika.exceptions.UnroutableError:
        raise PublishError(
            f"{what} is unroutable: no queue is bound for that routing key (is that actor's "
            "queue declared?)"
        ) from None
    except pika.exceptions.NackError:
        raise PublishError(f"the broker nacked {what}: it did not store it") from None
    except pika.exceptions.ChannelClosedByBroker as error:
        detail = error.reply_text
        if error.reply_code == 406 and "user_id" in detail:
            reason = (
                f"the broker refused {what}: its user_id {properties.user_id!r} is not the "
                f"connection's login ({detail})"
            )
        else:
            reason = (
                f"the broker refused {what} and closed the channel: {error.reply_code} {detail}"
            )
        raise PublishError(reason) from None
    except pika.exceptions.AMQPError as error:  # a closed channel or connection, a lost socket
        raise PublishError(f"could not publish {what}: {type(error).__name__}: {error}") from None
