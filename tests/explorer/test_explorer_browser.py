"""The explorer's chain pages in Chromium: a new block appears live, links lead from the block
list to a block, a transaction, its group, its sender, an asset and an app, and back through the
search box; markup from the chain is shown as text and never runs. Screenshots go to
test-artifacts/screenshots/ (blocks, block, txn, account, asset, app, search)."""

from __future__ import annotations

from typing import Any

from algosdk import transaction
from algosdk.v2client.algod import AlgodClient
from playwright.sync_api import Page, expect

from gridworks.sandbox import DevAccount, EmbeddedSandbox, Network
from tests.browser import screenshot
from tests.conftest import send
from tests.explorer.chain_objects import (
    ASSET_NAME,
    HOSTILE,
    SCRIPT,
    create_hostile_asset,
    create_stateful_app,
)


def not_pwned(page: Page) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"


def open_link(page: Page, href_end: str) -> None:
    """Clicks the first link whose address ends in `href_end` and waits for its page."""
    page.locator(f'a[href$="{href_end}"]').first.click()
    page.wait_for_url(f"**{href_end}")


def test_the_chain_pages_in_a_browser(
    browser_page: Page,
    explorer: str,
    network: Network,
    algod: AlgodClient,
    dev_accounts: list[DevAccount],
    sandbox: EmbeddedSandbox,
) -> None:
    page = browser_page
    maker = network.new_account(10_000_000, funder=dev_accounts[0])
    asset_id = create_hostile_asset(algod, maker)
    app = create_stateful_app(algod, maker)
    last = int(algod.status()["last-round"])
    if app.app_id > last:  # so that searching the app id finds a round too: a choice page
        sandbox.advance(app.app_id - last)

    page.goto(explorer)
    expect(page.locator("h1")).to_have_text("Latest blocks")
    first_row = page.locator("#blocks tbody tr").first
    expect(first_row).to_be_visible()
    screenshot(page, "blocks")

    # a group of two payments, one with a hostile note, made while the page is open
    params = algod.suggested_params()
    pays = [
        transaction.PaymentTxn(
            maker.address, params, dev_accounts[1].address, 250_000, note=HOSTILE.encode()
        ),
        transaction.PaymentTxn(maker.address, params, dev_accounts[2].address, 1_000),
    ]
    transaction.assign_group_id(pays)
    confirmed = send(algod, *(maker.sign(p) for p in pays))
    round_ = int(confirmed[0]["confirmed-round"])
    new_row = page.locator(f'#blocks tr[data-round="{round_}"]')
    expect(new_row).to_be_visible()  # arrives by live.js, without a reload
    expect(new_row.locator("td").nth(2)).to_have_text("2")
    expect(page.locator("#last-round")).to_have_text(str(round_))

    new_row.locator(f'a[href$="/block/{round_}"]').click()
    page.wait_for_url(f"**/block/{round_}")
    expect(page.locator("h1")).to_have_text(f"Block {round_}")
    expect(page.locator("#transactions tbody tr")).to_have_count(2)
    screenshot(page, "block")

    txid = pays[0].get_txid()
    open_link(page, f"/txn/{txid}")
    expect(page.locator("#txid")).to_have_text(txid)
    expect(page.locator("pre.note")).to_have_text(HOSTILE)  # shown, as text
    not_pwned(page)
    screenshot(page, "txn")

    page.locator("a.group").first.click()
    page.wait_for_url("**/group/**")
    expect(page.get_by_text("2 transactions in block")).to_be_visible()
    expect(page.locator("pre.note")).to_have_text(HOSTILE)
    not_pwned(page)
    page.go_back()

    open_link(page, f"/account/{maker.address}")
    expect(page.locator("#address")).to_have_text(maker.address)
    expect(page.locator("#created-assets")).to_contain_text(ASSET_NAME)
    not_pwned(page)
    screenshot(page, "account")

    open_link(page, f"/asset/{asset_id}")
    expect(page.locator("#asset-name")).to_have_text(ASSET_NAME)
    expect(page.locator("#asset-url")).to_contain_text(HOSTILE)
    not_pwned(page)
    screenshot(page, "asset")
    page.go_back()

    open_link(page, f"/app/{app.app_id}")
    expect(page.locator("#global-state")).to_contain_text(HOSTILE)
    page.locator("#boxes a", has_text=SCRIPT).click()
    expect(page.locator("#box-value h3")).to_contain_text(SCRIPT)
    not_pwned(page)
    screenshot(page, "app")

    search(page, str(app.app_id))
    expect(page.locator("#choices li")).to_have_count(2)
    screenshot(page, "search")
    open_link(page, f"/app/{app.app_id}")
    search(page, txid)
    page.wait_for_url(f"**/txn/{txid}")
    search(page, HOSTILE)
    expect(page.locator("#error-message")).to_contain_text(HOSTILE)
    not_pwned(page)


def search(page: Page, query: Any) -> None:
    box = page.locator("form.search input[name=q]")
    box.fill(str(query))
    box.press("Enter")
    page.wait_for_load_state()


def test_the_block_list_starts_again_after_a_revert(
    browser_page: Page, fresh_chain: Network
) -> None:
    """A sandbox revert takes the chain back under the page's cursor: the page reloads and
    shows the chain as it now is (fresh_chain: a sandbox of its own, not the session's)."""
    box = fresh_chain.sandbox
    assert box is not None and box.explorer_address
    snapshot = box.snapshot()
    funder = fresh_chain.dev_accounts()[0]
    fresh_chain.new_account(funder=funder)
    fresh_chain.new_account(funder=funder)
    last = int(fresh_chain.algod.status()["last-round"])
    browser_page.goto(box.explorer_address)
    expect(browser_page.locator("#last-round")).to_have_text(str(last))
    expect(browser_page.locator(f'#blocks tr[data-round="{last}"]')).to_have_count(1)
    box.revert(snapshot.id)
    expect(browser_page.locator("#last-round")).to_have_text(str(snapshot.round))
    expect(browser_page.locator(f'#blocks tr[data-round="{last}"]')).to_have_count(0)
