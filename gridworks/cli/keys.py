"""`key`: make, import and inspect encrypted key files (see `gridworks.identity.keys`).

Secrets come in only through hidden prompts or environment variables, never through arguments
(which land in shell history and `ps`), and nothing printed contains key material: commands show
an address and a path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gridworks.cli.errors import reported

if TYPE_CHECKING:
    from gridworks.identity.keys import ActorKey

# The identity layer is imported inside the commands: every `gridworks` command loads this
# module, and importing `gridworks.identity` takes a third of a second.
PASSWORD_ENV_NAME = "GRIDWORKS_KEY_PASSWORD"
"""`gridworks.identity.keys.PASSWORD_ENV`, repeated for the help text (a test keeps them equal)."""

password_env_option = click.option(
    "--password-env",
    metavar="VAR",
    default=None,
    help=f"Read the password from env var VAR [default: {PASSWORD_ENV_NAME} if set, else prompt].",
)
out_option = click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The key file to write (mode 0600).",
)
overwrite_option = click.option(
    "--overwrite", is_flag=True, help="Replace an existing key file (its key is lost)."
)


def _ask(text: str) -> str:
    """A hidden prompt on stderr, through click so that tests can feed it."""
    return str(click.prompt(text.rstrip(": "), hide_input=True, err=True))


def _password(password_env: str | None, *, confirm: bool) -> str:
    """From the named env var (which must be set), else from PASSWORD_ENV or a prompt."""
    from gridworks.identity.keys import PASSWORD_ENV, password_from

    if password_env is not None:
        return password_from(password_env, prompt=False)
    return password_from(PASSWORD_ENV, prompt=True, confirm=confirm, ask=_ask)


def _write(key: ActorKey, out: Path, password_env: str | None, overwrite: bool) -> None:
    if out.exists() and not overwrite:  # fail before asking for a password
        raise click.ClickException(f"{out}: already exists; pass --overwrite to replace it")
    from gridworks.identity.keys import write_key_file

    password = reported(lambda: _password(password_env, confirm=True))
    reported(lambda: write_key_file(out, key, password, overwrite=overwrite))
    click.echo(f"address {key.address}")
    click.echo(f"key file {out}")


@click.group("key")
def key_group() -> None:
    """Encrypted key files (scrypt + ChaCha20-Poly1305): new, import, show."""


@key_group.command("new")
@out_option
@password_env_option
@overwrite_option
def key_new(out: Path, password_env: str | None, overwrite: bool) -> None:
    """Generate a key and write it encrypted to --out; print its address."""
    from gridworks.identity.keys import ActorKey

    _write(ActorKey.generate(), out, password_env, overwrite)


@key_group.command("import")
@out_option
@click.option(
    "--mnemonic-env",
    metavar="VAR",
    default=None,
    help="Read the 25-word mnemonic from env var VAR [default: a hidden prompt].",
)
@password_env_option
@overwrite_option
def key_import(
    out: Path, mnemonic_env: str | None, password_env: str | None, overwrite: bool
) -> None:
    """Encrypt an existing account's 25-word mnemonic into --out; print its address."""
    from gridworks.identity.keys import ActorKey

    if mnemonic_env is not None:
        words = os.environ.get(mnemonic_env)
        if not words:
            raise click.ClickException(f"environment variable {mnemonic_env} is not set")
    else:
        words = _ask("25-word mnemonic")
    key = reported(lambda: ActorKey.from_mnemonic(words))
    _write(key, out, password_env, overwrite)


@key_group.command("show")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Decrypt with the password to prove it matches.")
@password_env_option
def key_show(file: Path, check: bool, password_env: str | None) -> None:
    """Print the address in FILE (no password needed unless --check)."""
    from gridworks.identity.keys import load_key_file, read_key_file

    document = reported(lambda: load_key_file(file))
    click.echo(f"address {document.address}")
    if check:
        password = reported(lambda: _password(password_env, confirm=False))
        key = reported(lambda: read_key_file(file, password))
        click.echo(f"checked: the password opens {file} and its key is {key.address}")
