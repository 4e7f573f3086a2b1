"""A Beaker LogicSignatureTemplate: populated client-side from the compiled blank (which relies on
algod's compile source map), it signs a payment; an app that precompiles the same template
derives the same escrow address on chain."""

# No `from __future__ import annotations`: PyTeal reads the ABI types from live annotations.
import pyteal as pt
import pytest
from algosdk import encoding, transaction
from algosdk.v2client.algod import AlgodClient
from beaker import Application, LogicSignatureTemplate, precompiled
from beaker.precompile import PrecompiledLogicSignatureTemplate
from clients_helpers import beaker_client
from conftest import rejected, send


def escrow_logic(owner: pt.Expr, cap: pt.Expr) -> pt.Expr:
    """Pays at most `cap` microalgos, only to `owner`, never closing or rekeying."""
    return pt.Seq(
        pt.Assert(
            pt.Txn.type_enum() == pt.TxnType.Payment,
            pt.Txn.receiver() == owner,
            pt.Txn.amount() <= cap,
            pt.Txn.close_remainder_to() == pt.Global.zero_address(),
            pt.Txn.rekey_to() == pt.Global.zero_address(),
            pt.Txn.fee() <= pt.Int(2000),
        ),
        pt.Int(1),
    )


escrow = LogicSignatureTemplate(
    escrow_logic,
    runtime_template_variables={"owner": pt.TealType.bytes, "cap": pt.TealType.uint64},
)

checker = Application("EscrowChecker")


@checker.external(read_only=True)
def escrow_of(owner: pt.abi.Address, cap: pt.abi.Uint64, *, output: pt.abi.Address) -> pt.Expr:
    return output.set(precompiled(escrow).address(owner=owner.get(), cap=cap.get()))


@pytest.fixture(scope="module")
def template(algod: AlgodClient) -> PrecompiledLogicSignatureTemplate:
    return PrecompiledLogicSignatureTemplate(escrow, algod)


def escrow_account(
    template: PrecompiledLogicSignatureTemplate, owner: str, cap: int
) -> transaction.LogicSigAccount:
    program = template.populate_template(owner=encoding.decode_address(owner), cap=cap)
    return transaction.LogicSigAccount(program)


def test_the_templated_lsig_signs_a_payment_within_its_terms(
    algod: AlgodClient, account_factory, template: PrecompiledLogicSignatureTemplate
) -> None:
    owner, funder = account_factory(), account_factory()
    lsig = escrow_account(template, owner.address, 250_000)
    sp = algod.suggested_params()
    send(algod, funder.sign(transaction.PaymentTxn(funder.address, sp, lsig.address(), 1_000_000)))

    before = algod.account_info(owner.address)["amount"]
    pay = transaction.PaymentTxn(lsig.address(), sp, owner.address, 250_000)
    send(algod, transaction.LogicSigTransaction(pay, lsig))
    assert algod.account_info(owner.address)["amount"] == before + 250_000
    assert algod.account_info(lsig.address())["amount"] == 1_000_000 - 250_000 - sp.min_fee

    too_much = transaction.PaymentTxn(lsig.address(), sp, owner.address, 250_001)
    assert "rejected" in rejected(algod, transaction.LogicSigTransaction(too_much, lsig))
    elsewhere = transaction.PaymentTxn(lsig.address(), sp, funder.address, 1)
    assert "rejected" in rejected(algod, transaction.LogicSigTransaction(elsewhere, lsig))


def test_different_template_values_give_different_addresses(
    account_factory, template: PrecompiledLogicSignatureTemplate
) -> None:
    owner = account_factory()
    addresses = {
        escrow_account(template, owner.address, cap).address() for cap in (1, 2, 300, 2**40)
    }
    assert len(addresses) == 4


def test_the_app_derives_the_same_escrow_address_on_chain(
    algod: AlgodClient, account_factory, template: PrecompiledLogicSignatureTemplate
) -> None:
    owner = account_factory()
    client = beaker_client(algod, checker, owner)
    client.create()
    for cap in (0, 127, 128, 2**63 + 5):
        on_chain = client.call("escrow_of", owner=owner.address, cap=cap).return_value
        assert on_chain == escrow_account(template, owner.address, cap).address()
