"""Which account signs: a kmd dev account, a mnemonic in an env var, or an encrypted key file.

A signer spec is one of

- an Algorand address: its key is exported from the network's kmd default wallet;
- ``env:NAME``: the 25-word mnemonic is read from environment variable NAME;
- ``file:PATH``: a key file written by `gridworks.identity.keys.write_key_file`; its password
  comes from ``GRIDWORKS_KEY_PASSWORD``, else from a hidden prompt when stdin is a terminal.

Keys never appear on a command line or in a log: every spec resolves to an `ActorKey`, whose repr
shows only its address.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Mapping

from gridworks.identity.errors import IdentityError
from gridworks.identity.keys import (
    PASSWORD_ENV,
    ActorKey,
    KeyFileError,
    KeySpecError,
    PasswordError,
    password_from,
    read_key_file,
)
from gridworks.sandbox import Network


class SignerError(IdentityError):
    """The signer spec names no usable account."""


def signer_from(
    network: Network,
    spec: str,
    env: Mapping[str, str] | None = None,
    *,
    interactive: bool | None = None,
    ask: Callable[[str], str] | None = None,
) -> ActorKey:
    """The key `spec` names (a kmd address, ``env:NAME`` or ``file:PATH``).

    `interactive` says whether a key file's password may be prompted for; by default only when
    stdin is a terminal, so scripts fail with a clear message instead of waiting for input.
    """
    env = os.environ if env is None else env
    if spec.startswith("env:"):
        name = spec[4:]
        words = env.get(name)
        if not words:
            raise SignerError(f"environment variable {name} (a 25-word mnemonic) is not set")
        try:
            return ActorKey.from_mnemonic(words)
        except KeySpecError as error:
            raise SignerError(f"environment variable {name} holds no valid mnemonic") from error
    if spec.startswith("file:"):
        return _from_key_file(spec[5:], env, interactive, ask)
    try:
        accounts = network.dev_accounts()
    except Exception as error:
        raise SignerError(f"cannot list kmd's dev accounts to sign as {spec}: {error}") from error
    for dev in accounts:
        if dev.address == spec:
            return ActorKey.from_dev_account(dev)
    raise SignerError(
        f"{spec} is not an account in kmd's default wallet; pass its address, env:VAR with a "
        "mnemonic in VAR, or file:PATH to an encrypted key file"
    )


def _from_key_file(
    path: str,
    env: Mapping[str, str],
    interactive: bool | None,
    ask: Callable[[str], str] | None,
) -> ActorKey:
    if not path:
        raise SignerError("file: needs a path to a key file (file:PATH)")
    prompt = sys.stdin.isatty() if interactive is None else interactive
    try:
        password = password_from(
            PASSWORD_ENV,
            prompt,
            env=env,
            label=f"Password for key file {path}",
            ask=getpass.getpass if ask is None else ask,
        )
    except PasswordError as error:
        raise SignerError(f"key file {path}: {error}") from error
    try:
        return read_key_file(path, password)
    except KeyFileError as error:
        raise SignerError(str(error)) from error
