"""Messages from service GNodes: a TimeCoordinator's or a MarketMaker's envelope, signed by the
holder of its ServiceCert, verifies with the record's role; suspension, revocation and a signer
that holds no ServiceCert are refused with their own reasons."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pydantic import BaseModel

from gridworks.contracts.provision import FactorySetup, provision_factory, provision_service
from gridworks.identity.authority import Claim, ProvenIdentity, Refusal, authorize, claim_for
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.chain import genesis_hash
from gridworks.identity.chain_cache import ChainCache
from gridworks.identity.envelope import seal, wire_of
from gridworks.identity.keys import ActorKey
from gridworks.identity.message_types import MessageTypes
from gridworks.identity.rejection import RejectReason
from gridworks.identity.roles import GNodeRole
from gridworks.identity.verifier import Rejected, Verified, Verifier
from gridworks.sandbox import Network

R = GNodeRole
TIME = "d1.time"
MARKET = "d1.isone.mm"
RECEIVER = "d1.isone.ver.keene.holly"
TYPES = MessageTypes()


@TYPES.register("test.tick")
class Tick(BaseModel):
    unix_s: int


@dataclass
class Services:
    network: Network
    setup: FactorySetup
    time: ActorKey
    market: ActorKey
    genesis: str

    def certify(self, alias: str, role: GNodeRole) -> ActorKey:
        return provision_service(self.network, alias, role, on=self.setup)


@pytest.fixture(scope="module")
def services(network: Network) -> Services:
    setup = provision_factory(network, terminal_assets=1)
    time = provision_service(network, TIME, R.TimeCoordinator, on=setup)
    market = provision_service(network, MARKET, R.MarketMaker, on=setup)
    return Services(network, setup, time, market, genesis_hash(network.algod))


@pytest.fixture
def verifier(services: Services) -> Iterator[Verifier]:
    """The receiver's verifier, reading the chain on every call (no follower thread)."""
    algod, app_id = services.network.algod, services.setup.factory.app_id
    cache = ChainCache(algod, watch_app_ids=(app_id,), follow=False)
    v = Verifier(algod, app_id, receivers=(RECEIVER,), message_types=TYPES, cache=cache)
    yield v
    v.close()


def tick(services: Services, key: ActorKey, source: str) -> bytes:
    envelope = seal(
        key,
        message_type="test.tick",
        payload=Tick(unix_s=1_700_000_000),
        source=source,
        destination=RECEIVER,
        genesis_hash=services.genesis,
    )
    return wire_of(envelope.signature, envelope.message_bytes)


def verified(verifier: Verifier, wire: bytes) -> Verified:
    result = verifier.verify(wire)
    assert isinstance(result, Verified), result
    return result


def refused(verifier: Verifier, wire: bytes) -> Rejected:
    result = verifier.verify(wire)
    assert isinstance(result, Rejected), f"accepted: {result}"
    return result


@pytest.mark.parametrize(
    ("alias", "role", "holder"),
    [(TIME, R.TimeCoordinator, "time"), (MARKET, R.MarketMaker, "market")],
)
def test_a_service_message_verifies_with_its_role(
    services: Services, verifier: Verifier, alias: str, role: GNodeRole, holder: str
) -> None:
    key: ActorKey = getattr(services, holder)
    result = verified(verifier, tick(services, key, alias))
    sender = result.sender
    assert (sender.alias, sender.role, sender.address) == (alias, role, key.address)
    assert sender.certificate is CertificateKind.ServiceCert
    assert sender.terminal_asset is None
    cert = services.setup.factory.gnode(alias).certificate_asset_ids[CertificateKind.ServiceCert]
    assert sender.certificate_asset_id == cert
    assert result.message == Tick(unix_s=1_700_000_000)


def test_the_claim_of_a_service_alias(services: Services) -> None:
    claim = claim_for(services.setup.factory, MARKET)
    assert isinstance(claim, Claim)
    assert (claim.role, claim.certificate, claim.record_alias, claim.terminal_asset) == (
        R.MarketMaker,
        CertificateKind.ServiceCert,
        MARKET,
        None,
    )


def test_another_key_cannot_speak_for_a_service(services: Services, verifier: Verifier) -> None:
    # the MarketMaker's key holds a ServiceCert, but not the TimeCoordinator's
    assert refused(verifier, tick(services, services.market, TIME)).reason in (
        RejectReason.NO_CERTIFICATE,
        RejectReason.ALIAS_MISMATCH,
    )
    stranger = ActorKey.from_dev_account(services.network.new_account(1_000_000))
    result = refused(verifier, tick(services, stranger, TIME))
    assert result.reason is RejectReason.NO_CERTIFICATE


def test_a_suspended_service_is_not_active_until_reactivated(
    services: Services, verifier: Verifier
) -> None:
    factory, admin = services.setup.factory, services.setup.admin
    alias = "d1.prices"
    key = services.certify(alias, R.PriceService)
    assert verified(verifier, tick(services, key, alias)).sender.role is R.PriceService
    factory.suspend(admin, alias)
    assert refused(verifier, tick(services, key, alias)).reason is RejectReason.NOT_ACTIVE
    factory.reactivate(admin, alias)
    assert verified(verifier, tick(services, key, alias)).sender.role is R.PriceService


def test_a_revoked_service_cert_is_refused(services: Services, verifier: Verifier) -> None:
    factory, admin = services.setup.factory, services.setup.admin
    alias = "d1.watch"
    key = services.certify(alias, R.Supervisor)
    assert verified(verifier, tick(services, key, alias)).sender.role is R.Supervisor
    factory.revoke(admin, alias, CertificateKind.ServiceCert)
    assert refused(verifier, tick(services, key, alias)).reason is RejectReason.REVOKED
    proven = authorize(factory, key.address, alias)
    assert isinstance(proven, Refusal) and proven.reason is RejectReason.REVOKED


def test_a_validator_cannot_claim_a_service_cert(services: Services) -> None:
    setup = services.setup
    factory = setup.factory
    verdict = factory.check(setup.validator.address, setup.validator_alias, "ServiceCert")
    assert verdict.reason is RejectReason.WRONG_ROLE
    proven = authorize(factory, setup.validator.address, setup.validator_alias)
    assert isinstance(proven, ProvenIdentity) and proven.role is R.Validator
