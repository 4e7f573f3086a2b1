"""The GNode pages against the sandbox: the factories (/gnodes), a factory's tree, a GNode's
record, certificates and live verdicts, and the error pages of missing or malformed requests."""

from __future__ import annotations

import base64
import threading
import uuid
from collections.abc import Callable

import pytest
from algosdk import transaction
from algosdk.error import AlgodHTTPError
from algosdk.logic import get_application_address
from algosdk.v2client.algod import AlgodClient

from gridworks.contracts.provision import Device, FactorySetup, provision_device
from gridworks.explorer.errors import ExplorerError
from gridworks.explorer.gnode_tree import Entry, Registry, nest, page_of, read_records, walk
from gridworks.explorer.sources import ChainSources
from gridworks.explorer.tree_cache import chain_state
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.chain import FactoryReader
from gridworks.identity.record import ZERO_ADDRESS, Record
from gridworks.identity.roles import GNodeRole
from gridworks.identity.status import GNodeStatus
from gridworks.sandbox import DevAccount, Network
from tests.conftest import send
from tests.explorer.chain_objects import create_stateful_app
from tests.explorer.gnode_pages import get, next_link, rows, tree

pytestmark = pytest.mark.embedded_only  # the explorer's links are under /explorer/


def test_gnodes_lists_the_factory_with_a_link_to_its_tree(
    explorer: str, gnode_factory: FactorySetup
) -> None:
    page = get(explorer, "gnodes")
    assert page.status_code == 200
    app_id = gnode_factory.factory.app_id
    row = dict(rows(page.text, "data-app"))[str(app_id)]
    assert f'href="/explorer/factory/{app_id}"' in row
    assert '<span class="ok">GNodeFactory</span>' in row  # its program is the contract's


@pytest.fixture(scope="module")
def device(network: Network, gnode_factory: FactorySetup) -> Device:
    """A TerminalAsset the read-only tests of this module share (`certified_device` for those
    that change it)."""
    alias = f"d1.test.x{uuid.uuid4().hex[:16]}"
    return provision_device(network, alias, on=gnode_factory, micro_algos=1_000_000)


def test_an_alias_is_found_in_the_factories_or_refused(explorer: str, device: Device) -> None:
    ta = device.terminal_asset_alias
    app_id = device.factory.app_id
    found = get(explorer, f"gnodes?alias={ta}")
    assert found.status_code == 303
    assert found.headers["location"] == f"/explorer/gnode/{app_id}/{ta}"
    missing = get(explorer, "gnodes?alias=d1.no.such.gnode.ta")
    assert missing.status_code == 404
    assert "no GNode d1.no.such.gnode.ta is registered" in missing.text
    assert 'id="factories"' in get(explorer, "gnodes?alias=").text  # an empty box: the list
    malformed = get(explorer, "gnodes?alias=D1..x")
    assert malformed.status_code == 400
    assert "uppercase" in malformed.text


def test_the_tree_nests_the_device_under_its_parents_with_role_and_status(
    explorer: str, device: Device
) -> None:
    app_id = device.factory.app_id
    atn, ta = device.atomic_tnode_alias, device.terminal_asset_alias
    page = get(explorer, f"factory/{app_id}?under={atn}")
    assert page.status_code == 200
    shown = tree(page.text)
    assert shown.order == [atn, ta]
    assert shown.parent == {atn: None, ta: atn}
    assert shown.tags[atn] == ["implied"]  # AtomicTNodes are not registered by the factory
    assert shown.tags[ta] == ["TerminalAsset", "Active"]
    assert f'href="/explorer/gnode/{app_id}/{ta}"' in page.text


@pytest.fixture(scope="module")
def subtree(network: Network, gnode_factory: FactorySetup) -> tuple[str, list[str]]:
    """Two TerminalAssets of this module's own under one new parent on the session factory: the
    parent's alias, and its subtree in order (implied ancestors included)."""
    parent = f"d1.test.pg{uuid.uuid4().hex[:10]}"
    for name in ("a1", "a2"):
        provision_device(network, f"{parent}.{name}", on=gnode_factory, micro_algos=1_000_000)
    order = [parent] + [f"{parent}.{n}{ta}" for n in ("a1", "a2") for ta in ("", ".ta")]
    return parent, order


def test_the_tree_is_paged_with_its_ancestors_as_context(
    explorer: str, gnode_factory: FactorySetup, subtree: tuple[str, list[str]]
) -> None:
    parent, order = subtree
    app_id = gnode_factory.factory.app_id
    path: str | None = f"factory/{app_id}?under={parent}&size=2"
    seen: list[str] = []
    pages = 0
    while path is not None:
        page = get(explorer, path)
        assert page.status_code == 200
        shown = tree(page.text)
        own = [alias for alias in shown.order if alias not in shown.context]
        assert len(own) <= 2
        if seen:  # a later page starts with the ancestors of its first entry (within `under`)
            first = own[0]
            assert shown.context == {a for a in order if first.startswith(a + ".")}
            assert shown.order[: len(shown.context)] == sorted(shown.context, key=len)
        seen += own
        pages += 1
        path = next_link(page.text)
    assert seen == order
    assert pages == 3
    whole = tree(get(explorer, f"factory/{app_id}?under={parent}").text)
    assert whole.order == order and not whole.context
    assert whole.parent[f"{parent}.a2.ta"] == f"{parent}.a2"
    assert whole.parent[f"{parent}.a2"] == parent
    validator = tree(get(explorer, f"factory/{app_id}?under=d1.test.validator").text)
    assert validator.tags == {"d1.test.validator": ["Validator", "Active"]}
    top = tree(get(explorer, f"factory/{app_id}?size=2").text)
    # the whole tree starts at its root, then its first child by alias (other tests may have
    # registered services such as d1.s<random> before d1.test)
    assert top.order[0] == "d1"
    assert top.parent[top.order[1]] == "d1"


def test_the_tree_shows_what_changed_since_it_was_last_read(
    explorer: str, network: Network, gnode_factory: FactorySetup
) -> None:
    """The tree keeps what it read at one chain state (round and block hash): a change in a
    later block shows on the next page, a new record as well as a changed one."""
    assert chain_state(ChainSources(network.algod, network.indexer)) is not None  # it keeps
    parent = f"d1.test.ch{uuid.uuid4().hex[:10]}"
    provision_device(network, f"{parent}.a", on=gnode_factory, micro_algos=1_000_000)
    path = f"factory/{gnode_factory.factory.app_id}?under={parent}"
    first = tree(get(explorer, path).text)
    assert first.tags[f"{parent}.a.ta"] == ["TerminalAsset", "Active"]
    assert tree(get(explorer, path).text).tags == first.tags  # the same state again
    gnode_factory.factory.suspend(gnode_factory.admin, f"{parent}.a.ta")
    assert tree(get(explorer, path).text).tags[f"{parent}.a.ta"] == ["TerminalAsset", "Suspended"]
    provision_device(network, f"{parent}.b", on=gnode_factory, micro_algos=1_000_000)
    third = tree(get(explorer, path).text)
    assert third.tags[f"{parent}.b.ta"] == ["TerminalAsset", "Active"]
    assert third.tags[f"{parent}.a.ta"] == ["TerminalAsset", "Suspended"]


def test_a_gnode_page_shows_record_certificates_and_verdicts(explorer: str, device: Device) -> None:
    d = device
    app_id, ta = d.factory.app_id, d.terminal_asset_alias
    record = d.factory.record(ta)
    assert record is not None
    page = get(explorer, f"gnode/{app_id}/{ta}")
    assert page.status_code == 200
    assert '<span class="tag role">TerminalAsset</span>' in page.text
    assert f'href="/explorer/factory/{app_id}?under={d.atomic_tnode_alias}"' in page.text
    certs = dict(rows(page.text, "data-kind"))
    assert list(certs) == ["TaDeed", "TaTradingRights", "ScadaCert"]
    expected = {
        "TaDeed": (record.primary_cert, d.owner.address),
        "TaTradingRights": (record.trading_rights, d.atomic_tnode.address),
        "ScadaCert": (record.scada_cert, d.scada.address),
    }
    for kind, (asset_id, holder) in expected.items():
        row = certs[kind]
        assert '<span class="ok">ok</span>' in row, kind
        assert f'href="/explorer/asset/{asset_id}"' in row
        assert f'href="/explorer/account/{holder}"' in row
        assert f'href="/explorer/cert/{asset_id}"' in row


def test_a_revocation_shows_its_reason_and_in_the_history(
    explorer: str, certified_device: Device
) -> None:
    d = certified_device
    app_id, ta = d.factory.app_id, d.terminal_asset_alias
    record = d.factory.record(ta)
    assert record is not None
    d.factory.revoke(d.admin, ta, CertificateKind.ScadaCert)
    page = get(explorer, f"gnode/{app_id}/{ta}")
    certs = dict(rows(page.text, "data-kind"))
    assert '<span class="no">REVOKED</span>' in certs["ScadaCert"]
    assert (
        f'href="/explorer/cert/{record.scada_cert}">{record.scada_cert}</a> ' in certs["ScadaCert"]
    )
    assert "destroyed" in certs["ScadaCert"]
    assert '<span class="ok">ok</span>' in certs["TaDeed"]
    history = get(explorer, f"cert/{record.scada_cert}")
    assert history.status_code == 200
    events = [what for what, _ in rows(history.text, "data-event")]
    assert events[:2] == ["revoked: destroyed", "revoked: clawed back"]  # newest first
    assert events[-1] == "issued"
    assert f'href="/explorer/gnode/{app_id}/{ta}"' in history.text  # the issuing call's record

    d.factory.revoke(d.admin, ta, CertificateKind.TaDeed)  # which voids the other two
    certs = dict(rows(get(explorer, f"gnode/{app_id}/{ta}").text, "data-kind"))
    assert '<span class="no">REVOKED</span>' in certs["TaTradingRights"]
    assert "TaDeed of" in certs["TaTradingRights"] and "was revoked" in certs["TaTradingRights"]


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("factory/999999999", 404, "no application 999999999"),
        ("factory/ten", 400, "application id must be an unsigned integer"),
        ("factory/{app}?size=0", 400, "size must be from 1 to 200"),
        ("factory/{app}?under=d1.nowhere", 404, "no alias d1.nowhere in the tree"),
        ("factory/{app}?under=..", 400, "under: alias"),
        ("gnode/{app}/d1.nowhere.ta", 404, "no GNode d1.nowhere.ta is registered"),
        ("gnode/{app}/d1.Bad", 400, "uppercase"),
        ("gnode/999999999/d1.x", 404, "no application 999999999"),
        ("cert/999999999", 404, "no asset 999999999"),
        ("cert/x1", 400, "asset id must be an unsigned integer"),
        ("cert/-1", 400, "asset id &#39;-1&#39; is out of range"),
    ],
)
def test_missing_and_malformed_requests_get_error_pages(
    explorer: str, gnode_factory: FactorySetup, path: str, status: int, message: str
) -> None:
    page = get(explorer, path.format(app=gnode_factory.factory.app_id))
    assert page.status_code == status
    assert message in page.text


def test_an_app_that_is_no_factory_has_no_tree_and_is_not_listed(
    explorer: str, algod: AlgodClient, account_factory: Callable[[], DevAccount]
) -> None:
    other = create_stateful_app(algod, account_factory())
    page = get(explorer, f"factory/{other.app_id}")
    assert page.status_code == 404
    assert f"application {other.app_id} is not a GNodeFactory" in page.text
    listed = dict(rows(get(explorer, "gnodes").text, "data-app"))
    assert str(other.app_id) not in listed


def test_a_page_of_a_thousand_gnodes_reads_only_the_records_it_shows() -> None:
    """The tree's shape comes from box names alone; records are read for a page's entries."""
    aliases = {f"d1.big.n{i:04d}.ta" for i in range(1000)}
    registry = Registry(aliases, [], truncated=False)
    first, total = page_of(registry, None, 0, 4)
    assert total == 2 + 2 * 1000  # d1, d1.big, and each TerminalAsset's implied parent
    assert [e.alias for e in first] == ["d1", "d1.big", "d1.big.n0000", "d1.big.n0000.ta"]
    assert [e.depth for e in first] == [0, 1, 2, 3]
    page, _ = page_of(registry, None, 501, 100)
    assert len(page) == 100 and page[0].alias == "d1.big.n0249.ta"
    assert [e.alias for e in page] == [alias for alias, _ in walk(registry, None)][501:601]
    reads: list[str] = []

    class CountingAlgod:
        """Answers every box read with bytes that are no record."""

        def application_box_by_name(self, app_id: int, name: bytes) -> dict[str, str]:
            reads.append(name.decode().removeprefix("g"))
            return {"value": base64.b64encode(b"not read from a chain").decode()}

    class Chain:
        algod = CountingAlgod()

    read_records(FactoryReader(Chain(), 1), page)  # type: ignore[arg-type]
    assert reads == [e.alias for e in page if e.registered]
    assert len(reads) == 50
    assert all(e.problem and e.problem.startswith("undecodable") for e in page if e.registered)
    forest = nest(page)
    assert [e.depth for e in forest] == [3] + [2] * 50  # a TA, then implied parents with theirs
    assert all(len(e.children) == 1 for e in forest[1:-1])
    assert forest[-1].alias == "d1.big.n0299" and not forest[-1].children  # its TA: next page


def record_of(alias: str, named: str | None = None) -> bytes:
    zero = ZERO_ADDRESS
    return Record(
        GNodeRole.TerminalAsset, GNodeStatus.Active, named or alias, alias.rpartition(".")[0],
        0, 0, 0, zero, zero, zero,
    ).encode()  # fmt: skip


class BoxesAlgod:
    """Answers box reads from `boxes` (a missing one: 404; `fail`: the node errs)."""

    def __init__(self, boxes: dict[str, bytes], fail: str | None = None) -> None:
        self.boxes, self.fail = boxes, fail

    def application_box_by_name(self, app_id: int, name: bytes) -> dict[str, str]:
        alias = name.decode().removeprefix("g")
        if alias == self.fail:
            raise AlgodHTTPError("the node fell over", 500)
        if alias not in self.boxes:
            raise AlgodHTTPError("box not found", 404)
        return {"value": base64.b64encode(self.boxes[alias]).decode()}


def test_each_entry_gets_its_own_record_or_its_own_problem() -> None:
    aliases = [f"d1.mix.n{i}.ta" for i in range(12)]
    boxes = {alias: record_of(alias) for alias in aliases}
    boxes[aliases[3]] = b"garbage"
    boxes[aliases[5]] = record_of(aliases[5], named="d1.mix.other.ta")
    del boxes[aliases[7]]
    entries = [Entry(alias, 3, registered=True) for alias in aliases]

    class Chain:
        algod = BoxesAlgod(boxes)

    read_records(FactoryReader(Chain(), 1), entries)  # type: ignore[arg-type]
    problems = {e.alias: e.problem for e in entries if e.problem}
    assert set(problems) == {aliases[3], aliases[5], aliases[7]}
    assert problems[aliases[3]].startswith("undecodable")  # type: ignore[union-attr]
    assert problems[aliases[5]] == "it names alias 'd1.mix.other.ta'"
    assert problems[aliases[7]] == "the record's box is gone"
    good = [e for e in entries if not e.problem]
    assert all(e.gnode is not None and e.gnode.alias == e.alias for e in good)


def test_reads_at_once_are_in_flight_together() -> None:
    """With `at_once` 4, four reads wait on each other at a barrier and all pass it (one at a
    time, the first would wait there alone until the barrier's timeout broke it)."""
    aliases = [f"d1.mix.n{i}.ta" for i in range(8)]
    together = threading.Barrier(4, timeout=30)
    threads: set[str] = set()

    class Meeting(BoxesAlgod):
        def application_box_by_name(self, app_id: int, name: bytes) -> dict[str, str]:
            threads.add(threading.current_thread().name)
            together.wait()
            return super().application_box_by_name(app_id, name)

    class Chain:
        algod = Meeting({alias: record_of(alias) for alias in aliases})

    entries = [Entry(alias, 3, registered=True) for alias in aliases]
    read_records(FactoryReader(Chain(), 1), entries, at_once=4)  # type: ignore[arg-type]
    assert all(e.gnode is not None and e.gnode.alias == e.alias for e in entries)
    assert len(threads) == 4 and threading.current_thread().name not in threads


def test_a_node_that_fails_a_record_read_fails_the_page_with_a_502() -> None:
    aliases = [f"d1.mix.n{i}.ta" for i in range(12)]

    class Chain:
        algod = BoxesAlgod({alias: record_of(alias) for alias in aliases}, fail=aliases[9])

    entries = [Entry(alias, 3, registered=True) for alias in aliases]
    with pytest.raises(ExplorerError) as info:
        read_records(FactoryReader(Chain(), 1), entries)  # type: ignore[arg-type]
    assert info.value.status == 502
    assert "the node did not answer" in str(info.value) and "the node fell over" in str(info.value)


LOOK_ALIKE_FACTORY = """#pragma version 8
txn ApplicationID
bz create
txna ApplicationArgs 0
txna ApplicationArgs 1
box_put
int 1
return
create:
byte "admin"
txn Sender
app_global_put
byte "validators"
int 0
app_global_put
byte "terminal_assets"
int 0
app_global_put
byte "scada_certs"
int 0
app_global_put
byte "services"
int 0
app_global_put
int 1
return
"""
"""An app with the GNodeFactory's global state but another program, which writes any box."""

BOXES = {
    b"gd1.fake.ta": b"\x00not a record",  # an alias, but a record that does not decode
    b"g<b>x</b>": b"",  # no alias, and markup
    b"g\xff\xfe": b"",  # not UTF-8
}


@pytest.fixture(scope="module")
def look_alike_factory(network: Network, dev_accounts: list[DevAccount]) -> int:
    algod, owner = network.algod, dev_accounts[0]
    compiled = [
        base64.b64decode(algod.compile(source)["result"])
        for source in (LOOK_ALIKE_FACTORY, "#pragma version 8\nint 1\n")
    ]
    create = transaction.ApplicationCreateTxn(
        owner.address,
        algod.suggested_params(),
        transaction.OnComplete.NoOpOC,
        compiled[0],
        compiled[1],
        transaction.StateSchema(4, 1),
        transaction.StateSchema(0, 0),
    )
    app_id = int(
        send(algod, owner.signer.sign_transactions([create], [0])[0])[0]["application-index"]
    )
    params = algod.suggested_params()
    txns: list[transaction.Transaction] = [
        transaction.PaymentTxn(owner.address, params, get_application_address(app_id), 1_000_000)
    ]
    txns += [
        transaction.ApplicationNoOpTxn(
            owner.address, params, app_id, app_args=[name, value], boxes=[(0, name)]
        )
        for name, value in BOXES.items()
    ]
    transaction.assign_group_id(txns)
    send(algod, *owner.signer.sign_transactions(txns, list(range(len(txns)))))
    return app_id


def test_a_look_alike_factory_is_marked_and_its_bad_boxes_are_listed_as_text(
    explorer: str, look_alike_factory: int
) -> None:
    app_id = look_alike_factory
    row = dict(rows(get(explorer, "gnodes").text, "data-app"))[str(app_id)]
    assert '<span class="no">look-alike</span>' in row
    page = get(explorer, f"factory/{app_id}")
    assert page.status_code == 200
    assert "look-alike program" in page.text
    shown = tree(page.text)
    assert shown.order == ["d1", "d1.fake", "d1.fake.ta"]
    assert shown.tags["d1.fake.ta"] == ["malformed"]
    assert "d1.fake.ta</span>: undecodable" in page.text  # the malformed records' list
    assert "<b>x</b>" not in page.text
    assert (
        "g&lt;b&gt;x&lt;/b&gt;</span>: alias &#39;&lt;b&gt;x&lt;/b&gt;&#39; has invalid"
        in page.text
    )
    assert "0x67fffe</span>: the box name is not UTF-8" in page.text
    gnode = get(explorer, f"gnode/{app_id}/d1.fake.ta")
    assert gnode.status_code == 200
    assert "This registry record is malformed: undecodable" in gnode.text
    assert get(explorer, "gnodes?alias=d1.fake.ta").status_code == 404  # look-alikes: not searched
