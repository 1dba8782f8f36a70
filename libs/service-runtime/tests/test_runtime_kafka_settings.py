"""Topic durability, dead-letter retention and Kafka security come from settings."""

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from pydantic import ValidationError

from service_runtime.kafka_admin import ensure_topics
from service_runtime.kafka_clients import broker_security, client_options
from service_runtime.settings import ServiceSettings
from service_runtime.testing.helpers import eventually


def test_production_refuses_single_replica_topics():
    with pytest.raises(ValidationError, match="production needs"):
        ServiceSettings(environment="production")
    with pytest.raises(ValidationError, match="production needs"):
        ServiceSettings(environment="production", kafka_replication_factor=3, kafka_min_insync_replicas=1)
    settings = ServiceSettings(environment="production", kafka_replication_factor=3, kafka_min_insync_replicas=2)
    assert settings.kafka_replication_factor == 3


def test_min_insync_replicas_cannot_exceed_the_replication_factor():
    with pytest.raises(ValidationError, match="cannot exceed"):
        ServiceSettings(kafka_replication_factor=1, kafka_min_insync_replicas=2)


def test_shared_settings_come_from_storefronts_variables(monkeypatch):
    monkeypatch.setenv("STOREFRONTS_BIND_HOST", "0.0.0.0")
    monkeypatch.setenv("STOREFRONTS_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("STOREFRONTS_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("STOREFRONTS_KAFKA_SASL_USERNAME", "svc")
    monkeypatch.setenv("STOREFRONTS_KAFKA_SASL_PASSWORD", "pw")
    monkeypatch.setenv("STOREFRONTS_DEAD_LETTER_RETENTION_MS", "123")
    settings = ServiceSettings()

    assert settings.bind_host == "0.0.0.0" and settings.dead_letter_retention_ms == 123
    options = client_options(settings)
    assert options["security_protocol"] == "SASL_PLAINTEXT"
    assert (options["sasl_mechanism"], options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "SCRAM-SHA-512",
        "svc",
        "pw",
    )
    security = broker_security(settings)
    assert (type(security).__name__, security.username, security.use_ssl) == ("SASLScram512", "svc", False)


def test_plaintext_needs_no_security_options():
    settings = ServiceSettings()
    assert client_options(settings) == {"bootstrap_servers": settings.kafka_bootstrap, "security_protocol": "PLAINTEXT"}
    assert broker_security(settings) is None


async def test_dead_letter_topics_get_their_long_retention_and_every_topic_its_min_insync(stack, topic_prefix):
    settings = ServiceSettings(kafka_bootstrap=stack.kafka_bootstrap, dead_letter_retention_ms=2_592_000_000)
    events, dead_letters = f"{topic_prefix}events", f"{topic_prefix}events.dlq.group"

    created = await ensure_topics(settings, {events: 1, dead_letters: 1}, dead_letters=frozenset({dead_letters}))

    assert set(created) == {events, dead_letters}
    configs = await eventually(lambda: _configs(stack.kafka_bootstrap, [events, dead_letters]))
    assert configs[dead_letters]["retention.ms"] == "2592000000"
    assert configs[events]["retention.ms"] != "2592000000"
    assert configs[events]["min.insync.replicas"] == "1"


async def _configs(bootstrap: str, topics: list[str]) -> dict[str, dict[str, str]] | None:
    """Each topic's configuration, once the broker describes all of them."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, t) for t in topics])
    finally:
        await admin.close()
    configs = {}
    for response in responses:
        for error_code, _, _, name, entries in response.resources:
            if error_code == 0 and entries:
                configs[name] = {entry[0]: entry[1] for entry in entries}
    return configs if set(configs) == set(topics) else None
