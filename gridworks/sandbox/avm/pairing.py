"""The `ec_*` opcodes (v10+): BN254 and BLS12-381 group operations and pairings.

The curve arithmetic is py-ecc's (`py_ecc.optimized_bn128`, `py_ecc.optimized_bls12_381`,
the Ethereum Foundation's library); the rules around it are the AVM spec's:

- A point is its affine coordinates, big-endian and fixed-width: X || Y for G1 (32-byte
  coordinates on BN254, 48-byte on BLS12-381) and X.A0 || X.A1 || Y.A0 || Y.A1 for G2 (an
  element of the quadratic extension is A0 + A1·u). The point at infinity is all zero bytes.
- Every coordinate must be below the base field modulus and the point must be on the curve
  ("point not on curve"), whatever the operation; only `ec_pairing_check` also wants each
  point in the prime-order subgroup ("wrong subgroup").
- Scalars are big-endian, at most 32 bytes for `ec_scalar_mul`, exactly 32 bytes each for
  `ec_multi_scalar_mul`.
- `ec_map_to` maps one field element (one Fp2 element for G2) to the group, as RFC 9380's
  map_to_curve followed by clear_cofactor (not the full hash_to_curve): SSWU through the
  isogeny on BLS12-381 (py-ecc's), Shallue-van de Woestijne with Z = 1 on BN254 G1 (RFC 9380,
  section 6.6.1, here; checked against gnark-crypto's published vectors). BN254 G2 is not
  mapped (see `crypto.UNSUPPORTED_EC_MAP_TO`).

One documented difference: for a point outside the prime-order subgroup, go's scalar
multiplication (GLV) does not compute k·P, and `ec_multi_scalar_mul` over more points than
go's small-input threshold reduces scalars modulo the group order; the sandbox computes the
true k·P in the first case and follows the threshold rule in the second. For points in the
subgroup, the only ones a pairing-based protocol uses, the results are the same.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from types import ModuleType
from typing import Any

from .errors import LogicError

# Importing py_ecc raises the interpreter's recursion limit to 100,000 for the whole process
# (py_ecc/__init__.py), which would let other parsers (json's, in the message envelope) recurse
# deep enough to overflow the C stack. The optimized modules used here loop rather than
# recurse, so the limit is put back as it was.
_recursion_limit = sys.getrecursionlimit()
from py_ecc import optimized_bls12_381 as _bls  # noqa: E402
from py_ecc import optimized_bn128 as _bn  # noqa: E402
from py_ecc.bls import hash_to_curve as _bls_h2c  # noqa: E402

sys.setrecursionlimit(_recursion_limit)

__all__ = [
    "EcGroup",
    "ec_add",
    "ec_map_to",
    "ec_multi_scalar_mul",
    "ec_pairing_check",
    "ec_scalar_mul",
    "ec_subgroup_check",
]

SCALAR_SIZE = 32

Point = tuple[Any, Any, Any]  # py-ecc's projective (x, y, z); z == 0 at infinity


class EcGroup(IntEnum):
    """The `ec_*` group immediate (names and codes as in the spec's "EC" field group)."""

    BN254g1 = 0
    BN254g2 = 1
    BLS12_381g1 = 2
    BLS12_381g2 = 3


@dataclass(frozen=True)
class _Group:
    lib: ModuleType
    fp_size: int  # bytes of one base field coordinate
    g2: bool  # coordinates in the quadratic extension
    multi_threshold: int  # go's cut-off between summed products and a multi-exponentiation

    @property
    def coordinate_size(self) -> int:
        return self.fp_size * (2 if self.g2 else 1)

    @property
    def point_size(self) -> int:
        return 2 * self.coordinate_size

    @property
    def b(self) -> Any:
        return self.lib.b2 if self.g2 else self.lib.b

    @property
    def field(self) -> Any:
        return self.lib.FQ2 if self.g2 else self.lib.FQ

    @property
    def modulus(self) -> int:
        return int(self.lib.field_modulus)

    @property
    def order(self) -> int:
        return int(self.lib.curve_order)


_GROUPS = {
    EcGroup.BN254g1: _Group(_bn, 32, False, 3),
    EcGroup.BN254g2: _Group(_bn, 32, True, 2),
    EcGroup.BLS12_381g1: _Group(_bls, 48, False, 2),
    EcGroup.BLS12_381g2: _Group(_bls, 48, True, 2),
}


def _group(group: EcGroup | int | str) -> _Group:
    key = EcGroup[group] if isinstance(group, str) else EcGroup(group)
    return _GROUPS[key]


# --- encodings ------------------------------------------------------------------------------


def _fp(g: _Group, data: bytes) -> int:
    value = int.from_bytes(data, "big")
    if value >= g.modulus:
        raise LogicError(f"field element {value} larger than modulus {g.modulus}")
    return value


def _coordinate(g: _Group, data: bytes) -> Any:
    size = g.fp_size
    if g.g2:
        return g.field([_fp(g, data[:size]), _fp(g, data[size : 2 * size])])
    return g.field(_fp(g, data))


def _decode(g: _Group, data: bytes) -> Point:
    if len(data) != g.point_size:
        raise LogicError(f"bad length {len(data)}. Expected {g.point_size}")
    half = g.coordinate_size
    x, y = _coordinate(g, data[:half]), _coordinate(g, data[half:])
    if x == g.field.zero() and y == g.field.zero():
        return (g.field.one(), g.field.one(), g.field.zero())  # infinity
    point = (x, y, g.field.one())
    if not g.lib.is_on_curve(point, g.b):
        raise LogicError("point not on curve")
    return point


def _decode_many(g: _Group, data: bytes, *, subgroup: bool) -> list[Point]:
    size = g.point_size
    if len(data) % size != 0:
        raise LogicError(f"bad length {len(data)}. Expected {size} multiple")
    if not data:
        raise LogicError("empty input")
    points = [_decode(g, data[i : i + size]) for i in range(0, len(data), size)]
    if subgroup and not all(_in_subgroup(g, p) for p in points):
        raise LogicError("wrong subgroup")
    return points


def _coordinate_bytes(g: _Group, value: Any) -> bytes:
    parts = value.coeffs if g.g2 else (value.n,)
    return b"".join(int(part).to_bytes(g.fp_size, "big") for part in parts)


def _encode(g: _Group, point: Point) -> bytes:
    if g.lib.is_inf(point):
        return bytes(g.point_size)
    x, y = g.lib.normalize(point)
    return _coordinate_bytes(g, x) + _coordinate_bytes(g, y)


def _in_subgroup(g: _Group, point: Point) -> bool:
    if g.lib is _bn and not g.g2:
        return True  # BN254 G1's cofactor is 1: every point on the curve is in the group
    return bool(g.lib.is_inf(g.lib.multiply(point, g.order)))


# --- the opcodes ----------------------------------------------------------------------------


def ec_add(group: EcGroup | int | str, a: bytes, b: bytes) -> bytes:
    """`ec_add`: A + B (both must be on the curve; the subgroup is not checked)."""
    g = _group(group)
    return _encode(g, g.lib.add(_decode(g, a), _decode(g, b)))


def ec_scalar_mul(group: EcGroup | int | str, a: bytes, k: bytes) -> bytes:
    """`ec_scalar_mul`: k·A, with k a big-endian integer of at most 32 bytes."""
    if len(k) > SCALAR_SIZE:
        raise LogicError(f"ec_scalar_mul scalar len is {len(k)}, exceeds 32")
    g = _group(group)
    return _encode(g, g.lib.multiply(_decode(g, a), int.from_bytes(k, "big")))


def ec_multi_scalar_mul(group: EcGroup | int | str, points: bytes, scalars: bytes) -> bytes:
    """`ec_multi_scalar_mul`: the sum of k_i·A_i, for the concatenated points A and the
    concatenated 32-byte scalars k (one per point)."""
    g = _group(group)
    decoded = _decode_many(g, points, subgroup=False)
    if len(scalars) != SCALAR_SIZE * len(decoded):
        raise LogicError(
            f"bad scalars length {len(scalars)}. Expected {SCALAR_SIZE * len(decoded)}"
        )
    reduce = len(decoded) > g.multi_threshold  # go's multi-exponentiation reduces them
    total = g.lib.Z2 if g.g2 else g.lib.Z1
    for i, point in enumerate(decoded):
        k = int.from_bytes(scalars[i * SCALAR_SIZE : (i + 1) * SCALAR_SIZE], "big")
        total = g.lib.add(total, g.lib.multiply(point, k % g.order if reduce else k))
    return _encode(g, total)


def ec_pairing_check(group: EcGroup | int | str, a: bytes, b: bytes) -> bool:
    """`ec_pairing_check`: whether the product of e(A_i, B_i) is the identity. For a G1
    group A holds G1 points and B G2 points; for a G2 group the other way round."""
    key = EcGroup[group] if isinstance(group, str) else EcGroup(group)
    if key in (EcGroup.BN254g2, EcGroup.BLS12_381g2):
        a, b = b, a
        key = EcGroup(key - 1)
    g1, g2 = _GROUPS[key], _GROUPS[EcGroup(key + 1)]
    p = _decode_many(g1, a, subgroup=True)
    q = _decode_many(g2, b, subgroup=True)
    if len(p) != len(q):
        raise LogicError("invalid inputs sizes")
    lib = g1.lib
    product = lib.FQ12.one()
    for pi, qi in zip(p, q, strict=True):
        if lib.is_inf(pi) or lib.is_inf(qi):
            continue
        product = product * lib.pairing(qi, pi, final_exponentiate=False)
    return bool(lib.final_exponentiate(product) == lib.FQ12.one())


def ec_subgroup_check(group: EcGroup | int | str, a: bytes) -> bool:
    """`ec_subgroup_check`: whether A (on the curve, else the program fails) is in the
    prime-order subgroup. Every BN254 G1 point is (its cofactor is 1)."""
    g = _group(group)
    point = _decode(g, a)
    return _in_subgroup(g, point)


def ec_map_to(group: EcGroup | int | str, element: bytes) -> bytes:
    """`ec_map_to`: the group point for one base field element (G1: one coordinate's
    bytes, at most the coordinate size; G2: exactly two of them, A0 || A1)."""
    key = EcGroup[group] if isinstance(group, str) else EcGroup(group)
    g = _GROUPS[key]
    if g.g2:
        if len(element) != g.coordinate_size:
            raise LogicError(f"bad encoded element length: {len(element)}")
        u = _coordinate(g, element)
    else:
        u = g.field(_fp(g, element))
    return _encode(g, _MAP_TO[key](u))


# --- map_to_curve ---------------------------------------------------------------------------


def _bn254_g1(u: Any) -> Point:
    """RFC 9380's straight-line Shallue-van de Woestijne map for y² = x³ + 3 with Z = 1 (the
    choice gnark-crypto makes); BN254 G1's cofactor is 1, so nothing is cleared."""
    p = _bn.field_modulus
    value = int(u.n)

    def g(x: int) -> int:
        return (x * x * x + 3) % p

    def is_square(a: int) -> bool:
        return a == 0 or pow(a, (p - 1) // 2, p) == 1

    c1, c2, c3, c4 = _BN254_SVDW
    tv1 = value * value * c1 % p
    tv2 = (1 + tv1) % p
    tv1 = (1 - tv1) % p
    tv3 = tv1 * tv2 % p
    tv3 = pow(tv3, p - 2, p) if tv3 else 0  # inv0
    tv4 = value * tv1 * tv3 * c3 % p
    x1, x2 = (c2 - tv4) % p, (c2 + tv4) % p
    x3 = (pow(tv2 * tv2 * tv3 % p, 2, p) * c4 + 1) % p  # + Z
    x = x1 if is_square(g(x1)) else x2 if is_square(g(x2)) else x3
    y = pow(g(x), (p + 1) // 4, p)  # p = 3 mod 4
    if (value & 1) != (y & 1):  # sgn0(u) == sgn0(y)
        y = p - y
    return (_bn.FQ(x), _bn.FQ(y), _bn.FQ.one())


def _bn254_svdw_constants() -> tuple[int, int, int, int]:
    """c1 = g(Z), c2 = -Z/2, c3 = sqrt(-g(Z)·3Z²) with sgn0(c3) = 0, c4 = -4g(Z)/(3Z²); Z = 1."""
    p = _bn.field_modulus
    g_z = 4
    c3 = pow(-g_z * 3 % p, (p + 1) // 4, p)
    if c3 & 1:
        c3 = p - c3
    return g_z, (-pow(2, p - 2, p)) % p, c3, (-4 * g_z * pow(3, p - 2, p)) % p


_BN254_SVDW = _bn254_svdw_constants()


def _bls_g1(u: Any) -> Point:
    return _bls_h2c.clear_cofactor_G1(_bls_h2c.map_to_curve_G1(u))


def _bls_g2(u: Any) -> Point:
    return _bls_h2c.clear_cofactor_G2(_bls_h2c.map_to_curve_G2(u))


_MAP_TO: dict[EcGroup, Callable[[Any], Point]] = {
    EcGroup.BN254g1: _bn254_g1,
    EcGroup.BLS12_381g1: _bls_g1,
    EcGroup.BLS12_381g2: _bls_g2,
}
