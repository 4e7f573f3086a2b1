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

A broadcast goes to a named channel rather than to one receiver: its receiver word is the
channel's name (alias-shaped, e.g. ``d1.time`` for the timesteps of a run) written as an alias
word behind ``bc_`` (``bc_d1-time``), which no alias word can be (aliases hold no ``_``). Its
envelope's destination is the channel's name; it is signed once, and each subscriber's queue
gets a copy (bound with ``<publisher>.*.bc_<channel>``, or ``*.*.bc_<channel>`` for any
publisher) that the subscriber verifies itself.

A receiver's queue is bound with ``*.*.<receiver>``. The broker enforces the sender: each
user's topic permission on the exchange lets it publish only routing keys whose first word is
its own alias (`sender_pattern`), and bind only keys addressed to itself or to a broadcast
channel (`binding_pattern`; broadcasts are readable by every member of the vhost).
RabbitMQ applies topic permissions to topic exchanges only, hence a topic exchange.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from gridworks.identity.alias import check_alias

EXCHANGE = "gridworks.topic"
"""The actors' topic exchange (durable), distinct from the direct ``gridworks.actors``."""

_TYPE_NAME = re.compile(r"[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*")
_ALIAS_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_TYPE_WORD = re.compile(r"[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*")


class RoutingKeyError(ValueError):
    """A routing key, alias or type name does not follow the convention."""


BROADCAST = "bc_"
"""What starts the receiver word of a broadcast's routing key."""


class Route(NamedTuple):
    sender: str
    message_type: str
    receiver: str
    """The receiving alias, or for a broadcast the channel's name."""
    broadcast: bool = False


@lru_cache(maxsize=65_536)
def alias_word(alias: str) -> str:
    """`alias` as one routing-key word: its dots written as ``-``."""
    return check_alias(alias).replace(".", "-")


@lru_cache(maxsize=1_024)
def type_word(message_type: str) -> str:
    """A message type name as one routing-key word: its dots written as ``_``."""
    if not isinstance(message_type, str) or not _TYPE_NAME.fullmatch(message_type):
        raise RoutingKeyError(f"not a message type name: {message_type!r}")
    return message_type.replace(".", "_")


def routing_key(sender: str, message_type: str, receiver: str) -> str:
    """``<sender>.<type>.<receiver>``: what `sender` publishes a `message_type` to `receiver`
    with."""
    return f"{alias_word(sender)}.{type_word(message_type)}.{alias_word(receiver)}"


def broadcast_key(sender: str, message_type: str, channel: str) -> str:
    """``<sender>.<type>.bc_<channel>``: what `sender` broadcasts a `message_type` on
    `channel` with."""
    return f"{alias_word(sender)}.{type_word(message_type)}.{BROADCAST}{alias_word(channel)}"


def parse(key: str) -> Route:
    """The sender, type and receiver (or channel) a routing key names; `RoutingKeyError` if it
    is not one."""
    words = key.split(".")
    broadcast = len(words) == 3 and words[2].startswith(BROADCAST)
    if broadcast:
        words[2] = words[2][len(BROADCAST) :]
    if (
        len(words) != 3
        or not _ALIAS_WORD.fullmatch(words[0])
        or not _TYPE_WORD.fullmatch(words[1])
        or not _ALIAS_WORD.fullmatch(words[2])
    ):
        raise RoutingKeyError(f"not a <sender>.<type>.<receiver> routing key: {key!r}")
    sender, kind, receiver = words
    return Route(
        sender.replace("-", "."), kind.replace("_", "."), receiver.replace("-", "."), broadcast
    )


def binding_key(receiver: str) -> str:
    """What `receiver`'s queue is bound to the exchange with: every message addressed to it."""
    return f"*.*.{alias_word(receiver)}"


def subscription_key(channel: str, publisher: str | None = None) -> str:
    """What a subscriber's queue is bound with to get `channel`'s broadcasts (from
    `publisher` only, or from anyone)."""
    sender = "*" if publisher is None else alias_word(publisher)
    return f"{sender}.*.{BROADCAST}{alias_word(channel)}"


def _words(aliases: tuple[str, ...]) -> str:
    if not aliases:
        raise RoutingKeyError("at least one alias")
    words = sorted({re.escape(alias_word(alias)) for alias in aliases})
    return words[0] if len(words) == 1 else f"(?:{'|'.join(words)})"


def sender_pattern(*aliases: str) -> str:
    """The topic-permission ``write`` regex of a login speaking for `aliases` (one GNode, or
    the actors of one host): routing keys naming one of them as the sender."""
    return f"^{_words(aliases)}\\."


def binding_pattern(*aliases: str) -> str:
    """The topic-permission ``read`` regex of a login for `aliases`: binding only to keys
    addressed to one of them, or to any broadcast channel."""
    own = f"\\*\\.\\*\\.{_words(aliases)}"
    return f"^(?:{own}|(?:\\*|[a-z0-9-]+)\\.\\*\\.{BROADCAST}[a-z0-9-]+)$"
