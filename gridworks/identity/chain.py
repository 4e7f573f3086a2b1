"""The GNodeFactory on chain, seen through the identity model: issue, read and check certificates.

`Factory` wraps `contracts.factory_client.FactoryClient` with whole operations (a mint and its
delivery are one call here), reads registry records as identity `GNode`s, renders all of them as a
tree, and answers the question every counterparty asks: does this account really hold this
alias's certificate of this kind? `check` reads only the chain (the registry box, the account's
holding, the asset's parameters) and returns a `Verdict` with a precise `Reason`.

Reading never lets one bad record break the others: `gnodes()` and `tree()` skip a registry record
that does not parse as a GNode (an alias the identity model refuses, undecodable bytes) and report
it (`GNodeListing.skipped`, a logged warning, a "skipped" section of the tree); `gnode(alias)` of
such a record raises `MalformedRecordError` naming it.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, NamedTuple, cast

from algosdk.error import AlgodHTTPError
from algosdk.v2client.algod import AlgodClient
from beaker.client import ApplicationClient
from pydantic import BaseModel, ConfigDict, ValidationError

from gridworks.contracts import certs, gnode_factory
from gridworks.contracts.build import checked_in_spec
from gridworks.contracts.certs import Role, Slot, Status
from gridworks.contracts.deploy import HasAlgod, Sender, deploy
from gridworks.contracts.factory_client import ZERO, FactoryClient, record_key
from gridworks.contracts.factory_client import GNode as Record
from gridworks.identity.alias import GNodeAlias
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.errors import IdentityError
from gridworks.identity.gnode import GNode
from gridworks.identity.registry import GNodeRegistry
from gridworks.identity.roles import GNodeRole
from gridworks.identity.status import GNodeStatus

ROLES: dict[Role, GNodeRole] = {
    Role.VALIDATOR: GNodeRole.Validator,
    Role.TERMINAL_ASSET: GNodeRole.TerminalAsset,
    Role.ATOMIC_TNODE: GNodeRole.AtomicTNode,
    Role.ATOMIC_METERING_NODE: GNodeRole.AtomicMeteringNode,
}
STATUSES: dict[Status, GNodeStatus] = {
    Status.PENDING: GNodeStatus.Pending,
    Status.ACTIVE: GNodeStatus.Active,
    Status.SUSPENDED: GNodeStatus.Suspended,
    Status.PERMANENTLY_DEACTIVATED: GNodeStatus.PermanentlyDeactivated,
}
SLOT_KINDS: dict[tuple[Role, Slot], CertificateKind] = {
    place: CertificateKind(kind.name) for kind, place in certs.CERT_PLACE.items()
}


log = logging.getLogger(__name__)

APP_ACCOUNT_MIN_BALANCE = 100_000
"""What `Factory.deploy` funds the app account with: its own minimum balance, no more. Every
registration pays the deposit its boxes and certificates lock (see `gnode_factory`)."""

EXPLAIN_LIMIT = 16
"""How many of an account's assets `check` reads to explain a missing certificate."""


class ChainError(IdentityError):
    """A chain operation failed: unknown alias, a refused transaction, an unreachable node."""


class MalformedRecordError(ChainError):
    """A registry record that does not parse as a GNode: `key` is its box name, `problem` why."""

    def __init__(self, app_id: int, key: bytes, problem: str) -> None:
        super().__init__(f"registry record {key!r} of factory {app_id} is malformed: {problem}")
        self.key = key
        self.problem = problem


class SkippedRecord(NamedTuple):
    """A registry box `gnodes()` left out, and why."""

    key: bytes
    reason: str


class GNodeListing(list[GNode]):
    """`Factory.gnodes()`'s answer: the GNodes that parsed, in alias order, and in `skipped` the
    registry records that did not (each with its box name and the reason)."""

    def __init__(self, nodes: Iterable[GNode] = (), skipped: Iterable[SkippedRecord] = ()) -> None:
        super().__init__(nodes)
        self.skipped: list[SkippedRecord] = list(skipped)


class Reason(StrEnum):
    """Why `check` said yes or no."""

    OK = "OK"
    NOT_REGISTERED = "NOT_REGISTERED"  # no registry record for the alias
    NOT_ACTIVE = "NOT_ACTIVE"  # the GNode is Suspended or PermanentlyDeactivated
    WRONG_ROLE = "WRONG_ROLE"  # e.g. a TaDeed asked of a validator's alias
    REVOKED = "REVOKED"  # the factory revoked (destroyed) the certificate
    NO_CERTIFICATE = "NO_CERTIFICATE"  # the account holds nothing resembling it
    WRONG_ISSUER = "WRONG_ISSUER"  # a look-alike not created by the factory
    WRONG_KIND = "WRONG_KIND"  # a factory certificate of this alias, but another kind
    ALIAS_MISMATCH = "ALIAS_MISMATCH"  # a factory certificate of this kind, for another alias


class Verdict(BaseModel):
    """`Factory.check`'s answer: `ok` only with `Reason.OK`; `detail` says why in a sentence."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    reason: Reason
    detail: str
    asset_id: int | None = None

    @classmethod
    def no(cls, reason: Reason, detail: str, asset_id: int | None = None) -> Verdict:
        return cls(ok=False, reason=reason, detail=detail, asset_id=asset_id)


def genesis_hash(algod: AlgodClient) -> str:
    """Base64 of the network's genesis hash: the chain envelopes are signed for."""
    return str(algod.suggested_params().gh)


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value) if value else b""


def to_gnode(record: Record) -> GNode:
    """A registry record as the identity model (certificate ids only for live certificates)."""
    ids = {
        SLOT_KINDS[(record.role, slot)]: record.cert(slot)
        for slot in Slot
        if (record.role, slot) in SLOT_KINDS and record.cert(slot)
    }
    holders = [h for h in (record.owner, record.trader, record.scada) if h != ZERO]
    return GNode(
        alias=GNodeAlias(record.alias),
        role=ROLES[record.role],
        status=STATUSES[record.status],
        account_addresses=tuple(dict.fromkeys(holders)),
        certificate_asset_ids=ids,
    )


class Factory:
    """One deployed GNodeFactory on one network."""

    def __init__(self, network: HasAlgod | AlgodClient, app_id: int) -> None:
        algod = network if isinstance(network, AlgodClient) else network.algod
        self.algod: AlgodClient = algod
        spec = checked_in_spec(gnode_factory.app)
        self.client = FactoryClient(ApplicationClient(algod, spec, app_id=app_id))

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

    @property
    def app_id(self) -> int:
        return int(self.client.app.app_id)

    @property
    def address(self) -> str:
        return self.client.address

    # ---- writes ------------------------------------------------------------------------------

    def _do(self, what: str, action: Any, *args: Any) -> Any:
        try:
            return action(*args)
        except Exception as error:  # algod's refusal, beaker's LogicException: one clear line
            raise ChainError(f"{what}: {error}") from error

    def deliver(self, holder: Sender, alias: str, kind: CertificateKind) -> None:
        """The holder opts in and the factory claws the minted certificate into its account."""
        slot = certs.CERT_PLACE[kind.cert_kind][1]
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

    def _set_status(self, admin: Sender, alias: str, status: Status) -> GNode:
        self._do(
            f"set {alias} {status.name}",
            self.client.set_status,
            admin.address,
            admin.signer,
            alias,
            status,
        )
        return self.gnode(alias)

    def suspend(self, admin: Sender, alias: str) -> GNode:
        return self._set_status(admin, alias, Status.SUSPENDED)

    def reactivate(self, admin: Sender, alias: str) -> GNode:
        return self._set_status(admin, alias, Status.ACTIVE)

    def deactivate(self, admin: Sender, alias: str) -> GNode:
        """Permanent: the alias stays taken and can never become Active again."""
        return self._set_status(admin, alias, Status.PERMANENTLY_DEACTIVATED)

    def revoke(self, admin: Sender, alias: str, kind: CertificateKind) -> GNode:
        """Admin: claw the certificate back and destroy it."""
        slot = certs.CERT_PLACE[kind.cert_kind][1]
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
                    kind = SLOT_KINDS[(Role.TERMINAL_ASSET, slot)]
                    self.deliver(holder, new_alias, kind)
        return self.gnode(new_alias)

    # ---- reads -------------------------------------------------------------------------------

    def _box(self, key: bytes, what: str) -> bytes | None:
        try:
            box = self.algod.application_box_by_name(self.app_id, key)
        except AlgodHTTPError as error:
            if error.code == 404:
                return None
            raise ChainError(f"reading {what}: {error}") from error
        assert isinstance(box, dict)
        return _b64(box["value"])

    def _decode(self, key: bytes, raw: bytes) -> Record:
        try:
            return Record.decode(raw)
        except Exception as error:  # bad ABI bytes, an unknown role or status byte
            problem = f"undecodable ({type(error).__name__}: {error})"
            raise MalformedRecordError(self.app_id, key, problem) from error

    def _parse(self, key: bytes, raw: bytes) -> GNode:
        """A registry box as a GNode, or `MalformedRecordError` naming the box."""
        record = self._decode(key, raw)
        if record_key(record.alias) != key:
            raise MalformedRecordError(self.app_id, key, f"it names alias {record.alias!r}")
        try:
            return to_gnode(record)
        except (IdentityError, ValidationError, KeyError) as error:
            raise MalformedRecordError(self.app_id, key, _first_line(error)) from error

    def record(self, alias: str) -> Record | None:
        """The raw registry record, or None if the alias was never registered
        (`MalformedRecordError` if its bytes do not decode)."""
        key = record_key(alias)
        raw = self._box(key, f"the record of {alias}")
        return None if raw is None else self._decode(key, raw)

    def gnode(self, alias: str) -> GNode:
        """The registered GNode `alias`, as the identity model; `MalformedRecordError` (naming
        the record) if the record on chain does not parse as one."""
        key = record_key(alias)
        raw = self._box(key, f"the record of {alias}")
        if raw is None:
            raise ChainError(f"no GNode {alias!r} is registered with factory {self.app_id}")
        return self._parse(key, raw)

    def gnodes(self) -> GNodeListing:
        """Every registered GNode, sorted by alias (read from the factory's boxes).

        A record that does not parse is left out and reported, never raised: it is in the
        answer's `skipped` (box name, reason) and logged as a warning, so one bad record cannot
        hide the others."""
        listing = self.algod.application_boxes(self.app_id)
        assert isinstance(listing, dict)
        names = sorted(_b64(box["name"]) for box in listing.get("boxes", []))
        out = GNodeListing()
        for name in names:
            if not name.startswith(b"g"):
                continue
            raw = self._box(name, f"registry box {name!r}")
            if raw is None:
                continue
            try:
                out.append(self._parse(name, raw))
            except MalformedRecordError as error:
                out.skipped.append(SkippedRecord(name, error.problem))
                log.warning("skipping %s", error)
        return out

    def tree(self) -> str:
        """All registered GNodes as a text tree. Ancestors that are not on chain (the factory
        registers only validators and TerminalAssets) appear as `alias (implied)`; records that
        do not parse are listed at the end, under "skipped"."""
        nodes = self.gnodes()
        registry = GNodeRegistry()
        real = {node.alias for node in nodes}
        unplaced: list[str] = []
        for node in sorted(nodes, key=lambda n: (len(n.alias.words), n.alias)):
            try:
                for ancestor in _implied_ancestors(node, registry):
                    registry.add(ancestor)
                registry.add(node)
            except IdentityError as error:
                unplaced.append(f"{node.alias} ({node.role.value}, {node.status.value}): {error}")

        def label(node: GNode) -> str:
            if node.alias not in real:
                return f"{node.alias} (implied)"
            certs_text = " ".join(f"{k}={v}" for k, v in sorted(node.certificate_asset_ids.items()))
            suffix = f" [{certs_text}]" if certs_text else ""
            return f"{node.alias} ({node.role.value}, {node.status.value}){suffix}"

        text = registry.render_tree(label)
        if unplaced:
            text += "\nnot placed in the tree:\n" + "\n".join(f"  {line}" for line in unplaced)
        if nodes.skipped:
            text += "\nskipped (malformed registry records):\n" + "\n".join(
                f"  {key!r}: {reason}" for key, reason in nodes.skipped
            )
        return text

    # ---- the check ---------------------------------------------------------------------------

    def asset_params(self, asset_id: int) -> dict[str, Any] | None:
        """The asset's parameters (algod's JSON `params`), or None once it is destroyed."""
        try:
            info = self.algod.asset_info(asset_id)
        except AlgodHTTPError as error:
            if error.code == 404:
                return None
            raise ChainError(f"reading asset {asset_id}: {error}") from error
        assert isinstance(info, dict)
        return cast(dict[str, Any], info["params"])

    def _held(self, address: str) -> dict[int, int]:
        info = self.algod.account_info(address)
        assert isinstance(info, dict)
        return {int(a["asset-id"]): int(a["amount"]) for a in info.get("assets", [])}

    def check(self, address: str, alias: str, kind: CertificateKind | str) -> Verdict:
        """Does `address` hold the factory's live `kind` certificate of the Active GNode `alias`?"""
        return self.check_record(address, alias, kind, self.record(alias))

    def check_record(
        self, address: str, alias: str, kind: CertificateKind | str, record: Record | None
    ) -> Verdict:
        """`check`, given the registry record of `alias` already read (None: not registered)."""
        kind = CertificateKind(kind)
        ck = kind.cert_kind
        role, slot = certs.CERT_PLACE[ck]
        if record is None:
            return Verdict.no(Reason.NOT_REGISTERED, f"{alias} is not registered")
        if record.status != Status.ACTIVE:
            status = STATUSES[record.status].value
            return Verdict.no(Reason.NOT_ACTIVE, f"{alias} is {status}, not Active")
        if record.role != role:
            have = ROLES[record.role].value
            return Verdict.no(Reason.WRONG_ROLE, f"{alias} is a {have}; it has no {kind}")
        if slot != Slot.PRIMARY and record.primary_cert == 0:
            return Verdict.no(
                Reason.REVOKED, f"the TaDeed of {alias} was revoked, so its {kind} is void"
            )
        asset_id = record.cert(slot)
        if asset_id == 0:
            if slot == Slot.SCADA and record.scada == ZERO:
                return Verdict.no(Reason.NO_CERTIFICATE, f"{alias} has no {kind} issued")
            return Verdict.no(Reason.REVOKED, f"the {kind} of {alias} was revoked")
        held = self._held(address)
        if held.get(asset_id, 0) != 1:
            return self._explain_missing(address, alias, kind, asset_id, held)
        params = self.asset_params(asset_id)
        if params is None:
            return Verdict.no(Reason.REVOKED, f"{kind} {asset_id} no longer exists", asset_id)
        if params.get("creator") != self.address:
            return Verdict.no(
                Reason.WRONG_ISSUER,
                f"asset {asset_id} was created by {params.get('creator')}, not the factory",
                asset_id,
            )
        if params.get("unit-name") != ck.unit:
            return Verdict.no(
                Reason.WRONG_KIND,
                f"asset {asset_id} has unit {params.get('unit-name')!r}, not {ck.unit!r}",
                asset_id,
            )
        if _b64(params.get("metadata-hash")) != certs.metadata_hash(ck, alias):
            return Verdict.no(
                Reason.ALIAS_MISMATCH,
                f"the metadata hash of asset {asset_id} does not bind {kind} of {alias}",
                asset_id,
            )
        return Verdict(
            ok=True,
            reason=Reason.OK,
            detail=f"{address} holds {kind} {asset_id} of {alias}, issued by factory {self.app_id}",
            asset_id=asset_id,
        )

    def _explain_missing(
        self, address: str, alias: str, kind: CertificateKind, want: int, held: dict[int, int]
    ) -> Verdict:
        """The account lacks the record's certificate: name the nearest thing it does hold.

        Each candidate costs a chain read, so at most `EXPLAIN_LIMIT` of the account's assets
        (the newest first) are looked at: an account stuffed with junk assets cannot make a
        verifier read them all.
        """
        ck = kind.cert_kind
        findings: dict[Reason, Verdict] = {}
        candidates = sorted((a for a, amount in held.items() if amount >= 1), reverse=True)
        for asset_id in candidates[:EXPLAIN_LIMIT]:
            params = self.asset_params(asset_id)
            if params is None:
                continue
            unit = params.get("unit-name")
            digest = _b64(params.get("metadata-hash"))
            by_factory = params.get("creator") == self.address
            if by_factory and unit != ck.unit and digest in _hashes_for(alias):
                other = CertificateKind.from_unit_name(unit) if unit else unit
                findings.setdefault(
                    Reason.WRONG_KIND,
                    Verdict.no(
                        Reason.WRONG_KIND,
                        f"{address} holds the {other} of {alias} (asset {asset_id}), "
                        f"not its {kind}",
                        asset_id,
                    ),
                )
            elif by_factory and unit == ck.unit:
                findings.setdefault(
                    Reason.ALIAS_MISMATCH,
                    Verdict.no(
                        Reason.ALIAS_MISMATCH,
                        f"{address} holds {kind} {asset_id}, which is bound to another alias "
                        f"than {alias}",
                        asset_id,
                    ),
                )
            elif (
                not by_factory
                and unit == ck.unit
                and (params.get("name") == certs.asset_name(alias) or digest in _hashes_for(alias))
            ):
                findings.setdefault(
                    Reason.WRONG_ISSUER,
                    Verdict.no(
                        Reason.WRONG_ISSUER,
                        f"{address} holds a look-alike {ck.unit} {asset_id} created by "
                        f"{params.get('creator')}, not by factory {self.app_id}",
                        asset_id,
                    ),
                )
        # a look-alike of exactly what was asked is the most telling finding
        for reason in (Reason.WRONG_ISSUER, Reason.ALIAS_MISMATCH, Reason.WRONG_KIND):
            if reason in findings:
                return findings[reason]
        return Verdict.no(
            Reason.NO_CERTIFICATE, f"{address} does not hold {kind} {want} of {alias}", want
        )


def _first_line(error: Exception) -> str:
    """A pydantic error's message without its documentation link, on one line."""
    if isinstance(error, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _hashes_for(alias: str) -> set[bytes]:
    return {certs.metadata_hash(kind, alias) for kind in certs.CERT_KINDS}


def _implied_ancestors(node: GNode, registry: GNodeRegistry) -> list[GNode]:
    """Placeholder GNodes for the missing ancestors of `node`, root first."""
    missing: list[GNodeAlias] = []
    parent = node.parent_alias
    while parent is not None and parent not in registry:
        missing.append(parent)
        parent = parent.parent
    out = []
    for alias in reversed(missing):
        if alias.is_root:
            role = GNodeRole.World
        elif node.role is GNodeRole.TerminalAsset and alias == node.parent_alias:
            role = GNodeRole.AtomicTNode
        else:
            role = GNodeRole.ConductorTopologyNode
        out.append(GNode(alias=alias, role=role, status=GNodeStatus.Active))
    return out
