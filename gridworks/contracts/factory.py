"""The GNodeFactory's write path: deploy it, certify validators, service GNodes and
TerminalAssets, deliver, move, suspend, revoke and re-alias certificates, each as one whole
operation (a mint and its delivery are one call here).

`Factory` is a `FactoryReader` (`gridworks.identity.chain`: the algod-only read path every actor
uses) that also writes through the Beaker client `FactoryClient`. Only code that changes the
registry imports this module, and with it PyTeal and Beaker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from algosdk.v2client.algod import AlgodClient
from beaker.client import ApplicationClient

from gridworks.contracts import gnode_factory
from gridworks.contracts.build import checked_in_spec
from gridworks.contracts.deploy import Sender, deploy
from gridworks.contracts.factory_client import FactoryClient
from gridworks.identity.certificates import CertificateKind, Slot
from gridworks.identity.chain import ChainError, FactoryReader, HasAlgod
from gridworks.identity.gnode import GNode
from gridworks.identity.roles import SERVICE_ROLES, GNodeRole
from gridworks.identity.status import GNodeStatus

APP_ACCOUNT_MIN_BALANCE = 100_000
"""What `Factory.deploy` funds the app account with: its own minimum balance, no more. Every
registration pays the deposit its boxes and certificates lock (see `gnode_factory`)."""


class Factory(FactoryReader):
    """One deployed GNodeFactory on one network: everything `FactoryReader` reads, and writes."""

    def __init__(self, network: HasAlgod | AlgodClient, app_id: int) -> None:
        super().__init__(network, app_id)
        spec = checked_in_spec(gnode_factory.app)
        self.client = FactoryClient(ApplicationClient(self.algod, spec, app_id=self.app_id))

    @classmethod
    def deploy(
        cls,
        network: HasAlgod | AlgodClient,
        creator: Sender,
        *,
        admin: str | None = None,
        min_balance: int = APP_ACCOUNT_MIN_BALANCE,
    ) -> Factory:
        """Create (or reuse `creator`'s identical) factory; `admin` defaults to the creator.

        The app account is funded with its own minimum balance only: every registration then
        pays its own deposit (the admin for a validator, the validator for a TerminalAsset, the
        deed owner for a ScadaCert), so certifying any number of GNodes needs no top-up."""
        app = deploy(
            gnode_factory.app,
            network,
            creator,
            create_args={"admin": admin or creator.address},
            min_balance=min_balance,
        )
        return cls(network, app.app_id)

    # ---- writes ------------------------------------------------------------------------------

    def _do(self, what: str, action: Any, *args: Any) -> Any:
        try:
            return action(*args)
        except Exception as error:  # algod's refusal, beaker's LogicException: one clear line
            raise ChainError(f"{what}: {error}") from error

    def deliver(self, holder: Sender, alias: str, kind: CertificateKind) -> None:
        """The holder opts in and the factory claws the minted certificate into its account."""
        slot = kind.slot
        self._do(f"deliver {kind} of {alias}", self.client.deliver, holder, alias, slot)

    def certify_validator(self, admin: Sender, validator: Sender, alias: str) -> GNode:
        """Admin: mint the ValidatorCert and deliver it to the validator. The admin pays the
        deposit (`factory_client.validator_deposit`, about 0.19 Algo)."""
        self._do(
            f"certify validator {alias}",
            self.client.certify_validator,
            admin.address,
            admin.signer,
            validator.address,
            alias,
        )
        self.deliver(validator, alias, CertificateKind.ValidatorCert)
        return self.gnode(alias)

    def certify_service(
        self, admin: Sender, alias: str, role: GNodeRole | str, holder: Sender
    ) -> GNode:
        """Admin: register the service GNode `alias` as `role` (one of `roles.SERVICE_ROLES`),
        mint its ServiceCert and deliver it to `holder`. The admin pays the deposit
        (`factory_client.service_deposit`: 0.1 Algo for the certificate plus 2,500 + 400 per
        byte of the record box, about 0.14 Algo)."""
        role = GNodeRole(role)
        if role not in SERVICE_ROLES:
            names = ", ".join(sorted(r.value for r in SERVICE_ROLES))
            raise ChainError(f"certify service {alias}: a {role.value} is not a service ({names})")
        self._do(
            f"certify {role.value} {alias}",
            self.client.certify_service,
            admin.address,
            admin.signer,
            alias,
            role.code,
            holder.address,
        )
        self.deliver(holder, alias, CertificateKind.ServiceCert)
        return self.gnode(alias)

    def create_terminal_asset(
        self, validator: Sender, alias: str, owner: Sender, trader: Sender
    ) -> GNode:
        """Validator: mint TaDeed (to `owner`) and TaTradingRights (to `trader`), delivered. The
        validator pays the deposit (`factory_client.terminal_asset_deposit`: 0.2 Algo for the
        two certificates plus 2,500 + 400 per byte of the record box, about 0.29 Algo)."""
        self._do(
            f"create TerminalAsset {alias}",
            self.client.create_terminal_asset,
            validator,
            alias,
            owner.address,
            trader.address,
        )
        self.deliver(owner, alias, CertificateKind.TaDeed)
        self.deliver(trader, alias, CertificateKind.TaTradingRights)
        return self.gnode(alias)

    def issue_scada_cert(self, owner: Sender, ta_alias: str, scada: Sender) -> GNode:
        """Deed owner: mint a ScadaCert bound to the TerminalAsset and deliver it to `scada`.
        The owner pays the 0.1 Algo deposit."""
        self._do(
            f"issue ScadaCert for {ta_alias}",
            self.client.issue_scada_cert,
            owner,
            ta_alias,
            scada.address,
        )
        self.deliver(scada, ta_alias, CertificateKind.ScadaCert)
        return self.gnode(ta_alias)

    def move_trading_rights(self, trader: Sender, ta_alias: str, new_trader: Sender) -> GNode:
        """Both consent: the current trader signs the call, the new one signs its opt-in."""
        self._do(
            f"move trading rights of {ta_alias}",
            self.client.move_trading_rights,
            trader,
            ta_alias,
            new_trader,
        )
        return self.gnode(ta_alias)

    def _set_status(self, admin: Sender, alias: str, status: GNodeStatus) -> GNode:
        self._do(
            f"set {alias} {status.value}",
            self.client.set_status,
            admin.address,
            admin.signer,
            alias,
            status,
        )
        return self.gnode(alias)

    def suspend(self, admin: Sender, alias: str) -> GNode:
        return self._set_status(admin, alias, GNodeStatus.Suspended)

    def reactivate(self, admin: Sender, alias: str) -> GNode:
        return self._set_status(admin, alias, GNodeStatus.Active)

    def deactivate(self, admin: Sender, alias: str) -> GNode:
        """Permanent: the alias stays taken and can never become Active again."""
        return self._set_status(admin, alias, GNodeStatus.PermanentlyDeactivated)

    def revoke(self, admin: Sender, alias: str, kind: CertificateKind) -> GNode:
        """Admin: claw the certificate back and destroy it."""
        slot = kind.slot
        self._do(
            f"revoke {kind} of {alias}",
            self.client.revoke,
            admin.address,
            admin.signer,
            alias,
            slot,
        )
        return self.gnode(alias)

    def realias(
        self, admin: Sender, old_alias: str, new_alias: str, holders: Sequence[Sender] = ()
    ) -> GNode:
        """Admin: move the TerminalAsset `old_alias` to `new_alias` (the old record becomes
        PermanentlyDeactivated) and re-issue its live certificates bound to the new alias.
        Each of `holders` that the new record names then receives its certificates. The admin
        pays the deposit of the new record box."""
        record = self._do(
            f"re-alias {old_alias} to {new_alias}",
            self.client.realias,
            admin.address,
            admin.signer,
            old_alias,
            new_alias,
        )
        for holder in holders:
            for slot in Slot:
                if record.cert(slot) and record.holder(slot) == holder.address:
                    kind = CertificateKind.at(GNodeRole.TerminalAsset, slot)
                    assert kind is not None
                    self.deliver(holder, new_alias, kind)
        return self.gnode(new_alias)
