"""One way to connect: the embedded sandbox by default, or an external node named by env vars.

The env vars are AlgoKit's: ALGOD_SERVER / ALGOD_PORT / ALGOD_TOKEN, KMD_SERVER / KMD_PORT /
KMD_TOKEN and INDEXER_SERVER / INDEXER_PORT / INDEXER_TOKEN. When ALGOD_SERVER is set the same
code talks to that node instead (and to an indexer only if INDEXER_SERVER is set too).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from algosdk import account as algosdk_account
from algosdk import transaction
from algosdk.atomic_transaction_composer import AccountTransactionSigner
from algosdk.kmd import KMDClient
from algosdk.v2client.algod import AlgodClient
from algosdk.v2client.indexer import IndexerClient

from .embedded import DEFAULT_TOKEN, EmbeddedSandbox, SandboxConfig
from .server import free_port

DEFAULT_WALLET = "unencrypted-default-wallet"


@dataclass(frozen=True)
class DevAccount:
    """A funded account whose key the network's kmd holds. Never logged: see `__repr__`."""

    address: str
    private_key: str = field(repr=False)

    @property
    def signer(self) -> AccountTransactionSigner:
        return AccountTransactionSigner(self.private_key)

    def sign(self, txn: transaction.Transaction) -> transaction.GenericSignedTransaction:
        return self.signer.sign_transactions([txn], [0])[0]


@dataclass
class Network:
    algod: AlgodClient
    kmd: KMDClient
    sandbox: EmbeddedSandbox | None = None
    indexer: IndexerClient | None = None  # None: an external node named no indexer

    @property
    def is_embedded(self) -> bool:
        return self.sandbox is not None

    def dev_accounts(self, wallet: str = DEFAULT_WALLET, password: str = "") -> list[DevAccount]:
        """The accounts in kmd's default wallet, richest first."""
        wallet_id = next((w["id"] for w in self.kmd.list_wallets() if w["name"] == wallet), None)
        if wallet_id is None:
            raise LookupError(f"kmd has no wallet named {wallet!r}")
        handle = self.kmd.init_wallet_handle(wallet_id, password)
        try:
            accounts = [
                DevAccount(address, self.kmd.export_key(handle, password, address))
                for address in self.kmd.list_keys(handle)
            ]
        finally:
            self.kmd.release_wallet_handle(handle)
        balances = {a.address: self.balance(a.address) for a in accounts}
        return sorted(accounts, key=lambda a: balances[a.address], reverse=True)

    def balance(self, address: str) -> int:
        info = self.algod.account_info(address)
        assert isinstance(info, dict)
        return int(info["amount"])

    def new_account(
        self, micro_algos: int = 10_000_000, funder: DevAccount | None = None
    ) -> DevAccount:
        """A fresh account funded from the richest dev account, confirmed before returning."""
        private_key, address = algosdk_account.generate_account()
        funder = funder or self.dev_accounts()[0]
        params = self.algod.suggested_params()
        txn = transaction.PaymentTxn(funder.address, params, address, micro_algos)
        signed = funder.sign(txn)
        txid = self.algod.send_transaction(signed)
        transaction.wait_for_confirmation(self.algod, txid, 4)
        return DevAccount(address, private_key)

    def close(self) -> None:
        if self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None


def _external(env: Mapping[str, str]) -> Network:
    def address(prefix: str, default_port: str) -> str:
        server = env.get(f"{prefix}_SERVER", "http://localhost").rstrip("/")
        port = env.get(f"{prefix}_PORT", default_port)
        return f"{server}:{port}" if port else server

    algod = AlgodClient(env.get("ALGOD_TOKEN", DEFAULT_TOKEN), address("ALGOD", "4001"))
    kmd = KMDClient(env.get("KMD_TOKEN", DEFAULT_TOKEN), address("KMD", "4002"))
    indexer = None
    if env.get("INDEXER_SERVER"):
        indexer = IndexerClient(env.get("INDEXER_TOKEN", DEFAULT_TOKEN), address("INDEXER", "8980"))
    return Network(algod, kmd, indexer=indexer)


def connect(env: Mapping[str, str] | None = None, config: SandboxConfig | None = None) -> Network:
    """algod and kmd clients for the configured network, starting the embedded one if needed.

    With ALGOD_SERVER set, that node is used. Otherwise an embedded sandbox starts in this
    process (in memory, on free ports unless `config` says otherwise); `Network.close()` stops it.
    """
    env = os.environ if env is None else env
    if env.get("ALGOD_SERVER"):
        return _external(env)
    config = config or SandboxConfig(
        data_dir=None, algod_port=free_port(), kmd_port=free_port(), indexer_port=free_port()
    )
    sandbox = EmbeddedSandbox(config).start()
    algod = AlgodClient(config.algod_token, sandbox.algod_address)
    kmd = KMDClient(config.kmd_token, sandbox.kmd_address)
    indexer = IndexerClient(config.algod_token, sandbox.indexer_address)
    return Network(algod, kmd, sandbox, indexer)


def private_key_seed(private_key: str) -> bytes:
    """The 32-byte Ed25519 seed inside algosdk's base64 private key."""
    return base64.b64decode(private_key)[:32]
