"""Verify a signed envelope later, as its receiver would have when it arrived.

`AuditVerifier.verify(wire, round_=R, received_ms=T)` runs the live verifier's checks
(`gridworks.identity.verifier`) with the same `RejectReason`s, but against the past:

1. strict parsing and the header policy, with the times (future-dated, expired, stale) judged
   against `received_ms`, the receipt time, not now; the genesis hash is the node's;
2. the Ed25519 signature under the key that authorized the signer's account at round R
   (`ChainHistory.authorizer`: its auth-addr then, if it was rekeyed);
3. authorization as of round R: `authority.authorize` over `ChainHistory.as_of(R)`, the same
   rules the live verifier applies to the chain now;
4. replay: each (signer, message id) is accepted once within its validity window, in the order
   the messages are verified (the archive's order).

The destination is checked only when `receivers` is given: an auditor of the whole bus (the ear)
reads every receiver's messages.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from algosdk import encoding
from algosdk.v2client.algod import AlgodClient

from gridworks.identity.authority import ProvenIdentity, Refusal, authorize
from gridworks.identity.chain import genesis_hash
from gridworks.identity.envelope import parse
from gridworks.identity.history import ChainHistory
from gridworks.identity.message_types import MessageTypes
from gridworks.identity.rejection import EnvelopeError, RejectReason
from gridworks.identity.replay import ReplayGuard
from gridworks.identity.verifier import (
    Policy,
    Rejected,
    Verified,
    check_header,
    check_payload,
)
from gridworks.sandbox import ed25519


@dataclass
class AuditVerifier:
    """Checks envelopes against one GNodeFactory as of the rounds they were received."""

    algod: AlgodClient
    factory_app_id: int
    receivers: Collection[str] | None = None
    policy: Policy = field(default_factory=Policy)
    message_types: MessageTypes | None = None
    genesis_hash: str | None = None
    """Base64; read from the node when not given."""
    history: ChainHistory | None = None
    replay: ReplayGuard = field(default_factory=ReplayGuard)

    def __post_init__(self) -> None:
        if self.genesis_hash is None:
            self.genesis_hash = genesis_hash(self.algod)
        if self.history is None:
            self.history = ChainHistory(self.algod, self.factory_app_id)
        self._receivers = None if self.receivers is None else frozenset(self.receivers)

    def authorizing_key(self, address: str, round_: int) -> bytes:
        """The public key that signed for `address` after round `round_`."""
        assert self.history is not None
        return bytes(encoding.decode_address(self.history.authorizer(address, round_)))

    def authority(self, address: str, alias: str, round_: int) -> ProvenIdentity | Refusal:
        """Whether `address` held `alias`'s certificate after round `round_`."""
        assert self.history is not None
        return authorize(self.history.as_of(round_), address, alias)

    def verify(self, wire: bytes, *, round_: int, received_ms: int) -> Verified | Rejected:
        """Every check, in the live verifier's order; the first one failed is the answer."""
        assert self.genesis_hash is not None
        try:
            envelope = parse(wire, max_bytes=self.policy.max_bytes)
        except EnvelopeError as error:
            return Rejected(reason=error.reason, detail=error.detail)
        header = envelope.header
        refused = check_header(
            header,
            self.policy,
            genesis_hash=self.genesis_hash,
            receivers=self._receivers,
            now=received_ms,
        )
        if refused is not None:
            return refused
        typed = check_payload(envelope, self.message_types)
        if isinstance(typed, Rejected):
            return typed
        try:
            key = self.authorizing_key(header.signer, round_)
            if not ed25519.verify(key, envelope.signed_bytes, envelope.signature):
                return Rejected(
                    reason=RejectReason.BAD_SIGNATURE,
                    detail=f"the signature does not verify under the key that authorized "
                    f"{header.signer} at round {round_}",
                    header=header,
                )
            authority = self.authority(header.signer, header.source, round_)
        except Exception as error:  # an unreadable block or node: refuse, never guess
            return Rejected(
                reason=RejectReason.CHAIN_UNAVAILABLE,
                detail=f"could not read the chain as of round {round_}: "
                f"{type(error).__name__}: {error}",
                header=header,
            )
        if isinstance(authority, Refusal):
            detail = f"at round {round_}: {authority.detail}"
            return Rejected(reason=authority.reason, detail=detail, header=header)
        replayed = self.replay.record(
            header.signer,
            header.message_id,
            header.expires_ms + self.policy.max_clock_skew_ms,
            received_ms,
        )
        if replayed is not None:
            return Rejected(reason=RejectReason.REPLAY, detail=replayed, header=header)
        return Verified(envelope=envelope, sender=authority, message=typed)
