"""provision_device: one call leaves a TerminalAsset whose three certificates all check OK."""

from __future__ import annotations

import pytest

from gridworks.identity.certificates import CertificateKind
from gridworks.identity.provision import provision_device

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
    second = provision_device(
        network,
        "d1.isone.ver.keene.prov2",
        factory=first.factory,
        admin=first.admin,
        validator=first.validator,
    )
    assert second.factory.app_id == first.factory.app_id
    assert second.factory.check(second.scada.address, second.terminal_asset_alias, K.ScadaCert).ok
    assert not second.factory.check(
        first.scada.address, second.terminal_asset_alias, K.ScadaCert
    ).ok


def test_an_existing_factory_needs_its_admin_and_validator(network) -> None:
    device = provision_device(network, "d1.isone.ver.keene.prov3")
    with pytest.raises(ValueError, match="admin and a certified validator"):
        provision_device(network, "d1.isone.ver.keene.prov4", factory=device.factory)
