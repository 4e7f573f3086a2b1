"""The embedded sandbox: a ledger and kmd wallets behind algod's and kmd's REST APIs."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp

from .api.algod import BlockWaiter, create_algod_app
from .api.gridworks_api import gridworks_routes
from .api.indexer import create_indexer_app
from .api.kmd import create_kmd_app
from .dump import load_dump, write_dump
from .kmd.wallets import WalletStore
from .ledger.genesis import GenesisSpec, make_genesis
from .ledger.ledger import Ledger
from .ledger.store import Store
from .server import Listener, ServerGroup, run_loop
from .snapshots import Snapshot, TimeMachine

DEFAULT_TOKEN = "a" * 64  # the Algorand sandbox's and AlgoKit LocalNet's well-known dev token
DEFAULT_DATA_DIR = Path(".gridworks") / "sandbox"


class SandboxConfig(BaseModel):
    """How to run the embedded sandbox. `data_dir=None` keeps everything in memory."""

    model_config = ConfigDict(frozen=True)

    host: str = "127.0.0.1"
    algod_port: int = Field(4001, ge=0, le=65535)
    kmd_port: int = Field(4002, ge=0, le=65535)
    indexer_port: int = Field(8980, ge=0, le=65535)  # indexer's API, with algod's token
    algod_token: str = DEFAULT_TOKEN
    kmd_token: str = DEFAULT_TOKEN
    data_dir: Path | None = DEFAULT_DATA_DIR
    network: str = Field("sandnet", pattern=r"^[a-z][a-z0-9-]*$")
    dev_accounts: int = Field(3, ge=1, le=100)
    from_dump: Path | None = None  # start from this dump (`dump()`); needs a fresh data_dir
    explorer: bool = True  # serve the explorer's pages at /explorer/ on the algod port


class EmbeddedSandbox:
    """Opens (or creates) the network in `config.data_dir` and serves it over HTTP."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        data_dir = self.config.data_dir
        ledger_path = data_dir / "ledger.sqlite" if data_dir else None
        wallet_path = data_dir / "kmd.sqlite" if data_dir else None
        self.wallets = WalletStore(wallet_path)
        store = Store(ledger_path)
        if self.config.from_dump is not None:
            try:
                if store.get_meta("genesis") is not None:
                    raise ValueError(
                        f"{ledger_path} already holds a ledger: start from a dump in an empty "
                        "data dir or in memory"
                    )
                load_dump(self.config.from_dump, store, self.wallets)
            except BaseException:
                store.close()
                self.wallets.close()
                raise
        if store.get_meta("genesis") is None:
            document, seeds = make_genesis(
                GenesisSpec(network=self.config.network, dev_accounts=self.config.dev_accounts)
            )
            self.wallets.ensure_default_wallet(seeds)
            Ledger.initialize(store, document)
        self.ledger = Ledger(store)
        self.time_machine = TimeMachine(self.ledger, self.wallets)
        waiter = BlockWaiter(self.ledger)
        algod_app = create_algod_app(
            self.ledger,
            self.config.algod_token,
            waiter=waiter,
            extra_routes=gridworks_routes(self.time_machine),
        )
        if self.config.explorer:
            algod_app = self._with_explorer(algod_app)
        self.servers = ServerGroup(
            [
                Listener(algod_app, self.config.host, self.config.algod_port),
                Listener(
                    create_kmd_app(self.wallets, self.config.kmd_token),
                    self.config.host,
                    self.config.kmd_port,
                ),
                Listener(
                    create_indexer_app(self.ledger, self.config.algod_token),
                    self.config.host,
                    self.config.indexer_port,
                ),
            ],
            on_stop=waiter.stop,
        )

    def _with_explorer(self, algod_app: ASGIApp) -> ASGIApp:
        """The explorer's pages beside algod's API, built on their first request; they read
        through this sandbox's own algod and indexer over HTTP, as they would read any node's."""
        from gridworks.explorer.mount import with_explorer

        def build() -> ASGIApp:
            from gridworks.explorer import ChainSources, create_explorer_app

            sources = ChainSources.connect(
                self.algod_address, self.indexer_address, self.config.algod_token
            )
            return create_explorer_app(sources)

        return with_explorer(algod_app, build)

    @property
    def explorer_address(self) -> str | None:
        """The explorer's first page, or None when it is turned off."""
        if not self.config.explorer:
            return None
        from gridworks.explorer.mount import PREFIX

        return f"{self.algod_address}{PREFIX}/"

    @property
    def algod_address(self) -> str:
        return f"http://{self.config.host}:{self.config.algod_port}"

    @property
    def kmd_address(self) -> str:
        return f"http://{self.config.host}:{self.config.kmd_port}"

    @property
    def indexer_address(self) -> str:
        return f"http://{self.config.host}:{self.config.indexer_port}"

    # snapshots and time (gridworks/sandbox/snapshots.py; also at /gridworks/v1 over REST)
    def snapshot(self) -> Snapshot:
        return self.time_machine.snapshot()

    def snapshots(self) -> list[Snapshot]:
        return self.time_machine.snapshots()

    def revert(self, snapshot_id: int) -> Snapshot:
        """Back to the snapshot, which is kept; later snapshots are dropped."""
        return self.time_machine.revert(snapshot_id)[0]

    def reset(self) -> None:
        """Back to genesis, the dev wallet kept; every snapshot is dropped."""
        self.time_machine.reset()

    def set_next_timestamp(self, timestamp: int) -> None:
        self.time_machine.set_next_timestamp(timestamp)

    def advance(self, rounds: int) -> int:
        return self.time_machine.advance(rounds)

    def dump(self, path: Path) -> None:
        write_dump(self.ledger, self.wallets, path)

    def start(self) -> EmbeddedSandbox:
        """Serves on a background thread (tests, the tour); returns once both APIs answer."""
        self.servers.start_in_thread()
        return self

    def stop(self) -> None:
        self.servers.join()
        self.ledger.close()
        self.wallets.close()

    def __enter__(self) -> EmbeddedSandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_forever(self, on_ready: object = None) -> None:
        """Serves in the foreground until SIGINT or SIGTERM, then shuts down cleanly."""

        async def main() -> None:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, self.servers.stop)
            await self.servers.serve(on_ready=on_ready)

        try:
            run_loop(main())
        finally:
            self.ledger.close()
            self.wallets.close()
