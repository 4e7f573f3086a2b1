"""Which GNode an account speaks for: the certificate a source alias needs, read from the chain.

A message's source alias names a claim, and the claim names the certificate that proves it:

- ``<atn>.scada`` is the Scada of the TerminalAsset ``<atn>.ta``: it holds that TA's ScadaCert;
- ``<atn>.ta`` is the TerminalAsset itself, spoken for by its owner: the TaDeed;
- an alias registered as a validator: the ValidatorCert;
- an alias registered as a service GNode (TimeCoordinator, Supervisor, MarketMaker,
  PriceService, WeatherService: `roles.SERVICE_ROLES`): the ServiceCert, and the record's role
  is the role proven;
- ``<atn>`` with ``<atn>.ta`` registered is the AtomicTNode that trades for the TerminalAsset:
  it holds the TaTradingRights.

For these device-linked roles the TerminalAsset's record must also hold together: its TaDeed
and TaTradingRights (and the ScadaCert for a Scada) are live, issued by the factory and bound to
the same TerminalAsset alias. A role with no certificate on chain is not registered.

The rules read the chain through a `FactoryView`: a `FactoryReader` judges the chain now (the
live verifier), a `gridworks.identity.history.FactoryAsOf` judges it as of a past round (the
ear's re-verification of archived messages), with the same rules.
"""

from __future__ import annotations

import base64
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from gridworks.identity.certificates import CertificateKind, metadata_hash
from gridworks.identity.chain import Verdict
from gridworks.identity.record import Record
from gridworks.identity.rejection import RejectReason
from gridworks.identity.roles import SCADA_WORD, SERVICE_ROLES, TA_WORD, GNodeRole


class FactoryView(Protocol):
    """What the rules read: one GNodeFactory's registry and certificates, at one moment."""

    @property
    def app_id(self) -> int: ...

    @property
    def address(self) -> str: ...

    def record(self, alias: str) -> Record | None: ...

    def asset_params(self, asset_id: int) -> dict[str, Any] | None: ...

    def check_record(
        self, address: str, alias: str, kind: CertificateKind | str, record: Record | None
    ) -> Verdict: ...


class Claim(BaseModel):
    """What a source alias claims to be, and the certificate that would prove it."""

    model_config = ConfigDict(frozen=True)

    alias: str
    role: GNodeRole
    certificate: CertificateKind
    record_alias: str
    """The registry record holding the certificate (the TerminalAsset's, for device roles)."""
    terminal_asset: str | None = None


class ProvenIdentity(BaseModel):
    """Who a verified message is from, as the chain proves it."""

    model_config = ConfigDict(frozen=True)

    alias: str
    role: GNodeRole
    address: str
    certificate: CertificateKind
    certificate_asset_id: int
    terminal_asset: str | None
    """For device-linked roles (TerminalAsset, AtomicTNode, Scada): the device spoken for."""
    factory_app_id: int


class Refusal(BaseModel):
    """Why the chain does not back a claim."""

    model_config = ConfigDict(frozen=True)

    reason: RejectReason
    detail: str


def claim_for(factory: FactoryView, alias: str) -> Claim | Refusal:
    """The claim `alias` makes (may read the registry to tell a validator or a service from an
    AtomicTNode)."""
    return _resolve(factory, alias)[0]


def _resolve(factory: FactoryView, alias: str) -> tuple[Claim | Refusal, Record | None]:
    """The claim, and the record of its `record_alias` when telling the claim apart read it."""
    words = alias.split(".")
    parent = ".".join(words[:-1])
    if words[-1] == SCADA_WORD and parent:
        ta = f"{parent}.{TA_WORD}"
        claim = Claim(
            alias=alias,
            role=GNodeRole.Scada,
            certificate=CertificateKind.ScadaCert,
            record_alias=ta,
            terminal_asset=ta,
        )
        return claim, None
    if words[-1] == TA_WORD:
        claim = Claim(
            alias=alias,
            role=GNodeRole.TerminalAsset,
            certificate=CertificateKind.TaDeed,
            record_alias=alias,
            terminal_asset=alias,
        )
        return claim, None
    record = factory.record(alias)
    if record is not None and record.role is GNodeRole.Validator:
        claim = Claim(
            alias=alias,
            role=GNodeRole.Validator,
            certificate=CertificateKind.ValidatorCert,
            record_alias=alias,
        )
        return claim, record
    if record is not None and record.role in SERVICE_ROLES:
        claim = Claim(
            alias=alias,
            role=record.role,
            certificate=CertificateKind.ServiceCert,
            record_alias=alias,
        )
        return claim, record
    ta = f"{alias}.{TA_WORD}"
    ta_record = factory.record(ta)
    if ta_record is not None:
        claim = Claim(
            alias=alias,
            role=GNodeRole.AtomicTNode,
            certificate=CertificateKind.TaTradingRights,
            record_alias=ta,
            terminal_asset=ta,
        )
        return claim, ta_record
    refusal = Refusal(
        reason=RejectReason.NOT_REGISTERED,
        detail=f"{alias} is neither a registered validator or service GNode nor the AtomicTNode, "
        f"Scada or owner of a registered TerminalAsset with factory {factory.app_id}",
    )
    return refusal, None


def _device_refusal(factory: FactoryView, claim: Claim, record: Record) -> Refusal | None:
    """None when the TerminalAsset's certificates hold together, else why not.

    The claim's own certificate was checked already (`FactoryReader.check_record`), so only the
    others of the device are read here.
    """
    ta = claim.terminal_asset
    assert ta is not None
    needed = [CertificateKind.TaDeed, CertificateKind.TaTradingRights]
    if claim.role is GNodeRole.Scada:
        needed.append(CertificateKind.ScadaCert)
    for kind in needed:
        if kind is claim.certificate:
            continue
        asset_id = record.cert(kind.slot)
        if asset_id == 0:
            return Refusal(
                reason=RejectReason.REVOKED,
                detail=f"the {kind} of {ta} was revoked, so {claim.alias} speaks for no device",
            )
        params = factory.asset_params(asset_id)
        bound = params is not None and (
            params.get("creator") == factory.address
            and params.get("unit-name") == kind.unit_name
            and base64.b64decode(params.get("metadata-hash") or "") == metadata_hash(kind, ta)
        )
        if not bound:
            return Refusal(
                reason=RejectReason.DEVICE_MISMATCH,
                detail=f"{kind} {asset_id} in the record of {ta} is not the factory's "
                f"{kind} bound to {ta}",
            )
    return None


def authorize(factory: FactoryView, address: str, alias: str) -> ProvenIdentity | Refusal:
    """Does `address` hold, now, the certificate that makes it the GNode `alias`?"""
    claim, record = _resolve(factory, alias)
    if isinstance(claim, Refusal):
        return claim
    if record is None:
        record = factory.record(claim.record_alias)
    verdict: Verdict = factory.check_record(address, claim.record_alias, claim.certificate, record)
    if not verdict.ok:
        assert verdict.reason is not None
        return Refusal(
            reason=verdict.reason,
            detail=f"{verdict.detail}, so {address} is not the {claim.role} {alias}",
        )
    if claim.terminal_asset is not None:
        assert record is not None  # the check above passed, so the record exists
        refusal = _device_refusal(factory, claim, record)
        if refusal is not None:
            return refusal
    assert verdict.asset_id is not None
    return ProvenIdentity(
        alias=alias,
        role=claim.role,
        address=address,
        certificate=claim.certificate,
        certificate_asset_id=verdict.asset_id,
        terminal_asset=claim.terminal_asset,
        factory_app_id=factory.app_id,
    )
