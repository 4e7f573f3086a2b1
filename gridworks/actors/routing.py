"""The routing-key convention of the actors' topic exchange, and the broker permissions that
enforce it. One place: publishers, bindings and `broker_admin`'s permissions all read it.

A routing key is three words, ``<sender>.<type>.<receiver>``:

- ``sender`` and ``receiver`` are GNode aliases with their dots written as ``-``
  (``d1.isone.ver.keene.holly.scada`` -> ``d1-isone-ver-keene-holly-scada``), as GridWorks
  does. Aliases hold only ``[a-z0-9.]``, so the mapping is one-to-one, and a word never holds a
  dot: the first word *is* the sender, with no prefix ambiguity (with the dots kept,
  ``d1.a.b.x.y`` could be sent by ``d1.a`` or by ``d1.a.b``).
- ``type`` is the message type name with its dots written as ``_`` (type names hold
  ``[a-z0-9.-]``, so ``-`` is taken): ``gridworks.telemetry`` -> ``gridworks_telemetry``.

A receiver's queue is bound with ``*.*.<receiver>``. The broker enforces the sender: each
user's topic permission on the exchange lets it publish only routing keys whose first word is
its own alias (`sender_pattern`), and bind only keys addressed to itself (`binding_pattern`).
RabbitMQ applies topic permissions to topic exchanges only, hence a topic exchange.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from gridworks.identity.alias import check_alias

EXCHANGE = "gridworks.topic"
"""The actors' topic exchange (durable), distinct from the direct ``gridworks.actors``."""

_TYPE_NAME = re.compile(r"[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*")
_ALIAS_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_TYPE_WORD = re.compile(r"[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*")


class RoutingKeyError(ValueError):
    """A routing key, alias or type name does not follow the convention."""


class Route(NamedTuple):
    sender: str
    message_type: str
    receiver: str


def alias_word(alias: str) -> str:
    """`alias` as one routing-key word: its dots written as ``-``."""
    return check_alias(alias).replace(".", "-")


def type_word(message_type: str) -> str:
    """A message type name as one routing-key word: its dots written as ``_``."""
    if not isinstance(message_type, str) or not _TYPE_NAME.fullmatch(message_type):
        raise RoutingKeyError(f"not a message type name: {message_type!r}")
    return message_type.replace(".", "_")


def routing_key(sender: str, message_type: str, receiver: str) -> str:
    """``<sender>.<type>.<receiver>``: what `sender` publishes a `message_type` to `receiver`
    with."""
    return f"{alias_word(sender)}.{type_word(message_type)}.{alias_word(receiver)}"


def parse(key: str) -> Route:
    """The sender, type and receiver a routing key names; `RoutingKeyError` if it is not one."""
    words = key.split(".")
    if (
        len(words) != 3
        or not _ALIAS_WORD.fullmatch(words[0])
        or not _TYPE_WORD.fullmatch(words[1])
        or not _ALIAS_WORD.fullmatch(words[2])
    ):
        raise RoutingKeyError(f"not a <sender>.<type>.<receiver> routing key: {key!r}")
    sender, kind, receiver = words
    return Route(sender.replace("-", "."), kind.replace("_", "."), receiver.replace("-", "."))


def binding_key(receiver: str) -> str:
    """What `receiver`'s queue is bound to the exchange with: every message addressed to it."""
    return f"*.*.{alias_word(receiver)}"


def sender_pattern(alias: str) -> str:
    """The topic-permission ``write`` regex of `alias`: routing keys naming it as the sender."""
    return f"^{re.escape(alias_word(alias))}\\."


def binding_pattern(alias: str) -> str:
    """The topic-permission ``read`` regex of `alias`: binding only to keys addressed to it."""
    return f"^{re.escape(binding_key(alias))}$"
