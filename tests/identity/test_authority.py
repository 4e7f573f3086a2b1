"""Which certificate a source alias needs, and the device-coherence check, against the chain.

The device check guards against a registry record whose certificates do not all name the same
TerminalAsset. The factory never writes such a record, so the incoherent cases are made by
giving `authorize` a Factory whose asset reads are redirected to another device's assets.
"""

from __future__ import annotations

from gridworks.contracts.provision import Device, FactorySetup, provision_device
from gridworks.identity.authority import Claim, Refusal, authorize, claim_for
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.rejection import RejectReason
from gridworks.identity.roles import GNodeRole

K = CertificateKind


def test_claims_by_alias_shape(certified_device: Device) -> None:
    factory = certified_device.factory
    atn = certified_device.atomic_tnode_alias
    scada = claim_for(factory, atn + ".scada")
    assert isinstance(scada, Claim)
    assert (scada.role, scada.certificate, scada.terminal_asset) == (
        GNodeRole.Scada,
        K.ScadaCert,
        atn + ".ta",
    )
    owner = claim_for(factory, atn + ".ta")
    assert isinstance(owner, Claim) and owner.certificate is K.TaDeed
    trader = claim_for(factory, atn)
    assert isinstance(trader, Claim)
    assert (trader.role, trader.certificate) == (GNodeRole.AtomicTNode, K.TaTradingRights)
    nobody = claim_for(factory, "d1.test.nobody")
    assert isinstance(nobody, Refusal) and nobody.reason is RejectReason.NOT_REGISTERED


def test_validator_claim(gnode_factory: FactorySetup) -> None:
    claim = claim_for(gnode_factory.factory, gnode_factory.validator_alias)
    assert isinstance(claim, Claim)
    assert (claim.role, claim.certificate, claim.terminal_asset) == (
        GNodeRole.Validator,
        K.ValidatorCert,
        None,
    )
    proven = authorize(
        gnode_factory.factory, gnode_factory.validator.address, gnode_factory.validator_alias
    )
    assert not isinstance(proven, Refusal) and proven.role is GNodeRole.Validator


def test_a_record_whose_deed_is_bound_to_another_device_is_a_device_mismatch(
    certified_device: Device, gnode_factory: FactorySetup, network, monkeypatch
) -> None:
    device = certified_device
    factory = device.factory
    other = provision_device(network, device.atomic_tnode_alias + "other", on=gnode_factory)
    ta = device.terminal_asset_alias
    ids = factory.gnode(ta).certificate_asset_ids
    other_ids = other.factory.gnode(other.terminal_asset_alias).certificate_asset_ids
    assert not isinstance(authorize(factory, device.scada.address, device.scada_alias), Refusal)

    real = factory.asset_params
    swapped = {ids[K.TaDeed]: other_ids[K.TaDeed]}  # the deed's asset reads as the other's

    def params(asset_id: int):  # type: ignore[no-untyped-def]
        return real(swapped.get(asset_id, asset_id))

    monkeypatch.setattr(factory, "asset_params", params)
    refusal = authorize(factory, device.scada.address, device.scada_alias)
    assert isinstance(refusal, Refusal)
    assert refusal.reason is RejectReason.DEVICE_MISMATCH
    assert f"TaDeed {ids[K.TaDeed]}" in refusal.detail and ta in refusal.detail
