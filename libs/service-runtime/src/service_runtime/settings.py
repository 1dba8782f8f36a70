"""Settings every service shares. Each service subclasses with its own env prefix."""

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Read from the environment (``<PREFIX>_DATABASE_URL`` ...) and, for what every
    service shares, from ``STOREFRONTS_*`` variables (see each field's alias)."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: str = "service"
    database_url: str = Field(
        default="", description="SQLAlchemy URL; empty means SQLite in ./var/data/<service>.db"
    )
    kafka_bootstrap: str = Field(
        default="127.0.0.1:9092", validation_alias="STOREFRONTS_KAFKA_BOOTSTRAP"
    )
    topic_prefix: str = Field(
        default="",
        validation_alias="STOREFRONTS_TOPIC_PREFIX",
        description="Prepended to every topic and consumer group (isolates test runs)",
    )
    consumers_enabled: bool = True
    relay_enabled: bool = True
    relay_poll_seconds: float = 0.5
    consumer_max_attempts: int = Field(default=3, ge=1)
    consumer_backoff_seconds: float = 0.2
    consumer_max_backoff_seconds: float = Field(default=30, gt=0, description="Ceiling of the retry backoff")
    consumer_batch_max_records: int = Field(default=500, ge=1, description="Most records applied in one transaction")
    consumer_batch_timeout_ms: int = Field(default=100, ge=1, description="Longest wait for a batch to fill")
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

    def sqlite_default(self) -> str:
        return f"sqlite+aiosqlite:///./var/data/{self.service_name}.db"

    def effective_database_url(self) -> str:
        return self.database_url or self.sqlite_default()

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def group(self, group_id: str) -> str:
        return f"{self.topic_prefix}{group_id}"
