"""`vrf_verify VrfAlgorand`: ECVRF-ED25519-SHA512-Elligator2 (draft-irtf-cfrg-vrf-03), as
libsodium's Algorand fork verifies it, in pure Python.

No maintained Python library implements this draft, so the sandbox does, from the draft and
the fork's documented rules (checked against go-algorand's test vectors):

- the public key must not be one of the small-order encodings (compared on 255 bits, as
  libsodium's blacklist), must be canonical (y < p) and must decode to a curve point;
- the proof is Gamma (32 bytes, canonical and on the curve) || c (16 bytes, little-endian)
  || s (32 bytes, little-endian, reduced mod L, never refused);
- H is Elligator2 of the first 32 bytes of SHA-512(0x04 || 0x01 || pk || message), with the
  top bit cleared, times the cofactor 8;
- U = s·B - c·Y and V = s·H - c·Gamma; the proof holds if the first 16 bytes of
  SHA-512(0x04 || 0x02 || H || Gamma || U || V) are c;
- the output is SHA-512(0x04 || 0x03 || 8·Gamma), and 64 zero bytes when the proof fails.

Points are (X, Y, Z, T) in extended twisted Edwards coordinates (RFC 8032, section 5.1.4).
"""

from __future__ import annotations

import hashlib

__all__ = ["vrf_verify"]

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
MONTGOMERY_A = 486662
SUITE = b"\x04"

Point = tuple[int, int, int, int]

_BY = 4 * pow(5, P - 2, P) % P
_BX_SQUARED = (_BY * _BY - 1) * pow(D * _BY * _BY + 1, P - 2, P) % P
_BX = pow(_BX_SQUARED, (P + 3) // 8, P)
if (_BX * _BX - _BX_SQUARED) % P:
    _BX = _BX * SQRT_M1 % P
if _BX & 1:
    _BX = P - _BX
BASE: Point = (_BX, _BY, 1, _BX * _BY % P)
IDENTITY: Point = (0, 1, 1, 0)

# libsodium's small-order encodings (ge25519_has_small_order), on their low 255 bits
_SMALL_ORDER = {
    0,
    1,
    2707385501144840649318225287225658788936804267575313519463743609750303402022,
    55188659117513257062467267217118295137698188065244968500265048394206261417927,
    P - 1,
    P,
    P + 1,
}


def _add(p: Point, q: Point) -> Point:
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * t1 * t2 * D % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _neg(p: Point) -> Point:
    x, y, z, t = p
    return (-x % P, y, z, -t % P)


def _mul(k: int, p: Point) -> Point:
    out = IDENTITY
    while k:
        if k & 1:
            out = _add(out, p)
        p = _add(p, p)
        k >>= 1
    return out


def _encode(p: Point) -> bytes:
    x, y, z, _ = p
    inverse = pow(z, P - 2, P)
    x, y = x * inverse % P, y * inverse % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _decode(data: bytes) -> Point | None:
    """libsodium's ge25519_frombytes: y from the low 255 bits (reduced), x of the sign bit's
    parity; None when y gives no x."""
    raw = int.from_bytes(data, "little")
    sign = raw >> 255
    y = (raw & (2**255 - 1)) % P
    u, v = (y * y - 1) % P, (D * y * y + 1) % P
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    check = v * x * x % P
    if check == u % P:
        pass
    elif check == (-u) % P:
        x = x * SQRT_M1 % P
    else:
        return None
    if (x & 1) != sign:
        x = -x % P
    return (x, y, 1, x * y % P)


def _canonical(data: bytes) -> bool:
    return int.from_bytes(data, "little") & (2**255 - 1) < P


def _string_to_point(data: bytes) -> Point | None:
    return _decode(data) if _canonical(data) else None


def _elligator2(r: bytes) -> Point:
    """libsodium's ge25519_from_uniform on r (top bit clear), times the cofactor."""
    value = int.from_bytes(r, "little") & (2**255 - 1)
    rr2 = (2 * value * value + 1) % P
    x = (-MONTGOMERY_A * pow(rr2, P - 2, P)) % P
    e = (x**3 + MONTGOMERY_A * x * x + x) % P
    if pow(e, (P - 1) // 2, P) == P - 1:  # not a square: the other root
        x = (-x - MONTGOMERY_A) % P
    y = (x - 1) * pow((x + 1) % P, P - 2, P) % P
    point = _decode(y.to_bytes(32, "little"))
    assert point is not None, "Elligator2 always lands on the curve"
    return _mul(8, point)


def _hash_to_curve(public_key: bytes, message: bytes) -> Point:
    digest = bytearray(hashlib.sha512(SUITE + b"\x01" + public_key + message).digest()[:32])
    digest[31] &= 0x7F
    return _elligator2(bytes(digest))


def vrf_verify(message: bytes, proof: bytes, public_key: bytes) -> tuple[bytes, bool]:
    """(the 64-byte output, whether `proof` is `public_key`'s VRF proof for `message`)."""
    fail = bytes(64), False
    y_point = None
    if int.from_bytes(public_key, "little") & (2**255 - 1) not in _SMALL_ORDER:
        y_point = _string_to_point(public_key)
    gamma = _string_to_point(proof[:32])
    if y_point is None or gamma is None:
        return fail
    c = int.from_bytes(proof[32:48], "little")
    s = int.from_bytes(proof[48:80], "little") % L
    h = _hash_to_curve(_encode(y_point), message)
    u = _add(_mul(s, BASE), _neg(_mul(c, y_point)))
    v = _add(_mul(s, h), _neg(_mul(c, gamma)))
    points = b"".join(_encode(point) for point in (h, gamma, u, v))
    if hashlib.sha512(SUITE + b"\x02" + points).digest()[:16] != proof[32:48]:
        return fail
    return hashlib.sha512(SUITE + b"\x03" + _encode(_mul(8, gamma))).digest(), True
