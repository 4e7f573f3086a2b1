"""A Beaker app deployed with algokit-utils, finding earlier deployments through the indexer.

Imported by the test, and run as a script to deploy from a fresh process (a restarted app):
`python deploy_greeter.py ALGOD_URL INDEXER_URL TOKEN PRIVATE_KEY VERSION GREETING` prints
`{"action": ..., "app_id": ...}`.
"""

# No `from __future__ import annotations`: PyTeal reads the ABI types from live annotations.
import json
import sys

import algokit_utils
import pyteal as pt
from algosdk.v2client.algod import AlgodClient
from algosdk.v2client.indexer import IndexerClient
from beaker import Application, Authorize

greeter = Application("IndexedGreeter")


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


def deploy(
    algod: AlgodClient, indexer: IndexerClient, private_key: str, version: str, greeting: str
) -> dict[str, object]:
    """A new client, knowing nothing but the creator: the indexer tells it what exists."""
    creator = algokit_utils.Account(private_key=private_key)
    spec = algokit_utils.ApplicationSpecification.from_json(greeter.build(algod).to_json())
    client = algokit_utils.ApplicationClient(algod, spec, creator=creator, indexer_client=indexer)
    response = client.deploy(
        version=version,
        allow_update=True,
        allow_delete=False,
        on_update=algokit_utils.OnUpdate.UpdateApp,
        template_values={"GREETING": greeting},
    )
    answer = client.call("greet", name="Ada").return_value
    return {
        "action": response.action_taken.name,
        "app_id": response.app.app_id,
        "greeting": answer,
    }


if __name__ == "__main__":
    algod_url, indexer_url, token, key, version, greeting = sys.argv[1:7]
    result = deploy(
        AlgodClient(token, algod_url), IndexerClient(token, indexer_url), key, version, greeting
    )
    print(json.dumps(result))
