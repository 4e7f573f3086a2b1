"""Shared by the real-client tests: a Beaker client for a fresh funded account."""

from __future__ import annotations

from algosdk.transaction import SuggestedParams
from algosdk.v2client.algod import AlgodClient
from beaker import Application
from beaker.client import ApplicationClient

from gridworks.sandbox import DevAccount


def beaker_client(algod: AlgodClient, app: Application, account: DevAccount) -> ApplicationClient:
    """Beaker 1.1.1's client, built exactly as its docs show."""
    return ApplicationClient(client=algod, app=app, signer=account.signer, sender=account.address)


def covering(algod: AlgodClient, transactions: int) -> SuggestedParams:
    """Suggested params whose flat fee pays for the call and `transactions - 1` inner ones."""
    sp = algod.suggested_params()
    sp.flat_fee = True
    sp.fee = 1000 * transactions
    return sp
