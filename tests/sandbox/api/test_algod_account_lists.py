"""algod's per-account lists, through algosdk and raw HTTP: an account's asset holdings
(`/v2/accounts/{address}/assets`) and application resources (`.../applications`), paged with
`limit` and `next`, and its pending transactions (`.../transactions/pending`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import msgpack
import pytest
from algosdk import account, encoding, transaction
from algosdk.error import AlgodHTTPError
from algosdk.v2client.algod import AlgodClient
from conftest import send
from test_apps_lifecycle import OC, call, create_app, sign, sp  # type: ignore[import-not-found]
from test_assets import create_asset, opt_in, transfer  # type: ignore[import-not-found]

from gridworks.sandbox import DevAccount

TOKEN_HEADER = "X-Algo-API-Token"

Factory = Callable[..., DevAccount]


@pytest.fixture(scope="module")
def http(algod: AlgodClient) -> Iterator[httpx.Client]:
    headers = {TOKEN_HEADER: algod.algod_token}
    with httpx.Client(base_url=algod.algod_address, headers=headers, timeout=15) as client:
        yield client


def get_json(http: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    response = http.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict)
    return body


def error_message(response: httpx.Response) -> str:
    assert response.status_code == 400, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    message = response.json()["message"]
    assert isinstance(message, str) and message
    return message


def last_round(algod: AlgodClient) -> int:
    return int(algod.status()["last-round"])


# asset holdings -----------------------------------------------------------------------------


@pytest.fixture
def holder_of_three(
    algod: AlgodClient, account_factory: Factory
) -> tuple[DevAccount, DevAccount, list[int]]:
    """A holder opted into three assets of one creator (ids ascending), holding 5 of the
    second; returns the holder, the creator and the asset ids."""
    creator, holder = account_factory(), account_factory()
    ids = [create_asset(algod, creator, unit_name=f"L{n}") for n in range(3)]
    for asset_id in ids:
        opt_in(algod, holder, asset_id)
    send(algod, transfer(algod, creator, holder.address, 5, ids[1]))
    return holder, creator, ids


def expected_holding(algod: AlgodClient, asset_id: int, amount: int) -> dict[str, Any]:
    return {
        "asset-holding": {"amount": amount, "asset-id": asset_id, "is-frozen": False},
        "asset-params": algod.asset_info(asset_id)["params"],
    }


def test_holdings_come_two_a_page_with_their_params_then_no_next_token(
    algod: AlgodClient,
    http: httpx.Client,
    holder_of_three: tuple[DevAccount, DevAccount, list[int]],
) -> None:
    holder, creator, ids = holder_of_three
    round_ = last_round(algod)
    path = f"/v2/accounts/{holder.address}/assets"

    first = algod.account_assets_info(holder.address, limit=2)
    assert first == {
        "round": round_,
        "asset-holdings": [expected_holding(algod, ids[0], 0), expected_holding(algod, ids[1], 5)],
        "next-token": str(ids[1]),
    }
    assert first["asset-holdings"][0]["asset-params"]["unit-name"] == "L0"
    second = algod.account_assets_info(holder.address, limit=2, next_page=first["next-token"])
    assert second == {"round": round_, "asset-holdings": [expected_holding(algod, ids[2], 0)]}

    # the same pages over raw HTTP; `include` is no parameter of this endpoint in algod's
    # spec (params always come with the holding), so include=params changes nothing
    assert get_json(http, path, limit=2) == first
    assert get_json(http, path, limit=2, include="params") == first
    assert get_json(http, path, limit=2, next=first["next-token"]) == second

    everything = first["asset-holdings"] + second["asset-holdings"]
    assert get_json(http, path) == {"round": round_, "asset-holdings": everything}
    assert get_json(http, path, limit=3) == {"round": round_, "asset-holdings": everything}
    assert get_json(http, path, next=str(ids[2])) == {"round": round_, "asset-holdings": []}
    # a token need not be a held id: the page starts above it
    assert get_json(http, path, next=str(ids[0] - 1), limit=1)["next-token"] == str(ids[0])

    # the creator holds the rest of each asset; the single-asset route is not shadowed
    by_creator = algod.account_assets_info(creator.address)["asset-holdings"]
    assert [h["asset-holding"]["amount"] for h in by_creator] == [1_000, 995, 1_000]
    single = algod.account_asset_info(holder.address, ids[1])
    assert single["asset-holding"] == first["asset-holdings"][1]["asset-holding"]


def test_a_holding_of_a_destroyed_asset_is_listed_without_params(
    algod: AlgodClient, http: httpx.Client, account_factory: Factory
) -> None:
    creator, holder = account_factory(), account_factory()
    asset_id = create_asset(algod, creator)
    opt_in(algod, holder, asset_id)
    destroy = transaction.AssetDestroyTxn(creator.address, sp(algod), asset_id)
    send(algod, sign(destroy, creator))

    body = get_json(http, f"/v2/accounts/{holder.address}/assets")
    assert body["asset-holdings"] == [
        {"asset-holding": {"amount": 0, "asset-id": asset_id, "is-frozen": False}}
    ]
    assert get_json(http, f"/v2/accounts/{creator.address}/assets")["asset-holdings"] == []


# application resources ----------------------------------------------------------------------


@pytest.fixture
def user_with_three_apps(
    algod: AlgodClient, account_factory: Factory
) -> tuple[DevAccount, DevAccount, list[int]]:
    """A user opted into two apps of another account (local state written in the first) and
    creator of a third it is not opted into; returns the user, the other creator, the ids."""
    other, user = account_factory(), account_factory()
    first, second = create_app(algod, other), create_app(algod, other)
    for app_id in (first, second):
        send(algod, call(algod, user, app_id, on_complete=OC.OptInOC))
    send(algod, call(algod, user, first, b"local"))
    own = create_app(algod, user)
    return user, other, [first, second, own]


def test_apps_come_two_a_page_with_local_state_and_params_when_asked(
    algod: AlgodClient,
    http: httpx.Client,
    user_with_three_apps: tuple[DevAccount, DevAccount, list[int]],
) -> None:
    user, _, (first, second, own) = user_with_three_apps
    round_ = last_round(algod)
    path = f"/v2/accounts/{user.address}/applications"

    def local(app_id: int) -> dict[str, Any]:
        return algod.account_application_info(user.address, app_id)["app-local-state"]

    def params(app_id: int) -> dict[str, Any]:
        return algod.application_info(app_id)["params"]

    page_1 = algod.account_applications_info(user.address, limit=2)
    assert page_1 == {
        "round": round_,
        "application-resources": [
            {"id": first, "app-local-state": local(first)},
            {"id": second, "app-local-state": local(second)},
        ],
        "next-token": str(second),
    }
    assert page_1["application-resources"][0]["app-local-state"]["key-value"] == [
        {"key": "bA==", "value": {"type": 2, "bytes": "", "uint": 7}}
    ]
    assert "key-value" not in page_1["application-resources"][1]["app-local-state"]
    page_2 = algod.account_applications_info(user.address, limit=2, next_page=str(second))
    assert page_2 == {"round": round_, "application-resources": [{"id": own}]}

    # include=params adds each app's params (algod adds the creator's params to the apps
    # the account is only opted into too)
    with_params = algod.account_applications_info(user.address, limit=2, include=["params"])
    assert with_params["next-token"] == str(second)
    assert with_params["application-resources"] == [
        {"id": app_id, "app-local-state": local(app_id), "params": params(app_id)}
        for app_id in (first, second)
    ]
    rest = algod.account_applications_info(
        user.address, limit=2, next_page=str(second), include=["params"]
    )
    assert rest == {
        "round": round_,
        "application-resources": [{"id": own, "params": params(own)}],
    }
    assert rest["application-resources"][0]["params"]["creator"] == user.address

    # raw HTTP answers the same; unknown include items are ignored, as algod ignores them
    assert get_json(http, path, limit=2) == page_1
    assert get_json(http, path, limit=2, next=str(second)) == page_2
    assert get_json(http, path, limit=2, include="params") == with_params
    assert get_json(http, path, limit=2, include="other,params") == with_params
    assert get_json(http, path, limit=2, include="other") == page_1
    assert get_json(http, path)["application-resources"] == (
        page_1["application-resources"] + page_2["application-resources"]
    )
    # the single-app route is not shadowed
    assert algod.account_application_info(user.address, own)["created-app"]["creator"] == (
        user.address
    )


def test_an_app_deleted_under_an_opted_in_account_is_marked_deleted(
    algod: AlgodClient, http: httpx.Client, account_factory: Factory
) -> None:
    creator, user = account_factory(), account_factory()
    app_id = create_app(algod, creator)
    send(algod, call(algod, user, app_id, on_complete=OC.OptInOC))
    send(algod, call(algod, creator, app_id, on_complete=OC.DeleteApplicationOC))

    path = f"/v2/accounts/{user.address}/applications"
    schema = {"num-byte-slice": 0, "num-uint": 1}
    entry = {"id": app_id, "deleted": True, "app-local-state": {"id": app_id, "schema": schema}}
    assert get_json(http, path)["application-resources"] == [entry]
    assert get_json(http, path, include="params")["application-resources"] == [entry]
    assert get_json(http, f"/v2/accounts/{creator.address}/applications") == {
        "round": last_round(algod),
        "application-resources": [],
    }


def test_an_account_with_nothing_has_empty_lists(
    algod: AlgodClient, http: httpx.Client, account_factory: Factory
) -> None:
    never_seen = account.generate_account()[1]
    for address in (never_seen, account_factory().address):
        round_ = last_round(algod)
        assert algod.account_assets_info(address) == {"round": round_, "asset-holdings": []}
        assert algod.account_applications_info(address, include=["params"]) == {
            "round": round_,
            "application-resources": [],
        }
        assert get_json(http, f"/v2/accounts/{address}/assets", limit=5, next="7") == {
            "round": round_,
            "asset-holdings": [],
        }


def test_the_lists_are_json_only_as_in_algods_spec(
    http: httpx.Client, holder_of_three: tuple[DevAccount, DevAccount, list[int]]
) -> None:
    holder = holder_of_three[0]
    for kind in ("assets", "applications"):
        path = f"/v2/accounts/{holder.address}/{kind}"
        assert get_json(http, path, format="msgpack") == get_json(http, path)


# pending transactions by address ------------------------------------------------------------


def test_pending_by_address_is_empty_once_the_sandbox_has_confirmed_what_was_sent(
    algod: AlgodClient, http: httpx.Client, account_factory: Factory, sandbox: Any
) -> None:
    """The sandbox makes a block of each group as it is sent, so its pool is always empty:
    the payments from and to the address are confirmed, not pending."""
    address, other = account_factory(), account_factory()
    outgoing = transaction.PaymentTxn(address.address, sp(algod), other.address, 1_000)
    incoming = transaction.PaymentTxn(other.address, sp(algod), address.address, 2_000)
    for signed in (sign(outgoing, address), sign(incoming, other)):
        assert send(algod, signed)[0]["confirmed-round"] > 0

    empty = {"top-transactions": [], "total-transactions": 0}
    assert algod.pending_transactions_by_address(address.address) == empty
    assert algod.pending_transactions_by_address(address.address, limit=1) == empty
    assert algod.pending_transactions_by_address(address.address) == algod.pending_transactions()
    packed = algod.pending_transactions_by_address(address.address, response_format="msgpack")
    assert isinstance(packed, bytes)
    assert msgpack.unpackb(packed) == empty

    path = f"/v2/accounts/{address.address}/transactions/pending"
    assert get_json(http, path, max=0) == empty
    response = http.get(path, params={"format": "msgpack"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/msgpack")
    assert msgpack.unpackb(response.content) == empty


# refusals -----------------------------------------------------------------------------------

GOOD = encoding.encode_address(bytes(range(32)))  # fixed: xdist workers collect the same ids
BAD_ADDRESSES = {
    "garbage": "NOTANADDRESS",
    "bad checksum": GOOD[:-1] + ("A" if GOOD[-1] != "A" else "B"),
    "lower case": GOOD.lower(),
}


@pytest.mark.parametrize("address", BAD_ADDRESSES.values(), ids=BAD_ADDRESSES.keys())
@pytest.mark.parametrize("kind", ["assets", "applications", "transactions/pending"])
def test_a_bad_address_is_400(http: httpx.Client, address: str, kind: str) -> None:
    message = error_message(http.get(f"/v2/accounts/{address}/{kind}"))
    assert "address" in message


def test_algosdk_raises_400_for_a_bad_address(algod: AlgodClient) -> None:
    for call_ in (
        lambda: algod.account_assets_info("NOTANADDRESS"),
        lambda: algod.account_applications_info("NOTANADDRESS"),
        lambda: algod.pending_transactions_by_address("NOTANADDRESS"),
    ):
        with pytest.raises(AlgodHTTPError) as info:
            call_()
        assert info.value.code == 400
        assert "address" in str(info.value)


@pytest.mark.parametrize(
    ("kind", "params", "words"),
    [
        ("assets", {"limit": "0"}, "limit parameter must be a positive integer"),
        ("assets", {"limit": "-1"}, "limit"),
        ("assets", {"limit": "two"}, "limit"),
        ("assets", {"limit": "1001"}, "limit 1001 exceeds max assets single batch limit 1000"),
        ("assets", {"next": "abc"}, "unable to parse next token"),
        ("assets", {"next": "-5"}, "unable to parse next token"),
        ("assets", {"next": ""}, "unable to parse next token"),
        ("assets", {"next": str(2**64)}, "unable to parse next token"),
        ("applications", {"limit": "0"}, "limit parameter must be a positive integer"),
        ("applications", {"limit": "1.5"}, "limit"),
        (
            "applications",
            {"limit": "1001", "include": "params"},
            "limit 1001 exceeds max applications single batch limit 1000",
        ),
        (
            "applications",
            {"limit": "100001"},
            "limit 100001 exceeds max applications single batch limit 100000",
        ),
        ("applications", {"next": "1e3"}, "unable to parse next token"),
        ("transactions/pending", {"max": "-1"}, "max"),
        ("transactions/pending", {"max": "many"}, "max"),
        ("transactions/pending", {"format": "csv"}, "format"),
    ],
)
def test_a_bad_limit_token_or_max_is_400(
    http: httpx.Client, kind: str, params: dict[str, str], words: str
) -> None:
    message = error_message(http.get(f"/v2/accounts/{GOOD}/{kind}", params=params))
    assert words in message


def test_limits_up_to_algods_maxima_are_accepted(http: httpx.Client) -> None:
    assets = f"/v2/accounts/{GOOD}/assets"
    apps = f"/v2/accounts/{GOOD}/applications"
    assert get_json(http, assets, limit=1000)["asset-holdings"] == []
    assert get_json(http, apps, limit=1000, include="params")["application-resources"] == []
    assert get_json(http, apps, limit=1001)["application-resources"] == []  # without params
    assert get_json(http, apps, limit=100_000, next=str(2**64 - 1))["application-resources"] == []
