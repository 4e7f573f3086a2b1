"""An actor's Algorand key: generated, from a mnemonic or kmd, or kept in an encrypted key file.

Secrets never reach a repr, a log line, an error message or a file in the clear: `ActorKey` shows
only its address, and the only way to keep a key on disk is `write_key_file`, which encrypts the
32-byte Ed25519 seed with ChaCha20-Poly1305 under a key stretched from a password by scrypt. The
file's ``address`` stays readable so tools can show whose key it is without the password; it is
bound to the ciphertext as associated data, so it cannot be swapped for another address.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from algosdk import encoding, mnemonic, transaction
from algosdk.atomic_transaction_composer import AccountTransactionSigner
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from pydantic import BaseModel, ConfigDict, PlainSerializer, PlainValidator, ValidationError

from gridworks.identity.address import AlgorandAddress
from gridworks.identity.errors import IdentityError
from gridworks.identity.private_file import write_private_file
from gridworks.sandbox import ed25519

KEY_FILE_FORMAT: Final = "gridworks-key/1"
PASSWORD_ENV = "GRIDWORKS_KEY_PASSWORD"
"""The environment variable a key file's password is read from when none is named."""

DEFAULT_SCRYPT_N = 2**15
MIN_SCRYPT_N = 2**14
MAX_SCRYPT_N = 2**20  # 1 GiB of memory at r=8: a file asking for more is refused, not obeyed
SCRYPT_R = 8
SCRYPT_P = 1
SEED_LENGTH = 32


class KeySpecError(IdentityError, ValueError):
    """A mnemonic or private key is malformed, or does not belong to the stated address."""


class KeyFileError(IdentityError):
    """A key file cannot be read, written or decrypted (wrong password, altered, unknown format)."""


class PasswordError(IdentityError):
    """No password is available (no env var, no prompt allowed), or the two entries differ."""


class ActorKey:
    """One Algorand account's signing key. Its repr and str show the address only.

    It satisfies `gridworks.contracts.deploy.Sender` (``address`` and ``signer``) and carries
    ``private_key`` in algosdk's base64 form, so it stands in wherever a `DevAccount` was used.
    """

    __slots__ = ("_address", "_secret", "_seed")
    _address: str
    _seed: bytes
    _secret: bytes  # libsodium's expanded form (seed + public key), to sign without re-deriving

    def __init__(self, seed: bytes) -> None:
        if not isinstance(seed, bytes) or len(seed) != SEED_LENGTH:
            raise KeySpecError(f"an Ed25519 seed is {SEED_LENGTH} bytes")
        object.__setattr__(self, "_seed", seed)
        object.__setattr__(self, "_secret", ed25519.expand(seed))
        object.__setattr__(self, "_address", encoding.encode_address(self._secret[32:]))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("ActorKey is immutable")

    def __repr__(self) -> str:
        return f"ActorKey(address={self._address!r})"

    def __str__(self) -> str:
        return self._address

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ActorKey):
            return NotImplemented
        return self._seed == other._seed

    def __hash__(self) -> int:
        return hash(self._address)

    def __reduce__(self) -> Any:
        # Pickling would write the seed in the clear; keep keys on disk only via write_key_file.
        raise TypeError("ActorKey is not picklable; use write_key_file")

    def __copy__(self) -> ActorKey:
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> ActorKey:
        return self

    # -- constructors ---------------------------------------------------------------------------

    @classmethod
    def generate(cls) -> ActorKey:
        """A fresh key from the OS's CSPRNG."""
        return cls(os.urandom(SEED_LENGTH))

    @classmethod
    def from_mnemonic(cls, words: str) -> ActorKey:
        """The key a 25-word Algorand mnemonic encodes. Errors never echo the words."""
        try:
            private_key = mnemonic.to_private_key(" ".join(words.split()))
        except Exception as error:
            reason = type(error).__name__
            raise KeySpecError(f"not a valid 25-word Algorand mnemonic ({reason})") from None
        return cls.from_private_key(private_key)

    @classmethod
    def from_private_key(cls, private_key: str) -> ActorKey:
        """The key in algosdk's form: base64 of seed (32 bytes) followed by public key (32)."""
        try:
            raw = base64.b64decode(private_key, validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise KeySpecError("private key is not base64") from None
        if len(raw) != 2 * SEED_LENGTH:
            raise KeySpecError(f"private key is {len(raw)} bytes, not {2 * SEED_LENGTH}")
        seed, public_key = raw[:SEED_LENGTH], raw[SEED_LENGTH:]
        if ed25519.public_key_of(seed) != public_key:
            raise KeySpecError("private key's public half does not match its seed")
        return cls(seed)

    @classmethod
    def from_dev_account(cls, dev: Any) -> ActorKey:
        """The key of a `gridworks.sandbox.DevAccount` (anything with address and private_key)."""
        key = cls.from_private_key(dev.private_key)
        if key.address != dev.address:
            raise KeySpecError(f"the private key given for {dev.address} belongs to {key.address}")
        return key

    # -- public parts ---------------------------------------------------------------------------

    @property
    def address(self) -> str:
        return self._address

    @property
    def public_key(self) -> bytes:
        return self._secret[32:]

    # -- secret parts: explicit access only -----------------------------------------------------

    @property
    def private_key(self) -> str:
        """algosdk's base64 private key, for algosdk APIs that take one. Never log it."""
        return base64.b64encode(self._seed + self.public_key).decode()

    def mnemonic(self) -> str:
        """The 25-word backup phrase. A method, not a field, so it is never shown by accident."""
        return str(mnemonic.from_private_key(self.private_key))

    @property
    def signer(self) -> AccountTransactionSigner:
        return AccountTransactionSigner(self.private_key)

    def sign(self, data: bytes) -> bytes:
        """The raw 64-byte Ed25519 signature of exactly `data`: callers add their domain prefix."""
        return ed25519.sign_expanded(self._secret, bytes(data))

    def sign_transaction(
        self, txn: transaction.Transaction
    ) -> transaction.GenericSignedTransaction:
        """`txn` signed by this key (as `DevAccount.sign` does)."""
        return self.signer.sign_transactions([txn], [0])[0]


# -- the key file --------------------------------------------------------------------------------


def _b64decode(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        raise ValueError("expected a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise ValueError("not valid base64") from None


B64Bytes = Annotated[
    bytes,
    PlainValidator(_b64decode),
    PlainSerializer(lambda raw: base64.b64encode(raw).decode(), return_type=str),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScryptParams(_Strict):
    name: Literal["scrypt"] = "scrypt"
    n: int
    r: int = SCRYPT_R
    p: int = SCRYPT_P
    salt: B64Bytes


class CipherParams(_Strict):
    name: Literal["ChaCha20-Poly1305"] = "ChaCha20-Poly1305"
    nonce: B64Bytes


class KeyFile(_Strict):
    """The JSON document on disk. Only ``ciphertext`` is secret, and it is encrypted."""

    format: Literal["gridworks-key/1"] = KEY_FILE_FORMAT
    address: AlgorandAddress
    kdf: ScryptParams
    cipher: CipherParams
    ciphertext: B64Bytes


def _associated_data(address: str) -> bytes:
    # Binds the format and the visible address to the ciphertext: altering either fails the tag.
    return f"{KEY_FILE_FORMAT}\n{address}".encode()


def _derive(password: str, kdf: ScryptParams) -> bytes:
    return Scrypt(salt=kdf.salt, length=32, n=kdf.n, r=kdf.r, p=kdf.p).derive(password.encode())


def _check_scrypt(n: int, r: int, p: int) -> str | None:
    """Why these scrypt parameters are refused, or None."""
    if n < MIN_SCRYPT_N or n > MAX_SCRYPT_N or n & (n - 1):
        return f"scrypt n={n} is not a power of two in [2**14, 2**20]"
    if not 1 <= r <= 32 or not 1 <= p <= 16:
        return f"scrypt r={r}, p={p} out of range"
    return None


def encrypt_key(key: ActorKey, password: str, *, scrypt_n: int = DEFAULT_SCRYPT_N) -> KeyFile:
    """`key` encrypted under `password`, as the document `write_key_file` stores."""
    if not password:
        raise PasswordError("a key file needs a non-empty password")
    problem = _check_scrypt(scrypt_n, SCRYPT_R, SCRYPT_P)
    if problem:
        raise KeyFileError(problem)
    kdf = ScryptParams(n=scrypt_n, salt=os.urandom(16))
    cipher = CipherParams(nonce=os.urandom(12))
    ciphertext = ChaCha20Poly1305(_derive(password, kdf)).encrypt(
        cipher.nonce, key._seed, _associated_data(key.address)
    )
    return KeyFile(address=key.address, kdf=kdf, cipher=cipher, ciphertext=ciphertext)


def write_key_file(
    path: str | os.PathLike[str],
    key: ActorKey,
    password: str,
    *,
    overwrite: bool = False,
    scrypt_n: int = DEFAULT_SCRYPT_N,
) -> None:
    """Write `key` encrypted to `path`, mode 0600, atomically; an existing file is kept unless
    `overwrite`."""
    target = Path(path)
    if not overwrite and target.exists():
        raise KeyFileError(f"{target}: already exists; refusing to overwrite a key file")
    text = encrypt_key(key, password, scrypt_n=scrypt_n).model_dump_json(indent=2) + "\n"
    try:
        write_private_file(target, text.encode("utf-8"), overwrite=overwrite)
    except FileExistsError:
        raise KeyFileError(f"{target}: already exists; refusing to overwrite a key file") from None
    except OSError as error:
        raise KeyFileError(f"{target}: cannot write key file: {error.strerror}") from error


def load_key_file(path: str | os.PathLike[str]) -> KeyFile:
    """The parsed key file, without decrypting it: enough to show its address."""
    target = Path(path)
    try:
        text = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise KeyFileError(f"{target}: cannot read key file: {reason}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        raise KeyFileError(f"{target}: not a {KEY_FILE_FORMAT} key file (not JSON)") from None
    if not isinstance(document, dict) or document.get("format") != KEY_FILE_FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        raise KeyFileError(
            f"{target}: not a {KEY_FILE_FORMAT} key file (format is {str(found)[:40]!r})"
        )
    try:
        parsed = KeyFile.model_validate(document)
    except ValidationError as error:
        first = error.errors(include_input=False, include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "document"
        raise KeyFileError(
            f"{target}: malformed {KEY_FILE_FORMAT} key file ({where}: {first['msg']})"
        ) from None
    problem = _check_scrypt(parsed.kdf.n, parsed.kdf.r, parsed.kdf.p)
    if problem:
        raise KeyFileError(f"{target}: {problem}")
    if len(parsed.cipher.nonce) != 12:
        raise KeyFileError(f"{target}: malformed key file (nonce is not 12 bytes)")
    return parsed


def read_key_file(path: str | os.PathLike[str], password: str) -> ActorKey:
    """Decrypt the key in `path`; any wrong password, alteration or mismatch is a KeyFileError."""
    target = Path(path)
    document = load_key_file(target)
    try:
        seed = ChaCha20Poly1305(_derive(password, document.kdf)).decrypt(
            document.cipher.nonce, document.ciphertext, _associated_data(document.address)
        )
    except InvalidTag:
        raise KeyFileError(f"{target}: wrong password, or the key file was altered") from None
    if len(seed) != SEED_LENGTH:
        raise KeyFileError(f"{target}: the decrypted key is not a {SEED_LENGTH}-byte seed")
    key = ActorKey(seed)
    if key.address != document.address:
        raise KeyFileError(
            f"{target}: the address field {document.address} does not match the key inside"
        )
    return key


# -- passwords -----------------------------------------------------------------------------------


def password_from(
    env_var: str | None = PASSWORD_ENV,
    prompt: bool = False,
    *,
    env: Mapping[str, str] | None = None,
    confirm: bool = False,
    label: str = "Key file password",
    ask: Callable[[str], str] = getpass.getpass,
) -> str:
    """The password in `env_var`, else one typed at a hidden prompt (twice when `confirm`).

    Prompting only when `prompt` lets non-interactive callers (CI, services) fail with a clear
    message instead of hanging; `ask` lets a CLI use its own prompt function.
    """
    env = os.environ if env is None else env
    if env_var is not None:
        value = env.get(env_var)
        if value:
            return value
        if value == "" and not prompt:
            raise PasswordError(f"environment variable {env_var} (the key password) is empty")
    if not prompt:
        where = f"set {env_var}" if env_var else "name an environment variable"
        raise PasswordError(f"no key password: {where} (prompting is off: not a terminal)")
    password = ask(f"{label}: ")
    if not password:
        raise PasswordError("an empty password was entered")
    if confirm and ask(f"{label} (again): ") != password:
        raise PasswordError("the two passwords differ")
    return password
