"""`mimc` (v11+) and `poseidon2` (v13+): hashes of field elements, for zk circuits.

go-algorand computes them with gnark-crypto; these follow the same constructions and
parameters (checked against go-algorand's published test vectors in the tests):

- The input is a non-empty list of 32-byte big-endian scalars, each below the curve's
  scalar field modulus (the BN254 or BLS12-381 group order r); the result is one 32-byte
  big-endian element.
- MiMC, Miyaguchi-Preneel mode: h starts at 0 and absorbs each element m as
  h <- h + m + E_h(m), where E_h runs the rounds x <- (x + h + c_i)^5 and adds h at the
  end. The round constants come from a Keccak-256 chain seeded with "seed": the first
  hash is of the seed, constant i is the (i+1)-th hash after it, reduced mod r.
- Poseidon2, width 2, 6 full and 50 partial rounds, S-box x^5, used as a Merkle-Damgard
  compression h <- P(h, m)[1] + m from h = 0. The external matrix is [[2,1],[1,2]], the
  internal one [[2,1],[1,3]]; the permutation applies the external matrix first. Round
  constants come from a Keccak-256 chain over the seed "Poseidon2-<curve>[t=2,rF=6,rP=50,d=5]"
  (two per full round, one per partial round, in round order), reduced mod r.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import cache

from Cryptodome.Hash import keccak

from .errors import LogicError

__all__ = ["MimcConfig", "Poseidon2Config", "mimc", "poseidon2"]

BN254_R = 0x30644E72E131A029B85045B68181585D2833E84879B9709143E1F593F0000001
BLS12_381_R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
ELEMENT_SIZE = 32


class MimcConfig(IntEnum):
    """The `mimc` immediate ("MimcConfigurations Parameters" in the spec)."""

    BN254Mp110 = 0
    BLS12_381Mp111 = 1


class Poseidon2Config(IntEnum):
    """The `poseidon2` immediate ("Poseidon2 Configurations Parameters" in the spec)."""

    BN254t2 = 0
    BLS12_381t2 = 1


def _keccak(data: bytes) -> bytes:
    return keccak.new(data=data, digest_bits=256).digest()


def _chain(seed: bytes, count: int, modulus: int) -> list[int]:
    """`count` constants from the Keccak-256 chain that starts with keccak(seed)."""
    rnd = _keccak(seed)
    out = []
    for _ in range(count):
        rnd = _keccak(rnd)
        out.append(int.from_bytes(rnd, "big") % modulus)
    return out


def _elements(name: str, data: bytes, modulus: int) -> list[int]:
    if not data:
        raise LogicError("the input data cannot be empty")
    if len(data) % ELEMENT_SIZE:
        raise LogicError("the input data must be a multiple of 32 bytes")
    out = []
    for i in range(0, len(data), ELEMENT_SIZE):
        value = int.from_bytes(data[i : i + ELEMENT_SIZE], "big")
        if value >= modulus:
            raise LogicError(f"invalid {name} input: element {i // ELEMENT_SIZE} is not canonical")
        out.append(value)
    return out


# --- MiMC -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mimc:
    modulus: int
    rounds: int


_MIMC = {
    MimcConfig.BN254Mp110: _Mimc(BN254_R, 110),
    MimcConfig.BLS12_381Mp111: _Mimc(BLS12_381_R, 111),
}


@cache
def _mimc_constants(config: MimcConfig) -> tuple[int, ...]:
    params = _MIMC[config]
    return tuple(_chain(b"seed", params.rounds, params.modulus))


def mimc(config: MimcConfig | int | str, data: bytes) -> bytes:
    """`mimc C`: the MiMC hash of the concatenated scalars `data`."""
    key = MimcConfig[config] if isinstance(config, str) else MimcConfig(config)
    p = _MIMC[key].modulus
    constants = _mimc_constants(key)
    h = 0
    for m in _elements("mimc", data, p):
        x = m
        for c in constants:
            x = pow((x + h + c) % p, 5, p)
        h = (x + h + h + m) % p
    return h.to_bytes(ELEMENT_SIZE, "big")


# --- Poseidon2 ------------------------------------------------------------------------------

_FULL_ROUNDS = 6
_PARTIAL_ROUNDS = 50


@dataclass(frozen=True)
class _Poseidon2:
    modulus: int
    curve: str


_POSEIDON2 = {
    Poseidon2Config.BN254t2: _Poseidon2(BN254_R, "BN254"),
    Poseidon2Config.BLS12_381t2: _Poseidon2(BLS12_381_R, "BLS12_381"),
}


@cache
def _poseidon2_constants(config: Poseidon2Config) -> tuple[tuple[int, ...], ...]:
    params = _POSEIDON2[config]
    seed = f"Poseidon2-{params.curve}[t=2,rF={_FULL_ROUNDS},rP={_PARTIAL_ROUNDS},d=5]"
    half = _FULL_ROUNDS // 2
    flat = _chain(seed.encode(), 2 * _FULL_ROUNDS + _PARTIAL_ROUNDS, params.modulus)
    rounds: list[tuple[int, ...]] = []
    i = 0
    for width in [2] * half + [1] * _PARTIAL_ROUNDS + [2] * half:
        rounds.append(tuple(flat[i : i + width]))
        i += width
    return tuple(rounds)


def _permute(p: int, constants: tuple[tuple[int, ...], ...], a: int, b: int) -> tuple[int, int]:
    s = a + b  # the external matrix [[2,1],[1,2]]
    a, b = (a + s) % p, (b + s) % p
    for keys in constants:
        if len(keys) == 2:  # a full round
            a = pow((a + keys[0]) % p, 5, p)
            b = pow((b + keys[1]) % p, 5, p)
            s = a + b
            a, b = (a + s) % p, (b + s) % p
        else:  # a partial round: only the first cell, then the internal matrix [[2,1],[1,3]]
            a = pow((a + keys[0]) % p, 5, p)
            s = a + b
            a, b = (a + s) % p, (2 * b + s) % p
    return a, b


def poseidon2(config: Poseidon2Config | int | str, data: bytes) -> bytes:
    """`poseidon2 C`: the Poseidon2 Merkle-Damgard hash of the concatenated scalars `data`."""
    key = Poseidon2Config[config] if isinstance(config, str) else Poseidon2Config(config)
    p = _POSEIDON2[key].modulus
    constants = _poseidon2_constants(key)
    h = 0
    for m in _elements("poseidon2", data, p):
        h = (_permute(p, constants, h, m)[1] + m) % p
    return h.to_bytes(ELEMENT_SIZE, "big")
