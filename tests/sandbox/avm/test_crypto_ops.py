"""The AVM's hash and signature opcodes: known vectors, go-algorand's cases, malformed input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from coincurve import PrivateKey
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from gridworks.sandbox import ed25519
from gridworks.sandbox.avm import crypto
from gridworks.sandbox.avm.crypto import Curve
from gridworks.sandbox.avm.errors import LogicError
from gridworks.sandbox.avm.ops import registry
from gridworks.sandbox.avm.spec import field_groups, opcodes

WYCHEPROOF = Path(__file__).resolve().parents[2] / "data/wycheproof-ed25519.json"

K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
K1_P = 2**256 - 2**32 - 977
R1_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
R1_P = 2**256 - 2**224 + 2**192 + 2**96 - 1
R1_B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
CURVES = {Curve.Secp256k1: ec.SECP256K1(), Curve.Secp256r1: ec.SECP256R1()}


def b32(value: int) -> bytes:
    return value.to_bytes(32, "big")


# --- hashes ----------------------------------------------------------------------------------


def test_hashes_match_go_algorands_vectors() -> None:
    fnord = b"fnord"
    assert crypto.sha256(fnord) == hashlib.sha256(fnord).digest()
    assert crypto.keccak256(fnord).hex() == (
        "c195eca25a6f4c82bfba0287082ddb0d602ae9230f9cf1f1a40b68f8e2c41567"
    )
    assert crypto.sha3_256(fnord).hex() == (
        "d757297405c5c89f7ceca368ee76c2f1893ee24f654e60032e65fb53b01aae10"
    )
    assert crypto.sha512_256(fnord).hex() == (
        "98d2c31612ea500279b6753e5f6e780ca63eba8274049664dad66a2565ed1d2a"
    )


def test_keccak_is_not_nist_sha3() -> None:
    assert crypto.keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert crypto.sha3_256(b"").hex() == (
        "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
    )


# --- Ed25519 ---------------------------------------------------------------------------------

SEED = bytes(range(32))
PUBLIC = ed25519.public_key_of(SEED)
DATA = bytes.fromhex("62fdfc072182654f163f5f0f9a621d729566c74d0aa413bf009c9800418c19cd")
PROGRAM = bytes([0x06, 0x2D, 0x2E, 0x2F, 0x04])  # a version byte and some opcodes


def test_program_hash_is_over_program_prefix() -> None:
    assert crypto.program_hash(PROGRAM) == hashlib.new("sha512_256", b"Program" + PROGRAM).digest()


def test_ed25519verify_covers_progdata_and_program_hash() -> None:
    digest = crypto.program_hash(PROGRAM)
    signature = ed25519.sign(SEED, b"ProgData" + digest + DATA)
    assert crypto.ed25519verify(DATA, signature, PUBLIC, digest)
    # Not for another program, nor as a bare signature, nor for other data.
    other = crypto.program_hash(PROGRAM + b"\x01")
    assert not crypto.ed25519verify(DATA, signature, PUBLIC, other)
    assert not crypto.ed25519verify_bare(DATA, signature, PUBLIC)
    assert not crypto.ed25519verify(b"\x52" + DATA[1:], signature, PUBLIC, digest)


def test_ed25519verify_bare_covers_the_data_alone() -> None:
    signature = ed25519.sign(SEED, DATA)
    assert crypto.ed25519verify_bare(DATA, signature, PUBLIC)
    assert not crypto.ed25519verify_bare(b"\x52" + DATA[1:], signature, PUBLIC)


@pytest.mark.parametrize("bare", [True, False])
def test_ed25519_sizes_fail_the_program(bare: bool) -> None:
    signature = ed25519.sign(SEED, DATA)

    def run(sig: bytes, key: bytes) -> bool:
        if bare:
            return crypto.ed25519verify_bare(DATA, sig, key)
        return crypto.ed25519verify(DATA, sig, key, crypto.program_hash(PROGRAM))

    with pytest.raises(LogicError, match="^invalid signature$"):
        run(signature[1:], PUBLIC)
    with pytest.raises(LogicError, match="^invalid public key$"):
        run(signature, PUBLIC[1:])
    with pytest.raises(LogicError, match="^invalid public key$"):  # the key is checked first
        run(signature[1:], PUBLIC[1:])


def wycheproof_cases() -> list[tuple[int, str, dict[str, Any]]]:
    if not WYCHEPROOF.exists():
        return []
    suite = json.loads(WYCHEPROOF.read_text())
    return [
        (test["tcId"], group["publicKey"]["pk"], test)
        for group in suite["testGroups"]
        for test in group["tests"]
    ]


def test_wycheproof_ed25519_through_ed25519verify_bare() -> None:
    cases = wycheproof_cases()
    assert len(cases) == 151
    wrong = []
    for tc_id, public_key, test in cases:
        try:
            verdict = crypto.ed25519verify_bare(
                bytes.fromhex(test["msg"]), bytes.fromhex(test["sig"]), bytes.fromhex(public_key)
            )
        except LogicError:  # a signature of the wrong size fails the program: not accepted
            verdict = False
        if verdict != (test["result"] == "valid"):
            wrong.append(tc_id)
    assert wrong == []


# --- ECDSA verify ----------------------------------------------------------------------------


def signed(curve: Curve, data: bytes) -> tuple[int, int, int, int]:
    """A fresh key's (r, s, x, y) for `data`, made with `cryptography` (OpenSSL)."""
    key = ec.generate_private_key(CURVES[curve])
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(Prehashed(hashes.SHA256()))))
    numbers = key.public_key().public_numbers()
    return r, s, numbers.x, numbers.y


def test_rfc6979_p256_vector() -> None:
    """RFC 6979 A.2.5, P-256 with SHA-256, message "sample"."""
    x = 0x60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6
    y = 0x7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299
    r = 0xEFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716
    s = 0xF7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8
    data = hashlib.sha256(b"sample").digest()
    assert crypto.ecdsa_verify("Secp256r1", data, b32(r), b32(s), b32(x), b32(y))
    assert not crypto.ecdsa_verify("Secp256r1", data, b32(r), b32(s), b32(x), b32(R1_P - y))


@pytest.mark.parametrize("curve", list(Curve))
def test_verify_accepts_good_signatures_and_rejects_tampering(curve: Curve) -> None:
    data = crypto.sha512_256(b"testdata")
    for _ in range(8):
        r, s, x, y = signed(curve, data)
        if curve is Curve.Secp256k1 and s > K1_N // 2:
            s = K1_N - s  # libsecp256k1 accepts only the lower S
        assert crypto.ecdsa_verify(curve, data, b32(r), b32(s), b32(x), b32(y))
        tampered = bytes([(r >> 248) + 1 & 0xFF]) + b32(r)[1:]
        assert not crypto.ecdsa_verify(curve, data, tampered, b32(s), b32(x), b32(y))
        other = crypto.sha512_256(b"testdata1")
        assert not crypto.ecdsa_verify(curve, other, b32(r), b32(s), b32(x), b32(y))


def test_high_s_is_refused_on_secp256k1_only() -> None:
    data = crypto.sha256(b"malleable")
    for curve, order in ((Curve.Secp256k1, K1_N), (Curve.Secp256r1, R1_N)):
        r, s, x, y = signed(curve, data)
        low, high = min(s, order - s), max(s, order - s)
        assert crypto.ecdsa_verify(curve, data, b32(r), b32(low), b32(x), b32(y))
        expected = curve is Curve.Secp256r1
        assert crypto.ecdsa_verify(curve, data, b32(r), b32(high), b32(x), b32(y)) is expected


@pytest.mark.parametrize("curve", list(Curve))
def test_malformed_signatures_and_keys_are_just_invalid(curve: Curve) -> None:
    data = crypto.sha256(b"data")
    r, s, x, y = signed(curve, data)
    order, prime = (K1_N, K1_P) if curve is Curve.Secp256k1 else (R1_N, R1_P)
    s = min(s, order - s)
    args = [b32(r), b32(s), b32(x), b32(y)]
    assert crypto.ecdsa_verify(curve, data, *args)
    for bad in (
        [b32(order + 1), *args[1:]],  # r beyond the order
        [b32(order), *args[1:]],
        [b32(0), *args[1:]],
        [args[0], b32(0), *args[2:]],
        [*args[:2], b32(0), b32(0)],  # the point at infinity is no key
        [*args[:3], b32(prime - y)],  # the other point with that x
        [*args[:3], b32((y + 1) % prime)],  # off the curve
        [b"", b"", b"", b""],  # go-algorand: no length checks, so simply not valid
    ):
        assert not crypto.ecdsa_verify(curve, data, *bad)


@pytest.mark.parametrize("curve", list(Curve))
def test_signed_data_must_be_32_bytes(curve: Curve) -> None:
    with pytest.raises(LogicError, match="^the signed data must be 32 bytes long, not 31$"):
        crypto.ecdsa_verify(curve, bytes(31), b"", b"", b"", b"")
    assert not crypto.ecdsa_verify(curve, bytes(32), bytes(32), bytes(32), bytes(32), bytes(32))


def test_secp256k1_reads_arguments_as_algod_does() -> None:
    """r and s are joined and split 32/32; x and y keep their low 256 bits."""
    data = crypto.sha256(b"quirks")
    r, s, x, y = signed(Curve.Secp256k1, data)
    s = min(s, K1_N - s)
    rs = b32(r) + b32(s)
    assert crypto.ecdsa_verify("Secp256k1", data, rs[:31], rs[31:], b32(x), b32(y))
    assert not crypto.ecdsa_verify("Secp256k1", data, rs[:31], rs[32:], b32(x), b32(y))
    long_x = (x + 2**256).to_bytes(33, "big")
    assert crypto.ecdsa_verify("Secp256k1", data, b32(r), b32(s), long_x, b32(y))
    # Secp256r1 reads whole big-endian numbers: leading zeros are fine, extra bits are not.
    r1, s1, x1, y1 = signed(Curve.Secp256r1, data)
    padded = [b"\x00\x00" + b32(v) for v in (r1, s1, x1, y1)]
    assert crypto.ecdsa_verify("Secp256r1", data, *padded)
    long_x1 = (x1 + 2**256).to_bytes(33, "big")
    assert not crypto.ecdsa_verify("Secp256r1", data, b32(r1), b32(s1), long_x1, b32(y1))


# --- ECDSA decompress ------------------------------------------------------------------------

DECOMPRESS_ERRORS = {
    Curve.Secp256k1: "invalid pubkey",
    Curve.Secp256r1: "invalid compressed pubkey",
}


@pytest.mark.parametrize("curve", list(Curve))
def test_decompress(curve: Curve) -> None:
    for _ in range(8):
        key = ec.generate_private_key(CURVES[curve]).public_key()
        numbers = key.public_numbers()
        compressed = key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
        assert crypto.ecdsa_pk_decompress(curve, compressed) == (b32(numbers.x), b32(numbers.y))
        uncompressed = key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        for bad in (
            b"\x00" + compressed[1:],  # go-algorand's tampered prefix
            compressed[:32],  # go-algorand's short key
            compressed + b"\x00",
            uncompressed,
            b"\x04" + compressed[1:],
        ):
            with pytest.raises(LogicError) as caught:
                crypto.ecdsa_pk_decompress(curve, bad)
            assert caught.value.reason == DECOMPRESS_ERRORS[curve]


def first_x(curve: Curve, square: bool) -> int:
    """The smallest x whose curve equation's right-hand side is (or is not) a square."""
    prime, a, b = (K1_P, 0, 7) if curve is Curve.Secp256k1 else (R1_P, -3, R1_B)
    x = 0
    while (pow((x**3 + a * x + b) % prime, (prime - 1) // 2, prime) == 1) is not square:
        x += 1
    return x


@pytest.mark.parametrize("curve", list(Curve))
def test_decompress_refuses_x_off_the_curve_or_out_of_range(curve: Curve) -> None:
    prime = K1_P if curve is Curve.Secp256k1 else R1_P
    on_curve = first_x(curve, square=True)
    assert crypto.ecdsa_pk_decompress(curve, b"\x02" + b32(on_curve))[0] == b32(on_curve)
    for x in (first_x(curve, square=False), on_curve + prime):
        with pytest.raises(LogicError, match=DECOMPRESS_ERRORS[curve]):
            crypto.ecdsa_pk_decompress(curve, b"\x02" + b32(x))


# --- ECDSA recover ---------------------------------------------------------------------------

ETH_R = bytes.fromhex("745e8f55ac6189ee89ed707c36694868e3903988fbf776c8096c45da2e60c638")
ETH_S = bytes.fromhex("30c8e4a9b5d2eb53ddc6294587dd00bed8afe2c45dd72f6b4cf752e46d5ba681")
ETH_DATA = crypto.keccak256(b"hello from ethereum")


def test_recover_matches_go_algorands_ethereum_vector() -> None:
    x, y = crypto.ecdsa_pk_recover("Secp256k1", ETH_DATA, 0, ETH_R, ETH_S)
    assert crypto.keccak256(x + y)[12:].hex() == "5ce9454909639d2d17a3f753ce7d93fa0b9ab12e"
    assert crypto.ecdsa_verify("Secp256k1", ETH_DATA, ETH_R, ETH_S, x, y)
    # The other parity recovers another key.
    assert crypto.ecdsa_pk_recover("Secp256k1", ETH_DATA, 1, ETH_R, ETH_S) != (x, y)


def test_recover_finds_the_signer() -> None:
    for n in range(8):
        key = PrivateKey(crypto.sha256(bytes([n])))
        data = crypto.sha256(b"message %d" % n)
        signature = key.sign_recoverable(data, hasher=None)
        r, s, recid = signature[:32], signature[32:64], signature[64]
        point = tuple(b32(v) for v in key.public_key.point())
        assert crypto.ecdsa_pk_recover(Curve.Secp256k1, data, recid, r, s) == point
        # Recovery takes either S: the high one recovers the same key with the other parity.
        high = b32(K1_N - int.from_bytes(s, "big"))
        assert crypto.ecdsa_pk_recover(0, data, recid ^ 1, r, high) == point


@pytest.mark.parametrize(
    ("data", "recid", "r", "s", "reason"),
    [
        (ETH_DATA, 4, ETH_R, ETH_S, "invalid recovery id: 4"),
        (ETH_DATA, 3, ETH_R, ETH_S, "pubkey recover failed: recovery failed"),
        (
            ETH_DATA[:31],
            0,
            ETH_R,
            ETH_S,
            "pubkey recover failed: invalid message length, need 32 bytes",
        ),
        (ETH_DATA, 0, ETH_R, ETH_S[1:], "pubkey recover failed: invalid signature length"),
        (ETH_DATA, 0, ETH_R, b32(0), "pubkey recover failed: recovery failed"),
        (ETH_DATA, 0, b32(K1_N), ETH_S, "pubkey recover failed: recovery failed"),
    ],
)
def test_recover_failures(data: bytes, recid: int, r: bytes, s: bytes, reason: str) -> None:
    with pytest.raises(LogicError) as caught:
        crypto.ecdsa_pk_recover("Secp256k1", data, recid, r, s)
    assert caught.value.reason == reason


def test_recover_is_secp256k1_only() -> None:
    with pytest.raises(LogicError, match="^unsupported curve 1$"):
        crypto.ecdsa_pk_recover("Secp256r1", ETH_DATA, 0, ETH_R, ETH_S)


# --- what is left out ------------------------------------------------------------------------


def test_every_opcode_has_an_implementation() -> None:
    table = opcodes(13).by_name
    assert [name for name in table if registry.implementation(name) is None] == []
    assert crypto.UNSUPPORTED_OPS == {}
    # what is left: ec_map_to on the BN254 groups, which fails when it runs
    assert set(crypto.UNSUPPORTED_EC_MAP_TO) <= set(field_groups()["EC Groups"].by_name)
