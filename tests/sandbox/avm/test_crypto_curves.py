"""The v11+ cryptography: mimc, poseidon2, falcon_verify, sha512 and the ec_* curve opcodes.

The MiMC and Poseidon2 vectors are go-algorand's (data/transactions/logic/crypto_test.go,
made with gnark-crypto); the BN254 doubling vector is EIP-196's; the rest are algebraic
facts of the groups (a pairing check of e(P, Q)·e(-P, Q), subgroup membership, ...).
"""

from __future__ import annotations

import hashlib

import pytest
from algorand_falcon import falcon1024
from py_ecc import optimized_bls12_381 as bls
from py_ecc import optimized_bn128 as bn

from gridworks.sandbox.avm import crypto, pairing, vrf, zkhash
from gridworks.sandbox.avm.errors import LogicError

# --- mimc and poseidon2 -----------------------------------------------------------------------

ONE = "23a950068dd3d1e21cee48e7919be7ae32cdef70311fc486336ea9d4b5042535"
THREE = (
    "183de351a72141d79c51a27d10405549c98302cb2536c5968deeb3cba6351217"
    + ONE
    + "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593ef676981"
)
ABOVE_BLS_R = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000002"

GO_VECTORS = {
    ("mimc", "BN254Mp110"): (
        12886436712380113721405259596386800092738845035233065858332878701083870690753,
        6040222623731283351958201178122781676432899642144860863024149088913741383362,
    ),
    ("mimc", "BLS12_381Mp111"): (
        8791766422525455185980675814845076441443662947059416063736889106252015893524,
        12964111614552580241101202600014316932811348627866250816177200046290462797607,
    ),
    ("poseidon2", "BN254t2"): (
        9508867777362231262564394485161648897131889139474639535709054689562539246209,
        6791735139456093729163685856803485582211494197517701835714118539027901440151,
    ),
    ("poseidon2", "BLS12_381t2"): (
        34960972753749415790402211978912014226528569245540044525901549350192685584856,
        42428992405405528150674275794637337448740652553021708843638392031995718438793,
    ),
}
HASHES = {"mimc": zkhash.mimc, "poseidon2": zkhash.poseidon2}


@pytest.mark.parametrize(("name", "config"), list(GO_VECTORS))
def test_field_hashes_match_go_algorands_vectors(name: str, config: str) -> None:
    one, three = GO_VECTORS[(name, config)]
    fn = HASHES[name]
    assert fn(config, bytes.fromhex(ONE)) == one.to_bytes(32, "big")
    assert fn(config, bytes.fromhex(THREE)) == three.to_bytes(32, "big")


@pytest.mark.parametrize(("name", "config"), list(GO_VECTORS))
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("", "the input data cannot be empty"),
        ("deadf00d", "the input data must be a multiple of 32 bytes"),
        (ONE + ONE + "abba", "the input data must be a multiple of 32 bytes"),
        (ABOVE_BLS_R, "element 0 is not canonical"),
        (ONE + ONE + ABOVE_BLS_R, "element 2 is not canonical"),
    ],
)
def test_field_hashes_refuse_malformed_input(
    name: str, config: str, data: str, message: str
) -> None:
    with pytest.raises(LogicError, match=message):
        HASHES[name](config, bytes.fromhex(data))


def test_an_element_below_bls_but_above_bn254_order_is_refused_by_bn254_only() -> None:
    element = (zkhash.BN254_R + 1).to_bytes(32, "big")
    with pytest.raises(LogicError, match="not canonical"):
        zkhash.mimc("BN254Mp110", element)
    assert len(zkhash.mimc("BLS12_381Mp111", element)) == 32


# --- sha512 and falcon_verify -----------------------------------------------------------------


def test_sha512() -> None:
    assert crypto.sha512(b"abc") == hashlib.sha512(b"abc").digest()
    assert crypto.sha512(b"").hex().startswith("cf83e1357eefb8bdf1542850d66d8007")


FALCON = falcon1024.Signer.generate(bytes(range(32)))


def test_falcon_verify_accepts_the_signers_signature_only() -> None:
    key = FALCON.public_key
    signature = FALCON.sign(b"hello")
    assert len(key) == 1793
    assert crypto.falcon_verify(b"hello", signature, key)
    assert not crypto.falcon_verify(b"hellO", signature, key)
    other = falcon1024.Signer.generate(bytes(32)).public_key
    assert not crypto.falcon_verify(b"hello", signature, other)


@pytest.mark.parametrize("signature", [b"", b"\x00" * 10, b"\xff" * 1423, b"\x01" * 3000])
def test_falcon_malformed_signatures_are_just_invalid(signature: bytes) -> None:
    assert not crypto.falcon_verify(b"hello", signature, FALCON.public_key)


def test_falcon_wrong_key_size_fails_the_program() -> None:
    signature = FALCON.sign(b"hello")
    with pytest.raises(LogicError, match="^invalid public key size 1792 != 1793$"):
        crypto.falcon_verify(b"hello", signature, FALCON.public_key[:-1])


# --- ec_* -------------------------------------------------------------------------------------


def encode(group: str, point: object) -> bytes:
    return pairing._encode(pairing._GROUPS[pairing.EcGroup[group]], point)  # type: ignore[arg-type]


GENERATORS = {
    "BN254g1": encode("BN254g1", bn.G1),
    "BN254g2": encode("BN254g2", bn.G2),
    "BLS12_381g1": encode("BLS12_381g1", bls.G1),
    "BLS12_381g2": encode("BLS12_381g2", bls.G2),
}
NEGATED = {
    "BN254g1": encode("BN254g1", bn.neg(bn.G1)),
    "BLS12_381g1": encode("BLS12_381g1", bls.neg(bls.G1)),
}


def test_encodings_are_big_endian_x_then_y() -> None:
    assert GENERATORS["BN254g1"] == (1).to_bytes(32, "big") + (2).to_bytes(32, "big")
    assert GENERATORS["BLS12_381g1"].hex().startswith("17f1d3a73197d7942695638c4fa9ac0f")
    assert [len(point) for point in GENERATORS.values()] == [64, 128, 96, 192]


def test_bn254_doubling_matches_eip196() -> None:
    doubled = pairing.ec_add("BN254g1", GENERATORS["BN254g1"], GENERATORS["BN254g1"])
    assert doubled.hex() == (
        "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3"
        "15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4"
    )
    assert pairing.ec_scalar_mul("BN254g1", GENERATORS["BN254g1"], b"\x02") == doubled


@pytest.mark.parametrize("group", list(GENERATORS))
def test_group_laws(group: str) -> None:
    g = GENERATORS[group]
    zero = bytes(len(g))
    three = pairing.ec_scalar_mul(group, g, b"\x03")
    assert pairing.ec_add(group, pairing.ec_add(group, g, g), g) == three
    assert pairing.ec_add(group, g, zero) == g  # all zeros is the point at infinity
    assert pairing.ec_scalar_mul(group, g, b"") == zero
    order = pairing._GROUPS[pairing.EcGroup[group]].order
    assert pairing.ec_scalar_mul(group, g, order.to_bytes(32, "big")) == zero
    # 2·G + 5·3G == 17·G
    combined = pairing.ec_multi_scalar_mul(
        group, g + three, (2).to_bytes(32, "big") + (5).to_bytes(32, "big")
    )
    assert combined == pairing.ec_scalar_mul(group, g, b"\x11")
    assert pairing.ec_subgroup_check(group, g)
    assert pairing.ec_subgroup_check(group, zero)


@pytest.mark.parametrize("group", ["BN254g1", "BLS12_381g1"])
def test_pairing_check(group: str) -> None:
    g2 = group.replace("g1", "g2")
    p, q, neg_p = GENERATORS[group], GENERATORS[g2], NEGATED[group]
    assert pairing.ec_pairing_check(group, p + neg_p, q + q)
    assert not pairing.ec_pairing_check(group, p + p, q + q)
    # the G2 form takes its arguments the other way round
    assert pairing.ec_pairing_check(g2, q + q, p + neg_p)
    # e(2P, Q) == e(P, 2Q)
    two_p = pairing.ec_scalar_mul(group, p, b"\x02")
    two_q = pairing.ec_scalar_mul(g2, q, b"\x02")
    neg_two_p = pairing.ec_scalar_mul(group, neg_p, b"\x02")
    assert pairing.ec_pairing_check(group, neg_two_p + p, q + two_q)
    assert pairing.ec_pairing_check(group, two_p + bytes(len(p)), q + q) is False
    with pytest.raises(LogicError, match="^empty input$"):
        pairing.ec_pairing_check(group, b"", q)
    with pytest.raises(LogicError, match="^invalid inputs sizes$"):
        pairing.ec_pairing_check(group, p + p, q)


def test_points_off_the_curve_or_malformed_fail() -> None:
    g = GENERATORS["BN254g1"]
    off = (1).to_bytes(32, "big") + (3).to_bytes(32, "big")
    with pytest.raises(LogicError, match="^point not on curve$"):
        pairing.ec_add("BN254g1", g, off)
    with pytest.raises(LogicError, match="^bad length 63. Expected 64$"):
        pairing.ec_add("BN254g1", g, g[1:])
    above = (bn.field_modulus + 1).to_bytes(32, "big") + (2).to_bytes(32, "big")
    with pytest.raises(LogicError, match="^field element .* larger than modulus "):
        pairing.ec_subgroup_check("BN254g1", above)
    with pytest.raises(LogicError, match="^ec_scalar_mul scalar len is 33, exceeds 32$"):
        pairing.ec_scalar_mul("BN254g1", g, bytes(33))
    with pytest.raises(LogicError, match="^bad scalars length 31. Expected 32$"):
        pairing.ec_multi_scalar_mul("BN254g1", g, bytes(31))
    with pytest.raises(LogicError, match="^bad length 65. Expected 64 multiple$"):
        pairing.ec_multi_scalar_mul("BN254g1", g + b"\x00", bytes(32))


def test_pairing_check_wants_the_subgroup() -> None:
    # A point on the BLS12-381 G1 curve outside its prime-order subgroup: x = 0 gives y² = 4.
    outside = bytes(48) + (2).to_bytes(48, "big")
    assert not pairing.ec_subgroup_check("BLS12_381g1", outside)
    with pytest.raises(LogicError, match="^wrong subgroup$"):
        pairing.ec_pairing_check("BLS12_381g1", outside, GENERATORS["BLS12_381g2"])
    # ... while the group operations accept it
    assert len(pairing.ec_add("BLS12_381g1", outside, GENERATORS["BLS12_381g1"])) == 96


def test_map_to_lands_in_the_subgroup() -> None:
    g1 = pairing.ec_map_to("BLS12_381g1", (27).to_bytes(8, "big"))
    assert pairing.ec_subgroup_check("BLS12_381g1", g1)
    assert g1 != pairing.ec_map_to("BLS12_381g1", (28).to_bytes(8, "big"))
    g2 = pairing.ec_map_to("BLS12_381g2", bytes(95) + b"\x1b")
    assert pairing.ec_subgroup_check("BLS12_381g2", g2)
    with pytest.raises(LogicError, match="^bad encoded element length: 8$"):
        pairing.ec_map_to("BLS12_381g2", (27).to_bytes(8, "big"))
    with pytest.raises(LogicError, match="larger than modulus"):
        pairing.ec_map_to("BLS12_381g1", b"\xff" * 48)


# --- vrf_verify -------------------------------------------------------------------------------

# draft-irtf-cfrg-vrf-03's ECVRF-ED25519-SHA512-Elligator2 examples (the first two are also
# go-algorand's): public key, message, proof, output
VRF_VECTORS = [
    (
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "b6b4699f87d56126c9117a7da55bd0085246f4c56dbc95d20172612e9d38e8d7"
        "ca65e573a126ed88d4e30a46f80a666854d675cf3ba81de0de043c3774f06156"
        "0f55edc256a787afe701677c0f602900",
        "5b49b554d05c0cd5a5325376b3387de59d924fd1e13ded44648ab33c21349a60"
        "3f25b84ec5ed887995b33da5e3bfcb87cd2f64521c4c62cf825cffabbe5d31cc",
    ),
    (
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "ae5b66bdf04b4c010bfe32b2fc126ead2107b697634f6f7337b9bff8785ee111"
        "200095ece87dde4dbe87343f6df3b107d91798c8a7eb1245d3bb9c5aafb09335"
        "8c13e6ae1111a55717e895fd15f99f07",
        "94f4487e1b2fec954309ef1289ecb2e15043a2461ecc7b2ae7d4470607ef82eb"
        "1cfa97d84991fe4a7bfdfd715606bc27e2967a6c557cfb5875879b671740b7d8",
    ),
    (
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "dfa2cba34b611cc8c833a6ea83b8eb1bb5e2ef2dd1b0c481bc42ff36ae7847f6"
        "ab52b976cfd5def172fa412defde270c8b8bdfbaae1c7ece17d9833b1bcf3106"
        "4fff78ef493f820055b561ece45e1009",
        "2031837f582cd17a9af9e0c7ef5a6540e3453ed894b62c293686ca3c1e319dde"
        "9d0aa489a4b59a9594fc2328bc3deff3c8a0929a369a72b1180a596e016b5ded",
    ),
]


@pytest.mark.parametrize(("key", "message", "proof", "output"), VRF_VECTORS)
def test_vrf_verify_matches_the_drafts_vectors(
    key: str, message: str, proof: str, output: str
) -> None:
    pk, alpha, pi = bytes.fromhex(key), bytes.fromhex(message), bytes.fromhex(proof)
    assert vrf.vrf_verify(alpha, pi, pk) == (bytes.fromhex(output), True)
    # another message, a changed c or s, or another key: no output
    assert vrf.vrf_verify(alpha + b"\x00", pi, pk) == (bytes(64), False)
    assert vrf.vrf_verify(alpha, pi[:40] + bytes([pi[40] ^ 1]) + pi[41:], pk) == (bytes(64), False)
    assert vrf.vrf_verify(alpha, pi[:-1] + bytes([pi[-1] ^ 1]), pk)[1] is False
    other = bytes.fromhex(VRF_VECTORS[0][0] if key != VRF_VECTORS[0][0] else VRF_VECTORS[1][0])
    assert vrf.vrf_verify(alpha, pi, other)[1] is False


def test_vrf_refuses_small_order_and_non_canonical_encodings() -> None:
    key, message, proof, _ = VRF_VECTORS[0]
    pi = bytes.fromhex(proof)
    for small in (bytes(32), (1).to_bytes(32, "little"), (vrf.P - 1).to_bytes(32, "little")):
        assert vrf.vrf_verify(b"", pi, small)[1] is False
    # y = p + 1 is not canonical (as an encoding of y = 1)
    assert (
        vrf.vrf_verify(b"", (vrf.P + 1).to_bytes(32, "little") + pi[32:], bytes.fromhex(key))[1]
        is False
    )
    # s is reduced mod L, never refused: s + L verifies as s
    s = int.from_bytes(pi[48:], "little") + vrf.L
    if s < 2**256:
        assert vrf.vrf_verify(b"", pi[:48] + s.to_bytes(32, "little"), bytes.fromhex(key))[1]


# gnark-crypto's BN254 G1 vectors (hash_vectors_test.go, suite
# QUUX-V01-CS02-with-BN254G1_XMD:SHA-256_SVDW_RO_): each u and its map_to_curve point Q
BN254_G1_MAP = [
    (
        7951370986911800256774597109927097176311261202951929331835478768207980370345,
        9192524283969255398734814822241735402343760142215332184598869386265143635853,
        14750013374492649779039522357455217122947104756064249167130349093550158884161,
    ),
    (
        8293556689416303717881563281438712057465092967957999993252567763605862533321,
        2219529064992744478098731193326567804904209297389738932911685687632211367327,
        1910726159786414357764375718946103460897900837832114831609513656424867805207,
    ),
    (
        21498498956904532351723378912032873852253513037650692457560050969314502748597,
        6453599284581821454252898427469570073430843606970728650145294868078481709202,
        18995581315822946008285423533984677217009732542182181378734620089887646003813,
    ),
    (
        2044513137826275527915612741016000753813717898656440700304636055936191489587,
        15648482829240231450830106706414350609765304380572340182587624553168656871227,
        2884090034870953736753092279678539049499634063513478774348194493913603274393,
    ),
]


@pytest.mark.parametrize(("u", "x", "y"), BN254_G1_MAP)
def test_bn254_g1_map_to_matches_gnark(u: int, x: int, y: int) -> None:
    point = pairing.ec_map_to("BN254g1", u.to_bytes(32, "big"))
    assert point == x.to_bytes(32, "big") + y.to_bytes(32, "big")
    assert pairing.ec_subgroup_check("BN254g1", point)


def test_bn254_g2_map_to_is_not_run() -> None:
    assert crypto.UNSUPPORTED_EC_MAP_TO == ("BN254g2",)
