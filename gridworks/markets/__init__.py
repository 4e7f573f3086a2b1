"""Markets: market types and slots, bid curves, and uniform-price clearing (the MarketMaker
SDK's rules, with no I/O)."""
