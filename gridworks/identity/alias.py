"""GNode aliases: ``d1.isone.ver.keene.holly.ta``.

Rules, checked in this order so the message names the first thing wrong:

- at most ``MAX_ALIAS_LENGTH`` (63) characters. That is the chain registry's bound: the
  GNodeFactory keys its box by ``b"g" + alias`` and an AVM box key holds at most 64 bytes, so a
  longer alias could be valid here yet never registered on chain. (An Algorand asset name holds
  only 32 bytes, so certificates carry the full alias in their ARC-3 metadata, not the name.)
- only lowercase letters, digits and dots;
- words (the parts between dots) are non-empty;
- the first character is a letter;
- the first word is the world root, naming the universe: ``d`` + lowercase alphanumerics
  (at least one, e.g. ``d1``) for dev, ``h`` + lowercase alphanumerics for hybrid, exactly ``w``
  for production.

The parent alias is the alias minus its last word; a root alias has no parent.
"""

from __future__ import annotations

import re
import string
from enum import StrEnum
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from gridworks.identity.errors import AliasError

MAX_ALIAS_LENGTH = 63
"""Upper bound on an alias's length, in characters (all ASCII, so also bytes)."""

_ALLOWED_CHARS = frozenset(string.ascii_lowercase + string.digits + ".")
_DEV_ROOT = re.compile(r"d[a-z0-9]+")
_HYBRID_ROOT = re.compile(r"h[a-z0-9]+")
_PRODUCTION_ROOT = "w"


class Universe(StrEnum):
    """The universe a world lives in, read from its root alias's first letter."""

    DEV = "dev"
    HYBRID = "hybrid"
    PRODUCTION = "production"


def _universe_of_root(root: str) -> Universe | None:
    if root == _PRODUCTION_ROOT:
        return Universe.PRODUCTION
    if _DEV_ROOT.fullmatch(root):
        return Universe.DEV
    if _HYBRID_ROOT.fullmatch(root):
        return Universe.HYBRID
    return None


def check_alias(value: object) -> str:
    """Return ``value`` if it is a valid alias; else raise ``AliasError`` saying what is wrong."""
    if not isinstance(value, str):
        raise AliasError(f"alias must be a string, not {type(value).__name__}")
    if value == "":
        raise AliasError("alias is empty")
    if len(value) > MAX_ALIAS_LENGTH:
        raise AliasError(f"alias is {len(value)} characters long; the limit is {MAX_ALIAS_LENGTH}")
    for position, char in enumerate(value):
        if char in _ALLOWED_CHARS:
            continue
        if char.isupper():
            raise AliasError(
                f"alias {value!r} has uppercase {char!r} at position {position}; "
                "aliases are lowercase"
            )
        raise AliasError(
            f"alias {value!r} has invalid character {char!r} at position {position}; "
            "only lowercase letters, digits and dots are allowed"
        )
    words = value.split(".")
    for index, word in enumerate(words):
        if word == "":
            raise AliasError(
                f"alias {value!r} has an empty word (word {index}); "
                "words are joined by single dots, with none at either end"
            )
    if not value[0].isalpha():
        raise AliasError(
            f"alias {value!r} starts with digit {value[0]!r}; it must start with a letter"
        )
    root = words[0]
    if _universe_of_root(root) is None:
        raise AliasError(
            f"alias {value!r} has bad root {root!r}; the root is 'd' + lowercase alphanumerics "
            "(dev, e.g. 'd1'), 'h' + lowercase alphanumerics (hybrid) or exactly 'w' (production)"
        )
    return value


class GNodeAlias(str):
    """A validated GNode alias; a ``str``, with its structure as properties.

    ``GNodeAlias("d1.isone")`` raises ``AliasError`` on a bad alias. As a pydantic field type it
    validates from and serializes to a plain string.
    """

    __slots__ = ()

    def __new__(cls, value: str) -> GNodeAlias:
        return super().__new__(cls, check_alias(value))

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls,
            core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @property
    def words(self) -> tuple[str, ...]:
        """The dot-separated words, root first."""
        return tuple(self.split("."))

    @property
    def root(self) -> GNodeAlias:
        """The world root alias (the first word)."""
        return GNodeAlias(self.words[0])

    @property
    def universe(self) -> Universe:
        """dev, hybrid or production, read from the root."""
        universe = _universe_of_root(self.words[0])
        assert universe is not None  # checked on construction
        return universe

    @property
    def is_root(self) -> bool:
        """True for a world root alias (a single word)."""
        return "." not in self

    @property
    def parent(self) -> GNodeAlias | None:
        """The alias minus its last word; ``None`` for a root."""
        if self.is_root:
            return None
        return GNodeAlias(self.rsplit(".", 1)[0])

    @property
    def last_word(self) -> str:
        """The last word (for a root, the root itself)."""
        return self.words[-1]

    def child(self, word: str) -> GNodeAlias:
        """The alias of a child named ``word`` under this alias."""
        return GNodeAlias(f"{self}.{word}")

    def __repr__(self) -> str:
        return f"GNodeAlias({str(self)!r})"
