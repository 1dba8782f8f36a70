"""The parked webhook deliveries of ``webhook_deliveries``: parking one (why, by message key),
listing a store's, un-parking them for the deriving stage to take again. Part of
``SqlWebhookDeliveries`` (adapters/db.py)."""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession

from connector.adapters.tables import WebhookDeliveryRow, utc
from connector.domain.parked_webhooks import ParkedWebhook, ParkReason, parked_earlier

_TABLE = WebhookDeliveryRow.metadata.tables["webhook_deliveries"]
_C = _TABLE.c
_PARKED = sa_select(
    _C.id, _C.delivery_id, _C.topic, _C.received_at, _C.parked_at, _C.park_code, _C.park_values, _C.park_reason
)


class ParkedDeliveries:
    _session: AsyncSession

    async def park(self, parked: Sequence[tuple[int, ParkReason]], *, at: datetime) -> None:
        if not parked:
            return
        await self._session.execute(
            update(_TABLE)
            .where(_C.id == bindparam("row_id"))
            .values(
                parked_at=at,
                park_reason=bindparam("reason"),
                park_code=bindparam("code"),
                park_values=bindparam("code_values"),
            ),
            [
                {
                    "row_id": row_id,
                    "reason": why.detail,
                    "code": why.key[:100],
                    "code_values": json.dumps(dict(why.values)) if why.values else None,
                }
                for row_id, why in parked
            ],
        )

    async def parked(self, store_id: str) -> int:
        query = sa_select(func.count()).where(_C.store_id == store_id, _C.parked_at.is_not(None))
        return int((await self._session.execute(query)).scalar_one())

    async def parked_counts(self, store_ids: Sequence[str]) -> dict[str, int]:
        query = (
            sa_select(_C.store_id, func.count())
            .where(_C.store_id.in_(list(store_ids)), _C.parked_at.is_not(None))
            .group_by(_C.store_id)
        )
        return {store_id: int(count) for store_id, count in (await self._session.execute(query)).all()}

    async def parked_of(self, store_id: str, *, after: int | None, limit: int) -> list[ParkedWebhook]:
        query = _PARKED.where(_C.store_id == store_id, _C.parked_at.is_not(None))
        if after is not None:
            query = query.where(_C.id > after)
        return _parked(list((await self._session.execute(query.order_by(_C.id).limit(limit))).all()))

    async def last_parked(self, store_id: str) -> ParkedWebhook | None:
        query = _PARKED.where(_C.store_id == store_id, _C.parked_at.is_not(None))
        found = _parked(
            list((await self._session.execute(query.order_by(_C.parked_at.desc(), _C.id.desc()).limit(1))).all())
        )
        return found[0] if found else None

    async def unpark(self, store_id: str, webhook_ids: Sequence[str] | None) -> list[str]:
        where: list[Any] = [_C.store_id == store_id, _C.parked_at.is_not(None)]
        if webhook_ids is not None:
            where.append(_C.delivery_id.in_(list(webhook_ids)))
        result = await self._session.execute(
            update(_TABLE)
            .where(*where)
            .values(parked_at=None, park_reason=None, park_code=None, park_values=None)
            .returning(_C.delivery_id)
        )
        return sorted(delivery_id for (delivery_id,) in result.all())

    async def held(self, store_id: str, webhook_id: str) -> bool:
        query = sa_select(_C.id).where(_C.store_id == store_id, _C.delivery_id == webhook_id)
        return (await self._session.execute(query)).first() is not None

    async def waiting(self, store_id: str) -> int:
        query = sa_select(func.count()).where(_C.store_id == store_id, _C.derived_at.is_(None), _C.parked_at.is_(None))
        return int((await self._session.execute(query)).scalar_one())


def _parked(rows: list[Any]) -> list[ParkedWebhook]:
    return [
        ParkedWebhook(
            row_id=row_id,
            webhook_id=delivery_id,
            topic=topic,
            received_at=utc(received_at) or received_at,
            parked_at=utc(parked_at) or parked_at,
            reason=ParkReason(code, json.loads(values) if values else {}, reason) if code else parked_earlier(reason),
        )
        for row_id, delivery_id, topic, received_at, parked_at, code, values, reason in rows
    ]
