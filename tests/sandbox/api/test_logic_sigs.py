"""Logic signatures in the ledger: contract accounts, delegation (single key and multisig),
arguments, limits, pooled budgets, and algod's wording when a program fails or rejects."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from algosdk import account, transaction
from algosdk.v2client.algod import AlgodClient
from conftest import rejected, send

from gridworks.sandbox import DevAccount
from gridworks.sandbox.avm.spec import MAX_VERSION

Factory = Callable[..., DevAccount]

# Hand-assembled bytecode (version byte first), so these tests stand apart from the assembler.
INT_1_V1 = bytes([1, 0x20, 1, 1, 0x22])  # intcblock 1; intc_0
INT_0_V1 = bytes([1, 0x20, 1, 0, 0x22])  # intcblock 0; intc_0
ERR_V1 = bytes([1, 0x00])  # err
# arg_0; bytecblock "secret"; bytec_0; ==
ARG_IS_SECRET = bytes([2, 0x26, 1, 6]) + b"secret" + bytes([0x2D, 0x28, 0x12])


# A v4 loop of sha256 on 32 zero bytes, `count` times: about 37 per iteration in budget.
def sha256_loop(count: int) -> bytes:
    # pushint count; store 0; pushbytes 32x00; (loop) sha256; load 0; pushint 1; -; dup;
    # store 0; bnz loop; pop; pushint 1
    body = bytes([0x01])  # sha256
    body += bytes([0x34, 0, 0x81, 1, 0x09, 0x49, 0x35, 0])  # load 0; pushint 1; -; dup; store 0
    program = bytes([5, 0x81]) + _varuint(count) + bytes([0x35, 0, 0x80, 32]) + bytes(32)
    loop_start = len(program)
    program += body
    offset = loop_start - (len(program) + 3)
    program += bytes([0x40]) + offset.to_bytes(2, "big", signed=True)  # bnz loop
    program += bytes([0x48, 0x81, 1])  # pop; pushint 1
    return program


def _varuint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def pay(algod: AlgodClient, sender: str, receiver: str, amount: int) -> transaction.PaymentTxn:
    return transaction.PaymentTxn(sender, algod.suggested_params(), receiver, amount)


def balance(algod: AlgodClient, address: str) -> int:
    return int(algod.account_info(address)["amount"])


def contract_account(algod: AlgodClient, funder: DevAccount, program: bytes, args=None):  # type: ignore[no-untyped-def]
    lsig = transaction.LogicSigAccount(program, args)
    send(algod, pay(algod, funder.address, lsig.address(), 1_000_000).sign(funder.private_key))
    return lsig


def test_a_contract_account_spends_when_its_program_passes(
    algod: AlgodClient, account_factory: Factory
) -> None:
    funder, bob = account_factory(), account_factory()
    lsig = contract_account(algod, funder, INT_1_V1)
    before = balance(algod, lsig.address())  # a program's account is shared by every test
    send(algod, transaction.LogicSigTransaction(pay(algod, lsig.address(), bob.address, 5), lsig))
    assert balance(algod, bob.address) == 10_000_000 + 5
    assert balance(algod, lsig.address()) == before - 5 - 1_000


def test_a_program_that_ends_with_zero_rejects(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    funder, bob = account_factory(), account_factory()
    lsig = contract_account(algod, funder, INT_0_V1)
    signed = transaction.LogicSigTransaction(pay(algod, lsig.address(), bob.address, 5), lsig)
    with unchanged(lsig.address(), bob.address):
        message = rejected(algod, signed)
    assert f"transaction {signed.get_txid()}: rejected by logic" in message


def test_a_failing_program_reports_the_reason_and_pc(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    funder, bob = account_factory(), account_factory()
    lsig = contract_account(algod, funder, ERR_V1)
    signed = transaction.LogicSigTransaction(pay(algod, lsig.address(), bob.address, 5), lsig)
    with unchanged(lsig.address()):
        message = rejected(algod, signed)
    assert "rejected by logic err=err opcode executed" in message
    assert "Details: pc=1" in message


def test_arguments_reach_the_program(algod: AlgodClient, account_factory: Factory) -> None:
    funder, bob = account_factory(), account_factory()
    lsig = contract_account(algod, funder, ARG_IS_SECRET)
    wrong = transaction.LogicSigAccount(ARG_IS_SECRET, [b"guess"])
    assert wrong.address() == lsig.address()
    assert "rejected by logic" in rejected(
        algod, transaction.LogicSigTransaction(pay(algod, lsig.address(), bob.address, 1), wrong)
    )
    right = transaction.LogicSigAccount(ARG_IS_SECRET, [b"secret"])
    send(algod, transaction.LogicSigTransaction(pay(algod, lsig.address(), bob.address, 1), right))
    assert balance(algod, bob.address) == 10_000_000 + 1


def test_a_program_that_is_not_the_senders_needs_a_delegation(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice, bob = account_factory(), account_factory()
    lsig = transaction.LogicSigAccount(INT_1_V1)  # not signed by alice: not hers to use
    # algosdk names the program's account as the authorizer (`sgnr`): alice never rekeyed to it.
    signed = transaction.LogicSigTransaction(pay(algod, alice.address, bob.address, 1), lsig)
    with unchanged(alice.address):
        assert "should have been authorized by" in rejected(algod, signed)
    # Without `sgnr` the program must be alice's own address, which it is not.
    signed.auth_addr = None
    with unchanged(alice.address):
        assert "LogicNot signed and not a Logic-only account" in rejected(algod, signed)


def test_a_delegated_logic_sig_spends_for_the_account_that_signed_it(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice, bob, mallory = account_factory(), account_factory(), account_factory()
    lsig = transaction.LogicSigAccount(INT_1_V1)
    lsig.sign(alice.private_key)
    send(algod, transaction.LogicSigTransaction(pay(algod, alice.address, bob.address, 7), lsig))
    assert balance(algod, bob.address) == 10_000_000 + 7
    # The delegation names alice's key: it is worth nothing for mallory's account, whether
    # alice is named as the authorizer (algosdk does so) or not.
    stolen = transaction.LogicSigTransaction(pay(algod, mallory.address, bob.address, 7), lsig)
    with unchanged(mallory.address):
        assert "should have been authorized by" in rejected(algod, stolen)
    stolen.auth_addr = None
    with unchanged(mallory.address):
        assert "didn't pass verification" in rejected(algod, stolen)


def test_a_multisig_delegation_needs_its_threshold(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    funder, bob = account_factory(), account_factory()
    members = [account.generate_account() for _ in range(3)]
    msig = transaction.Multisig(1, 2, [address for _, address in members])
    send(algod, pay(algod, funder.address, msig.address(), 1_000_000).sign(funder.private_key))
    lsig = transaction.LogicSigAccount(INT_1_V1)
    lsig.sign_multisig(msig, members[0][0])
    short = transaction.LogicSigTransaction(pay(algod, msig.address(), bob.address, 3), lsig)
    with unchanged(msig.address()):
        assert "insufficient signatures" in rejected(algod, short)
    lsig.append_to_multisig(members[2][0])
    send(algod, transaction.LogicSigTransaction(pay(algod, msig.address(), bob.address, 3), lsig))
    assert balance(algod, bob.address) == 10_000_000 + 3


def test_a_legacy_msig_delegation_signs_the_program_alone(
    algod: AlgodClient, account_factory: Factory
) -> None:
    """Before `lmsig`, delegations were multisigs over b"Program" + program (`msig`)."""
    from nacl.signing import SigningKey

    from gridworks.sandbox.network import private_key_seed

    funder, bob = account_factory(), account_factory()
    members = [account.generate_account() for _ in range(2)]
    msig = transaction.Multisig(1, 2, [address for _, address in members])
    send(algod, pay(algod, funder.address, msig.address(), 1_000_000).sign(funder.private_key))
    for index, (key, _) in enumerate(members):
        signature = SigningKey(private_key_seed(key)).sign(b"Program" + INT_1_V1).signature
        msig.subsigs[index].signature = signature
    lsig = transaction.LogicSigAccount(INT_1_V1)
    lsig.lsig.msig = msig
    send(algod, transaction.LogicSigTransaction(pay(algod, msig.address(), bob.address, 4), lsig))
    assert balance(algod, bob.address) == 10_000_000 + 4


def test_a_program_of_a_version_above_the_maximum_is_refused(
    algod: AlgodClient, account_factory: Factory
) -> None:
    funder, bob = account_factory(), account_factory()
    program = bytes([MAX_VERSION + 1]) + INT_1_V1[1:]
    lsig = contract_account(algod, funder, program)
    signed = transaction.LogicSigTransaction(pay(algod, lsig.address(), bob.address, 1), lsig)
    assert "version too new" in rejected(algod, signed)


def test_logic_sig_args_over_1000_bytes_are_refused_beyond_the_group_pool(
    algod: AlgodClient, account_factory: Factory
) -> None:
    """V42 (go-algorand v5): a logic sig's args may use 1,000 bytes (LogicSigMaxSize) whatever
    its program's size; larger ones must fit the group's pool of 1,000 per transaction. (The
    program alone may be 16,000 bytes: test_consensus_v42_limits.py.)"""
    funder, bob = account_factory(), account_factory()
    program = INT_1_V1
    lsig = contract_account(algod, funder, program)
    fits = transaction.LogicSigAccount(program, [bytes(1_000)])
    send(algod, transaction.LogicSigTransaction(pay(algod, lsig.address(), bob.address, 1), fits))
    big = transaction.LogicSigAccount(program, [bytes(1_001)])
    signed = transaction.LogicSigTransaction(pay(algod, lsig.address(), bob.address, 2), big)
    assert (
        "txgroup had 1001 bytes of LogicSig args, more than the available size pool of 1000 "
        "bytes (per-LogicSig allowance is 1000)"
    ) in rejected(algod, signed)


@pytest.mark.parametrize(("group_size", "passes"), [(1, False), (2, True)])
def test_logic_sig_budgets_pool_across_the_group(
    algod: AlgodClient, account_factory: Factory, group_size: int, passes: bool
) -> None:
    """600 sha256 rounds cost about 22,000: over one transaction's 20,000, within the 40,000 a
    group of two pools (its second transaction, signed by a key, spends none of it)."""
    funder, bob = account_factory(), account_factory()
    lsig = contract_account(algod, funder, sha256_loop(600))
    txns = [pay(algod, lsig.address(), bob.address, 1)]
    if group_size > 1:
        txns.append(pay(algod, bob.address, funder.address, 2))
        transaction.assign_group_id(txns)
    signed = [transaction.LogicSigTransaction(txns[0], lsig)]
    signed += [txn.sign(bob.private_key) for txn in txns[1:]]
    before = balance(algod, lsig.address())  # the program's account: shared by both cases
    if passes:
        send(algod, *signed)
        assert balance(algod, lsig.address()) == before - 1 - 1_000
    else:
        assert "dynamic cost budget exceeded" in rejected(algod, *signed)
