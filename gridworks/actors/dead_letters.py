"""Dead letters: how a refused message is labelled on its way to the dead-letter queue, and
how the queue is read back.

Two writers fill the dead-letter queue (see `gridworks.actors.broker`): the consumer, which
republishes what it refuses with `dead_letter_properties` (the reason in ``x-gridworks-*``
headers), and the broker, which dead-letters what the consumer nacked or what expired in an
actor queue (its ``x-death`` headers). `read_dead_letters` takes both back as `DeadLetter`s.
"""

from __future__ import annotations

import time
from typing import Any

import pika
import pika.exceptions
from pydantic import BaseModel, ConfigDict

from gridworks.actors.broker import BrokerConfig, BrokerError
from gridworks.identity.verifier import Rejected

REASON_HEADER = "x-gridworks-reason"
DETAIL_HEADER = "x-gridworks-detail"
QUEUE_HEADER = "x-gridworks-queue"
USER_ID_HEADER = "x-gridworks-user-id"
"""The refused message's ``user_id`` property, kept as a header (see `dead_letter_properties`)."""
MAX_DETAIL_CHARS = 500


def dead_letter_properties(
    properties: pika.BasicProperties, rejected: Rejected, queue: str
) -> pika.BasicProperties:
    """The original properties plus the reason headers, minus what would lose or block it.

    ``expiration`` is dropped (the copy must not expire in the dead-letter queue, which has no
    dead-letter exchange of its own) and ``user_id`` moves to a header (RabbitMQ accepts only
    the publishing connection's own login there, and the consumer may log in as someone else).
    """
    headers: dict[str, Any] = dict(properties.headers or {})
    headers[REASON_HEADER] = str(rejected.reason.value)
    headers[DETAIL_HEADER] = rejected.detail[:MAX_DETAIL_CHARS]
    headers[QUEUE_HEADER] = queue
    if properties.user_id is not None:
        headers[USER_ID_HEADER] = properties.user_id
    return pika.BasicProperties(
        content_type=properties.content_type,
        content_encoding=properties.content_encoding,
        headers=headers,
        delivery_mode=pika.DeliveryMode.Persistent,
        priority=properties.priority,
        correlation_id=properties.correlation_id,
        reply_to=properties.reply_to,
        message_id=properties.message_id,
        timestamp=properties.timestamp,
        type=properties.type,
        app_id=properties.app_id,
        cluster_id=properties.cluster_id,
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


class DeadLetter(BaseModel):
    """A message from the dead-letter queue, and why it is there."""

    model_config = ConfigDict(frozen=True)

    body: bytes
    reason: str | None
    """The `RejectReason` the consumer gave, or the broker's ("rejected" when the verifier
    crashed and the message was nacked, "expired" when its expiration passed in an actor
    queue)."""
    detail: str | None
    message_id: str | None
    queue: str | None
    """The actor queue it was refused or dead-lettered from."""
    by_broker: bool
    """True when the broker dead-lettered it (nack or expiry), False when the consumer did."""
    headers: dict[str, Any]


def dead_letter_of(properties: pika.BasicProperties, body: bytes) -> DeadLetter:
    """What a message taken from the dead-letter queue says about itself: the consumer's
    reason headers, else the broker's ``x-first-death-*`` / ``x-death`` headers."""
    headers: dict[str, Any] = dict(properties.headers or {})
    if REASON_HEADER in headers:
        return DeadLetter(
            body=body,
            reason=_text(headers.get(REASON_HEADER)),
            detail=_text(headers.get(DETAIL_HEADER)),
            message_id=properties.message_id,
            queue=_text(headers.get(QUEUE_HEADER)),
            by_broker=False,
            headers=headers,
        )
    reason = _text(headers.get("x-first-death-reason"))
    queue = _text(headers.get("x-first-death-queue"))
    deaths = headers.get("x-death")
    if isinstance(deaths, list) and deaths and isinstance(deaths[0], dict):
        reason = reason or _text(deaths[0].get("reason"))
        queue = queue or _text(deaths[0].get("queue"))
    return DeadLetter(
        body=body,
        reason=reason,
        detail=None,
        message_id=properties.message_id,
        queue=queue,
        by_broker=True,
        headers=headers,
    )


def read_dead_letters(
    connection: pika.BlockingConnection,
    config: BrokerConfig,
    max_messages: int,
    timeout: float = 1.0,
) -> list[DeadLetter]:
    """Take (get and ack) up to `max_messages` dead letters, waiting at most `timeout` s for each.

    The broker dead-letters a nacked message asynchronously, hence the wait.
    """
    letters: list[DeadLetter] = []
    channel = connection.channel()
    try:
        try:
            channel.queue_declare(queue=config.dead_letter_queue, passive=True)
        except pika.exceptions.ChannelClosedByBroker as error:
            raise BrokerError(
                f"no dead-letter queue {config.dead_letter_queue!r} at {config.where}: "
                f"{error.reply_code} {error.reply_text}"
            ) from None
        deadline = time.monotonic() + timeout
        while len(letters) < max_messages:
            method, properties, body = channel.basic_get(config.dead_letter_queue, auto_ack=False)
            if method is None:
                if time.monotonic() >= deadline:
                    break
                connection.sleep(0.02)
                continue
            assert properties is not None and body is not None
            letters.append(dead_letter_of(properties, body))
            channel.basic_ack(delivery_tag=method.delivery_tag)
            deadline = time.monotonic() + timeout
    finally:
        if channel.is_open:
            channel.close()
    return letters
