"""Algorand's wire encodings: addresses, canonical msgpack and domain-separated hashes.

Canonical msgpack (the form every Algorand hash is taken over) sorts map keys and leaves out
zero values, so two encoders that agree on the data agree on the bytes.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from typing import Any

import msgpack

ZERO_ADDRESS = bytes(32)


class EncodingError(ValueError):
    """Bytes or text that are not a valid Algorand encoding."""


def sha512_256(data: bytes) -> bytes:
    return hashlib.new("sha512_256", data).digest()


def checksum(public_key: bytes) -> bytes:
    return sha512_256(public_key)[-4:]


def encode_address(public_key: bytes) -> str:
    if len(public_key) != 32:
        raise EncodingError(f"an address is 32 bytes, got {len(public_key)}")
    return base64.b32encode(public_key + checksum(public_key)).decode().rstrip("=")


def program_digest(program: bytes) -> bytes:
    """The hash of a program that names its contract account (and that `ed25519verify` signs
    under): SHA-512/256 of `b"Program"` + the bytecode."""
    return sha512_256(b"Program" + program)


def multisig_digest(version: int, threshold: int, public_keys: Iterable[bytes]) -> bytes:
    """The 32 bytes of a multisig account's address: its version, threshold and keys, in order."""
    return sha512_256(b"MultisigAddr" + bytes([version, threshold]) + b"".join(public_keys))


def encode_txid(digest: bytes) -> str:
    """A transaction id: the 32-byte digest in unpadded base32 (no checksum, 52 characters)."""
    return base64.b32encode(digest).decode().rstrip("=")


def decode_txid(txid: str) -> bytes:
    if not isinstance(txid, str) or len(txid) != 52:
        raise EncodingError(f"invalid transaction id {txid!r}: a transaction id has 52 characters")
    try:
        return base64.b32decode(txid + "====")
    except Exception as exc:
        raise EncodingError(f"invalid transaction id {txid!r}: not base32") from exc


def decode_address(address: str) -> bytes:
    """The 32-byte public key behind a 58-character address; checks the checksum."""
    if not isinstance(address, str) or len(address) != 58:
        raise EncodingError(f"invalid address {address!r}: an address has 58 characters")
    try:
        raw = base64.b32decode(address + "======")
    except Exception as exc:
        raise EncodingError(f"invalid address {address!r}: not base32") from exc
    key, check = raw[:32], raw[32:]
    if checksum(key) != check:
        raise EncodingError(f"invalid address {address!r}: checksum mismatch")
    return key


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def b64decode(text: str, what: str = "value") -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except Exception as exc:
        raise EncodingError(f"{what} is not valid base64") from exc


def canonicalize(value: Any) -> Any:
    """Sorted keys, zero values dropped (Go's `omitempty`), in maps only: list items are kept.

    Zero values are 0, False, None, empty bytes/strings/lists/maps and the all-zero address.
    """
    kind = type(value)
    if kind is dict:
        out = {}
        for key in sorted(value):
            item = value[key]
            if type(item) in _CONTAINERS:
                item = canonicalize(item)
            if not item or item == ZERO_ADDRESS:
                continue
            out[key] = item
        return out
    if kind is list or kind is tuple:
        return [canonicalize(item) if type(item) in _CONTAINERS else item for item in value]
    return value


_CONTAINERS = (dict, list, tuple)


def canonical_msgpack(value: Any) -> bytes:
    return msgpack.packb(canonicalize(value), use_bin_type=True)


def unpack(data: bytes) -> Any:
    """Strict msgpack decoding: maps keep str keys, binary stays bytes."""
    return msgpack.unpackb(data, raw=False, strict_map_key=False, use_list=True)


def hash_obj(prefix: bytes, value: Any) -> bytes:
    return sha512_256(prefix + canonical_msgpack(value))
