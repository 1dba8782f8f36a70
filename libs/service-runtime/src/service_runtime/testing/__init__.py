"""Test support shared by every service: real infrastructure started once per test
session, fresh databases and topic prefixes per test, token minting, service processes."""
