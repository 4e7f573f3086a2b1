"""Query parameters of indexer's routes, checked as indexer checks them: unknown names,
malformed values and out-of-range limits are refused with a 400 before anything runs."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from datetime import datetime

from starlette.datastructures import QueryParams

from ..api.http import ApiError, int_param
from ..encoding import EncodingError, decode_address, decode_txid, encode_address
from .search import Position

_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})
_LISTS = frozenset({"assets", "created-assets", "apps-local-state", "created-apps"})
_EXCLUDE = _LISTS | {"all", "none"}


def encode_token(*parts: int | str) -> str:
    """An opaque next-token for these page-end parts."""
    text = ":".join(str(part) for part in parts)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode_token(token: str) -> list[str]:
    try:
        padded = token + "=" * (-len(token) % 4)
        return base64.urlsafe_b64decode(padded.encode()).decode().split(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ApiError(400, f"invalid next token {token!r}") from None


class Params:
    """A request's query parameters; `allowed` names those its route takes."""

    def __init__(self, query: QueryParams, allowed: Iterable[str]) -> None:
        self.query = query
        known = frozenset(allowed)
        for name in query.keys():
            if name not in known:
                raise ApiError(400, f"Unknown parameter detected: {name}")

    def raw(self, name: str) -> str | None:
        return self.query.get(name)

    def integer(self, name: str) -> int | None:
        text = self.query.get(name)
        return None if text is None else int_param(text, name)

    def boolean(self, name: str) -> bool:
        text = self.query.get(name)
        if text is None:
            return False
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ApiError(400, f"invalid {name} {text!r}: expected true or false")

    def choice(self, name: str, choices: Iterable[str]) -> str | None:
        text = self.query.get(name)
        options = tuple(choices)
        if text is not None and text not in options:
            raise ApiError(400, f"invalid {name} {text!r}: expected one of {', '.join(options)}")
        return text

    def address(self, name: str) -> bytes | None:
        text = self.query.get(name)
        return None if text is None else address(text, name)

    def base64(self, name: str) -> bytes | None:
        text = self.query.get(name)
        if text is None:
            return None
        standard = text.replace("-", "+").replace("_", "/")  # the URL-safe alphabet too
        try:
            return base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(400, f"invalid {name} {text!r}: expected base64") from None

    def time(self, name: str) -> int | None:
        """An RFC 3339 time, as Unix seconds."""
        text = self.query.get(name)
        if text is None:
            return None
        try:
            moment = datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError:
            raise ApiError(400, f"invalid {name} {text!r}: expected an RFC 3339 time") from None
        if moment.tzinfo is None:
            raise ApiError(400, f"invalid {name} {text!r}: the time needs a zone (Z or ±hh:mm)")
        return int(moment.timestamp())

    def txid(self, name: str) -> bytes | None:
        text = self.query.get(name)
        return None if text is None else txid_param(text, name)

    def limit(self, default: int, maximum: int) -> int:
        value = self.integer("limit")
        if value is None or value == 0:
            return default
        return min(value, maximum)

    def exclude(self) -> frozenset[str]:
        """The account lists `exclude` leaves out (comma-separated or repeated)."""
        names: set[str] = set()
        for text in self.query.getlist("exclude"):
            for name in text.split(","):
                if name not in _EXCLUDE:
                    raise ApiError(400, f"invalid exclude {name!r}")
                names.add(name)
        if "all" in names:
            return _LISTS
        return frozenset(names - {"none"})

    def position(self) -> Position | None:
        """A transaction page's end from `next`."""
        token = self.query.get("next")
        if token is None:
            return None
        parts = _decode_token(token)
        if len(parts) != 2 or not all(part.isdigit() for part in parts):
            raise ApiError(400, f"invalid next token {token!r}")
        return int(parts[0]), int(parts[1])

    def next_int(self) -> int | None:
        """An id page's end from `next` (an asset or app id, as indexer gives it)."""
        token = self.query.get("next")
        if token is None:
            return None
        if not token.isdigit():
            raise ApiError(400, f"invalid next token {token!r}")
        return int(token)

    def next_address(self) -> bytes | None:
        """An address page's end from `next` (an address, as indexer gives it)."""
        token = self.query.get("next")
        return None if token is None else address(token, "next token")


def address(text: str, name: str) -> bytes:
    try:
        key = decode_address(text)
    except EncodingError as exc:
        raise ApiError(400, f"invalid {name} {text!r}: {exc}") from None
    if encode_address(key) != text:
        raise ApiError(400, f"invalid {name} {text!r}: the address is not canonical")
    return key


def txid_param(text: str, name: str) -> bytes:
    try:
        return decode_txid(text)
    except EncodingError as exc:
        raise ApiError(400, f"invalid {name} {text!r}: {exc}") from None
