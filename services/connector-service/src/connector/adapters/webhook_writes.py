"""A group of webhook deliveries stored on PostgreSQL in one statement outside any explicit
transaction (autocommit: durable when the statement returns): one round trip to the server
instead of three (BEGIN, INSERT, COMMIT), and none of the ORM session's work. What the group
writer does for every group, a lone webhook's included, so its cost is the webhook's."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from connector.adapters.db import DELIVERY_COLUMNS, delivery_rows
from connector.adapters.inserted import firsts_stored
from connector.ports import WebhookDelivery

_INSERT = """
INSERT INTO webhook_deliveries
    (store_id, delivery_id, topic, platform_order_id, received_at, raw_body, correlation_id, derived_at)
SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::timestamptz[],
                     $6::bytea[], $7::varchar[], $8::timestamptz[])
ON CONFLICT (store_id, delivery_id) DO NOTHING
RETURNING store_id, delivery_id
"""


class AutocommitDeliveries:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record_many(self, deliveries: Sequence[WebhookDelivery]) -> list[bool]:
        """As ``WebhookDeliveries.record_many``, committed on return."""
        keys, rows = delivery_rows(deliveries)
        if not rows:
            return []
        async with self._engine.connect() as connection:
            raw: Any = (await connection.get_raw_connection()).driver_connection
            stored = await raw.fetch(_INSERT, *([row[name] for row in rows] for name in DELIVERY_COLUMNS))
        return firsts_stored(keys, {(record[0], record[1]) for record in stored})
