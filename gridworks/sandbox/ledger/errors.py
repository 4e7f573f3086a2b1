"""The ledger's exceptions. Messages follow algod's wording so existing clients parse them."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of everything the ledger refuses."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DecodeError(LedgerError):
    """Bytes that do not decode to signed transactions (algod: `msgpack decode error`)."""


class MalformedTransaction(LedgerError):
    """A transaction that is invalid whatever the state (bad field, window, note size...)."""


class SignatureError(LedgerError):
    """A signature that does not verify, or an authorizer that is not the expected one."""


class TransactionRejected(LedgerError):
    """A well-formed transaction the current state cannot accept (overspend, not opted in...)."""


class NotFound(LedgerError):
    """An account, asset, block or transaction that does not exist."""
