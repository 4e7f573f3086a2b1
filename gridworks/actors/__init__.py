"""GNode actors: signed envelopes over RabbitMQ, verified before any handler sees them."""

from gridworks.actors.broker import (
    BrokerConfig,
    BrokerError,
    PublishError,
    connect,
    declare_actor_queue,
    declare_topology,
)
from gridworks.actors.consumer import Delivery, VerifyingConsumer
from gridworks.actors.dead_letters import DeadLetter, read_dead_letters
from gridworks.actors.publisher import SignedPublisher

__all__ = [
    "BrokerConfig",
    "BrokerError",
    "DeadLetter",
    "Delivery",
    "PublishError",
    "SignedPublisher",
    "VerifyingConsumer",
    "connect",
    "declare_actor_queue",
    "declare_topology",
    "read_dead_letters",
]
