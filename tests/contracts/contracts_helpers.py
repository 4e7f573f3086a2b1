"""Fixtures for the contract tests: a freshly deployed GNodeFactory with a certified validator."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gridworks.contracts import gnode_factory
from gridworks.contracts.deploy import deploy
from gridworks.contracts.factory_client import FactoryClient
from gridworks.identity.certificates import Slot
from gridworks.sandbox import DevAccount

VALIDATOR_ALIAS = "dwgps.validator.with.a.rather.long.alias"


@dataclass
class Setup:
    factory: FactoryClient
    admin: DevAccount
    validator: DevAccount
    validator_cert: int


@pytest.fixture(name="setup")
def factory_setup(network, account_factory) -> Setup:
    admin = account_factory()
    client = deploy(
        gnode_factory.app,
        network,
        admin,
        create_args={"admin": admin.address},
        min_balance=100_000,  # the app account's own minimum: every call pays its deposit
    )
    factory = FactoryClient(client)
    validator = account_factory()
    cert = factory.certify_validator(
        admin.address, admin.signer, validator.address, VALIDATOR_ALIAS
    )
    factory.deliver(validator, VALIDATOR_ALIAS, Slot.PRIMARY)
    return Setup(factory, admin, validator, cert)
