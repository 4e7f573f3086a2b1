"""The RabbitMQ side of GNode actors: where the broker is, and the queues and exchanges they use.

Topology (all durable, messages persistent, so a broker restart loses nothing confirmed):

- ``exchange`` (topic, `routing.EXCHANGE` by default): every signed envelope is published
  here with the routing key ``<sender>.<type>.<receiver>`` (`gridworks.actors.routing`). Each
  actor's queue (`queue_name`) is bound with ``*.*.<its alias>`` and with the broadcast
  channels it subscribes to.
- each actor queue holds at most ``max_queue_length`` messages and then refuses new ones
  (``x-overflow: reject-publish``: the publisher's confirm is a nack), so a flooding sender
  fills only its receiver's queue, and is told so, instead of the broker's memory.
- ``dead_letter_exchange`` (fanout) and ``dead_letter_queue`` bound to it: where refused
  messages go (published there by the runtime, with the reason in headers) and where the
  broker itself dead-letters what expired in an actor queue. Fanout, because dead letters keep
  their original routing key and must all land in the one queue.
- ``ear_queue`` (if ``ear``): bound with ``#``, a copy of every message on the exchange, for
  the archive (`gridworks.actors.ear`). It drops its oldest messages beyond
  ``ear_max_length`` rather than refuse a publish.
"""

from __future__ import annotations

import logging
import os
from urllib.parse import unquote, urlsplit

import pika
import pika.exceptions
from pydantic import BaseModel, ConfigDict, Field

from gridworks.actors import dev_broker
from gridworks.identity.alias import check_alias

log = logging.getLogger(__name__)

DEFAULT_BROKER_URL = dev_broker.DEFAULT_URL
"""The dev broker of ``scripts/broker start`` (see `dev_broker`); public dev credentials."""

URL_ENV = "GRIDWORKS_BROKER_URL"
LEGACY_URL_ENV = "GRIDWORKS_AMQP_URL"
"""Also read (after `URL_ENV`), as tests/actors/test_dev_broker.py does."""


class BrokerError(Exception):
    """Base of every error raised by ``gridworks.actors`` about the broker."""


class PublishError(BrokerError):
    """A message was not accepted by the broker (unroutable, nacked, or refused)."""


def _default_url() -> str:
    """`GRIDWORKS_BROKER_URL`, else the dev broker on `GRIDWORKS_BROKER_PORT` (as scripts/broker
    starts it), else the dev broker on 5672."""
    explicit = os.environ.get(URL_ENV) or os.environ.get(LEGACY_URL_ENV)
    return explicit or dev_broker.url(dev_broker.port())


class BrokerConfig(BaseModel):
    """How to reach the broker and which exchanges and queues the actors share."""

    model_config = ConfigDict(frozen=True)

    url: str = Field(default_factory=_default_url, repr=False)
    """An AMQP URL; it may hold a password, so it is never logged or shown (see `where`)."""
    exchange: str = "gridworks.topic"
    dead_letter_exchange: str = "gridworks.dead-letter"
    dead_letter_queue: str = "gridworks.dead-letter"
    queue_expires_ms: int | None = Field(default=None, ge=1)
    """If set, queues unused for this long are deleted by the broker (``x-expires``): for
    throw-away topologies such as tests'. None keeps them until deleted."""

    max_queue_length: int = Field(default=10_000, ge=1)
    """Messages an actor queue holds before it refuses more (reject-publish)."""
    declare_topology: bool = True
    """Declare the shared exchanges and queues on connecting. A per-actor login
    (`broker_admin`) may not, and need not: its broker was provisioned with them."""
    ear: bool = True
    """Keep a copy of every message in `ear_queue` for the archive."""
    ear_max_length: int = Field(default=1_000_000, ge=1)

    @property
    def ear_queue(self) -> str:
        return f"{self.exchange}.ear"

    def queue_arguments(self) -> dict[str, int]:
        return {} if self.queue_expires_ms is None else {"x-expires": self.queue_expires_ms}

    def actor_queue_arguments(self) -> dict[str, object]:
        """An actor queue's: dead letters to `dead_letter_exchange`, bounded, reject-publish."""
        return {
            "x-dead-letter-exchange": self.dead_letter_exchange,
            "x-max-length": self.max_queue_length,
            "x-overflow": "reject-publish",
            **self.queue_arguments(),
        }

    def ear_queue_arguments(self) -> dict[str, object]:
        """Bounded, dropping its oldest rather than refusing a publish. Never ``x-expires``:
        the archive's queue must outlive idle spells (throw-away topologies delete it)."""
        return {"x-max-length": self.ear_max_length, "x-overflow": "drop-head"}

    @property
    def user(self) -> str:
        """The broker login: what RabbitMQ checks a message's ``user_id`` property against."""
        return unquote(urlsplit(self.url).username or "guest")

    @property
    def where(self) -> str:
        """``host:port/vhost``, safe to show (no credentials)."""
        params = self.parameters()
        return f"{params.host}:{params.port}/{params.virtual_host}"

    def parameters(self, *, timeout: float = 5.0) -> pika.URLParameters:
        """Connection parameters that fail fast: one attempt, bounded socket and handshake."""
        params = pika.URLParameters(self.url)
        params.connection_attempts = 1
        params.retry_delay = 0
        params.socket_timeout = timeout
        params.stack_timeout = max(timeout * 3, 15.0)
        params.blocked_connection_timeout = 30
        return params

    def __repr__(self) -> str:
        return (
            f"BrokerConfig(where={self.where!r}, user={self.user!r}, exchange={self.exchange!r}, "
            f"dead_letter_exchange={self.dead_letter_exchange!r}, "
            f"dead_letter_queue={self.dead_letter_queue!r}, "
            f"queue_expires_ms={self.queue_expires_ms!r})"
        )

    __str__ = __repr__


def scrub(text: str, config: BrokerConfig) -> str:
    """`text` without the URL's password, in case a library echoes it."""
    password = urlsplit(config.url).password
    if password:
        text = text.replace(password, "***").replace(unquote(password), "***")
    return text


def connect(config: BrokerConfig | None = None, *, timeout: float = 5.0) -> pika.BlockingConnection:
    """A blocking connection, or a `BrokerError` saying which broker did not answer and why."""
    config = config or BrokerConfig()
    try:
        params = config.parameters(timeout=timeout)
    except Exception as error:
        raise BrokerError(
            f"the broker URL is not valid: {type(error).__name__}: {scrub(str(error), config)}"
        ) from None
    try:
        connection = pika.BlockingConnection(params)
    except (
        pika.exceptions.ProbableAuthenticationError,
        pika.exceptions.AuthenticationError,
        pika.exceptions.ProbableAccessDeniedError,
    ) as error:
        raise BrokerError(
            f"the RabbitMQ broker at {config.where} refused user {config.user!r} "
            f"({type(error).__name__}); check the URL's credentials and vhost, "
            "or run scripts/broker start to provision the dev broker"
        ) from None
    except pika.exceptions.AMQPError as error:
        cause = scrub(repr(error), config)
        raise BrokerError(
            f"no RabbitMQ broker answered at {config.where} ({cause}); run scripts/broker start"
        ) from None
    log.info("connected to the broker at %s as %s", config.where, config.user)
    return connection


def queue_name(config: BrokerConfig, alias: str) -> str:
    """The queue of `alias`'s actor under `config`: the exchange's name and the alias.

    Queues are vhost-wide and keep the arguments of their first declaration, so each exchange
    (the demo's, a test's, the default) gets queues of its own.
    """
    return f"{config.exchange}:{check_alias(alias)}"
