"""The GNode pages: the GNodeFactories of the chain (`/gnodes`), one GNode (`/gnode/{app}/{alias}`),
and, from `gnode_tree` and `cert_history`, a factory's tree and a certificate's history.

How a GNodeFactory is found, through public APIs only: the indexer's `/v2/applications` is read
in pages of `SCAN_PAGE` apps, at most `SCAN_PAGES` pages per request (so one `/gnodes` page looks
at no more than 5,000 apps; a "more applications" link continues from the indexer's next-token).
An app is a GNodeFactory candidate when its global state has exactly the keys the contract
declares (from its checked-in ARC-32 spec); it is a GNodeFactory when, in addition, its approval
program is byte-equal to the spec's program compiled by the node (`/v2/teal/compile`). A
candidate whose program differs is listed as a look-alike; if the node does not compile, the
program is shown as unchecked.

A GNode page reads the registry record (one algod box read) and, for each certificate the role
holds, the live verdict of `FactoryReader.check_record` (the same rules as `check(holder, alias,
kind)`) for the record's holder: ok, or the refusal's reason (REVOKED, NO_CERTIFICATE...). Every
certificate the factory ever minted for the alias (revoked ones included) is found with the
indexer's `/v2/assets?creator=<factory account>` search, bounded to `PAST_CERTS`, and kept only
if its metadata hash binds that kind and alias.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

from algosdk.encoding import encode_address
from algosdk.logic import get_application_address
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from gridworks.identity.certificates import CertificateKind, Slot, asset_name, metadata_hash
from gridworks.identity.chain import ChainError, FactoryReader, MalformedRecordError, Verdict
from gridworks.identity.record import ZERO_ADDRESS, Record, read_box, record_key

from . import cert_history, gnode_tree
from .errors import ExplorerError, not_found, parse_uint
from .gnode_tree import checked_alias, registry
from .render import base_path, render
from .sources import ChainSources, as_dict, read

SCAN_PAGE = 1000
"""Applications asked of the indexer in one call."""

SCAN_PAGES = 5
"""Indexer calls one `/gnodes` page (or alias lookup) makes at most."""

PAST_CERTS = 50
"""Certificates of one kind the GNode page lists at most (current and revoked)."""


@cache
def factory_spec() -> dict[str, Any]:
    """The GNodeFactory's checked-in ARC-32 application spec."""
    text = files("gridworks.contracts").joinpath("artifacts/GNodeFactory.arc32.json").read_text()
    spec = json.loads(text)
    assert isinstance(spec, dict)
    return spec


@cache
def factory_state_keys() -> frozenset[str]:
    declared = factory_spec()["schema"]["global"]["declared"]
    return frozenset(str(v["key"]) for v in declared.values())


_PROGRAM: dict[str, bytes] = {}


def factory_program(sources: ChainSources) -> bytes | None:
    """The spec's approval program as the node compiles it (kept once compiled), or None when the
    node does not compile (its developer API may be off)."""
    teal = base64.b64decode(factory_spec()["source"]["approval"]).decode()
    if teal not in _PROGRAM:
        try:
            result = sources.algod.compile(teal)
        except Exception:  # a node without the developer API: the program stays unchecked
            return None
        _PROGRAM[teal] = base64.b64decode(as_dict(result)["result"])
    return _PROGRAM[teal]


@dataclass
class FactoryApp:
    """An app that looks like a GNodeFactory: its id, account, admin and counters."""

    app_id: int
    address: str
    creator: str
    admin: str
    counts: dict[str, int]
    program: bool | None
    """Its approval program is the GNodeFactory's (None: not checked, the node did not compile)."""


def _state(params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in params.get("global-state", []) or []:
        key = base64.b64decode(item.get("key", "")).decode("utf-8", "replace")
        value = item.get("value", {})
        out[key] = (
            base64.b64decode(value.get("bytes", ""))
            if value.get("type") == 1
            else value.get("uint")
        )
    return out


def as_factory(app: dict[str, Any], program: bytes | None) -> FactoryApp | None:
    """`app` (indexer's or algod's application JSON) as a FactoryApp, or None if its global state
    is not the GNodeFactory's."""
    params = app.get("params", {})
    state = _state(params)
    if set(state) != factory_state_keys():
        return None
    admin = state.get("admin")
    approval = base64.b64decode(params.get("approval-program", "") or "")
    app_id = int(app["id"])
    return FactoryApp(
        app_id=app_id,
        address=get_application_address(app_id),
        creator=str(params.get("creator", "")),
        admin=encode_address(admin) if isinstance(admin, bytes) and len(admin) == 32 else "",
        counts={k: int(v or 0) for k, v in sorted(state.items()) if k != "admin"},
        program=None if program is None else approval == program,
    )


def factory_app(sources: ChainSources, app_id: int) -> FactoryApp:
    """The GNodeFactory `app_id` (algod's view), or a 404 if there is no such app or it is none."""
    app = as_dict(read(lambda: sources.algod.application_info(app_id), f"no application {app_id}"))
    factory = as_factory(app, factory_program(sources))
    if factory is None:
        raise not_found(f"application {app_id} is not a GNodeFactory (its global state differs)")
    return factory


def find_factories(sources: ChainSources, token: str | None) -> tuple[list[FactoryApp], str | None]:
    """The factory-like apps among at most SCAN_PAGES * SCAN_PAGE apps from the indexer's `token`;
    and the token to continue from (None: every app was looked at)."""
    program = factory_program(sources)
    found: list[FactoryApp] = []
    for _ in range(SCAN_PAGES):
        page = as_dict(
            read(
                lambda t=token: sources.indexer.search_applications(  # type: ignore[misc]
                    limit=SCAN_PAGE, next_page=t
                ),
                "the applications",
            )
        )
        apps = page.get("applications", [])
        found += [f for app in apps if (f := as_factory(app, program)) is not None]
        token = page.get("next-token")
        if len(apps) < SCAN_PAGE or not token:
            return found, None
    return found, token


@dataclass
class Certificate:
    """One certificate slot of a GNode: its kind, asset, holder, verdict, and every asset the
    factory minted for it (the current one and revoked ones)."""

    kind: CertificateKind
    asset_id: int
    holder: str
    verdict: Verdict
    minted: list[dict[str, Any]] = field(default_factory=list)


def minted_for(sources: ChainSources, factory: str, kind: CertificateKind, alias: str) -> list[Any]:
    """The assets `factory` (its account) created as `kind` certificates of `alias`, destroyed
    ones included, newest first (at most PAST_CERTS are looked at)."""
    page = as_dict(
        read(
            lambda: sources.indexer.search_assets(
                creator=factory,
                unit=kind.unit_name,
                name=asset_name(alias),
                include_all=True,
                limit=PAST_CERTS,
            ),
            f"the {kind} certificates of {alias}",
        )
    )
    want = base64.b64encode(metadata_hash(kind, alias)).decode()
    out = [
        {"id": int(a["index"]), "deleted": bool(a.get("deleted"))}
        for a in page.get("assets", [])
        if a.get("params", {}).get("metadata-hash") == want
        and a.get("params", {}).get("unit-name") == kind.unit_name
    ]
    return sorted(out, key=lambda a: a["id"], reverse=True)


def certificates(
    sources: ChainSources, reader: FactoryReader, alias: str, record: Record
) -> list[Certificate]:
    out = []
    for slot in Slot:
        kind = CertificateKind.at(record.role, slot)
        if kind is None:
            continue
        holder = record.holder(slot)
        try:
            verdict = read(
                lambda k=kind, h=holder: reader.check_record(h, alias, k, record),  # type: ignore[misc]
                f"the holding of {holder}",
            )
        except ChainError as error:
            raise ExplorerError(502, f"the node did not answer: {error}") from None
        cert = Certificate(
            kind, record.cert(slot), "" if holder == ZERO_ADDRESS else holder, verdict
        )
        cert.minted = minted_for(sources, reader.address, kind, alias)
        out.append(cert)
    return out


def routes(sources: ChainSources) -> list[BaseRoute]:
    def gnodes(request: Request) -> Response:
        alias = (request.query_params.get("alias") or "").strip()
        if alias:  # an empty search box lists the factories
            return lookup(request, checked_alias(alias))
        token = request.query_params.get("next") or None
        found, more = find_factories(sources, token)
        return render(
            request,
            "gnodes.html",
            factories=found,
            more=more,
            continued=token is not None,
            scanned=SCAN_PAGE * SCAN_PAGES,
        )

    def lookup(request: Request, alias: str) -> Response:
        found, more = find_factories(sources, None)
        searched = [f for f in found if f.program is not False]
        for factory in searched:
            try:
                raw = read_box(sources.algod, factory.app_id, record_key(alias))
            except Exception as error:
                raise ExplorerError(502, f"the node did not answer: {error}") from None
            if raw is not None:
                url = f"{base_path(request)}/gnode/{factory.app_id}/{alias}"
                return RedirectResponse(url, status_code=303)
        where = f"the {len(searched)} GNodeFactories found here"
        if more is not None:
            where += f" (among the first {SCAN_PAGE * SCAN_PAGES} applications)"
        raise not_found(f"no GNode {alias} is registered with {where}")

    def gnode(request: Request) -> Response:
        app_id = parse_uint(request.path_params["app_id"], "application id")
        alias = checked_alias(request.path_params["alias"])
        factory = factory_app(sources, app_id)
        reader = FactoryReader(sources.algod, app_id)
        try:
            record = reader.record(alias)
        except MalformedRecordError as error:
            return render(
                request,
                "gnode.html",
                factory=factory,
                alias=alias,
                record=None,
                problem=error.problem,
                certs=[],
                children=[],
                parent_registered=False,
            )
        except ChainError as error:
            raise ExplorerError(502, f"the node did not answer: {error}") from None
        if record is None:
            raise not_found(f"no GNode {alias} is registered with factory {app_id}")
        problem = None if record.alias == alias else f"it names alias {record.alias!r}"
        reg = registry(sources, app_id)
        kids = reg.children().get(alias, [])
        return render(
            request,
            "gnode.html",
            factory=factory,
            alias=alias,
            record=record,
            problem=problem,
            certs=certificates(sources, reader, alias, record),
            children=[(child, child in reg.aliases) for child in kids],
            parent_registered=record.parent in reg.aliases,
        )

    return [
        Route("/gnodes", gnodes, name="gnodes"),
        Route("/gnode/{app_id}/{alias}", gnode, name="gnode"),
        *gnode_tree.routes(sources),
        *cert_history.routes(sources),
    ]
