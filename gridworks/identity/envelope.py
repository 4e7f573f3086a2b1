"""Signed envelopes: the only form in which a GNode's message travels over the broker.

The wire form is one UTF-8 JSON document with a fixed layout::

    {"signature":"<88 base64 characters>","message":{"header":{...},"payload":{...}}}

The signature is Ed25519 over ``DOMAIN_PREFIX + <the exact bytes of the "message" value>``, as
they are sent: nothing is re-serialized or canonicalized before checking, so what was verified is
byte for byte what is handed on. The prefix is ours and starts with a lowercase ``g``, so the
signed bytes can never be an Algorand transaction (``TX``), an algosdk data signature (``MX``),
a program (``Program``/``ProgData``) or another protocol's message that happens to parse.

The parser is strict and cheap before it is thorough: a size limit, UTF-8, the fixed layout,
JSON without duplicate keys or NaN, then the header's schema. Every refusal is an
`EnvelopeError` carrying a `RejectReason`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
import uuid
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gridworks.identity.address import check_algorand_address
from gridworks.identity.alias import check_alias
from gridworks.identity.rejection import EnvelopeError, RejectReason

DOMAIN_PREFIX = b"gridworks.signed-envelope.v1\x00"
"""Prepended to the message bytes before signing; never sent."""

ALGORITHM = "Ed25519"
"""The one signature algorithm envelopes use (RFC 8032, pure Ed25519)."""

MAX_MESSAGE_BYTES = 64 * 1024
"""Default size limit of a whole envelope on the wire."""

MAX_DEPTH = 64
"""How deeply a message's JSON may nest (a bound of its own, not the interpreter's)."""
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")
_HEAD = b'{"signature":"'
_MIDDLE = b'","message":'
_SIGNATURE_CHARS = 88  # base64 of 64 bytes
_MESSAGE_START = len(_HEAD) + _SIGNATURE_CHARS + len(_MIDDLE)
_TYPE_NAME = re.compile(r"[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*")
_MESSAGE_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


# A receiver sees the same few aliases and signers over and over: remember the valid ones
# (invalid ones raise, and lru_cache does not keep exceptions).
_valid_alias = lru_cache(maxsize=4096)(check_alias)
_valid_address = lru_cache(maxsize=4096)(check_algorand_address)


def canonical_b64decode(text: str | bytes) -> bytes:
    """Standard padded base64, accepted only in its one canonical spelling.

    A last character before the padding has unused low bits; a lax decoder lets them be
    anything, so one value would have up to 16 spellings. Re-encoding must give the text back.
    Raises ValueError otherwise.
    """
    data = text.encode("ascii", "strict") if isinstance(text, str) else text
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None
    if base64.b64encode(raw) != data:
        raise ValueError("not the canonical base64 spelling (non-zero padding bits)")
    return raw


@lru_cache(maxsize=64)
def _valid_genesis_hash(value: str) -> str:
    try:
        raw = canonical_b64decode(value)
    except (UnicodeEncodeError, ValueError) as error:
        raise ValueError(f"canonical base64 of 32 bytes: {error}") from None
    if len(raw) != 32:
        raise ValueError("canonical base64 of 32 bytes")
    return value


class MessageSigner(Protocol):
    """What signs an envelope: an account's address and raw Ed25519 over given bytes."""

    @property
    def address(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...


class Header(BaseModel):
    """Who sent what to whom, when, for which network, under which algorithm."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    type: str = Field(max_length=64)
    """The message type's name, lowercase words joined by dots or dashes (`gridworks.telemetry`)."""
    version: int = Field(ge=1, le=65535)
    """The version of the message type's payload schema."""
    message_id: str
    """A UUID, unique per message; the receiver accepts each id once."""
    source: str
    """The alias of the GNode that sends the message."""
    destination: str
    """The alias of the GNode it is for."""
    created_ms: int = Field(ge=0, lt=2**53)
    """When it was signed, in milliseconds since the Unix epoch."""
    expires_ms: int = Field(ge=0, lt=2**53)
    """After this time (ms since the epoch) it must not be accepted."""
    signer: str
    """The Algorand address of the account that signed it."""
    algorithm: str = Field(max_length=32)
    """The signature algorithm; only `Ed25519` is accepted."""
    genesis_hash: str
    """Base64 of the genesis hash of the chain the signer's certificates live on."""

    @field_validator("type")
    @classmethod
    def _type_name(cls, value: str) -> str:
        if not _TYPE_NAME.fullmatch(value):
            raise ValueError("lowercase words of letters and digits joined by '.' or '-'")
        return value

    @field_validator("message_id")
    @classmethod
    def _message_id(cls, value: str) -> str:
        if not _MESSAGE_ID.fullmatch(value):
            raise ValueError("a lowercase UUID such as 8c1d5f6e-0b7a-4f3e-9d2c-1a2b3c4d5e6f")
        return value

    @field_validator("source", "destination")
    @classmethod
    def _alias(cls, value: str) -> str:
        return _valid_alias(value)

    @field_validator("signer")
    @classmethod
    def _signer(cls, value: str) -> str:
        return _valid_address(value)

    @field_validator("genesis_hash")
    @classmethod
    def _genesis_hash(cls, value: str) -> str:
        return _valid_genesis_hash(value)


class SignedEnvelope(BaseModel):
    """A header and its payload as signed; `wire` is exactly what goes on the broker."""

    model_config = ConfigDict(frozen=True)

    header: Header
    payload: dict[str, Any]
    signature: bytes
    message_bytes: bytes
    """The exact bytes of the ``"message"`` value that the signature covers."""

    @property
    def wire(self) -> bytes:
        return wire_of(self.signature, self.message_bytes)

    @property
    def signed_bytes(self) -> bytes:
        """What Ed25519 signed: our domain prefix and the message bytes."""
        return DOMAIN_PREFIX + self.message_bytes


def wire_of(signature: bytes, message_bytes: bytes) -> bytes:
    """The envelope layout around a signature and the message bytes it covers."""
    return _HEAD + base64.b64encode(signature) + _MIDDLE + message_bytes + b"}"


def _dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def seal(
    signer: MessageSigner,
    *,
    message_type: str,
    payload: BaseModel | Mapping[str, Any],
    source: str,
    destination: str,
    genesis_hash: str,
    version: int = 1,
    ttl_ms: int = 60_000,
    message_id: str | None = None,
    clock: Callable[[], int] = now_ms,
) -> SignedEnvelope:
    """Sign `payload` as `source` (whose certificate `signer` holds) for `destination`."""
    created = clock()
    header = Header(
        type=message_type,
        version=version,
        message_id=message_id or str(uuid.uuid4()),
        source=source,
        destination=destination,
        created_ms=created,
        expires_ms=created + ttl_ms,
        signer=signer.address,
        algorithm=ALGORITHM,
        genesis_hash=genesis_hash,
    )
    body = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else dict(payload)
    message_bytes = _dumps({"header": header.model_dump(), "payload": body})
    signature = signer.sign(DOMAIN_PREFIX + message_bytes)
    return SignedEnvelope(
        header=header, payload=body, signature=signature, message_bytes=message_bytes
    )


# ---- parsing -------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise EnvelopeError(RejectReason.DUPLICATE_KEY, f"the key {key!r} appears twice")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise EnvelopeError(RejectReason.MALFORMED, f"{name} is not JSON")


def _field_errors(error: ValidationError, where: str) -> str:
    parts = []
    for item in error.errors()[:3]:
        loc = ".".join(str(p) for p in item["loc"]) or where
        parts.append(f"{where}.{loc}: {item['msg']}" if item["loc"] else f"{where}: {item['msg']}")
    return "; ".join(parts)


def _check_depth(text: str) -> None:
    """Refuses JSON nested deeper than MAX_DEPTH before json.loads recurses into it.

    The number of opening brackets bounds the depth, so most messages cost two counts; only
    one with more than MAX_DEPTH of them is walked, its strings skipped.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for token in _BRACKET.finditer(_STRING.sub('""', text)):
        depth += 1 if token.group() in "[{" else -1
        if depth > MAX_DEPTH:
            raise EnvelopeError(
                RejectReason.MALFORMED,
                f"the message nests too deeply (more than {MAX_DEPTH} levels)",
            )


def parse(wire: bytes, *, max_bytes: int = MAX_MESSAGE_BYTES) -> SignedEnvelope:
    """Read an envelope from its wire bytes; `EnvelopeError` says precisely what is wrong.

    The signature is not checked here (that needs the chain); only the form is.
    """
    if not isinstance(wire, (bytes, bytearray, memoryview)):
        raise EnvelopeError(RejectReason.MALFORMED, "an envelope is bytes")
    wire = bytes(wire)
    if len(wire) > max_bytes:
        raise EnvelopeError(
            RejectReason.TOO_LARGE, f"{len(wire)} bytes; the limit is {max_bytes} bytes"
        )
    try:
        text = wire.decode("utf-8")
    except UnicodeDecodeError as error:
        raise EnvelopeError(
            RejectReason.NOT_UTF8, f"byte {error.start} is not valid UTF-8"
        ) from None
    if (
        len(wire) < _MESSAGE_START + 2
        or not wire.startswith(_HEAD)
        or wire[len(_HEAD) + _SIGNATURE_CHARS : _MESSAGE_START] != _MIDDLE
        or not wire.endswith(b"}")
    ):
        raise EnvelopeError(
            RejectReason.MALFORMED,
            'not a signed envelope: expected {"signature":"<88 base64 chars>","message":{...}}',
        )
    try:
        signature = canonical_b64decode(wire[len(_HEAD) : len(_HEAD) + _SIGNATURE_CHARS])
    except ValueError as error:
        raise EnvelopeError(RejectReason.MALFORMED, f"the signature is {error}") from None
    if len(signature) != 64:
        raise EnvelopeError(RejectReason.MALFORMED, "the signature is not 64 bytes")
    message_bytes = wire[_MESSAGE_START:-1]
    _check_depth(text[_MESSAGE_START:-1])
    try:
        # the layout up to the message is ASCII, so characters and bytes line up until there
        message = json.loads(
            text[_MESSAGE_START:-1], object_pairs_hook=_no_duplicates, parse_constant=_no_constant
        )
    except EnvelopeError:
        raise
    except RecursionError:
        raise EnvelopeError(RejectReason.MALFORMED, "the message nests too deeply") from None
    except ValueError as error:  # JSONDecodeError, or an integer too long to read
        raise EnvelopeError(RejectReason.MALFORMED, f"the message is not JSON: {error}") from None
    if not isinstance(message, dict) or set(message) != {"header", "payload"}:
        raise EnvelopeError(
            RejectReason.MALFORMED, 'the message is an object with exactly "header" and "payload"'
        )
    if not isinstance(message["payload"], dict):
        raise EnvelopeError(RejectReason.SCHEMA, "payload: must be a JSON object")
    if not isinstance(message["header"], dict):
        raise EnvelopeError(RejectReason.SCHEMA, "header: must be a JSON object")
    try:
        header = Header.model_validate(message["header"])
    except ValidationError as error:
        raise EnvelopeError(RejectReason.SCHEMA, _field_errors(error, "header")) from None
    return SignedEnvelope(
        header=header,
        payload=message["payload"],
        signature=signature,
        message_bytes=message_bytes,
    )
