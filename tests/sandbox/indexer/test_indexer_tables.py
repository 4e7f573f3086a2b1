"""The indexer's tables in-process: written with each block, cut back by `forget_after`,
and rebuilt from the blocks of a store that has none (an older store, a loaded dump)."""

from __future__ import annotations

import base64
import json
import sqlite3
import urllib.request
from pathlib import Path

from algosdk import encoding, transaction

from gridworks.sandbox.ed25519 import public_key_of
from gridworks.sandbox.indexer.search import TxnQuery, search
from gridworks.sandbox.indexer.tables import backfill, forget_after
from gridworks.sandbox.ledger.genesis import GenesisSpec, make_genesis
from gridworks.sandbox.ledger.ledger import Ledger
from gridworks.sandbox.ledger.store import Store

INDEXER_TABLES = ("ix_rounds", "ix_txns", "ix_roots", "ix_addrs", "ix_accounts", "ix_apps")
PROGRAM = bytes([8, 0x81, 1])  # "#pragma version 8; int 1"


class Chain:
    """A ledger in this process and its one dev account's key."""

    def __init__(self, path: Path | None = None) -> None:
        document, seeds = make_genesis(GenesisSpec(dev_accounts=1))
        store = Store(path)
        Ledger.initialize(store, document)
        self.ledger = Ledger(store)
        seed = seeds[0]
        self.key = base64.b64encode(seed + public_key_of(seed)).decode()
        self.address = encoding.encode_address(public_key_of(seed))

    def params(self) -> transaction.SuggestedParams:
        return transaction.SuggestedParams(
            fee=1000,
            first=self.ledger.round,
            last=self.ledger.round + 1000,
            gh=base64.b64encode(self.ledger.genesis_hash).decode(),
            gen=self.ledger.genesis_id,
            flat_fee=True,
        )

    def submit(self, txn: transaction.Transaction) -> int:
        signed = txn.sign(self.key)
        self.ledger.submit(base64.b64decode(encoding.msgpack_encode(signed)))
        return self.ledger.round

    def pay(self, note: bytes) -> int:
        return self.submit(
            transaction.PaymentTxn(self.address, self.params(), self.address, 0, note=note)
        )

    def create_app(self) -> int:
        txn = transaction.ApplicationCreateTxn(
            self.address,
            self.params(),
            transaction.OnComplete.NoOpOC,
            PROGRAM,
            PROGRAM,
            transaction.StateSchema(0, 0),
            transaction.StateSchema(0, 0),
        )
        self.submit(txn)
        return max(self.ledger.state.apps)

    def delete_app(self, app_id: int) -> int:
        txn = transaction.ApplicationDeleteTxn(self.address, self.params(), app_id)
        return self.submit(txn)

    @property
    def db(self) -> sqlite3.Connection:
        return self.ledger.store.db


def _rows(db: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    return {table: sorted(db.execute(f"SELECT * FROM {table}")) for table in INDEXER_TABLES}


def _cut(db: sqlite3.Connection, round_: int) -> None:
    db.execute("BEGIN")
    forget_after(db, round_)
    db.execute("COMMIT")


def test_forget_after_removes_every_row_of_later_rounds() -> None:
    chain = Chain()
    chain.pay(b"kept")
    kept = _rows(chain.db)
    app_id = chain.create_app()
    chain.pay(b"dropped")
    chain.delete_app(app_id)
    assert search(chain.db, TxnQuery(limit=10, app=app_id)) != []
    _cut(chain.db, 1)
    assert _rows(chain.db) == kept
    assert search(chain.db, TxnQuery(limit=10, note_prefix=b"dropped")) == []
    assert search(chain.db, TxnQuery(limit=10, app=app_id)) == []
    assert search(chain.db, TxnQuery(limit=10, note_prefix=b"kept")) == [(1, 0)]


def test_forget_after_brings_a_deleted_app_back() -> None:
    chain = Chain()
    app_id = chain.create_app()
    deleted_in = chain.delete_app(app_id)
    row = chain.db.execute("SELECT created, deleted FROM ix_apps WHERE app = ?", (app_id,))
    assert row.fetchone() == (1, deleted_in)
    _cut(chain.db, 1)
    row = chain.db.execute("SELECT created, deleted, last FROM ix_apps WHERE app = ?", (app_id,))
    assert row.fetchone() == (1, None, None)


def test_forget_after_runs_inside_the_callers_transaction() -> None:
    chain = Chain()
    chain.pay(b"one")
    chain.pay(b"two")
    before = _rows(chain.db)
    chain.db.execute("BEGIN")
    forget_after(chain.db, 0)
    chain.db.execute("ROLLBACK")  # the caller's decision: nothing was cut
    assert _rows(chain.db) == before


def test_a_store_without_indexer_rows_is_indexed_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    chain = Chain(path)
    chain.pay(b"a")
    app_id = chain.create_app()
    chain.pay(b"b")
    written = _rows(chain.db)
    for table in INDEXER_TABLES:
        chain.db.execute(f"DELETE FROM {table}")
    chain.ledger.close()
    reopened = Store(path)
    rebuilt = _rows(reopened.db)
    assert rebuilt["ix_txns"] == written["ix_txns"]
    assert rebuilt["ix_roots"] == written["ix_roots"]
    assert rebuilt["ix_addrs"] == written["ix_addrs"]
    assert rebuilt["ix_rounds"] == written["ix_rounds"]
    assert rebuilt["ix_apps"] == [(app_id, 2, None, None)]
    assert rebuilt["ix_accounts"] == written["ix_accounts"]
    backfill(reopened.db)  # nothing left to do: nothing changes
    assert _rows(reopened.db) == rebuilt
    reopened.close()


def test_transactions_rendered_on_write_read_the_same_as_rendered_on_read() -> None:
    from gridworks.sandbox.api.indexer import create_indexer_app
    from gridworks.sandbox.server import Listener, ServerGroup, free_port

    chain = Chain()
    chain.pay(b"one")
    app_id = chain.create_app()
    chain.delete_app(app_id)
    port = free_port()
    servers = ServerGroup([Listener(create_indexer_app(chain.ledger, "t"), "127.0.0.1", port)])
    servers.start_in_thread()

    def get(path: str) -> dict[str, object]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"X-Algo-API-Token": "t"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())  # type: ignore[no-any-return]

    try:
        stored = get("/v2/transactions")
        txid = stored["transactions"][0]["id"]  # type: ignore[index]
        one = get(f"/v2/transactions/{txid}")
        assert len(stored["transactions"]) == 3  # type: ignore[arg-type]
        nulls = chain.db.execute("SELECT COUNT(*) FROM ix_roots WHERE json IS NULL")
        assert nulls.fetchone() == (0,)
        chain.db.execute("UPDATE ix_roots SET json = NULL")  # as an older store's rows are
        assert get("/v2/transactions") == stored
        assert get(f"/v2/transactions/{txid}") == one
    finally:
        servers.join()


def test_a_heartbeat_in_indexer_shape() -> None:
    from gridworks.sandbox.indexer.txn_shapes import RoundInfo, transaction_json

    account = bytes(range(32))
    txn = {
        "type": "hb",
        "snd": account,
        "fv": 5,
        "lv": 15,
        "hb": {
            "a": account,
            "kd": 100,
            "sd": b"s" * 32,
            "vid": b"v" * 32,
            "prf": {"s": b"1" * 64, "p": b"2" * 32, "p2": b"3" * 32, "p1s": b"4" * 64},
        },
    }
    shown = transaction_json({"stxn": {"txn": txn}, "ad": {}}, None, RoundInfo(9, 99), 0)
    assert shown["tx-type"] == "hb" and shown["confirmed-round"] == 9
    assert "signature" in shown and "id" not in shown
    heartbeat = shown["heartbeat-transaction"]
    assert heartbeat["hb-address"] == encoding.encode_address(account)
    assert heartbeat["hb-key-dilution"] == 100
    assert heartbeat["hb-seed"] == base64.b64encode(b"s" * 32).decode()
    assert heartbeat["hb-vote-id"] == base64.b64encode(b"v" * 32).decode()
    assert heartbeat["hb-proof"]["hb-sig"] == base64.b64encode(b"1" * 64).decode()
    assert heartbeat["hb-proof"]["hb-pk2sig"] == ""
