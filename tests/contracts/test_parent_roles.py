"""The parent-role rule on chain: a TerminalAsset sits under an AtomicTNode or AtomicMeteringNode.

The parent alias is the TerminalAsset alias minus `.ta`. If the registry holds a record for it,
its role must be AtomicTNode or AtomicMeteringNode, so a parent registered as a TerminalAsset or
as a validator is refused, by `create_terminal_asset` and by `realias` alike, leaving the ledger
unchanged. An unregistered parent is still allowed (the factory does not register AtomicTNodes
yet)."""

from __future__ import annotations

import pytest
from contracts_helpers import VALIDATOR_ALIAS, Setup, factory_setup  # noqa: F401

from gridworks.contracts.certs import TERMINAL_ASSET_PARENT_CODES
from gridworks.identity.roles import GNodeRole
from gridworks.identity.status import GNodeStatus

TA = "d1.a.ta"
REFUSED = "parent is not an AtomicTNode"


def test_parent_roles_match_the_identity_model() -> None:
    from gridworks.identity import PARENT_ROLES

    allowed = {GNodeRole.from_code(code) for code in TERMINAL_ASSET_PARENT_CODES}
    assert allowed == set(PARENT_ROLES[GNodeRole.TerminalAsset])


def test_a_terminal_asset_under_an_unregistered_parent_is_created(
    setup: Setup, account_factory
) -> None:
    owner = account_factory()
    record = setup.factory.create_terminal_asset(setup.validator, TA, owner.address, owner.address)
    assert record.role is GNodeRole.TerminalAsset
    assert record.parent == "d1.a"
    assert record.status is GNodeStatus.Active


def test_a_terminal_asset_under_a_registered_terminal_asset_is_refused(
    setup: Setup, account_factory, unchanged
) -> None:
    f, owner = setup.factory, account_factory()
    f.create_terminal_asset(setup.validator, TA, owner.address, owner.address)
    with unchanged(), pytest.raises(Exception, match=REFUSED):
        f.create_terminal_asset(setup.validator, TA + ".ta", owner.address, owner.address)
    with unchanged(), pytest.raises(Exception, match=REFUSED):
        f.realias(setup.admin.address, setup.admin.signer, TA, TA + ".ta")
    assert f.record(TA).status is GNodeStatus.Active


def test_a_terminal_asset_under_a_validators_alias_is_refused(
    setup: Setup, account_factory, unchanged
) -> None:
    f, owner = setup.factory, account_factory()
    under_validator = VALIDATOR_ALIAS + ".ta"
    with unchanged(), pytest.raises(Exception, match=REFUSED):
        f.create_terminal_asset(setup.validator, under_validator, owner.address, owner.address)
    f.create_terminal_asset(setup.validator, TA, owner.address, owner.address)
    with unchanged(), pytest.raises(Exception, match=REFUSED):
        f.realias(setup.admin.address, setup.admin.signer, TA, under_validator)
    assert f.record(TA).status is GNodeStatus.Active


def test_realias_under_an_unregistered_parent_still_works(setup: Setup, account_factory) -> None:
    f, owner = setup.factory, account_factory()
    f.create_terminal_asset(setup.validator, TA, owner.address, owner.address)
    new = f.realias(setup.admin.address, setup.admin.signer, TA, "d1.b.ta")
    assert new.parent == "d1.b"
    assert new.status is GNodeStatus.Active
