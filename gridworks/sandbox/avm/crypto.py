"""The AVM's hashing and signature opcodes, with algod's acceptance rules and error texts.

Where algod uses a library, the sandbox uses one that implements the same standard:
libsodium (through `gridworks.sandbox.ed25519`) for Ed25519, libsecp256k1 (through
`coincurve`, the library algod itself wraps) for every Secp256k1 operation, and OpenSSL
(through `cryptography`) for Secp256r1. Only the rules algod adds around them are code here.

`falcon_verify` uses `algorand-falcon`, the binding of Algorand's deterministic Falcon-1024
(det1024) C code that algod itself links. The `ec_*` opcodes are in `pairing.py` (py-ecc),
`mimc` and `poseidon2` in `zkhash.py`, and `vrf_verify` in `vrf.py` (pure Python: no
maintained library implements ECVRF-ED25519-SHA512-Elligator2 of draft 03). Only
`ec_map_to` for BN254 G2 is not run: see `UNSUPPORTED_EC_MAP_TO`.
"""

from __future__ import annotations

import hashlib
from enum import IntEnum

from algorand_falcon import FalconError, falcon1024
from coincurve import PublicKey as Secp256k1PublicKey
from coincurve.ecdsa import cdata_to_der, deserialize_compact
from Cryptodome.Hash import keccak
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature

from .. import ed25519
from ..encoding import program_digest
from ..encoding import sha512_256 as _sha512_256
from .errors import LogicError

__all__ = [
    "UNSUPPORTED_OPS",
    "Curve",
    "ecdsa_pk_decompress",
    "ecdsa_pk_recover",
    "ecdsa_verify",
    "ed25519verify",
    "ed25519verify_bare",
    "falcon_verify",
    "keccak256",
    "program_hash",
    "sha256",
    "sha3_256",
    "sha512",
    "sha512_256",
]

# Opcodes that assemble but fail with "unsupported opcode <name>" when they run, and why.
UNSUPPORTED_OPS: dict[str, str] = {}
# `ec_map_to BN254g2` does not run: go-algorand maps with gnark-crypto's Shallue-van de
# Woestijne map on the twist followed by gnark's own G2 cofactor clearing, which no Python
# library reproduces and for which no published vector could check a reimplementation.
UNSUPPORTED_EC_MAP_TO = ("BN254g2",)


class Curve(IntEnum):
    """The ECDSA curve immediate (names and codes as in the spec)."""

    Secp256k1 = 0
    Secp256r1 = 1


# --- hashes ----------------------------------------------------------------------------------


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def keccak256(data: bytes) -> bytes:
    """Ethereum's Keccak-256: the original padding, not NIST SHA3-256's (see `sha3_256`)."""
    return keccak.new(data=data, digest_bits=256).digest()


def sha512_256(data: bytes) -> bytes:
    return _sha512_256(data)


def sha3_256(data: bytes) -> bytes:
    return hashlib.sha3_256(data).digest()


def sha512(data: bytes) -> bytes:
    """`sha512` (v13+): plain SHA-512, 64 bytes."""
    return hashlib.sha512(data).digest()


# --- Falcon ----------------------------------------------------------------------------------

FALCON_PUBLIC_KEY_SIZE = falcon1024.PUBLIC_KEY_SIZE  # 1793


def falcon_verify(data: bytes, signature: bytes, public_key: bytes) -> bool:
    """`falcon_verify` (v12+): whether `signature`, a deterministic Falcon-1024 (det1024)
    compressed signature, signs `data` (verbatim, no domain prefix) for `public_key`.

    Only a public key of the wrong size fails the program; any malformed signature is
    simply not valid."""
    if len(public_key) != FALCON_PUBLIC_KEY_SIZE:
        raise LogicError(f"invalid public key size {len(public_key)} != {FALCON_PUBLIC_KEY_SIZE}")
    try:
        return falcon1024.Verifier(public_key).is_valid(data, signature)
    except (FalconError, ValueError):  # the binding refuses a malformed key or signature
        return False


# --- Ed25519 ---------------------------------------------------------------------------------


program_hash = program_digest  # the hash `ed25519verify` signs under


def ed25519verify(data: bytes, signature: bytes, public_key: bytes, program_digest: bytes) -> bool:
    """`ed25519verify`: the signature covers "ProgData" || program hash || data, so a
    signature made for one program cannot be replayed to another."""
    _check_ed25519_sizes(signature, public_key)
    return ed25519.verify(public_key, b"ProgData" + program_digest + data, signature)


def ed25519verify_bare(data: bytes, signature: bytes, public_key: bytes) -> bool:
    """`ed25519verify_bare`: the signature covers the data alone."""
    _check_ed25519_sizes(signature, public_key)
    return ed25519.verify(public_key, data, signature)


def _check_ed25519_sizes(signature: bytes, public_key: bytes) -> None:
    if len(public_key) != 32:
        raise LogicError("invalid public key")
    if len(signature) != 64:
        raise LogicError("invalid signature")


# --- ECDSA -----------------------------------------------------------------------------------

_P256_P = 2**256 - 2**224 + 2**192 + 2**96 - 1
_P256_B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
_P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_SECP256K1_SIZE = 2**256


def _curve(curve: Curve | str | int) -> Curve:
    return Curve[curve] if isinstance(curve, str) else Curve(curve)


def ecdsa_verify(
    curve: Curve | str | int, data: bytes, r: bytes, s: bytes, x: bytes, y: bytes
) -> bool:
    """`ecdsa_verify`: whether (r, s) signs the 32-byte `data` for the key (x, y).

    Only a wrong data length fails the program; any malformed signature or key is simply
    not valid. Secp256k1 accepts only lower-S signatures (libsecp256k1's rule), Secp256r1
    either S, as Go's `crypto/ecdsa`.
    """
    curve = _curve(curve)
    if len(data) != 32:
        raise LogicError(f"the signed data must be 32 bytes long, not {len(data)}")
    if curve is Curve.Secp256k1:
        return _verify_secp256k1(data, r, s, x, y)
    return _verify_secp256r1(data, r, s, x, y)


def _verify_secp256k1(data: bytes, r: bytes, s: bytes, x: bytes, y: bytes) -> bool:
    # algod joins r and s and needs 64 bytes in all, split 32/32 whatever their own lengths;
    # x and y keep their low 256 bits, as algod's point encoding does.
    signature = r + s
    if len(signature) != 64:
        return False
    key = (
        b"\x04"
        + (int.from_bytes(x, "big") % _SECP256K1_SIZE).to_bytes(32, "big")
        + (int.from_bytes(y, "big") % _SECP256K1_SIZE).to_bytes(32, "big")
    )
    try:
        parsed = deserialize_compact(signature)  # refuses r or s not below the group order
        public_key = Secp256k1PublicKey(key)  # refuses coordinates off the curve
    except ValueError:
        return False
    return public_key.verify(cdata_to_der(parsed), data, hasher=None)


def _on_p256(x: int, y: int) -> bool:
    return x < _P256_P and y < _P256_P and (y * y - (x**3 - 3 * x + _P256_B)) % _P256_P == 0


def _verify_secp256r1(data: bytes, r: bytes, s: bytes, x: bytes, y: bytes) -> bool:
    xi, yi = int.from_bytes(x, "big"), int.from_bytes(y, "big")
    ri, si = int.from_bytes(r, "big"), int.from_bytes(s, "big")
    # algod checks the key is on the curve first; Go's ecdsa.Verify wants 0 < r, s < N.
    if not _on_p256(xi, yi) or not (0 < ri < _P256_N and 0 < si < _P256_N):
        return False
    public_key = ec.EllipticCurvePublicNumbers(xi, yi, ec.SECP256R1()).public_key()
    try:
        public_key.verify(encode_dss_signature(ri, si), data, ec.ECDSA(Prehashed(hashes.SHA256())))
    except InvalidSignature:
        return False
    return True


def ecdsa_pk_decompress(curve: Curve | str | int, compressed: bytes) -> tuple[bytes, bytes]:
    """`ecdsa_pk_decompress`: the 33-byte SEC1 compressed key as 32-byte X and Y."""
    curve = _curve(curve)
    valid = len(compressed) == 33 and compressed[0] in (2, 3)
    if curve is Curve.Secp256k1:
        try:
            if not valid:
                raise ValueError
            point = Secp256k1PublicKey(compressed).point()
        except ValueError:
            raise LogicError("invalid pubkey") from None
        return point[0].to_bytes(32, "big"), point[1].to_bytes(32, "big")
    try:
        if not valid:
            raise ValueError
        numbers = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), compressed
        ).public_numbers()
    except ValueError:
        raise LogicError("invalid compressed pubkey") from None
    return numbers.x.to_bytes(32, "big"), numbers.y.to_bytes(32, "big")


def ecdsa_pk_recover(
    curve: Curve | str | int, data: bytes, recovery_id: int, r: bytes, s: bytes
) -> tuple[bytes, bytes]:
    """`ecdsa_pk_recover` (Secp256k1 only): the key (X, Y) that signed `data` with (r, s).

    As with verification, r and s are joined and must be 64 bytes in all. Recovery accepts
    either S, as libsecp256k1 does.
    """
    curve = _curve(curve)
    if curve is not Curve.Secp256k1:
        raise LogicError(f"unsupported curve {int(curve)}")
    if recovery_id > 3:
        raise LogicError(f"invalid recovery id: {recovery_id}")
    if len(data) != 32:
        raise LogicError("pubkey recover failed: invalid message length, need 32 bytes")
    signature = r + s
    if len(signature) != 64:
        raise LogicError("pubkey recover failed: invalid signature length")
    try:
        x, y = Secp256k1PublicKey.from_signature_and_message(
            signature + bytes([recovery_id]), data, hasher=None
        ).point()
    except ValueError:
        raise LogicError("pubkey recover failed: recovery failed") from None
    return x.to_bytes(32, "big"), y.to_bytes(32, "big")
