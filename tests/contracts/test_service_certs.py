"""Service GNodes (TimeCoordinator, Supervisor, MarketMaker, PriceService, WeatherService): the
factory's admin certifies each with a ServiceCert, delivered like a ValidatorCert; the record
carries the role byte; status changes and revocation work as for validators; and every refusal
leaves the ledger unchanged."""

from __future__ import annotations

import base64

import pytest
from contracts_helpers import VALIDATOR_ALIAS, Setup, factory_setup  # noqa: F401

from gridworks.contracts.factory import Factory
from gridworks.contracts.factory_client import service_deposit
from gridworks.contracts.provision import FactorySetup, provision_factory, provision_service
from gridworks.identity.certificates import CertificateKind, Slot, metadata_hash
from gridworks.identity.chain import ChainError
from gridworks.identity.record import ZERO_ADDRESS
from gridworks.identity.rejection import RejectReason
from gridworks.identity.roles import REGISTRY_ROLE_CODES, SERVICE_ROLES, GNodeRole
from gridworks.identity.status import GNodeStatus

K = CertificateKind
R = GNodeRole
TIME = "d1.time"
MARKET = "d1.isone.mm"


def amount(algod, address: str, asset: int) -> int:
    info = algod.account_info(address)
    return sum(a["amount"] for a in info.get("assets", []) if a["asset-id"] == asset)


@pytest.fixture(scope="module")
def services(network) -> FactorySetup:
    return provision_factory(network, terminal_assets=2)


def test_every_service_role_has_a_registry_byte_of_its_own() -> None:
    codes = [REGISTRY_ROLE_CODES[role] for role in SERVICE_ROLES]
    assert len(set(codes)) == len(SERVICE_ROLES) == 5
    assert all(R.from_code(code) in SERVICE_ROLES for code in codes)
    assert K.ServiceCert.roles == SERVICE_ROLES and K.ServiceCert.slot is Slot.PRIMARY
    assert K.ServiceCert.unit_name == "SERVICE"
    assert all(K.at(role, Slot.PRIMARY) is K.ServiceCert for role in SERVICE_ROLES)


@pytest.mark.parametrize(("alias", "role"), [(TIME, R.TimeCoordinator), (MARKET, R.MarketMaker)])
def test_the_admin_certifies_a_service(
    network, services: FactorySetup, alias: str, role: GNodeRole
) -> None:
    holder = provision_service(network, alias, role, on=services)
    factory = services.factory
    record = factory.record(alias)
    assert record is not None
    assert (record.role, record.status) == (role, GNodeStatus.Active)
    assert (record.owner, record.trader, record.scada) == (
        holder.address,
        ZERO_ADDRESS,
        ZERO_ADDRESS,
    )
    assert record.parent == alias.rpartition(".")[0]
    assert record.trading_rights == record.scada_cert == 0
    cert = record.primary_cert
    assert amount(network.algod, holder.address, cert) == 1
    params = factory.asset_params(cert)
    assert params is not None
    assert (params["creator"], params["unit-name"], params["total"]) == (
        factory.address,
        "SERVICE",
        1,
    )
    assert params["decimals"] == 0 and params["default-frozen"] is True
    assert params["clawback"] == factory.address
    assert base64.b64decode(params["metadata-hash"]) == metadata_hash(K.ServiceCert, alias)
    verdict = factory.check(holder.address, alias, K.ServiceCert)
    assert verdict.ok, verdict
    node = factory.gnode(alias)
    assert node.role is role and node.certificate_asset_ids == {K.ServiceCert: cert}
    assert node.account_addresses == (holder.address,)
    # a ServiceCert is no ValidatorCert
    assert factory.check(holder.address, alias, K.ValidatorCert).reason is RejectReason.WRONG_ROLE


def test_the_tree_shows_services_under_the_world(network, services: FactorySetup) -> None:
    provision_service(network, "d1.weather", R.WeatherService, on=services)
    tree = services.factory.tree()
    assert "d1.weather (WeatherService, Active) [ServiceCert=" in tree
    assert "not placed" not in tree


def test_only_the_admin_certifies(setup: Setup, account_factory, unchanged) -> None:
    f, holder = setup.factory, account_factory()
    for intruder in (account_factory(), setup.validator, holder):
        with unchanged(), pytest.raises(Exception, match="only the admin"):
            f.certify_service(
                intruder.address, intruder.signer, TIME, R.TimeCoordinator.code, holder.address
            )


@pytest.mark.parametrize("code", [0, 1, 2, 3, 4, 10, 255])
def test_a_role_byte_that_is_no_service_is_refused(
    setup: Setup, account_factory, unchanged, code: int
) -> None:
    f, admin, holder = setup.factory, setup.admin, account_factory()
    with unchanged(), pytest.raises(Exception, match="not a service role"):
        f.certify_service(admin.address, admin.signer, "d1.svc", code, holder.address)


def test_the_python_side_refuses_a_role_that_is_no_service(network, services) -> None:
    with pytest.raises(ChainError, match="a Validator is not a service"):
        services.factory.certify_service(services.admin, "d1.notsvc", R.Validator, services.admin)


def test_a_registered_alias_is_refused(setup: Setup, account_factory, unchanged) -> None:
    f, admin, holder = setup.factory, setup.admin, account_factory()
    f.certify_service(admin.address, admin.signer, TIME, R.TimeCoordinator.code, holder.address)
    for alias, role in ((TIME, R.Supervisor), (VALIDATOR_ALIAS, R.MarketMaker)):
        with unchanged(), pytest.raises(Exception, match="alias already registered"):
            f.certify_service(admin.address, admin.signer, alias, role.code, holder.address)
    f.set_status(admin.address, admin.signer, TIME, GNodeStatus.PermanentlyDeactivated)
    with unchanged(), pytest.raises(Exception, match="alias already registered"):
        f.certify_service(admin.address, admin.signer, TIME, R.TimeCoordinator.code, holder.address)


@pytest.mark.parametrize(
    ("alias", "role", "reason"),
    [
        ("d1", R.TimeCoordinator, "not a root"),
        ("d1.time.ta", R.TimeCoordinator, "does not end in .ta or .scada"),
        ("d1.mm.scada", R.MarketMaker, "does not end in .ta or .scada"),
        ("d1.Time", R.TimeCoordinator, "alias character"),
        ("x1.time", R.TimeCoordinator, "root"),
        ("d1.isone.time", R.TimeCoordinator, "sits under the World"),
        ("d1.isone.prices", R.PriceService, "sits under the World"),
        ("d1.isone.watch", R.Supervisor, "sits under the World"),
        ("d1.isone.weather", R.WeatherService, "sits under the World"),
    ],
)
def test_aliases_a_service_cannot_have_are_refused(
    setup: Setup, account_factory, unchanged, alias: str, role: GNodeRole, reason: str
) -> None:
    f, admin, holder = setup.factory, setup.admin, account_factory()
    with unchanged(), pytest.raises(Exception, match=reason):
        f.certify_service(admin.address, admin.signer, alias, role.code, holder.address)


def test_a_market_maker_sits_under_a_market_maker_not_a_validator_nor_an_atomic_tnode(
    setup: Setup, account_factory, unchanged
) -> None:
    f, admin, holder = setup.factory, setup.admin, account_factory()
    mm = R.MarketMaker.code
    f.certify_service(admin.address, admin.signer, "d1.isone", mm, holder.address)
    f.certify_service(admin.address, admin.signer, "d1.isone.keene", mm, holder.address)
    with unchanged(), pytest.raises(Exception, match="parent role"):
        f.certify_service(admin.address, admin.signer, VALIDATOR_ALIAS + ".mm", mm, holder.address)
    ta = "d1.isone.keene.holly.ta"
    f.create_terminal_asset(setup.validator, ta, holder.address, holder.address)
    with unchanged(), pytest.raises(Exception, match="TerminalAsset's AtomicTNode"):
        f.certify_service(admin.address, admin.signer, "d1.isone.keene.holly", mm, holder.address)
    # nor may a TerminalAsset sit under a MarketMaker: its parent is an AtomicTNode
    with unchanged(), pytest.raises(Exception, match="parent is not an AtomicTNode"):
        f.create_terminal_asset(
            setup.validator, "d1.isone.keene.ta", holder.address, holder.address
        )


def test_the_deposit_is_measured(setup: Setup, account_factory, algod) -> None:
    f, admin, holder = setup.factory, setup.admin, account_factory()
    before = algod.account_info(f.address)["min-balance"]
    f.certify_service(admin.address, admin.signer, "d1.prices", R.PriceService.code, holder.address)
    assert algod.account_info(f.address)["min-balance"] - before == service_deposit("d1.prices")


def test_status_changes_and_revocation_work_as_for_validators(
    network, services: FactorySetup
) -> None:
    factory: Factory = services.factory
    admin = services.admin
    alias = "d1.supervisor"
    holder = provision_service(network, alias, R.Supervisor, on=services)
    cert = factory.gnode(alias).certificate_asset_ids[K.ServiceCert]

    assert factory.suspend(admin, alias).status is GNodeStatus.Suspended
    verdict = factory.check(holder.address, alias, K.ServiceCert)
    assert verdict.reason is RejectReason.NOT_ACTIVE
    assert factory.reactivate(admin, alias).status is GNodeStatus.Active
    assert factory.check(holder.address, alias, K.ServiceCert).ok

    with pytest.raises(ChainError, match="only the admin"):
        factory.revoke(holder, alias, K.ServiceCert)
    node = factory.revoke(admin, alias, K.ServiceCert)
    assert node.certificate_asset_ids == {}
    assert amount(network.algod, holder.address, cert) == 0
    assert factory.asset_params(cert) is None  # destroyed
    assert factory.check(holder.address, alias, K.ServiceCert).reason is RejectReason.REVOKED

    assert factory.deactivate(admin, alias).status is GNodeStatus.PermanentlyDeactivated
    with pytest.raises(ChainError, match="status transition not allowed"):
        factory.reactivate(admin, alias)
