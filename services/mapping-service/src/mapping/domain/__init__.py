"""Rules of the mapping service: the provider's catalog, the shops' products and how one is
connected to the other. Plain Python: no I/O, no framework."""
