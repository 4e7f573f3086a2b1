"""Checks against the RabbitMQ dev broker (``scripts/broker start``).

The broker is found through ``GRIDWORKS_AMQP_URL``. These tests fail rather
than skip when it cannot be reached: a missing broker is a setup error.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pika
import pika.exceptions
import pytest
from pika.adapters.blocking_connection import BlockingChannel

from gridworks.actors.dev_broker import DEFAULT_URL as DEFAULT_AMQP_URL

pytestmark = pytest.mark.broker

NO_ROUTE = 312


def amqp_url() -> str:
    return os.environ.get("GRIDWORKS_AMQP_URL", DEFAULT_AMQP_URL)


def connection_parameters(password: str | None = None) -> pika.URLParameters:
    params = pika.URLParameters(amqp_url())
    params.connection_attempts = 1
    params.socket_timeout = 5
    params.stack_timeout = 15
    params.blocked_connection_timeout = 15
    if password is not None:
        params.credentials = pika.PlainCredentials(params.credentials.username, password)
    return params


def describe_broker(params: pika.URLParameters) -> str:
    return f"{params.credentials.username}@{params.host}:{params.port}/{params.virtual_host}"


def unique_name(kind: str) -> str:
    return f"gridworks.test.dev_broker.{kind}.{uuid.uuid4().hex}"


@pytest.fixture
def connection() -> Iterator[pika.BlockingConnection]:
    params = connection_parameters()
    error: pika.exceptions.AMQPConnectionError | None = None
    try:
        conn = pika.BlockingConnection(params)
    except pika.exceptions.AMQPConnectionError as exc:
        error = exc
    if error is not None:
        pytest.fail(
            f"RabbitMQ dev broker not reachable as {describe_broker(params)}: {error!r}. "
            "Start it with scripts/broker start (or set GRIDWORKS_AMQP_URL).",
            pytrace=False,
        )
    try:
        yield conn
    finally:
        if conn.is_open:
            conn.close()


class Declared:
    """Remembers the queues/exchanges a test declares and deletes them afterwards."""

    def __init__(self, conn: pika.BlockingConnection) -> None:
        self._conn = conn
        self.queues: list[str] = []
        self.exchanges: list[str] = []

    def exchange(self, channel: BlockingChannel, exchange_type: str = "direct") -> str:
        name = unique_name("x")
        self.exchanges.append(name)
        channel.exchange_declare(
            exchange=name, exchange_type=exchange_type, durable=True, auto_delete=False
        )
        return name

    def queue(self, channel: BlockingChannel) -> str:
        name = unique_name("q")
        self.queues.append(name)
        channel.queue_declare(queue=name, durable=True, exclusive=False, auto_delete=False)
        return name

    def cleanup(self) -> None:
        if not self._conn.is_open or not (self.queues or self.exchanges):
            return
        # A fresh channel: the test's own channel may have been closed by an error.
        channel = self._conn.channel()
        try:
            for queue in self.queues:
                channel.queue_delete(queue=queue)
            for exchange in self.exchanges:
                channel.exchange_delete(exchange=exchange)
        finally:
            if channel.is_open:
                channel.close()


@pytest.fixture
def declared(connection: pika.BlockingConnection) -> Iterator[Declared]:
    tracker = Declared(connection)
    try:
        yield tracker
    finally:
        tracker.cleanup()


@pytest.fixture
def channel(connection: pika.BlockingConnection) -> Iterator[BlockingChannel]:
    ch = connection.channel()
    ch.confirm_delivery()
    try:
        yield ch
    finally:
        if ch.is_open:
            ch.close()


def test_confirmed_publish_round_trip(channel: BlockingChannel, declared: Declared) -> None:
    exchange = declared.exchange(channel)
    queue = declared.queue(channel)
    routing_key = "gridworks.test.round-trip"
    channel.queue_bind(queue=queue, exchange=exchange, routing_key=routing_key)

    body = b'{"TypeName": "gridworks.test", "Payload": "\xc3\xa9t\xc3\xa9"}'
    sent = pika.BasicProperties(
        content_type="application/json",
        content_encoding="utf-8",
        delivery_mode=pika.DeliveryMode.Persistent,
        priority=3,
        correlation_id=uuid.uuid4().hex,
        reply_to="gridworks.test.reply",
        message_id=uuid.uuid4().hex,
        timestamp=int(time.time()),
        type="gridworks.test",
        app_id="gridworks-tests",
        headers={"gw-kind": "round-trip", "attempt": 1, "tags": ["a", "b"]},
    )

    # In confirm mode a nack or a basic.return raises, so returning normally
    # means the broker confirmed the message and routed it.
    channel.basic_publish(
        exchange=exchange, routing_key=routing_key, body=body, properties=sent, mandatory=True
    )
    assert channel.queue_declare(queue=queue, passive=True).method.message_count == 1

    received = None
    for method, props, payload in channel.consume(queue, auto_ack=False, inactivity_timeout=10):
        assert method is not None, "no message delivered within 10s"
        channel.basic_ack(delivery_tag=method.delivery_tag)
        received = (method, props, payload)
        break
    channel.cancel()
    assert received is not None
    method, props, payload = received

    assert payload == body
    assert method.exchange == exchange
    assert method.routing_key == routing_key
    assert method.redelivered is False
    for field in (
        "content_type",
        "content_encoding",
        "delivery_mode",
        "priority",
        "correlation_id",
        "reply_to",
        "message_id",
        "timestamp",
        "type",
        "app_id",
        "headers",
    ):
        assert getattr(props, field) == getattr(sent, field), field

    assert channel.queue_declare(queue=queue, passive=True).method.message_count == 0


def test_mandatory_publish_without_binding_is_unroutable(
    channel: BlockingChannel, declared: Declared
) -> None:
    exchange = declared.exchange(channel)
    body = b"nobody is listening"

    with pytest.raises(pika.exceptions.UnroutableError) as excinfo:
        channel.basic_publish(
            exchange=exchange, routing_key="gridworks.test.nowhere", body=body, mandatory=True
        )

    [returned] = excinfo.value.messages
    assert returned.method.reply_code == NO_ROUTE
    assert returned.method.exchange == exchange
    assert returned.body == body
    # A returned message is not a channel error: the channel stays usable.
    assert channel.is_open


def test_wrong_password_is_refused(connection: pika.BlockingConnection) -> None:
    # The `connection` fixture proves the broker is up with the right password,
    # so the failure below is about the credentials and not about reachability.
    assert connection.is_open
    params = connection_parameters(password="not-" + uuid.uuid4().hex)
    with pytest.raises(
        (pika.exceptions.ProbableAuthenticationError, pika.exceptions.AuthenticationError)
    ):
        conn = pika.BlockingConnection(params)
        conn.close()  # only reached if the broker wrongly let us in
