"""provision_device: one call leaves a TerminalAsset whose three certificates all check OK."""

from __future__ import annotations

from gridworks.contracts.provision import FactorySetup, provision_device, provision_factory
from gridworks.identity.certificates import CertificateKind

K = CertificateKind


def test_a_new_factory_and_a_second_device_on_it(network) -> None:
    first = provision_device(network, "d1.isone.ver.keene.prov")
    assert first.terminal_asset_alias == "d1.isone.ver.keene.prov.ta"
    assert first.scada_alias == "d1.isone.ver.keene.prov.scada"
    assert first.genesis_hash == str(network.algod.suggested_params().gh)
    for holder, kind in (
        (first.owner, K.TaDeed),
        (first.atomic_tnode, K.TaTradingRights),
        (first.scada, K.ScadaCert),
    ):
        verdict = first.factory.check(holder.address, first.terminal_asset_alias, kind)
        assert verdict.ok, verdict
    setup = FactorySetup(first.factory, first.admin, first.validator, "d1.isone.ver.validator")
    second = provision_device(network, "d1.isone.ver.keene.prov2", on=setup)
    assert second.factory.app_id == first.factory.app_id
    assert second.factory.check(second.scada.address, second.terminal_asset_alias, K.ScadaCert).ok
    assert not second.factory.check(
        first.scada.address, second.terminal_asset_alias, K.ScadaCert
    ).ok


def test_provision_factory_certifies_its_validator(network) -> None:
    setup = provision_factory(network, validator_alias="d1.isone.ver.otherval")
    verdict = setup.factory.check(setup.validator.address, "d1.isone.ver.otherval", K.ValidatorCert)
    assert verdict.ok, verdict
