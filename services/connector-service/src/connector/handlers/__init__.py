"""Use cases of the connector: load → decide → save → emit → commit. No framework."""
