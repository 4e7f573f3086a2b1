"""kmd's wallets, keys and multisig preimages, kept in SQLite with secrets encrypted at rest.

Each wallet has its own scrypt salt; the key derived from its password seals the master
derivation key and every Ed25519 seed (ChaCha20-Poly1305, the row's identity as associated
data so a ciphertext cannot be moved to another row). A wallet handle keeps the derived key in
memory until it expires or is released, as kmd's unlocked wallets do, so routes that only take
a handle need no password. Generated keys follow kmd's sqlite driver: the seed for index i
(1, 2, ... skipping keys already imported) is HKDF-Expand(SHA-512/256, prk=master derivation
key, info=b"AlgorandDeterministicKey-<i>"), so a wallet recreated from the same master key (or
its mnemonic) yields the same accounts as in kmd.
"""

from __future__ import annotations

import hmac
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from gridworks.sandbox import ed25519
from gridworks.sandbox.encoding import encode_address, multisig_digest
from gridworks.sandbox.kmd import undo_log

DEFAULT_WALLET_NAME = "unencrypted-default-wallet"
DRIVER_NAME = "sqlite"
DRIVER_VERSION = 1
HANDLE_TTL_SECONDS = 60.0
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS wallets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    salt BLOB NOT NULL,
    scrypt_n INTEGER NOT NULL,
    scrypt_r INTEGER NOT NULL,
    scrypt_p INTEGER NOT NULL,
    sealed_mdk BLOB NOT NULL,
    next_index INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS keys (
    wallet_id TEXT NOT NULL REFERENCES wallets(id) ON DELETE CASCADE,
    public_key BLOB NOT NULL,
    sealed_seed BLOB NOT NULL,
    derivation_index INTEGER,
    PRIMARY KEY (wallet_id, public_key)
);
CREATE TABLE IF NOT EXISTS multisigs (
    wallet_id TEXT NOT NULL REFERENCES wallets(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    version INTEGER NOT NULL,
    threshold INTEGER NOT NULL,
    public_keys BLOB NOT NULL,
    PRIMARY KEY (wallet_id, address)
);
"""


class KmdError(Exception):
    """A request kmd refuses; `status` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class NotFoundError(KmdError):
    status = 404


class ConflictError(KmdError):
    status = 409


class WrongPasswordError(KmdError):
    status = 401

    def __init__(self, message: str = "wrong password") -> None:
        super().__init__(message)


class InvalidHandleError(KmdError):
    status = 401

    def __init__(self, message: str = "wallet handle does not exist or has expired") -> None:
        super().__init__(message)


@dataclass(frozen=True)
class WalletInfo:
    id: str
    name: str
    driver_name: str = DRIVER_NAME
    driver_version: int = DRIVER_VERSION


@dataclass(frozen=True)
class HandleInfo:
    wallet: WalletInfo
    expires_seconds: int


@dataclass(frozen=True)
class MultisigPreimage:
    version: int
    threshold: int
    public_keys: tuple[bytes, ...]

    @property
    def address(self) -> str:
        return multisig_address(self.version, self.threshold, self.public_keys)


def multisig_address(version: int, threshold: int, public_keys: Iterable[bytes]) -> str:
    """Algorand's multisig account address; refuses preimages algod would refuse."""
    pks = list(public_keys)
    if version != 1:
        raise KmdError(f"unsupported multisig version {version}: only version 1 exists")
    if not 1 <= len(pks) <= 255:
        raise KmdError(f"a multisig needs 1 to 255 public keys, got {len(pks)}")
    if not 1 <= threshold <= len(pks):
        raise KmdError(f"multisig threshold {threshold} must be between 1 and {len(pks)}")
    if any(len(pk) != 32 for pk in pks):
        raise KmdError("every multisig public key must be 32 bytes")
    return encode_address(multisig_digest(version, threshold, pks))


def derive_seed(master_key: bytes, index: int) -> bytes:
    """The Ed25519 seed kmd's sqlite driver derives for key number `index`."""
    info = b"AlgorandDeterministicKey-%d" % index
    return HKDFExpand(hashes.SHA512_256(), 32, info).derive(master_key)


def _password_key(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(password.encode())


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + ChaCha20Poly1305(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    return ChaCha20Poly1305(key).decrypt(sealed[:12], sealed[12:], aad)


def _mdk_aad(wallet_id: str) -> bytes:
    return b"gridworks-kmd/mdk/" + wallet_id.encode()


def _seed_aad(wallet_id: str, public_key: bytes) -> bytes:
    return b"gridworks-kmd/seed/" + wallet_id.encode() + b"/" + public_key


@dataclass
class _Session:
    wallet_id: str
    key: bytes = field(repr=False)  # never in a repr, log line or traceback
    password_tag: bytes = field(repr=False)
    expires_at: float = 0.0


class WalletStore:
    """kmd's state: wallets in SQLite (`path` None keeps them in memory), handles in memory."""

    def __init__(
        self,
        path: Path | None,
        handle_ttl: float = HANDLE_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.handle_ttl = handle_ttl
        self._clock = clock
        self._lock = threading.RLock()
        self._sessions: dict[str, _Session] = {}
        if path is None:
            self._db = sqlite3.connect(":memory:", check_same_thread=False)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            is_new = not path.exists()
            self._db = sqlite3.connect(str(path), check_same_thread=False)
            if is_new:
                os.chmod(path, 0o600)
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        with self._lock, self._db:
            self._db.executescript(_SCHEMA)
        undo_log.install(self._db)

    def close(self) -> None:
        with self._lock:
            self._sessions.clear()
            self._db.close()

    # time travel (gridworks/sandbox/snapshots.py)

    def undo_position(self) -> int:
        """Where the undo log ends now: what a snapshot keeps of kmd."""
        with self._lock:
            return undo_log.position(self._db)

    @contextmanager
    def reverting(self, position: int) -> Iterator[None]:
        """Takes the wallets back to undo-log `position` in one transaction, committed when the
        block ends normally (rolled back if it raises). Handles on wallets that no longer exist
        are dropped; the others stay valid."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                undo_log.undo_after(self._db, position)
                yield
            except BaseException:
                self._db.rollback()
                raise
            self._db.commit()
            existing = {row[0] for row in self._db.execute("SELECT id FROM wallets")}
            for token, session in list(self._sessions.items()):
                if session.wallet_id not in existing:
                    del self._sessions[token]

    def backup_to(self, target: sqlite3.Connection) -> None:
        """Copies the wallet database (secrets stay sealed) into `target` (SQLite backup)."""
        with self._lock:
            self._db.backup(target)

    def restore_from(self, source: sqlite3.Connection) -> None:
        """Replaces the wallet database with `source`'s (a dump's); drops every handle."""
        with self._lock:
            self._sessions.clear()
            source.backup(self._db)
            undo_log.install(self._db)

    # wallets

    def list_wallets(self) -> list[WalletInfo]:
        with self._lock:
            rows = self._db.execute("SELECT id, name FROM wallets ORDER BY name").fetchall()
        return [WalletInfo(id=row[0], name=row[1]) for row in rows]

    def create_wallet(
        self, name: str, password: str, master_key: bytes | None = None
    ) -> WalletInfo:
        wallet_id, _ = self._create(name, password, master_key)
        return WalletInfo(id=wallet_id, name=name)

    def rename_wallet(self, wallet_id: str, password: str, new_name: str) -> WalletInfo:
        self._unlock(wallet_id, password)
        _check_name(new_name)
        with self._lock:
            try:
                with self._db:
                    self._db.execute(
                        "UPDATE wallets SET name = ? WHERE id = ?", (new_name, wallet_id)
                    )
            except sqlite3.IntegrityError:
                raise ConflictError(f"a wallet named {new_name!r} already exists") from None
        return WalletInfo(id=wallet_id, name=new_name)

    def ensure_default_wallet(self, seeds: list[bytes]) -> None:
        """Creates kmd's `unencrypted-default-wallet` holding `seeds`, unless it exists."""
        with self._lock:
            if self._wallet_id_by_name(DEFAULT_WALLET_NAME) is not None:
                return
            wallet_id, key = self._create(DEFAULT_WALLET_NAME, "", None)
            with self._db:
                for seed in seeds:
                    self._insert_key(wallet_id, key, seed, None, replace=True)

    # handles

    def init_handle(self, wallet_id: str, password: str) -> str:
        key = self._unlock(wallet_id, password)
        token = secrets.token_hex(32)
        with self._lock:
            self._sessions[token] = _Session(
                wallet_id, key, self._tag(key, password), self._clock() + self.handle_ttl
            )
        return token

    def release_handle(self, token: str) -> None:
        with self._lock:
            self._session(token)
            del self._sessions[token]

    def renew_handle(self, token: str) -> HandleInfo:
        with self._lock:
            self._session(token).expires_at = self._clock() + self.handle_ttl
            return self.handle_info(token)

    def handle_info(self, token: str) -> HandleInfo:
        with self._lock:
            session = self._session(token)
            row = self._db.execute(
                "SELECT name FROM wallets WHERE id = ?", (session.wallet_id,)
            ).fetchone()
            if row is None:
                raise InvalidHandleError("the wallet behind this handle no longer exists")
            remaining = max(0, int(session.expires_at - self._clock()))
            return HandleInfo(WalletInfo(id=session.wallet_id, name=row[0]), remaining)

    # keys

    def export_master_key(self, token: str, password: str) -> bytes:
        with self._lock:
            session = self._checked(token, password)
            return self._master_key(session)

    def list_keys(self, token: str) -> list[str]:
        with self._lock:
            session = self._session(token)
            rows = self._db.execute(
                "SELECT public_key FROM keys WHERE wallet_id = ? ORDER BY rowid",
                (session.wallet_id,),
            ).fetchall()
        return [encode_address(row[0]) for row in rows]

    def generate_key(self, token: str) -> str:
        with self._lock:
            session = self._session(token)
            master_key = self._master_key(session)
            (index,) = self._db.execute(
                "SELECT next_index FROM wallets WHERE id = ?", (session.wallet_id,)
            ).fetchone()
            while True:
                seed = derive_seed(master_key, index)
                if not self._has_key(session.wallet_id, ed25519.public_key_of(seed)):
                    break
                index += 1
            with self._db:
                public_key = self._insert_key(session.wallet_id, session.key, seed, index)
                self._db.execute(
                    "UPDATE wallets SET next_index = ? WHERE id = ?",
                    (index + 1, session.wallet_id),
                )
        return encode_address(public_key)

    def import_key(self, token: str, seed: bytes) -> str:
        if len(seed) != 32:
            raise KmdError("an Ed25519 seed is 32 bytes")
        with self._lock:
            session = self._session(token)
            if self._has_key(session.wallet_id, ed25519.public_key_of(seed)):
                raise ConflictError("key already exists in wallet")
            with self._db:
                public_key = self._insert_key(session.wallet_id, session.key, seed, None)
        return encode_address(public_key)

    def export_key(self, token: str, password: str, public_key: bytes) -> bytes:
        """The 64-byte private key (seed then public key), the form algosdk uses."""
        with self._lock:
            session = self._checked(token, password)
            return self._seed(session, public_key) + public_key

    def delete_key(self, token: str, password: str, public_key: bytes) -> None:
        with self._lock:
            session = self._checked(token, password)
            with self._db:
                cursor = self._db.execute(
                    "DELETE FROM keys WHERE wallet_id = ? AND public_key = ?",
                    (session.wallet_id, public_key),
                )
            if cursor.rowcount == 0:
                raise _key_not_found(public_key)

    def sign(self, token: str, password: str, public_key: bytes, message: bytes) -> bytes:
        """Signs with one of the wallet's keys; the seed never leaves the store."""
        with self._lock:
            session = self._checked(token, password)
            seed = self._seed(session, public_key)
        return ed25519.sign(seed, message)

    # multisig

    def import_multisig(
        self, token: str, version: int, threshold: int, public_keys: list[bytes]
    ) -> str:
        address = multisig_address(version, threshold, public_keys)
        with self._lock:
            session = self._session(token)
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO multisigs VALUES (?, ?, ?, ?, ?)",
                    (session.wallet_id, address, version, threshold, b"".join(public_keys)),
                )
        return address

    def list_multisig(self, token: str) -> list[str]:
        with self._lock:
            session = self._session(token)
            rows = self._db.execute(
                "SELECT address FROM multisigs WHERE wallet_id = ? ORDER BY rowid",
                (session.wallet_id,),
            ).fetchall()
        return [row[0] for row in rows]

    def export_multisig(self, token: str, address: str) -> MultisigPreimage:
        with self._lock:
            session = self._session(token)
            row = self._db.execute(
                "SELECT version, threshold, public_keys FROM multisigs"
                " WHERE wallet_id = ? AND address = ?",
                (session.wallet_id, address),
            ).fetchone()
        if row is None:
            raise NotFoundError(f"multisig address {address} not found in wallet")
        joined: bytes = row[2]
        pks = tuple(joined[i : i + 32] for i in range(0, len(joined), 32))
        return MultisigPreimage(version=row[0], threshold=row[1], public_keys=pks)

    def delete_multisig(self, token: str, password: str, address: str) -> None:
        with self._lock:
            session = self._checked(token, password)
            with self._db:
                cursor = self._db.execute(
                    "DELETE FROM multisigs WHERE wallet_id = ? AND address = ?",
                    (session.wallet_id, address),
                )
        if cursor.rowcount == 0:
            raise NotFoundError(f"multisig address {address} not found in wallet")

    # internals

    def _create(self, name: str, password: str, master_key: bytes | None) -> tuple[str, bytes]:
        _check_name(name)
        if master_key is not None and len(master_key) != 32:
            raise KmdError("master_derivation_key must be 32 bytes")
        wallet_id = secrets.token_hex(16)
        salt = os.urandom(32)
        key = _password_key(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        sealed = _seal(key, master_key or os.urandom(32), _mdk_aad(wallet_id))
        with self._lock:
            try:
                with self._db:
                    self._db.execute(
                        "INSERT INTO wallets (id, name, salt, scrypt_n, scrypt_r, scrypt_p,"
                        " sealed_mdk) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (wallet_id, name, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, sealed),
                    )
            except sqlite3.IntegrityError:
                raise ConflictError(f"a wallet named {name!r} already exists") from None
        return wallet_id, key

    def _unlock(self, wallet_id: str, password: str) -> bytes:
        """The wallet's sealing key, if `password` opens it; scrypt runs outside the lock."""
        with self._lock:
            row = self._db.execute(
                "SELECT salt, scrypt_n, scrypt_r, scrypt_p, sealed_mdk FROM wallets WHERE id = ?",
                (wallet_id,),
            ).fetchone()
        if row is None:
            raise NotFoundError(f"wallet {wallet_id} not found")
        key = _password_key(password, row[0], row[1], row[2], row[3])
        try:
            _open(key, row[4], _mdk_aad(wallet_id))
        except InvalidTag:
            raise WrongPasswordError() from None
        return key

    @staticmethod
    def _tag(key: bytes, password: str) -> bytes:
        return hmac.new(key, password.encode(), "sha256").digest()

    def _session(self, token: str) -> _Session:
        session = self._sessions.get(token)
        if session is None:
            raise InvalidHandleError()
        if self._clock() >= session.expires_at:
            del self._sessions[token]
            raise InvalidHandleError()
        return session

    def _checked(self, token: str, password: str) -> _Session:
        session = self._session(token)
        if not hmac.compare_digest(self._tag(session.key, password), session.password_tag):
            raise WrongPasswordError()
        return session

    def _master_key(self, session: _Session) -> bytes:
        row = self._db.execute(
            "SELECT sealed_mdk FROM wallets WHERE id = ?", (session.wallet_id,)
        ).fetchone()
        if row is None:
            raise InvalidHandleError("the wallet behind this handle no longer exists")
        return _open(session.key, row[0], _mdk_aad(session.wallet_id))

    def _seed(self, session: _Session, public_key: bytes) -> bytes:
        row = self._db.execute(
            "SELECT sealed_seed FROM keys WHERE wallet_id = ? AND public_key = ?",
            (session.wallet_id, public_key),
        ).fetchone()
        if row is None:
            raise _key_not_found(public_key)
        return _open(session.key, row[0], _seed_aad(session.wallet_id, public_key))

    def _has_key(self, wallet_id: str, public_key: bytes) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM keys WHERE wallet_id = ? AND public_key = ?", (wallet_id, public_key)
        ).fetchone()
        return row is not None

    def _insert_key(
        self, wallet_id: str, key: bytes, seed: bytes, index: int | None, replace: bool = False
    ) -> bytes:
        public_key = ed25519.public_key_of(seed)
        sealed = _seal(key, seed, _seed_aad(wallet_id, public_key))
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        self._db.execute(
            f"{verb} INTO keys (wallet_id, public_key, sealed_seed, derivation_index)"
            " VALUES (?, ?, ?, ?)",
            (wallet_id, public_key, sealed, index),
        )
        return public_key

    def _wallet_id_by_name(self, name: str) -> str | None:
        row = self._db.execute("SELECT id FROM wallets WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])


def _check_name(name: str) -> None:
    if not name:
        raise KmdError("wallet name must not be empty")


def _key_not_found(public_key: bytes) -> NotFoundError:
    return NotFoundError(f"key for address {encode_address(public_key)} not found in wallet")
