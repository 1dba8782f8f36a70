"""Topic creation from the registry in libs/events (the broker does not auto-create).

Replication factor and ``min.insync.replicas`` come from settings (1/1 in development;
3/2 in production, which refuses less). Dead-letter topics get an explicit long
``retention.ms`` so a failed event is still there when someone looks for it."""

import structlog
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from service_runtime.kafka_clients import client_options
from service_runtime.settings import ServiceSettings

log = structlog.get_logger()


def topic_configs(settings: ServiceSettings, *, dead_letter: bool) -> dict[str, str]:
    configs = {"min.insync.replicas": str(settings.kafka_min_insync_replicas)}
    if dead_letter:
        configs["retention.ms"] = str(settings.dead_letter_retention_ms)
    return configs


async def ensure_topics(
    settings: ServiceSettings, topics: dict[str, int], *, dead_letters: frozenset[str] = frozenset()
) -> list[str]:
    """Create the named topics (name → partitions) that do not exist yet; those named in
    ``dead_letters`` with the dead-letter retention."""
    admin = AIOKafkaAdminClient(**client_options(settings), request_timeout_ms=15000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in topics if name not in existing]
        if missing:
            new_topics = [
                NewTopic(
                    name,
                    num_partitions=topics[name],
                    replication_factor=settings.kafka_replication_factor,
                    topic_configs=topic_configs(settings, dead_letter=name in dead_letters),
                )
                for name in missing
            ]
            try:
                await admin.create_topics(new_topics)
            except Exception as error:  # a racing process may have created them: check again
                still_missing = set(missing) - set(await admin.list_topics())
                if still_missing:
                    raise RuntimeError(f"could not create topics {sorted(still_missing)}") from error
            log.info("kafka.topics_created", topics=missing, replication_factor=settings.kafka_replication_factor)
        return missing
    finally:
        await admin.close()
