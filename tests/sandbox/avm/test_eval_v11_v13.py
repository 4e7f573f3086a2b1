"""The opcodes and fields of AVM v11, v12 and v13, run by the evaluator.

Payouts and consensus (v11): `global Payouts*`, `acct_params_get` AcctIncentiveEligible /
AcctLastProposed / AcctLastHeartbeat, `voter_params_get`, `online_stake`, the new `block`
fields, `mimc`. v12: `falcon_verify`, `txn RejectVersion`, `app_params_get AppVersion`. v13:
`sha512`, `poseidon2`, the `block` commitments. The curve opcodes (v10) run here too, as
they no longer fail as unsupported.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from algorand_falcon import falcon1024
from avm_app_helpers import ALICE, APP, BOB, CAROL, OTHER_APP, Txn, app_kw, code_of, txn_field
from avm_eval_helpers import byte, int_, reason, stack
from py_ecc import optimized_bn128 as bn

from gridworks.sandbox.avm import pairing
from gridworks.sandbox.avm.app_state import VoterParams
from gridworks.sandbox.avm.context import AppCallContext
from gridworks.sandbox.avm.memory_state import MemoryState
from gridworks.sandbox.avm.spec import Mode, opcodes
from gridworks.sandbox.avm.views import GlobalView, GroupView
from gridworks.sandbox.encoding import ZERO_ADDRESS


def op(name: str, *immediates: int) -> bytes:
    """An instruction of v13's table (the shared helper builds v10's): uint8 immediates only."""
    spec = opcodes(13).by_name[name]
    head = (
        bytes([spec.opcode]) if spec.sub_opcode is None else bytes([spec.opcode, spec.sub_opcode])
    )
    return head + bytes(immediates)


def glob(name: str) -> bytes:
    return op("global", code_of("global Fields", name))


def state() -> MemoryState:
    chain = MemoryState()
    chain.create_app(CAROL, APP, approval_program=b"\x0b\x81\x01")
    chain.create_app(BOB, OTHER_APP)
    chain.fund(ALICE, 5_000_000, incentive_eligible=True, last_heartbeat=777)
    chain.fund(BOB, 3_000_000)
    chain.voters[ALICE] = VoterParams(4_000_000, incentive_eligible=True)
    chain.voters[CAROL] = VoterParams(1_500_000)
    return chain


def call(chain: MemoryState, **fields: object) -> dict[str, object]:
    txn = Txn(accounts=[BOB, CAROL], foreign_apps=[OTHER_APP], **fields)  # type: ignore[arg-type]
    return app_kw(chain, txn)


# --- v11: payouts, accounts, voters ------------------------------------------------------------


def test_payouts_globals_are_consensus_v40s() -> None:
    names = ["PayoutsEnabled", "PayoutsGoOnlineFee", "PayoutsPercent"]
    names += ["PayoutsMinBalance", "PayoutsMaxBalance"]
    got = stack(*(glob(name) for name in names), version=11)
    assert got == [1, 2_000_000, 50, 30_000_000_000, 70_000_000_000_000]
    assert reason(glob("PayoutsPercent"), version=10) == "invalid global field PayoutsPercent"


def test_payouts_globals_follow_the_view() -> None:
    view = GlobalView(payouts_enabled=False, payouts_percent=75)
    got = stack(glob("PayoutsEnabled"), glob("PayoutsPercent"), version=11, globals=view)
    assert got == [0, 75]


def test_acct_params_of_payouts() -> None:
    chain = state()
    fields = ("AcctIncentiveEligible", "AcctLastProposed", "AcctLastHeartbeat")
    reads = [byte(ALICE) + op("acct_params_get", code_of("acct_params Fields", f)) for f in fields]
    got = stack(*reads, version=11, **call(chain))
    assert got == [1, 1, 0, 1, 777, 1]
    eligible = code_of("acct_params Fields", "AcctIncentiveEligible")
    assert stack(byte(BOB), op("acct_params_get", eligible), version=11, **call(chain)) == [0, 1]
    assert reason(byte(BOB), op("acct_params_get", eligible), version=10, **call(chain)) == (
        f"invalid acct_params_get field {eligible}"
    )


def test_voter_params_get() -> None:
    chain = state()
    balance = op("voter_params_get", code_of("voter_params Fields", "VoterBalance"))
    eligible = op("voter_params_get", code_of("voter_params Fields", "VoterIncentiveEligible"))
    assert stack(byte(ALICE), balance, byte(ALICE), eligible, version=11, **call(chain)) == [
        4_000_000, 1, 1, 1
    ]  # fmt: skip
    assert stack(int_(2), balance, int_(2), eligible, version=11, **call(chain)) == [
        1_500_000, 1, 0, 1
    ]  # fmt: skip  # by index into the Accounts array: CAROL
    # not online: zero values, and Y = 0
    assert stack(byte(BOB), balance, byte(BOB), eligible, version=11, **call(chain)) == [
        0, 0, 0, 0
    ]  # fmt: skip
    # the account must be available, as for acct_params_get
    assert reason(byte(b"\x09" * 32), balance, version=11, **call(chain)).startswith(
        "unavailable Account "
    )
    assert reason(byte(ALICE), balance, version=11) == (
        "voter_params_get not allowed in current mode"
    )


def test_online_stake() -> None:
    assert stack(op("online_stake"), version=11, **call(state())) == [5_500_000]
    assert stack(op("online_stake"), version=11, **call(MemoryState())) == [0]
    assert reason(op("online_stake"), version=10, **call(state())).startswith("illegal opcode")


# --- block ------------------------------------------------------------------------------------

HEADER = {
    "rnd": 1_999,
    "prev": b"\x0b" * 32,
    "seed": b"\x05" * 32,
    "ts": 1_700_000_000,
    "tc": 1_042,
    "txn": b"\x0c" * 32,
    "fees": b"\x0e" * 32,
    "proto": "https://github.com/algorandfoundation/specs/tree/sandbox",
    "fc": 3_000,
}


def block_kw(header: dict[str, object] | None = HEADER) -> dict[str, object]:
    txn = Txn(type="pay", first_valid=2_000, last_valid=2_500)
    lookup = (lambda rnd: header) if header is not None else None
    return {"group": GroupView([txn]), "globals": GlobalView(block_header=lookup)}  # type: ignore[arg-type]


def block(name: str) -> bytes:
    return int_(1_999) + op("block", code_of("block Fields", name))


def test_block_fields_of_v11() -> None:
    names = ["BlkProposer", "BlkFeesCollected", "BlkBonus", "BlkBranch", "BlkFeeSink"]
    names += ["BlkProtocol", "BlkTxnCounter", "BlkProposerPayout"]
    got = stack(*(block(name) for name in names), version=11, **block_kw())
    assert got == [
        ZERO_ADDRESS,  # no proposer in a dev sandbox
        3_000,
        0,
        b"\x0b" * 32,
        b"\x0e" * 32,
        b"https://github.com/algorandfoundation/specs/tree/sandbox",
        1_042,
        0,
    ]
    assert reason(block("BlkFeesCollected"), version=10, **block_kw()) == (
        "invalid block field BlkFeesCollected"
    )
    assert reason(block("BlkTxnCounter"), version=11, **block_kw(None)) == "no block header access"


def test_block_fields_of_v13() -> None:
    names = ["BlkBranch512", "BlkSha512_256TxnCommitment", "BlkSha256TxnCommitment"]
    names += ["BlkSha512TxnCommitment"]
    got = stack(*(block(name) for name in names), version=13, **block_kw())
    assert got == [bytes(64), b"\x0c" * 32, bytes(32), bytes(64)]  # absent keys: zero values
    assert reason(block("BlkBranch512"), version=12, **block_kw()) == (
        "invalid block field BlkBranch512"
    )


# --- v12: RejectVersion, AppVersion --------------------------------------------------------


def test_reject_version_and_app_version() -> None:
    chain = state()
    chain.apps[OTHER_APP] = chain.apps[OTHER_APP].__class__(creator=BOB, version=3)
    reject = op("txn", txn_field("RejectVersion"))
    version = op("app_params_get", code_of("app_params Fields", "AppVersion"))
    assert stack(reject, version=12, **call(chain, reject_version=4)) == [4]
    assert stack(int_(OTHER_APP), version, int_(APP), version, version=12, **call(chain)) == [
        3, 1, 0, 1
    ]  # fmt: skip
    assert reason(reject, version=11, **call(chain)) == "invalid txn field RejectVersion"
    pay = Txn(type="pay")
    assert stack(reject, version=12, group=GroupView([pay])) == [0]


# --- cryptography through the evaluator -------------------------------------------------------

ONE = bytes.fromhex("23a950068dd3d1e21cee48e7919be7ae32cdef70311fc486336ea9d4b5042535")


def test_mimc_and_poseidon2() -> None:
    mimc = code_of("MimcConfigurations Parameters", "BN254Mp110")
    poseidon = code_of("Poseidon2 Configurations Parameters", "BLS12_381t2")
    got = stack(byte(ONE), op("mimc", mimc), byte(ONE), op("poseidon2", poseidon), version=13)
    assert got == [
        (12886436712380113721405259596386800092738845035233065858332878701083870690753).to_bytes(
            32, "big"
        ),
        (34960972753749415790402211978912014226528569245540044525901549350192685584856).to_bytes(
            32, "big"
        ),
    ]
    assert reason(byte(b"\xff" * 32), op("mimc", mimc), version=11).startswith(
        "invalid mimc input: element 0 is not canonical"
    )
    assert reason(byte(b""), op("poseidon2", poseidon), version=13).startswith(
        "the input data cannot be empty"
    )
    assert reason(byte(ONE), op("poseidon2", poseidon), version=12).startswith("illegal opcode")
    assert reason(byte(ONE), op("mimc", mimc), version=10).startswith("illegal opcode")


def test_mimc_costs_per_32_bytes() -> None:
    spec = opcodes(13).by_name["mimc"].cost
    assert spec.by_field  # the cost depends on the configuration and the input length


def test_sha512() -> None:
    assert stack(byte(b"abc"), op("sha512"), version=13) == [hashlib.sha512(b"abc").digest()]
    assert reason(byte(b"abc"), op("sha512"), version=12).startswith("illegal opcode")


def test_falcon_verify() -> None:
    signer = falcon1024.Signer.generate(b"\x07" * 32)
    signature = signer.sign(b"msg")
    verify = [byte(b"msg"), byte(signature), byte(signer.public_key), op("falcon_verify")]
    assert stack(*verify, version=12, budget=20_000) == [1]
    forged = [byte(b"msG"), byte(signature), byte(signer.public_key), op("falcon_verify")]
    assert stack(*forged, version=12) == [0]
    short_key = [byte(b"msg"), byte(signature), byte(signer.public_key[:32]), op("falcon_verify")]
    assert reason(*short_key, version=12) == "invalid public key size 32 != 1793"
    assert reason(*verify, version=11).startswith("illegal opcode")


def test_ec_ops_run() -> None:
    g1 = bytes.fromhex("01".rjust(64, "0") + "02".rjust(64, "0"))
    group = code_of("EC Groups", "BN254g1")
    doubled = stack(byte(g1), byte(g1), op("ec_add", group), version=10)
    assert doubled == [pairing.ec_scalar_mul("BN254g1", g1, b"\x02")]
    assert stack(byte(g1), op("ec_subgroup_check", group), version=10) == [1]
    neg = g1[:32] + (bn.field_modulus - 2).to_bytes(32, "big")
    g2 = pairing._encode(pairing._GROUPS[pairing.EcGroup.BN254g2], bn.G2)
    check = [byte(g1 + neg), byte(g2 + g2), op("ec_pairing_check", group)]
    assert stack(*check, version=10, budget=100_000) == [1]
    assert reason(byte(g1), byte(g1[:-1]), op("ec_add", group), version=10) == (
        "bad length 63. Expected 64"
    )


def test_ec_map_to() -> None:
    g1 = code_of("EC Groups", "BN254g1")
    mapped = stack(byte(b"\x1b"), op("ec_map_to", g1), version=10)
    assert mapped == [pairing.ec_map_to("BN254g1", b"\x1b")]
    assert reason(
        byte(b"\x1b"), op("ec_map_to", code_of("EC Groups", "BN254g2")), version=10, mode=Mode.SIG
    ).startswith("unsupported opcode ec_map_to BN254g2")


# --- v13: app_params_set and other apps' boxes -----------------------------------------------

THIRD_APP = 7_777  # another creator's app


def sharing_chain() -> MemoryState:
    chain = MemoryState()
    chain.create_app(CAROL, APP)
    chain.create_app(CAROL, OTHER_APP)  # same creator: APP's family
    chain.create_app(BOB, THIRD_APP)
    chain.box_create(OTHER_APP, b"x", b"1234")
    chain.box_create(THIRD_APP, b"x", b"abcd")
    return chain


def box_call(chain: MemoryState, app_id: int = APP, **fields: object) -> dict[str, object]:
    """A call of `app_id` naming box "x" of OTHER_APP (index 1) and of THIRD_APP (index 2)."""
    txn = Txn(
        application_id=app_id,
        foreign_apps=[OTHER_APP, THIRD_APP],
        boxes=[(1, b"x"), (2, b"x")],
        **fields,  # type: ignore[arg-type]
    )
    return app_kw(chain, txn, app_id=app_id)


def set_flag(name: str, value: int) -> bytes:
    return int_(value) + op("app_params_set", code_of("app_params_set Fields", name))


def get_flag(app_id: int, name: str) -> bytes:
    return int_(app_id) + op("app_params_get", code_of("app_params Fields", name))


def test_app_params_set_flips_the_sharing_flags() -> None:
    chain = sharing_chain()
    parts = [set_flag("AppForeignBoxReads", 5), get_flag(OTHER_APP, "AppForeignBoxReads")]
    parts += [get_flag(OTHER_APP, "AppFamilyBoxAccess"), get_flag(OTHER_APP, "AppSizeSponsor")]
    got = stack(*parts, version=13, **box_call(chain, OTHER_APP))
    assert got == [1, 1, 0, 1, ZERO_ADDRESS, 1]
    assert chain.apps[OTHER_APP].foreign_box_reads
    stack(set_flag("AppForeignBoxReads", 0), version=13, **box_call(chain, OTHER_APP))
    assert not chain.apps[OTHER_APP].foreign_box_reads
    assert reason(set_flag("AppForeignBoxReads", 1), version=12, **box_call(chain)).startswith(
        "illegal opcode"
    )
    assert reason(int_(1), op("app_params_set", 3), version=13, **box_call(chain)) == (
        "invalid app_params_set field 3"
    )


def test_other_apps_boxes_need_their_consent() -> None:
    chain = sharing_chain()
    read = int_(OTHER_APP) + byte(b"x") + op("app_box_get")
    write = int_(OTHER_APP) + byte(b"x") + byte(b"wxyz") + op("app_box_put")
    assert reason(read, version=13, **box_call(chain)) == (
        f"family app {APP} may not read box of {OTHER_APP}"
    )
    third = int_(THIRD_APP) + byte(b"x") + op("app_box_len")
    assert reason(third, version=13, **box_call(chain)) == (
        f"foreign app {APP} may not read box of {THIRD_APP}"
    )
    chain.apps[OTHER_APP] = replace(chain.apps[OTHER_APP], foreign_box_reads=True)
    assert stack(read, version=13, **box_call(chain)) == [b"1234", 1]
    assert reason(write, version=13, **box_call(chain)) == (
        f"family app {APP} may not write box of {OTHER_APP}"
    )
    chain.apps[OTHER_APP] = replace(chain.apps[OTHER_APP], family_box_access=True)
    stack(write, version=13, **box_call(chain))
    assert chain.boxes[(OTHER_APP, b"x")] == b"wxyz"


def test_every_app_box_op_on_a_family_app() -> None:
    chain = sharing_chain()
    chain.apps[OTHER_APP] = replace(chain.apps[OTHER_APP], family_box_access=True)
    other = int_(OTHER_APP) + byte(b"x")
    parts = [
        other + op("app_box_len"),
        other + int_(1) + int_(2) + op("app_box_extract"),
        other + int_(0) + byte(b"Z") + op("app_box_replace"),
        other + int_(1) + int_(1) + byte(b"QQ") + op("app_box_splice"),
        other + op("app_box_get"),
        other + int_(6) + op("app_box_resize"),
        other + op("app_box_len"),
        other + op("app_box_del"),
        other + int_(2) + op("app_box_create"),
        other + int_(2) + op("app_box_create"),
    ]
    got = stack(*parts, version=13, **box_call(chain))
    assert got == [4, 1, b"23", b"ZQQ3", 1, 6, 1, 1, 1, 0]
    assert chain.boxes[(OTHER_APP, b"x")] == bytes(2)
    # the box still needs a reference
    unnamed = int_(OTHER_APP) + byte(b"y") + op("app_box_len")
    assert reason(unnamed, version=13, **box_call(chain)) == "invalid Box reference 0x79"
    assert reason(other + op("app_box_len"), version=12, **box_call(chain)).startswith(
        "illegal opcode"
    )


def test_the_family_reentrancy_rule() -> None:
    chain = sharing_chain()
    chain.apps[APP] = replace(chain.apps[APP], family_box_access=True)
    write = int_(APP) + byte(b"x") + int_(1) + op("app_box_create")
    # OTHER_APP (CAROL's) is called by THIRD_APP (BOB's), called by APP (CAROL's), which used
    # a family-shared box: OTHER_APP may not write one.
    top_call = AppCallContext(chain, callers=())
    top_call.touched_family_shared = True
    foreign = AppCallContext(chain, callers=(APP,), parent=top_call)
    txn = Txn(application_id=OTHER_APP, boxes=[(1, b"x")], foreign_apps=[APP])
    kw = app_kw(chain, txn, app_id=OTHER_APP, callers=(APP, THIRD_APP))
    kw["app"] = AppCallContext(chain, callers=(APP, THIRD_APP), parent=foreign)
    assert reason(write, version=13, **kw) == (
        f"app {OTHER_APP} may not write family-shared box: app {APP} is relying on family "
        "state across a foreign call"
    )
    top_call.touched_family_shared = False
    kw["app"] = AppCallContext(chain, callers=(APP, THIRD_APP), parent=foreign)
    assert stack(write, version=13, **kw) == [1]


def test_vrf_verify() -> None:
    pk = bytes.fromhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
    proof = bytes.fromhex(
        "ae5b66bdf04b4c010bfe32b2fc126ead2107b697634f6f7337b9bff8785ee111"
        "200095ece87dde4dbe87343f6df3b107d91798c8a7eb1245d3bb9c5aafb09335"
        "8c13e6ae1111a55717e895fd15f99f07"
    )
    standard = code_of("vrf_verify Standards", "VrfAlgorand")
    got = stack(byte(b"\x72"), byte(proof), byte(pk), op("vrf_verify", standard), version=7)
    assert got[1] == 1 and len(got[0]) == 64  # type: ignore[arg-type]
    assert got[0].hex().startswith("94f4487e1b2fec95")  # type: ignore[union-attr]
    assert stack(byte(b"\x73"), byte(proof), byte(pk), op("vrf_verify", standard)) == [
        bytes(64), 0
    ]  # fmt: skip
    assert reason(byte(b""), byte(proof[:79]), byte(pk), op("vrf_verify", standard)) == (
        "vrf proof wrong size 79 != 80"
    )
    assert reason(byte(b""), byte(proof), byte(pk[:31]), op("vrf_verify", standard)) == (
        "vrf pubkey wrong size 31 != 32"
    )
    assert reason(byte(b""), byte(proof), byte(pk), op("vrf_verify", 1)) == (
        "invalid VRF standard VrfStandard(1)"
    )
