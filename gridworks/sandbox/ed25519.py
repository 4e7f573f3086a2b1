"""Ed25519, the one primitive every signature check in the sandbox goes through.

libsodium (through PyNaCl), as go-algorand uses: it rejects non-canonical signatures and
small-order keys, and gives the expected verdict on all 151 Wycheproof vectors.
"""

from __future__ import annotations

from nacl.bindings import crypto_sign, crypto_sign_open, crypto_sign_seed_keypair
from nacl.exceptions import BadSignatureError, CryptoError


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True only for a valid signature; malformed keys or signatures are simply invalid."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    try:
        crypto_sign_open(signature + message, public_key)
    except (BadSignatureError, CryptoError, ValueError, TypeError):
        return False
    return True


def sign(seed: bytes, message: bytes) -> bytes:
    return sign_expanded(expand(seed), message)


def expand(seed: bytes) -> bytes:
    """libsodium's 64-byte secret key (seed and public key) for `seed`: keep it to sign often."""
    _, secret = crypto_sign_seed_keypair(seed[:32])
    return bytes(secret)


def sign_expanded(secret: bytes, message: bytes) -> bytes:
    """Sign with a secret key from `expand` (saves deriving the public key on every call)."""
    return bytes(crypto_sign(message, secret)[:64])


def public_key_of(seed: bytes) -> bytes:
    public, _ = crypto_sign_seed_keypair(seed[:32])
    return bytes(public)
