"""Settings every service shares. Each service subclasses with its own env prefix."""

import ipaddress
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Read from the environment (``<PREFIX>_DATABASE_URL`` ...) and, for what every
    service shares, from ``STOREFRONTS_*`` variables (see each field's alias)."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: str = "service"
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means SQLite in ./var/data/<service>.db")
    database_pre_ping: bool = Field(
        default=True,
        description="PostgreSQL: check every pooled connection before each use (three round trips with asyncpg). "
        "Off, a connection the server dropped fails the one request that meets it and the pool is renewed",
    )
    kafka_bootstrap: str = Field(default="127.0.0.1:9092", validation_alias="STOREFRONTS_KAFKA_BOOTSTRAP")
    topic_prefix: str = Field(
        default="",
        validation_alias="STOREFRONTS_TOPIC_PREFIX",
        description="Prepended to every topic and consumer group (isolates test runs)",
    )
    environment: Literal["development", "test", "production"] = Field(
        default="development",
        validation_alias="STOREFRONTS_ENVIRONMENT",
        description="production refuses topic replication below 3 and min.insync.replicas below 2",
    )
    bind_host: str = Field(
        default="127.0.0.1",
        validation_alias="STOREFRONTS_BIND_HOST",
        description="Address the HTTP server listens on (0.0.0.0 in a container)",
    )
    port: int = Field(default=8000, description="HTTP port (each service sets its own default)")
    kafka_replication_factor: int = Field(
        default=1,
        ge=1,
        validation_alias="STOREFRONTS_KAFKA_REPLICATION",
        description="Replication factor of the topics the service creates (production: 3)",
    )
    kafka_min_insync_replicas: int = Field(
        default=1,
        ge=1,
        validation_alias="STOREFRONTS_KAFKA_MIN_INSYNC_REPLICAS",
        description="min.insync.replicas of the topics the service creates (production: 2)",
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", validation_alias="STOREFRONTS_KAFKA_SECURITY_PROTOCOL"
    )
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(
        default="PLAIN", validation_alias="STOREFRONTS_KAFKA_SASL_MECHANISM"
    )
    kafka_sasl_username: str = Field(default="", validation_alias="STOREFRONTS_KAFKA_SASL_USERNAME")
    kafka_sasl_password: SecretStr = Field(default=SecretStr(""), validation_alias="STOREFRONTS_KAFKA_SASL_PASSWORD")
    kafka_ssl_cafile: str = Field(
        default="",
        validation_alias="STOREFRONTS_KAFKA_SSL_CAFILE",
        description="CA bundle to verify the brokers (SSL, SASL_SSL); empty means the system's",
    )
    dead_letter_retention_ms: int = Field(
        default=30 * 24 * 3600 * 1000,
        ge=1,
        validation_alias="STOREFRONTS_DEAD_LETTER_RETENTION_MS",
        description="retention.ms of the dead-letter topics the service creates (default 30 days)",
    )
    consumers_enabled: bool = True
    relay_enabled: bool = True
    relay_poll_seconds: float = 0.5
    relay_gather_seconds: float = Field(
        default=0.01,
        ge=0,
        description="Once woken by a commit, how long the relay waits for more before its pass: one pass (a "
        "transaction, a send, a mark) for the outbox rows of several commits. 0: a pass per wake",
    )
    relay_batch_size: int = Field(default=500, ge=1)
    relay_send_timeout_seconds: float = Field(
        default=30, gt=0, description="How long a relay pass waits for the broker to acknowledge its sends"
    )
    relay_max_attempts: int = Field(
        default=5, ge=1, description="Non-retriable failures after which an outbox row is parked (failed_at set)"
    )
    outbox_max_event_bytes: int = Field(
        default=900_000,
        ge=1,
        validation_alias="STOREFRONTS_OUTBOX_MAX_EVENT_BYTES",
        description="Outbox.add refuses a larger encoded event; keep it below the broker's message.max.bytes "
        "and the producer's max_request_size (1 MiB by default)",
    )
    kafka_max_request_bytes: int = Field(
        default=1_048_576,
        ge=1,
        validation_alias="STOREFRONTS_KAFKA_MAX_REQUEST_BYTES",
        description="The relay producer's max_request_size",
    )
    housekeeping_enabled: bool = True
    housekeeping_interval_seconds: float = Field(default=3600, gt=0)
    outbox_retention_days: float = Field(
        default=7,
        gt=0,
        validation_alias="STOREFRONTS_OUTBOX_RETENTION_DAYS",
        description="Sent outbox rows older than this are deleted (parked, unsent rows never are)",
    )
    inbox_retention_days: float = Field(
        default=30,
        gt=0,
        validation_alias="STOREFRONTS_INBOX_RETENTION_DAYS",
        description="applied_events rows older than this are deleted; keep it above the longest redelivery "
        "(dead-letter retention, reconciliation)",
    )
    consumer_max_attempts: int = Field(default=3, ge=1)
    consumer_backoff_seconds: float = 0.2
    consumer_max_backoff_seconds: float = Field(default=30, gt=0, description="Ceiling of the retry backoff")
    consumer_batch_max_records: int = Field(default=500, ge=1, description="Most records applied in one transaction")
    consumer_batch_timeout_ms: int = Field(default=100, ge=1, description="Longest wait for a batch to fill")
    consumer_heartbeat_interval_ms: int = Field(
        default=3000,
        ge=10,
        lt=10000,  # below the consumers' session timeout (aiokafka's 10 s)
        validation_alias="STOREFRONTS_CONSUMER_HEARTBEAT_INTERVAL_MS",
        description="How often each consumer heartbeats its group (Kafka's default, 3 s). A consumer learns"
        " that its group rebalances from a heartbeat's answer: a service's subscribers share one group and"
        " join it one after the other, so each one joining waits up to this long for the others to rejoin"
        " (the tests use 250 ms: a service starting with three subscribers took 6.5 s)",
    )
    consumer_concurrency: int = Field(
        default=1,
        ge=1,
        validation_alias="STOREFRONTS_CONSUMER_CONCURRENCY",
        description="Kafka consumers of the same group each subscription runs in the process: the group's "
        "partitions are shared out among them and their batches are applied concurrently (each its own "
        "transaction), so one batch's waits on the database and the broker overlap another's. Per-partition "
        "order, commit after apply, inbox de-duplication and dead-lettering are unchanged (a partition belongs to "
        "one consumer at a time). More than the topic's partitions leaves the extra consumers idle; on SQLite "
        "(one writer at a time) it gains nothing",
    )
    consumer_log_each_event: bool = Field(
        default=False,
        description="false: one events.applied line per committed batch listing its event ids, correlation ids and"
        " offsets, and a line per applied event (event.applied) at DEBUG only; true: the event.applied lines at INFO"
        " instead (a line per event costs about a tenth of a consumed event's CPU time). Duplicates are logged one by"
        " one either way",
    )
    log_level: str = Field(default="INFO", validation_alias="STOREFRONTS_LOG_LEVEL")
    log_json: bool = Field(default=True, validation_alias="STOREFRONTS_LOG_JSON")
    jwks_url: str = Field(default="", validation_alias="STOREFRONTS_JWKS_URL")
    jwks_json: str = Field(
        default="", validation_alias="STOREFRONTS_JWKS_JSON", description="A static JWKS document (tests, offline use)"
    )
    jwt_issuer: str = Field(default="storefronts-access", validation_alias="STOREFRONTS_JWT_ISSUER")
    jwt_audience: str = Field(default="storefronts", validation_alias="STOREFRONTS_JWT_AUDIENCE")
    secret_keys: list[SecretStr] = Field(
        default_factory=list,
        validation_alias="STOREFRONTS_SECRET_KEYS",
        description="Fernet keys, newest first: the first encrypts, all decrypt",
    )
    outbound_allow_private: bool = Field(
        default=False,
        validation_alias="STOREFRONTS_OUTBOUND_ALLOW_PRIVATE",
        description="Let user-given URLs reach private, loopback and link-local hosts (dev and tests only)",
    )
    redis_url: str = Field(default="", validation_alias="STOREFRONTS_REDIS_URL")
    development: bool = Field(
        default=False,
        validation_alias="STOREFRONTS_DEVELOPMENT",
        description="Local development only: lets a service start without STOREFRONTS_SECRET_KEYS",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        validation_alias="STOREFRONTS_TRUSTED_PROXIES",
        description="JSON list of the addresses or networks of the proxies (the gateway) whose X-Forwarded-For "
        "is believed; empty: the direct peer is the caller",
    )
    jwks_ttl_seconds: float = Field(
        default=300,
        gt=0,
        validation_alias="STOREFRONTS_JWKS_TTL_SECONDS",
        description="The JWKS from jwks_url is fetched again after this long: keys removed there stop working",
    )
    jwks_refetch_seconds: float = Field(
        default=30,
        ge=0,
        validation_alias="STOREFRONTS_JWKS_REFETCH_SECONDS",
        description="At most one fetch per this many seconds for tokens naming an unknown key id",
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)  # a ValueError names the bad entry
        return value

    def trusted_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(item, strict=False) for item in self.trusted_proxies]

    def require_secret_keys(self) -> None:
        """A service refuses to start without its encryption keys, unless told it is a development machine."""
        if not self.secret_keys and not self.development:
            raise MissingSecretKeys(
                "STOREFRONTS_SECRET_KEYS is not set: a JSON list of Fernet keys is required "
                "(set STOREFRONTS_DEVELOPMENT=true on a development machine to start without it)."
            )

    @model_validator(mode="after")
    def _replication_fits_the_environment(self) -> "ServiceSettings":
        if self.kafka_min_insync_replicas > self.kafka_replication_factor:
            raise ValueError("kafka_min_insync_replicas cannot exceed kafka_replication_factor")
        if self.environment == "production" and (
            self.kafka_replication_factor < 3 or self.kafka_min_insync_replicas < 2
        ):
            raise ValueError(
                "production needs STOREFRONTS_KAFKA_REPLICATION >= 3 and STOREFRONTS_KAFKA_MIN_INSYNC_REPLICAS >= 2 "
                f"(got {self.kafka_replication_factor} and {self.kafka_min_insync_replicas})"
            )
        return self

    def sqlite_default(self) -> str:
        return f"sqlite+aiosqlite:///./var/data/{self.service_name}.db"

    def effective_database_url(self) -> str:
        return self.database_url or self.sqlite_default()

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def group(self, group_id: str) -> str:
        return f"{self.topic_prefix}{group_id}"


class MissingSecretKeys(RuntimeError):
    """The service would keep secrets unencrypted or under a throwaway key."""
