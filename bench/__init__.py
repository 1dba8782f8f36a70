"""``make bench``: what the delivery runtime costs on this machine.

One run measures the ceiling (raw aiokafka producing and consuming the events' real size),
then the runtime (a bench service applying the same events through ``service_runtime``
into PostgreSQL and SQLite, and its relay publishing the output events), and writes
``bench/results/runtime-<label>.json`` and ``.md``. A benchmark, not a test: targets are
printed next to the numbers, never asserted. See bench/README.md."""
