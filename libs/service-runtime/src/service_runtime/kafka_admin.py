"""Topic creation from the registry in libs/events (the broker does not auto-create)."""

import os

import structlog
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

log = structlog.get_logger()


def replication_factor() -> int:
    return int(os.environ.get("STOREFRONTS_KAFKA_REPLICATION", "1"))


async def ensure_topics(bootstrap: str, topics: dict[str, int]) -> list[str]:
    """Create the named topics (name → partitions) that do not exist yet."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in topics if name not in existing]
        if missing:
            rf = replication_factor()
            try:
                await admin.create_topics(
                    [NewTopic(name, num_partitions=topics[name], replication_factor=rf) for name in missing]
                )
            except Exception as error:  # a racing process may have created them: check again
                still_missing = set(missing) - set(await admin.list_topics())
                if still_missing:
                    raise RuntimeError(f"could not create topics {sorted(still_missing)}") from error
            log.info("kafka.topics_created", topics=missing)
        return missing
    finally:
        await admin.close()
