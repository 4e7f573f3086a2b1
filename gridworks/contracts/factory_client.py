"""A thin Python client for GNodeFactory: builds the groups each method needs (approvals, deposit
payments, opt-ins, box and asset references) and decodes registry records read over algod's box
endpoint.

Deposits: each registration call is preceded by a payment to the factory's account of exactly
the minimum-balance increase the call causes (the contract checks it covers it): `*_deposit`
below compute it from the ledger's minimum-balance rules and the record's encoded size.
"""

from __future__ import annotations

import copy
from typing import Any

from algosdk import transaction
from algosdk.atomic_transaction_composer import (
    AtomicTransactionComposer,
    MultisigTransactionSigner,
    TransactionSigner,
    TransactionWithSigner,
)
from algosdk.v2client.algod import AlgodClient
from beaker.client import ApplicationClient

from gridworks.contracts.deploy import Sender
from gridworks.identity.certificates import Slot
from gridworks.identity.record import ZERO_ADDRESS as ZERO
from gridworks.identity.record import (
    Record,
    read_box,
    record_key,
    record_size,
    validator_key,
)
from gridworks.identity.status import GNodeStatus

CALL_FEE = 12_000  # covers the inner transactions: budget top-ups and mints
REALIAS_FEE = 24_000  # up to three claw-backs, destructions and mints, plus budget top-ups
PAYMENT_FEE = 1000

# the ledger's minimum-balance rules (consensus parameters), in micro-Algos
ASSET_MIN_BALANCE = 100_000  # per asset an account holds (a created one included)
BOX_FLAT_MIN_BALANCE = 2_500  # per box
BOX_BYTE_MIN_BALANCE = 400  # per byte of a box's name and value


def parent_boxes(alias: str) -> list[tuple[int, bytes]]:
    """The box reference of a TerminalAsset alias's parent record (whose role the factory
    checks, if it exists); none for an alias that is not a TerminalAsset's (refused anyway)."""
    parent = alias.removesuffix(".ta")
    return [(0, record_key(parent))] if parent and parent != alias else []


def box_deposit(key: bytes, value_size: int) -> int:
    """The minimum-balance increase of a box named `key` holding `value_size` bytes."""
    return BOX_FLAT_MIN_BALANCE + BOX_BYTE_MIN_BALANCE * (len(key) + value_size)


def terminal_asset_parent(alias: str) -> str:
    return alias.removesuffix(".ta")


def validator_deposit(alias: str) -> int:
    """`certify_validator`: the record box, the validator box (its value: the alias) and the
    ValidatorCert."""
    return (
        box_deposit(record_key(alias), record_size(alias, ""))
        + box_deposit(validator_key(ZERO), len(alias.encode()))
        + ASSET_MIN_BALANCE
    )


def service_parent(alias: str) -> str:
    """The parent alias a service record names: the alias minus its last word."""
    return alias.rpartition(".")[0]


def service_deposit(alias: str) -> int:
    """`certify_service`: the record box (naming the parent alias) and the ServiceCert."""
    record = box_deposit(record_key(alias), record_size(alias, service_parent(alias)))
    return record + ASSET_MIN_BALANCE


def terminal_asset_deposit(alias: str) -> int:
    """`create_terminal_asset`: the record box, the TaDeed and the TaTradingRights."""
    record = box_deposit(record_key(alias), record_size(alias, terminal_asset_parent(alias)))
    return record + 2 * ASSET_MIN_BALANCE


def scada_cert_deposit(alias: str) -> int:
    """`issue_scada_cert`: the ScadaCert (the record is updated in place)."""
    return ASSET_MIN_BALANCE


def realias_deposit(new_alias: str) -> int:
    """`realias`: the new record box (each re-issued certificate replaces a destroyed one)."""
    parent = terminal_asset_parent(new_alias)
    return box_deposit(record_key(new_alias), record_size(new_alias, parent))


class _MultisigPerTransaction(TransactionSigner):
    """Signs each transaction with its own copy of the multisig.

    py-algorand-sdk's `MultisigTransactionSigner` gives every transaction it signs in one call the
    same `Multisig` object, so signing a second transaction of a group (a deposit payment and the
    call, both from a multisig admin) overwrites the first one's signatures."""

    def __init__(self, inner: MultisigTransactionSigner) -> None:
        self.inner = inner

    def sign_transactions(
        self, txn_group: list[transaction.Transaction], indexes: list[int]
    ) -> list[Any]:
        signed: list[Any] = []
        for i in indexes:
            one = MultisigTransactionSigner(copy.deepcopy(self.inner.msig), self.inner.sks)
            signed.extend(one.sign_transactions(txn_group, [i]))
        return signed


def group_safe(signer: TransactionSigner) -> TransactionSigner:
    """`signer`, made safe for signing several transactions of one group."""
    if isinstance(signer, MultisigTransactionSigner):
        return _MultisigPerTransaction(signer)
    return signer


class FactoryClient:
    def __init__(self, app: ApplicationClient) -> None:
        self.app = app
        self.algod: AlgodClient = app.client

    @property
    def address(self) -> str:
        addr = self.app.app_addr
        assert addr is not None
        return addr

    def params(self, fee: int = CALL_FEE) -> transaction.SuggestedParams:
        sp = self.algod.suggested_params()
        sp.flat_fee = True
        sp.fee = fee
        return sp

    def record(self, alias: str) -> Record:
        raw = read_box(self.algod, self.app.app_id, record_key(alias))
        if raw is None:
            raise KeyError(f"no registry record {alias!r}")
        return Record.decode(raw)

    def validator_alias(self, address: str) -> str:
        raw = read_box(self.algod, self.app.app_id, validator_key(address))
        if raw is None:
            raise KeyError(f"no validator {address}")
        return raw.decode()

    def _deposit(
        self, atc: AtomicTransactionComposer, payer: str, signer: TransactionSigner, amount: int
    ) -> None:
        """Adds the deposit payment that must come immediately before a registration call."""
        pay = transaction.PaymentTxn(payer, self.params(PAYMENT_FEE), self.address, amount)
        atc.add_transaction(TransactionWithSigner(pay, group_safe(signer)))

    def _call(
        self,
        method: str,
        sender: str,
        signer: TransactionSigner,
        atc: AtomicTransactionComposer | None = None,
        *,
        fee: int = CALL_FEE,
        **kwargs: Any,
    ) -> object:
        return self.app.call(
            method,
            sender=sender,
            signer=group_safe(signer),
            suggested_params=self.params(fee),
            atc=atc,
            **kwargs,
        ).return_value

    def certify_validator(
        self, admin: str, signer: TransactionSigner, validator: str, alias: str
    ) -> int:
        """The admin pays the deposit (`validator_deposit`) and mints the ValidatorCert."""
        atc = AtomicTransactionComposer()
        self._deposit(atc, admin, signer, validator_deposit(alias))
        result = self._call(
            "certify_validator",
            admin,
            signer,
            atc,
            validator=validator,
            alias=alias,
            boxes=[(0, record_key(alias)), (0, validator_key(validator))],
        )
        assert isinstance(result, int)
        return result

    def certify_service(
        self, admin: str, signer: TransactionSigner, alias: str, role: int, holder: str
    ) -> int:
        """The admin pays the deposit (`service_deposit`) and mints the ServiceCert of the
        service `alias` whose record's role byte is `role`. The call references the boxes the
        factory reads: the record, the alias's `.ta` record and the parent's record."""
        atc = AtomicTransactionComposer()
        self._deposit(atc, admin, signer, service_deposit(alias))
        boxes = [(0, record_key(alias)), (0, record_key(f"{alias}.ta"))]
        if service_parent(alias):
            boxes.append((0, record_key(service_parent(alias))))
        result = self._call(
            "certify_service",
            admin,
            signer,
            atc,
            alias=alias,
            role=role,
            holder=holder,
            boxes=boxes,
        )
        assert isinstance(result, int)
        return result

    def deliver(self, holder: Sender, alias: str, slot: Slot) -> None:
        """The holder opts in and has the factory claw the certificate into its account."""
        asset = self.record(alias).cert(slot)
        atc = AtomicTransactionComposer()
        optin = transaction.AssetOptInTxn(holder.address, self.params(1000), asset)
        atc.add_transaction(TransactionWithSigner(optin, holder.signer))
        self._call(
            "deliver",
            holder.address,
            holder.signer,
            atc,
            alias=alias,
            slot=int(slot),
            boxes=[(0, record_key(alias))],
            foreign_assets=[asset],
        )

    def create_terminal_asset(
        self,
        validator: Sender,
        alias: str,
        owner: str,
        trader: str,
        *,
        validator_alias: str | None = None,
    ) -> Record:
        """The validator's approval payment, which carries the deposit
        (`terminal_asset_deposit`), then the call (both signed by the validator).

        `validator_alias` overrides the registry lookup (to present someone else's credentials).
        """
        validator_alias = validator_alias or self.validator_alias(validator.address)
        vcert = self.record(validator_alias).primary_cert
        atc = AtomicTransactionComposer()
        approve = transaction.PaymentTxn(
            validator.address,
            self.params(PAYMENT_FEE),
            self.address,
            terminal_asset_deposit(alias),
            note=alias.encode(),
        )
        atc.add_transaction(TransactionWithSigner(approve, validator.signer))
        self._call(
            "create_terminal_asset",
            validator.address,
            validator.signer,
            atc,
            alias=alias,
            owner=owner,
            trader=trader,
            boxes=[
                (0, record_key(alias)),
                (0, validator_key(validator.address)),
                (0, record_key(validator_alias)),
                *parent_boxes(alias),
            ],
            foreign_assets=[vcert],
        )
        return self.record(alias)

    def issue_scada_cert(self, owner: Sender, ta_alias: str, scada: str) -> int:
        """The deed owner pays the deposit (`scada_cert_deposit`) and signs the call."""
        atc = AtomicTransactionComposer()
        self._deposit(atc, owner.address, owner.signer, scada_cert_deposit(ta_alias))
        result = self._call(
            "issue_scada_cert",
            owner.address,
            owner.signer,
            atc,
            ta_alias=ta_alias,
            scada=scada,
            boxes=[(0, record_key(ta_alias))],
        )
        assert isinstance(result, int)
        return result

    def move_trading_rights(self, trader: Sender, ta_alias: str, new_trader: Sender) -> None:
        """The new trader opts in; the current trader signs the call."""
        record = self.record(ta_alias)
        atc = AtomicTransactionComposer()
        optin = transaction.AssetOptInTxn(
            new_trader.address, self.params(1000), record.trading_rights
        )
        atc.add_transaction(TransactionWithSigner(optin, new_trader.signer))
        self._call(
            "move_trading_rights",
            trader.address,
            trader.signer,
            atc,
            ta_alias=ta_alias,
            new_trader=new_trader.address,
            boxes=[(0, record_key(ta_alias))],
            foreign_assets=[record.trading_rights],
            accounts=[record.trader, new_trader.address],
        )

    def set_status(
        self, admin: str, signer: TransactionSigner, alias: str, status: GNodeStatus
    ) -> None:
        self._call(
            "set_status",
            admin,
            signer,
            alias=alias,
            status=status.code,
            boxes=[(0, record_key(alias))],
        )

    def revoke(self, admin: str, signer: TransactionSigner, alias: str, slot: Slot) -> None:
        record = self.record(alias)
        self._call(
            "revoke",
            admin,
            signer,
            alias=alias,
            slot=int(slot),
            boxes=[(0, record_key(alias))],
            foreign_assets=[record.cert(slot)],
            accounts=[record.holder(slot)],
        )

    def realias(
        self, admin: str, signer: TransactionSigner, old_alias: str, new_alias: str
    ) -> Record:
        """Admin: the new record holds freshly minted certificates, delivered with `deliver`.

        The call's own references (two boxes, up to three assets and three holders) can fill
        the 8 a transaction may have, so the new parent's box reference (the factory checks that
        parent's role) rides on a read-only `get_gnode(old_alias)` call first in the group: box
        references are shared by the group's app calls. The admin pays the deposit
        (`realias_deposit`) just before the call.
        """
        record = self.record(old_alias)
        atc = AtomicTransactionComposer()
        self.app.add_method_call(
            atc,
            "get_gnode",
            sender=admin,
            signer=group_safe(signer),
            suggested_params=self.params(1000),
            alias=old_alias,
            boxes=[(0, record_key(old_alias)), *parent_boxes(new_alias)],
        )
        self._deposit(atc, admin, signer, realias_deposit(new_alias))
        self._call(
            "realias",
            admin,
            signer,
            atc,
            fee=REALIAS_FEE,
            old_alias=old_alias,
            new_alias=new_alias,
            boxes=[(0, record_key(old_alias)), (0, record_key(new_alias))],
            foreign_assets=[record.cert(slot) for slot in Slot if record.cert(slot)],
            accounts=[record.owner, record.trader, record.scada],
        )
        return self.record(new_alias)

    def get_gnode(self, caller: Sender, alias: str) -> Record:
        value = self._call(
            "get_gnode", caller.address, caller.signer, alias=alias, boxes=[(0, record_key(alias))]
        )
        assert isinstance(value, list)
        return Record.from_values(value)
