"""Which account signs: a kmd dev account named by address, or a mnemonic kept in an env var.

A signer spec is either an Algorand address (its key is exported from the network's kmd default
wallet) or ``env:NAME`` (the 25-word mnemonic is read from environment variable NAME). Keys never
appear on a command line or in a log: `DevAccount` hides its key from `repr`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from algosdk import account as algosdk_account
from algosdk import mnemonic

from gridworks.identity.errors import IdentityError
from gridworks.sandbox import DevAccount, Network


class SignerError(IdentityError):
    """The signer spec names no usable account."""


def signer_from(network: Network, spec: str, env: Mapping[str, str] | None = None) -> DevAccount:
    """The account `spec` names (an address in kmd's default wallet, or ``env:NAME``)."""
    env = os.environ if env is None else env
    if spec.startswith("env:"):
        name = spec[4:]
        words = env.get(name)
        if not words:
            raise SignerError(f"environment variable {name} (a 25-word mnemonic) is not set")
        try:
            key = mnemonic.to_private_key(words)
        except Exception as error:
            raise SignerError(f"environment variable {name} holds no valid mnemonic") from error
        return DevAccount(algosdk_account.address_from_private_key(key), key)
    try:
        accounts = network.dev_accounts()
    except Exception as error:
        raise SignerError(f"cannot list kmd's dev accounts to sign as {spec}: {error}") from error
    for dev in accounts:
        if dev.address == spec:
            return dev
    raise SignerError(
        f"{spec} is not an account in kmd's default wallet; pass its address or env:VAR with a "
        "mnemonic in VAR"
    )
