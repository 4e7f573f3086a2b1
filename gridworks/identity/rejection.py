"""Why a signed message was refused, or a certificate check said no: one reason per check.

`RejectReason` is the one enum for both: the verifier's answers and `Factory.check`'s verdicts.

The verifier never raises on bad input; it answers `Rejected(reason, detail)`. The reasons are
ordered as the checks run (cheap structural checks first, chain reads last), so the first one a
message fails is the one it gets.
"""

from __future__ import annotations

from enum import StrEnum

from gridworks.identity.errors import IdentityError


class RejectReason(StrEnum):
    """The check a message failed."""

    # strict parsing
    TOO_LARGE = "TOO_LARGE"  # more bytes than the size limit
    NOT_UTF8 = "NOT_UTF8"  # the bytes are not UTF-8
    MALFORMED = "MALFORMED"  # not the envelope layout, or not JSON
    DUPLICATE_KEY = "DUPLICATE_KEY"  # a JSON object repeats a key
    SCHEMA = "SCHEMA"  # header or payload fields missing, extra or of the wrong type
    UNKNOWN_TYPE = "UNKNOWN_TYPE"  # a message type (name, version) the receiver does not know
    # header policy
    UNSUPPORTED_ALGORITHM = "UNSUPPORTED_ALGORITHM"  # not on the allow-list (e.g. "none")
    WRONG_NETWORK = "WRONG_NETWORK"  # signed for another chain (genesis hash)
    WRONG_DESTINATION = "WRONG_DESTINATION"  # addressed to another GNode
    FUTURE_DATED = "FUTURE_DATED"  # created later than now plus the allowed clock skew
    STALE = "STALE"  # created longer ago than the allowed age
    EXPIRED = "EXPIRED"  # its expiry time has passed
    TTL_TOO_LONG = "TTL_TOO_LONG"  # valid for longer than the receiver allows
    # cryptography
    BAD_SIGNATURE = "BAD_SIGNATURE"  # does not verify under the signer's authorizing key
    # authorization (read from the chain)
    NOT_REGISTERED = "NOT_REGISTERED"  # the source alias is not a registered GNode
    NOT_ACTIVE = "NOT_ACTIVE"  # the GNode is Suspended or PermanentlyDeactivated
    REVOKED = "REVOKED"  # the certificate was revoked
    NO_CERTIFICATE = "NO_CERTIFICATE"  # the signer holds no certificate for the source alias
    WRONG_ISSUER = "WRONG_ISSUER"  # a look-alike certificate not issued by the factory
    WRONG_ROLE = "WRONG_ROLE"  # the alias is registered, but in a role without that certificate
    WRONG_KIND = "WRONG_KIND"  # a factory certificate of this alias, but of another kind
    ALIAS_MISMATCH = "ALIAS_MISMATCH"  # a factory certificate of this kind, for another alias
    DEVICE_MISMATCH = "DEVICE_MISMATCH"  # deed, trading rights, ScadaCert disagree on the device
    CHAIN_UNAVAILABLE = "CHAIN_UNAVAILABLE"  # the chain could not be read: refuse, do not guess
    # replay
    REPLAY = "REPLAY"  # this message id was already accepted within its validity window
    # the receiving runtime, before verification (cheap checks on what the broker vouches for)
    RATE_LIMITED = "RATE_LIMITED"  # the sender went over its rate to this receiver
    WRONG_ROUTE = "WRONG_ROUTE"  # the routing key is not the convention's, or disagrees with
    # the signed envelope (sender, type, receiver), or names a broadcast not subscribed to
    # the receiving actor, after verification
    NOT_COUNTERPARTY = "NOT_COUNTERPARTY"  # verified, but not a GNode this actor takes it from
    HANDLER_FAILED = "HANDLER_FAILED"  # verified, but the actor's handler failed on it
    SLOT_CLOSED = "SLOT_CLOSED"  # a bid for a market slot that is not open (gate closed, cleared)
    IMPLAUSIBLE = "IMPLAUSIBLE"  # telemetry the device's physics cannot produce


class EnvelopeError(IdentityError, ValueError):
    """Raised by the envelope parser; the verifier turns it into a `Rejected` answer."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
