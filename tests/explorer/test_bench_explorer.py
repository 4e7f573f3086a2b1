"""bench/explorer.py still works: a tiny data set (200 transactions, 3 GNodes) is built, served by
`gridworks sandbox start`, and each of its three pages answers 200 over HTTP and in Chromium,
with the numbers it reports present. Nothing here is timed against a goal."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"


def load_bench() -> ModuleType:
    if str(BENCH_DIR) not in sys.path:
        sys.path.append(str(BENCH_DIR))  # the bench imports its sibling _ledger_fill
    spec = importlib.util.spec_from_file_location("bench_explorer", BENCH_DIR / "explorer.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def test_bench_explorer_measures_the_three_pages(tmp_path: Path) -> None:
    lines: list[str] = []
    report = bench.run(
        transactions=200,
        gnodes=3,
        repeats=1,
        browser_repeats=1,
        data_dir=tmp_path / "data",
        log=lines.append,
        warmup=False,
    )

    assert report.data.transactions == 200 and report.data.gnodes == 3
    assert report.data.factory_app > 0 and report.data.txids
    assert [page.name for page in report.pages] == [
        *bench.PAGES,
        bench.FACTORY_CALL,
        bench.TREE_AFTER_A_BLOCK,
    ]
    *browsed, after_a_block = report.pages
    assert after_a_block.status == 200 and after_a_block.size > 0
    assert len(after_a_block.server_ms) == 1 and not after_a_block.fcp_ms
    for page in browsed:
        assert page.status == 200, (page.name, page.paths[0], page.status)
        assert page.size > 0
        assert len(page.server_ms) == 1 and len(page.fcp_ms) == 1
        assert len(page.response_end_ms) == 1
        assert page.response_end_ms[0] > 0 and page.fcp_ms[0] > 0
    assert report.status_ms and report.css_fcp_ms

    table = report.table()
    rows = table.splitlines()[3:-1]
    assert [row.split("|")[0].strip() for row in rows] == [
        *bench.PAGES,
        bench.FACTORY_CALL,
        bench.TREE_AFTER_A_BLOCK,
        "reference: algod",
        "reference: static file",
    ]
    for row in rows[:4]:
        assert row.split("|")[-1].strip() in ("met", "NOT MET"), row

    # the data set is kept in --data-dir for the next run to reuse, as it was (the blocks the
    # after-a-block measure added are reverted)
    assert bench.DataSet.load(tmp_path / "data") == report.data
    with bench.serve(tmp_path / "data") as served:
        from algosdk.v2client.algod import AlgodClient

        algod = AlgodClient(bench.DEFAULT_TOKEN, served.algod_address)
        assert algod.status()["last-round"] == report.data.rounds
