"""Whether a program's logic signature address could be an ed25519 public key, and the salt
the assembler adds from v13 so that it cannot (go-algorand's `ProgramHashIsEdwards25519Point`).

An address is a key only if its 32 bytes decode as a point of the ed25519 curve. They decode
(as the `edwards25519` decoder does: the top bit is x's sign, y may be non-canonical, the
subgroup is not checked) exactly when x^2 = (y^2 - 1) / (d*y^2 + 1) has a root modulo p.
About half of all programs hash onto the curve.
"""

from __future__ import annotations

from ...encoding import program_digest

SALT_LIMIT = 128  # salts tried: each one-byte varint, 0 to 127
_P = 2**255 - 19
_D = -121665 * pow(121666, -1, _P) % _P


def is_curve_point(encoded: bytes) -> bool:
    """Whether 32 bytes decode as an ed25519 curve point."""
    y = int.from_bytes(encoded, "little") & ((1 << 255) - 1)
    y2 = y * y % _P
    ratio = (y2 - 1) * pow(_D * y2 + 1, -1, _P) % _P
    return ratio == 0 or pow(ratio, (_P - 1) // 2, _P) == 1


def address_on_curve(program: bytes) -> bool:
    """Whether the logic signature address of `program` decodes as a curve point."""
    return is_curve_point(program_digest(program))
