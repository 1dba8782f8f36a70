"""Simulators of the shop platforms the connector talks to (one module per platform).

Each is a real HTTP server built from the platform's public API documentation
(`../shared/reference/platforms.md`): the connector's httpx clients are tested against them,
and `make up` runs them with a demo shop so a newcomer can connect a store without any
platform account. They never import the services' code.
"""
