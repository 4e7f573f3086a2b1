"""Hosts of one process can share one chain cache (one follower, one first lookup per sender)."""

from __future__ import annotations

from gridworks.actors.actor import ChainContext
from gridworks.actors.host import ActorHost, host_cache
from gridworks.contracts.provision import FactorySetup


def test_hosts_share_the_cache_they_are_given_even_an_empty_one(
    network, gnode_factory: FactorySetup
) -> None:
    chain = ChainContext.of(network.algod, gnode_factory.factory.app_id)
    shared = host_cache(chain)
    assert len(shared) == 0  # empty, hence falsy: it must still be the one used
    one, two = ActorHost(chain, cache=shared), ActorHost(chain, cache=shared)
    assert one.cache is shared and two.cache is shared
    alone = ActorHost(chain)
    assert alone.cache is not shared
