"""Connector rules. Pure Python: no I/O, no framework, no libs/events."""
