"""The whole sandbox in one file, and back: a zip of the ledger's and kmd's SQLite databases.

The ledger database holds the blocks, the state, the indexer's tables, the undo records and the
snapshot marks; kmd's holds the wallets with every secret sealed as it is at rest (a wallet's
password still opens it; the dev wallet's is empty). Both are copied with SQLite's backup API
while the ledger is locked, so the file is one consistent state.
"""

from __future__ import annotations

import io
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

from .indexer.tables import backfill
from .kmd.wallets import WalletStore
from .ledger.ledger import Ledger
from .ledger.store import Store

DUMP_FORMAT = "gridworks-sandbox-dump/1"
_MANIFEST, _LEDGER, _KMD = "manifest.json", "ledger.sqlite", "kmd.sqlite"


class DumpError(Exception):
    """A file that is not a sandbox dump this version can load."""


def dump_bytes(ledger: Ledger, wallets: WalletStore) -> bytes:
    """The dump file's content."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="gridworks-dump-") as tmp:
        ledger_copy, kmd_copy = Path(tmp) / _LEDGER, Path(tmp) / _KMD
        with ledger.lock:
            store = ledger.store
            with store.lock:
                _backup(store.db, ledger_copy)
            target = sqlite3.connect(kmd_copy)
            try:
                wallets.backup_to(target)
            finally:
                target.close()
            manifest = {
                "format": DUMP_FORMAT,
                "genesis-id": ledger.genesis_id,
                "round": ledger.round,
            }
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.writestr(_MANIFEST, json.dumps(manifest, indent=2))
            archive.write(ledger_copy, _LEDGER)
            archive.write(kmd_copy, _KMD)
    return buffer.getvalue()


def write_dump(ledger: Ledger, wallets: WalletStore, path: Path) -> None:
    path.write_bytes(dump_bytes(ledger, wallets))


def load_dump(path: Path, store: Store, wallets: WalletStore) -> dict[str, object]:
    """Replaces the (empty) store's and the wallets' databases with the dump's; returns its
    manifest. Open the Ledger on `store` afterwards."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise DumpError(f"cannot read the dump {path}: {exc}") from None
    with archive, tempfile.TemporaryDirectory(prefix="gridworks-load-") as tmp:
        names = set(archive.namelist())
        if not {_MANIFEST, _LEDGER, _KMD} <= names:
            raise DumpError(f"{path} is not a gridworks sandbox dump (no {_MANIFEST})")
        manifest = json.loads(archive.read(_MANIFEST))
        if manifest.get("format") != DUMP_FORMAT:
            raise DumpError(f"{path}: unsupported dump format {manifest.get('format')!r}")
        ledger_copy = Path(archive.extract(_LEDGER, tmp))
        kmd_copy = Path(archive.extract(_KMD, tmp))
        source = sqlite3.connect(ledger_copy)
        try:
            with store.lock:
                source.backup(store.db)
                backfill(store.db)  # blocks the dump's indexer tables lack, if any
        finally:
            source.close()
        source = sqlite3.connect(kmd_copy)
        try:
            wallets.restore_from(source)
        finally:
            source.close()
    return manifest


def _backup(db: sqlite3.Connection, path: Path) -> None:
    target = sqlite3.connect(path)
    try:
        db.backup(target)
    finally:
        target.close()
