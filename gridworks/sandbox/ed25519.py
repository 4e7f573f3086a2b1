"""Ed25519 verification, the one primitive every signature check in the sandbox goes through."""

from __future__ import annotations

from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


@lru_cache(maxsize=65536)
def _public_key(raw: bytes) -> Ed25519PublicKey | None:
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        return None


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True only for a valid signature; malformed keys or signatures are simply invalid."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    key = _public_key(bytes(public_key))
    if key is None:
        return False
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def sign(seed: bytes, message: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed[:32]).sign(message)


def public_key_of(seed: bytes) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return (
        Ed25519PrivateKey.from_private_bytes(seed[:32])
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
