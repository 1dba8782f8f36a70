"""Connect a Pressero store, and "verify the connection" with a test order.

A Pressero store is identified by its integration ID, which is its client's reference ID
(from the connector's read model of clients): a client without one gets a clear error telling
the operator to set one. The store's security key (ours, generated, or the one given) signs
the orders Pressero sends to the integration's webhook address; the attributes named in the
store's configuration become line attributes."""

import json
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from connector.domain import pressero as rules
from connector.domain import stores as store_rules
from connector.domain.access import Viewer
from connector.domain.platform_errors import ClientUnknown, IntegrationTaken, IntegrationUnknown
from connector.domain.stores import Store
from connector.handlers.stores import load_managed, owner_of_new_store, store_connected
from connector.intake_ports import PresseroIntegration, UnitOfWork
from connector.ports import Clock, Vault


@dataclass(frozen=True)
class ConnectPressero:
    client_id: str | None = None
    name: str | None = None
    security_key: str | None = None
    line_attributes: Sequence[str] = ()
    test_mode: bool = False


@dataclass(frozen=True)
class PresseroConnection:
    store: Store
    integration_id: str
    security_key: str
    line_attributes: Sequence[str]


async def connect_pressero(
    viewer: Viewer, cmd: ConnectPressero, *, uow: UnitOfWork, vault: Vault, clock: Clock, key_minimum: int
) -> PresseroConnection:
    owner = owner_of_new_store(viewer, cmd.client_id)
    key = rules.clean_security_key(cmd.security_key, minimum=key_minimum) if cmd.security_key else None
    key = key or secrets.token_urlsafe(32)
    attributes = rules.clean_attribute_names(cmd.line_attributes)
    async with uow:
        client = await uow.clients.get(owner)
        if client is None or client.archived:
            raise ClientUnknown("pressero_client_unknown", field="client_id", client_id=owner)
        integration_id = rules.integration_id_of(client_name=client.name, reference_id=client.reference_id)
        if (taken := await uow.pressero.of_integration(integration_id)) is not None:
            holder = await uow.stores.get(taken.store_id)
            if holder is not None and holder.status != "disconnected":
                raise IntegrationTaken("pressero_integration_taken", integration_id=integration_id, name=holder.name)
            await uow.pressero.release(taken.store_id)  # connected again after a disconnection: a new store
        now = clock.now()
        store = store_rules.new_platform_store(
            str(uuid.uuid4()),
            client_id=owner,
            platform="pressero",
            name=cmd.name or f"Pressero {integration_id}",
            shop_url=None,
            test_mode=cmd.test_mode,
            now=now,
        )
        store = store_rules.connected(store, now=now, platform_shop_id=integration_id)
        uow.stores.add(store)
        uow.pressero.add(PresseroIntegration(store.id, integration_id))
        settings = {"security_key": key, "integration_id": integration_id, "line_attributes": json.dumps(attributes)}
        await uow.stores.keep_credentials(store.id, vault.seal(settings))
        uow.outbox.add(store_connected(store))
        await uow.commit()
    return PresseroConnection(store, integration_id, key, attributes)


async def store_of_integration(integration_id: str, *, uow: UnitOfWork) -> str:
    """The store an integration's webhook address names; an unknown ID is refused (404)."""
    async with uow:
        integration = await uow.pressero.of_integration(integration_id)
    if integration is None:
        raise IntegrationUnknown("pressero_integration_unknown", integration_id=integration_id)
    return integration.store_id


async def test_order_delivery(viewer: Viewer, store_id: str, *, uow: UnitOfWork, vault: Vault) -> tuple[bytes, str]:
    """ "Verify the connection": a sample order of the integration, marked as a test, with its
    MessageHash, to go through the same intake as Pressero's deliveries (body, hash)."""
    async with uow:
        store = await load_managed(uow, viewer, store_id)
        sealed = await uow.stores.sealed_credentials(store.id)
    if store.platform != "pressero" or not sealed:
        raise IntegrationUnknown("pressero_integration_unknown", integration_id=store.platform_shop_id or store_id)
    settings = vault.open(sealed)
    body = json.dumps(
        sample_order(settings["integration_id"], json.loads(settings.get("line_attributes", "[]")))
    ).encode()
    hex_hash, _ = rules.expected_hashes(settings["security_key"], body)
    return body, hex_hash


def sample_order(integration_id: str, attributes: Sequence[str]) -> dict[str, object]:
    address = {
        "FirstName": "Test",
        "LastName": "Order",
        "Company": "Storefronts",
        "Address1": "1 Test Street",
        "City": "Paris",
        "PostalCode": "75001",
        "Country": "FR",
        "Email": "test-order@storefronts.invalid",
    }
    order_id = f"test-{uuid.uuid4()}"
    return {
        "EventType": "OrderPlaced",
        "Test": True,
        "IntegrationId": integration_id,
        "Order": {
            "OrderId": order_id,
            "OrderNumber": "TEST",
            "OrderDate": "2026-01-01T00:00:00+00:00",
            "Currency": "EUR",
            "Total": 0,
            "Buyer": {"Email": address["Email"]},
            "ShippingAddress": address,
            "Items": [
                {
                    "ItemId": f"{order_id}-1",
                    "ProductName": "Test product",
                    "Quantity": 1,
                    "UnitPrice": 0,
                    "Attributes": [{"Name": name, "Value": "test"} for name in attributes],
                }
            ],
        },
    }
