"""The GNodeFactory on chain, read through the identity model: the read path, algod only.

`FactoryReader` reads registry records as identity `GNode`s, renders all of them as a tree, and
answers the question every counterparty asks: does this account really hold this alias's
certificate of this kind? `check` reads only the chain (the registry box, the account's holding,
the asset's parameters) and returns a `Verdict` with a precise `RejectReason`. Nothing here
imports PyTeal or Beaker: every actor verifies messages through this module. The write path
(deploy, certify, revoke...) is `gridworks.contracts.factory.Factory`, a `FactoryReader` that
also writes.

Reading never lets one bad record break the others: `gnodes()` and `tree()` skip a registry record
that does not parse as a GNode (an alias the identity model refuses, undecodable bytes) and report
it (`GNodeListing.skipped`, a logged warning, a "skipped" section of the tree); `gnode(alias)` of
such a record raises `MalformedRecordError` naming it.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable
from typing import Any, NamedTuple, Protocol, cast

from algosdk.error import AlgodHTTPError
from algosdk.logic import get_application_address
from algosdk.v2client.algod import AlgodClient
from pydantic import BaseModel, ConfigDict, ValidationError

from gridworks.identity.alias import GNodeAlias
from gridworks.identity.certificates import (
    CertificateKind,
    Slot,
    asset_name,
    metadata_hash,
)
from gridworks.identity.errors import IdentityError
from gridworks.identity.gnode import GNode
from gridworks.identity.record import (
    ZERO_ADDRESS,
    Record,
    RecordError,
    read_box,
    record_key,
    record_keys,
)
from gridworks.identity.registry import GNodeRegistry
from gridworks.identity.rejection import RejectReason
from gridworks.identity.roles import GNodeRole
from gridworks.identity.status import GNodeStatus


class HasAlgod(Protocol):
    """Anything with an algod client (a `gridworks.sandbox.Network`, say)."""

    @property
    def algod(self) -> AlgodClient: ...


log = logging.getLogger(__name__)

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


class Verdict(BaseModel):
    """`check`'s answer: `ok`, or the `reason` it is not; `detail` says why in a sentence."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    reason: RejectReason | None = None
    """None exactly when `ok`."""
    detail: str
    asset_id: int | None = None

    @classmethod
    def no(cls, reason: RejectReason, detail: str, asset_id: int | None = None) -> Verdict:
        return cls(ok=False, reason=reason, detail=detail, asset_id=asset_id)


def genesis_hash(algod: AlgodClient) -> str:
    """Base64 of the network's genesis hash: the chain envelopes are signed for."""
    return str(algod.suggested_params().gh)


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value) if value else b""


def to_gnode(record: Record) -> GNode:
    """A registry record as the identity model (certificate ids only for live certificates)."""
    ids = {
        kind: record.cert(slot)
        for slot in Slot
        if (kind := CertificateKind.at(record.role, slot)) is not None and record.cert(slot)
    }
    holders = [h for h in (record.owner, record.trader, record.scada) if h != ZERO_ADDRESS]
    return GNode(
        alias=GNodeAlias(record.alias),
        role=record.role,
        status=record.status,
        account_addresses=tuple(dict.fromkeys(holders)),
        certificate_asset_ids=ids,
    )


class FactoryReader:
    """One deployed GNodeFactory on one network, read through algod."""

    def __init__(self, network: HasAlgod | AlgodClient, app_id: int) -> None:
        algod = network if isinstance(network, AlgodClient) else network.algod
        self.algod: AlgodClient = algod
        self.app_id = int(app_id)
        self.address: str = get_application_address(self.app_id)

    # ---- reads -------------------------------------------------------------------------------

    def _box(self, key: bytes, what: str) -> bytes | None:
        try:
            return read_box(self.algod, self.app_id, key)
        except AlgodHTTPError as error:
            raise ChainError(f"reading {what}: {error}") from error

    def _decode(self, key: bytes, raw: bytes) -> Record:
        try:
            return Record.decode(raw)
        except RecordError as error:  # bad ABI bytes, an unknown role or status byte
            raise MalformedRecordError(self.app_id, key, str(error)) from error

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
        out = GNodeListing()
        for name in record_keys(self.algod, self.app_id):
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
        registers only validators, service GNodes and TerminalAssets) appear as
        `alias (implied)`; records that do not parse are listed at the end, under "skipped"."""
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

    def holdings(self, address: str) -> dict[int, int]:
        """The account's asset amounts (asset id -> amount), now."""
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
        roles, slot = kind.roles, kind.slot
        if record is None:
            return Verdict.no(RejectReason.NOT_REGISTERED, f"{alias} is not registered")
        if record.status is not GNodeStatus.Active:
            status = record.status.value
            return Verdict.no(RejectReason.NOT_ACTIVE, f"{alias} is {status}, not Active")
        if record.role not in roles:
            have = record.role.value
            return Verdict.no(RejectReason.WRONG_ROLE, f"{alias} is a {have}; it has no {kind}")
        if slot != Slot.PRIMARY and record.primary_cert == 0:
            return Verdict.no(
                RejectReason.REVOKED, f"the TaDeed of {alias} was revoked, so its {kind} is void"
            )
        asset_id = record.cert(slot)
        if asset_id == 0:
            if slot == Slot.SCADA and record.scada == ZERO_ADDRESS:
                return Verdict.no(RejectReason.NO_CERTIFICATE, f"{alias} has no {kind} issued")
            return Verdict.no(RejectReason.REVOKED, f"the {kind} of {alias} was revoked")
        held = self.holdings(address)
        if held.get(asset_id, 0) != 1:
            return self._explain_missing(address, alias, kind, asset_id, held)
        params = self.asset_params(asset_id)
        if params is None:
            return Verdict.no(RejectReason.REVOKED, f"{kind} {asset_id} no longer exists", asset_id)
        if params.get("creator") != self.address:
            return Verdict.no(
                RejectReason.WRONG_ISSUER,
                f"asset {asset_id} was created by {params.get('creator')}, not the factory",
                asset_id,
            )
        if params.get("unit-name") != kind.unit_name:
            return Verdict.no(
                RejectReason.WRONG_KIND,
                f"asset {asset_id} has unit {params.get('unit-name')!r}, not {kind.unit_name!r}",
                asset_id,
            )
        if _b64(params.get("metadata-hash")) != metadata_hash(kind, alias):
            return Verdict.no(
                RejectReason.ALIAS_MISMATCH,
                f"the metadata hash of asset {asset_id} does not bind {kind} of {alias}",
                asset_id,
            )
        return Verdict(
            ok=True,
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
        findings: dict[RejectReason, Verdict] = {}
        candidates = sorted((a for a, amount in held.items() if amount >= 1), reverse=True)
        for asset_id in candidates[:EXPLAIN_LIMIT]:
            params = self.asset_params(asset_id)
            if params is None:
                continue
            unit = params.get("unit-name")
            digest = _b64(params.get("metadata-hash"))
            by_factory = params.get("creator") == self.address
            if by_factory and unit != kind.unit_name and digest in _hashes_for(alias):
                other = CertificateKind.from_unit_name(unit) if unit else unit
                findings.setdefault(
                    RejectReason.WRONG_KIND,
                    Verdict.no(
                        RejectReason.WRONG_KIND,
                        f"{address} holds the {other} of {alias} (asset {asset_id}), "
                        f"not its {kind}",
                        asset_id,
                    ),
                )
            elif by_factory and unit == kind.unit_name:
                findings.setdefault(
                    RejectReason.ALIAS_MISMATCH,
                    Verdict.no(
                        RejectReason.ALIAS_MISMATCH,
                        f"{address} holds {kind} {asset_id}, which is bound to another alias "
                        f"than {alias}",
                        asset_id,
                    ),
                )
            elif (
                not by_factory
                and unit == kind.unit_name
                and (params.get("name") == asset_name(alias) or digest in _hashes_for(alias))
            ):
                findings.setdefault(
                    RejectReason.WRONG_ISSUER,
                    Verdict.no(
                        RejectReason.WRONG_ISSUER,
                        f"{address} holds a look-alike {kind.unit_name} {asset_id} created by "
                        f"{params.get('creator')}, not by factory {self.app_id}",
                        asset_id,
                    ),
                )
        # a look-alike of exactly what was asked is the most telling finding
        for reason in (
            RejectReason.WRONG_ISSUER,
            RejectReason.ALIAS_MISMATCH,
            RejectReason.WRONG_KIND,
        ):
            if reason in findings:
                return findings[reason]
        return Verdict.no(
            RejectReason.NO_CERTIFICATE, f"{address} does not hold {kind} {want} of {alias}", want
        )


def _first_line(error: Exception) -> str:
    """A pydantic error's message without its documentation link, on one line."""
    if isinstance(error, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _hashes_for(alias: str) -> set[bytes]:
    return {metadata_hash(kind, alias) for kind in CertificateKind}


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
