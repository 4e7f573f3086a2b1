"""algokit-utils' idempotent deploy: create once, do nothing when unchanged, update in place when
the (template-substituted) program changes. There is no indexer, so the app lookup is the one
the deployer keeps in memory; the deploy note and the program comparison go through algod."""

# No `from __future__ import annotations`: PyTeal reads the ABI types from live annotations.
import base64
import json

import algokit_utils
import pyteal as pt
from algokit_utils.deploy import NOTE_PREFIX, AppLookup, OperationPerformed
from algosdk.v2client.algod import AlgodClient
from beaker import Application, Authorize

greeter = Application("Greeter")


@greeter.create(bare=True)
def create() -> pt.Expr:
    return pt.Approve()


@greeter.update(bare=True, authorize=Authorize.only_creator())
def update() -> pt.Expr:
    return pt.Assert(pt.Tmpl.Int("TMPL_UPDATABLE"), comment="not updatable")


@greeter.delete(bare=True, authorize=Authorize.only_creator())
def delete() -> pt.Expr:
    return pt.Assert(pt.Tmpl.Int("TMPL_DELETABLE"), comment="not deletable")


@greeter.external(read_only=True)
def greet(name: pt.abi.String, *, output: pt.abi.String) -> pt.Expr:
    return output.set(pt.Concat(pt.Tmpl.Bytes("TMPL_GREETING"), name.get()))


def test_deploy_creates_then_noops_then_updates(algod: AlgodClient, account_factory) -> None:
    owner = account_factory()
    creator = algokit_utils.Account(private_key=owner.private_key)
    spec = algokit_utils.ApplicationSpecification.from_json(greeter.build(algod).to_json())
    lookup = AppLookup(creator.address)

    def deploy(greeting: str, version: str) -> algokit_utils.DeployResponse:
        client = algokit_utils.ApplicationClient(
            algod, spec, creator=creator, existing_deployments=lookup
        )
        response = client.deploy(
            version=version,
            allow_update=True,
            allow_delete=False,
            on_update=algokit_utils.OnUpdate.UpdateApp,
            template_values={"GREETING": greeting},
        )
        assert client.call("greet", name="Ada").return_value == f"{greeting}Ada"
        return response

    first = deploy("hello ", "1.0")
    assert first.action_taken == OperationPerformed.Create
    app_id = first.app.app_id
    created = algod.pending_transaction_info(first.create_response.tx_id)
    note = base64.b64decode(created["txn"]["txn"]["note"]).decode()
    assert note.startswith(NOTE_PREFIX)
    assert json.loads(note[note.index("{") :]) == {
        "name": "Greeter",
        "version": "1.0",
        "deletable": False,
        "updatable": True,
    }

    again = deploy("hello ", "1.0")
    assert again.action_taken == OperationPerformed.Nothing
    assert again.app.app_id == app_id

    changed = deploy("howdy ", "2.0")
    assert changed.action_taken == OperationPerformed.Update
    assert changed.app.app_id == app_id
    assert changed.app.version == "2.0"
    updated = algod.pending_transaction_info(changed.update_response.tx_id)["txn"]["txn"]
    assert updated["apan"] == 4  # UpdateApplication
    assert '"version": "2.0"' in base64.b64decode(updated["note"]).decode()
    assert [a["id"] for a in algod.account_info(owner.address)["created-apps"]] == [app_id]
