"""Verify a signed envelope: who sent it, for whom, when, and that the chain backs the sender.

`Verifier.verify(wire)` answers `Verified` (with the proven GNode identity) or `Rejected` (a
`RejectReason` and a sentence); it never raises on bad input. The checks run cheapest first,
so junk costs little:

1. strict parsing (size, UTF-8, layout, JSON without duplicate keys, header schema);
2. header policy: the algorithm is on the allow-list, the genesis hash is this network's, the
   destination is this receiver, the times are fresh; the payload fits its message type;
3. the Ed25519 signature, under the key the chain says authorizes the signer's account (its
   auth-addr when rekeyed), never a key the message supplies;
4. authorization: the signer holds, now, the certificate that makes it the source GNode
   (`gridworks.identity.authority`);
5. replay: each (signer, message id) is accepted once.

Chain reads (3, 4) go through a `ChainCache`: bounded staleness in rounds, dropped when a block
touches the signer or calls the factory (revocation, suspension, re-alias).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from algosdk import encoding
from algosdk.v2client.algod import AlgodClient
from pydantic import BaseModel, ConfigDict, ValidationError

from gridworks.identity.authority import ProvenIdentity, Refusal, authorize
from gridworks.identity.chain import FactoryReader, genesis_hash
from gridworks.identity.chain_cache import ChainCache
from gridworks.identity.envelope import (
    ALGORITHM,
    MAX_MESSAGE_BYTES,
    Header,
    SignedEnvelope,
    now_ms,
    parse,
)
from gridworks.identity.message_types import MessageTypes
from gridworks.identity.rejection import EnvelopeError, RejectReason
from gridworks.identity.replay import ReplayGuard
from gridworks.sandbox import ed25519


@dataclass(frozen=True)
class Policy:
    """What a receiver tolerates. Times in milliseconds."""

    max_bytes: int = MAX_MESSAGE_BYTES
    algorithms: frozenset[str] = frozenset({ALGORITHM})
    max_clock_skew_ms: int = 30_000
    """How far a sender's clock may run ahead of ours (and behind, for expiry)."""
    max_age_ms: int = 120_000
    """How long after its creation (`created_ms`, read on our clock) a message is still taken:
    exactly this bound, with no skew added; a message this old or younger passes."""
    max_ttl_ms: int = 600_000
    """The longest validity window (expiry minus creation) accepted; bounds the replay memory."""
    max_staleness_rounds: int = 10
    """How many rounds a cached chain read may be reused (unless a block invalidates it)."""


class Verified(BaseModel):
    """A message that passed every check, and who the chain says sent it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    ok: bool = True
    envelope: SignedEnvelope
    sender: ProvenIdentity
    message: BaseModel | None = None
    """The payload as its registered model, when the verifier knows the message type."""

    @property
    def header(self) -> Header:
        return self.envelope.header

    @property
    def payload(self) -> dict[str, Any]:
        return self.envelope.payload


class Rejected(BaseModel):
    """A refused message: the check it failed and why, in a sentence."""

    model_config = ConfigDict(frozen=True)

    ok: bool = False
    reason: RejectReason
    detail: str
    header: Header | None = None
    """The parsed header when parsing got that far (never trust it: it is what was claimed)."""

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}"


def check_header(
    header: Header,
    policy: Policy,
    *,
    genesis_hash: str,
    receivers: frozenset[str] | None,
    now: int,
) -> Rejected | None:
    """The header policy (algorithm, network, destination, times) of a message received at
    `now` (ms); None if it passes. `receivers` None skips the destination check (an auditor
    reading every receiver's messages, `gridworks.identity.audit`)."""

    def no(reason: RejectReason, detail: str) -> Rejected:
        return Rejected(reason=reason, detail=detail, header=header)

    if header.algorithm not in policy.algorithms:
        allowed = ", ".join(sorted(policy.algorithms))
        return no(
            RejectReason.UNSUPPORTED_ALGORITHM,
            f"algorithm {header.algorithm!r} is not accepted (allowed: {allowed})",
        )
    if header.genesis_hash != genesis_hash:
        return no(
            RejectReason.WRONG_NETWORK,
            f"signed for the chain with genesis hash {header.genesis_hash}, "
            f"not this one ({genesis_hash})",
        )
    if receivers is not None and header.destination not in receivers:
        return no(
            RejectReason.WRONG_DESTINATION,
            f"addressed to {header.destination}, not to {', '.join(sorted(receivers))}",
        )
    skew = policy.max_clock_skew_ms
    if header.created_ms > now + skew:
        ahead = (header.created_ms - now) / 1000
        return no(
            RejectReason.FUTURE_DATED,
            f"created {ahead:.1f} s in the future (allowed skew {skew / 1000:g} s)",
        )
    if header.expires_ms < header.created_ms:
        return no(RejectReason.SCHEMA, "header: expires_ms is before created_ms")
    if header.expires_ms - header.created_ms > policy.max_ttl_ms:
        ttl = (header.expires_ms - header.created_ms) / 1000
        return no(
            RejectReason.TTL_TOO_LONG,
            f"valid for {ttl:g} s; at most {policy.max_ttl_ms / 1000:g} s is accepted",
        )
    if now > header.expires_ms + skew:
        ago = (now - header.expires_ms) / 1000
        return no(RejectReason.EXPIRED, f"expired {ago:.1f} s ago")
    if now - header.created_ms > policy.max_age_ms:
        age = (now - header.created_ms) / 1000
        return no(
            RejectReason.STALE,
            f"created {age:.1f} s ago; messages older than "
            f"{policy.max_age_ms / 1000:g} s are not taken",
        )
    return None


def check_payload(
    envelope: SignedEnvelope, message_types: MessageTypes | None
) -> BaseModel | Rejected | None:
    """The payload as its registered model (None when no types are given), or why not."""
    if message_types is None:
        return None
    header = envelope.header
    model = message_types.model(header.type, header.version)
    if model is None:
        return Rejected(
            reason=RejectReason.UNKNOWN_TYPE,
            detail=f"message type {header.type} v{header.version} is not known here",
            header=header,
        )
    try:
        return model.model_validate(envelope.payload)
    except ValidationError as error:
        problems = "; ".join(
            f"payload.{'.'.join(str(p) for p in item['loc'])}: {item['msg']}"
            for item in error.errors()[:3]
        )
        return Rejected(reason=RejectReason.SCHEMA, detail=problems, header=header)


@dataclass
class Verifier:
    """Checks envelopes addressed to `receivers` against one GNodeFactory on one network."""

    algod: AlgodClient
    factory_app_id: int
    receivers: Collection[str]
    """The aliases this verifier accepts messages for (usually one: the receiving actor)."""
    policy: Policy = field(default_factory=Policy)
    message_types: MessageTypes | None = None
    genesis_hash: str | None = None
    """Base64; read from the node when not given."""
    clock: Callable[[], int] = now_ms
    cache: ChainCache | None = None
    replay: ReplayGuard = field(default_factory=ReplayGuard)

    def __post_init__(self) -> None:
        self.factory = FactoryReader(self.algod, self.factory_app_id)
        if isinstance(self.receivers, str):
            self.receivers = (self.receivers,)
        self.receivers = frozenset(self.receivers)
        if self.genesis_hash is None:
            self.genesis_hash = genesis_hash(self.algod)
        if self.cache is None:
            self.cache = ChainCache(
                self.algod,
                watch_app_ids=(self.factory_app_id,),
                max_staleness_rounds=self.policy.max_staleness_rounds,
            )

    def close(self) -> None:
        assert self.cache is not None
        self.cache.close()
        self.replay.close()

    def __enter__(self) -> Verifier:
        assert self.cache is not None
        self.cache.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- chain reads ----------------------------------------------------------------------

    def authorizing_key(self, address: str) -> bytes:
        """The public key that signs for `address` now: its auth-addr's if rekeyed."""
        assert self.cache is not None

        def load() -> bytes:
            info = self.algod.account_info(address, exclude="all")
            assert isinstance(info, dict)
            auth = info.get("auth-addr") or address
            return bytes(encoding.decode_address(auth))

        return self.cache.get(("auth-key", address), load, addresses=(address,))

    def authority(self, address: str, alias: str) -> ProvenIdentity | Refusal:
        """Whether `address` holds `alias`'s certificate now (cached)."""
        assert self.cache is not None
        return self.cache.get(
            ("authority", address, alias),
            lambda: authorize(self.factory, address, alias),
            addresses=(address,),
        )

    # ---- the checks -----------------------------------------------------------------------

    def _policy(self, header: Header) -> Rejected | None:
        assert self.genesis_hash is not None
        return check_header(
            header,
            self.policy,
            genesis_hash=self.genesis_hash,
            receivers=frozenset(self.receivers),
            now=self.clock(),
        )

    def _typed(self, envelope: SignedEnvelope) -> BaseModel | Rejected | None:
        return check_payload(envelope, self.message_types)

    def first_time(self, header: Header) -> Rejected | None:
        """Record the message as accepted here; `REPLAY` if it was before (the last check)."""
        replayed = self.replay.record(
            header.signer,
            header.message_id,
            header.expires_ms + self.policy.max_clock_skew_ms,
            self.clock(),
        )
        if replayed is None:
            return None
        return Rejected(reason=RejectReason.REPLAY, detail=replayed, header=header)

    def verify(self, wire: bytes) -> Verified | Rejected:
        """Every check, in order; the first one failed is the answer."""
        try:
            envelope = parse(wire, max_bytes=self.policy.max_bytes)
        except EnvelopeError as error:
            return Rejected(reason=error.reason, detail=error.detail)
        header = envelope.header
        refused = self._policy(header)
        if refused is not None:
            return refused
        typed = self._typed(envelope)
        if isinstance(typed, Rejected):
            return typed
        try:
            key = self.authorizing_key(header.signer)
            if not ed25519.verify(key, envelope.signed_bytes, envelope.signature):
                return Rejected(
                    reason=RejectReason.BAD_SIGNATURE,
                    detail=f"the signature does not verify under the key that authorizes "
                    f"{header.signer} on chain",
                    header=header,
                )
            authority = self.authority(header.signer, header.source)
        except Exception as error:  # an unreachable or failing node: refuse, never guess
            return Rejected(
                reason=RejectReason.CHAIN_UNAVAILABLE,
                detail=f"could not read the chain: {type(error).__name__}: {error}",
                header=header,
            )
        if isinstance(authority, Refusal):
            return Rejected(reason=authority.reason, detail=authority.detail, header=header)
        replayed = self.first_time(header)
        if replayed is not None:
            return replayed
        return Verified(envelope=envelope, sender=authority, message=typed)
