"""Funding for scale (issue 10, defect 5): every registration pays the minimum-balance increase it
causes, so a factory deployed with only its own 0.1 Algo certifies any number of GNodes with no
top-up (it used to fail after about 30 certificates: `balance 5000000 below min ...`).

The deposit payment comes immediately before the call; the contract measures the app account's
minimum balance before and after and refuses the whole group if the payment falls short.
"""

from __future__ import annotations

import time

import pytest
from contracts_helpers import VALIDATOR_ALIAS, Setup, factory_setup  # noqa: F401

from gridworks.contracts import factory_client
from gridworks.contracts.factory import APP_ACCOUNT_MIN_BALANCE, Factory
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.keys import ActorKey

COUNT = 80  # TerminalAssets, each with its TaDeed, TaTradingRights and ScadaCert: 240 certificates
SHORT = "the deposit does not cover the minimum-balance increase"


def spare(network, address: str) -> int:
    """What an account holds above its minimum balance."""
    info = network.algod.account_info(address)
    return int(info["amount"]) - int(info["min-balance"])


def test_hundreds_of_certificates_with_no_top_up(network) -> None:
    """Through the documented API (`Factory`): deploy, certify a validator, then COUNT
    TerminalAssets with a ScadaCert each. The app account never holds more than it must."""
    key = lambda micro_algos: ActorKey.from_dev_account(network.new_account(micro_algos))  # noqa: E731
    admin = key(5_000_000)
    validator = key(5_000_000 + COUNT * 350_000)
    owner, trader, scada = key(50_000_000), key(50_000_000), key(50_000_000)

    factory = Factory.deploy(network, admin)
    assert network.balance(factory.address) == APP_ACCOUNT_MIN_BALANCE
    factory.certify_validator(admin, validator, "d1.scale.validator")
    assert spare(network, factory.address) == 0
    started = time.perf_counter()
    for i in range(COUNT):
        alias = f"d1.isone.ver.keene.home{i}.ta"
        factory.create_terminal_asset(validator, alias, owner, trader)
        factory.issue_scada_cert(owner, alias, scada)
    elapsed = time.perf_counter() - started
    each = elapsed / COUNT * 1e3
    print(f"\n{COUNT} TerminalAssets certified in {elapsed:.2f} s ({each:.1f} ms each)")

    # the deposits are exact: the app account holds its minimum balance and nothing more
    assert spare(network, factory.address) == 0
    last = f"d1.isone.ver.keene.home{COUNT - 1}.ta"
    for holder, kind in (
        (owner, CertificateKind.TaDeed),
        (trader, CertificateKind.TaTradingRights),
        (scada, CertificateKind.ScadaCert),
    ):
        assert factory.check(holder.address, last, kind).ok
    state = factory.client.app.get_global_state()
    assert (state["terminal_assets"], state["scada_certs"]) == (COUNT, COUNT)


def test_the_client_pays_exactly_the_increase(setup: Setup, network, account_factory) -> None:
    f = setup.factory
    owner = account_factory()
    assert spare(network, f.address) == 0  # deployed with 0.1 Algo, a validator certified
    alias = "d1.isone.exact.ta"
    f.create_terminal_asset(setup.validator, alias, owner.address, owner.address)
    assert spare(network, f.address) == 0
    f.issue_scada_cert(owner, alias, owner.address)
    assert spare(network, f.address) == 0
    f.realias(setup.admin.address, setup.admin.signer, alias, "d1.isone.exact2.ta")
    assert spare(network, f.address) == 0


CALLS = ["certify_validator", "create_terminal_asset", "issue_scada_cert", "realias"]


@pytest.mark.parametrize("call", CALLS)
def test_an_underpaying_group_is_refused_whole(
    setup: Setup, account_factory, monkeypatch, unchanged, call: str
) -> None:
    """One micro-Algo short: refused with the contract's message, the ledger left untouched
    (no box, no certificate, no payment); the right amount then goes through."""
    f, admin = setup.factory, setup.admin
    owner = account_factory()
    ta = "d1.isone.short.ta"
    if call in ("issue_scada_cert", "realias"):
        f.create_terminal_asset(setup.validator, ta, owner.address, owner.address)

    def attempt() -> None:
        if call == "certify_validator":
            f.certify_validator(admin.address, admin.signer, owner.address, "d1.short.validator")
        elif call == "create_terminal_asset":
            f.create_terminal_asset(setup.validator, ta, owner.address, owner.address)
        elif call == "issue_scada_cert":
            f.issue_scada_cert(owner, ta, owner.address)
        else:
            f.realias(admin.address, admin.signer, ta, "d1.isone.short2.ta")

    name = {
        "certify_validator": "validator_deposit",
        "create_terminal_asset": "terminal_asset_deposit",
        "issue_scada_cert": "scada_cert_deposit",
        "realias": "realias_deposit",
    }[call]
    exact = getattr(factory_client, name)
    with monkeypatch.context() as patch:
        patch.setattr(factory_client, name, lambda alias: exact(alias) - 1)
        with unchanged(), pytest.raises(Exception, match=SHORT):
            attempt()
    attempt()


def test_a_registration_without_a_deposit_payment_is_refused(
    setup: Setup, monkeypatch, unchanged
) -> None:
    """The payment must be the transaction right before the call, to the factory."""
    f, admin = setup.factory, setup.admin
    monkeypatch.setattr(factory_client.FactoryClient, "_deposit", lambda *args: None)
    with unchanged(), pytest.raises(Exception, match="needs a deposit payment"):
        f.certify_validator(admin.address, admin.signer, admin.address, "d1.unpaid.validator")
