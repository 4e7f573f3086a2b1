"""Transaction semantics, one module per transaction type, all applied to an `Overlay`."""
