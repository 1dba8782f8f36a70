"""Each consumer group's lag per partition: the committed offset against the partition's end."""

from dataclasses import asdict, dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient


@dataclass(frozen=True)
class PartitionLag:
    group: str
    topic: str
    partition: int
    committed: int
    end: int

    @property
    def lag(self) -> int:
        return max(self.end - self.committed, 0)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "lag": self.lag}


async def consumer_lag(bootstrap: str, *, prefix: str = "", group: str | None = None) -> list[PartitionLag]:
    """The lag of every group whose name starts with ``prefix`` (or of ``group`` alone), on
    each partition it has committed an offset for. Names are returned without the prefix."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        groups = sorted(g[0] for g in await admin.list_consumer_groups() if g[0].startswith(prefix))
        if group is not None:
            groups = [g for g in groups if g == prefix + group]
        committed = {g: await admin.list_consumer_group_offsets(g) for g in groups}
    finally:
        await admin.close()
    partitions = {tp for offsets in committed.values() for tp in offsets}
    if not partitions:
        return []
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        end = await consumer.end_offsets(list(partitions))
    finally:
        await consumer.stop()
    rows = [
        PartitionLag(
            group=g.removeprefix(prefix),
            topic=tp.topic.removeprefix(prefix),
            partition=tp.partition,
            committed=meta.offset,
            end=end[tp],
        )
        for g, offsets in committed.items()
        for tp, meta in offsets.items()
        if meta.offset >= 0
    ]
    return sorted(rows, key=lambda r: (r.group, r.topic, r.partition))
